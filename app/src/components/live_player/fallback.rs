//! Remembering, for the rest of the tab's visit, that WebRTC does not get through here (UDP
//! blocked, or no `RTCPeerConnection`), so that the next tile and the next page go straight to
//! plain HTTP instead of waiting for WebRTC to fail again.

use std::cell::Cell;

const KEY: &str = "mingchu.live.webrtc";

thread_local! {
    static BLOCKED: Cell<bool> = const { Cell::new(false) };
}

fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}

/// Whether WebRTC failed earlier in this tab.
pub fn webrtc_blocked() -> bool {
    BLOCKED.get() || storage().and_then(|s| s.get_item(KEY).ok().flatten()).as_deref() == Some("blocked")
}

/// Notes that WebRTC failed.
pub fn note_webrtc_blocked() {
    BLOCKED.set(true);
    if let Some(storage) = storage() {
        // Private browsing may refuse storage: the page still remembers for itself.
        let _ = storage.set_item(KEY, "blocked");
    }
}
