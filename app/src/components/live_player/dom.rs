//! Browser hooks that undo themselves when dropped, so tearing the player down is dropping
//! what it holds.

use leptos::prelude::{set_interval_with_handle, set_timeout_with_handle, IntervalHandle, TimeoutHandle};
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, Event, EventTarget, IntersectionObserver, IntersectionObserverEntry};

/// An event listener, removed on drop.
pub struct Listener {
    target: EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub fn new(target: &EventTarget, event: &'static str, callback: impl FnMut(Event) + 'static) -> Listener {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
        let _ = target.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        Listener { target: target.clone(), event, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.event, self.callback.as_ref().unchecked_ref());
    }
}

/// A pending timeout or a repeating interval, cancelled on drop.
pub enum Timer {
    Once(TimeoutHandle),
    Every(IntervalHandle),
}

impl Timer {
    pub fn once(after: Duration, callback: impl FnOnce() + 'static) -> Option<Timer> {
        set_timeout_with_handle(callback, after).ok().map(Timer::Once)
    }

    pub fn every(period: Duration, callback: impl Fn() + 'static) -> Option<Timer> {
        set_interval_with_handle(callback, period).ok().map(Timer::Every)
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        match self {
            Timer::Once(handle) => handle.clear(),
            Timer::Every(handle) => handle.clear(),
        }
    }
}

/// Reports whether an element is on screen, disconnected on drop.
pub struct Visibility {
    observer: IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Visibility {
    /// Calls `callback` with `true` or `false` now and whenever the element enters or leaves
    /// the viewport.
    pub fn observe(element: &Element, mut callback: impl FnMut(bool) + 'static) -> Option<Visibility> {
        let closure = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // Entries come oldest first; only the latest state matters.
            if let Some(entry) = entries.iter().last().and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok()) {
                callback(entry.is_intersecting());
            }
        });
        let observer = IntersectionObserver::new(closure.as_ref().unchecked_ref()).ok()?;
        observer.observe(element);
        Some(Visibility { observer, _callback: closure })
    }
}

impl Drop for Visibility {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Resolves the next time `target` fires `event`.
pub async fn next_event(target: &EventTarget, event: &str) {
    let mut register = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let options = AddEventListenerOptions::new();
        options.set_once(true);
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(event, &resolve, &options);
    };
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut register)).await;
}
