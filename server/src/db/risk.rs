//! Venues' risk levels (mingchu_domain::risk): the record each is graded on, read for many
//! venues at once with one grouped query per kind of record, graded by the domain, and kept in
//! `venue_risk`. Recomputed for a venue when its record changes, and for all of them at start
//! and a few times a day (the window moves).

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::audit::timestamp;
use mingchu_domain::risk::{grade, RiskGrade, RiskInputs, RiskLevel, RiskReason, WINDOW_DAYS};
use mingchu_domain::vocab::{DynamicGrade, VenueId, VenueKind};
use std::collections::HashMap;

/// The venues a grading reads: those of the JSON array bound as `$1` (a plain `IN` list the
/// planner drives the indexes from: `(?1 IS NULL OR …)` would make it scan every row), or every
/// venue (`$1` is then NULL and unused).
fn venues_in(some: bool, column: &str) -> String {
    if some {
        format!("{column} IN (SELECT CAST(value AS BIGINT) FROM json_each($1))")
    } else {
        "$1 IS NULL".to_string()
    }
}

impl Db {
    /// Regrades `venues` (every venue when `None`) on their record as of `now`. Returns how
    /// many were graded.
    pub async fn refresh_risk(&self, venues: Option<&[VenueId]>, now: DateTime<Utc>) -> Result<usize, DbError> {
        let ids = venues.map(|v| serde_json::to_string(&v.iter().map(|v| v.0).collect::<Vec<_>>()).expect("ids"));
        let since = timestamp(now - chrono::Duration::days(WINDOW_DAYS));
        let today = mingchu_domain::china_time::day(now);
        let since_day = (today - chrono::Duration::days(WINDOW_DAYS)).to_string();
        let some = venues_in(ids.is_some(), "venue_id");
        let some_venue = venues_in(ids.is_some(), "v.id");
        let some_camera = venues_in(ids.is_some(), "c.venue_id");
        let base: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT v.id, v.kind,
                    (SELECT l.business_items FROM licences l WHERE l.venue_id = v.id ORDER BY l.valid_until DESC LIMIT 1),
                    (SELECT i.dynamic_grade FROM inspections i WHERE i.venue_id = v.id ORDER BY i.inspected_on DESC LIMIT 1)
             FROM venues v WHERE {some_venue}"
        ))
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        let counts = |sql: String, bound: String| {
            let ids = ids.clone();
            async move {
                let rows: Vec<(i64, i64)> = sqlx::query_as(&sql).bind(ids).bind(bound).fetch_all(&self.pool).await?;
                Ok::<HashMap<i64, u32>, DbError>(
                    rows.into_iter().map(|(v, n)| (v, u32::try_from(n).unwrap_or(u32::MAX))).collect(),
                )
            }
        };
        // From the venues' cameras to their captures (index (camera_id, at)), never through
        // every confirmed capture of the programme (CROSS JOIN fixes that order on SQLite).
        let join = self.backend.pick("CROSS JOIN", "JOIN");
        let captures = counts(
            format!(
                "SELECT c.venue_id, count(*) FROM cameras c {join} capture_events e ON e.camera_id = c.id
                 WHERE e.review = 'confirmed' AND e.at >= $2 AND {some_camera} GROUP BY c.venue_id"
            ),
            since.clone(),
        )
        .await?;
        let violations = counts(
            format!(
                "SELECT venue_id, count(*) FROM violations
                 WHERE source <> 'capture' AND overturned_at IS NULL AND observed_at >= $2 AND {some} GROUP BY venue_id"
            ),
            since.clone(),
        )
        .await?;
        let complaints = counts(
            format!(
                "SELECT venue_id, count(*) FROM complaints
                 WHERE status NOT IN ('submitted', 'rejected', 'duplicate') AND submitted_at >= $2 AND {some}
                 GROUP BY venue_id"
            ),
            since,
        )
        .await?;
        let overdue = counts(
            format!("SELECT venue_id, count(*) FROM orders WHERE state <> 'closed' AND due_on < $2 AND {some} GROUP BY venue_id"),
            today.to_string(),
        )
        .await?;
        let late = counts(
            format!(
                "SELECT venue_id, count(*) FROM orders
                 WHERE state = 'closed' AND closed_on > due_on AND closed_on >= $2 AND {some} GROUP BY venue_id"
            ),
            since_day,
        )
        .await?;
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        for (id, kind, items, dynamic) in &base {
            let get = |m: &HashMap<i64, u32>| m.get(id).copied().unwrap_or(0);
            let g = grade(&RiskInputs {
                kind: VenueKind::from_code(kind),
                business_items: items.clone().unwrap_or_default(),
                grade: dynamic.as_deref().and_then(DynamicGrade::from_code),
                confirmed_captures: get(&captures),
                recorded_violations: get(&violations),
                accepted_complaints: get(&complaints),
                overdue_orders: get(&overdue),
                late_orders: get(&late),
            });
            sqlx::query(
                "INSERT INTO venue_risk (venue_id, level, score, static_score, dynamic_score, reasons, computed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (venue_id) DO UPDATE SET level = excluded.level, score = excluded.score,
                    static_score = excluded.static_score, dynamic_score = excluded.dynamic_score,
                    reasons = excluded.reasons, computed_at = excluded.computed_at",
            )
            .bind(id)
            .bind(g.level.code())
            .bind(i64::from(g.score))
            .bind(i64::from(g.static_score))
            .bind(i64::from(g.dynamic_score))
            .bind(serde_json::to_string(&g.reasons).expect("reasons serialise"))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(base.len())
    }

    /// Regrades one venue after its record changed; a failure is logged, never the change's.
    pub async fn regrade(&self, venue: VenueId, now: DateTime<Utc>) {
        if let Err(e) = self.refresh_risk(Some(&[venue]), now).await {
            tracing::warn!(venue = %venue, error = %e, "could not regrade the venue's risk");
        }
    }

    /// The venue's grade as last computed.
    pub async fn venue_risk(&self, venue: VenueId) -> Result<Option<RiskGrade>, DbError> {
        let row: Option<(String, i64, i64, i64, String)> = sqlx::query_as(
            "SELECT level, score, static_score, dynamic_score, reasons FROM venue_risk WHERE venue_id = $1",
        )
        .bind(venue.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(level, score, static_score, dynamic_score, reasons)| {
            let corrupt = |what: &str| DbError::Corrupt(format!("venue {venue}: risk {what}"));
            Ok(RiskGrade {
                level: RiskLevel::from_code(&level).ok_or_else(|| corrupt("level"))?,
                score: u32::try_from(score).map_err(|_| corrupt("score"))?,
                static_score: u32::try_from(static_score).map_err(|_| corrupt("static score"))?,
                dynamic_score: u32::try_from(dynamic_score).map_err(|_| corrupt("dynamic score"))?,
                reasons: serde_json::from_str::<Vec<RiskReason>>(&reasons).map_err(|_| corrupt("reasons"))?,
            })
        })
        .transpose()
    }
}
