//! The annual report's targets (mingchu_domain::report): per scope (`programme` or
//! `office:<id>`), year and indicator, replaced together and audited in one transaction.
//! Whether they may still be set is the domain's rule; the policy decides who.

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::{timestamp, Who};

/// A stored target: indicator, value, when set and by whom.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub indicator: String,
    pub target: f64,
    pub set_at: String,
    pub set_by: Option<String>,
}

impl Db {
    pub async fn targets(&self, scope: &str, year: i32) -> Result<Vec<Target>, DbError> {
        let rows: Vec<(String, f64, String, Option<String>)> = sqlx::query_as(
            "SELECT t.indicator, t.target, t.set_at, u.display_name FROM kpi_targets t
             LEFT JOIN users u ON u.id = t.set_by WHERE t.scope = $1 AND t.year = $2 ORDER BY t.indicator",
        )
        .bind(scope)
        .bind(year)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(indicator, target, set_at, set_by)| Target { indicator, target, set_at, set_by })
            .collect())
    }

    /// Replaces a scope's targets for `year` with `targets` (indicator, value) the domain has
    /// read; audited with what they were before.
    pub async fn set_targets(
        &self,
        scope: &str,
        year: i32,
        targets: &[(&str, f64)],
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        let before: Vec<(String, f64)> = sqlx::query_as(
            "SELECT indicator, target FROM kpi_targets WHERE scope = $1 AND year = $2 ORDER BY indicator",
        )
        .bind(scope)
        .bind(year)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM kpi_targets WHERE scope = $1 AND year = $2")
            .bind(scope)
            .bind(year)
            .execute(&mut *tx)
            .await?;
        for (indicator, target) in targets {
            sqlx::query(
                "INSERT INTO kpi_targets (scope, year, indicator, target, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(scope)
            .bind(year)
            .bind(indicator)
            .bind(target)
            .bind((actor.user.0 > 0).then_some(actor.user.0))
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?;
        }
        let as_map = |pairs: Vec<(String, f64)>| {
            serde_json::Value::Object(pairs.into_iter().map(|(k, v)| (k, serde_json::json!(v))).collect())
        };
        let after = targets.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        super::audit::append(
            &mut tx,
            who.did(
                now,
                "targets.set",
                &format!("targets:{scope}:{year}"),
                Some(as_map(before).to_string()),
                Some(as_map(after).to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
