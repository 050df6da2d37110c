//! Patrol forms: a month's plan from risk levels, a task by filter or by list, a camera's
//! current frame (or a phone's photo) kept as evidence on a visit, and a visit's result. The
//! policy decides who may (`Enforce`: an inspector of the office, or an administrator); the
//! domain (`mingchu_domain::patrol`) decides what a plan holds and what a result needs.

use super::account::{see_other, visitor_of, ConsolePost, MAX_PHOTO_FORM};
use super::api_auth::authorise_venue;
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::patrols::{NewTask, Problem, VisitError, VisitResult};
use crate::state::AppState;
use app::api::PatrolEcho;
use app::i18n::Lang;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use mingchu_domain::access::{decide, Action, Object};
use mingchu_domain::patrol::{month_of, month_plan, Filter, Mode, Outcome, VisitRefusal};
use mingchu_domain::risk::RiskLevel;
use mingchu_domain::vocab::{CameraId, VenueId, VenueKind, ViolationCategory};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/patrols/plan", post(plan))
        .route("/console/patrols/new", post(create))
        .route("/console/patrols/visits/{id}/capture", post(capture))
        .route("/console/patrols/visits/{id}/photos", post(photos).layer(DefaultBodyLimit::max(MAX_PHOTO_FORM)))
        .route("/console/patrols/visits/{id}/result", post(result))
        .route("/console/patrols/evidence/{file}", get(evidence))
}

/// The page at `path` again at `status`, saying what was wrong.
async fn again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    problem: String,
) -> Response {
    let echo = PatrolEcho { problem };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, path, status, provide, Some(visitor)).await
}

fn text(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The office a new task is for: an inspector's own; for an administrator the form's.
async fn task_office(state: &AppState, signed_in: &SignedIn, form: &ConsolePost) -> Result<Option<i64>, Response> {
    if let Some((office, _)) = &signed_in.actor.office {
        return Ok(Some(office.0));
    }
    let chosen = form.value("office").and_then(|o| o.parse::<i64>().ok());
    match chosen {
        Some(office) => match state.db.office_scope(office).await {
            Ok(Some(_)) => Ok(Some(office)),
            Ok(None) => Err(HttpError::bad_request(format!("there is no supervision office {office}")).into_response()),
            Err(e) => Err(HttpError::from(e).into_response()),
        },
        None => Ok(None),
    }
}

/// The inspectors ticked on the form who work for `office` (any inspector when it has none).
async fn ticked_inspectors(state: &AppState, form: &ConsolePost, office: Option<i64>) -> Result<Vec<i64>, Response> {
    let allowed: Vec<i64> = match office {
        Some(o) => state.db.office_inspectors(o).await.map_err(|e| HttpError::from(e).into_response())?,
        None => state
            .db
            .inspectors()
            .await
            .map_err(|e| HttpError::from(e).into_response())?
            .into_iter()
            .map(|(id, name, _)| (id.0, name))
            .collect(),
    }
    .into_iter()
    .map(|(id, _)| id)
    .collect();
    Ok(form.values("inspector").filter_map(|i| i.parse::<i64>().ok()).filter(|i| allowed.contains(i)).collect())
}

/// The candidates of `office` (or of the programme), for a new task.
async fn candidates(
    state: &AppState,
    signed_in: &SignedIn,
    office: Option<i64>,
) -> Result<Vec<(mingchu_domain::patrol::Candidate, String)>, Response> {
    let scope = match office {
        Some(o) if signed_in.actor.office.is_none() => state.db.office_scope(o).await.ok().flatten(),
        _ => None,
    };
    let actor = scope.as_ref().unwrap_or(&signed_in.actor);
    state.db.patrol_candidates(actor).await.map_err(|e| HttpError::from(e).into_response())
}

/// What a new task is drawn from: its office, the inspectors ticked who work there, and the
/// venues it may cover.
type TaskScope = (Option<i64>, Vec<i64>, Vec<(mingchu_domain::patrol::Candidate, String)>);

async fn task_scope(state: &AppState, signed_in: &SignedIn, form: &ConsolePost) -> Result<TaskScope, Response> {
    let office = task_office(state, signed_in, form).await?;
    let inspectors = ticked_inspectors(state, form, office).await?;
    let candidates = candidates(state, signed_in, office).await?;
    Ok((office, inspectors, candidates))
}

fn parse_day(value: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value?.trim(), "%Y-%m-%d").ok()
}

/// Reads a form that makes a task, for someone who may run patrols.
async fn task_form(state: &AppState, request: Request) -> Result<(SignedIn, ConsolePost, HeaderMap, String), Response> {
    let (signed_in, form, headers, address) = ConsolePost::read(state, request).await?;
    decide(&signed_in.actor, Action::Enforce, &Object::Programme)
        .map_err(|r| HttpError::new(app::error::ErrorKind::Forbidden, r.to_string()).into_response())?;
    Ok((signed_in, form, headers, address))
}

/// `POST /console/patrols/plan`: the month's plan from risk levels.
async fn plan(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match task_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let month =
        form.value("month").and_then(|m| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok());
    let Some(month) = month else {
        let problem = text(lang, "请选择月份（年-月）。", "Choose the month (year-month).");
        return again(&state, &signed_in, &headers, "/console/patrols", StatusCode::BAD_REQUEST, problem).await;
    };
    let mode = form.value("mode").and_then(Mode::from_code).unwrap_or(Mode::Remote);
    let (office, inspectors, candidates) = match task_scope(&state, &signed_in, &form).await {
        Ok(scope) => scope,
        Err(r) => return r,
    };
    let only: Vec<_> = candidates.into_iter().map(|(c, _)| c).collect();
    let planned = month_plan(&only, month, inspectors.len());
    if planned.is_empty() {
        let problem = text(lang, "这个月没有到期需要巡查的单位。", "No venue is due a patrol that month.");
        return again(&state, &signed_in, &headers, "/console/patrols", StatusCode::BAD_REQUEST, problem).await;
    }
    let (first, last) = month_of(month);
    let label = month.format("%Y-%m").to_string();
    let task = NewTask {
        office,
        title: match lang {
            Lang::Zh => format!("{label} 风险分级巡查计划"),
            Lang::En => format!("Risk-based patrol plan {label}"),
        },
        mode,
        starts_on: first,
        ends_on: last,
        plan_month: Some(label),
        visits: planned.iter().map(|v| (v.venue, v.inspector.map(|i| inspectors[i]), v.planned_on)).collect(),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.create_patrol_task(&signed_in.actor, &task, &who, chrono::Utc::now()).await {
        Ok(id) => see_other(&format!("/console/patrols/{id}")),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/patrols/new`: a task by filter (kind, risk level, not visited in N days,
/// open orders) or by a list of venue numbers.
async fn create(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match task_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let back = "/console/patrols";
    let title = form.value("title").unwrap_or_default().trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        let problem = text(lang, "请填写任务名称（最多100字）。", "Give the task a title (at most 100 characters).");
        return again(&state, &signed_in, &headers, back, StatusCode::BAD_REQUEST, problem).await;
    }
    let (Some(starts_on), Some(ends_on)) = (parse_day(form.value("starts_on")), parse_day(form.value("ends_on")))
    else {
        let problem = text(lang, "请填写开始和结束日期（年-月-日）。", "Give the first and last day (year-month-day).");
        return again(&state, &signed_in, &headers, back, StatusCode::BAD_REQUEST, problem).await;
    };
    if ends_on < starts_on {
        let problem = text(lang, "结束日期不能早于开始日期。", "The last day cannot be before the first.");
        return again(&state, &signed_in, &headers, back, StatusCode::BAD_REQUEST, problem).await;
    }
    let mode = form.value("mode").and_then(Mode::from_code).unwrap_or(Mode::Remote);
    let (office, inspectors, candidates) = match task_scope(&state, &signed_in, &form).await {
        Ok(scope) => scope,
        Err(r) => return r,
    };
    let listed: Vec<i64> = form
        .value("venues")
        .unwrap_or_default()
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let filter = Filter {
        jurisdiction: form.value("jurisdiction").and_then(|j| j.parse().ok()),
        kind: form.value("kind").and_then(VenueKind::from_code),
        min_level: form.value("level").and_then(RiskLevel::from_code),
        not_visited_days: form.value("not_visited_days").and_then(|d| d.trim().parse().ok()),
        has_open_orders: form.value("open_orders").is_some(),
    };
    let chosen: Vec<VenueId> = candidates
        .iter()
        .filter(|(c, _)| if listed.is_empty() { filter.matches(c, today) } else { listed.contains(&c.venue.0) })
        .map(|(c, _)| c.venue)
        .collect();
    if chosen.is_empty() {
        let problem = text(
            lang,
            "没有符合条件的单位（只能选择您管辖范围内营业中的单位）。",
            "No venue matches (only trading venues you cover can be chosen).",
        );
        return again(&state, &signed_in, &headers, back, StatusCode::BAD_REQUEST, problem).await;
    }
    let task = NewTask {
        office,
        title,
        mode,
        starts_on,
        ends_on,
        plan_month: None,
        visits: chosen
            .iter()
            .enumerate()
            .map(|(i, v)| (*v, (!inspectors.is_empty()).then(|| inspectors[i % inspectors.len()]), starts_on))
            .collect(),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.create_patrol_task(&signed_in.actor, &task, &who, chrono::Utc::now()).await {
        Ok(id) => see_other(&format!("/console/patrols/{id}")),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// Reads a visit's form for someone the policy lets patrol its venue.
async fn visit_form(
    state: &AppState,
    raw: &str,
    request: Request,
) -> Result<(SignedIn, ConsolePost, HeaderMap, String, i64, VenueId), Response> {
    let (signed_in, form, headers, address) = ConsolePost::read(state, request).await?;
    let visit = raw.parse::<i64>().ok();
    let venue = match visit {
        Some(v) => state.db.visit_venue(v).await.map_err(|e| HttpError::from(e).into_response())?,
        None => None,
    };
    authorise_venue(state, &signed_in.actor, Action::Enforce, venue).await.map_err(IntoResponse::into_response)?;
    match (visit, venue) {
        (Some(visit), Some(venue)) => Ok((signed_in, form, headers, address, visit, venue)),
        _ => Err(HttpError::not_found("there is no such patrol visit").into_response()),
    }
}

/// `POST /console/patrols/visits/{id}/capture`: the named camera's current frame, kept as
/// evidence (camera, time, inspector).
async fn capture(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, visit, venue) = match visit_form(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/patrols/visits/{visit}");
    let camera = form.value("camera").and_then(|c| c.parse::<i64>().ok()).map(CameraId);
    let record = match camera {
        Some(c) => match state.db.camera(c).await {
            Ok(r) => r.filter(|r| r.venue_id == venue),
            Err(e) => return HttpError::from(e).into_response(),
        },
        None => None,
    };
    let Some(record) = record else {
        let problem = text(lang, "请选择该单位的一个摄像头。", "Choose one of the venue's cameras.");
        return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem).await;
    };
    let Some(cleaned) = super::pictures::current_frame(&state, &record).await else {
        let problem = text(
            lang,
            "摄像头现在没有画面，无法取证；可稍后再试或现场拍照。",
            "The camera gives no picture now; try again later or take a photo on site.",
        );
        return again(&state, &signed_in, &headers, &path, StatusCode::SERVICE_UNAVAILABLE, problem).await;
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state
        .db
        .add_patrol_evidence(visit, Some(record.id.0), &cleaned, &signed_in.actor, &who, chrono::Utc::now())
        .await
    {
        Ok(_) => {
            // A camera recording "on events" keeps the seconds around the snapshot.
            if let Some(playback) = &state.playback {
                playback.recordings.mark_event(record.id, chrono::Utc::now());
            }
            see_other(&format!("{path}#evidence"))
        }
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/patrols/visits/{id}/photos`: photos taken on site (cleaned: re-encoded, no
/// metadata), kept as evidence.
async fn photos(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, visit, _) = match visit_form(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/patrols/visits/{visit}");
    if form.photos().is_empty() {
        let problem = text(lang, "请选择要上传的照片。", "Choose the photos to send.");
        return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem).await;
    }
    let mut cleaned = Vec::new();
    for (i, bytes) in form.photos().iter().enumerate() {
        match crate::complaints::photo::clean(bytes) {
            Ok(p) => cleaned.push(p),
            Err(fault) => {
                let name = match lang {
                    Lang::Zh => format!("第{}张", i + 1),
                    Lang::En => format!("number {}", i + 1),
                };
                let problem = app::api::photo_message(&name, &fault, lang);
                return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem).await;
            }
        }
    }
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    for photo in &cleaned {
        if let Err(e) =
            state.db.add_patrol_evidence(visit, None, photo, &signed_in.actor, &who, chrono::Utc::now()).await
        {
            return HttpError::from(e).into_response();
        }
    }
    see_other(&format!("{path}#evidence"))
}

/// `POST /console/patrols/visits/{id}/result`: no problem, or problems found (each a
/// violation, with its evidence picture); the checklist on site. Then the next venue.
async fn result(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address, visit, _) = match visit_form(&state, &raw, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/patrols/visits/{visit}");
    let Some(outcome) = form.value("outcome").and_then(Outcome::from_code) else {
        let problem = text(lang, "请选择巡查结果。", "Choose the result.");
        return again(&state, &signed_in, &headers, &path, StatusCode::BAD_REQUEST, problem).await;
    };
    let failed: Vec<&str> = form.values("fail").collect();
    let description = form.value("problem").unwrap_or_default().trim().to_string();
    let mut problems = Vec::new();
    if !description.is_empty() {
        problems.push(Problem {
            category: form.value("category").and_then(ViolationCategory::from_code).unwrap_or(ViolationCategory::Other),
            description,
            evidence: form.value("evidence").and_then(|e| e.parse().ok()),
        });
    }
    // On site every item of the venue's checklist is recorded, passed unless ticked as failing;
    // a failing item is a problem of its own.
    let (kind, mode) = match state.db.patrol_visit(visit).await {
        Ok(Some(v)) => (v.kind, v.mode),
        Ok(None) => return HttpError::not_found("there is no such patrol visit").into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let mut checklist = Vec::new();
    if mode == Mode::OnSite {
        for item in mingchu_domain::patrol::checklist(kind) {
            let fails = failed.contains(&item.code);
            checklist.push((item.code.to_string(), !fails));
            if fails && outcome == Outcome::Problems {
                problems.push(Problem { category: item.category, description: item.zh.to_string(), evidence: None });
            }
        }
    }
    let outcome_result = VisitResult {
        outcome,
        note: form.value("note").unwrap_or_default().to_string(),
        checklist,
        problems,
        evidence_public: form.value("evidence_public").is_some(),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.record_visit(visit, &outcome_result, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(_) => match state.db.next_visit(visit).await {
            Ok(Some(next)) => see_other(&format!("/console/patrols/visits/{next}?done={visit}")),
            Ok(None) => see_other(&format!("{path}?done={visit}")),
            Err(e) => HttpError::from(e).into_response(),
        },
        Err(VisitError::Refused(refusal)) => {
            let (status, problem) = match refusal {
                VisitRefusal::Done => (
                    StatusCode::CONFLICT,
                    text(lang, "这次巡查的结果已经记录过了。", "This visit's result is recorded already."),
                ),
                VisitRefusal::NoProblemNamed => (
                    StatusCode::BAD_REQUEST,
                    text(
                        lang,
                        "发现问题时，请描述问题或在检查表中标出不合格项。",
                        "Describe the problem, or mark the checklist items that failed.",
                    ),
                ),
                VisitRefusal::FailedItems => (
                    StatusCode::BAD_REQUEST,
                    text(
                        lang,
                        "检查表有不合格项时，结果应为“发现问题”。",
                        "With checklist items failed, the result is \u{201c}problems found\u{201d}.",
                    ),
                ),
            };
            again(&state, &signed_in, &headers, &path, status, problem).await
        }
        Err(VisitError::Evidence(id)) => {
            HttpError::bad_request(format!("evidence #{id} is not from this visit")).into_response()
        }
        Err(VisitError::NotFound) => HttpError::not_found("there is no such patrol visit").into_response(),
        Err(VisitError::Db(e)) => HttpError::from(e).into_response(),
    }
}

/// `GET /console/patrols/evidence/{id}.jpg`: a picture taken on a visit, for those who may see
/// the venue.
async fn evidence(State(state): State<AppState>, Path(file): Path<String>, request: Request) -> Response {
    let Some(id) = file.strip_suffix(".jpg").and_then(|i| i.parse::<i64>().ok()) else {
        return HttpError::not_found("there is no such picture").into_response();
    };
    let asker = super::pictures::asker(&request);
    drop(request);
    super::pictures::for_staff(&state, asker, state.db.patrol_evidence(id).await, "picture").await
}
