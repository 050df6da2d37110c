//! Recorded video (staff only): a camera's recorded spans with a signed playlist link, the HLS
//! playlist and the recorded files behind signed links, and evidence clips cut from a range,
//! their SHA-256 written into the audit log. Exporting a clip writes (the audit entry, the
//! case's hold), so it is a POST, with the form's CSRF field when a signed-in browser sends it.
//! See docs/design/recording.md.

use super::account::{console_session, csrf_ok, csrf_refusal};
use super::api_auth::{api_actor, authorise_actor, About};
use super::error::HttpError;
use super::extract::{Named, Understood};
use crate::db::recordings::{CaseState, ClipRecord, Hold};
use crate::playback::{Playback, LINK_LIFETIME};
use crate::state::AppState;
use app::error::ErrorKind;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{Action, Actor};
use mingchu_domain::audit::Who;
use mingchu_domain::recording::{EvidenceCase, AFTER_EVENT, BEFORE_EVENT};
use mingchu_domain::vocab::CameraId;
use mingchu_media::hls::{self, PlaylistFile};
use mingchu_media::mp4;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cameras/{id}/recordings", get(list))
        .route("/api/v1/cameras/{id}/clip", post(clip))
        .route("/recordings/cameras/{id}/playlist.m3u8", get(playlist))
        .route("/recordings/cameras/{id}/window.mp4", get(window))
        .route("/recordings/segments/{id}/{part}", get(segment))
}

/// Who asks: the signed-in person (console) or, failing that, the bearer token's owner (API).
struct Asking {
    session: Option<(Actor, Who)>,
    headers: axum::http::HeaderMap,
}

impl Asking {
    fn of(state: &AppState, request: &Request) -> Asking {
        let address = state.client_addr.of(request.headers(), request.extensions()).map(|a| a.to_string());
        let session =
            console_session(request).map(|s| (s.actor.clone(), crate::accounts::who(&s.actor, address.as_deref())));
        Asking { session, headers: request.headers().clone() }
    }

    async fn caller(self, state: &AppState) -> Result<(Actor, Who), HttpError> {
        match self.session {
            Some(found) => Ok(found),
            None => api_actor(state, &self.headers).await,
        }
    }
}

fn playback(state: &AppState) -> Result<&Playback, HttpError> {
    state.playback.as_ref().ok_or_else(|| HttpError::not_found("this server does not record video"))
}

async fn known_camera(state: &AppState, id: i64) -> Result<(), HttpError> {
    match state.db.recording_policy(CameraId(id)).await? {
        Some(_) => Ok(()),
        None => Err(HttpError::no_camera(&id.to_string())),
    }
}

#[derive(Deserialize)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

fn time(given: Option<&str>, name: &str, default: DateTime<Utc>) -> Result<DateTime<Utc>, HttpError> {
    match given {
        None => Ok(default),
        Some(s) => s
            .parse::<DateTime<Utc>>()
            .map_err(|_| HttpError::bad_request(format!("{name} must be a time like 2026-12-02T08:00:00Z, not {s:?}"))),
    }
}

/// `[from, to)`, at most a day; the last hour by default.
fn range(q: &RangeQuery, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), HttpError> {
    let to = time(q.to.as_deref(), "to", now)?;
    let from = time(q.from.as_deref(), "from", to - chrono::Duration::hours(1))?;
    if from >= to {
        return Err(HttpError::bad_request("from must be before to"));
    }
    if to - from > chrono::Duration::days(1) {
        return Err(HttpError::bad_request("a recorded range is at most one day long"));
    }
    Ok((from, to))
}

fn ms(at: DateTime<Utc>) -> String {
    crate::db::recordings::ms(at)
}

#[derive(Serialize)]
struct Span {
    id: i64,
    start: String,
    end: String,
    bytes: u64,
    codec: String,
    width: u32,
    height: u32,
    /// The camera's clock minus the server's, when the camera told it.
    camera_offset_ms: Option<i64>,
    /// Indexed by recovery after an unclean stop.
    recovered: bool,
}

#[derive(Serialize)]
struct NoteView {
    at: String,
    kind: String,
    detail: String,
}

#[derive(Serialize)]
struct Recorded {
    camera: i64,
    from: String,
    to: String,
    /// What the recorder is doing now: off, standby, recording, disk_full.
    recorder: &'static str,
    spans: Vec<Span>,
    /// A link any HLS player can play for two hours; absent when nothing was recorded.
    playlist: Option<String>,
    notes: Vec<NoteView>,
}

async fn list(
    State(state): State<AppState>,
    Named(id): Named<i64>,
    Understood(q): Understood<RangeQuery>,
    request: Request,
) -> Response {
    let asking = Asking::of(&state, &request);
    drop(request);
    let answer = async {
        let (actor, _) = asking.caller(&state).await?;
        authorise_actor(&state, &actor, Action::ViewRecordings, About::Camera(id)).await?;
        let playback = playback(&state)?;
        known_camera(&state, id).await?;
        let now = Utc::now();
        let (from, to) = range(&q, now)?;
        let camera = CameraId(id);
        let segments = state.db.segments_between(camera, from, to).await?;
        let playlist = (!segments.is_empty()).then(|| {
            let (f, t) = (ms(from), ms(to));
            let path = format!("/recordings/cameras/{id}/playlist.m3u8?from={f}&to={t}");
            playback.link(&path, &format!("playlist:{id}:{f}:{t}"), (now + LINK_LIFETIME).timestamp())
        });
        let notes = state.db.recording_notes(Some(camera), 20).await?;
        Ok::<_, HttpError>(Recorded {
            camera: id,
            from: ms(from),
            to: ms(to),
            recorder: playback.recordings.state(camera).code(),
            spans: segments
                .into_iter()
                .map(|s| Span {
                    id: s.id,
                    start: ms(s.start),
                    end: ms(s.end),
                    bytes: s.bytes,
                    codec: s.codec,
                    width: s.width,
                    height: s.height,
                    camera_offset_ms: s.camera_offset_ms,
                    recovered: s.recovered,
                })
                .collect(),
            playlist,
            notes: notes.into_iter().map(|n| NoteView { at: ms(n.at), kind: n.kind, detail: n.detail }).collect(),
        })
    };
    match answer.await {
        Ok(recorded) => Json(recorded).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct Signed {
    from: Option<String>,
    to: Option<String>,
    exp: Option<i64>,
    sig: Option<String>,
}

fn link_refused() -> HttpError {
    HttpError::new(ErrorKind::Forbidden, "this playback link is not valid or has expired; open the recording again")
}

async fn playlist(State(state): State<AppState>, Named(id): Named<i64>, Understood(q): Understood<Signed>) -> Response {
    let answer = async {
        let playback = playback(&state)?;
        let (Some(f), Some(t), Some(exp), Some(sig)) = (&q.from, &q.to, q.exp, &q.sig) else {
            return Err(link_refused());
        };
        let now = Utc::now();
        if !playback.check(&format!("playlist:{id}:{f}:{t}"), exp, sig, now) {
            return Err(link_refused());
        }
        let (from, to) = range(&RangeQuery { from: Some(f.clone()), to: Some(t.clone()) }, now)?;
        let segments = state.db.segments_between(CameraId(id), from, to).await?;
        let files: Vec<PlaylistFile> = segments
            .iter()
            .map(|s| PlaylistFile {
                url: format!("/recordings/segments/{}", s.id),
                query: playback.link("", &format!("segment:{}", s.id), exp),
                start: s.start,
                fragments: &s.fragments,
            })
            .collect();
        hls::vod_playlist(&files, from, to).ok_or_else(|| HttpError::not_found("nothing was recorded in that range"))
    };
    match answer.await {
        Ok(list) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.apple.mpegurl")),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            ],
            list,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The longest stretch a window link plays (the timeline asks for about two minutes).
const LONGEST_WINDOW: chrono::Duration = chrono::Duration::minutes(5);

/// A recorded stretch cut into one MP4 from its first keyframe, for the console's timeline
/// page to play (a signed link it handed out; not an export, so not in the audit log). Serves
/// byte ranges, so the browser's player can seek in it.
async fn window(
    State(state): State<AppState>,
    Named(id): Named<i64>,
    Understood(q): Understood<Signed>,
    headers: axum::http::HeaderMap,
) -> Response {
    let answer = async {
        let playback = playback(&state)?;
        let (Some(f), Some(t), Some(exp), Some(sig)) = (&q.from, &q.to, q.exp, &q.sig) else {
            return Err(link_refused());
        };
        if !playback.check(&format!("window:{id}:{f}:{t}"), exp, sig, Utc::now()) {
            return Err(link_refused());
        }
        let (from, to) = (time(Some(f), "from", Utc::now())?, time(Some(t), "to", Utc::now())?);
        if from >= to || to - from > LONGEST_WINDOW {
            return Err(HttpError::bad_request("a played stretch is at most five minutes long"));
        }
        let segments = state.db.segments_between(CameraId(id), from, to).await?;
        let root = playback.recordings.root().to_path_buf();
        let cut = tokio::task::spawn_blocking(move || cut_clip(&root, &segments, from, to))
            .await
            .map_err(|e| HttpError::internal("cutting a recorded stretch", &e))??;
        Ok::<_, HttpError>(cut.bytes)
    };
    match answer.await {
        Ok(bytes) => byte_ranges(bytes, headers.get(header::RANGE)),
        Err(e) => e.into_response(),
    }
}

/// `bytes` as a video, or the one range the `Range` header asks for (206). Several ranges at
/// once, or one outside the file, are answered with the whole (HTTP lets a server ignore
/// `Range`).
fn byte_ranges(bytes: Vec<u8>, range: Option<&HeaderValue>) -> Response {
    let total = bytes.len() as u64;
    let common = [
        (header::CONTENT_TYPE, HeaderValue::from_static("video/mp4")),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
    ];
    match range.and_then(|r| r.to_str().ok()).and_then(|r| one_range(r, total)) {
        Some((start, end)) => {
            let part = bytes[start as usize..=end as usize].to_vec();
            let content_range = HeaderValue::from_str(&format!("bytes {start}-{end}/{total}")).expect("ASCII");
            (axum::http::StatusCode::PARTIAL_CONTENT, common, [(header::CONTENT_RANGE, content_range)], part)
                .into_response()
        }
        // No range, several, or one outside the file: ignored, as HTTP allows; the whole file.
        None => (common, bytes).into_response(),
    }
}

/// The first and last byte of the one range `Range: bytes=…` asks for in a body of `total`
/// bytes; `None` for anything else.
fn one_range(header: &str, total: u64) -> Option<(u64, u64)> {
    let asked = header.strip_prefix("bytes=")?;
    if asked.contains(',') || total == 0 {
        return None;
    }
    let (start, end) = match asked.split_once('-')? {
        ("", suffix) => (total.saturating_sub(suffix.parse::<u64>().ok().filter(|&n| n > 0)?), total - 1),
        (start, "") => (start.parse().ok()?, total - 1),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(total - 1)),
    };
    (start <= end && end < total).then_some((start, end))
}

#[derive(Deserialize)]
struct SignedPart {
    exp: Option<i64>,
    sig: Option<String>,
    /// Added to the fragment's decode time (90 kHz): its file's place on the playlist's line.
    shift: Option<u64>,
}

/// A recorded file's init segment (`init.mp4`) or one of its fragments (`{n}.m4s`), read from
/// the index's offsets.
async fn segment(
    State(state): State<AppState>,
    Named((id, part)): Named<(i64, String)>,
    Understood(q): Understood<SignedPart>,
    uri: axum::http::Uri,
) -> Response {
    let answer = async {
        let playback = playback(&state)?;
        let (Some(exp), Some(sig)) = (q.exp, &q.sig) else { return Err(link_refused()) };
        if !playback.check(&format!("segment:{id}"), exp, sig, Utc::now()) {
            return Err(link_refused());
        }
        let segment = state.db.segment(id).await?.ok_or_else(|| HttpError::not_found("no such recording"))?;
        if let Some(elsewhere) = on_another_node(&state, segment.node.as_deref(), &uri).await? {
            return Ok(Err(elsewhere));
        }
        let (offset, len, fragment) = if part == "init.mp4" {
            (0, segment.init_len, false)
        } else {
            let n: usize = part
                .strip_suffix(".m4s")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| HttpError::not_found("no such part of the recording"))?;
            let f = segment.fragments.get(n).ok_or_else(|| HttpError::not_found("no such part of the recording"))?;
            (f.offset, f.len, true)
        };
        let path = playback.recordings.root().join(&segment.path);
        let mut bytes = tokio::task::spawn_blocking(move || read_at(&path, offset, len))
            .await
            .map_err(|e| HttpError::internal("reading a recording", &e))?
            .map_err(|e| HttpError::internal(&format!("reading the recorded file {}", segment.path), &e))?;
        if fragment {
            mp4::shift_fragment(&mut bytes, q.shift.unwrap_or(0))
                .ok_or_else(|| HttpError::internal("shifting a recorded fragment", &"not a fragment"))?;
        }
        Ok::<_, HttpError>(Ok((bytes, fragment)))
    };
    match answer.await {
        Ok(Err(redirect)) => redirect,
        Ok(Ok((bytes, fragment))) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(if fragment { "video/iso.segment" } else { "video/mp4" }),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn read_at(path: &std::path::Path, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = vec![0; len as usize];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

#[derive(Deserialize)]
struct ClipQuery {
    at: Option<String>,
    /// Seconds before `at` (default 10).
    before: Option<u32>,
    /// Seconds after `at` (default 20).
    after: Option<u32>,
    /// The case the clip is evidence in (`capture:12`, `order:5`, `complaint:MC-…`): the range
    /// is then kept past retention while the case is open and for a while after.
    case: Option<String>,
}

/// Cuts `[at - before, at + after]` into one MP4 (keyframe-aligned, not re-encoded).
async fn clip(
    State(state): State<AppState>,
    Named(id): Named<i64>,
    Understood(q): Understood<ClipQuery>,
    request: Request,
) -> Response {
    let asking = Asking::of(&state, &request);
    if asking.session.is_some() {
        // A signed-in browser posts the timeline's form: another site could make it post, but
        // not write this browser's CSRF field.
        let body = axum::body::to_bytes(request.into_body(), 16 * 1024).await.unwrap_or_default();
        let field = url::form_urlencoded::parse(&body).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
        if !csrf_ok(&state, &asking.headers, field.as_deref().unwrap_or_default()) {
            let lang = app::i18n::lang_from_cookies(&asking.headers);
            return (StatusCode::FORBIDDEN, csrf_refusal(lang)).into_response();
        }
    } else {
        drop(request);
    }
    let answer = async {
        let (actor, who) = asking.caller(&state).await?;
        authorise_actor(&state, &actor, Action::ExportEvidence, About::Camera(id)).await?;
        let playback = playback(&state)?;
        known_camera(&state, id).await?;
        let at =
            q.at.as_deref()
                .ok_or_else(|| HttpError::bad_request("say the moment of the clip with at=2026-12-02T08:00:00Z"))?;
        let at = time(Some(at), "at", Utc::now())?;
        let before = q.before.map_or(BEFORE_EVENT, |s| chrono::Duration::seconds(s as i64));
        let after = q.after.map_or(AFTER_EVENT, |s| chrono::Duration::seconds(s as i64));
        if before + after > chrono::Duration::minutes(10) {
            return Err(HttpError::bad_request("a clip is at most ten minutes long"));
        }
        let (from, to) = (at - before, at + after);
        let camera = CameraId(id);
        let case = match q.case.as_deref().filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(given) => {
                let case = EvidenceCase::parse(given).map_err(HttpError::bad_request)?;
                if state.db.case_state(&case).await? == CaseState::Missing {
                    return Err(HttpError::not_found(format!("there is no {case}")));
                }
                Some(case)
            }
        };
        let segments = state.db.segments_between(camera, from, to).await?;
        let root = playback.recordings.root().to_path_buf();
        let cut = tokio::task::spawn_blocking(move || cut_clip(&root, &segments, from, to))
            .await
            .map_err(|e| HttpError::internal("cutting a clip", &e))??;
        let CutClip { bytes, first, last } = cut;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let record = ClipRecord {
            from: first,
            to: last,
            bytes: bytes.len() as u64,
            sha256: sha256.clone(),
            case: case.as_ref().map(ToString::to_string),
        };
        let now = Utc::now();
        state.db.log_clip_export(camera, &record, &who, now).await?;
        if let Some(case) = case {
            let hold = Hold { camera, from: first, to: last, case };
            state.db.add_hold(&hold, Some(&sha256), &who, now).await?;
        }
        Ok::<_, HttpError>((bytes, sha256, first))
    };
    match answer.await {
        Ok((bytes, sha256, first)) => {
            let name = format!("camera-{id}-{}.mp4", first.format("%Y%m%dT%H%M%SZ"));
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("video/mp4")),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ASCII"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
                    (header::HeaderName::from_static("x-content-sha256"), HeaderValue::from_str(&sha256).expect("hex")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// An evidence clip and where on the server's clock its first and last pictures lie.
struct CutClip {
    bytes: Vec<u8>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// Blocking: reads the files and cuts `[from, to)` out of them.
fn cut_clip(
    root: &std::path::Path,
    segments: &[crate::db::recordings::Segment],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<CutClip, HttpError> {
    let mut datas = Vec::new();
    for s in segments {
        let data = std::fs::read(root.join(&s.path))
            .map_err(|e| HttpError::internal(&format!("reading the recorded file {}", s.path), &e))?;
        datas.push(data);
    }
    // One line for all files, from the earliest of the range and the first file.
    let origin = segments.first().map_or(from, |s| s.start.min(from));
    let ticks = |t: DateTime<Utc>| ((t - origin).num_milliseconds().max(0) as u64) * 90;
    let parts: Vec<mp4::ClipPart> = segments
        .iter()
        .zip(&datas)
        .map(|(s, data)| mp4::ClipPart { file: data, start: ticks(s.start), from: ticks(from), to: ticks(to) })
        .collect();
    let clip = mp4::cut(&parts).map_err(|e| HttpError::not_found(e.to_string()))?;
    let first = origin + chrono::Duration::milliseconds((clip.first / 90) as i64);
    let last = first + chrono::Duration::milliseconds((clip.duration / 90) as i64);
    Ok(CutClip { bytes: clip.bytes, first, last })
}

/// A recorded file on another media node's disk is served there: `307` to that node with the
/// same signed link (the signing key is shared through the database). `None`: the file is here.
async fn on_another_node(
    state: &AppState,
    node: Option<&str>,
    uri: &axum::http::Uri,
) -> Result<Option<Response>, HttpError> {
    let (Some(nodes), Some(node)) = (&state.nodes, node) else { return Ok(None) };
    if node == nodes.me().0 {
        return Ok(None);
    }
    let name = mingchu_domain::placement::NodeName(node.to_string());
    let Some(base) = nodes.url_of(&name).await? else {
        return Err(HttpError::new(
            ErrorKind::Unavailable,
            format!("this recording is kept on media node {node}, which is not running; try again when it is back"),
        )
        .retry_after(30));
    };
    let target = format!("{}{}", base.trim_end_matches('/'), uri.path_and_query().map_or(uri.path(), |p| p.as_str()));
    Ok(Some(super::placement::redirect(&target)))
}

#[cfg(test)]
mod tests {
    use super::one_range;

    #[test]
    fn one_byte_range_is_read_and_anything_else_means_the_whole() {
        assert_eq!(one_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(one_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(one_range("bytes=90-500", 100), Some((90, 99)));
        assert_eq!(one_range("bytes=-30", 100), Some((70, 99)));
        assert_eq!(one_range("bytes=-300", 100), Some((0, 99)));
        for whole in ["bytes=100-", "bytes=20-10", "bytes=-0", "bytes=0-1,5-9", "items=0-1", "bytes=a-b", "bytes=5"] {
            assert_eq!(one_range(whole, 100), None, "{whole}");
        }
        assert_eq!(one_range("bytes=0-", 0), None);
    }
}
