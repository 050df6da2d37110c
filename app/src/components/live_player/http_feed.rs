//! Live video without WebRTC: `GET /live/{camera}/stream.mp4` read as it arrives and appended
//! to Media Source Extensions (`ManagedMediaSource` where only that exists, as on iPhones).
//! For networks that block UDP and browsers without `RTCPeerConnection`.

use super::dom;
use super::edge;
use super::refusal::{failed, Refusal};
use crate::domain::CameraId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, HtmlVideoElement, MediaSource, ReadableStreamDefaultReader, RequestInit, Response,
    SourceBuffer, Url,
};

/// The constructor of the page's Media Source: the standard one, else Apple's managed one.
fn constructor() -> Option<js_sys::Function> {
    ["MediaSource", "ManagedMediaSource"].into_iter().find_map(|name| {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
    })
}

/// Whether it can play `mime` through them.
fn can_play(mime: &str) -> bool {
    let Some(constructor) = constructor() else { return false };
    js_sys::Reflect::get(&constructor, &JsValue::from_str("isTypeSupported"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&constructor, &JsValue::from_str(mime)).ok())
        .is_some_and(|yes| yes.is_truthy())
}

/// One stream into the tile's video; dropping it stops the download and frees the video.
pub struct Feed {
    abort: AbortController,
    source: MediaSource,
    url: String,
    video: HtmlVideoElement,
}

impl Feed {
    /// A Media Source attached to `video`, not yet fed.
    pub fn new(video: &HtmlVideoElement) -> Result<Feed, JsValue> {
        let constructor = constructor().ok_or_else(|| JsValue::from_str("no Media Source Extensions"))?;
        let source: MediaSource = js_sys::Reflect::construct(&constructor, &js_sys::Array::new())?.unchecked_into();
        let url = Url::create_object_url_with_source(&source)?;
        // A managed source plays only where the video cannot also be cast elsewhere.
        let _ = js_sys::Reflect::set(video, &JsValue::from_str("disableRemotePlayback"), &JsValue::TRUE);
        video.set_src(&url);
        Ok(Feed { abort: AbortController::new()?, source, url, video: video.clone() })
    }

    /// What the asynchronous reading below needs, without borrowing the feed.
    pub fn parts(&self) -> (AbortSignal, MediaSource) {
        (self.abort.signal(), self.source.clone())
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.abort.abort();
        self.video.remove_attribute("src").ok();
        self.video.load();
        Url::revoke_object_url(&self.url).ok();
    }
}

/// Asks for the camera's stream; the answer's body is the stream.
pub async fn request(camera: CameraId, signal: &AbortSignal) -> Result<Response, Refusal> {
    let init = RequestInit::new();
    init.set_signal(Some(signal));
    let promise = leptos::prelude::window().fetch_with_str_and_init(&format!("/live/{camera}/stream.mp4"), &init);
    let response: Response = JsFuture::from(promise).await.map_err(failed)?.dyn_into().map_err(failed)?;
    if response.status() == 200 {
        Ok(response)
    } else {
        Err(Refusal::of(&response).await)
    }
}

/// Reads the stream's body into the Media Source.
pub struct Appender {
    reader: ReadableStreamDefaultReader,
    buffer: SourceBuffer,
    video: HtmlVideoElement,
}

impl Appender {
    /// Opens the source with the codec the server named; `Refusal::Unplayable` when this
    /// browser cannot decode it.
    pub async fn open(
        source: &MediaSource,
        video: &HtmlVideoElement,
        response: &Response,
    ) -> Result<Appender, Refusal> {
        let codec = response.headers().get("X-Video-Codec").ok().flatten().unwrap_or_default();
        let mime = format!("video/mp4; codecs=\"{codec}\"");
        if codec.is_empty() || !can_play(&mime) {
            return Err(Refusal::Unplayable);
        }
        if source.ready_state() != web_sys::MediaSourceReadyState::Open {
            dom::next_event(source.as_ref(), "sourceopen").await;
        }
        let buffer = source.add_source_buffer(&mime).map_err(failed)?;
        let body = response.body().ok_or_else(|| Refusal::Failed("no body".into()))?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        Ok(Appender { reader, buffer, video: video.clone() })
    }

    /// Appends the next piece of the stream; `Ok(false)` when the stream has ended.
    pub async fn next(&self) -> Result<bool, JsValue> {
        let read = JsFuture::from(self.reader.read()).await?;
        if js_sys::Reflect::get(&read, &JsValue::from_str("done"))?.is_truthy() {
            return Ok(false);
        }
        let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&read, &JsValue::from_str("value"))?.dyn_into()?;
        self.settle().await;
        self.buffer.append_buffer_with_array_buffer_view(&chunk)?;
        self.settle().await;
        self.keep_up().await?;
        Ok(true)
    }

    /// Waits until the buffer has taken in what it was given.
    async fn settle(&self) {
        while self.buffer.updating() {
            dom::next_event(self.buffer.as_ref(), "updateend").await;
        }
    }

    /// Stays at the live edge and frees what was played long ago ([`edge::plan`]).
    async fn keep_up(&self) -> Result<(), JsValue> {
        let ranges = self.buffer.buffered()?;
        let buffered = match ranges.length() {
            0 => None,
            n => Some((ranges.start(0)?, ranges.end(n - 1)?)),
        };
        let plan = edge::plan(buffered, self.video.current_time());
        if let Some(at) = plan.seek {
            self.video.set_current_time(at);
            // Autoplay of a muted video is allowed; the promise only says when it starts.
            if let Ok(started) = self.video.play() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(started).await;
                });
            }
        }
        if let Some((from, to)) = plan.remove {
            self.buffer.remove(from, to)?;
            self.settle().await;
        }
        Ok(())
    }
}
