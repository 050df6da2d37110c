//! The console's complaint desk (`/console/complaints`): the complaints someone covers, and
//! one complaint with what staff see beyond its public page.

use super::PublicComplaint;
use crate::domain::{ComplaintCategory, ComplaintStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintList {
    /// `open`, `closed` or `mine`.
    pub view: String,
    pub items: Vec<ComplaintRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub reference: String,
    pub venue_id: i64,
    pub venue: String,
    pub category: ComplaintCategory,
    pub status: ComplaintStatus,
    pub submitted_at: String,
    /// The next deadline (acceptance, or mediation once accepted), `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Working days left until it (negative: overdue).
    pub days_left: Option<i64>,
    pub assigned: Option<String>,
}

/// One complaint on the desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintCase {
    pub public: PublicComplaint,
    pub days_left: Option<i64>,
    /// The complainant's contact and name: only for those the policy lets see them.
    pub complainant: Option<(Option<String>, Option<String>)>,
    /// The request to rate it sent to the complainant's contact, if one was made (with the
    /// complainant: only for those who may see them).
    pub feedback_request: Option<FeedbackRequestView>,
    /// Whether the person may change it (status, assignment, notes).
    pub may_handle: bool,
    /// What its status may become next.
    pub next: Vec<ComplaintStatus>,
    pub assigned: Option<(i64, String)>,
    /// Inspectors whose office covers the venue: (id, name, office).
    pub assignees: Vec<(i64, String, String)>,
    /// Private notes (staff only): (when, by whom, text).
    pub notes: Vec<(String, String, String)>,
    /// The venue's responses (seen by staff and the venue): (when, by whom, text).
    pub responses: Vec<(String, String, String)>,
    /// Whether the person responds for the venue (its operator).
    pub may_respond: bool,
}

/// How asking the complainant by their contact went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRequestView {
    /// `sms` or `email`.
    pub reach: String,
    /// `queued`, `sent`, `failed` or `expired`.
    pub state: String,
    pub attempts: i64,
    pub created_at: String,
    /// The gateway's last answer, or why it was not sent.
    pub outcome: Option<String>,
}

/// What went wrong with a complaint-desk form, when the server shows the page again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseEcho {
    pub problem: String,
    pub note: String,
}

#[server(endpoint = "console_complaints", input = leptos::server_fn::codec::Json)]
pub async fn get_complaint_list(view: String) -> Result<ComplaintList, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.complaints(&user.actor, &view).await)
}

#[server(endpoint = "console_complaint", input = leptos::server_fn::codec::Json)]
pub async fn get_complaint_case(reference: String) -> Result<ComplaintCase, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.complaint(&user.actor, &reference).await)
}
