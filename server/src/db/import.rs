//! Writes checked import records in one transaction: references are resolved first (every
//! unknown one reported), then rows are inserted or updated by natural key.

use super::{Db, DbError};
use crate::import::{
    FindingRecord, ImportError, ImportReport, InspectionRecord, LicenceRecord, Records, RowError, VenueRecord,
};
use sqlx::{Any, Transaction};

type Tx<'a> = Transaction<'a, Any>;

/// Why checked records were not written; nothing was.
#[derive(Debug, thiserror::Error)]
pub enum ImportWriteError {
    /// Rows refer to what the database does not have (every such row is listed).
    #[error(transparent)]
    Rejected(ImportError),
    #[error("database: {0}")]
    Db(#[from] DbError),
}

fn rejected(errors: Vec<RowError>) -> ImportWriteError {
    ImportWriteError::Rejected(ImportError::Invalid(errors))
}

impl Db {
    pub async fn import(&self, records: &Records) -> Result<ImportReport, ImportWriteError> {
        let mut tx = self.write_tx().await.map_err(DbError::from)?;
        let report = match records {
            Records::Venues(v) => import_venues(&mut tx, v).await?,
            Records::Licences(l) => import_licences(&mut tx, l).await?,
            Records::Inspections(i) => import_inspections(&mut tx, i).await?,
        };
        tx.commit().await.map_err(DbError::from)?;
        Ok(report)
    }
}

fn db(e: sqlx::Error) -> ImportWriteError {
    ImportWriteError::Db(e.into())
}

async fn lookup(tx: &mut Tx<'_>, sql: &str, key: &str) -> Result<Option<i64>, ImportWriteError> {
    sqlx::query_scalar(sql).bind(key).fetch_optional(&mut **tx).await.map_err(db)
}

fn unknown(row: usize, column: &'static str, message: String) -> RowError {
    RowError { row, column: Some(column), message }
}

fn count(report: &mut ImportReport, inserted: bool, changed: bool) {
    match (inserted, changed) {
        (true, _) => report.added += 1,
        (false, true) => report.updated += 1,
        (false, false) => report.unchanged += 1,
    }
}

async fn venue_ids(
    tx: &mut Tx<'_>,
    rows: impl Iterator<Item = (usize, &str)>,
) -> Result<Vec<Option<i64>>, ImportWriteError> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (row, code) in rows {
        let id = lookup(tx, "SELECT id FROM venues WHERE credit_code = $1", code).await?;
        if id.is_none() {
            errors.push(unknown(
                row,
                "credit_code",
                format!("no venue has credit code {code:?}; import the venue first"),
            ));
        }
        ids.push(id);
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(rejected(errors))
    }
}

async fn import_venues(tx: &mut Tx<'_>, records: &[VenueRecord]) -> Result<ImportReport, ImportWriteError> {
    let mut jurisdictions = Vec::new();
    let mut errors = Vec::new();
    for r in records {
        let id = lookup(tx, "SELECT id FROM jurisdictions WHERE code = $1", &r.jurisdiction_code).await?;
        if id.is_none() {
            errors.push(unknown(
                r.row,
                "jurisdiction_code",
                format!("no jurisdiction has code {:?}", r.jurisdiction_code),
            ));
        }
        jurisdictions.push(id);
    }
    if !errors.is_empty() {
        return Err(rejected(errors));
    }
    let mut report = ImportReport::default();
    for (r, jurisdiction) in records.iter().zip(jurisdictions) {
        let existing = lookup(tx, "SELECT id FROM venues WHERE credit_code = $1", &r.credit_code).await?;
        let query = if existing.is_some() {
            "UPDATE venues SET name = $2, kind = $3, jurisdiction_id = $4, address = $5, latitude = $6, longitude = $7,
                status = $8, is_key_venue = $9, connected_on = $10
             WHERE credit_code = $1 AND (name IS DISTINCT FROM $2 OR kind IS DISTINCT FROM $3
                OR jurisdiction_id IS DISTINCT FROM $4 OR address IS DISTINCT FROM $5 OR latitude IS DISTINCT FROM $6
                OR longitude IS DISTINCT FROM $7 OR status IS DISTINCT FROM $8 OR is_key_venue IS DISTINCT FROM $9
                OR connected_on IS DISTINCT FROM $10)
             RETURNING id"
        } else {
            "INSERT INTO venues (credit_code, name, kind, jurisdiction_id, address, latitude, longitude, status, is_key_venue, connected_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
        };
        let written: Option<i64> = sqlx::query_scalar(query)
            .bind(&r.credit_code)
            .bind(&r.name)
            .bind(r.kind.code())
            .bind(jurisdiction)
            .bind(&r.address)
            .bind(r.latitude)
            .bind(r.longitude)
            .bind(r.status.code())
            .bind(i64::from(r.is_key_venue))
            .bind(r.connected_on.map(|d| d.to_string()))
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
        let changed = written.is_some();
        if let Some(id) = written {
            super::search_terms::reindex_venue(tx, id).await?;
        }
        count(&mut report, existing.is_none(), changed);
    }
    Ok(report)
}

async fn import_licences(tx: &mut Tx<'_>, records: &[LicenceRecord]) -> Result<ImportReport, ImportWriteError> {
    let venues = venue_ids(tx, records.iter().map(|r| (r.row, r.credit_code.as_str()))).await?;
    let mut report = ImportReport::default();
    for (r, venue) in records.iter().zip(venues) {
        let existing = lookup(tx, "SELECT id FROM licences WHERE number = $1", &r.number).await?;
        let changed = if existing.is_some() {
            sqlx::query(
                "UPDATE licences SET venue_id = $2, holder = $3, legal_representative = $4, premises = $5,
                    business_items = $6, issued_on = $7, valid_until = $8, authority = $9
                 WHERE number = $1 AND (venue_id IS DISTINCT FROM $2 OR holder IS DISTINCT FROM $3 OR legal_representative IS DISTINCT FROM $4
                    OR premises IS DISTINCT FROM $5 OR business_items IS DISTINCT FROM $6 OR issued_on IS DISTINCT FROM $7 OR valid_until IS DISTINCT FROM $8
                    OR authority IS DISTINCT FROM $9)",
            )
        } else {
            sqlx::query(
                "INSERT INTO licences (number, venue_id, holder, legal_representative, premises, business_items, issued_on, valid_until, authority)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
        }
        .bind(&r.number)
        .bind(venue)
        .bind(&r.holder)
        .bind(&r.legal_representative)
        .bind(&r.premises)
        .bind(&r.business_items)
        .bind(r.issued_on.to_string())
        .bind(r.valid_until.to_string())
        .bind(&r.authority)
        .execute(&mut **tx)
        .await
        .map_err(db)?
        .rows_affected()
            > 0;
        count(&mut report, existing.is_none(), changed);
    }
    Ok(report)
}

async fn import_inspections(tx: &mut Tx<'_>, records: &[InspectionRecord]) -> Result<ImportReport, ImportWriteError> {
    let venues = venue_ids(tx, records.iter().map(|r| (r.row, r.credit_code.as_str()))).await;
    let mut errors = match &venues {
        Err(ImportWriteError::Rejected(ImportError::Invalid(e))) => e.clone(),
        Err(_) => return venues.map(|_| ImportReport::default()),
        Ok(_) => Vec::new(),
    };
    let mut offices = Vec::new();
    for r in records {
        let id = lookup(tx, "SELECT id FROM supervision_offices WHERE name = $1", &r.office).await?;
        if id.is_none() {
            errors.push(unknown(r.row, "office", format!("no supervision office is named {:?}", r.office)));
        }
        offices.push(id);
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(rejected(errors));
    }
    let venues = venues?;
    let mut report = ImportReport::default();
    for ((r, venue), office) in records.iter().zip(venues).zip(offices) {
        let existing = lookup(tx, "SELECT id FROM inspections WHERE external_ref = $1", &r.external_ref).await?;
        let grade = r.dynamic_grade.map(|g| g.code());
        let (id, inserted, mut changed) = match existing {
            Some(id) => {
                let changed = sqlx::query(
                    "UPDATE inspections SET venue_id = $2, office_id = $3, inspected_on = $4, kind = $5, dynamic_grade = $6
                     WHERE id = $1 AND (venue_id IS DISTINCT FROM $2 OR office_id IS DISTINCT FROM $3 OR inspected_on IS DISTINCT FROM $4
                        OR kind IS DISTINCT FROM $5 OR dynamic_grade IS DISTINCT FROM $6)",
                )
                .bind(id)
                .bind(venue)
                .bind(office)
                .bind(r.inspected_on.to_string())
                .bind(r.kind.code())
                .bind(grade)
                .execute(&mut **tx)
                .await
                .map_err(db)?
                .rows_affected()
                    > 0;
                (id, false, changed)
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO inspections (external_ref, venue_id, office_id, inspected_on, kind, dynamic_grade)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&r.external_ref)
                .bind(venue)
                .bind(office)
                .bind(r.inspected_on.to_string())
                .bind(r.kind.code())
                .bind(grade)
                .fetch_one(&mut **tx)
                .await
                .map_err(db)?;
                (id, true, false)
            }
        };
        let stored: Vec<FindingRecord> = sqlx::query_as::<_, (String, String, i64, String)>(
            "SELECT item, severity, points, remark FROM findings WHERE inspection_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await
        .map_err(db)?
        .into_iter()
        .filter_map(|(item, severity, points, remark)| {
            Some(FindingRecord {
                item,
                severity: mingchu_domain::vocab::Severity::from_code(&severity)?,
                points: points as u32,
                remark,
            })
        })
        .collect();
        if stored != r.findings {
            sqlx::query("DELETE FROM findings WHERE inspection_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
            for f in &r.findings {
                sqlx::query(
                    "INSERT INTO findings (inspection_id, item, severity, points, remark) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(&f.item)
                .bind(f.severity.code())
                .bind(i64::from(f.points))
                .bind(&f.remark)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
            }
            changed = true;
        }
        count(&mut report, inserted, changed);
    }
    Ok(report)
}
