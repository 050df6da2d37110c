//! WHEP signalling (draft-ietf-wish-whep): the offer goes up in a POST, the answer comes back
//! with the session's URL in `Location`, and a DELETE to that URL ends the session.

use super::timing;
use crate::domain::CameraId;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// A session the server accepted.
pub struct Answer {
    pub sdp: String,
    /// Where to DELETE the session, e.g. `/whep/12/sessions/abc`.
    pub location: String,
}

/// Why the server gave no session.
#[derive(Debug)]
pub enum WhepError {
    /// 404: no such camera, or not a public one. Asking again will not help.
    UnknownCamera,
    /// 409: the camera sends a codec browsers cannot play, or 406: this browser offered no
    /// codec the camera sends. Asking again will not help.
    Unplayable,
    /// 503: the camera is offline or still starting; ask again after this long.
    Unavailable(Duration),
    /// Anything else: the network, the server, or an answer without a session URL.
    Failed(String),
}

/// Sends the offer for `camera` and returns the server's answer.
pub async fn offer(camera: CameraId, sdp: &str) -> Result<Answer, WhepError> {
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
                .ok_or_else(|| WhepError::Failed("201 without a Location".into()))?;
            let sdp = text(&response).await?;
            Ok(Answer { sdp, location })
        }
        404 => Err(WhepError::UnknownCamera),
        406 | 409 => Err(WhepError::Unplayable),
        503 => {
            let header = response.headers().get("Retry-After").ok().flatten();
            Err(WhepError::Unavailable(timing::retry_after(header.as_deref())))
        }
        status => Err(WhepError::Failed(format!("{status}: {}", text(&response).await.unwrap_or_default()))),
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

async fn fetch(url: &str, init: &RequestInit) -> Result<Response, WhepError> {
    let promise = leptos::prelude::window().fetch_with_str_and_init(url, init);
    let response = JsFuture::from(promise).await.map_err(failed)?;
    response.dyn_into::<Response>().map_err(failed)
}

async fn text(response: &Response) -> Result<String, WhepError> {
    let body = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    body.as_string().ok_or_else(|| WhepError::Failed("body is not text".into()))
}

fn failed(error: JsValue) -> WhepError {
    WhepError::Failed(format!("{error:?}"))
}
