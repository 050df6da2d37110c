//! The programme's key figures (`/console/kpis`, `/api/v1/kpis`): coverage, online rate,
//! equipment, supervision, rectification and complaints, for the programme, a jurisdiction or
//! an office, over any run of days. Definitions: `docs/design/kpis.md`.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the figures are asked for: `scope` is `programme`, `office:<id>` or
/// `jurisdiction:<id>`; `from`/`to` are China days (`YYYY-MM-DD`), both included; empty
/// fields take the defaults (the reader's own office, this quarter so far).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KpiQuery {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A venue named in a list of problems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueRef {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiScopeView {
    /// `programme`, `office` or `jurisdiction`.
    pub kind: String,
    pub id: Option<i64>,
    pub name: String,
}

/// Venues planned and connected on the period's last day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageKpis {
    pub planned: u32,
    pub connected: u32,
    pub access_rate: Option<f64>,
    pub key_planned: u32,
    pub key_connected: u32,
    /// Key venues planned but not connected.
    pub key_not_connected: Vec<VenueRef>,
    /// Venues closed on the last day: never counted, whatever their cameras do.
    pub closed: u32,
    /// Venues suspended on the last day: connected, but their days are left out of the rate.
    pub suspended: u32,
    /// Venues whose cameras showed a picture on days they were closed or suspended.
    pub streaming_while_not_trading: Vec<VenueRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayRate {
    pub day: String,
    pub checks: u64,
    pub online: u64,
    pub rate: Option<f64>,
    pub meets: bool,
}

/// The online rate over a part of the period (a quarter).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartRate {
    /// `YYYY-Qn` or `YYYY-MM`.
    pub name: String,
    pub from: String,
    pub to: String,
    /// The mean of the daily rates (日均在线率).
    pub mean_daily_rate: Option<f64>,
    pub days: u32,
    pub days_meeting: u32,
    pub share_meeting: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorstCamera {
    pub camera_id: i64,
    pub camera: String,
    pub venue_id: i64,
    pub venue: String,
    pub offline_hours: f64,
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorstVenue {
    pub venue_id: i64,
    pub venue: String,
    /// Camera-hours offline (each camera's hours, added up).
    pub offline_hours: f64,
    pub rate: Option<f64>,
    pub days: u32,
    pub days_meeting: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OnlineKpis {
    /// The contract's threshold for a day (0.95 unless a contract says otherwise).
    pub threshold: f64,
    pub checks: u64,
    pub online: u64,
    /// Online checks over all checks of the counted camera-days.
    pub check_rate: Option<f64>,
    /// The mean of the daily rates, the share of days at or above the threshold.
    pub mean_daily_rate: Option<f64>,
    pub days: u32,
    pub days_meeting: u32,
    pub share_meeting: Option<f64>,
    pub daily: Vec<DayRate>,
    pub quarters: Vec<PartRate>,
    /// Camera-days left out because the venue was not operating that day.
    pub excluded_camera_days: u64,
    pub worst_cameras: Vec<WorstCamera>,
    pub worst_venues: Vec<WorstVenue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueCameras {
    pub id: i64,
    pub name: String,
    pub cameras: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EquipmentKpis {
    pub connected_venues: u32,
    pub cameras: u32,
    pub cameras_per_venue: Option<f64>,
    pub standard: u32,
    pub below_standard: Vec<VenueCameras>,
    pub below_standard_count: u32,
    /// Connected venues with a display screen installed, and the share of them.
    pub venues_with_screen: u32,
    pub screen_share: Option<f64>,
    pub screens: u32,
    /// The share of the screens' installed time in the period they were online.
    pub screen_online_rate: Option<f64>,
}

/// Key venues visited at least once in a month or quarter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartCoverage {
    pub name: String,
    pub key_venues: u32,
    pub visited: u32,
    pub share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulePrecision {
    pub rule: String,
    pub raised: u64,
    pub confirmed: u64,
    pub dismissed: u64,
    pub precision: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupervisionKpis {
    pub patrol_tasks: u32,
    pub visits_done: u32,
    pub visits_planned: u32,
    pub key_coverage_months: Vec<PartCoverage>,
    pub key_coverage_quarters: Vec<PartCoverage>,
    pub captures_raised: u64,
    pub captures_confirmed: u64,
    pub captures_dismissed: u64,
    pub captures_merged: u64,
    pub captures_pending: u64,
    pub precision: Option<f64>,
    pub rules: Vec<RulePrecision>,
    pub violations: u32,
    pub venues_with_violations: u32,
}

/// A rectification order named in a list of problems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderRef {
    pub id: i64,
    /// The notice's number, e.g. `坪山街道监管所 整改〔2026〕第0012号`.
    pub number: String,
    pub venue_id: i64,
    pub venue: String,
    pub due_on: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RectificationKpis {
    pub issued: u32,
    pub closed: u32,
    pub closed_on_time: u32,
    pub on_time_rate: Option<f64>,
    /// Open on the last day and past their due day.
    pub overdue: u32,
    pub overdue_orders: Vec<OrderRef>,
    pub mean_days_to_close: Option<f64>,
    pub p90_days_to_close: Option<i64>,
    pub disputes: u32,
    pub disputes_upheld: u32,
    pub disputes_overturned: u32,
    pub disputes_pending: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub code: String,
    pub count: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintKpis {
    pub received: u32,
    /// Accepted or rejected within 7 working days.
    pub decided_in_time: u32,
    pub decided_late: u32,
    /// Not decided and past the 7th working day.
    pub overdue: u32,
    /// Not decided, still within the time: left out of the rate.
    pub pending: u32,
    pub in_time_rate: Option<f64>,
    pub closed: u32,
    pub by_category: Vec<Count>,
    /// `web`, `open311`.
    pub by_channel: Vec<Count>,
    /// Complaints handled to the end, so asked whether they were resolved and how satisfied
    /// their complainant is; those who answered.
    pub asked: u32,
    pub answered: u32,
    pub response_rate: Option<f64>,
    /// Answers saying the problem was resolved, and the share of answers.
    pub resolved: u32,
    pub resolved_rate: Option<f64>,
    /// Answers of 4 or 5, and the share of answers (满意率, measured).
    pub satisfied: u32,
    pub satisfied_rate: Option<f64>,
    pub mean_satisfaction: Option<f64>,
    /// Answers per score, 1 to 5.
    pub scores: Vec<u32>,
    /// Venue pages' "was this useful?": answers yes, no, and the share of yes.
    pub page_useful: u32,
    pub page_not_useful: u32,
    pub page_useful_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    pub scope: KpiScopeView,
    pub from: String,
    pub to: String,
    pub coverage: CoverageKpis,
    pub online: OnlineKpis,
    pub equipment: EquipmentKpis,
    pub supervision: SupervisionKpis,
    pub rectification: RectificationKpis,
    pub complaints: ComplaintKpis,
}

/// The year's figures a citizen may check on the programme page and `/api/v1/programme`:
/// programme-wide totals only, no person and no venue named.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicYear {
    /// 1 January to today (China days).
    pub from: String,
    pub to: String,
    /// When they were computed (they are kept for a few minutes).
    pub computed_at: String,
    pub threshold: f64,
    /// The mean daily online rate per quarter and the share of days at or above the threshold
    /// (suspended and closed venues' days left out).
    pub quarters: Vec<PartRate>,
    /// Key venues patrolled at least once per quarter.
    pub key_patrol_coverage: Vec<PartCoverage>,
    pub orders_closed: u32,
    pub orders_closed_on_time: u32,
    pub orders_on_time_rate: Option<f64>,
    /// Complaints decided within 7 working days, of those decided or past the time.
    pub complaints_decided_in_time: u32,
    pub complaints_judged: u32,
    pub complaints_in_time_rate: Option<f64>,
    /// Complainants' own answers once their complaint was handled.
    pub feedback_answered: u32,
    pub satisfied_rate: Option<f64>,
    pub resolved_rate: Option<f64>,
}

impl PublicYear {
    /// The public part of the programme's figures for the year so far.
    pub fn of(k: &Kpis, computed_at: String) -> PublicYear {
        let q = &k.complaints;
        PublicYear {
            from: k.from.clone(),
            to: k.to.clone(),
            computed_at,
            threshold: k.online.threshold,
            quarters: k.online.quarters.clone(),
            key_patrol_coverage: k.supervision.key_coverage_quarters.clone(),
            orders_closed: k.rectification.closed,
            orders_closed_on_time: k.rectification.closed_on_time,
            orders_on_time_rate: k.rectification.on_time_rate,
            complaints_decided_in_time: q.decided_in_time,
            complaints_judged: q.decided_in_time + q.decided_late + q.overdue,
            complaints_in_time_rate: q.in_time_rate,
            feedback_answered: q.answered,
            satisfied_rate: q.satisfied_rate,
            resolved_rate: q.resolved_rate,
        }
    }
}

/// The figures page: the figures, the scopes the reader may choose and the query echoed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiPage {
    pub kpis: Kpis,
    /// (`scope` value, name).
    pub scopes: Vec<(String, String)>,
    pub query: KpiQuery,
}

#[server(endpoint = "console_kpis", input = leptos::server_fn::codec::Json)]
pub async fn get_kpi_page(query: KpiQuery) -> Result<KpiPage, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.kpis(&user.actor, &query).await)
}
