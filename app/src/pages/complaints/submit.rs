//! The hydrated form's background submission: the same multipart body the browser would
//! send, with `Accept: application/json`; a dropped connection or a server error is retried
//! with the same form token, which the server turns into one stored complaint.

use super::form::{photo_problems, SendState};
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
    sending: RwSignal<SendState>,
    lang: Lang,
) {
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
    ev.prevent_default();
    if matches!(sending.get_untracked(), SendState::Sending | SendState::Retrying(_)) {
        return;
    }
    // The photos chosen now decide: problems with earlier ones (say, from a refusal the page
    // came back with) no longer apply, and photos known to be too big are not uploaded.
    let input = form.query_selector("input[name=photos]").ok().flatten().and_then(|el| el.dyn_into().ok());
    let found = photo_problems(&chosen_files(input.as_ref()), lang);
    let blocked = !found.is_empty();
    problems.update(|p| {
        p.retain(|p| p.field != Field::Photos);
        p.extend(found);
    });
    if blocked {
        focus_problems();
        return;
    }
    let Ok(data) = FormData::new_with_form(&form) else {
        // Without FormData the plain form post still works.
        let _ = form.submit();
        return;
    };
    sending.set(SendState::Sending);
    wasm_bindgen_futures::spawn_local(async move {
        let mut attempt = 0;
        loop {
            match post(&data, lang).await {
                Ok(Reply::Stored(receipt)) => {
                    let _ = window().location().assign(&format!("{}?new=1", receipt.url));
                    return;
                }
                Ok(Reply::Refused(refusal)) => {
                    if let Some(fresh) = refusal.token {
                        token.set(fresh);
                    }
                    problems.set(refusal.problems);
                    sending.set(SendState::Idle);
                    focus_problems();
                    return;
                }
                Err(()) if attempt < RETRIES => {
                    attempt += 1;
                    sending.set(SendState::Retrying(attempt));
                    sleep(1000 * 3i32.pow(attempt - 1)).await;
                }
                Err(()) => {
                    sending.set(SendState::Offline);
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
async fn post(data: &FormData, lang: Lang) -> Result<Reply, ()> {
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
        // A refusal from something in front of the portal (a proxy's size limit, say) has no
        // JSON; retrying would only be refused again.
        400..=499 => Ok(Reply::Refused(serde_json::from_str(&body).unwrap_or_else(|_| foreign_refusal(status, lang)))),
        _ => Err(()),
    }
}

fn foreign_refusal(status: u16, lang: Lang) -> SubmitRefusal {
    let message = match (status, lang) {
        (413, Lang::Zh) => "提交的内容太大，被服务器拒收（HTTP 413）。请少传或换小一些的照片后再提交。".to_string(),
        (413, Lang::En) => {
            "The submission is too large for the server (HTTP 413). Attach fewer or smaller photos and submit again."
                .to_string()
        }
        (_, Lang::Zh) => format!("服务器拒绝了这次提交（HTTP {status}）。您填写的内容已保留，请稍后再试。"),
        (_, Lang::En) => format!(
            "The server refused the submission (HTTP {status}). What you typed is kept; please try again later."
        ),
    };
    SubmitRefusal {
        message: message.clone(),
        problems: vec![FormProblem { field: Field::Form, kind: format!("http_{status}"), message }],
        token: None,
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
    let input = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
    let files = chosen_files(input.as_ref());
    problems.update(|p| {
        p.retain(|p| p.field != Field::Photos);
        p.extend(photo_problems(&files, lang));
    });
}

/// Names and sizes of the files chosen in a file input.
fn chosen_files(input: Option<&HtmlInputElement>) -> Vec<(String, f64)> {
    input
        .and_then(|i| i.files())
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).map(|f| (f.name(), f.size())).collect())
        .unwrap_or_default()
}
