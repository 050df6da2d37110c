//! The venue desk's forms: a venue's status with its reason and effective date, a camera made
//! private or public, a reply published or rejected. Each asks the policy about the venue; the
//! domain decides the rest; every change is audited.

use super::account::{see_other, visitor_of, ConsolePost};
use super::api_auth::{authorise_actor, About};
use super::error::HttpError;
use crate::accounts::SignedIn;
use crate::db::venue_desk::CameraFlag;
use crate::db::ReplyError;
use crate::state::AppState;
use app::api::VenueEcho;
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use mingchu_domain::access::Action;
use mingchu_domain::venue::{change_status, StatusRefusal};
use mingchu_domain::vocab::{VenueId, VenueStatus};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/venues/{id}/status", post(status))
        .route("/console/cameras/{id}/visibility", post(visibility))
        .route("/console/cameras/{id}/always-on", post(always_on))
        .route("/console/cameras/{id}/recording", post(recording))
        .route("/console/venues/{id}/cameras", post(add_camera))
        .route("/console/venues/{id}/screens", post(add_screen))
        .route("/console/screens/{id}/revoke", post(revoke_screen))
        .route("/console/inspections/{id}/replies", post(reply))
        .route("/console/replies/{id}/moderate", post(moderate))
}

/// Asks the policy whether the signed-in person may do `action` to `venue` (missing: refused
/// unless they may act on everything).
async fn on_venue(
    state: &AppState,
    signed_in: &SignedIn,
    action: Action,
    venue: Option<VenueId>,
) -> Result<(), Response> {
    super::api_auth::authorise_venue(state, &signed_in.actor, action, venue).await.map_err(IntoResponse::into_response)
}

async fn venue_again(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    venue: i64,
    status: StatusCode,
    problem: String,
    reason: String,
) -> Response {
    let echo = VenueEcho { problem, reason, issued: None };
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, &format!("/console/venues/{venue}"), status, provide, Some(visitor)).await
}

fn refusal_text(lang: Lang, refusal: &StatusRefusal) -> String {
    match (lang, refusal) {
        (Lang::Zh, StatusRefusal::Same(_)) => "单位已是该状态。".into(),
        (Lang::Zh, StatusRefusal::NoReason) => "变更经营状态须写明原因。".into(),
        (Lang::Zh, StatusRefusal::ReasonTooLong) => "原因最多500字。".into(),
        (Lang::Zh, StatusRefusal::Future) => "生效日期不能晚于今天。".into(),
        (Lang::Zh, StatusRefusal::BeforeCurrent(day)) => format!("生效日期不能早于当前状态的开始日期 {day}。"),
        (Lang::En, refusal) => {
            let text = refusal.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

async fn status(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ChangeVenueStatus, Some(VenueId(id))).await {
        return r;
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let reason = form.value("reason").unwrap_or_default().to_string();
    let facts = match state.db.venue_facts(VenueId(id)).await {
        Ok(Some(f)) => f,
        Ok(None) => return HttpError::new(app::error::ErrorKind::NotFound, "there is no such venue").into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let to = form.value("status").and_then(VenueStatus::from_code);
    let since = form.value("since").and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (Some(to), Some(since)) = (to, since) else {
        let problem = match lang {
            Lang::Zh => "请选择新的状态并填写生效日期。".to_string(),
            Lang::En => "Choose the new status and its effective date.".to_string(),
        };
        return venue_again(&state, &signed_in, &headers, id, StatusCode::BAD_REQUEST, problem, reason).await;
    };
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let change = match change_status(facts.status, facts.since, to, since, today, &reason) {
        Ok(change) => change,
        Err(refusal) => {
            let status = match refusal {
                StatusRefusal::Same(_) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            return venue_again(&state, &signed_in, &headers, id, status, refusal_text(lang, &refusal), reason).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.change_venue_status(VenueId(id), &change, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/venues/{id}?done=status")),
        Err(e) => HttpError::from(e).into_response(),
    }
}

async fn visibility(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, _, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, Action::ManageCameras, About::Camera(id)).await {
        return refused.into_response();
    }
    let public = form.value("public") == Some("1");
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let venue = match state.db.venue_of(crate::db::tokens::VenueOf::Camera(id)).await {
        Ok(Some(v)) => v,
        Ok(None) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    match state.db.set_camera_flag(id, CameraFlag::Public, public, &who, chrono::Utc::now()).await {
        Ok(true) => see_other(&format!("/console/venues/{venue}?done=camera")),
        Ok(false) => HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// What a camera records and for how long: saved (audited) and applied to its recorder at once.
async fn recording(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    use mingchu_domain::recording::{check_retention, RecordingPolicy};
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, Action::ManageRecording, About::Camera(id)).await {
        return refused.into_response();
    }
    let venue = match state.db.venue_of(crate::db::tokens::VenueOf::Camera(id)).await {
        Ok(Some(v)) => v,
        Ok(None) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let policy = form.value("policy").and_then(RecordingPolicy::from_code);
    let days =
        form.value("retention_days").and_then(|d| d.trim().parse::<u32>().ok()).filter(|d| check_retention(*d).is_ok());
    let (Some(policy), Some(days)) = (policy, days) else {
        let problem = match (app::i18n::lang_from_cookies(&headers), policy) {
            (Lang::Zh, None) => "录像设置未保存：请选择连续录像、按事件录像或不录像。",
            (Lang::Zh, Some(_)) => "录像设置未保存：保存天数须为 1 至 365 的整数。",
            (Lang::En, None) => "The recording setting was not saved: choose continuous, on events or off.",
            (Lang::En, Some(_)) => {
                "The recording setting was not saved: the days kept must be a whole number from 1 to 365."
            }
        };
        let status = StatusCode::BAD_REQUEST;
        return venue_again(&state, &signed_in, &headers, venue.0, status, problem.to_string(), String::new()).await;
    };
    let camera = mingchu_domain::vocab::CameraId(id);
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.set_recording_policy(camera, policy, days, &who, chrono::Utc::now()).await {
        Ok(true) => {}
        Ok(false) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    }
    if let Some(playback) = &state.playback {
        if let Err(e) = playback.recordings.set_policy(camera, policy).await {
            tracing::warn!(camera = id, error = %e, "the recording change applies at the next start");
        }
    }
    settings_changed(&state, camera).await;
    see_other(&format!("/console/venues/{venue}?done=camera"))
}

async fn moderate(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = match state.db.reply_venue(id).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ModerateReply, venue).await {
        return r;
    }
    let Some(venue) = venue else {
        return HttpError::new(app::error::ErrorKind::NotFound, "there is no such reply").into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let publish = form.value("decision") == Some("publish");
    let note = form.value("note");
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.moderate_reply(id, publish, if publish { None } else { note }, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/venues/{venue}?done=reply#replies")),
        Err(ReplyError::NoReason) => {
            let problem = match lang {
                Lang::Zh => "不发布须写明理由，单位会看到。".to_string(),
                Lang::En => "A rejection needs a reason; the venue is told it.".to_string(),
            };
            venue_again(&state, &signed_in, &headers, venue.0, StatusCode::BAD_REQUEST, problem, String::new()).await
        }
        Err(e @ ReplyError::AlreadyModerated { .. }) => (StatusCode::CONFLICT, e.to_string()).into_response(),
        Err(ReplyError::Db(e)) => HttpError::from(e).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

async fn always_on(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, _, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(refused) = authorise_actor(&state, &signed_in.actor, Action::ManageCameras, About::Camera(id)).await {
        return refused.into_response();
    }
    let on = form.value("on") == Some("1");
    let venue = match state.db.venue_of(crate::db::tokens::VenueOf::Camera(id)).await {
        Ok(Some(v)) => v,
        Ok(None) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.set_camera_flag(id, CameraFlag::AlwaysOn, on, &who, chrono::Utc::now()).await {
        Ok(true) => {}
        Ok(false) => return HttpError::no_camera(&id.to_string()).into_response(),
        Err(e) => return HttpError::from(e).into_response(),
    }
    // At once: started and kept running, or left to run only while watched.
    if let Err(e) = state.media.cameras.set_always_on(mingchu_domain::vocab::CameraId(id), on).await {
        tracing::warn!(camera = id, error = %e, "the always-on change applies at the next start");
    }
    settings_changed(&state, mingchu_domain::vocab::CameraId(id)).await;
    see_other(&format!("/console/venues/{venue}?done=camera"))
}

async fn add_camera(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ManageCameras, Some(VenueId(id))).await {
        return r;
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let name = form.value("name").unwrap_or_default().trim().to_string();
    let url = form.value("url").unwrap_or_default().trim().to_string();
    let area = form.value("area").and_then(mingchu_domain::vocab::KitchenArea::from_code);
    let problem = match (name.is_empty() || name.chars().count() > 40, area, crate::camera_cli::check_url(&url)) {
        (true, _, _) => Some(match lang {
            Lang::Zh => "摄像头需要名称（最多40字）。".to_string(),
            Lang::En => "The camera needs a name (at most 40 characters).".to_string(),
        }),
        (_, None, _) => Some(match lang {
            Lang::Zh => "请选择拍摄的后厨区域。".to_string(),
            Lang::En => "Choose the kitchen area it shows.".to_string(),
        }),
        // The sentence never repeats a password from the address.
        (_, _, Err(e)) => Some(match lang {
            Lang::Zh => format!("摄像头地址应为 rtsp://[用户名:密码@]主机[:端口]/路径。（{e}）"),
            Lang::En => format!("The camera address is rtsp://[user:password@]host[:port]/path ({e})."),
        }),
        _ => None,
    };
    if let Some(problem) = problem {
        return venue_again(&state, &signed_in, &headers, id, StatusCode::BAD_REQUEST, problem, String::new()).await;
    }
    let always_on = form.value("always_on") == Some("1");
    let camera = crate::db::NewCamera {
        venue: VenueId(id),
        name: &name,
        area: area.expect("checked above"),
        url: Some(&url),
        public: form.value("public") == Some("1"),
        transport: if form.value("transport") == Some("udp") { "udp" } else { "tcp" },
        always_on,
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.add_camera(&camera, &who, chrono::Utc::now()).await {
        Ok(camera) => {
            if always_on {
                if let Err(e) = state.media.cameras.set_always_on(camera, true).await {
                    tracing::warn!(camera = %camera, error = %e, "the new camera starts at the next start");
                }
                settings_changed(&state, camera).await;
            }
            see_other(&format!("/console/venues/{id}?done=camera"))
        }
        Err(e) => HttpError::from(e).into_response(),
    }
}

async fn add_screen(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ManageScreens, Some(VenueId(id))).await {
        return r;
    }
    let lang = app::i18n::lang_from_cookies(&headers);
    let name = form.value("name").map(str::trim).filter(|n| !n.is_empty());
    let screen = crate::db::NewScreen {
        venue: VenueId(id),
        name,
        low_bandwidth: form.value("low_bandwidth") == Some("1"),
        promote_seconds: 0,
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.add_screen(&screen, &who).await {
        Ok(issued) => {
            // Shown once, on this page: only its hash is kept.
            let base = match &state.public_url {
                Some(url) => url.as_str().trim_end_matches('/').to_string(),
                None => {
                    let host =
                        headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
                    format!("http://{host}")
                }
            };
            let echo = VenueEcho {
                problem: String::new(),
                reason: String::new(),
                issued: Some(format!("{base}/display/{}", issued.token)),
            };
            let visitor = visitor_of(&state, &headers, &signed_in);
            let provide = move || leptos::prelude::provide_context(echo.clone());
            super::render::page_again(
                &state,
                &headers,
                &format!("/console/venues/{id}"),
                StatusCode::CREATED,
                provide,
                Some(visitor),
            )
            .await
        }
        Err(crate::db::ScreenError::NameTooLong(_)) => {
            let problem = match lang {
                Lang::Zh => "屏幕名称过长。".to_string(),
                Lang::En => "The screen's name is too long.".to_string(),
            };
            venue_again(&state, &signed_in, &headers, id, StatusCode::BAD_REQUEST, problem, String::new()).await
        }
        Err(crate::db::ScreenError::Db(e)) => HttpError::from(e).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

async fn revoke_screen(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, _, _, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = match state.db.list_screens(None).await {
        Ok(screens) => screens.into_iter().find(|s| s.id == id).map(|s| VenueId(s.venue_id)),
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ManageScreens, venue).await {
        return r;
    }
    let Some(venue) = venue else {
        return HttpError::new(app::error::ErrorKind::NotFound, "there is no such screen").into_response();
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.revoke_screen(mingchu_domain::vocab::ScreenId(id), &who).await {
        Ok(()) => see_other(&format!("/console/venues/{venue}?done=screen#screens")),
        Err(crate::db::ScreenError::Db(e)) => HttpError::from(e).into_response(),
        Err(e) => (StatusCode::CONFLICT, e.to_string()).into_response(),
    }
}

/// `POST /console/inspections/{id}/replies`: the venue's operator answers an inspection (or one
/// of its findings); the reply waits for moderation before it is public.
async fn reply(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = match state.db.inspection_venue(id).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in, Action::ReplyForVenue, venue).await {
        return r;
    }
    let Some(venue) = venue else {
        return HttpError::new(app::error::ErrorKind::NotFound, "there is no such inspection").into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let finding = form.value("finding").and_then(|f| f.parse::<u32>().ok()).filter(|f| *f > 0);
    let body = form.value("body").unwrap_or_default().to_string();
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let reply = crate::db::NewReply { inspection_id: id, finding, body: &body };
    match state.db.add_reply(&reply, &who, chrono::Utc::now()).await {
        Ok(_) => see_other(&format!("/console/venues/{}?done=reply", venue.0)),
        Err(ReplyError::Db(e)) => HttpError::from(e).into_response(),
        Err(e) => {
            let problem = match (lang, &e) {
                (Lang::Zh, ReplyError::Empty) => "回复内容不能为空。".to_string(),
                (Lang::Zh, ReplyError::TooLong(_)) => "回复最多2000字。".to_string(),
                (Lang::Zh, _) => "无法识别所回复的检查项目。".to_string(),
                (Lang::En, e) => format!("{e}."),
            };
            venue_again(&state, &signed_in, &headers, venue.0, StatusCode::BAD_REQUEST, problem, String::new()).await
        }
    }
}

/// A camera's settings were changed here: applied above when this server runs the camera;
/// on a media node, the node holding it is told (docs/design/scale.md).
async fn settings_changed(state: &AppState, camera: mingchu_domain::vocab::CameraId) {
    if let Some(nodes) = &state.nodes {
        nodes.publish(&crate::nodes::events::Event::CameraSettings { camera: camera.0 }).await;
    }
}
