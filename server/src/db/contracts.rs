//! The purchased-service contracts (mingchu_domain::contract): recorded and removed by an
//! administrator, each change audited in its own transaction. The domain checks a contract
//! (against the days of the others) and settles its quarters; this persists.

use super::{Db, DbError};
use chrono::{DateTime, NaiveDate, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::contract::{self, Contract, ContractRefusal, Draft, Penalty, PriceBasis};
use mingchu_domain::kpi::{self, Period};

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error(transparent)]
    Refused(#[from] ContractRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ContractError {
    fn from(e: sqlx::Error) -> Self {
        ContractError::Db(e.into())
    }
}

/// A recorded contract.
#[derive(Clone, Debug)]
pub struct ContractRecord {
    pub id: i64,
    pub contract: Contract,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
}

type Row = (i64, String, String, String, String, String, i64, f64, String, i64, String, Option<String>);

fn decode(row: Row) -> Result<ContractRecord, DbError> {
    let (id, supplier, reference, starts, ends, basis, price_fen, threshold, penalty, amount, at, by) = row;
    let day =
        |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DbError::Corrupt(format!("contract day {s:?}")));
    let basis = PriceBasis::from_code(&basis).ok_or_else(|| DbError::Corrupt(format!("price basis {basis:?}")))?;
    let penalty =
        Penalty::from_parts(&penalty, amount).ok_or_else(|| DbError::Corrupt(format!("penalty {penalty:?}")))?;
    Ok(ContractRecord {
        id,
        contract: Contract {
            supplier,
            reference,
            period: Period { from: day(&starts)?, to: day(&ends)? },
            basis,
            price_fen,
            threshold,
            penalty,
        },
        recorded_at: at,
        recorded_by: by,
    })
}

fn as_json(c: &Contract) -> String {
    serde_json::json!({
        "supplier": c.supplier, "reference": c.reference,
        "starts_on": c.period.from.to_string(), "ends_on": c.period.to.to_string(),
        "price_basis": c.basis.code(), "price_fen": c.price_fen, "threshold": c.threshold,
        "penalty": c.penalty.code(), "penalty_amount": c.penalty.amount(),
    })
    .to_string()
}

impl Db {
    /// Every contract, the latest first.
    pub async fn contracts(&self) -> Result<Vec<ContractRecord>, DbError> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.id, c.supplier, c.reference, c.starts_on, c.ends_on, c.price_basis, c.price_fen, c.threshold,
                    c.penalty, c.penalty_amount, c.recorded_at, u.display_name
             FROM service_contracts c LEFT JOIN users u ON u.id = c.recorded_by ORDER BY c.starts_on DESC, c.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(decode).collect()
    }

    /// The online-rate threshold of the contract in force on `day`, else the standard 95 %.
    pub async fn threshold_on(&self, day: NaiveDate) -> Result<f64, DbError> {
        let found: Option<f64> =
            sqlx::query_scalar("SELECT threshold FROM service_contracts WHERE starts_on <= $1 AND ends_on >= $1")
                .bind(day.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.unwrap_or(kpi::ONLINE_THRESHOLD))
    }

    /// Records a contract the domain has checked against the others' days.
    pub async fn record_contract(
        &self,
        draft: &Draft<'_>,
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, ContractError> {
        let mut tx = self.write_tx().await?;
        let others: Vec<(String, String)> =
            sqlx::query_as("SELECT starts_on, ends_on FROM service_contracts").fetch_all(&mut *tx).await?;
        let others: Vec<Period> = others
            .iter()
            .filter_map(|(f, t)| {
                Some(Period {
                    from: NaiveDate::parse_from_str(f, "%Y-%m-%d").ok()?,
                    to: NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?,
                })
            })
            .collect();
        let c = contract::check(draft, &others)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO service_contracts (supplier, reference, starts_on, ends_on, price_basis, price_fen, threshold,
                                            penalty, penalty_amount, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(&c.supplier)
        .bind(&c.reference)
        .bind(c.period.from.to_string())
        .bind(c.period.to.to_string())
        .bind(c.basis.code())
        .bind(c.price_fen)
        .bind(c.threshold)
        .bind(c.penalty.code())
        .bind(c.penalty.amount())
        .bind((actor.user.0 > 0).then_some(actor.user.0))
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        super::audit::append(
            &mut tx,
            who.did(now, "contract.record", &format!("contract:{id}"), None, Some(as_json(&c))),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a contract recorded by mistake; `false` when there is none.
    pub async fn remove_contract(&self, id: i64, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let row: Option<Row> = sqlx::query_as(
            "SELECT c.id, c.supplier, c.reference, c.starts_on, c.ends_on, c.price_basis, c.price_fen, c.threshold,
                    c.penalty, c.penalty_amount, c.recorded_at, NULL FROM service_contracts c WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let before = as_json(&decode(row)?.contract);
        sqlx::query("DELETE FROM service_contracts WHERE id = $1").bind(id).execute(&mut *tx).await?;
        super::audit::append(&mut tx, who.did(now, "contract.remove", &format!("contract:{id}"), Some(before), None))
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
