//! The console's venue desk (`/console/venues`): the venues someone covers with their cameras'
//! online rate; one venue with its status history, cameras' health and replies to moderate.

use crate::domain::VenueStatus;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueListRow {
    pub id: i64,
    pub name: String,
    pub status: VenueStatus,
    pub cameras: u32,
    /// Online checks over checks in the rate window (7 China days).
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueDesk {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub status: VenueStatus,
    /// Today in China (`YYYY-MM-DD`), the latest effective date allowed.
    pub today: String,
    pub history: Vec<StatusEntry>,
    pub cameras: Vec<CameraView>,
    /// Replies waiting for moderation (for those who moderate).
    pub replies: Vec<ReplyView>,
    /// The venue's display screens (not revoked).
    pub screens: Vec<ScreenView>,
    pub may_manage_screens: bool,
    /// The latest inspections, for the venue to reply to.
    pub inspections: Vec<InspectionView>,
    /// Whether the person replies for the venue (its operator).
    pub may_reply: bool,
    pub may_change_status: bool,
    /// May issue rectification orders against it.
    pub may_enforce: bool,
    /// Its risk level, for those who may enforce.
    pub risk: Option<super::RiskView>,
    pub may_manage_cameras: bool,
    /// Whether the viewer may play the cameras' recordings, and set what they record.
    pub may_view_recordings: bool,
    pub may_manage_recording: bool,
    pub may_moderate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub status: VenueStatus,
    pub since: String,
    pub reason: Option<String>,
    pub by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraView {
    pub id: i64,
    pub name: String,
    pub area: String,
    pub public: bool,
    pub always_on: bool,
    /// Picture health from frame analysis (`ok`, `dark`, `covered`, …).
    pub health: Option<String>,
    /// The connection's last state and since when.
    pub connection: Option<(String, String)>,
    pub rate: Option<f64>,
    /// What is recorded (`continuous`, `events`, `off`) and for how many days it is kept.
    pub recording: (String, u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectionView {
    pub id: i64,
    pub date: String,
    /// The findings' items, in order (a reply names one by its position, from 1).
    pub findings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScreenView {
    pub id: i64,
    pub name: String,
    pub online: bool,
    pub last_heartbeat_at: Option<String>,
    pub low_bandwidth: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplyView {
    pub id: i64,
    pub inspected_on: String,
    pub finding: Option<String>,
    pub body: String,
    pub submitted_at: String,
}

/// What went wrong with a venue-desk form, when the page is shown again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VenueEcho {
    pub problem: String,
    pub reason: String,
    /// A screen's address, shown once when it was just registered.
    pub issued: Option<String>,
}

#[server(endpoint = "console_venues", input = leptos::server_fn::codec::Json)]
pub async fn get_venue_list() -> Result<Vec<VenueListRow>, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.venues(&user.actor).await)
}

#[server(endpoint = "console_venue", input = leptos::server_fn::codec::Json)]
pub async fn get_venue_desk(id: i64) -> Result<VenueDesk, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.venue(&user.actor, id).await)
}
