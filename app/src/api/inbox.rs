//! The console's inbox (`/console/inbox`): what was pushed to the venues someone covers, whether
//! they read it, how each delivery to a webhook went; and the webhooks they may configure.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub notices: Vec<InboxItem>,
    pub webhooks: Vec<WebhookView>,
    /// Whose webhooks the person may add: (`venue:3` or `office:2`, name).
    pub owners: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: i64,
    /// `finding`, `camera_offline`, `order_issued` or `order_overdue`.
    pub kind: String,
    pub venue_id: i64,
    pub venue: String,
    pub camera: String,
    /// A finding's capture (its picture) and rule.
    pub capture: Option<i64>,
    pub category: Option<String>,
    /// When it was captured, or since when the camera is offline (RFC 3339).
    pub at: String,
    pub created_at: String,
    pub withdrawn: bool,
    pub read: bool,
    pub deliveries: Vec<DeliveryView>,
    /// The venue's responses to it: (when, by whom, text).
    pub responses: Vec<(String, String, String)>,
    /// Whether the person may respond for the venue (its operator), while it is live.
    pub may_respond: bool,
    /// A rectification order's notice: the order (id, number, due day); it is answered on
    /// the order's page.
    pub order: Option<(i64, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub webhook: String,
    pub channel: String,
    /// queued, delivered, failed or cancelled.
    pub state: String,
    pub attempts: u32,
    pub last_outcome: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i64,
    pub owner: String,
    pub channel: String,
    /// Without its key or token.
    pub url: String,
    pub label: String,
    pub delivered: u32,
    pub queued: u32,
    pub failed: u32,
}

/// What went wrong with an inbox form, when the server shows the inbox again with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InboxEcho {
    pub problem: String,
    pub url: String,
    pub label: String,
}

/// The signed-in person's inbox.
#[server(endpoint = "console_inbox", input = leptos::server_fn::codec::Json)]
pub async fn get_inbox() -> Result<Inbox, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.inbox(&user.actor).await)
}
