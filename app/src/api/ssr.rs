//! The server side of the server functions: the data source the server must provide.

use super::{SearchPage, VenueDetail, VenueQuery};
use crate::domain::VenueId;
use crate::error::AppError;
use std::sync::Arc;

/// Read access to the public venue catalogue. The server implements it over its database
/// and provides an [`SharedCatalog`] through Leptos context.
#[async_trait::async_trait]
pub trait Catalog: Send + Sync + 'static {
    async fn search_venues(&self, query: &VenueQuery) -> Result<SearchPage, AppError>;
    async fn venue(&self, id: VenueId) -> Result<Option<VenueDetail>, AppError>;
}

pub type SharedCatalog = Arc<dyn Catalog>;

/// The catalogue from context; missing context is a wiring bug reported as unavailable.
pub fn catalog() -> Result<SharedCatalog, AppError> {
    leptos::prelude::use_context::<SharedCatalog>().ok_or_else(|| {
        leptos::logging::error!("no Catalog in context: the server must provide one");
        AppError::Unavailable
    })
}
