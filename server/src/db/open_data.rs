//! Rows for the LIVES open-data feed (Yelp's Local Inspector Value-Entry Specification).

use super::{Day, Db, DbError};
use chrono::NaiveDate;
use mingchu_domain::vocab::{InspectionKind, Severity};

pub struct BusinessRow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub struct InspectionRow {
    pub business_id: i64,
    pub date: NaiveDate,
    pub kind: InspectionKind,
    pub office: String,
    /// Points deducted by its findings.
    pub points: u32,
}

pub struct ViolationRow {
    pub business_id: i64,
    pub date: NaiveDate,
    pub severity: Severity,
    pub points: u32,
    pub item: String,
    pub remark: String,
}

impl Db {
    /// The name of the first top-level jurisdiction (the district the portal serves).
    pub async fn top_jurisdiction_name(&self) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT name FROM jurisdictions WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Every venue, with the name of its top-level jurisdiction as the city.
    pub async fn lives_businesses(&self) -> Result<Vec<BusinessRow>, DbError> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, Option<f64>, Option<f64>)>(
            "SELECT v.id, v.name, v.address, coalesce(p.name, j.name), v.latitude, v.longitude
             FROM venues v JOIN jurisdictions j ON j.id = v.jurisdiction_id
             LEFT JOIN jurisdictions p ON p.id = j.parent_id ORDER BY v.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, address, city, latitude, longitude)| BusinessRow {
                id,
                name,
                address,
                city,
                latitude,
                longitude,
            })
            .collect())
    }

    pub async fn lives_inspections(&self) -> Result<Vec<InspectionRow>, DbError> {
        let rows = sqlx::query_as::<_, (i64, Day, String, String, i64)>(
            "SELECT i.venue_id, i.inspected_on, i.kind, o.name,
                    (SELECT coalesce(CAST(sum(f.points) AS BIGINT), 0) FROM findings f WHERE f.inspection_id = i.id)
             FROM inspections i JOIN supervision_offices o ON o.id = i.office_id
             ORDER BY i.venue_id, i.inspected_on, i.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(business_id, date, kind, office, points)| {
                Ok(InspectionRow {
                    business_id,
                    date: date.0,
                    kind: InspectionKind::from_code(&kind)
                        .ok_or_else(|| DbError::Corrupt(format!("unknown inspection kind {kind:?}")))?,
                    office,
                    points: points as u32,
                })
            })
            .collect()
    }

    pub async fn lives_violations(&self) -> Result<Vec<ViolationRow>, DbError> {
        let rows = sqlx::query_as::<_, (i64, Day, String, i64, String, String)>(
            "SELECT i.venue_id, i.inspected_on, f.severity, f.points, f.item, f.remark
             FROM findings f JOIN inspections i ON i.id = f.inspection_id
             ORDER BY i.venue_id, i.inspected_on, f.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(business_id, date, severity, points, item, remark)| {
                Ok(ViolationRow {
                    business_id,
                    date: date.0,
                    severity: Severity::from_code(&severity)
                        .ok_or_else(|| DbError::Corrupt(format!("unknown severity {severity:?}")))?,
                    points: points as u32,
                    item,
                    remark,
                })
            })
            .collect()
    }
}
