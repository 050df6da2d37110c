//! The timeline page's video with its controls: the browser's own player (which works before
//! and without the script), and, once the island runs, 1×/2×/4×, a step of one frame back or
//! forward, and a still of exactly the frame shown, saved as PNG and named by the camera and
//! the frame's time on the server's clock.

use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;

/// A step of one frame at the cameras' usual 25 frames per second.
const FRAME: f64 = 0.04;

#[cfg_attr(feature = "island-playback", island)]
#[cfg_attr(not(feature = "island-playback"), component)]
pub fn TimelineVideo(
    camera: i64,
    src: String,
    /// Where playback starts and where the moment lies, in seconds of the video.
    play_from: f64,
    at_second: f64,
    /// The first picture's time on the server's clock, milliseconds since 1970.
    starts_ms: f64,
) -> impl IntoView {
    let lang = use_lang();
    let video = NodeRef::<leptos::html::Video>::new();
    let rate = RwSignal::new(1.0_f64);
    let set_rate = move |r: f64| {
        rate.set(r);
        if let Some(v) = video.get_untracked() {
            v.set_playback_rate(r);
        }
    };
    let step = move |by: f64| {
        if let Some(v) = video.get_untracked() {
            let _ = v.pause();
            v.set_current_time((v.current_time() + by).max(0.0));
        }
    };
    let still = move |_| {
        #[cfg(feature = "hydrate-base")]
        if let Some(v) = video.get_untracked() {
            if let Err(e) = save_still(&v, camera, starts_ms) {
                leptos::logging::warn!("camera {camera}: no still: {e:?}");
            }
        }
        #[cfg(not(feature = "hydrate-base"))]
        let _ = (camera, starts_ms);
    };
    let rates = [1.0, 2.0, 4.0].map(|r| {
        view! {
            <button type="button" class="timeline-rate" data-rate=r aria-pressed=move || (rate.get() == r).to_string()
                on:click=move |_| set_rate(r)>{format!("{r}×")}</button>
        }
    });
    view! {
        <video node_ref=video controls=true playsinline=true muted=true preload="auto"
            src=format!("{src}#t={play_from:.1}") data-at-second=format!("{at_second:.1}")
            data-play-from=format!("{play_from:.1}")></video>
        <div class="timeline-controls" role="group" aria-label=labels(lang).0>
            {rates}
            <button type="button" class="timeline-frame-back" on:click=move |_| step(-FRAME)>{labels(lang).1}</button>
            <button type="button" class="timeline-frame-on" on:click=move |_| step(FRAME)>{labels(lang).2}</button>
            <button type="button" class="timeline-still" on:click=still>{labels(lang).3}</button>
        </div>
    }
}

fn labels(lang: Lang) -> (&'static str, &'static str, &'static str, &'static str) {
    (
        t(lang, "播放控制", "Playback"),
        t(lang, "◀ 上一帧", "◀ Frame"),
        t(lang, "下一帧 ▶", "Frame ▶"),
        t(lang, "保存此画面", "Save this frame"),
    )
}

/// Draws the frame on screen into a canvas and downloads it as PNG.
#[cfg(feature = "hydrate-base")]
fn save_still(video: &web_sys::HtmlVideoElement, camera: i64, starts_ms: f64) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let document = document();
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.unchecked_into();
    canvas.set_width(video.video_width());
    canvas.set_height(video.video_height());
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| wasm_bindgen::JsValue::from_str("no 2d context"))?.unchecked_into();
    context.draw_image_with_html_video_element(video, 0.0, 0.0)?;
    let taken = js_sys::Date::new(&(starts_ms + video.current_time() * 1000.0).into());
    // 2026-12-03T08:33:24.120Z → 20261203T083324.120Z, a name every file system takes.
    let stamp: String = String::from(taken.to_iso_string()).chars().filter(|c| *c != '-' && *c != ':').collect();
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&canvas.to_data_url_with_type("image/png")?);
    link.set_download(&format!("camera-{camera}-{stamp}.png"));
    link.click();
    Ok(())
}
