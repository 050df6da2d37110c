//! Complaint submission (`POST /complaints/submit`, multipart, works without JavaScript),
//! complaint photos, the reference lookup, and the regulators' status updates.
//!
//! A browser without JavaScript gets `303 See Other` to the tracking page once the complaint
//! is stored, or the form rendered again with every problem and what was typed (4xx). With
//! `Accept: application/json` (the hydrated form) the same outcomes come as JSON.

use super::error::{self, Format, HttpError, Text};
use crate::complaints::{reference, Outcome, Submission, Upload};
use crate::db::UpdateError;
use crate::state::AppState;
use app::api::{
    ComplaintEcho, FormProblem, PhotoFault, Problem, PublicComplaint, SubmitReceipt, SubmitRefusal, HONEYPOT_FIELD,
    MAX_PHOTOS, MAX_PHOTO_BYTES, SUBMIT_PATH,
};
use app::error::ErrorKind;
use app::i18n::Lang;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use mingchu_domain::complaint::Refusal;
use mingchu_domain::vocab::{ComplaintStatus, VenueId};
use serde::Deserialize;
use std::net::IpAddr;

/// Five photos of at most 10 MB, the text fields and multipart framing.
const BODY_LIMIT: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;
/// Bytes of any one text field (the description's 4,000 characters are at most 16,000).
const TEXT_FIELD_LIMIT: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(SUBMIT_PATH, post(submit).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .route("/complaints/lookup", get(lookup))
        .route("/complaints/{reference}/photos/{file}", get(photo))
        .route("/api/v1/complaints/{reference}", get(public_json))
        .route("/api/v1/complaints/{reference}/updates", post(update))
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// The client's address: the configured proxy header, else the connection's peer.
pub fn client_ip(state: &AppState, request: &Request) -> Option<IpAddr> {
    state.client_addr.of(request.headers(), request.extensions())
}

/// Refuses posts made by another site's page (the other half of the CSRF defence, with the
/// signed form token). Browsers say where a request comes from in `Sec-Fetch-Site`; older ones
/// only send `Origin`, which must then name this site: the `Host`, a proxy's
/// `X-Forwarded-Host`, or `--public-url`.
fn cross_site(headers: &HeaderMap, public_url: Option<&url::Url>) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") | Some("none") => return false,
        Some("cross-site") => return true,
        _ => {}
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    // `Origin: null` (sandboxed frames, local files) is never our form.
    let Ok(origin) = url::Url::parse(origin) else { return true };
    let authority = |u: &url::Url| match u.port() {
        Some(port) => format!("{}:{port}", u.host_str().unwrap_or("")),
        None => u.host_str().unwrap_or("").to_string(),
    };
    let origin = authority(&origin);
    let mut ours: Vec<String> = Vec::new();
    for name in [header::HOST.as_str(), "x-forwarded-host"] {
        for value in headers.get_all(name) {
            ours.extend(value.to_str().unwrap_or("").split(',').map(|h| h.trim().to_string()));
        }
    }
    ours.extend(public_url.map(authority));
    !ours.iter().any(|h| !h.is_empty() && h.eq_ignore_ascii_case(&origin))
}

/// The kind of a refused submission, from its problems: the most fundamental wins.
pub fn kind_of(problems: &[Problem]) -> ErrorKind {
    let rank = |p: &Problem| match p {
        Problem::FormInvalid | Problem::CrossSite => (7, ErrorKind::Forbidden),
        Problem::AlreadySubmitted { .. } => (6, ErrorKind::Conflict),
        Problem::RateLimited { .. } => (5, ErrorKind::RateLimited),
        Problem::BodyTooLarge | Problem::Photo { fault: PhotoFault::TooBig, .. } => (4, ErrorKind::PayloadTooLarge),
        Problem::Photo { fault: PhotoFault::NotAnImage | PhotoFault::Unsupported { .. }, .. } => {
            (3, ErrorKind::UnsupportedMediaType)
        }
        Problem::Malformed | Problem::Automated => (2, ErrorKind::BadRequest),
        _ => (1, ErrorKind::Unprocessable),
    };
    problems.iter().map(rank).max_by_key(|(r, _)| *r).map(|(_, k)| k).unwrap_or(ErrorKind::BadRequest)
}

/// Reads the multipart body. Stops at the first framing error, keeping what was read, so the
/// form can come back with the text typed so far.
async fn read_form(mut multipart: Multipart, sub: &mut Submission, keep_photos: bool) -> Result<(), Problem> {
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Problem::BodyTooLarge),
            Err(_) => return Err(Problem::Malformed),
        };
        let name = field.name().unwrap_or("").to_string();
        let limit = if name == "photos" { MAX_PHOTO_BYTES } else { TEXT_FIELD_LIMIT };
        let file_name = field.file_name().map(|f| f.chars().filter(|c| !c.is_control()).take(120).collect::<String>());
        let mut bytes = Vec::new();
        let mut over = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if !over && bytes.len() + chunk.len() <= limit => bytes.extend_from_slice(&chunk),
                Ok(Some(chunk)) => {
                    // A photo over the limit is dropped (the checks name it); an over-long text
                    // keeps its beginning, so the checks say which field is too long.
                    if !over && name != "photos" {
                        bytes.extend_from_slice(&chunk[..limit - bytes.len()]);
                    }
                    over = true;
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Problem::BodyTooLarge),
                Err(_) => return Err(Problem::Malformed),
            }
        }
        if name == "photos" {
            if !keep_photos {
                continue;
            }
            let file_name = file_name.unwrap_or_default();
            // An empty file input still sends a part, with no name and no bytes.
            if file_name.is_empty() && bytes.is_empty() && !over {
                continue;
            }
            let label = if file_name.is_empty() { format!("#{}", sub.photos.len() + 1) } else { file_name };
            sub.photos.push(Upload { name: label, bytes: (!over).then_some(bytes) });
            continue;
        }
        let text = if over {
            // Cut at the limit: drop a character split in two.
            String::from_utf8_lossy(&bytes).trim_end_matches('\u{FFFD}').to_string()
        } else {
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => return Err(Problem::Malformed),
            }
        };
        let d = &mut sub.draft;
        match name.as_str() {
            "token" => sub.token = text,
            HONEYPOT_FIELD => sub.honeypot = text,
            "venue" => d.venue = text.trim().parse().ok().map(VenueId),
            "category" => d.category = text,
            "description" => d.description = text,
            "occurred_at" => d.occurred_at = text,
            "camera" => d.camera = text,
            "camera_time" => d.camera_time = text,
            "contact" => d.contact = text,
            "name" => d.name = text,
            "show_name" => d.show_name = matches!(text.as_str(), "on" | "1" | "true" | "yes"),
            _ => {}
        }
    }
}

async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let lang = app::i18n::lang_from_cookies(&headers);
    let json = wants_json(&headers);
    // Each upload holds a socket and its text in memory while it arrives: a bounded number
    // at once, the rest asked to come back (nothing of theirs was read, so nothing is lost).
    let Ok(_upload) = state.uploads.clone().try_acquire_owned() else {
        let message = if lang == Lang::Zh {
            "提交的人太多，您的投诉还没有提交。请稍后重试。"
        } else {
            "Too many complaints are being sent right now; yours was not submitted. Please try again shortly."
        };
        let refusal = HttpError::new(ErrorKind::Unavailable, message).retry_after(10);
        return refusal.render(if json { Format::Json } else { Format::Text });
    };
    let ip = client_ip(&state, &request);
    // A request that will be refused for its rate is still read, to echo what was typed, but
    // its photos are not kept.
    let keep_photos = ip.is_none_or(|ip| state.complaints.check_allowance(ip).is_ok());
    let mut sub = Submission::default();
    let mut early = Vec::new();
    match <Multipart as axum::extract::FromRequest<AppState>>::from_request(request, &state).await {
        Ok(multipart) => {
            if let Err(problem) = read_form(multipart, &mut sub, keep_photos).await {
                early.push(problem);
            }
        }
        Err(_) => early.push(Problem::Malformed),
    }
    let (typed_token, draft) = (sub.token.clone(), sub.draft.clone());
    let outcome = match decide(&state, &headers, ip, sub, early).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, "could not store a complaint");
            let message = if lang == Lang::Zh {
                "系统暂时无法保存投诉，您的投诉没有提交。请稍后重试（不会重复提交）。"
            } else {
                "We could not store your complaint just now; it was not submitted. Please try again shortly (it will not be submitted twice)."
            };
            let refusal = HttpError::new(ErrorKind::Unavailable, message).retry_after(30);
            return refusal.render(if json { Format::Json } else { Format::Text });
        }
    };
    match outcome {
        Outcome::Stored { reference, replayed } => {
            let url = format!("/complaints/{reference}");
            if json {
                let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
                (status, [(header::LOCATION, url.clone())], Json(SubmitReceipt { reference, url, replayed }))
                    .into_response()
            } else {
                (StatusCode::SEE_OTHER, [(header::LOCATION, format!("{url}?new=1"))]).into_response()
            }
        }
        Outcome::Refused { problems, token } => {
            let status = error::status(kind_of(&problems));
            let retry_after = problems.iter().find_map(|p| match p {
                Problem::RateLimited { retry_after_minutes } => Some(retry_after_minutes * 60),
                _ => None,
            });
            let mut response = if json {
                let message = problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join(" ");
                let problems = problems.iter().map(|p| FormProblem::new(p, lang)).collect();
                (status, Json(SubmitRefusal { message, problems, token })).into_response()
            } else {
                let keep = token.or_else(|| (!typed_token.is_empty()).then_some(typed_token));
                let echo = ComplaintEcho { token: keep, draft, problems };
                render_form(&state, &headers, echo, status).await
            };
            if let Some(secs) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
    }
}

/// What to do with a submission that was read (`early`: problems found while reading it).
async fn decide(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<IpAddr>,
    sub: Submission,
    early: Vec<Problem>,
) -> Result<Outcome, crate::complaints::ComplaintError> {
    if !early.is_empty() {
        return Ok(Outcome::Refused { problems: early, token: None });
    }
    // A retry of a stored complaint is answered first: it must not fail for its rate or age.
    if let Some(outcome) = state.complaints.replay(&sub.token, &sub.draft).await? {
        return Ok(outcome);
    }
    if cross_site(headers, state.public_url.as_ref()) {
        return Ok(Outcome::Refused { problems: vec![Problem::CrossSite], token: None });
    }
    // An address whose allowance is spent is refused here; the allowance itself is charged
    // only once the form proves real (token, honeypot, fields), so junk cannot spend it.
    if let Some(Err(minutes)) = ip.map(|ip| state.complaints.check_allowance(ip)) {
        return Ok(Outcome::Refused {
            problems: vec![Problem::RateLimited { retry_after_minutes: minutes }],
            token: None,
        });
    }
    let venue = sub.draft.venue;
    let outcome = state.complaints.submit(sub, ip).await?;
    // Cameras recording "on events" keep the minutes around a new complaint about their venue.
    if let (Outcome::Stored { replayed: false, .. }, Some(venue), Some(playback)) = (&outcome, venue, &state.playback) {
        match state.db.venue_cameras(venue).await {
            Ok(cameras) => {
                let now = chrono::Utc::now();
                for (camera, _) in cameras {
                    playback.recordings.mark_event(mingchu_domain::vocab::CameraId(camera), now);
                }
            }
            Err(e) => tracing::warn!(venue = %venue, error = %e, "cannot mark the complaint for recording"),
        }
    }
    Ok(outcome)
}

/// Renders the complaint form page again, with the echo, at `status`.
async fn render_form(state: &AppState, headers: &HeaderMap, echo: ComplaintEcho, status: StatusCode) -> Response {
    super::render::page_again(state, headers, SUBMIT_PATH, status, move || provide_context(echo.clone()), None).await
}

#[derive(Deserialize)]
struct Lookup {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// `GET /complaints/lookup?ref=…`: the reference as typed, to its tracking page.
async fn lookup(Query(q): Query<Lookup>) -> Response {
    let typed = q.reference.unwrap_or_default();
    let target = match reference::normalize(&typed) {
        Some(r) => format!("/complaints/{r}"),
        None => {
            let encoded: String = form_urlencoded::byte_serialize(typed.trim().as_bytes()).collect();
            format!("/complaints?ref={encoded}&invalid=1")
        }
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
}

/// A complaint photo: `/complaints/MC-…/photos/1.jpg`.
async fn photo(
    State(state): State<AppState>,
    Path((reference, file)): Path<(String, String)>,
    request: Request,
) -> Result<Response, Text> {
    let not_found = || Text(HttpError::not_found("no such photo"));
    let (Some(reference), Some(position)) =
        (reference::normalize(&reference), file.strip_suffix(".jpg").and_then(|p| p.parse::<i64>().ok()))
    else {
        return Err(not_found());
    };
    let ip = client_ip(&state, &request);
    state.complaints.lookup_allowed(ip)?;
    let Some(stored) = state.db.complaint_photo(&reference, position).await? else {
        state.complaints.lookup_missed(ip);
        return Err(not_found());
    };
    let path = state.complaints.photos().path(&stored).ok_or_else(not_found)?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| HttpError::internal("complaint photo missing on disk", &e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

async fn public_json(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    request: Request,
) -> Result<Json<PublicComplaint>, HttpError> {
    let ip = client_ip(&state, &request);
    state.complaints.look_up(ip, &reference).await?.map(Json).ok_or_else(|| HttpError::no_complaint(&reference))
}

#[derive(Deserialize)]
struct UpdateBody {
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    duplicate_of: Option<String>,
}

/// `POST /api/v1/complaints/{reference}/updates` (admin token): a status change with a public note.
async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    address: Option<axum::Extension<super::account::RequestAddress>>,
    Path(reference): Path<String>,
    body: Result<Json<UpdateBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<PublicComplaint>, HttpError> {
    let normalized_ref = reference::normalize(&reference).unwrap_or_default();
    let about = super::api_auth::About::Complaint(&normalized_ref);
    let (_, mut who) =
        super::api_auth::authorise(&state, &headers, mingchu_domain::access::Action::HandleComplaint, about).await?;
    who.address = address.map(|a| a.0 .0);
    let Json(body) = body.map_err(|e| HttpError::invalid_body(e.body_text()))?;
    let to = ComplaintStatus::from_code(&body.status).ok_or_else(|| {
        let all = ComplaintStatus::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ");
        HttpError::invalid_body(format!("unknown status {:?}; use one of: {all}", body.status))
    })?;
    let normalized = reference::normalize(&reference).ok_or_else(|| HttpError::no_complaint(&reference))?;
    let duplicate_of = body.duplicate_of.as_deref().and_then(reference::normalize);
    match state
        .db
        .update_complaint(&normalized, to, &body.note, duplicate_of.as_deref(), &who, chrono::Utc::now())
        .await
    {
        Ok(()) => {}
        Err(UpdateError::NotFound(_)) => return Err(HttpError::no_complaint(&reference)),
        Err(UpdateError::Db(e)) => return Err(HttpError::from(e)),
        Err(UpdateError::Refused(e @ Refusal::Transition { .. })) => {
            return Err(HttpError::new(app::error::ErrorKind::Conflict, e.to_string()))
        }
        Err(UpdateError::Refused(e)) => return Err(HttpError::invalid_body(e.to_string())),
    }
    state.db.public_complaint(&normalized).await?.map(Json).ok_or(HttpError::no_complaint(&reference))
}
