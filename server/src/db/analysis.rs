//! Frame analysis results: each camera's health history and the capture events waiting for
//! review.

use super::{Db, DbError};
use chrono::{DateTime, SecondsFormat, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::vocab::CameraId;
use serde::Serialize;

/// A stored capture event, without its snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureEvent {
    pub id: i64,
    pub camera_id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub camera: String,
    pub at: String,
    pub category: String,
    pub confidence: f64,
    pub boxes: serde_json::Value,
    pub review: String,
    /// Where an admin fetches the picture with the boxes drawn.
    pub snapshot_url: String,
}

/// One change of a camera's picture health.
#[derive(Debug, Clone, Serialize)]
pub struct HealthChange {
    pub at: String,
    pub state: String,
    pub detail: String,
}

/// A camera's current health and its latest changes.
#[derive(Debug, Clone, Serialize)]
pub struct CameraHealth {
    pub camera: i64,
    /// `None` until the camera's picture has been analysed.
    pub state: Option<String>,
    pub since: Option<String>,
    /// Newest first, at most 20.
    pub transitions: Vec<HealthChange>,
}

/// A capture about to be stored.
pub struct NewCapture<'a> {
    pub camera: CameraId,
    pub at: DateTime<Utc>,
    pub category: &'a str,
    pub confidence: f32,
    pub boxes: &'a serde_json::Value,
    pub snapshot: &'a [u8],
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Db {
    /// Records a change of a camera's picture health.
    pub async fn record_health(
        &self,
        camera: CameraId,
        state: &str,
        at: DateTime<Utc>,
        detail: &str,
        fence: Option<&super::nodes::Fence>,
    ) -> Result<(), DbError> {
        let at = stamp(at);
        let mut tx = self.write_tx().await?;
        if let Some(fence) = fence {
            super::nodes::hold(&mut tx, fence).await?;
        }
        sqlx::query("INSERT INTO camera_health_changes (camera_id, at, state, detail) VALUES ($1, $2, $3, $4)")
            .bind(camera.0)
            .bind(&at)
            .bind(state)
            .bind(detail)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE cameras SET health_state = $1, health_since = $2 WHERE id = $3")
            .bind(state)
            .bind(&at)
            .bind(camera.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A public camera's health; `None` when there is no such public camera.
    pub async fn camera_health(&self, camera: CameraId) -> Result<Option<CameraHealth>, DbError> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT health_state, health_since FROM cameras WHERE id = $1 AND is_public = 1")
                .bind(camera.0)
                .fetch_optional(&self.pool)
                .await?;
        let Some((state, since)) = row else { return Ok(None) };
        let transitions: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT at, state, detail FROM camera_health_changes WHERE camera_id = $1 ORDER BY at DESC, id DESC LIMIT 20",
        )
        .bind(camera.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(CameraHealth {
            camera: camera.0,
            state,
            since,
            transitions: transitions
                .into_iter()
                .map(|(at, state, detail)| HealthChange { at, state, detail })
                .collect(),
        }))
    }

    /// Stores a capture event with its snapshot; returns its id.
    pub async fn add_capture(
        &self,
        capture: &NewCapture<'_>,
        fence: Option<&super::nodes::Fence>,
    ) -> Result<i64, DbError> {
        let mut tx = self.write_tx().await?;
        if let Some(fence) = fence {
            super::nodes::hold(&mut tx, fence).await?;
        }
        let id = sqlx::query_scalar(
            "INSERT INTO capture_events (camera_id, at, category, confidence, boxes, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(capture.camera.0)
        .bind(stamp(capture.at))
        .bind(capture.category)
        .bind(f64::from(capture.confidence.clamp(0.0, 1.0)))
        .bind(capture.boxes.to_string())
        .bind(capture.snapshot)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Capture events, newest first, optionally of one camera.
    pub async fn list_captures(
        &self,
        seen_by: &Actor,
        camera: Option<CameraId>,
        limit: u32,
    ) -> Result<Vec<CaptureEvent>, DbError> {
        type Row = (i64, i64, i64, String, String, String, String, f64, String, String);
        // What the actor covers (mingchu_domain::access): everything, the venues in some
        // jurisdictions and those below them, or some venues; and the states they see.
        let (jurisdictions, venues) = super::review_desk::scope_params(self, seen_by).await?;
        let states: Vec<&str> = seen_by.visible_captures().iter().map(|s| s.code()).collect();
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT e.id, e.camera_id, c.venue_id, v.name, c.name, e.at, e.category, e.confidence, e.boxes, e.review
             FROM capture_events e JOIN cameras c ON c.id = e.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE ($1 IS NULL OR e.camera_id = $1)
               AND ($3 IS NULL OR v.jurisdiction_id IN (SELECT CAST(value AS BIGINT) FROM json_each($3)))
               AND ($4 IS NULL OR v.id IN (SELECT CAST(value AS BIGINT) FROM json_each($4)))
               AND e.review IN (SELECT value FROM json_each($5))
             ORDER BY e.at DESC, e.id DESC LIMIT $2",
        )
        .bind(camera.map(|c| c.0))
        .bind(i64::from(limit))
        .bind(jurisdictions)
        .bind(venues)
        .bind(serde_json::to_string(&states).expect("codes serialise"))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, camera_id, venue_id, venue, camera, at, category, confidence, boxes, review)| {
                Ok(CaptureEvent {
                    id,
                    camera_id,
                    venue_id,
                    venue,
                    camera,
                    at,
                    category,
                    confidence,
                    boxes: serde_json::from_str(&boxes).map_err(|e| DbError::Corrupt(format!("event {id}: {e}")))?,
                    review,
                    snapshot_url: format!("/api/v1/events/{id}/snapshot.jpg"),
                })
            })
            .collect()
    }

    /// The jurisdictions `roots` and every one below them.
    pub async fn jurisdictions_below(&self, roots: &[i64]) -> Result<Vec<i64>, DbError> {
        Ok(sqlx::query_scalar(
            "WITH RECURSIVE below (id, depth) AS ( \
               SELECT id, 0 FROM jurisdictions WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) \
               UNION SELECT j.id, below.depth + 1 FROM jurisdictions j JOIN below ON j.parent_id = below.id \
               WHERE below.depth < 8) \
             SELECT DISTINCT id FROM below",
        )
        .bind(serde_json::to_string(roots).expect("ids serialise"))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The JPEG of a capture event and its review state.
    pub async fn capture_snapshot(
        &self,
        id: i64,
    ) -> Result<Option<(mingchu_domain::review::ReviewState, Vec<u8>)>, DbError> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT review, snapshot FROM capture_events WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(review, jpeg)| {
            mingchu_domain::review::ReviewState::from_code(&review)
                .map(|state| (state, jpeg))
                .ok_or_else(|| DbError::Corrupt(format!("event {id}: review {review:?}")))
        })
        .transpose()
    }

    /// Cameras that should be analysed all the time: RTSP cameras of trading or closed venues
    /// (a closed venue still streaming is worth seeing); demo cameras only while they run.
    pub async fn cameras_to_analyse(&self) -> Result<Vec<CameraId>, DbError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT c.id FROM cameras c JOIN venues v ON v.id = c.venue_id
             WHERE c.source_url IS NOT NULL AND v.status != 'planned' ORDER BY c.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(CameraId).collect())
    }
}

/// Why a review could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no capture event {0}")]
    NotFound(i64),
    #[error(transparent)]
    Refused(mingchu_domain::review::ReviewRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ReviewError {
    fn from(e: sqlx::Error) -> Self {
        ReviewError::Db(e.into())
    }
}

impl Db {
    /// Records a reviewer's decision on capture `id` (audited, in one transaction).
    pub async fn review_capture(
        &self,
        id: i64,
        decision: mingchu_domain::review::Decision,
        reviewer: &Actor,
        who: &mingchu_domain::audit::Who,
        now: DateTime<Utc>,
    ) -> Result<mingchu_domain::review::ReviewState, ReviewError> {
        use mingchu_domain::review::{decide_review, Decision, MergeTarget, ReviewState, Reviewed};
        let mut tx = self.write_tx().await?;
        type Current = (String, i64, i64, String, String, String, String);
        let current: Option<Current> = sqlx::query_as(
            "SELECT e.review, c.venue_id, (SELECT count(*) FROM capture_events m WHERE m.merged_into = e.id),
                    v.name, c.name, e.category, e.at
             FROM capture_events e JOIN cameras c ON c.id = e.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (current, venue, merged_into_it, venue_name, camera, category, captured_at) =
            current.ok_or(ReviewError::NotFound(id))?;
        let state_of = |code: &str, of: i64| {
            ReviewState::from_code(code).ok_or_else(|| DbError::Corrupt(format!("event {of}: review {code:?}")))
        };
        let current = state_of(&current, id)?;
        let target = match decision {
            Decision::Merge { into } => {
                let found: Option<(String, i64)> = sqlx::query_as(
                    "SELECT e.review, c.venue_id FROM capture_events e JOIN cameras c ON c.id = e.camera_id
                     WHERE e.id = $1",
                )
                .bind(into)
                .fetch_optional(&mut *tx)
                .await?;
                match found {
                    Some((state, target_venue)) => Some(MergeTarget {
                        id: into,
                        state: state_of(&state, into)?,
                        same_venue: target_venue == venue,
                    }),
                    None => None,
                }
            }
            _ => None,
        };
        let reviewed =
            Reviewed { id, state: current, merged_into_it: u32::try_from(merged_into_it).unwrap_or(u32::MAX) };
        let next = decide_review(reviewed, decision, target).map_err(ReviewError::Refused)?;
        let (reason, into) = match decision {
            Decision::Dismiss(reason) => (Some(reason.code()), None),
            Decision::Merge { into } => (None, Some(into)),
            _ => (None, None),
        };
        let at = mingchu_domain::audit::timestamp(now);
        // The shell and the deprecated admin token are nobody's account.
        let reviewer_id = (reviewer.user.0 > 0).then_some(reviewer.user.0);
        let (reviewed_by, reviewed_at) = match next {
            ReviewState::Pending => (None, None),
            _ => (reviewer_id, Some(at.clone())),
        };
        sqlx::query(
            "UPDATE capture_events SET review = $2, reviewed_by = $3, reviewed_at = $4, dismiss_reason = $5,
                    merged_into = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(next.code())
        .bind(reviewed_by)
        .bind(reviewed_at)
        .bind(reason)
        .bind(into)
        .execute(&mut *tx)
        .await?;
        // A confirmed finding is pushed to the venue; put back, its notice is withdrawn.
        match (current, next) {
            (_, ReviewState::Confirmed) => {
                let notice = mingchu_domain::push::Notice::Finding {
                    capture: id,
                    venue_id: venue,
                    venue: venue_name,
                    camera,
                    category,
                    at: captured_at,
                };
                super::push::add_notice(&mut tx, &notice, now).await?;
            }
            (ReviewState::Confirmed, _) => super::push::withdraw_notice(&mut tx, &format!("capture:{id}"), now).await?,
            _ => {}
        }
        let action = decision.action();
        let before = serde_json::json!({ "review": current.code() }).to_string();
        let after = serde_json::json!({ "review": next.code(), "reason": reason, "merged_into": into }).to_string();
        super::audit::append(&mut tx, who.did(now, action, &format!("capture:{id}"), Some(before), Some(after)))
            .await?;
        tx.commit().await?;
        if current == ReviewState::Confirmed || next == ReviewState::Confirmed {
            self.regrade(mingchu_domain::vocab::VenueId(venue), now).await;
        }
        Ok(next)
    }
}
