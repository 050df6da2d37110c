//! A live kitchen camera tile. The server renders it with the camera's latest snapshot as the
//! poster; in the browser it plays the camera over WebRTC, asking for the stream with WHEP
//! (`POST /whep/{camera}`), reconnects on its own, and stops streaming while the tab is hidden
//! or the tile is off-screen. Where WebRTC cannot get through (UDP blocked, no
//! `RTCPeerConnection`), it plays the same camera as a fragmented MP4 stream over plain HTTP
//! (`GET /live/{camera}/stream.mp4`) through Media Source Extensions, and says so.

#[cfg(feature = "hydrate-base")]
mod dom;
#[cfg(any(feature = "hydrate-base", test))]
mod edge;
#[cfg(feature = "hydrate-base")]
mod fallback;
#[cfg(feature = "hydrate-base")]
mod http_feed;
#[cfg(feature = "hydrate-base")]
mod peer;
#[cfg(feature = "hydrate-base")]
mod player;
#[cfg(feature = "hydrate-base")]
mod refusal;
#[cfg(any(feature = "hydrate-base", test))]
mod timing;
#[cfg(feature = "hydrate-base")]
mod whep;

use crate::domain::CameraId;
use crate::i18n::{use_lang, Tr};
use leptos::prelude::*;

/// What the tile is doing, shown in its badge and as `data-state` for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayerState {
    /// Asking the server for the stream (also what the server renders).
    Connecting,
    /// Frames are playing.
    Live,
    /// The camera is unknown, offline or not started yet.
    Offline,
    /// The connection dropped or failed; trying again after a pause.
    Reconnecting,
    /// The camera's codec cannot be played in browsers.
    Unplayable,
    /// Not streaming because the tab is hidden or the tile is off-screen.
    Paused,
}

impl PlayerState {
    pub fn code(self) -> &'static str {
        match self {
            PlayerState::Connecting => "connecting",
            PlayerState::Live => "live",
            PlayerState::Offline => "offline",
            PlayerState::Reconnecting => "reconnecting",
            PlayerState::Unplayable => "unplayable",
            PlayerState::Paused => "paused",
        }
    }

    pub fn label(self, tr: &Tr) -> &'static str {
        match self {
            PlayerState::Connecting => tr.live_connecting,
            PlayerState::Live => tr.live_playing,
            PlayerState::Offline => tr.live_offline,
            PlayerState::Reconnecting => tr.live_reconnecting,
            PlayerState::Unplayable => tr.live_unplayable,
            PlayerState::Paused => tr.live_paused,
        }
    }
}

/// How the tile receives the picture, shown beside the badge and as `data-transport`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// WebRTC through the SFU: the lowest latency (also what the server renders).
    WebRtc,
    /// Fragmented MP4 over plain HTTP: for networks and browsers WebRTC cannot reach.
    // Chosen only by the browser's player.
    #[cfg_attr(not(feature = "hydrate-base"), allow(dead_code))]
    Http,
}

impl Transport {
    pub fn code(self) -> &'static str {
        match self {
            Transport::WebRtc => "webrtc",
            Transport::Http => "http",
        }
    }

    pub fn label(self, tr: &Tr) -> &'static str {
        match self {
            Transport::WebRtc => tr.live_via_webrtc,
            Transport::Http => tr.live_via_http,
        }
    }
}

/// One camera's live picture with its name, kitchen area and a state badge.
#[cfg_attr(feature = "island-live", island)]
#[cfg_attr(not(feature = "island-live"), component)]
pub fn LivePlayer(camera: CameraId, #[prop(into)] name: String, #[prop(into)] area: String) -> impl IntoView {
    let tr = use_lang().tr();
    let state = RwSignal::new(PlayerState::Connecting);
    let transport = RwSignal::new(Transport::WebRtc);
    let tile = NodeRef::<leptos::html::Figure>::new();
    let video = NodeRef::<leptos::html::Video>::new();
    #[cfg(feature = "hydrate-base")]
    player::attach(camera, tile, video, state, transport);

    view! {
        <figure class="live-tile" node_ref=tile data-live-camera=camera.0 data-state=move || state.get().code()
            data-transport=move || transport.get().code()>
            <div class="live-frame">
                <video node_ref=video autoplay=true muted=true playsinline=true aria-label=name.clone()
                    poster=format!("/api/cameras/{camera}/snapshot.jpg")></video>
                <TileOverlay state/>
                <span class="live-via">{move || transport.get().label(tr)}</span>
            </div>
            <TileCaption name area/>
        </figure>
    }
}

/// A tile's state badge, and the card the stylesheet shows over the picture while the camera
/// is offline or being reconnected.
#[component]
pub(crate) fn TileOverlay(state: RwSignal<PlayerState>) -> impl IntoView {
    let tr = use_lang().tr();
    view! {
        <span class=move || format!("live-badge live-badge-{}", state.get().code()) role="status">
            {move || state.get().label(tr)}
        </span>
        <div class="live-card" aria-hidden="true">{tr.live_offline_card}</div>
    }
}

/// A tile's camera name and kitchen area.
#[component]
pub(crate) fn TileCaption(name: String, area: String) -> impl IntoView {
    view! {
        <figcaption>
            <span class="live-name">{name}</span>
            <span class="live-area">{area}</span>
        </figcaption>
    }
}

#[cfg(test)]
mod tests {
    use super::PlayerState::*;
    use crate::i18n::{EN, ZH};

    #[test]
    fn each_state_has_its_own_code_and_label_in_both_languages() {
        let states = [Connecting, Live, Offline, Reconnecting, Unplayable, Paused];
        let codes: Vec<&str> = states.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["connecting", "live", "offline", "reconnecting", "unplayable", "paused"]);
        for tr in [&ZH, &EN] {
            let mut labels: Vec<&str> = states.iter().map(|s| s.label(tr)).collect();
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), states.len());
        }
        assert_eq!(Live.label(&ZH), "直播中");
        assert_eq!(Unplayable.label(&EN), "Codec not playable in this browser");
    }

    #[test]
    fn each_transport_is_named_in_both_languages() {
        use super::Transport::*;
        assert_eq!([WebRtc.code(), Http.code()], ["webrtc", "http"]);
        for tr in [&ZH, &EN] {
            assert_ne!(WebRtc.label(tr), Http.label(tr));
        }
    }
}
