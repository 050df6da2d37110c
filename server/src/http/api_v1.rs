//! The open-data JSON API (`/api/v1/…`), described by `/api/openapi.json`.

use crate::db::DbError;
use crate::state::AppState;
use app::api::{Inspection, ProgrammeFigures, QueryProblem, SearchPage, VenueDetail, VenueQuery};
use app::domain::VenueId;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// Largest page the API serves.
pub const MAX_PER_PAGE: u32 = 100;
const DEFAULT_PER_PAGE: u32 = 20;

const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/venues", get(list_venues))
        .route("/api/v1/venues/{id}", get(venue))
        .route("/api/v1/venues/{id}/inspections", get(venue_inspections))
        .route("/api/v1/programme", get(programme))
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid parameters")]
    InvalidParameters(Vec<QueryProblem>),
    #[error("no venue with id {0}")]
    VenueNotFound(String),
    #[error("no active screen at this address")]
    ScreenNotFound,
    #[error("no public camera with id {0}")]
    CameraNotFound(String),
    #[error("no capture event with id {0}")]
    EventNotFound(String),
    #[error("this endpoint needs the admin token")]
    Unauthorized,
    #[error("the admin API is switched off")]
    AdminOff,
    #[error("{0}")]
    BadBody(String),
    #[error("no complaint with reference {0}")]
    ComplaintNotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<ProblemBody>,
}

#[derive(Serialize)]
struct ProblemBody {
    param: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, problems) = match self {
            ApiError::InvalidParameters(problems) => (
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                problems.iter().map(|p| format!("{}: {}", p.param, p.message)).collect::<Vec<_>>().join("; "),
                problems.into_iter().map(|p| ProblemBody { param: p.param, message: p.message }).collect(),
            ),
            ApiError::VenueNotFound(id) => {
                (StatusCode::NOT_FOUND, "not_found", format!("no venue with id {id:?}"), Vec::new())
            }
            ApiError::ScreenNotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no active screen at this address: it was revoked or given a new address, or the link is mistyped"
                    .into(),
                Vec::new(),
            ),
            ApiError::BadBody(message) => (StatusCode::BAD_REQUEST, "invalid_body", message, Vec::new()),
            ApiError::ComplaintNotFound(r) => {
                (StatusCode::NOT_FOUND, "not_found", format!("no complaint with reference {r:?}"), Vec::new())
            }
            ApiError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message, Vec::new()),
            ApiError::CameraNotFound(id) => {
                (StatusCode::NOT_FOUND, "not_found", format!("no public camera with id {id:?}"), Vec::new())
            }
            ApiError::EventNotFound(id) => {
                (StatusCode::NOT_FOUND, "not_found", format!("no capture event with id {id:?}"), Vec::new())
            }
            ApiError::Unauthorized => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: "unauthorized",
                        message: "send the admin token as `Authorization: Bearer <token>`".into(),
                        problems: Vec::new(),
                    },
                };
                return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], Json(body)).into_response();
            }
            ApiError::AdminOff => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "the admin API is off: start the server with --admin-token (MINGCHU_ADMIN_TOKEN)".into(),
                Vec::new(),
            ),
            ApiError::Db(err) => {
                tracing::error!(error = %err, "open-data API: database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the service is unavailable, try again later".into(),
                    Vec::new(),
                )
            }
        };
        (status, Json(ErrorBody { error: ErrorDetail { code, message, problems } })).into_response()
    }
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Serialize)]
struct VenueList {
    #[serde(flatten)]
    page: SearchPage,
    per_page: u32,
}

async fn list_venues(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<VenueList>, ApiError> {
    let raw = raw.unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
    let (query, mut problems) = VenueQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let per_page = match pairs.iter().rev().find(|(k, _)| k == "per_page").map(|(_, v)| v.trim()) {
        None | Some("") => DEFAULT_PER_PAGE,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
            _ => {
                problems.push(QueryProblem {
                    param: "per_page",
                    message: format!("per_page is a whole number from 1 to {MAX_PER_PAGE}"),
                });
                DEFAULT_PER_PAGE
            }
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::InvalidParameters(problems));
    }
    let page = state.db.search_venues(&query, per_page).await?;
    Ok(Json(VenueList { page, per_page }))
}

fn venue_id(raw: &str) -> Result<VenueId, ApiError> {
    raw.parse::<i64>().map(VenueId).map_err(|_| ApiError::VenueNotFound(raw.to_string()))
}

async fn venue(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<VenueDetail>, ApiError> {
    let id = venue_id(&id)?;
    state.db.venue_detail(id).await?.map(Json).ok_or(ApiError::VenueNotFound(id.to_string()))
}

#[derive(Serialize)]
struct InspectionList {
    venue_id: VenueId,
    inspections: Vec<Inspection>,
}

async fn venue_inspections(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InspectionList>, ApiError> {
    let id = venue_id(&id)?;
    if !state.db.venue_exists(id).await? {
        return Err(ApiError::VenueNotFound(id.to_string()));
    }
    Ok(Json(InspectionList { venue_id: id, inspections: state.db.inspections(id, None).await? }))
}

async fn programme(State(state): State<AppState>) -> Result<Json<ProgrammeFigures>, ApiError> {
    Ok(Json(state.db.programme_figures().await?))
}
