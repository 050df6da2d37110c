//! The venue desk's forms: a venue's status with its reason and effective date, a camera made
//! private or public, a reply published or rejected. Each asks the policy about the venue; the
//! domain decides the rest; every change is audited.

use super::account::{see_other, visitor_of, ConsolePost};
use super::api_auth::{authorise_actor, About};
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::ReplyError;
use crate::state::AppState;
use app::api::VenueEcho;
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use mingchu_domain::access::{decide, Action, Object};
use mingchu_domain::venue::{change_status, StatusRefusal};
use mingchu_domain::vocab::{VenueId, VenueStatus};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/venues/{id}/status", post(status))
        .route("/console/cameras/{id}/visibility", post(visibility))
        .route("/console/replies/{id}/moderate", post(moderate))
}

/// Asks the policy whether the signed-in person may do `action` to `venue` (missing: refused
/// unless they may act on everything).
async fn on_venue(
    state: &AppState,
    signed_in: &SignedIn,
    action: Action,
    venue: Option<VenueId>,
) -> Result<(), Response> {
    let place = match venue {
        Some(v) => state.db.venue_place(v).await.map_err(|e| HttpError::from(e).into_response())?,
        None => None,
    };
    let object = place.as_ref().map_or(Object::Missing, Object::Venue);
    decide(&signed_in.actor, action, &object)
        .map_err(|r| HttpError::new(app::error::ErrorKind::Forbidden, r.to_string()).into_response())
}

async fn venue_again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    venue: i64,
    status: StatusCode,
    problem: String,
    reason: String,
) -> Response {
    let echo = VenueEcho { problem, reason };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, &format!("/console/venues/{venue}"), status, provide, Some(visitor)).await
}

fn refusal_text(lang: Lang, refusal: &StatusRefusal) -> String {
    match (lang, refusal) {
        (Lang::Zh, StatusRefusal::Same(_)) => "单位已是该状态。".into(),
        (Lang::Zh, StatusRefusal::NoReason) => "变更经营状态须写明原因。".into(),
        (Lang::Zh, StatusRefusal::ReasonTooLong) => "原因最多500字。".into(),
        (Lang::Zh, StatusRefusal::Future) => "生效日期不能晚于今天。".into(),
        (Lang::Zh, StatusRefusal::BeforeCurrent(day)) => format!("生效日期不能早于当前状态的开始日期 {day}。"),
        (Lang::En, refusal) => {
            let text = refusal.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

async fn status(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ChangeVenueStatus, Some(VenueId(id))).await {
        return r;
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let reason = form.value("reason").unwrap_or_default().to_string();
    let facts = match state.db.venue_facts(VenueId(id)).await {
        Ok(Some(f)) => f,
        Ok(None) => return HttpError::new(app::error::ErrorKind::NotFound, "there is no such venue").into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let to = form.value("status").and_then(VenueStatus::from_code);
    let since = form.value("since").and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (Some(to), Some(since)) = (to, since) else {
        let problem = match lang {
            Lang::Zh => "请选择新的状态并填写生效日期。".to_string(),
            Lang::En => "Choose the new status and its effective date.".to_string(),
        };
        return venue_again(&state, &signed_in, &headers, id, StatusCode::BAD_REQUEST, problem, reason).await;
    };
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let change = match change_status(facts.status, facts.since, to, since, today, &reason) {
        Ok(change) => change,
        Err(refusal) => {
            let status = match refusal {
                StatusRefusal::Same(_) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            return venue_again(&state, &signed_in, &headers, id, status, refusal_text(lang, &refusal), reason).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.change_venue_status(VenueId(id), &change, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/venues/{id}?done=status")),
        Err(e) => HttpError::from(e).into_response(),
    }
}

async fn visibility(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, _, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, Action::ManageCameras, About::Camera(id)).await {
        return refused.into_response();
    }
    let public = form.value("public") == Some("1");
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let venue = match state.db.venue_of(crate::db::tokens::VenueOf::Camera(id)).await {
        Ok(Some(v)) => v,
        Ok(None) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    match state.db.set_camera_public(id, public, &who, chrono::Utc::now()).await {
        Ok(true) => see_other(&format!("/console/venues/{venue}?done=camera")),
        Ok(false) => HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

async fn moderate(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = match state.db.reply_venue(id).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ModerateReply, venue).await {
        return r;
    }
    let Some(venue) = venue else {
        return HttpError::new(app::error::ErrorKind::NotFound, "there is no such reply").into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let publish = form.value("decision") == Some("publish");
    let note = form.value("note");
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.moderate_reply(id, publish, if publish { None } else { note }, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/venues/{venue}?done=reply#replies")),
        Err(ReplyError::NoReason) => {
            let problem = match lang {
                Lang::Zh => "不发布须写明理由，单位会看到。".to_string(),
                Lang::En => "A rejection needs a reason; the venue is told it.".to_string(),
            };
            venue_again(&state, &signed_in, &headers, venue.0, StatusCode::BAD_REQUEST, problem, String::new()).await
        }
        Err(e @ ReplyError::AlreadyModerated { .. }) => (StatusCode::CONFLICT, e.to_string()).into_response(),
        Err(ReplyError::Db(e)) => HttpError::from(e).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}
