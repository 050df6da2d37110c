//! What every request handler can reach.

use crate::db::Db;
use crate::http::metrics::Metrics;
use crate::media::Media;
use app::api::ssr::SharedCatalog;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub db: Db,
    pub catalog: SharedCatalog,
    pub metrics: Arc<Metrics>,
    pub media: Media,
}

impl AppState {
    pub fn new(leptos: LeptosOptions, db: Db, media: Media) -> AppState {
        AppState { leptos, catalog: Arc::new(db.clone()), db, metrics: Arc::new(Metrics::new()), media }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
