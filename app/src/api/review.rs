//! The review desk for AI captures (`/console/captures`): what it shows and how it is asked.

use crate::error::AppError;
use leptos::prelude::*;
use mingchu_domain::review::Tally;
use serde::{Deserialize, Serialize};

/// What the desk is asked to show (the page's query string).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeskQuery {
    /// A review state's code; the queue (`pending`) when absent.
    pub state: Option<String>,
    /// Only what the signed-in person decided.
    pub mine: bool,
    pub camera: Option<i64>,
    /// A rule (capture category).
    pub category: Option<String>,
    /// Where the previous page ended (`Desk::next`).
    pub after: Option<String>,
    /// One capture at a time, large, with keyboard shortcuts.
    pub one: bool,
}

/// The desk: the office's captures in one state, a page at a time, and how each rule and
/// camera has been decided so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewDesk {
    /// The state shown (a `ReviewState` code).
    pub state: String,
    /// Captures in scope per state code (with the filters but not `mine`).
    pub counts: Vec<(String, u32)>,
    pub captures: Vec<CaptureCard>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// Per rule (category) and per camera, with the share dismissed.
    pub rules: Vec<TallyRow>,
    pub cameras: Vec<TallyRow>,
}

/// One capture on the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureCard {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub camera_id: i64,
    pub camera: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub category: String,
    pub confidence: f64,
    /// What the detector saw: label and score of each box (drawn on the snapshot).
    pub detections: Vec<(String, f64)>,
    pub review: String,
    pub dismiss_reason: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    /// Whether the signed-in person decided it.
    pub reviewed_by_me: bool,
    pub merged_into: Option<i64>,
    /// How many captures were merged into this one.
    pub merged: u32,
    /// Open captures of the same venue near in time, that this one could be merged into:
    /// (id, category, time).
    pub merge_candidates: Vec<(i64, String, String)>,
}

/// How one rule's or one camera's captures were decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TallyRow {
    /// A camera's id (camera rows).
    pub id: Option<i64>,
    pub name: String,
    pub tally: Tally,
}

/// What went wrong with a desk form, when the server shows the desk again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeskEcho {
    /// The capture the form was about.
    pub capture: Option<i64>,
    pub problem: String,
}

/// The review desk for the signed-in person. Refused (403) for whoever may not review.
#[server(endpoint = "review_desk", input = leptos::server_fn::codec::Json)]
pub async fn get_review_desk(query: DeskQuery) -> Result<ReviewDesk, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.review_desk(&user.actor, &query).await)
}
