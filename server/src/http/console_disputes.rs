//! Dispute forms: the venue's operator disputes a confirmed capture or a violation (a note and
//! photos, cleaned like complaint photos); an inspector covering the venue, other than the one
//! who made the finding, upholds or overturns it with a reason. Audited.

use super::account::{see_other, visitor_of, ConsolePost, MAX_PHOTO_FORM};
use super::api_auth::authorise_venue;
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::disputes::DisputeError;
use crate::state::AppState;
use app::api::DisputeEcho;
use app::i18n::Lang;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use mingchu_domain::access::Action;
use mingchu_domain::dispute::{DisputeRefusal, Outcome};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/disputes/new", post(raise).layer(DefaultBodyLimit::max(MAX_PHOTO_FORM)))
        .route("/console/disputes/{id}/decide", post(decide))
        .route("/console/disputes/{id}/photos/{photo}", get(photo))
}

async fn again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    problem: String,
    note: String,
) -> Response {
    let echo = DisputeEcho { problem, note };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, path, status, provide, Some(visitor)).await
}

fn refusal_text(lang: Lang, refusal: &DisputeRefusal) -> (StatusCode, String) {
    use DisputeRefusal::*;
    let status = match refusal {
        Open | Decided => StatusCode::CONFLICT,
        SameInspector => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    let text = match lang {
        Lang::Zh => match refusal {
            NoNote => "请说明异议的理由。".to_string(),
            TooLong => "文字最多2000字。".to_string(),
            TooLate => format!("确认后{}日内可提出异议，已超过期限。", mingchu_domain::dispute::DISPUTE_DAYS),
            Open => "这项问题已有待处理的异议。".to_string(),
            Decided => "这项异议已处理。".to_string(),
            SameInspector => "异议须由确认该问题以外的监管人员处理。".to_string(),
            NoReason => "请写明处理理由。".to_string(),
        },
        Lang::En => {
            let t = refusal.to_string();
            let mut c = t.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str() + ".").unwrap_or_default()
        }
    };
    (status, text)
}

/// `POST /console/disputes/new`: `kind` (`violation` or `capture`), `id`, `note`, `photos`.
async fn raise(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let kind = form.value("kind").unwrap_or_default().to_string();
    let id = form.value("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or(0);
    let Some(subject) = crate::db::disputes::Subject::parse(&kind, id) else {
        return HttpError::bad_request("dispute a violation or a capture (kind=violation or kind=capture)")
            .into_response();
    };
    let venue = match state.db.dispute_subject_venue(subject).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(refused) = authorise_venue(&state, &signed_in.actor, Action::ReplyForVenue, venue).await {
        return refused.into_response();
    }
    if venue.is_none() {
        return HttpError::not_found("there is nothing to dispute there").into_response();
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/disputes/new?{kind}={id}");
    let note = form.value("note").unwrap_or_default().to_string();
    let mut photos = Vec::new();
    for (i, bytes) in form.photos().iter().enumerate() {
        match crate::complaints::photo::clean(bytes) {
            Ok(p) => photos.push(p),
            Err(fault) => {
                let name = match lang {
                    Lang::Zh => format!("第{}张", i + 1),
                    Lang::En => format!("number {}", i + 1),
                };
                let problem = app::api::photo_message(&name, &fault, lang);
                return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem, note).await;
            }
        }
    }
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.raise_dispute(subject, &note, &photos, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(id) => see_other(&format!("/console/disputes/{id}?done=raised")),
        Err(DisputeError::Refused(r)) => {
            let (status, problem) = refusal_text(lang, &r);
            again(&state, &signed_in, &headers, &path, status, problem, note).await
        }
        Err(DisputeError::NotFound) => HttpError::not_found("there is nothing to dispute there").into_response(),
        Err(DisputeError::Db(e)) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/disputes/{id}/decide`: `outcome` (`upheld` or `overturned`) and `reason`.
async fn decide(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let id = raw.parse::<i64>().unwrap_or(0);
    let venue = match state.db.dispute_venue(id).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(refused) = authorise_venue(&state, &signed_in.actor, Action::Enforce, venue).await {
        return refused.into_response();
    }
    if venue.is_none() {
        return HttpError::not_found("there is no such dispute").into_response();
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/disputes/{id}");
    let reason = form.value("reason").unwrap_or_default().to_string();
    let Some(outcome) = form.value("outcome").and_then(Outcome::from_code) else {
        let problem = match lang {
            Lang::Zh => "请选择维持或撤销。".to_string(),
            Lang::En => "Choose to uphold or overturn.".to_string(),
        };
        return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem, reason).await;
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.decide_dispute(id, outcome, &reason, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("{path}?done={}", outcome.code())),
        Err(DisputeError::Refused(r)) => {
            let (status, problem) = refusal_text(lang, &r);
            again(&state, &signed_in, &headers, &path, status, problem, reason).await
        }
        Err(DisputeError::NotFound) => HttpError::not_found("there is no such dispute").into_response(),
        Err(DisputeError::Db(e)) => HttpError::from(e).into_response(),
    }
}

/// `GET /console/disputes/{id}/photos/{photo}`: a dispute's photo, for those who may see the
/// venue.
async fn photo(State(state): State<AppState>, Path((id, photo)): Path<(String, String)>, request: Request) -> Response {
    let (Ok(id), Ok(photo)) = (id.parse::<i64>(), photo.parse::<i64>()) else {
        return HttpError::not_found("there is no such photo").into_response();
    };
    let asker = super::pictures::asker(&request);
    drop(request);
    super::pictures::for_staff(&state, asker, state.db.dispute_photo(id, photo).await, "photo").await
}
