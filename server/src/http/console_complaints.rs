//! The complaint desk's forms: a status change with its public note, assigning an inspector,
//! public progress and private notes. Each asks the policy about the complaint's venue; the
//! workflow's rules (`mingchu_domain::complaint`) decide the rest; every change is audited.

use super::account::{see_other, visitor_of, ConsolePost};
use super::api_auth::{authorise_actor, About};
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::complaints::reference;
use crate::db::UpdateError;
use crate::state::AppState;
use app::api::CaseEcho;
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use mingchu_domain::access::{decide, Action, Object, UserId};
use mingchu_domain::complaint::{NoteKind, NoteRefusal, Refusal};
use mingchu_domain::vocab::{ComplaintStatus, VenueId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/complaints/{reference}/status", post(status))
        .route("/console/complaints/{reference}/assign", post(assign))
        .route("/console/complaints/{reference}/note", post(note))
        .route("/console/complaints/{reference}/respond", post(respond))
}

/// Reads a complaint-desk form for someone the policy lets handle the complaint: the person,
/// the form, the headers, the address and the normalised reference.
async fn handling(
    state: &AppState,
    raw: &str,
    request: Request,
) -> Result<(SignedIn, ConsolePost, HeaderMap, String, String), Response> {
    let (signed_in, form, headers, address) = ConsolePost::read(state, request).await?;
    let reference = reference::normalize(raw).unwrap_or_default();
    authorise_actor(state, &signed_in.actor, Action::HandleComplaint, About::Complaint(&reference))
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((signed_in, form, headers, address, reference))
}

/// The case page shown again at `status` with what went wrong and the note typed.
async fn case_again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    reference: &str,
    status: StatusCode,
    problem: String,
    note: String,
) -> Response {
    let echo = CaseEcho { problem, note };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    let path = format!("/console/complaints/{reference}");
    super::render::page_again(state, headers, &path, status, provide, Some(visitor)).await
}

/// The case page again at 400, saying what was wrong with the form.
async fn refused_form(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    reference: &str,
    problem: String,
) -> Response {
    case_again(state, signed_in, headers, reference, StatusCode::BAD_REQUEST, problem, String::new()).await
}

fn done(reference: &str) -> Response {
    see_other(&format!("/console/complaints/{reference}?done=1"))
}

fn refusal_text(lang: Lang, refusal: &Refusal) -> String {
    match (lang, refusal) {
        (Lang::Zh, Refusal::Transition { .. }) => "当前状态不能改为所选状态（可能已被他人办理），请刷新后重试。".into(),
        (Lang::Zh, Refusal::ReasonRequired) => "不予受理须在公开说明中写明理由。".into(),
        (Lang::Zh, Refusal::DuplicateOf) => "标记为重复时，须填写另一件已有投诉的编号。".into(),
        (Lang::Zh, Refusal::NoteTooLong) => "说明最多2000字。".into(),
        (Lang::En, refusal) => {
            let text = refusal.to_string().replace(" (--note)", "");
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

async fn status(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, reference) = match handling(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let note = form.value("note").unwrap_or_default().to_string();
    let Some(to) = form.value("status").and_then(ComplaintStatus::from_code) else {
        let problem = match lang {
            Lang::Zh => "请选择要改为的状态。".to_string(),
            Lang::En => "Choose the status to change to.".to_string(),
        };
        return case_again(&state, &signed_in, &headers, &reference, StatusCode::BAD_REQUEST, problem, note).await;
    };
    let duplicate_of = form.value("duplicate_of").and_then(reference::normalize);
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.update_complaint(&reference, to, &note, duplicate_of.as_deref(), &who, chrono::Utc::now()).await {
        Ok(()) => done(&reference),
        Err(UpdateError::NotFound(_)) => HttpError::no_complaint(&reference).into_response(),
        Err(UpdateError::Refused(refusal)) => {
            let status = match refusal {
                Refusal::Transition { .. } => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            case_again(&state, &signed_in, &headers, &reference, status, refusal_text(lang, &refusal), note).await
        }
        Err(UpdateError::Db(e)) => HttpError::from(e).into_response(),
    }
}

async fn assign(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, reference) = match handling(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let assignee = match form.value("assignee").filter(|v| !v.is_empty()) {
        None => None,
        Some(id) => {
            // Only an inspector whose office covers the venue may be handed the complaint.
            let venue = state.db.venue_of(crate::db::tokens::VenueOf::Complaint(&reference)).await;
            let covers = match (id.parse::<i64>(), venue) {
                (Ok(id), Ok(Some(venue))) => match covering_inspector(&state, UserId(id), venue).await {
                    Ok(covers) => covers.then_some(UserId(id)),
                    Err(e) => return HttpError::from(e).into_response(),
                },
                (_, Err(e)) => return HttpError::from(e).into_response(),
                _ => None,
            };
            let Some(user) = covers else {
                let problem = match lang {
                    Lang::Zh => "只能分配给负责该单位所在辖区的监管人员。".to_string(),
                    Lang::En => "A complaint goes only to an inspector whose office covers the venue.".to_string(),
                };
                return refused_form(&state, &signed_in, &headers, &reference, problem).await;
            };
            Some(user)
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.assign_complaint(&reference, assignee, &who, chrono::Utc::now()).await {
        Ok(true) => done(&reference),
        Ok(false) => HttpError::no_complaint(&reference).into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// Whether `user` is an active inspector the policy lets handle complaints about `venue`.
async fn covering_inspector(state: &AppState, user: UserId, venue: VenueId) -> Result<bool, crate::db::DbError> {
    let (Some(actor), Some(place)) = (state.db.actor(user).await?, state.db.venue_place(venue).await?) else {
        return Ok(false);
    };
    Ok(actor.role == mingchu_domain::access::Role::Inspector
        && decide(&actor, Action::HandleComplaint, &Object::Venue(&place)).is_ok())
}

async fn note(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, reference) = match handling(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let kind = match form.value("kind") {
        Some("public") => NoteKind::Public,
        _ => NoteKind::Private,
    };
    let typed = form.value("text").unwrap_or_default().to_string();
    let current = match state.db.public_complaint(&reference).await {
        Ok(Some(c)) => c.status,
        Ok(None) => return HttpError::no_complaint(&reference).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let text = match mingchu_domain::complaint::note(kind, current, &typed) {
        Ok(text) => text,
        Err(refusal) => {
            let problem = match (lang, refusal) {
                (Lang::Zh, NoteRefusal::Empty) => "备注内容不能为空。".to_string(),
                (Lang::Zh, NoteRefusal::TooLong) => "备注最多2000字。".to_string(),
                (Lang::Zh, NoteRefusal::Final(_)) => "此投诉已办结，不再发布公开进展；可添加内部备注。".to_string(),
                (Lang::En, refusal) => format!("{refusal}."),
            };
            return refused_form(&state, &signed_in, &headers, &reference, problem).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let author = Some(signed_in.actor.user).filter(|u| u.0 > 0);
    match state.db.add_complaint_note(&reference, kind, &text, author, &who, chrono::Utc::now()).await {
        Ok(true) => done(&reference),
        Ok(false) => HttpError::no_complaint(&reference).into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/complaints/{reference}/respond`: the venue's operator tells the regulator
/// what happened (not public; the complainant's identity is never shown to them).
async fn respond(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let reference = reference::normalize(&raw).unwrap_or_default();
    if let Err(refused) =
        authorise_actor(&state, &signed_in.actor, Action::ReplyForVenue, About::Complaint(&reference)).await
    {
        return refused.into_response();
    }
    let venue = match state.db.venue_of(crate::db::tokens::VenueOf::Complaint(&reference)).await {
        Ok(Some(v)) => v,
        Ok(None) => return HttpError::no_complaint(&reference).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let body = match mingchu_domain::venue::response(form.value("body").unwrap_or_default()) {
        Ok(body) => body,
        Err(problem) => {
            let text = match (lang, problem) {
                (Lang::Zh, mingchu_domain::venue::ResponseProblem::Empty) => "说明内容不能为空。".to_string(),
                (Lang::Zh, _) => "说明最多2000字。".to_string(),
                (Lang::En, p) => format!("{p}."),
            };
            return refused_form(&state, &signed_in, &headers, &reference, text).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let author = Some(signed_in.actor.user.0).filter(|u| *u > 0);
    match state.db.add_response(venue, &format!("complaint:{reference}"), &body, author, &who, chrono::Utc::now()).await
    {
        Ok(()) => done(&reference),
        Err(e) => HttpError::from(e).into_response(),
    }
}
