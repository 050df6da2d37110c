//! The annual evaluation report outside the page: `/api/v1/report` (JSON, a token with the
//! `read` scope), `/console/report.csv` (the signed-in person), both taking `year` and
//! `scope`; and the targets form, `POST /console/report/targets`, for a coming year of the
//! programme (administrators) or an office (its inspectors), fixed once the year begins.

use super::account::{console_session, see_other, visitor_of, ConsolePost};
use super::api_auth::api_actor;
use super::error::HttpError;
use super::kpis::refusal;
use crate::accounts::SignedIn;
use crate::console::report::{targets_key, targets_object};
use crate::db::kpis::Scope;
use crate::state::AppState;
use app::api::{Report, ReportQuery, TargetsEcho};
use app::error::ErrorKind;
use app::i18n::Lang;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mingchu_domain::access::{decide, Action, Actor};
use mingchu_domain::china_time;
use mingchu_domain::report::{self, TargetRefusal, INDICATORS};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/report", get(api))
        .route("/console/report.csv", get(csv))
        .route("/console/report/targets", post(targets))
}

async fn report_for(
    state: &AppState,
    actor: &Actor,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Report, HttpError> {
    let Query(query) = query.map_err(|e| HttpError::bad_request(format!("bad query: {}", e.body_text())))?;
    state.console().report_of(actor, &query, chrono::Utc::now()).await.map_err(refusal)
}

async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Response {
    let (actor, _) = match api_actor(&state, &headers).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    match report_for(&state, &actor, query).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn csv(
    State(state): State<AppState>,
    query: Result<Query<ReportQuery>, QueryRejection>,
    request: Request,
) -> Response {
    let Some(signed_in) = console_session(&request) else {
        return HttpError::new(ErrorKind::Unauthorized, "sign in to download the report").into_response();
    };
    match report_for(&state, &signed_in.actor, query).await {
        Ok(r) => {
            let name = format!("report-{}-{}-{}.csv", r.scope.kind, r.scope.id.unwrap_or(0), r.year);
            let disposition = format!("attachment; filename=\"{name}\"");
            let base =
                state.public_url.as_ref().map(|u| u.as_str().trim_end_matches('/').to_string()).unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("an ASCII name")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
                ],
                crate::report_csv::write(&r, &base),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn text(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh { zh } else { en }.to_string()
}

async fn again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    echo: TargetsEcho,
) -> Response {
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, path, status, provide, Some(visitor)).await
}

/// `POST /console/report/targets`: `scope`, `year` and `target_<indicator>` for each
/// indicator (empty: no target).
async fn targets(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let asked = form.value("scope").unwrap_or_default();
    let Some(scope) = Scope::parse(asked) else {
        return HttpError::bad_request(
            "targets are set for the programme or an office (scope=programme or office:<id>)",
        )
        .into_response();
    };
    let (Some(key), Some(object)) = (targets_key(scope), targets_object(scope)) else {
        return HttpError::bad_request("targets are set for the programme or an office, not a jurisdiction")
            .into_response();
    };
    if let Err(r) = decide(&signed_in.actor, Action::SetTargets, &object) {
        return HttpError::new(ErrorKind::Forbidden, r.to_string()).into_response();
    }
    let today = china_time::day(chrono::Utc::now());
    let path = format!("/console/report?scope={}", scope.code());
    let fields: Vec<(String, String)> = INDICATORS
        .iter()
        .map(|i| (i.code.to_string(), form.value(&format!("target_{}", i.code)).unwrap_or_default().to_string()))
        .collect();
    let refuse = |status: StatusCode, problem: String| {
        let echo = TargetsEcho { problem, fields: fields.clone() };
        again(&state, &signed_in, &headers, &path, status, echo)
    };
    let year = match report::parse_year(form.value("year").unwrap_or_default(), today) {
        Ok(y) => y,
        Err(_) => {
            return refuse(StatusCode::BAD_REQUEST, text(lang, "年份应为四位数字。", "A year is four digits.")).await
        }
    };
    if let Err(TargetRefusal::YearBegun) = report::may_set_targets(year, today) {
        let problem = text(
            lang,
            &format!("{year}年已开始，目标值须在年度开始前设定，现已固定。"),
            &format!("{year} has begun: targets are set before the year begins and are now fixed."),
        );
        return refuse(StatusCode::CONFLICT, problem).await;
    }
    let mut values = Vec::new();
    for (ind, (_, typed)) in INDICATORS.iter().zip(&fields) {
        match report::parse_target(ind, typed) {
            Ok(Some(v)) => values.push((ind.code, v)),
            Ok(None) => {}
            Err(_) => {
                let problem = text(
                    lang,
                    &format!("“{}”的目标值应为数字（比率填百分数，不超过100；数量填整数），而不是“{typed}”。", ind.name.0),
                    &format!("The target for \"{}\" must be a number (a percentage of at most 100 for a rate, a whole number for a count), not \"{typed}\".", ind.name.1),
                );
                return refuse(StatusCode::BAD_REQUEST, problem).await;
            }
        }
    }
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.set_targets(&key, year, &values, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/report?scope={}&done=targets", scope.code())),
        Err(e) => HttpError::from(e).into_response(),
    }
}
