//! What every request handler can reach.

use crate::db::Db;
use crate::http::metrics::Metrics;
use app::api::ssr::SharedCatalog;
use app::assets::SiteAssets;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use mingchu_media::Media;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    /// The built stylesheet and bundles the pages link.
    pub assets: SiteAssets,
    pub db: Db,
    pub catalog: SharedCatalog,
    pub metrics: Arc<Metrics>,
    pub media: Media,
    /// The portal's public address, for QR codes; `None`: from each request's Host header.
    pub public_url: Option<url::Url>,
    /// Identifies the web build served (see [`build_id`]).
    pub build: Arc<str>,
    /// Frame analysis, when running (for `/metrics`).
    pub analysis: Option<mingchu_analysis::Analysis>,
    /// The bearer token of the admin API; `None`: the admin API refuses every request.
    pub admin_token: Option<Arc<str>>,
    /// The workspace's sign-in (sessions, login limits, CSRF).
    pub accounts: crate::accounts::Accounts,
    /// The complaint desk (form tokens, submissions, photos).
    pub complaints: crate::complaints::Complaints,
    /// Who a request comes from (the peer, or a proxy's header).
    pub client_addr: crate::client_addr::ClientAddr,
    /// The LIVES feeds, built at most once per few minutes.
    pub open_data: Arc<crate::http::open_data::FeedCache>,
    /// Complaint uploads that may be received at once.
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Who runs the portal (Open311 discovery's contact).
    pub operator_contact: Arc<str>,
    /// Wakes the webhook sender when a notice was queued.
    pub push: crate::push::Wake,
    /// Recorded video and its signed playback links; `None` in tests that build no recorder.
    pub playback: Option<crate::playback::Playback>,
    /// Viewers that may watch over plain HTTP (the non-WebRTC fallback) at once.
    pub live_http: Arc<tokio::sync::Semaphore>,
    /// This server as one of several media nodes (`serve --node`); `None`: the only server.
    pub nodes: Option<crate::nodes::Nodes>,
}

impl AppState {
    pub fn new(
        leptos: LeptosOptions,
        assets: SiteAssets,
        db: Db,
        media: Media,
        complaints: crate::complaints::Complaints,
        public_url: Option<url::Url>,
    ) -> AppState {
        let build = build_id(std::path::Path::new(&*leptos.site_root), &assets).into();
        let accounts = crate::accounts::Accounts::with_random_key(db.clone());
        AppState {
            leptos,
            assets,
            catalog: Arc::new(db.clone()),
            db,
            metrics: Arc::new(Metrics::new()),
            media,
            public_url,
            build,
            analysis: None,
            admin_token: None,
            accounts,
            complaints,
            client_addr: Default::default(),
            operator_contact: "12315".into(),
            uploads: Arc::new(tokio::sync::Semaphore::new(64)),
            open_data: Arc::default(),
            push: Default::default(),
            playback: None,
            live_http: Arc::new(tokio::sync::Semaphore::new(200)),
            nodes: None,
        }
    }
}

/// Identifies the web build served, with the server's version: display screens reload when it
/// changes, so a deployment reaches unattended screens without anyone touching them. Built
/// files' names carry their content hash; an unhashed bundle (`cargo leptos`) is told apart by
/// its size and modification time.
pub fn build_id(site_root: &std::path::Path, assets: &SiteAssets) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    for name in assets.names() {
        name.hash(&mut hasher);
    }
    let display = assets.bundle(app::assets::Bundle::Display).unwrap_or(crate::http::assets::UNHASHED_NAME);
    if let Ok(meta) = std::fs::metadata(site_root.join("pkg").join(format!("{display}.wasm"))) {
        meta.len().hash(&mut hasher);
        meta.modified().ok().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

impl AppState {
    /// The console's data for pages.
    pub fn console(&self) -> crate::console::ConsoleData {
        crate::console::ConsoleData {
            db: self.db.clone(),
            public_url: self.public_url.clone(),
            playback: self.playback.clone(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
