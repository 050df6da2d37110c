//! What every request handler can reach.

use crate::db::Db;
use crate::http::metrics::Metrics;
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
}

impl AppState {
    pub fn new(leptos: LeptosOptions, db: Db) -> AppState {
        AppState { leptos, catalog: Arc::new(db.clone()), db, metrics: Arc::new(Metrics::new()) }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
