//! "Was this page useful?" on a venue's public page (`POST /venues/{id}/useful`, a plain form
//! with `useful=yes` or `useful=no`): recorded, the page again with thanks (`303`). One answer
//! per visitor, venue and day: the visitor is a keyed hash of the address and the day, so no
//! one is identified.

use super::account::see_other;
use super::error::HttpError;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use mingchu_domain::vocab::VenueId;
use mingchu_domain::{china_time, satisfaction};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/venues/{id}/useful", post(vote))
}

#[derive(Deserialize)]
struct VoteForm {
    #[serde(default)]
    useful: String,
}

async fn vote(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return HttpError::not_found("there is no such venue").into_response();
    };
    let address = state
        .client_addr
        .of(request.headers(), request.extensions())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into());
    let form = match Form::<VoteForm>::from_request(request, &state).await {
        Ok(Form(f)) => f,
        Err(e) => {
            return HttpError::bad_request(format!("the answer could not be read: {}", e.body_text())).into_response()
        }
    };
    let Some(useful) = satisfaction::page_vote(&form.useful) else {
        return HttpError::bad_request("answer useful=yes or useful=no").into_response();
    };
    let day = china_time::day(chrono::Utc::now());
    let voter = state.accounts.csrf.token(&format!("venue-page-vote:{id}:{day}:{address}"));
    match state.db.record_page_vote(VenueId(id), day, &voter, useful).await {
        Ok(true) => see_other(&format!("/venues/{id}?useful=thanks#useful")),
        Ok(false) => HttpError::not_found("there is no such venue").into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}
