//! The complainant's answer on a closed complaint's page (`POST /complaints/{reference}/feedback`,
//! a plain form): resolved or not and satisfaction 1–5, once. Recorded, it goes back to the page
//! (`303`); refused, the page is shown again with the reason (409 when the complaint cannot be
//! rated now, 400 when the answer is incomplete); the reference is the key, as for the page.

use super::account::see_other;
use super::error::HttpError;
use crate::complaints::reference;
use crate::db::FeedbackError;
use crate::state::AppState;
use app::api::FeedbackEcho;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use leptos::prelude::provide_context;
use mingchu_domain::satisfaction::FeedbackRefusal;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/complaints/{reference}/feedback", post(feedback))
}

#[derive(Clone, Default, Deserialize)]
struct FeedbackForm {
    #[serde(default)]
    resolved: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    comment: String,
}

async fn feedback(
    State(state): State<AppState>,
    Path(given): Path<String>,
    headers: HeaderMap,
    form: Result<Form<FeedbackForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(reference) = reference::normalize(&given) else {
        return HttpError::not_found("there is no complaint with this reference").into_response();
    };
    // A form that cannot be read is an answer with nothing in it: refused with what is missing.
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let page = format!("/complaints/{reference}");
    let outcome = state
        .db
        .record_feedback(&reference, &form.resolved, &form.satisfaction, &form.comment, chrono::Utc::now())
        .await;
    match outcome {
        Ok(()) => see_other(&format!("{page}?rated=1#feedback")),
        Err(FeedbackError::NotFound) => {
            HttpError::not_found("there is no complaint with this reference").into_response()
        }
        Err(FeedbackError::Refused(refusal)) => {
            let status = match refusal {
                FeedbackRefusal::NotClosed | FeedbackRefusal::Answered => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            let echo = FeedbackEcho { problem: refusal.code().to_string() };
            super::render::page_again(&state, &headers, &page, status, move || provide_context(echo.clone()), None)
                .await
        }
        Err(FeedbackError::Db(e)) => HttpError::from(e).into_response(),
    }
}
