//! The Mingchu web application: pages, components and server functions, rendered on the
//! server (`ssr`) and hydrated in the browser (`hydrate`).
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod components;
/// The shared vocabulary (IDs, closed sets of values) lives in the domain crate.
pub use mingchu_domain::vocab as domain;
pub mod error;
mod geo;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The Content-Security-Policy of every page: scripts only from this site or inline with this
/// response's nonce (the hydration script, streamed resources), WebAssembly allowed; inline
/// style attributes are allowed (layouts set grid sizes), plugins and framing are not.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document around the app, rendered on the server only. It links the stylesheet and
/// the bundle of this page's islands, if it has any (see [`assets::Bundle::for_path`]).
pub fn shell(options: LeptosOptions, assets: assets::SiteAssets) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    #[cfg(feature = "ssr")]
    let path = use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_string()).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let path = String::new();
    let bundle = assets::Bundle::for_path(&path).and_then(|b| assets.bundle(b)).map(|name| {
        let mut options = options.clone();
        options.output_name = name.into();
        options
    });
    // Nothing to hydrate: the page is as interactive as it gets once it has loaded.
    let hydrated = bundle.is_none().then_some("true");
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, assets.stylesheet);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                // The stylesheet has a content-hashed name; the shell is never hydrated.
                // `id="leptos"` is where cargo-leptos's watch mode swaps in a fresh stylesheet.
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                {bundle.map(|options| view! { <HydrationScripts options islands=true/> })}
                <MetaTags/>
            </head>
            <body data-hydrated=hydrated>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::request_lang();
    provide_context(lang);
    let tr = lang.tr();

    view! {
        <Html attr:lang=lang.tag()/>
        <Title formatter=move |page: String| {
            if page.is_empty() { tr.site_name.to_string() } else { format!("{page} · {}", tr.site_name) }
        }/>
        <Meta name="description" content=tr.tagline/>
        <Meta name="theme-color" content="#0b6e4f"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <components::SiteHeader/>
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("") view=pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/venues/:id") view=pages::VenuePage ssr=SsrMode::Async/>
                    <Route path=path!("/programme") view=pages::ProgrammePage ssr=SsrMode::Async/>
                    <Route path=path!("/display/:token") view=pages::DisplayPage ssr=SsrMode::Async/>
                    <Route path=path!("/complaints") view=pages::ComplaintsHome ssr=SsrMode::Async/>
                    <Route path=path!("/complaints/new") view=pages::NewComplaintPage ssr=SsrMode::Async/>
                    <Route path=path!("/complaints/submit") view=pages::NewComplaintPage ssr=SsrMode::Async/>
                    <Route path=path!("/complaints/:reference") view=pages::ComplaintPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/login") view=pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password/:secret") view=pages::PasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/console") view=pages::ConsolePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/captures") view=pages::CapturesPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/inbox") view=pages::InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/kpis") view=pages::KpisPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/contracts") view=pages::ContractsPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/report") view=pages::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/complaints") view=pages::ComplaintDeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/venues") view=pages::VenueListPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/venues/:id") view=pages::VenueDeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/cameras/:id/timeline") view=pages::TimelinePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/complaints/:reference") view=pages::ComplaintCasePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/orders") view=pages::OrderListPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/orders/new") view=pages::NewOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/orders/:id") view=pages::OrderCasePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/orders/:id/print") view=pages::OrderPrintPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/patrols") view=pages::PatrolListPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/disputes") view=pages::DisputeListPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/disputes/new") view=pages::NewDisputePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/disputes/:id") view=pages::DisputeCasePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/patrols/:id") view=pages::PatrolTaskPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/patrols/visits/:id") view=pages::PatrolVisitPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <components::SiteFooter/>
        </Router>
        <HydrationMark/>
    }
}

/// Marks the body once the page's islands are hydrated, so tests (and curious users) can tell
/// that the WebAssembly has taken over. Islands hydrate in document order and this one is last.
#[island]
fn HydrationMark() -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The browser entry point: hydrates the page's islands (the rest stays server HTML).
#[cfg(feature = "hydrate-base")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
