//! The key figures outside the page: `/api/v1/kpis` (JSON, for a token with the `read`
//! scope) and `/console/kpis.csv` (the same figures as a spreadsheet, for the signed-in
//! person). Both take `scope`, `from` and `to` as the page does.

use super::account::console_session;
use super::api_auth::api_actor;
use super::error::HttpError;
use crate::state::AppState;
use app::api::{KpiQuery, Kpis};
use app::error::{AppError, ErrorKind};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use mingchu_domain::access::Actor;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/kpis", get(api)).route("/console/kpis.csv", get(csv))
}

/// A figures request refused, as the API answers it (also the report's, `http/report.rs`).
pub(super) fn refusal(e: AppError) -> HttpError {
    match e {
        AppError::NotFound => HttpError::not_found("there is no such supervision office or jurisdiction"),
        AppError::BadRequest(message) => HttpError::bad_request(message),
        AppError::Forbidden(message) => HttpError::new(ErrorKind::Forbidden, message),
        _ => HttpError::unavailable(),
    }
}

async fn figures(state: &AppState, actor: &Actor, query: &KpiQuery) -> Result<Kpis, HttpError> {
    state.console().kpi_figures(actor, query, chrono::Utc::now()).await.map_err(refusal)
}

/// The query, or a refusal saying what in it was not understood.
fn understood(query: Result<Query<KpiQuery>, QueryRejection>) -> Result<KpiQuery, HttpError> {
    query.map(|Query(q)| q).map_err(|e| HttpError::bad_request(format!("bad query: {}", e.body_text())))
}

async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<KpiQuery>, QueryRejection>,
) -> Response {
    let query = match understood(query) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let (actor, _) = match api_actor(&state, &headers).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    match figures(&state, &actor, &query).await {
        Ok(kpis) => Json(kpis).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn csv(
    State(state): State<AppState>,
    query: Result<Query<KpiQuery>, QueryRejection>,
    request: Request,
) -> Response {
    let query = match understood(query) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let Some(signed_in) = console_session(&request) else {
        return HttpError::new(ErrorKind::Unauthorized, "sign in to download the figures").into_response();
    };
    match figures(&state, &signed_in.actor, &query).await {
        Ok(kpis) => {
            let name = format!("kpis-{}-{}-{}.csv", kpis.scope.kind, kpis.from, kpis.to);
            let disposition = format!("attachment; filename=\"{name}\"");
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("an ASCII name")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
                ],
                crate::kpi_csv::write(&kpis),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}
