//! Rectification orders in the console (`/console/orders`): the office's list, one order with
//! the steps its reader may take, the form that issues one, and the printed notice.

use crate::domain::ViolationSource;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an order stands: the state machine's state and, while open, whether it is overdue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderStanding {
    /// `issued`, `replied`, `extension_asked` or `closed`.
    pub state: String,
    pub overdue: bool,
    pub issued_on: String,
    pub due_on: String,
    pub closed_on: Option<String>,
    /// Closed by the due day.
    pub on_time: Option<bool>,
    pub extensions: u32,
    pub asked_until: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderList {
    /// `open`, `overdue` or `closed`.
    pub view: String,
    pub items: Vec<OrderListRow>,
    /// Whether the reader may issue orders (an inspector or administrator).
    pub may_issue: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderListRow {
    pub id: i64,
    pub number: String,
    pub venue_id: i64,
    pub venue: String,
    pub violations: u32,
    pub standing: OrderStanding,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderViolation {
    pub id: i64,
    pub source: ViolationSource,
    pub category: String,
    pub description: String,
    pub observed_at: String,
    pub camera: Option<String>,
    /// The capture's snapshot, for the people who may see it.
    pub evidence: Option<String>,
    pub complaint: Option<String>,
    /// A dispute about it waits for a decision.
    pub disputed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderStep {
    /// Photos sent with it.
    pub photos: Vec<String>,
    /// `issue`, `reply`, `ask_extension`, `grant_extension`, `refuse_extension`, `accept`, `reject`.
    pub step: String,
    pub note: Option<String>,
    pub until: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

/// One order as its reader may see it and act on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderCase {
    pub id: i64,
    pub number: String,
    pub office: String,
    pub venue_id: i64,
    pub venue: String,
    pub address: String,
    pub holder: Option<String>,
    pub licence: Option<String>,
    pub requirement: String,
    pub legal_basis: String,
    pub issued_by: Option<String>,
    pub standing: OrderStanding,
    pub violations: Vec<OrderViolation>,
    pub steps: Vec<OrderStep>,
    /// The venue's operator: may reply and ask for time.
    pub may_reply: bool,
    /// An inspector covering the venue: may verify and decide on extensions.
    pub may_verify: bool,
    /// The venue's cameras, to verify through (for those who may verify): (id, name).
    pub cameras: Vec<(i64, String)>,
    /// The QR code to the order's public entry, as inline SVG.
    pub qr_svg: String,
    /// The public page the QR code leads to.
    pub public_path: String,
}

/// A clause an order may cite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClauseOption {
    pub code: String,
    pub citation: String,
    pub summary: String,
}

/// The form that issues an order against a venue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderForm {
    pub venue_id: i64,
    pub venue: String,
    /// Confirmed captures of the venue in no order yet: (id, rule, time, camera).
    pub findings: Vec<(i64, String, String, String)>,
    /// Violations recorded on patrols and inspections in no order yet: (id, category,
    /// description, time).
    pub violations: Vec<(i64, String, String, String)>,
    pub clauses: Vec<ClauseOption>,
    /// The due day the form suggests (`YYYY-MM-DD`).
    pub suggested_due: String,
    /// The earliest due day allowed (tomorrow).
    pub earliest_due: String,
}

/// What went wrong with an order form, when the server shows the page again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderEcho {
    pub problem: String,
    pub note: String,
}

#[server(endpoint = "console_orders", input = leptos::server_fn::codec::Json)]
pub async fn get_order_list(view: String) -> Result<OrderList, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.orders(&user.actor, &view).await)
}

#[server(endpoint = "console_order", input = leptos::server_fn::codec::Json)]
pub async fn get_order_case(id: i64) -> Result<OrderCase, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.order(&user.actor, id).await)
}

#[server(endpoint = "console_order_form", input = leptos::server_fn::codec::Json)]
pub async fn get_order_form(venue: i64) -> Result<OrderForm, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.order_form(&user.actor, venue).await)
}
