//! The review desk's reads: a page of captures in one state within what the reviewer covers,
//! the counts per state, and how each rule and camera was decided.

use super::{Db, DbError};
use mingchu_domain::access::{Actor, Coverage};
use mingchu_domain::review::{DismissReason, ReviewState, Tally};
use std::collections::BTreeMap;

/// Which captures a desk page holds.
#[derive(Clone, Debug)]
pub struct DeskFilter {
    pub state: ReviewState,
    /// Only what this account decided.
    pub reviewer: Option<i64>,
    pub camera: Option<i64>,
    pub category: Option<String>,
    /// Continue after this capture (its time and id), in the page's order.
    pub after: Option<(String, i64)>,
    pub limit: u32,
}

/// A capture as the desk lists it.
#[derive(Clone, Debug)]
pub struct DeskCapture {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub camera_id: i64,
    pub camera: String,
    pub at: String,
    pub category: String,
    pub confidence: f64,
    pub boxes: serde_json::Value,
    pub review: ReviewState,
    pub dismiss_reason: Option<DismissReason>,
    pub reviewed_by: Option<(i64, String)>,
    pub reviewed_at: Option<String>,
    pub merged_into: Option<i64>,
    pub merged: u32,
}

/// An open capture another may be merged into.
#[derive(Clone, Debug)]
pub struct OpenCapture {
    pub id: i64,
    pub venue_id: i64,
    pub at: String,
    pub category: String,
}

/// How the captures in scope were decided, per rule and per camera.
#[derive(Clone, Debug, Default)]
pub struct DeskTallies {
    pub per_state: BTreeMap<&'static str, u32>,
    pub rules: BTreeMap<String, Tally>,
    /// camera id → (name, tally)
    pub cameras: BTreeMap<i64, (String, Tally)>,
}

/// The scope of an actor's listings as SQL parameters: jurisdictions (with those below) and
/// venues, each `None` when not limited; JSON arrays for `json_each`.
pub(super) async fn scope_params(db: &Db, actor: &Actor) -> Result<(Option<String>, Option<String>), DbError> {
    let json = |ids: Vec<i64>| Some(serde_json::to_string(&ids).expect("ids serialise"));
    Ok(match actor.coverage() {
        Coverage::Everything => (None, None),
        Coverage::Jurisdictions(roots) => {
            let roots: Vec<i64> = roots.iter().map(|j| j.0).collect();
            (json(db.jurisdictions_below(&roots).await?), None)
        }
        Coverage::Venues(venues) => (None, json(venues.iter().map(|v| v.0).collect())),
    })
}

/// The venues (`v`) a listing may hold, with the two parameters of [`scope_params`] bound
/// first (`$1`, `$2`).
macro_rules! covered {
    () => {
        "($1 IS NULL OR v.jurisdiction_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)))
         AND ($2 IS NULL OR v.id IN (SELECT CAST(value AS BIGINT) FROM json_each($2)))"
    };
}
pub(super) use covered;

const SCOPE: &str = concat!(covered!(), " AND ($3 IS NULL OR e.camera_id = $3) AND ($4 IS NULL OR e.category = $4)");

impl Db {
    /// A page of the desk, in the desk's order: the queue oldest first (nothing waits
    /// forever), everything decided newest first.
    pub async fn desk_captures(&self, actor: &Actor, filter: &DeskFilter) -> Result<Vec<DeskCapture>, DbError> {
        type Row = (
            i64,
            i64,
            String,
            i64,
            String,
            String,
            String,
            f64,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
        );
        let (jurisdictions, venues) = scope_params(self, actor).await?;
        let oldest_first = filter.state == ReviewState::Pending;
        let (cmp, order) = if oldest_first { (">", "ASC") } else { ("<", "DESC") };
        let sql = format!(
            "SELECT e.id, c.venue_id, v.name, e.camera_id, c.name, e.at, e.category, e.confidence, e.boxes,
                    e.review, e.dismiss_reason, e.reviewed_by, u.display_name, e.reviewed_at, e.merged_into,
                    (SELECT count(*) FROM capture_events m WHERE m.merged_into = e.id)
             FROM capture_events e JOIN cameras c ON c.id = e.camera_id JOIN venues v ON v.id = c.venue_id
                  LEFT JOIN users u ON u.id = e.reviewed_by
             WHERE e.review = $5 AND {SCOPE}
               AND ($6 IS NULL OR e.reviewed_by = $6)
               AND ($7 IS NULL OR (e.at, e.id) {cmp} ($7, $8))
             ORDER BY e.at {order}, e.id {order} LIMIT $9"
        );
        let (after_at, after_id) = filter.after.clone().unzip();
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(&jurisdictions)
            .bind(&venues)
            .bind(filter.camera)
            .bind(&filter.category)
            .bind(filter.state.code())
            .bind(filter.reviewer)
            .bind(after_at)
            .bind(after_id)
            .bind(i64::from(filter.limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                let (id, venue_id, venue, camera_id, camera, at, category, confidence, boxes, review, reason) =
                    (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10);
                let corrupt = |what: &str| DbError::Corrupt(format!("capture {id}: {what}"));
                Ok(DeskCapture {
                    id,
                    venue_id,
                    venue,
                    camera_id,
                    camera,
                    at,
                    category,
                    confidence,
                    boxes: serde_json::from_str(&boxes).map_err(|e| corrupt(&e.to_string()))?,
                    review: ReviewState::from_code(&review).ok_or_else(|| corrupt("review state"))?,
                    dismiss_reason: match reason {
                        Some(code) => Some(DismissReason::from_code(&code).ok_or_else(|| corrupt("reason"))?),
                        None => None,
                    },
                    reviewed_by: r.11.map(|id| (id, r.12.unwrap_or_default())),
                    reviewed_at: r.13,
                    merged_into: r.14,
                    merged: u32::try_from(r.15).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Counts per state, per rule and per camera of the captures in the actor's scope (with
    /// the desk's camera and rule filters).
    pub async fn desk_tallies(
        &self,
        actor: &Actor,
        camera: Option<i64>,
        category: Option<&str>,
    ) -> Result<DeskTallies, DbError> {
        let (jurisdictions, venues) = scope_params(self, actor).await?;
        let sql = format!(
            "SELECT e.camera_id, c.name, e.category, e.review, e.dismiss_reason, count(*)
             FROM capture_events e JOIN cameras c ON c.id = e.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE {SCOPE}
             GROUP BY e.camera_id, c.name, e.category, e.review, e.dismiss_reason"
        );
        let rows: Vec<(i64, String, String, String, Option<String>, i64)> = sqlx::query_as(&sql)
            .bind(&jurisdictions)
            .bind(&venues)
            .bind(camera)
            .bind(category)
            .fetch_all(&self.pool)
            .await?;
        let mut tallies = DeskTallies::default();
        for (camera_id, camera, category, review, reason, count) in rows {
            let state = ReviewState::from_code(&review)
                .ok_or_else(|| DbError::Corrupt(format!("camera {camera_id}: review {review:?}")))?;
            let reason = reason.as_deref().and_then(DismissReason::from_code);
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            *tallies.per_state.entry(state.code()).or_default() += count;
            tallies.rules.entry(category).or_default().add(state, reason, count);
            tallies.cameras.entry(camera_id).or_insert_with(|| (camera, Tally::default())).1.add(state, reason, count);
        }
        Ok(tallies)
    }

    /// Open captures (waiting or confirmed) of `venues` between `from` and `to`, oldest first,
    /// at most `limit`: what a capture on the desk may be merged into.
    pub async fn open_captures_near(
        &self,
        venues: &[i64],
        from: &str,
        to: &str,
        limit: u32,
    ) -> Result<Vec<OpenCapture>, DbError> {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT e.id, c.venue_id, e.at, e.category
             FROM capture_events e JOIN cameras c ON c.id = e.camera_id
             WHERE c.venue_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) AND e.review IN ('pending', 'confirmed')
               AND e.at BETWEEN $2 AND $3
             ORDER BY e.at, e.id LIMIT $4",
        )
        .bind(serde_json::to_string(venues).expect("ids serialise"))
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, venue_id, at, category)| OpenCapture { id, venue_id, at, category }).collect())
    }
}
