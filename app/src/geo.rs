//! The browser's geolocation, for "near me".

use crate::api::GeoPoint;

/// Asks the browser for its position once and calls `done` with it (or `Err` when refused,
/// unavailable or timed out).
#[cfg(feature = "hydrate-base")]
pub fn current_position(done: impl FnOnce(Result<GeoPoint, ()>) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    // Called once, by whichever callback fires.
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |result| {
            if let Some(f) = done.borrow_mut().take() {
                f(result)
            }
        }
    };
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        finish(Err(()));
        return;
    };
    let on_ok = {
        let finish = finish.clone();
        Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            finish(GeoPoint::from_degrees(c.latitude(), c.longitude()).ok_or(()));
        })
    };
    let on_err = {
        let finish = finish.clone();
        Closure::once_into_js(move |_err: JsValue| finish(Err(())))
    };
    let options = web_sys::PositionOptions::new();
    options.set_timeout(10_000);
    options.set_maximum_age(60_000);
    if geolocation
        .get_current_position_with_error_callback_and_options(
            on_ok.unchecked_ref(),
            Some(on_err.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        finish(Err(()));
    }
}

/// On the server there is no position to ask for.
#[cfg(not(feature = "hydrate-base"))]
pub fn current_position(done: impl FnOnce(Result<GeoPoint, ()>) + 'static) {
    done(Err(()))
}
