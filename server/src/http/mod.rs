//! The HTTP surface: Leptos pages and server functions, static assets, health, metrics.

mod account;
mod analysis;
mod api_auth;
mod api_v1;
pub mod assets;
mod cameras;
mod complaint_feedback;
mod complaints;
mod console_complaints;
mod console_contracts;
mod console_disputes;
mod console_inbox;
mod console_orders;
mod console_patrols;
mod console_review;
mod console_venues;
pub(crate) mod display;
pub mod error;
mod extract;
mod health;
mod kpis;
mod lang;
mod live_mp4;
mod media_error;
pub mod metrics;
mod open311;
pub mod open_data;
mod page_votes;
mod pictures;
mod placement;
mod recordings;
mod refusals;
mod render;
mod report;
mod security;
pub mod serve;
mod server_fn_status;
mod whep;

use crate::state::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::convert::Infallible;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// The whole application. Tests call this with their own state and serve it on port 0.
pub fn router(state: AppState) -> Router {
    let context = render::page_context(&state);
    let routes = generate_route_list(App);
    let leptos = state.leptos.clone();
    let site = state.assets.clone();
    let https = state.public_url.as_ref().is_some_and(|u| u.scheme() == "https");

    let not_found = {
        let render = leptos_axum::render_app_to_stream_with_context(context.clone(), {
            let (leptos, site) = (leptos.clone(), site.clone());
            move || shell(leptos.clone(), site.clone())
        });
        tower::service_fn(move |req| {
            let render = render.clone();
            async move { Ok::<_, Infallible>(render(req).await) }
        })
    };
    // Built assets: the brotli/gzip files written by the build when the client takes them.
    let assets = assets::cached(
        ServeDir::new(&*leptos.site_root).precompressed_br().precompressed_gzip().not_found_service(not_found),
    );

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::scrape))
        .route("/lang/{code}", get(lang::switch))
        .merge(api_v1::routes())
        .merge(open_data::routes())
        .merge(cameras::routes())
        .merge(display::routes())
        .merge(analysis::routes())
        .merge(whep::routes())
        .merge(complaints::routes())
        .merge(complaint_feedback::routes())
        .merge(open311::routes())
        .merge(account::routes())
        .merge(console_review::routes())
        .merge(console_inbox::routes())
        .merge(console_complaints::routes())
        .merge(console_venues::routes())
        .merge(console_orders::routes())
        .merge(console_patrols::routes())
        .merge(console_disputes::routes())
        .merge(kpis::routes())
        .merge(console_contracts::routes())
        .merge(report::routes())
        .merge(page_votes::routes())
        .merge(recordings::routes())
        .merge(live_mp4::routes())
        .leptos_routes_with_context(&state, routes, context, {
            let (leptos, site) = (leptos.clone(), site.clone());
            move || shell(leptos.clone(), site.clone())
        })
        .fallback_service(assets)
        .layer(axum::middleware::from_fn_with_state(state.clone(), account::visitor))
        .layer(axum::middleware::from_fn(server_fn_status::fix_status))
        .layer(axum::middleware::from_fn_with_state(security::Https(https), security::headers))
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
