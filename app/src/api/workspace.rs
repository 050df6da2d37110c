//! The workspace (accounts and the console) as pages see it. The server resolves who is
//! signed in from the session cookie before a page renders and leaves a [`Visitor`] in the
//! request; pages read it with [`visitor`].

use crate::error::AppError;
use leptos::prelude::*;
use mingchu_domain::access::UserId;
use serde::{Deserialize, Serialize};

/// Who is asking, as the server found them: the form token for this browser, and the person
/// when signed in. Server-side only (never sent to the browser as such).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visitor {
    /// The CSRF field for this browser's forms.
    pub csrf: String,
    pub user: Option<SignedInUser>,
}

/// A signed-in person.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedInUser {
    pub id: UserId,
    pub session: i64,
    pub login: String,
    pub display_name: String,
    /// The role's code (`Role::code`).
    pub role: String,
}

/// What a refused account form says when it is shown again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountEcho {
    /// The login typed, shown again.
    pub login: String,
    /// What was wrong, in the reader's language.
    pub problem: String,
}

/// The console's first page: who you are, what you may act on, your sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleHome {
    pub display_name: String,
    pub login: String,
    pub role: String,
    /// An inspector's office and the jurisdiction it covers; empty otherwise.
    pub office: Option<String>,
    pub jurisdiction: Option<String>,
    /// An operator's venues (id, name).
    pub venues: Vec<(i64, String)>,
    pub sessions: Vec<SessionInfo>,
    pub totp: TotpView,
}

/// The second factor as the console shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TotpView {
    Off,
    /// Being set up: the secret to type and the `otpauth://` URI as a QR code (SVG markup,
    /// made on the server from our own data).
    Pending {
        secret: String,
        qr_svg: String,
    },
    On,
}

/// One of the person's live sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    /// RFC 3339.
    pub created_at: String,
    pub last_seen_at: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// The session this page was asked from.
    pub current: bool,
}

/// The visitor the server left in this request (nobody, outside a server render).
pub fn visitor() -> Visitor {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Visitor>().cloned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Visitor::default()
    }
}

/// The console's first page for the signed-in person; `NotFound` when nobody is signed in
/// (the page sends them to sign in).
#[server(endpoint = "console_home", input = leptos::server_fn::codec::Json)]
pub async fn get_console_home() -> Result<ConsoleHome, AppError> {
    let visitor = visitor();
    let user = visitor.user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.home(user.id, user.session).await)
}
