//! Frame analysis over HTTP: a public camera's picture health (public, like the honesty badge),
//! and the capture events, served only to the admin token until the review screens exist.

use super::api_auth::{authorise, authorise_actor, About};
use super::error::{HttpError, ParamProblem};
use crate::db::{CameraHealth, CaptureEvent};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use mingchu_domain::access::Action;
use mingchu_domain::vocab::CameraId;
use serde::Deserialize;

const MAX_EVENTS: u32 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cameras/{id}/health", get(health))
        .route("/api/v1/events", get(events))
        .route("/api/v1/events/{id}/snapshot.jpg", get(event_snapshot))
        .route("/api/v1/events/{id}/review", axum::routing::post(review))
}

async fn health(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<CameraHealth>, HttpError> {
    let camera = id.parse().map(CameraId).map_err(|_| HttpError::no_camera(&id))?;
    state.db.camera_health(camera).await?.map(Json).ok_or(HttpError::no_camera(&id))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: Option<String>,
    /// The capture to merge into (`merge`).
    #[serde(default)]
    into: Option<i64>,
}

/// What a review decision looks like after it was recorded.
#[derive(serde::Serialize)]
struct Reviewed {
    id: i64,
    review: &'static str,
}

/// `POST /api/v1/events/{id}/review`: confirm, dismiss with a reason, or put back in the queue.
async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    address: Option<axum::Extension<super::account::RequestAddress>>,
    Path(id): Path<String>,
    body: Result<Json<ReviewBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Reviewed>, HttpError> {
    let event = id.parse::<i64>().map_err(|_| HttpError::no_event(&id))?;
    let (actor, mut who) = super::api_auth::api_actor(&state, &headers).await?;
    who.address = address.map(|a| a.0 .0);
    // The policy first: a body is read only for whoever may review this capture.
    authorise_actor(&state, &actor, Action::ReviewCapture, About::Event(event)).await?;
    let Json(body) = body.map_err(|e| HttpError::invalid_body(e.body_text()))?;
    let decision = mingchu_domain::review::Decision::parse(&body.decision, body.reason.as_deref(), body.into)
        .map_err(|problem| HttpError::invalid_body(problem.to_string()))?;
    super::api_auth::authorise_review(&state, &actor, event, decision).await?;
    match state.db.review_capture(event, decision, &actor, &who, chrono::Utc::now()).await {
        Ok(review) => {
            state.push.now();
            Ok(Json(Reviewed { id: event, review: review.code() }))
        }
        Err(crate::db::ReviewError::NotFound(_)) => Err(HttpError::no_event(&id)),
        Err(crate::db::ReviewError::Refused(refusal)) => {
            Err(HttpError::new(app::error::ErrorKind::Conflict, refusal.to_string()))
        }
        Err(crate::db::ReviewError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct EventQuery {
    camera: Option<i64>,
    limit: Option<u32>,
}

async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<EventQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CaptureEvent>>, HttpError> {
    let Query(query) = query.map_err(|e| HttpError::invalid_body(format!("bad query: {}", e.body_text())))?;
    let about = query.camera.map_or(About::Everything, About::Camera);
    // A listing shows only what the caller covers.
    let (actor, _) = authorise(&state, &headers, Action::ViewCaptures, about).await?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_EVENTS).contains(&limit) {
        return Err(HttpError::invalid_parameters(vec![ParamProblem {
            param: "limit".into(),
            message: format!("limit is a whole number from 1 to {MAX_EVENTS}"),
        }]));
    }
    Ok(Json(state.db.list_captures(&actor, query.camera.map(CameraId), limit).await?))
}

async fn event_snapshot(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let event = id.parse::<i64>().map_err(|_| HttpError::no_event(&id))?;
    let (actor, _) = authorise(&state, &headers, Action::ViewCaptures, About::Event(event)).await?;
    let jpeg = match state.db.capture_snapshot(event).await? {
        Some((review, jpeg)) if actor.sees_capture(review) => jpeg,
        _ => return Err(HttpError::no_event(&id)),
    };
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))], jpeg).into_response())
}
