//! Disputes in the console (`/console/disputes`): the venue contests a confirmed capture or a
//! violation; another inspector decides.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeView {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub violation: Option<i64>,
    pub capture: Option<i64>,
    pub category: String,
    pub observed_at: String,
    pub note: String,
    pub raised_by: Option<String>,
    pub raised_at: String,
    /// `upheld` or `overturned`, once decided.
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// Photo addresses.
    pub photos: Vec<String>,
    /// The capture's picture, for those who may see it.
    pub snapshot: Option<String>,
    /// Whether the reader may decide it (an inspector covering the venue who did not make the
    /// finding), while it is open.
    pub may_decide: bool,
}

/// What a dispute form is about, as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeForm {
    /// `violation` or `capture`, and its id.
    pub subject: (String, i64),
    pub venue: String,
    pub category: String,
    pub observed_at: String,
    /// The last day it may be disputed.
    pub until: String,
}

/// What went wrong with a dispute form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DisputeEcho {
    pub problem: String,
    pub note: String,
}

#[server(endpoint = "console_disputes", input = leptos::server_fn::codec::Json)]
pub async fn get_disputes() -> Result<Vec<DisputeView>, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.disputes(&user.actor).await)
}

#[server(endpoint = "console_dispute", input = leptos::server_fn::codec::Json)]
pub async fn get_dispute(id: i64) -> Result<DisputeView, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.dispute(&user.actor, id).await)
}

#[server(endpoint = "console_dispute_form", input = leptos::server_fn::codec::Json)]
pub async fn get_dispute_form(kind: String, id: i64) -> Result<DisputeForm, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.dispute_form(&user.actor, &kind, id).await)
}
