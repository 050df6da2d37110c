//! A camera tile for screens on poor uplinks: a fresh still picture every few seconds instead
//! of live video. It reports its state the way [`super::LivePlayer`] does (`data-state`), so
//! a display screen watches both kinds alike.

use super::live_player::{TileCaption, TileOverlay};
use super::PlayerState;
use crate::domain::CameraId;
use leptos::prelude::*;

/// The camera's latest picture, refreshed every [`crate::api::SNAPSHOT_SECONDS`]. A camera
/// that cannot give a new picture shows the offline card rather than an old picture.
#[component]
pub fn SnapshotTile(camera: CameraId, #[prop(into)] name: String, #[prop(into)] area: String) -> impl IntoView {
    let state = RwSignal::new(PlayerState::Connecting);
    let src = RwSignal::new(format!("/api/cameras/{camera}/snapshot.jpg?fresh=1"));
    #[cfg(feature = "hydrate-base")]
    {
        let period = std::time::Duration::from_secs(crate::api::SNAPSHOT_SECONDS.into());
        let next =
            move || src.set(format!("/api/cameras/{camera}/snapshot.jpg?fresh=1&t={}", js_sys::Date::now() as u64));
        if let Ok(handle) = set_interval_with_handle(next, period) {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <figure class="live-tile snapshot-tile" data-live-camera=camera.0 data-state=move || state.get().code()>
            <div class="live-frame">
                <img src=move || src.get() alt=name.clone()
                    on:load=move |_| state.set(PlayerState::Live)
                    on:error=move |_| state.set(PlayerState::Offline)/>
                <TileOverlay state/>
            </div>
            <TileCaption name area/>
        </figure>
    }
}
