//! The screen's caretaker in the browser: turns the promoted camera, sends a heartbeat every
//! [`HEARTBEAT_SECONDS`], and reloads the page when [`Watch`] says so. A reload only ever
//! follows a heartbeat the server answered, so the screen never reloads onto an error page.

use super::watch::{TileStatus, Verdict, Watch};
use crate::api::{HeartbeatReply, ScreenReport, HEARTBEAT_SECONDS};
use crate::domain::CameraId;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Headers, RequestInit, Response};

/// The first heartbeat goes soon after the page starts, so the screen shows as online at once.
const FIRST_HEARTBEAT: Duration = Duration::from_secs(3);

pub fn start(token: String, promoted: RwSignal<usize>, cameras: usize, promote_seconds: u32) {
    let mut intervals = Vec::new();
    if cameras >= 3 && promote_seconds > 0 {
        let turn = move || promoted.update(|p| *p = (*p + 1) % cameras);
        intervals.extend(set_interval_with_handle(turn, Duration::from_secs(promote_seconds.into())).ok());
    }
    let watch = Rc::new(RefCell::new(Watch::default()));
    let started = js_sys::Date::now();
    let beat = move || {
        let (token, watch) = (token.clone(), watch.clone());
        leptos::task::spawn_local(async move {
            if let Err(e) = heartbeat(&token, &watch, started).await {
                leptos::logging::warn!("display heartbeat: {e}");
            }
        });
    };
    let first = set_timeout_with_handle(beat.clone(), FIRST_HEARTBEAT).ok();
    intervals.extend(set_interval_with_handle(beat, Duration::from_secs(HEARTBEAT_SECONDS.into())).ok());
    on_cleanup(move || {
        first.into_iter().for_each(|h| h.clear());
        intervals.into_iter().for_each(|h| h.clear());
    });
}

async fn heartbeat(token: &str, watch: &RefCell<Watch>, started: f64) -> Result<(), String> {
    let tiles = tile_statuses();
    let uptime = Duration::from_millis(((js_sys::Date::now() - started).max(0.0)) as u64);
    let report = ScreenReport {
        tiles: tiles.len() as u32,
        live: tiles.iter().filter(|t| t.live).count() as u32,
        heap_bytes: js_heap_bytes(),
        uptime_s: Some(uptime.as_secs()),
    };
    let reply = post(&format!("/api/display/{token}/heartbeat"), &report).await?;
    let verdict = watch.borrow_mut().observe(&reply, &tiles, uptime);
    if let Verdict::Reload(why) = verdict {
        leptos::logging::warn!("display: reloading ({why})");
        let _ = window().location().reload();
    }
    Ok(())
}

/// The camera tiles on the page and whether each shows a picture (their `data-state`).
fn tile_statuses() -> Vec<TileStatus> {
    let Ok(nodes) = document().query_selector_all(".display .live-tile") else { return Vec::new() };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|el| {
            let camera = el.get_attribute("data-live-camera")?.parse().ok().map(CameraId)?;
            Some(TileStatus { camera, live: el.get_attribute("data-state").as_deref() == Some("live") })
        })
        .collect()
}

/// `performance.memory.usedJSHeapSize` where the browser has it (Chromium).
fn js_heap_bytes() -> Option<u64> {
    let performance = js_sys::Reflect::get(&window(), &JsValue::from_str("performance")).ok()?;
    let memory = js_sys::Reflect::get(&performance, &JsValue::from_str("memory")).ok()?;
    let used = js_sys::Reflect::get(&memory, &JsValue::from_str("usedJSHeapSize")).ok()?.as_f64()?;
    Some(used as u64)
}

async fn post(url: &str, report: &ScreenReport) -> Result<HeartbeatReply, String> {
    let body = serde_json::to_string(report).map_err(|e| e.to_string())?;
    let headers = Headers::new().map_err(|e| format!("{e:?}"))?;
    headers.set("Content-Type", "application/json").map_err(|e| format!("{e:?}"))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let response = JsFuture::from(window().fetch_with_str_and_init(url, &init)).await.map_err(|e| format!("{e:?}"))?;
    let response: Response = response.dyn_into().map_err(|e| format!("{e:?}"))?;
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    let text = text.as_string().unwrap_or_default();
    if !response.ok() {
        return Err(format!("{}: {text}", response.status()));
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}
