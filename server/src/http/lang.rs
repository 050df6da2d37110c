//! `GET /lang/{code}?next=/path`: remembers the reader's language and sends them back.

use app::i18n::Lang;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = match code.as_str() {
        "zh-CN" | "zh" => Lang::Zh,
        "en" => Lang::En,
        _ => {
            return (StatusCode::BAD_REQUEST, "Unknown language; use zh-CN or en. 不支持的语言，请使用 zh-CN 或 en。")
                .into_response()
        }
    };
    let next = q.next.filter(|n| app::api::is_local_path(n)).unwrap_or_else(|| "/".to_string());
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.tag());
    (StatusCode::SEE_OTHER, [(header::LOCATION, next), (header::SET_COOKIE, cookie)]).into_response()
}
