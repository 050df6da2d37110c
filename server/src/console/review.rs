//! The review desk's data: a page of the office's captures, merge candidates, the tallies.

use super::{unavailable, ConsoleData};
use app::error::AppError;

/// How far apart in time two captures of one event may be for the desk to offer merging them.
const MERGE_WINDOW: chrono::Duration = chrono::Duration::hours(6);
/// Captures per desk page (the one-at-a-time view shows the first).
const DESK_PAGE: u32 = 30;

impl ConsoleData {
    pub async fn desk(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::DeskQuery,
    ) -> Result<app::api::ReviewDesk, AppError> {
        use crate::db::review_desk::DeskFilter;
        use mingchu_domain::access::{decide, Action, Object};
        use mingchu_domain::review::ReviewState;
        decide(actor, Action::ReviewCapture, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let state = match query.state.as_deref() {
            None | Some("") => ReviewState::Pending,
            Some(code) => ReviewState::from_code(code)
                .ok_or_else(|| AppError::BadRequest(format!("unknown review state {code:?}")))?,
        };
        let after = match query.after.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(
                cursor
                    .rsplit_once('|')
                    .and_then(|(at, id)| Some((at.to_string(), id.parse::<i64>().ok()?)))
                    .ok_or_else(|| AppError::BadRequest("the page cursor is not one the desk made".into()))?,
            ),
        };
        let category = query.category.clone().filter(|c| !c.is_empty());
        let filter = DeskFilter {
            state,
            reviewer: query.mine.then_some(actor.user.0),
            camera: query.camera,
            category: category.clone(),
            after,
            limit: if query.one { 1 } else { DESK_PAGE + 1 },
        };
        let mut captures = self.db.desk_captures(actor, &filter).await.map_err(unavailable)?;
        let more = !query.one && captures.len() > DESK_PAGE as usize;
        captures.truncate(if query.one { 1 } else { DESK_PAGE as usize });
        let next = more.then(|| captures.last().map(|c| format!("{}|{}", c.at, c.id))).flatten();
        let tallies = self.db.desk_tallies(actor, query.camera, category.as_deref()).await.map_err(unavailable)?;
        let candidates = self.merge_candidates(&captures).await?;
        let counts = ReviewState::ALL
            .iter()
            .map(|s| (s.code().to_string(), tallies.per_state.get(s.code()).copied().unwrap_or(0)))
            .collect();
        let cards = captures
            .into_iter()
            .map(|c| {
                let detections = c
                    .boxes
                    .as_array()
                    .map(|boxes| {
                        boxes
                            .iter()
                            .filter_map(|b| Some((b.get("label")?.as_str()?.to_string(), b.get("score")?.as_f64()?)))
                            .collect()
                    })
                    .unwrap_or_default();
                let merge_candidates = candidates
                    .iter()
                    .filter(|o| o.venue_id == c.venue_id && o.id != c.id && c.review == ReviewState::Pending)
                    .filter(|o| near(&o.at, &c.at))
                    .take(8)
                    .map(|o| (o.id, o.category.clone(), o.at.clone()))
                    .collect();
                app::api::CaptureCard {
                    id: c.id,
                    venue_id: c.venue_id,
                    venue: c.venue,
                    camera_id: c.camera_id,
                    camera: c.camera,
                    at: c.at,
                    category: c.category,
                    confidence: c.confidence,
                    detections,
                    review: c.review.code().to_string(),
                    dismiss_reason: c.dismiss_reason.map(|r| r.code().to_string()),
                    reviewed_by_me: c.reviewed_by.as_ref().is_some_and(|(id, _)| *id == actor.user.0),
                    reviewed_by: c.reviewed_by.map(|(_, name)| name),
                    reviewed_at: c.reviewed_at,
                    merged_into: c.merged_into,
                    merged: c.merged,
                    merge_candidates,
                }
            })
            .collect();
        let rules =
            tallies.rules.into_iter().map(|(name, tally)| app::api::TallyRow { id: None, name, tally }).collect();
        let cameras = tallies
            .cameras
            .into_iter()
            .map(|(id, (name, tally))| app::api::TallyRow { id: Some(id), name, tally })
            .collect();
        Ok(app::api::ReviewDesk { state: state.code().to_string(), counts, captures: cards, next, rules, cameras })
    }

    /// Open captures of the page's venues near the time of its waiting captures.
    async fn merge_candidates(
        &self,
        captures: &[crate::db::review_desk::DeskCapture],
    ) -> Result<Vec<crate::db::review_desk::OpenCapture>, AppError> {
        use mingchu_domain::review::ReviewState;
        let waiting: Vec<_> = captures.iter().filter(|c| c.review == ReviewState::Pending).collect();
        let times: Vec<chrono::DateTime<chrono::Utc>> = waiting.iter().filter_map(|c| parse(&c.at)).collect();
        let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else { return Ok(Vec::new()) };
        let mut venues: Vec<i64> = waiting.iter().map(|c| c.venue_id).collect();
        venues.sort_unstable();
        venues.dedup();
        let stamp = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.db
            .open_captures_near(&venues, &stamp(*first - MERGE_WINDOW), &stamp(*last + MERGE_WINDOW), 2000)
            .await
            .map_err(unavailable)
    }
}

fn parse(at: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|t| t.to_utc())
}

/// Whether two stored times are within the merge window of each other.
fn near(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => (a - b).abs() <= MERGE_WINDOW,
        _ => false,
    }
}
