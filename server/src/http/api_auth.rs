//! Who calls the API: `Authorization: Bearer <token>`, a per-user token with scopes (`mingchu
//! token create`), or the deprecated `--admin-token`, which acts as an administrator. What the
//! caller may do is decided by the one policy function, on the venue the request is about.

use super::error::HttpError;
use crate::db::tokens::VenueOf;
use crate::state::AppState;
use app::error::ErrorKind;
use axum::http::{header, HeaderMap};
use mingchu_domain::access::{decide, Action, Actor, Object, Role};
use mingchu_domain::audit::Who;
use sha2::{Digest, Sha256};

fn token_needed() -> HttpError {
    HttpError::new(
        ErrorKind::Unauthorized,
        "send an API token as `Authorization: Bearer <token>` (an administrator makes one with `mingchu token create`)",
    )
}

/// The caller, from the bearer token, and how the audit log names it.
pub async fn api_actor(state: &AppState, headers: &HeaderMap) -> Result<(Actor, Who), HttpError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(token_needed)?;
    // Digests compared, so the comparison's time says nothing about the flag's token.
    if let Some(legacy) = state.admin_token.as_deref() {
        if Sha256::digest(given.as_bytes()) == Sha256::digest(legacy.as_bytes()) {
            let who =
                Who { actor: "token:admin-flag".into(), role: Some(Role::Administrator.code().into()), address: None };
            return Ok((Actor::shell(), who));
        }
    }
    match state.accounts.token_actor(given, chrono::Utc::now()).await? {
        Some(found) => Ok(found),
        None => Err(token_needed()),
    }
}

/// What a request is about, for the policy.
#[derive(Clone, Copy, Debug)]
pub enum About<'a> {
    /// A listing over the programme.
    Everything,
    Camera(i64),
    Event(i64),
    Complaint(&'a str),
    Order(i64),
}

/// The caller, if the policy lets them do `action` to what the request is about. Something
/// that does not exist is `Object::Missing`: administrators then get the handler's "not
/// found", others a refusal, which tells them nothing about what exists.
pub async fn authorise(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
    about: About<'_>,
) -> Result<(Actor, Who), HttpError> {
    let (actor, who) = api_actor(state, headers).await?;
    authorise_actor(state, &actor, action, about).await?;
    Ok((actor, who))
}

/// Whether `actor` (a token's or a signed-in person's) may do `action` to what a request is
/// about, asked of the one policy function.
pub async fn authorise_actor(
    state: &AppState,
    actor: &Actor,
    action: Action,
    about: About<'_>,
) -> Result<(), HttpError> {
    let venue = match about {
        About::Everything => None,
        About::Camera(id) => state.db.venue_of(VenueOf::Camera(id)).await?,
        About::Event(id) => state.db.venue_of(VenueOf::Event(id)).await?,
        About::Complaint(reference) => state.db.venue_of(VenueOf::Complaint(reference)).await?,
        About::Order(id) => state.db.venue_of(VenueOf::Order(id)).await?,
    };
    let place = match venue {
        Some(venue) => state.db.venue_place(venue).await?,
        None => None,
    };
    let object = match (&place, about) {
        (Some(place), _) => Object::Venue(place),
        (None, About::Everything) => Object::Programme,
        (None, _) => Object::Missing,
    };
    decide(actor, action, &object).map_err(|refusal| HttpError::new(ErrorKind::Forbidden, refusal.to_string()))
}

/// Whether `actor` may do `action` to `venue`, looked up by the caller (`None`: it does not
/// exist, which only someone who may act on everything learns).
pub async fn authorise_venue(
    state: &AppState,
    actor: &Actor,
    action: Action,
    venue: Option<mingchu_domain::vocab::VenueId>,
) -> Result<(), HttpError> {
    let place = match venue {
        Some(v) => state.db.venue_place(v).await?,
        None => None,
    };
    let object = place.as_ref().map_or(Object::Missing, Object::Venue);
    decide(actor, action, &object).map_err(|refusal| HttpError::new(ErrorKind::Forbidden, refusal.to_string()))
}

/// Whether `actor` may record `decision` on capture `event`: its venue, and for a merge the
/// venue of the capture merged into, must be theirs to review.
pub async fn authorise_review(
    state: &AppState,
    actor: &Actor,
    event: i64,
    decision: mingchu_domain::review::Decision,
) -> Result<(), HttpError> {
    authorise_actor(state, actor, Action::ReviewCapture, About::Event(event)).await?;
    if let mingchu_domain::review::Decision::Merge { into } = decision {
        authorise_actor(state, actor, Action::ReviewCapture, About::Event(into)).await?;
    }
    Ok(())
}
