//! What the server's refusal of a live stream means, for either way of watching: the WHEP
//! offer and the plain-HTTP stream answer with the same statuses.

use super::timing;
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Why the server gave no stream.
#[derive(Debug)]
pub enum Refusal {
    /// 404: no such camera, or not a public one. Asking again will not help.
    UnknownCamera,
    /// 409: the camera sends a codec browsers cannot play, or 406: this browser offered no
    /// codec the camera sends. Asking again will not help.
    Unplayable,
    /// 503: the camera is offline or still starting; ask again after this long.
    Unavailable(Duration),
    /// Anything else: the network, the server, or an answer the player cannot use.
    Failed(String),
}

impl Refusal {
    /// The refusal a response other than the expected success stands for.
    pub async fn of(response: &Response) -> Refusal {
        match response.status() {
            404 => Refusal::UnknownCamera,
            406 | 409 => Refusal::Unplayable,
            503 => {
                let header = response.headers().get("Retry-After").ok().flatten();
                Refusal::Unavailable(timing::retry_after(header.as_deref()))
            }
            status => Refusal::Failed(format!("{status}: {}", text(response).await.unwrap_or_default())),
        }
    }
}

pub async fn text(response: &Response) -> Result<String, Refusal> {
    let body = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    body.as_string().ok_or_else(|| Refusal::Failed("body is not text".into()))
}

pub fn failed(error: JsValue) -> Refusal {
    Refusal::Failed(format!("{error:?}"))
}
