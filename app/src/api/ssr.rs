//! The server side of the server functions: the data source the server must provide.

use super::{
    DisplayView, FormVenue, JurisdictionOption, ProgrammeFigures, PublicComplaint, SearchPage, VenueDetail, VenueQuery,
};
use crate::domain::VenueId;
use crate::error::AppError;
use std::sync::Arc;

/// Read access to the public venue catalogue. The server implements it over its database
/// and provides an [`SharedCatalog`] through Leptos context.
#[async_trait::async_trait]
pub trait Catalog: Send + Sync + 'static {
    async fn search_venues(&self, query: &VenueQuery) -> Result<SearchPage, AppError>;
    async fn venue(&self, id: VenueId) -> Result<Option<VenueDetail>, AppError>;
    async fn jurisdictions(&self) -> Result<Vec<JurisdictionOption>, AppError>;
    async fn programme(&self) -> Result<ProgrammeFigures, AppError>;
    /// The screen with this URL secret and what it shows; `None` when unknown or revoked.
    async fn display(&self, token: &str) -> Result<Option<DisplayView>, AppError>;
}

pub type SharedCatalog = Arc<dyn Catalog>;

/// The complaint desk: form tokens and public complaint pages. The server implements it and
/// provides a [`SharedDesk`] through Leptos context.
#[async_trait::async_trait]
pub trait ComplaintDesk: Send + Sync + 'static {
    /// A fresh signed form token.
    fn issue_token(&self) -> String;
    /// The venue a complaint may be made about; `None` when unknown or closed to complaints.
    async fn form_venue(&self, id: VenueId) -> Result<Option<FormVenue>, AppError>;
    /// A complaint's public view; `None` for an unknown reference.
    async fn public_complaint(&self, reference: &str) -> Result<Option<PublicComplaint>, AppError>;
}

pub type SharedDesk = Arc<dyn ComplaintDesk>;

/// The workspace console's data. The server implements it and provides a [`SharedConsole`]
/// through Leptos context; callers have already established who is signed in.
#[async_trait::async_trait]
pub trait Console: Send + Sync + 'static {
    /// The first page of `user`, asked from `session`.
    async fn home(&self, user: mingchu_domain::access::UserId, session: i64) -> Result<super::ConsoleHome, AppError>;
    /// The login a one-time password link is for, while it is valid (unused, unexpired).
    async fn password_link(&self, secret: &str) -> Result<Option<String>, AppError>;
    /// The review desk as `actor` may see it; `Forbidden` for whoever may not review.
    async fn review_desk(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &super::DeskQuery,
    ) -> Result<super::ReviewDesk, AppError>;
    /// A camera's recorded day with its events and the video around a moment; `Forbidden`
    /// unless `actor` may view the camera's recordings.
    async fn camera_timeline(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &super::TimelineQuery,
    ) -> Result<super::CameraTimeline, AppError>;
    /// The notices about the venues `actor` covers, and the webhooks they may configure.
    async fn inbox(&self, actor: &mingchu_domain::access::Actor) -> Result<super::Inbox, AppError>;
    /// The complaints about the venues `actor` covers, in a view (`open`, `closed`, `mine`).
    async fn complaints(
        &self,
        actor: &mingchu_domain::access::Actor,
        view: &str,
    ) -> Result<super::ComplaintList, AppError>;
    /// One complaint as `actor` may see it; `NotFound` for an unknown reference, `Forbidden`
    /// for one outside what they cover.
    async fn complaint(
        &self,
        actor: &mingchu_domain::access::Actor,
        reference: &str,
    ) -> Result<super::ComplaintCase, AppError>;
    /// The venues `actor` covers.
    async fn venues(&self, actor: &mingchu_domain::access::Actor) -> Result<Vec<super::VenueListRow>, AppError>;
    /// One venue's desk as `actor` may see it.
    async fn venue(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<super::VenueDesk, AppError>;
    /// The rectification orders on the venues `actor` covers, in a view (`open`, `overdue`,
    /// `closed`).
    async fn orders(&self, actor: &mingchu_domain::access::Actor, view: &str) -> Result<super::OrderList, AppError>;
    /// One order as `actor` may see it.
    async fn order(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<super::OrderCase, AppError>;
    /// The form issuing an order against `venue`; `Forbidden` for whoever may not issue one.
    async fn order_form(&self, actor: &mingchu_domain::access::Actor, venue: i64)
        -> Result<super::OrderForm, AppError>;
    /// The patrol tasks `actor` sees, and what a new one may hold.
    async fn patrols(&self, actor: &mingchu_domain::access::Actor) -> Result<super::PatrolList, AppError>;
    /// One patrol task with its visits.
    async fn patrol(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<super::PatrolTaskView, AppError>;
    /// One visit of a patrol, its checklist worded in `lang`.
    async fn patrol_visit(
        &self,
        actor: &mingchu_domain::access::Actor,
        id: i64,
        lang: crate::i18n::Lang,
    ) -> Result<super::PatrolVisitView, AppError>;
    /// The disputes about the venues `actor` covers.
    async fn disputes(&self, actor: &mingchu_domain::access::Actor) -> Result<Vec<super::DisputeView>, AppError>;
    /// One dispute.
    async fn dispute(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<super::DisputeView, AppError>;
    /// The form disputing a `violation` or a `capture`, for the venue's operator.
    async fn dispute_form(
        &self,
        actor: &mingchu_domain::access::Actor,
        kind: &str,
        id: i64,
    ) -> Result<super::DisputeForm, AppError>;
    /// The key figures `query` asks for, if `actor` may see them.
    async fn kpis(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &super::KpiQuery,
    ) -> Result<super::KpiPage, AppError>;
    /// The service contracts settled to today, if `actor` may see the programme's figures.
    async fn contracts(&self, actor: &mingchu_domain::access::Actor) -> Result<super::Contracts, AppError>;
    /// The annual evaluation report `query` asks for, if `actor` may see it.
    async fn report(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &super::ReportQuery,
    ) -> Result<super::ReportPage, AppError>;
}

pub type SharedConsole = Arc<dyn Console>;

/// The console from context.
pub fn console() -> Result<SharedConsole, AppError> {
    leptos::prelude::use_context::<SharedConsole>().ok_or_else(|| {
        leptos::logging::error!("no Console in context: the server must provide one");
        AppError::Unavailable
    })
}

/// The complaint desk from context.
pub fn desk() -> Result<SharedDesk, AppError> {
    leptos::prelude::use_context::<SharedDesk>().ok_or_else(|| {
        leptos::logging::error!("no ComplaintDesk in context: the server must provide one");
        AppError::Unavailable
    })
}

/// The catalogue from context; missing context is a wiring bug reported as unavailable.
pub fn catalog() -> Result<SharedCatalog, AppError> {
    leptos::prelude::use_context::<SharedCatalog>().ok_or_else(|| {
        leptos::logging::error!("no Catalog in context: the server must provide one");
        AppError::Unavailable
    })
}

/// The one mapping from [`AppError`] to an HTTP status, applied to server-function responses.
pub fn status_for(err: &AppError) -> http::StatusCode {
    // Every kind's status is a valid one (tested in `error`).
    http::StatusCode::from_u16(err.kind().status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// Passes a result through, setting the response status when it is an error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_for(err));
        }
    }
    result
}
