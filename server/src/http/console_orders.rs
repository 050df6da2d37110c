//! The rectification orders' forms: an inspector issues an order against a venue (its
//! confirmed captures and a finding recorded on the spot); the venue replies or asks for more
//! time; the inspector accepts or rejects the reply and grants or refuses the time. The policy
//! decides who may; the state machine (`mingchu_domain::rectification`) decides the rest;
//! every step is audited in the same transaction.

use super::account::{see_other, visitor_of, ConsolePost};
use super::api_auth::{authorise_actor, authorise_venue, About};
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::orders::{NewFinding, NewOrder, OrderError};
use crate::state::AppState;
use app::api::OrderEcho;
use app::i18n::Lang;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use mingchu_domain::access::Action;
use mingchu_domain::rectification::{OrderRefusal, Party, Step};
use mingchu_domain::vocab::{VenueId, ViolationCategory, ViolationSource};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orders/new", post(issue))
        .route("/console/orders/{id}/step", post(step).layer(DefaultBodyLimit::max(super::account::MAX_PHOTO_FORM)))
        .route("/console/orders/{id}/photos/{photo}", get(photo))
        .route("/venues/{venue}/violations/{id}/evidence.jpg", get(evidence))
}

/// The page at `path` again at `status`, saying what was wrong and keeping the note typed.
async fn again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    path: String,
    status: StatusCode,
    problem: String,
    note: String,
) -> Response {
    let echo = OrderEcho { problem, note };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, &path, status, provide, Some(visitor)).await
}

/// A refusal of the state machine, as the person reads it.
fn refusal_text(lang: Lang, refusal: &OrderRefusal) -> String {
    use OrderRefusal::*;
    match lang {
        Lang::Zh => match refusal {
            NoViolation => "整改通知须至少列明一项违法违规问题：勾选抓拍，或填写现场发现的问题。".into(),
            NoRequirement => "请写明整改要求。".into(),
            NoLegalBasis => "请至少选择一项法律依据。".into(),
            DueTooEarly => "整改期限须晚于今天。".into(),
            TooLong => "文字最多2000字。".into(),
            ReasonNeeded(_) => "请写明理由。".into(),
            EmptyReply => "请写明已整改的情况。".into(),
            Step { .. } => "整改通知当前的状态不能进行这一步（可能已被他人处理），请刷新后重试。".into(),
            VenueOnly => "只有被检查单位可以回复整改情况或申请延期。".into(),
            InspectorOnly => "只有监管人员可以验收整改、决定延期。".into(),
            ExtensionTooLate => "延期须在整改期限届满前申请。".into(),
            ExtensionNotLonger => "申请延期的日期须晚于当前整改期限。".into(),
            TooManyExtensions => "每份整改通知最多延期两次。".into(),
        },
        Lang::En => {
            let text = refusal.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

/// The page again with what went wrong (`Ok`), or a response that ends the request.
fn order_error(state_lang: Lang, e: OrderError) -> Result<(StatusCode, String), Box<Response>> {
    let (zh, en): (String, String) = match &e {
        OrderError::Refused(r) => {
            let status = match r {
                OrderRefusal::Step { .. } => StatusCode::CONFLICT,
                OrderRefusal::VenueOnly | OrderRefusal::InspectorOnly => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            return Ok((status, refusal_text(state_lang, r)));
        }
        OrderError::NoOffice => (
            "没有监管所负责该单位所在辖区，无法编号。".into(),
            "No supervision office covers this venue, so the order cannot be numbered.".into(),
        ),
        OrderError::Capture(id) => (
            format!("抓拍 #{id} 不是该单位已确认的问题，或已列入其他整改通知。"),
            format!("Capture #{id} is not a confirmed finding of this venue, or is already in an order."),
        ),
        OrderError::Violation(id) => (
            format!("问题 #{id} 不是该单位的，或已列入其他整改通知。"),
            format!("Violation #{id} is not this venue's, or is already in an order."),
        ),
        OrderError::Clause(code) => {
            (format!("没有这项法律依据：{code}。"), format!("There is no legal clause {code:?}."))
        }
        OrderError::Complaint(reference) => {
            (format!("投诉 {reference} 不是针对该单位的。"), format!("Complaint {reference} is not about this venue."))
        }
        OrderError::NotFound => return Err(Box::new(HttpError::no_order().into_response())),
        OrderError::Db(e) => {
            tracing::error!(error = %e, "an order change failed");
            return Err(Box::new(HttpError::unavailable().into_response()));
        }
    };
    Ok((StatusCode::BAD_REQUEST, if state_lang == Lang::Zh { zh } else { en }))
}

fn parse_day(value: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value?.trim(), "%Y-%m-%d").ok()
}

/// `POST /console/orders/new`: issue an order against the form's venue.
async fn issue(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = form.value("venue").and_then(|v| v.parse::<i64>().ok()).map(VenueId);
    let known = match venue {
        Some(v) => match state.db.venue_exists(v).await {
            Ok(true) => Some(v),
            Ok(false) => None,
            Err(e) => return HttpError::from(e).into_response(),
        },
        None => None,
    };
    if let Err(refused) = authorise_venue(&state, &signed_in.actor, Action::Enforce, known).await {
        return refused.into_response();
    }
    let Some(venue) = known else {
        return HttpError::no_venue(form.value("venue").unwrap_or_default()).into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let path = format!("/console/orders/new?venue={}", venue.0);
    let requirement = form.value("requirement").unwrap_or_default().to_string();
    let captures: Vec<i64> = form.values("capture").filter_map(|c| c.parse().ok()).collect();
    let description = form.value("finding").unwrap_or_default().trim().to_string();
    let finding = (!description.is_empty()).then(|| NewFinding {
        source: form.value("source").and_then(ViolationSource::from_code).unwrap_or(ViolationSource::Inspection),
        category: form.value("category").and_then(ViolationCategory::from_code).unwrap_or(ViolationCategory::Other),
        description,
        complaint: form.value("complaint").and_then(crate::complaints::reference::normalize),
    });
    if finding.as_ref().is_some_and(|f| f.source == ViolationSource::Capture) {
        let problem = match lang {
            Lang::Zh => "抓拍问题请在上方勾选，现场问题请选择其他来源。".to_string(),
            Lang::En => "Tick captures above; a finding typed here comes from a patrol, an inspection or a complaint."
                .to_string(),
        };
        return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, requirement).await;
    }
    let Some(due) = parse_day(form.value("due")) else {
        let problem = match lang {
            Lang::Zh => "请填写整改期限（年-月-日）。".to_string(),
            Lang::En => "Give the due day (year-month-day).".to_string(),
        };
        return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, requirement).await;
    };
    let new = NewOrder {
        venue,
        captures,
        violations: form.values("violation").filter_map(|v| v.parse().ok()).collect(),
        finding,
        requirement: requirement.clone(),
        clauses: form.values("clause").map(str::to_string).collect(),
        due,
        evidence_public: form.value("evidence_public").is_some(),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.issue_order(&signed_in.actor, &new, &who, chrono::Utc::now()).await {
        Ok(id) => see_other(&format!("/console/orders/{id}?done=issued")),
        Err(e) => match order_error(lang, e) {
            Ok((status, problem)) => again(&state, &signed_in, &headers, path, status, problem, requirement).await,
            Err(response) => *response,
        },
    }
}

/// `POST /console/orders/{id}/step`: the venue replies or asks for time; the inspector
/// accepts, rejects, grants or refuses.
async fn step(State(state): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = raw.parse::<i64>() else {
        return HttpError::no_order().into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let note = form.value("note").unwrap_or_default().to_string();
    let path = format!("/console/orders/{id}");
    let step = match form.value("step").unwrap_or_default() {
        "reply" => Step::Reply { note: note.clone() },
        "ask_extension" => match parse_day(form.value("until")) {
            Some(until) => Step::AskExtension { until, reason: note.clone() },
            None => {
                let problem = match lang {
                    Lang::Zh => "请填写申请延期到的日期（年-月-日）。".to_string(),
                    Lang::En => "Give the day you ask to have until (year-month-day).".to_string(),
                };
                return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, note).await;
            }
        },
        "grant_extension" => Step::GrantExtension,
        "refuse_extension" => Step::RefuseExtension { reason: note.clone() },
        "accept" => Step::Accept,
        "reject" => Step::Reject { reason: note.clone() },
        other => {
            return HttpError::bad_request(format!(
                "unknown step {other:?}; use reply, ask_extension, grant_extension, refuse_extension, accept or reject"
            ))
            .into_response()
        }
    };
    // The venue's steps are its operator's; the rest an inspector's covering the venue.
    let action = match step.party() {
        Party::Venue => Action::ReplyForVenue,
        Party::Inspector => Action::Enforce,
    };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, action, About::Order(id)).await {
        return refused.into_response();
    }
    // Photos come with what the venue sends (its reply, its request for time), cleaned like
    // complaint photos: re-encoded, no metadata. An inspector verifying remotely keeps the
    // named camera's current frame with the decision instead.
    if !form.photos().is_empty() && step.party() != Party::Venue {
        let problem = match lang {
            Lang::Zh => "只有单位回复整改情况或申请延期时可以附照片。".to_string(),
            Lang::En => "Photos go with the venue's reply or request for more time.".to_string(),
        };
        return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, note).await;
    }
    let mut photos = Vec::new();
    for (i, bytes) in form.photos().iter().enumerate() {
        match crate::complaints::photo::clean(bytes) {
            Ok(photo) => photos.push(photo),
            Err(fault) => {
                let name = match lang {
                    Lang::Zh => format!("第{}张", i + 1),
                    Lang::En => format!("number {}", i + 1),
                };
                let problem = app::api::photo_message(&name, &fault, lang);
                return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, note).await;
            }
        }
    }
    let camera = form.value("camera").filter(|c| !c.is_empty()).and_then(|c| c.parse::<i64>().ok());
    if let (Some(camera), Party::Inspector) = (camera, step.party()) {
        let record = match (
            state.db.camera(mingchu_domain::vocab::CameraId(camera)).await,
            state.db.venue_of(crate::db::tokens::VenueOf::Order(id)).await,
        ) {
            (Ok(r), Ok(venue)) => r.filter(|r| Some(r.venue_id) == venue),
            (Err(e), _) | (_, Err(e)) => return HttpError::from(e).into_response(),
        };
        let Some(record) = record else {
            let problem = match lang {
                Lang::Zh => "请选择该单位的一个摄像头。".to_string(),
                Lang::En => "Choose one of the venue's cameras.".to_string(),
            };
            return again(&state, &signed_in, &headers, path, StatusCode::BAD_REQUEST, problem, note).await;
        };
        let Some(frame) = super::pictures::current_frame(&state, &record).await else {
            let problem = match lang {
                Lang::Zh => "摄像头现在没有画面，无法远程验收；可稍后再试或现场核查。".to_string(),
                Lang::En => "The camera gives no picture now; try again later or verify on site.".to_string(),
            };
            return again(&state, &signed_in, &headers, path, StatusCode::SERVICE_UNAVAILABLE, problem, note).await;
        };
        photos.push(frame);
    }
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.take_order_step(id, &step, &photos, &signed_in.actor, &who, chrono::Utc::now()).await {
        Ok(_) => see_other(&format!("/console/orders/{id}?done={}", step.code())),
        Err(e) => match order_error(lang, e) {
            Ok((status, problem)) => again(&state, &signed_in, &headers, path, status, problem, note).await,
            Err(response) => *response,
        },
    }
}

/// `GET /console/orders/{id}/photos/{photo}`: a photo sent with the order's reply (or the
/// frame kept when it was verified), for those who may see the venue's orders.
async fn photo(
    State(state): State<AppState>,
    Path((order, photo)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (Ok(order), Ok(photo)) = (order.parse::<i64>(), photo.parse::<i64>()) else {
        return HttpError::not_found("there is no such photo").into_response();
    };
    let asker = super::pictures::asker(&request);
    drop(request);
    super::pictures::for_staff(&state, asker, state.db.order_photo(order, photo).await, "photo").await
}

/// `GET /venues/{venue}/violations/{id}/evidence.jpg`: a violation's evidence picture, where
/// it is public.
async fn evidence(State(state): State<AppState>, Path((venue, id)): Path<(String, String)>) -> Response {
    let (Ok(venue), Ok(id)) = (venue.parse::<i64>(), id.parse::<i64>()) else {
        return HttpError::not_found("there is no such evidence picture").into_response();
    };
    match state.db.public_evidence(VenueId(venue), id).await {
        Ok(Some(jpeg)) => super::pictures::jpeg(jpeg, "public, max-age=3600"),
        Ok(None) => HttpError::not_found("there is no public evidence picture for this violation").into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}
