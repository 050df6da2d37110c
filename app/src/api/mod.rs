//! Server functions and the data they return. The data source is the [`ssr::Catalog`] the
//! server provides through context; this crate never talks to a database itself.

mod complaint_desk;
mod complaints;
mod contracts;
mod disputes;
mod dto;
mod inbox;
mod kpis;
mod orders;
mod patrols;
mod recordings;
mod report;
mod review;
mod screens;
#[cfg(feature = "ssr")]
pub mod ssr;
mod venue_desk;
mod workspace;

pub use complaint_desk::*;
pub use complaints::*;
pub use contracts::*;
pub use disputes::*;
pub use dto::*;
pub use inbox::*;
pub use kpis::*;
pub use orders::*;
pub use patrols::*;
pub use recordings::*;
pub use report::*;
pub use review::*;
pub use screens::*;
pub use venue_desk::*;
pub use workspace::*;

use crate::domain::VenueId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Searches venues by name or address, optionally of one kind.
#[server(endpoint = "search_venues", input = Json)]
pub async fn search_venues(query: VenueQuery) -> Result<SearchPage, AppError> {
    ssr::respond(ssr::catalog()?.search_venues(&query).await)
}

/// One venue with its licence, grades, cameras and latest inspections.
#[server(endpoint = "get_venue", input = Json)]
pub async fn get_venue(id: VenueId) -> Result<VenueDetail, AppError> {
    ssr::respond(ssr::catalog()?.venue(id).await.and_then(|v| v.ok_or(AppError::NotFound)))
}

/// The jurisdictions a search can be limited to.
#[server(endpoint = "jurisdictions", input = Json)]
pub async fn list_jurisdictions() -> Result<Vec<JurisdictionOption>, AppError> {
    ssr::respond(ssr::catalog()?.jurisdictions().await)
}

/// The programme's headline figures (connected venues, cameras online, online rate).
#[server(endpoint = "programme", input = Json)]
pub async fn get_programme() -> Result<ProgrammeFigures, AppError> {
    ssr::respond(ssr::catalog()?.programme().await)
}

/// What a display screen shows, by the secret token in its URL.
#[server(endpoint = "display", input = Json)]
pub async fn get_display(token: String) -> Result<DisplayView, AppError> {
    ssr::respond(ssr::catalog()?.display(&token).await.and_then(|v| v.ok_or(AppError::NotFound)))
}

/// The complaint form: a fresh signed token, the venue (when chosen) and, when the server is
/// rendering a refused submission again, what was typed and what was wrong.
#[server(endpoint = "complaint_form", input = Json)]
pub async fn get_complaint_form(venue: Option<VenueId>) -> Result<ComplaintForm, AppError> {
    let desk = ssr::desk()?;
    let echo = use_context::<ComplaintEcho>();
    let lang = crate::i18n::request_lang();
    let (token, draft, problems) = match echo {
        Some(echo) => (
            echo.token.unwrap_or_else(|| desk.issue_token()),
            echo.draft,
            echo.problems.iter().map(|p| FormProblem::new(p, lang)).collect(),
        ),
        None => (desk.issue_token(), ComplaintDraft { venue, ..Default::default() }, Vec::new()),
    };
    let venue = match draft.venue {
        Some(id) => desk.form_venue(id).await?,
        None => None,
    };
    let mut problems = problems;
    if draft.venue.is_some() && venue.is_none() && problems.is_empty() {
        // A link to a venue that does not exist: say so above the venue search.
        problems.push(FormProblem::new(&Problem::UnknownVenue, lang));
    }
    Ok(ComplaintForm { token, venue, draft, problems })
}

/// A complaint's public page, by its reference.
#[server(endpoint = "get_complaint", input = Json)]
pub async fn get_complaint(reference: String) -> Result<PublicComplaint, AppError> {
    ssr::respond(ssr::desk()?.public_complaint(&reference).await.and_then(|c| c.ok_or(AppError::NotFound)))
}
