//! The annual evaluation report (`/console/report`, `/api/v1/report`, `/console/report.csv`):
//! the indicator table (一级/二级/三级指标, 年度目标值, 实际完成值, 上年, 同比, 偏差原因) of
//! the programme, an office or a jurisdiction for a year, and the problems found with links to
//! their evidence. Indicators: `mingchu_domain::report`; definitions: `docs/design/kpis.md`.

use super::{KpiScopeView, Kpis};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `year` (empty: last year in January–March, this year so far after) and `scope` as the
/// figures take it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    /// The indicator's code (`mingchu_domain::report::INDICATORS` names it in both languages).
    pub code: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub last_year: Option<f64>,
    /// Actual minus last year's (a rate's change is a share: 0.01 is one percentage point).
    pub change: Option<f64>,
    pub met: Option<bool>,
    /// What falls short (days, venues, orders …) when the target is missed; 0 otherwise.
    pub shortfall: u64,
}

/// A problem found, with the page that shows its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportProblem {
    /// `offline_venue`, `key_not_connected`, `streaming_while_closed`, `below_camera_standard`,
    /// `low_patrol_coverage`, `overdue_order`.
    pub kind: String,
    pub name: String,
    /// A figure in the problem's own terms (offline camera-hours, cameras, the share patrolled,
    /// the due day).
    pub detail: String,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scope: KpiScopeView,
    pub year: i32,
    /// The figures' last day: the year's, or today while the year runs.
    pub as_of: String,
    pub indicators: Vec<IndicatorRow>,
    pub problems: Vec<ReportProblem>,
    /// When the targets were set, and by whom; `None` without targets.
    pub targets_set_at: Option<String>,
    pub targets_set_by: Option<String>,
    pub figures: Kpis,
}

/// The report page: the report, the scopes and years the reader may choose, and whether they
/// may set targets for a coming year of this scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    pub report: Report,
    pub scopes: Vec<(String, String)>,
    pub query: ReportQuery,
    /// The coming year whose targets the reader may still set here, with the targets set so
    /// far (indicator, value).
    pub next_targets: Option<(i32, Vec<(String, f64)>)>,
}

/// A targets form sent back: what was wrong and what was typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetsEcho {
    pub problem: String,
    pub fields: Vec<(String, String)>,
}

#[server(endpoint = "console_report", input = leptos::server_fn::codec::Json)]
pub async fn get_report_page(query: ReportQuery) -> Result<ReportPage, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.report(&user.actor, &query).await)
}
