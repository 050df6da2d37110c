//! Patrols in the console (`/console/patrols`): the office's tasks with their progress, one
//! task's visits with each inspector's share, and one visit (remote through the cameras, or
//! on site with the checklist) with its evidence and result.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolTaskRow {
    pub id: i64,
    pub title: String,
    /// `remote` or `onsite`.
    pub mode: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `YYYY-MM` for a month's plan from risk levels.
    pub plan_month: Option<String>,
    pub office: Option<String>,
    pub visits: u32,
    pub done: u32,
    pub problems: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolList {
    pub tasks: Vec<PatrolTaskRow>,
    /// Offices a new task may be for: one for an inspector (theirs), all for an administrator.
    pub offices: Vec<(i64, String)>,
    /// Inspectors a task may be given to (of the reader's office; all for an administrator):
    /// (id, name).
    pub inspectors: Vec<(i64, String)>,
    /// The venues the reader covers, per risk level A–D (how many).
    pub levels: Vec<(String, u32)>,
    /// The jurisdictions a task may be limited to: (id, name).
    pub jurisdictions: Vec<(i64, String)>,
    /// Coverage: the trading venues the reader covers, and how many were visited in the last
    /// 30 days.
    pub venues: u32,
    pub visited_30d: u32,
    /// This month, `YYYY-MM`, and today.
    pub month: String,
    pub today: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolVisitRow {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub level: Option<String>,
    pub inspector: Option<String>,
    pub planned_on: String,
    /// `no_problem` or `problems`, once done.
    pub result: Option<String>,
    pub done_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolTaskView {
    pub task: PatrolTaskRow,
    pub visits: Vec<PatrolVisitRow>,
    /// Per inspector: (name, planned, done).
    pub progress: Vec<(String, u32, u32)>,
}

/// A venue's risk level, its score and the reasons for its points: (code, count, points).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskView {
    pub level: String,
    pub score: u32,
    pub reasons: Vec<(String, u32, u32)>,
}

/// One item of the on-site checklist, with whether it passed (once recorded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    pub code: String,
    pub label: String,
    pub passed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PatrolVisitView {
    pub id: i64,
    pub task_id: i64,
    pub task: String,
    pub mode: String,
    pub venue_id: i64,
    pub venue: String,
    pub address: String,
    pub inspector: Option<String>,
    pub planned_on: String,
    pub result: Option<String>,
    pub note: Option<String>,
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    pub risk: Option<RiskView>,
    /// The venue's cameras: (id, name, area, public).
    pub cameras: Vec<(i64, String, String, bool)>,
    /// Pictures taken on this visit: (id, url, camera, taken at).
    pub evidence: Vec<(i64, String, Option<String>, String)>,
    pub checklist: Vec<CheckView>,
    /// Violations recorded on it: (id, category, description).
    pub violations: Vec<(i64, String, String)>,
    /// The next visit of the task still to do.
    pub next_visit: Option<i64>,
}

/// What went wrong with a patrol form, when the server shows the page again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatrolEcho {
    pub problem: String,
}

#[server(endpoint = "console_patrols", input = leptos::server_fn::codec::Json)]
pub async fn get_patrol_list() -> Result<PatrolList, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.patrols(&user.actor).await)
}

#[server(endpoint = "console_patrol", input = leptos::server_fn::codec::Json)]
pub async fn get_patrol_task(id: i64) -> Result<PatrolTaskView, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.patrol(&user.actor, id).await)
}

#[server(endpoint = "console_patrol_visit", input = leptos::server_fn::codec::Json)]
pub async fn get_patrol_visit(id: i64) -> Result<PatrolVisitView, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    let lang = crate::i18n::request_lang();
    super::ssr::respond(super::ssr::console()?.patrol_visit(&user.actor, id, lang).await)
}
