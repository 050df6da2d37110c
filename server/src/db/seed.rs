//! Stores the demo district (see `crate::demo`) in one transaction.

use super::{Db, DbError};
use crate::demo::Dataset;
use mingchu_domain::vocab::VenueStatus;

/// What seeding did.
#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        venues: usize,
    },
    /// The database already had venues; nothing was written.
    AlreadyPopulated {
        venues: i64,
    },
}

impl Db {
    /// Writes `data` if the database has no venues yet. All or nothing.
    pub async fn seed(&self, data: &Dataset) -> Result<SeedOutcome, DbError> {
        let mut tx = self.write_tx().await?;
        let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM venues").fetch_one(&mut *tx).await?;
        if existing > 0 {
            return Ok(SeedOutcome::AlreadyPopulated { venues: existing });
        }
        let today = mingchu_domain::china_time::day(chrono::Utc::now());
        let district_id: i64 =
            sqlx::query_scalar("INSERT INTO jurisdictions (code, name) VALUES ($1, $2) RETURNING id")
                .bind(&data.district.code)
                .bind(&data.district.name)
                .fetch_one(&mut *tx)
                .await?;
        let mut street_ids = Vec::new();
        let mut office_ids = Vec::new();
        for (street, office) in data.streets.iter().zip(&data.offices) {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO jurisdictions (code, name, parent_id) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&street.code)
            .bind(&street.name)
            .bind(district_id)
            .fetch_one(&mut *tx)
            .await?;
            street_ids.push(id);
            let office_id: i64 = sqlx::query_scalar(
                "INSERT INTO supervision_offices (name, jurisdiction_id) VALUES ($1, $2) RETURNING id",
            )
            .bind(office)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            office_ids.push(office_id);
        }
        let mut ids =
            super::seed_activity::SeededIds { venues: Vec::new(), cameras: Vec::new(), offices: office_ids.clone() };
        for v in &data.venues {
            let venue_id: i64 = sqlx::query_scalar(
                "INSERT INTO venues (name, kind, credit_code, jurisdiction_id, address, latitude, longitude, status, is_key_venue, connected_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&v.name)
            .bind(v.kind.code())
            .bind(&v.credit_code)
            .bind(street_ids[v.street])
            .bind(&v.address)
            .bind(v.latitude)
            .bind(v.longitude)
            .bind(v.status.code())
            .bind(i64::from(v.is_key_venue))
            .bind(v.connected_on.map(|d| d.to_string()))
            .fetch_one(&mut *tx)
            .await?;
            ids.venues.push(venue_id);
            ids.cameras.push(Vec::new());
            // The insert trigger recorded the current status as of today; the demo's history is
            // fixed instead: trading since it joined (or was licensed), then, for a venue that
            // stopped, its current status since `status_since`.
            let joined = v.connected_on.unwrap_or(v.licence.issued_on);
            let first = if v.status_since.is_some() { VenueStatus::Operating } else { v.status };
            sqlx::query("UPDATE venue_status_changes SET status = $1, since = $2 WHERE venue_id = $3")
                .bind(first.code())
                .bind(joined.to_string())
                .bind(venue_id)
                .execute(&mut *tx)
                .await?;
            if let Some(since) = v.status_since {
                sqlx::query("INSERT INTO venue_status_changes (venue_id, status, since) VALUES ($1, $2, $3)")
                    .bind(venue_id)
                    .bind(v.status.code())
                    .bind(since.max(joined + chrono::Duration::days(1)).to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            let l = &v.licence;
            sqlx::query(
                "INSERT INTO licences (venue_id, number, holder, legal_representative, premises, business_items, issued_on, valid_until, authority)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(venue_id)
            .bind(&l.number)
            .bind(&l.holder)
            .bind(&l.legal_representative)
            .bind(&v.address)
            .bind(&l.business_items)
            .bind(l.issued_on.to_string())
            .bind(l.valid_until.to_string())
            .bind(&l.authority)
            .execute(&mut *tx)
            .await?;
            for i in &v.inspections {
                let inspection_id: i64 = sqlx::query_scalar(
                    "INSERT INTO inspections (venue_id, office_id, inspected_on, kind, dynamic_grade) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(venue_id)
                .bind(office_ids[i.office])
                .bind(i.date.to_string())
                .bind(i.kind.code())
                .bind(i.grade.map(|g| g.code()))
                .fetch_one(&mut *tx)
                .await?;
                for f in &i.findings {
                    sqlx::query(
                        "INSERT INTO findings (inspection_id, item, severity, points, remark) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(inspection_id)
                    .bind(&f.item)
                    .bind(f.severity.code())
                    .bind(i64::from(f.points))
                    .bind(&f.remark)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for (year, grade) in &v.annual_ratings {
                sqlx::query("INSERT INTO annual_ratings (venue_id, year, grade) VALUES ($1, $2, $3)")
                    .bind(venue_id)
                    .bind(year)
                    .bind(grade.code())
                    .execute(&mut *tx)
                    .await?;
            }
            for c in &v.cameras {
                // Installed the day the venue joined, so the key figures of past periods count
                // them (a planned venue's cameras are installed now).
                let installed = super::checks::rfc3339(
                    v.connected_on.map(mingchu_domain::china_time::midnight).unwrap_or_else(chrono::Utc::now),
                );
                let camera_id: i64 = sqlx::query_scalar(
                    "INSERT INTO cameras (venue_id, name, area, is_public, source_url, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(venue_id)
                .bind(&c.name)
                .bind(c.area.code())
                .bind(i64::from(c.is_public))
                .bind(&c.source_url)
                .bind(installed)
                .fetch_one(&mut *tx)
                .await?;
                ids.cameras.last_mut().expect("the venue's list").push(camera_id);
                // The demo's year of checks ends yesterday (from the day the venue joined);
                // today's come from real checks. One statement per camera.
                let days: Vec<(String, u32, u32)> = c
                    .history
                    .iter()
                    .map(|(days_ago, checks, online)| (today - chrono::Duration::days(*days_ago), *checks, *online))
                    .filter(|(day, _, _)| v.connected_on.is_none_or(|joined| *day >= joined))
                    .map(|(day, checks, online)| (day.to_string(), checks, online))
                    .collect();
                sqlx::query(super::Backend::of(&tx).pick(
                    "INSERT INTO camera_checks_daily (camera_id, day, checks, online)
                     SELECT $1, j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each($2) j",
                    "INSERT INTO camera_checks_daily (camera_id, day, checks, online)
                     SELECT $1, j.value ->> 0, CAST(j.value ->> 1 AS BIGINT), CAST(j.value ->> 2 AS BIGINT)
                     FROM jsonb_array_elements(CAST($2 AS JSONB)) j",
                ))
                .bind(camera_id)
                .bind(serde_json::to_string(&days).expect("days serialise"))
                .execute(&mut *tx)
                .await?;
            }
        }
        let activity = crate::demo::activity::generate(data);
        super::seed_activity::write(&mut tx, data, &activity, &ids, chrono::Utc::now()).await?;
        super::search_terms::reindex_all(&mut tx).await?;
        tx.commit().await?;
        self.refresh_risk(None, chrono::Utc::now()).await?;
        Ok(SeedOutcome::Seeded { venues: data.venues.len() })
    }
}
