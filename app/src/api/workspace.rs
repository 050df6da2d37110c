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
    /// What the policy knows of them (role, office, venues).
    pub actor: mingchu_domain::access::Actor,
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

/// Whether `path` is a path on this site, so that a `next=` or a language switch cannot send
/// people elsewhere (`//host`, `https://…` and `/\\host` are not).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// Where to go after signing in: a local `next`, else the console.
pub fn after_sign_in(next: Option<&str>) -> &str {
    next.filter(|n| is_local_path(n)).unwrap_or("/console")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/venues/3?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert_eq!(after_sign_in(Some("/console/captures")), "/console/captures");
        assert_eq!(after_sign_in(Some("//evil.example")), "/console");
        assert_eq!(after_sign_in(None), "/console");
    }
}

/// The login a one-time password link is for; `NotFound` (410 Gone on the page) when the link
/// was used, expired, replaced or never existed.
#[server(endpoint = "password_link", input = leptos::server_fn::codec::Json)]
pub async fn get_password_link(secret: String) -> Result<String, AppError> {
    super::ssr::console()?.password_link(&secret).await.and_then(|login| login.ok_or(AppError::NotFound))
}

/// The console's first page for the signed-in person; `NotFound` when nobody is signed in
/// (the page sends them to sign in).
#[server(endpoint = "console_home", input = leptos::server_fn::codec::Json)]
pub async fn get_console_home() -> Result<ConsoleHome, AppError> {
    let visitor = visitor();
    let user = visitor.user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.home(user.id, user.session).await)
}
