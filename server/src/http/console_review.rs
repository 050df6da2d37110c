//! The review desk's forms and pictures: deciding on one capture, deciding on many at once,
//! and a capture's snapshot for the signed-in person. Every decision is asked of the policy on
//! the capture's venue and recorded with who, when and from where (the audit log).

use super::account::{console_session, see_other, ConsolePost};
use super::api_auth::{authorise_actor, authorise_review, About};
use super::error::HttpError;
use crate::db::ReviewError;
use crate::state::AppState;
use app::api::{is_local_path, DeskEcho};
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use mingchu_domain::access::{Action, Actor};
use mingchu_domain::review::{Decision, DecisionProblem, ReviewRefusal};

/// Captures one bulk form may decide.
const MAX_BULK: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/captures/{id}/snapshot.jpg", get(snapshot))
        .route("/console/captures/{id}/review", post(review_one))
        .route("/console/captures/bulk", post(review_many))
}

/// A capture's picture, for whoever may see it.
async fn snapshot(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let Some(signed_in) = console_session(&request) else {
        return HttpError::new(app::error::ErrorKind::Unauthorized, "sign in to see captures").into_response();
    };
    let Ok(event) = id.parse::<i64>() else { return HttpError::no_event(&id).into_response() };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, Action::ViewCaptures, About::Event(event)).await {
        return refused.into_response();
    }
    match state.db.capture_snapshot(event).await {
        Ok(Some((review, jpeg))) if signed_in.actor.sees_capture(review) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                // Evidence is not for shared caches.
                (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
            ],
            jpeg,
        )
            .into_response(),
        Ok(_) => HttpError::no_event(&id).into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// Where a desk form goes back to: the desk page it was posted from (a local path only).
fn back_to(form: &ConsolePost) -> String {
    let back = form
        .value("back")
        .filter(|b| is_local_path(b) && b.starts_with("/console/captures"))
        .unwrap_or("/console/captures");
    // Without the outcome of the form before.
    let (path, fragment) = back.split_once('#').map_or((back, None), |(p, f)| (p, Some(f)));
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> =
        query.split('&').filter(|p| !p.is_empty() && !p.starts_with("done=") && !p.starts_with("skipped=")).collect();
    let mut to = path.to_string();
    if !kept.is_empty() {
        to.push('?');
        to.push_str(&kept.join("&"));
    }
    if let Some(fragment) = fragment {
        to.push('#');
        to.push_str(fragment);
    }
    to
}

/// `back` with `key=value` added to its query.
fn with_param(back: &str, key: &str, value: &str) -> String {
    let (path, fragment) = back.split_once('#').map_or((back, None), |(p, f)| (p, Some(f)));
    let joiner = if path.contains('?') { '&' } else { '?' };
    let mut to = format!("{path}{joiner}{key}={value}");
    if let Some(fragment) = fragment {
        to.push('#');
        to.push_str(fragment);
    }
    to
}

/// The decision a desk form asks for: its `decision`, with `reason` only for a dismissal and
/// `into` only for a merge (the form offers every field at once).
fn decision_of(form: &ConsolePost) -> Result<Decision, DecisionProblem> {
    let code = form.value("decision").unwrap_or_default();
    // The bulk form names the reason with the decision: `dismiss:false_pet`.
    let (code, inline_reason) = code.split_once(':').map_or((code, None), |(c, r)| (c, Some(r)));
    let reason = inline_reason.or_else(|| form.value("reason")).filter(|r| !r.is_empty() && code == "dismiss");
    let into = match code {
        "merge" => form.value("into").and_then(|v| v.trim().trim_start_matches('#').parse::<i64>().ok()),
        _ => None,
    };
    Decision::parse(code, reason, into)
}

fn problem_text(lang: Lang, problem: &DecisionProblem) -> String {
    match (lang, problem) {
        (Lang::Zh, DecisionProblem::ReasonNeeded) => "排除抓拍需要选择原因。".into(),
        (Lang::Zh, DecisionProblem::TargetNeeded) => "合并需要选择要并入的抓拍。".into(),
        (Lang::Zh, _) => "无法识别该操作，请从页面上的按钮操作。".into(),
        (Lang::En, DecisionProblem::ReasonNeeded) => "Choose why the capture is dismissed.".into(),
        (Lang::En, DecisionProblem::TargetNeeded) => "Choose the capture to merge it into.".into(),
        (Lang::En, other) => format!("That action is not one the desk knows ({other})."),
    }
}

fn refusal_text(lang: Lang, refusal: &ReviewRefusal) -> String {
    match (lang, refusal) {
        (Lang::Zh, ReviewRefusal::AlreadyReviewed(_)) => {
            "该抓拍已被审核过（可能是其他人刚刚处理）。如需改判，请先撤回审核。".into()
        }
        (Lang::Zh, ReviewRefusal::NotReviewed) => "该抓拍仍在待审核队列中，无需撤回。".into(),
        (Lang::Zh, ReviewRefusal::NoTarget) => "要并入的抓拍不存在。".into(),
        (Lang::Zh, ReviewRefusal::IntoItself) => "抓拍不能并入自身。".into(),
        (Lang::Zh, ReviewRefusal::OtherVenue) => "只能并入同一单位的抓拍。".into(),
        (Lang::Zh, ReviewRefusal::TargetClosed(_)) => "只能并入待审核或已确认的抓拍。".into(),
        (Lang::Zh, ReviewRefusal::HasMerged) => "已有其他抓拍并入此条，请先撤回那些抓拍。".into(),
        (Lang::En, refusal) => {
            let text = refusal.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

/// The desk page `back` shown again at `status` with what went wrong.
async fn desk_again(
    state: &AppState,
    signed_in: &crate::accounts::SignedIn,
    headers: &axum::http::HeaderMap,
    back: &str,
    status: StatusCode,
    capture: Option<i64>,
    problem: String,
) -> Response {
    let echo = DeskEcho { capture, problem };
    let visitor = super::account::visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, back, status, provide, Some(visitor)).await
}

/// Records `decision` on capture `id` for `actor`, after asking the policy about its venue.
async fn decide_one(
    state: &AppState,
    actor: &Actor,
    who: &mingchu_domain::audit::Who,
    id: i64,
    decision: Decision,
) -> Result<(), Outcome> {
    authorise_review(state, actor, id, decision).await.map_err(Outcome::Refused)?;
    match state.db.review_capture(id, decision, actor, who, chrono::Utc::now()).await {
        Ok(_) => {
            // A confirmed finding was queued for the venue's webhooks.
            state.push.now();
            Ok(())
        }
        Err(ReviewError::NotFound(_)) => Err(Outcome::Missing),
        Err(ReviewError::Refused(refusal)) => Err(Outcome::Conflict(refusal)),
        Err(ReviewError::Db(e)) => Err(Outcome::Failed(e)),
    }
}

enum Outcome {
    Refused(HttpError),
    Missing,
    Conflict(ReviewRefusal),
    Failed(crate::db::DbError),
}

fn decided_code(decision: Decision) -> &'static str {
    match decision {
        Decision::Confirm => "confirmed",
        Decision::Dismiss(_) => "dismissed",
        Decision::Merge { .. } => "merged",
        Decision::Unreview => "unreviewed",
    }
}

/// `POST /console/captures/{id}/review`: one capture's decision, from the desk.
async fn review_one(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let back = back_to(&form);
    let Ok(id) = id.parse::<i64>() else { return HttpError::no_event(&id).into_response() };
    let decision = match decision_of(&form) {
        Ok(d) => d,
        Err(problem) => {
            return desk_again(
                &state,
                &signed_in,
                &headers,
                &back,
                StatusCode::BAD_REQUEST,
                Some(id),
                problem_text(lang, &problem),
            )
            .await
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match decide_one(&state, &signed_in.actor, &who, id, decision).await {
        Ok(()) => see_other(&with_param(&back, "done", &format!("{}-{id}", decided_code(decision)))),
        Err(Outcome::Refused(refusal)) => refusal.into_response(),
        Err(Outcome::Missing) => HttpError::no_event(&id.to_string()).into_response(),
        Err(Outcome::Conflict(refusal)) => {
            desk_again(
                &state,
                &signed_in,
                &headers,
                &back,
                StatusCode::CONFLICT,
                Some(id),
                refusal_text(lang, &refusal),
            )
            .await
        }
        Err(Outcome::Failed(e)) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/captures/bulk`: one decision (confirm, or dismiss for one reason) for every
/// capture ticked. Each is decided on its own (policy, state, audit entry); those that cannot
/// be are counted and left as they were.
async fn review_many(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let back = back_to(&form);
    let ids: Vec<i64> = form.values("id").filter_map(|v| v.parse().ok()).collect();
    let problem = match (ids.len(), decision_of(&form)) {
        (0, _) => Some(match lang {
            Lang::Zh => "请先勾选要处理的抓拍。".to_string(),
            Lang::En => "Tick the captures to decide first.".to_string(),
        }),
        (n, _) if n > MAX_BULK => Some(match lang {
            Lang::Zh => format!("一次最多处理{MAX_BULK}条抓拍。"),
            Lang::En => format!("At most {MAX_BULK} captures can be decided at once."),
        }),
        (_, Err(problem)) => Some(problem_text(lang, &problem)),
        (_, Ok(Decision::Merge { .. } | Decision::Unreview)) => Some(match lang {
            Lang::Zh => "批量操作只能确认或排除。".to_string(),
            Lang::En => "Many at once can only be confirmed or dismissed.".to_string(),
        }),
        _ => None,
    };
    if let Some(problem) = problem {
        return desk_again(&state, &signed_in, &headers, &back, StatusCode::BAD_REQUEST, None, problem).await;
    }
    let decision = decision_of(&form).expect("checked above");
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let (mut done, mut skipped) = (0u32, 0u32);
    for id in ids {
        match decide_one(&state, &signed_in.actor, &who, id, decision).await {
            Ok(()) => done += 1,
            Err(Outcome::Failed(e)) => return HttpError::from(e).into_response(),
            Err(_) => skipped += 1,
        }
    }
    let to = with_param(&back, "done", &format!("{}-{done}", decided_code(decision)));
    see_other(&if skipped > 0 { with_param(&to, "skipped", &skipped.to_string()) } else { to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_form_goes_back_with_its_outcome() {
        assert_eq!(with_param("/console/captures", "done", "confirmed-3"), "/console/captures?done=confirmed-3");
        assert_eq!(
            with_param("/console/captures?state=pending#c3", "done", "x"),
            "/console/captures?state=pending&done=x#c3"
        );
    }
}
