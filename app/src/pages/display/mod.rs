//! A display screen in a venue's dining room: the kitchen cameras 24/7 with the venue's name,
//! licence, grade and a QR code to its public page. Opened once at `/display/<secret>` on an
//! unattended screen, it must look after itself: tiles reconnect on their own, the page sends
//! heartbeats and reloads itself when something is stuck (see `agent`).

#[cfg(feature = "hydrate-base")]
mod agent;
mod layout;
#[cfg(any(feature = "hydrate-base", test))]
mod watch;

use crate::api::{get_display, DisplayView, Licence};
use crate::components::{GradeFace, LivePlayer, SnapshotTile};
use crate::error::AppError;
use crate::i18n::use_lang;
use layout::GridLayout;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// Reloads a screen whose WebAssembly never started (say the server went away while the page
/// loaded), but only once the server answers again, so it never reloads onto an error page.
const HYDRATION_WATCHDOG: &str = "(function w(){setTimeout(function(){\
if(document.body.hasAttribute('data-hydrated'))return;\
fetch('/healthz',{cache:'no-store'}).then(function(r){r.ok?location.reload():w()},w)},60000)})()";

/// Seconds before a screen whose page could not be built asks again (the server may be
/// restarting): an unattended screen must never stay on an error.
const RETRY_PAGE_SECONDS: u32 = 30;

#[component]
pub fn DisplayPage() -> impl IntoView {
    let tr = use_lang().tr();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let screen = Resource::new(token, get_display);
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=move || view! { <div class="display display-message"><p>{tr.loading}</p></div> }>
            {move || screen.get().map(|result| match result {
                Ok(view) => view! { <Title text=view.venue.name.clone()/> <Screen view token=token()/> }.into_any(),
                Err(AppError::NotFound) => {
                    super::set_not_found_status();
                    view! {
                    <Title text=tr.site_name/>
                    <div class="display display-message" role="alert"><p>{tr.display_not_found}</p></div>
                }.into_any()
                }
                Err(_) => view! {
                    <Meta http_equiv="refresh" content=RETRY_PAGE_SECONDS.to_string()/>
                    <div class="display display-message" role="alert"><p>{tr.error_unavailable}</p></div>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// An island: the whole screen runs in the browser (tiles, heartbeat, rotation, recovery).
#[cfg_attr(feature = "island-display", island)]
#[cfg_attr(not(feature = "island-display"), component)]
fn Screen(view: DisplayView, token: String) -> impl IntoView {
    let tr = use_lang().tr();
    let v = view;
    let layout = GridLayout::for_cameras(v.cameras.len(), v.promote_seconds);
    let promoted = RwSignal::new(0usize);
    #[cfg(feature = "hydrate-base")]
    agent::start(token, promoted, v.cameras.len(), v.promote_seconds);
    #[cfg(not(feature = "hydrate-base"))]
    let _ = token;
    let low_bandwidth = v.low_bandwidth;
    let tiles = v
        .cameras
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let class = move || {
                if layout.promotes() && promoted.get() == i {
                    "display-tile promoted"
                } else {
                    "display-tile"
                }
            };
            let area = use_lang().kitchen_area(c.area).to_string();
            let tile = if low_bandwidth {
                view! { <SnapshotTile camera=c.id name=c.name area/> }.into_any()
            } else {
                view! { <LivePlayer camera=c.id name=c.name area/> }.into_any()
            };
            view! { <div class=class>{tile}</div> }
        })
        .collect_view();
    let empty = layout.is_empty().then(|| view! { <p class="display-empty">{tr.display_no_cameras}</p> });
    view! {
        <div class="display" data-screen=v.screen.0 data-venue-id=v.venue.id.0 data-low-bandwidth=low_bandwidth.to_string()>
            <header class="display-header">
                <div class="display-venue">
                    <h1 class="display-name">{v.venue.name.clone()}</h1>
                    <LicenceLine licence=v.licence/>
                </div>
                <GradeFace grade=v.venue.dynamic_grade/>
                <figure class="display-qr">
                    <img src=format!("/api/venues/{}/qr.svg", v.venue.id.0) alt=tr.display_scan width="200" height="200"/>
                    <figcaption>{tr.display_scan}</figcaption>
                </figure>
            </header>
            <div class=layout.class() style=layout.style()>{tiles}{empty}</div>
            <script nonce=leptos::nonce::use_nonce() inner_html=HYDRATION_WATCHDOG></script>
        </div>
    }
}

#[component]
fn LicenceLine(licence: Option<Licence>) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    match licence {
        Some(l) => view! {
            <p class="display-licence">
                {tr.licence_number} " " <span class="licence-number">{l.number}</span>
                " · " {tr.valid_until} " " {l.valid_until} " "
                <span class=format!("validity validity-{:?}", l.validity).to_lowercase()>{lang.licence_validity(l.validity)}</span>
            </p>
        }
        .into_any(),
        None => view! { <p class="display-licence">{tr.no_licence}</p> }.into_any(),
    }
}
