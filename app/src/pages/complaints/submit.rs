//! The hydrated form's background submission: the same multipart body the browser would
//! send, with `Accept: application/json`; a dropped connection or a server error is retried
//! with the same form token, which the server turns into one stored complaint.

use super::form::{photo_problems, Sending};
use crate::api::{Field, FormProblem, SubmitReceipt, SubmitRefusal, SUBMIT_PATH};
use crate::i18n::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, Headers, HtmlFormElement, HtmlInputElement, RequestInit, Response};

/// Attempts after the first before giving up (waits of 1, 3 and 9 seconds).
const RETRIES: u32 = 3;

pub fn enhanced_submit(
    ev: leptos::ev::SubmitEvent,
    problems: RwSignal<Vec<FormProblem>>,
    token: RwSignal<String>,
    sending: RwSignal<Sending>,
) {
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
    ev.prevent_default();
    if matches!(sending.get_untracked(), Sending::Sending | Sending::Retrying(_)) {
        return;
    }
    // Photos the browser already knows are too big are refused before uploading anything.
    if problems.with_untracked(|p| p.iter().any(|p| p.field == Field::Photos)) {
        focus_problems();
        return;
    }
    let Ok(data) = FormData::new_with_form(&form) else {
        // Without FormData the plain form post still works.
        let _ = form.submit();
        return;
    };
    sending.set(Sending::Sending);
    wasm_bindgen_futures::spawn_local(async move {
        let mut attempt = 0;
        loop {
            match post(&data).await {
                Ok(Reply::Stored(receipt)) => {
                    let _ = window().location().assign(&format!("{}?new=1", receipt.url));
                    return;
                }
                Ok(Reply::Refused(refusal)) => {
                    if let Some(fresh) = refusal.token {
                        token.set(fresh);
                    }
                    problems.set(refusal.problems);
                    sending.set(Sending::Idle);
                    focus_problems();
                    return;
                }
                Err(()) if attempt < RETRIES => {
                    attempt += 1;
                    sending.set(Sending::Retrying(attempt));
                    sleep(1000 * 3i32.pow(attempt - 1)).await;
                }
                Err(()) => {
                    sending.set(Sending::Offline);
                    return;
                }
            }
        }
    });
}

enum Reply {
    Stored(SubmitReceipt),
    Refused(SubmitRefusal),
}

/// One attempt: `Err` for anything worth retrying (no connection, a server error).
async fn post(data: &FormData) -> Result<Reply, ()> {
    let headers = Headers::new().map_err(|_| ())?;
    headers.set("Accept", "application/json").map_err(|_| ())?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(data.as_ref());
    let response = JsFuture::from(window().fetch_with_str_and_init(SUBMIT_PATH, &init)).await.map_err(|_| ())?;
    let response: Response = response.dyn_into().map_err(|_| ())?;
    let status = response.status();
    let body = JsFuture::from(response.text().map_err(|_| ())?).await.map_err(|_| ())?;
    let body = body.as_string().unwrap_or_default();
    match status {
        200 | 201 => serde_json::from_str(&body).map(Reply::Stored).map_err(|_| ()),
        400..=499 => serde_json::from_str(&body).map(Reply::Refused).map_err(|_| ()),
        _ => Err(()),
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

fn focus_problems() {
    // After the signal has rendered the list.
    request_animation_frame(|| {
        if let Ok(Some(el)) = document().query_selector(".complaint-form .form-problems") {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Checks the chosen photos' count and sizes as soon as they are picked.
pub fn check_photos(ev: leptos::ev::Event, problems: RwSignal<Vec<FormProblem>>, lang: Lang) {
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
    let files: Vec<(String, f64)> = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).map(|f| (f.name(), f.size())).collect())
        .unwrap_or_default();
    problems.update(|p| {
        p.retain(|p| p.field != Field::Photos);
        p.extend(photo_problems(&files, lang));
    });
}
