//! WHEP signalling (draft-ietf-wish-whep): the offer goes up in a POST, the answer comes back
//! with the session's URL in `Location`, and a DELETE to that URL ends the session.

use super::refusal::{failed, text, Refusal};
use crate::domain::CameraId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// A session the server accepted.
pub struct Answer {
    pub sdp: String,
    /// Where to DELETE the session, e.g. `https://media-2.example.org/whep/12/sessions/abc`.
    pub location: String,
}

/// Sends the offer for `camera` and returns the server's answer.
pub async fn offer(camera: CameraId, sdp: &str) -> Result<Answer, Refusal> {
    let headers = Headers::new().map_err(failed)?;
    headers.set("Content-Type", "application/sdp").map_err(failed)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(sdp));
    let response = fetch(&format!("/whep/{camera}"), &init).await?;
    match response.status() {
        201 => {
            let location = response
                .headers()
                .get("Location")
                .ok()
                .flatten()
                .ok_or_else(|| Refusal::Failed("201 without a Location".into()))?;
            // Relative to where the offer ended up: a media node may have redirected it (307)
            // to the node that runs the camera, and the session lives there.
            let location =
                web_sys::Url::new_with_base(&location, &response.url()).map(|url| url.href()).unwrap_or(location);
            let sdp = text(&response).await?;
            Ok(Answer { sdp, location })
        }
        _ => Err(Refusal::of(&response).await),
    }
}

/// Ends a session, best effort: `keepalive` lets the request outlive the page when the reader
/// is leaving it, and nothing waits for the outcome.
pub fn delete(location: &str) {
    let init = RequestInit::new();
    init.set_method("DELETE");
    // web-sys has no setter for `keepalive`; it is a plain dictionary member.
    let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    let sent = JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(location, &init));
    // A session the server already dropped (or a network that is gone) needs nothing more;
    // awaiting the request only keeps its failure from being reported as unhandled.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = sent.await;
    });
}

async fn fetch(url: &str, init: &RequestInit) -> Result<Response, Refusal> {
    let promise = leptos::prelude::window().fetch_with_str_and_init(url, init);
    let response = JsFuture::from(promise).await.map_err(failed)?;
    response.dyn_into::<Response>().map_err(failed)
}
