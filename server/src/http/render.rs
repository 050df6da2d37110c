//! Rendering pages outside the router's own routes: the context every page render gets, and a
//! page rendered again for a refused form, with what was typed, at the form's status.

use crate::state::AppState;
use app::api::ssr::{SharedCatalog, SharedConsole, SharedDesk};
use app::api::Visitor;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

/// What every page render gets in context: the catalogue, the complaint desk, the console.
pub fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let catalog: SharedCatalog = state.catalog.clone();
    let desk: SharedDesk = std::sync::Arc::new(state.complaints.clone());
    let console: SharedConsole = std::sync::Arc::new(state.console());
    move || {
        provide_context(catalog.clone());
        provide_context(desk.clone());
        provide_context(console.clone());
    }
}

/// Renders the page at `path` for the reader of `headers` (their cookies, language and host),
/// with `extra` context (an echo of the refused form) and, for workspace pages, the visitor.
pub async fn page_again(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    extra: impl Fn() + Clone + Send + Sync + 'static,
    visitor: Option<Visitor>,
) -> Response {
    let base = page_context(state);
    let (leptos, site) = (state.leptos.clone(), state.assets.clone());
    let render = leptos_axum::render_app_async_with_context(
        move || {
            base();
            extra();
        },
        move || app::shell(leptos.clone(), site.clone()),
    );
    let mut request = Request::builder().uri(path);
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE, header::HOST] {
        for value in headers.get_all(&name) {
            request = request.header(&name, value);
        }
    }
    let mut request = request.body(Body::empty()).expect("a valid request");
    if let Some(visitor) = visitor {
        request.extensions_mut().insert(visitor);
    }
    let mut response = render(request).await.into_response();
    *response.status_mut() = status;
    response
}
