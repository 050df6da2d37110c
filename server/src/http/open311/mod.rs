//! Open311 GeoReport v2: service discovery, the complaint categories as services, and
//! service requests (list, one, create with an API key, token lookup), each in JSON and XML.
//!
//! Mapping: a service request is a complaint; `service_request_id` is its public reference;
//! `address_id` is the venue's id (a complaint is always about a venue); `status` is `open` or
//! `closed` and `detailed_status` carries the 12315 status, as FixMyStreet extends the spec.
//! The list (`GET requests` without ids) shows only complaints a regulator has accepted; any
//! request is readable by its id.

mod location;
pub(super) mod xml;

use super::error::{self, HttpError, ParamProblem};
use crate::complaints::{intake, reference, Outcome};
use crate::db::{ComplaintFilter, ComplaintRecord, NewComplaint};
use crate::state::AppState;
use app::api::{category_description, category_name, status_name, ComplaintDraft, Field, Problem};
use app::error::ErrorKind;
use app::i18n::Lang;
use axum::extract::{Path, Query, RawForm, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use hex::ToHex;
use mingchu_domain::china_time;
use mingchu_domain::vocab::ComplaintCategory;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const SPEC: &str = "http://wiki.open311.org/GeoReport_v2";
/// Newest first, at most this many per `GET requests`.
const MAX_RESULTS: u32 = 1000;
/// At most this many `service_request_id` values per request: ids are the key to complaints
/// not yet listed, so guessing them in bulk must not be cheap.
const MAX_IDS: usize = 50;
/// Without dates or ids, `GET requests` covers this many days back (the spec's default).
const DEFAULT_DAYS: i64 = 90;
/// When this API last changed (discovery's changeset).
const CHANGESET: &str = "2026-11-25T00:00:00Z";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/{file}", get(discovery))
        .route("/open311/v2/{file}", get(list).post(create))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Splits `name.json` / `name.xml`.
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    Some((name, format))
}

/// A document in the requested format; `root` names the XML root element.
fn answer(status: StatusCode, format: Format, root: &str, body: Value) -> Response {
    match format {
        Format::Json => {
            (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
        }
        Format::Xml => {
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml::document(root, &body)).into_response()
        }
    }
}

impl Format {
    fn errors(self) -> error::Format {
        match self {
            Format::Json => error::Format::Open311Json,
            Format::Xml => error::Format::Open311Xml,
        }
    }
}

/// The spec's error body, a list of `{code, description}`, from the one error boundary.
fn error(kind: ErrorKind, format: Format, description: impl Into<String>) -> Response {
    HttpError::new(kind, description).render(format.errors())
}

fn unknown_format(file: &str) -> Response {
    error(ErrorKind::NotFound, Format::Json, format!("unknown document {file:?}: Open311 answers end in .json or .xml"))
}

fn unavailable(format: Format, e: impl std::fmt::Display) -> Response {
    HttpError::internal("open311: database error", &e).render(format.errors())
}

/// `?locale=en` answers in English; Chinese otherwise.
fn lang(params: &HashMap<String, String>) -> Lang {
    params.get("locale").map(|l| Lang::from_tag(l)).unwrap_or(Lang::Zh)
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match &state.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_string(),
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
            format!("http://{host}")
        }
    }
}

async fn discovery(State(state): State<AppState>, headers: HeaderMap, Path(file): Path<String>) -> Response {
    let Some(("discovery", format)) = split(&file) else { return unknown_format(&file) };
    let base = base_url(&state, &headers);
    let contact = &*state.operator_contact;
    let body = json!({
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": format!("API keys for POST are issued by the portal's operator ({contact})"),
        "endpoints": [{
            "specification": SPEC,
            "url": format!("{base}/open311/v2"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    });
    answer(StatusCode::OK, format, "discovery", body)
}

fn service(c: ComplaintCategory, lang: Lang) -> Value {
    json!({
        "service_code": c.code(),
        "service_name": category_name(c, lang),
        "description": category_description(c, lang),
        "metadata": true,
        "type": "realtime",
        "keywords": "food safety, 12315",
        "group": if lang == Lang::Zh { "餐饮食品安全" } else { "Food safety in catering" },
    })
}

/// `GET services.{fmt}` and `GET requests.{fmt}`, by file name.
async fn list(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let ip = state.client_addr.of(headers, request.extensions());
    match split(&file) {
        Some(("services", format)) => {
            let lang = lang(&params);
            let body = Value::Array(ComplaintCategory::ALL.iter().map(|c| service(*c, lang)).collect());
            answer(StatusCode::OK, format, "services", body)
        }
        Some(("requests", format)) => list_requests(&state, headers, ip, format, &params).await,
        Some((_, format)) => error(ErrorKind::NotFound, format, format!("no Open311 document {file:?}")),
        None => unknown_format(&file),
    }
}

async fn service_definition(Path(file): Path<String>, Query(params): Query<HashMap<String, String>>) -> Response {
    let Some((code, format)) = split(&file) else { return unknown_format(&file) };
    let Some(category) = ComplaintCategory::from_code(code) else {
        return error(ErrorKind::NotFound, format, format!("no service with code {code:?}; GET services for the list"));
    };
    let zh = lang(&params) == Lang::Zh;
    let attribute = |order: u32, code: &str, datatype: &str, required: bool, zh_text: &str, en_text: &str| {
        json!({
            "variable": true,
            "code": code,
            "datatype": datatype,
            "required": required,
            "datatype_description": if datatype == "datetime" { "ISO 8601, e.g. 2026-11-25T12:30:00+08:00" } else { "" },
            "order": order,
            "description": if zh { zh_text } else { en_text },
        })
    };
    let body = json!({
        "service_code": category.code(),
        "attributes": [
            attribute(1, "occurred_at", "datetime", true, "发生时间", "When it happened"),
            attribute(2, "camera_id", "number", false, "相关摄像头编号（便于调取录像）", "The camera that shows it (to check the footage)"),
            attribute(3, "camera_time", "datetime", false, "画面时间", "The time to look at in that camera's footage"),
        ],
    });
    answer(StatusCode::OK, format, "service_definition", body)
}

fn request_json(r: &ComplaintRecord, base: &str, lang: Lang) -> Value {
    json!({
        "service_request_id": r.reference,
        "status": if r.status.is_closed() { "closed" } else { "open" },
        "detailed_status": r.status.code(),
        "status_notes": if r.status_notes.is_empty() { status_name(r.status, lang).to_string() } else { r.status_notes.clone() },
        "service_name": category_name(r.category, lang),
        "service_code": r.category.code(),
        "description": r.description,
        "agency_responsible": if lang == Lang::Zh { "市场监督管理局" } else { "Market supervision bureau" },
        "service_notice": null,
        "requested_datetime": china_time::format_stored(&r.submitted_at),
        "updated_datetime": china_time::format_stored(&r.updated_at),
        "expected_datetime": r.expected.as_ref().map(|d| format!("{d}T23:59:59+08:00")),
        "address": format!("{} ({})", r.venue_name, r.address),
        "address_id": r.venue.to_string(),
        "zipcode": null,
        "lat": r.lat,
        "long": r.long,
        "media_url": r.first_photo.map(|p| format!("{base}/complaints/{}/photos/{p}.jpg", r.reference)),
    })
}

/// Parses an Open311 date parameter (ISO 8601 with a zone, or a bare date in China time).
fn date_param(params: &HashMap<String, String>, name: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(v) = params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) else { return Ok(None) };
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(Some(china_time::midnight(d)));
    }
    Err(format!("{name} must be an ISO 8601 date-time such as 2026-11-25T00:00:00+08:00, not {v:?}"))
}

async fn list_requests(
    state: &AppState,
    headers: &HeaderMap,
    ip: Option<std::net::IpAddr>,
    format: Format,
    params: &HashMap<String, String>,
) -> Response {
    let mut filter = ComplaintFilter { limit: MAX_RESULTS, ..Default::default() };
    if let Some(ids) = params.get("service_request_id").filter(|v| !v.trim().is_empty()) {
        for id in ids.split(',') {
            match reference::normalize(id) {
                Some(r) => filter.references.push(r),
                None => {
                    return error(ErrorKind::BadRequest, format, format!("{:?} is not a service_request_id", id.trim()))
                }
            }
        }
    }
    // Requests asked for by id are shown whatever their status (the id is the key to them);
    // the open list holds only what a regulator has accepted, so an unreviewed accusation
    // against a venue is not broadcast.
    filter.accepted_only = filter.references.is_empty();
    if filter.references.len() > MAX_IDS {
        return error(
            ErrorKind::BadRequest,
            format,
            format!("at most {MAX_IDS} service_request_id values per request, not {}", filter.references.len()),
        );
    }
    // The spec: service_request_id overrides every other parameter.
    if !filter.references.is_empty() {
        // Each id is a guess at a key: unknown ones count against the address, as on the page.
        if let Err(e) = state.complaints.lookup_allowed(ip) {
            return HttpError::from(e).render(format.errors());
        }
        return match state.db.list_complaints(&filter).await {
            Ok(rows) => {
                for _ in rows.len()..filter.references.len() {
                    state.complaints.lookup_missed(ip);
                }
                requests_answer(state, headers, format, params, &rows)
            }
            Err(e) => unavailable(format, e),
        };
    }
    if let Some(codes) = params.get("service_code").filter(|v| !v.is_empty()) {
        for code in codes.split(',').map(str::trim) {
            match ComplaintCategory::from_code(code) {
                Some(c) => filter.categories.push(c),
                None => return error(ErrorKind::BadRequest, format, format!("unknown service_code {code:?}")),
            }
        }
    }
    let (start, end) = match (date_param(params, "start_date"), date_param(params, "end_date")) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(m), _) | (_, Err(m)) => return error(ErrorKind::BadRequest, format, m),
    };
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return error(ErrorKind::BadRequest, format, "start_date is after end_date");
        }
    }
    let start = match (start, end, filter.references.is_empty()) {
        (None, None, true) => Some(Utc::now() - chrono::Duration::days(DEFAULT_DAYS)),
        (None, Some(e), true) => Some(e - chrono::Duration::days(DEFAULT_DAYS)),
        (s, _, _) => s,
    };
    let utc = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    filter.start = start.map(utc);
    filter.end = end.map(utc);
    if let Some(status) = params.get("status").filter(|v| !v.is_empty()) {
        let wanted: Vec<&str> = status.split(',').map(str::trim).collect();
        if let Some(bad) = wanted.iter().find(|s| !matches!(**s, "open" | "closed")) {
            return error(ErrorKind::BadRequest, format, format!("status must be open, closed or both, not {bad:?}"));
        }
        filter.closed = match (wanted.contains(&"open"), wanted.contains(&"closed")) {
            (true, false) => Some(false),
            (false, true) => Some(true),
            _ => None,
        };
    }
    fetch(state, headers, format, params, &filter).await
}

async fn fetch(
    state: &AppState,
    headers: &HeaderMap,
    format: Format,
    params: &HashMap<String, String>,
    filter: &ComplaintFilter,
) -> Response {
    match state.db.list_complaints(filter).await {
        Ok(rows) => requests_answer(state, headers, format, params, &rows),
        Err(e) => unavailable(format, e),
    }
}

fn requests_answer(
    state: &AppState,
    headers: &HeaderMap,
    format: Format,
    params: &HashMap<String, String>,
    rows: &[ComplaintRecord],
) -> Response {
    let base = base_url(state, headers);
    let lang = lang(params);
    answer(
        StatusCode::OK,
        format,
        "service_requests",
        Value::Array(rows.iter().map(|r| request_json(r, &base, lang)).collect()),
    )
}

async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let Some((id, format)) = split(&file) else { return unknown_format(&file) };
    let Some(reference) = reference::normalize(id) else {
        return error(ErrorKind::NotFound, format, format!("no service request {id:?}"));
    };
    let ip = state.client_addr.of(headers, request.extensions());
    if let Err(e) = state.complaints.lookup_allowed(ip) {
        return HttpError::from(e).render(format.errors());
    }
    let filter = ComplaintFilter { references: vec![reference], limit: 1, ..Default::default() };
    match state.db.list_complaints(&filter).await {
        Ok(rows) if rows.is_empty() => {
            state.complaints.lookup_missed(ip);
            error(ErrorKind::NotFound, format, format!("no service request {id:?}"))
        }
        Ok(rows) => {
            let base = base_url(&state, headers);
            let body = Value::Array(rows.iter().map(|r| request_json(r, &base, lang(&params))).collect());
            answer(StatusCode::OK, format, "service_requests", body)
        }
        Err(e) => unavailable(format, e),
    }
}

async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = split(&file) else { return unknown_format(&file) };
    let lookup = if token.len() == 32 { state.db.open311_token(token).await } else { Ok(None) };
    match lookup {
        Ok(Some((reference, token))) => answer(
            StatusCode::OK,
            format,
            "service_requests",
            json!([{ "service_request_id": reference, "token": token }]),
        ),
        Ok(None) => error(ErrorKind::NotFound, format, format!("no service request for token {token:?}")),
        Err(e) => unavailable(format, e),
    }
}

/// Open311 datetimes (with a zone) as the China-time `YYYY-MM-DDTHH:MM` the form uses.
fn as_china_local(v: &str) -> String {
    match DateTime::parse_from_rfc3339(v.trim()) {
        Ok(t) => china_time::local(t.to_utc()).format("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => v.to_string(),
    }
}

/// `POST requests.{fmt}` (form-urlencoded, with `api_key`).
async fn create(State(state): State<AppState>, Path(file): Path<String>, request: Request) -> Response {
    let Some(("requests", format)) = split(&file) else { return unknown_format(&file) };
    let headers = request.headers().clone();
    let RawForm(raw) = match <RawForm as axum::extract::FromRequest<AppState>>::from_request(request, &state).await {
        Ok(form) => form,
        Err(_) => {
            return error(ErrorKind::BadRequest, format, "send the request as application/x-www-form-urlencoded");
        }
    };
    let params: HashMap<String, String> = form_urlencoded::parse(&raw).into_owned().collect();
    let Some(key) = params.get("api_key").filter(|k| !k.is_empty()) else {
        return error(ErrorKind::Forbidden, format, "api_key is required to create service requests");
    };
    let client = match state.db.api_key_name(key).await {
        Ok(Some(name)) => name,
        Ok(None) => return error(ErrorKind::Forbidden, format, "api_key is not valid (unknown or revoked)"),
        Err(e) => return unavailable(format, e),
    };
    let lang = lang(&params);
    let Some(code) = params.get("service_code").filter(|v| !v.is_empty()) else {
        return error(ErrorKind::BadRequest, format, "service_code is required");
    };
    if ComplaintCategory::from_code(code).is_none() {
        return error(ErrorKind::BadRequest, format, format!("unknown service_code {code:?}"));
    }
    let (lat, long, media_url) = match extras(&params) {
        Ok(extras) => extras,
        Err(message) => return error(ErrorKind::BadRequest, format, message),
    };
    let given = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let point = lat.zip(long);
    let venue = match location::resolve(&state, given("address_id"), point, given("address_string")).await {
        Ok(venue) => venue,
        Err(e) => return e.render(format.errors()),
    };
    let attr = |name: &str| params.get(&format!("attribute[{name}]")).cloned().unwrap_or_default();
    let contact = params.get("email").filter(|v| !v.is_empty()).or(params.get("phone")).cloned().unwrap_or_default();
    let name = [params.get("first_name"), params.get("last_name")]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let draft = ComplaintDraft {
        venue: Some(venue),
        category: code.clone(),
        description: params.get("description").cloned().unwrap_or_default(),
        occurred_at: as_china_local(&attr("occurred_at")),
        camera: attr("camera_id"),
        camera_time: attr("camera_time")
            .is_empty()
            .then(String::new)
            .unwrap_or_else(|| as_china_local(&attr("camera_time"))),
        contact,
        name,
        show_name: false,
    };
    let checked = match intake::check(&draft, Utc::now()) {
        Ok(c) => c,
        Err(problems) => return refuse(format, &problems, lang),
    };
    match state.db.complaint_venue(venue).await {
        Ok(None) => return error(ErrorKind::BadRequest, format, format!("no venue with address_id {}", venue.0)),
        Ok(Some(v)) if checked.camera.is_some_and(|c| !v.cameras.iter().any(|(id, _)| *id == c)) => {
            return refuse(format, &[Problem::UnknownCamera], lang)
        }
        Ok(Some(_)) => {}
        Err(e) => return unavailable(format, e),
    }
    // A client retrying the same POST sends the same Idempotency-Key and gets the same request.
    // Keys are per API key, so two clients' keys never meet; without one, every POST is new.
    let idempotency_key = match headers.get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Sha256::digest(k.as_bytes()).encode_hex::<String>(),
        Some(_) => {
            return error(ErrorKind::BadRequest, format, "Idempotency-Key must be 1 to 200 visible ASCII characters")
        }
        None => hex::encode(rand::random::<[u8; 16]>()),
    };
    let idempotency_key = format!("open311:{client}:{idempotency_key}");
    // A key reused for different content is a client bug: say so, never answer with the
    // other request as if it were this one.
    match state.db.complaint_by_key(&idempotency_key).await {
        Ok(Some((reference, hash))) if hash != checked.fingerprint() => {
            return error(
                ErrorKind::Unprocessable,
                format,
                format!(
                "this Idempotency-Key was used for a different request ({reference}); use a new key for a new request"
            ),
            )
        }
        Ok(_) => {}
        Err(e) => return unavailable(format, e),
    }
    let new = NewComplaint {
        idempotency_key,
        fields: checked,
        open311_token: Some(hex::encode(rand::random::<[u8; 16]>())),
        source: format!("open311:{client}"),
        lat,
        long,
        media_url,
        new_reference: crate::complaints::reference::generate,
    };
    match state.complaints.store(&new, Vec::new()).await {
        Ok(Outcome::Stored { reference, replayed }) => {
            let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
            let token = match state.db.open311_token(&reference).await {
                Ok(found) => found.map(|(_, token)| token),
                Err(e) => return unavailable(format, e),
            };
            let notice = if lang == Lang::Zh {
                "投诉已收到，将在7个工作日内决定是否受理。"
            } else {
                "Received: a decision on acceptance is due within 7 working days."
            };
            answer(
                status,
                format,
                "service_requests",
                json!([{ "service_request_id": reference, "token": token, "service_notice": notice, "account_id": null }]),
            )
        }
        Ok(Outcome::Refused { problems, .. }) => refuse(format, &problems, lang),
        Err(e) => unavailable(format, e),
    }
}

/// `lat`, `long`, `media_url`.
type Extras = (Option<f64>, Option<f64>, Option<String>);

/// The optional location and media link of a POST, checked: a value that is given must be
/// usable, or the client hears why.
fn extras(params: &HashMap<String, String>) -> Result<Extras, String> {
    let coordinate = |name: &str, max: f64| -> Result<Option<f64>, String> {
        match params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= max => Ok(Some(x)),
                _ => Err(format!("{name} must be a number between -{max} and {max} (WGS84 degrees), not {v:?}")),
            },
        }
    };
    let lat = coordinate("lat", 90.0)?;
    let long = coordinate("long", 180.0)?;
    let media_url = match params.get("media_url").map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match url::Url::parse(v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && v.len() <= 2000 => Some(v.to_string()),
            _ => return Err(format!("media_url must be an http(s) URL of at most 2,000 characters, not {v:?}")),
        },
    };
    Ok((lat, long, media_url))
}

/// Refusals name the Open311 parameter, then say what is wrong with it.
fn refuse(format: Format, problems: &[Problem], lang: Lang) -> Response {
    let param = |f: Field| match f {
        Field::Venue => "address_id",
        Field::Category => "service_code",
        Field::Description => "description",
        Field::OccurredAt => "attribute[occurred_at]",
        Field::Camera => "attribute[camera_id]",
        Field::CameraTime => "attribute[camera_time]",
        Field::Contact => "email/phone",
        Field::Name => "first_name/last_name",
        Field::Photos => "media",
        Field::Form => "request",
    };
    let problems = problems
        .iter()
        .map(|p| ParamProblem { param: param(p.field()).to_string(), message: p.message(lang) })
        .collect::<Vec<_>>();
    HttpError::invalid_parameters(problems).render(format.errors())
}
