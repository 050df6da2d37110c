//! The open-data JSON API (`/api/v1/…`), described by `/api/openapi.json`.

use super::error::{HttpError, ParamProblem};
use crate::state::AppState;
use app::api::{Inspection, ProgrammeFigures, QueryProblem, SearchPage, VenueDetail, VenueQuery};
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use mingchu_domain::vocab::VenueId;
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
        .route("/api/v1/audit/head", get(audit_head))
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

async fn list_venues(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<VenueList>, HttpError> {
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
        return Err(HttpError::invalid_parameters(
            problems.into_iter().map(|p| ParamProblem { param: p.param.into(), message: p.message }).collect(),
        ));
    }
    let page = state.db.search_venues(&query, per_page).await?;
    Ok(Json(VenueList { page, per_page }))
}

fn venue_id(raw: &str) -> Result<VenueId, HttpError> {
    raw.parse::<i64>().map(VenueId).map_err(|_| HttpError::no_venue(raw))
}

async fn venue(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<VenueDetail>, HttpError> {
    let id = venue_id(&id)?;
    state.db.venue_detail(id, chrono::Utc::now()).await?.map(Json).ok_or(HttpError::no_venue(&id.to_string()))
}

#[derive(Serialize)]
struct InspectionList {
    venue_id: VenueId,
    inspections: Vec<Inspection>,
}

async fn venue_inspections(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<InspectionList>, HttpError> {
    let id = venue_id(&id)?;
    if !state.db.venue_exists(id).await? {
        return Err(HttpError::no_venue(&id.to_string()));
    }
    Ok(Json(InspectionList { venue_id: id, inspections: state.db.inspections(id, None).await? }))
}

async fn programme(State(state): State<AppState>) -> Result<Json<ProgrammeFigures>, HttpError> {
    Ok(Json(state.db.programme_figures(chrono::Utc::now()).await?))
}

/// The audit log's head, public: whoever keeps a copy (each day, say) can later have
/// `mingchu audit verify --head COUNT:HASH` prove that history was not rewritten.
#[derive(Serialize)]
struct AuditHead {
    count: i64,
    hash: String,
    /// `COUNT:HASH`, as `mingchu audit verify --head` takes it.
    head: String,
    as_of: String,
}

async fn audit_head(State(state): State<AppState>) -> Result<impl IntoResponse, HttpError> {
    let head = state
        .db
        .audit_head()
        .await?
        .unwrap_or(mingchu_domain::audit::Head { count: 0, hash: mingchu_domain::audit::GENESIS.into() });
    let body = AuditHead {
        count: head.count,
        head: head.to_string(),
        hash: head.hash,
        as_of: mingchu_domain::audit::timestamp(chrono::Utc::now()),
    };
    Ok(([(header::CACHE_CONTROL, "no-cache")], Json(body)))
}
