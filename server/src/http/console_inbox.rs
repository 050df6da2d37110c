//! The inbox's forms: marking a notice read, adding and removing where notices are pushed.
//! Each asks the policy about the venue or office concerned; changes to webhooks are audited.

use super::account::{see_other, visitor_of, ConsolePost};
use super::error::HttpError;
use crate::db::push::WebhookOwner;
use crate::state::AppState;
use app::api::InboxEcho;
use app::i18n::Lang;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use mingchu_domain::access::{decide, Action, Actor, Object, OfficeId};
use mingchu_domain::push::{check_webhook, Channel, WebhookProblem};
use mingchu_domain::vocab::VenueId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/inbox/{id}/read", post(mark_read))
        .route("/console/inbox/{id}/respond", post(respond))
        .route("/console/webhooks", post(add))
        .route("/console/webhooks/{id}/remove", post(remove))
}

/// Asks the policy whether `actor` may do `action` to a venue (missing: not theirs).
async fn on_venue(state: &AppState, actor: &Actor, action: Action, venue: Option<VenueId>) -> Result<(), Response> {
    super::api_auth::authorise_venue(state, actor, action, venue).await.map_err(IntoResponse::into_response)
}

async fn on_owner(state: &AppState, actor: &Actor, owner: WebhookOwner) -> Result<(), Response> {
    match owner {
        WebhookOwner::Venue(v) => on_venue(state, actor, Action::ManageWebhooks, Some(VenueId(v))).await,
        WebhookOwner::Office(o) => decide(actor, Action::ManageWebhooks, &Object::Office(OfficeId(o)))
            .map_err(|r| HttpError::new(app::error::ErrorKind::Forbidden, r.to_string()).into_response()),
    }
}

/// The inbox shown again at `status` with what went wrong (and the webhook form as typed).
async fn inbox_again(
    state: &AppState,
    signed_in: &crate::accounts::SignedIn,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    echo: InboxEcho,
) -> Response {
    let visitor = visitor_of(state, headers, signed_in);
    let provide = move || leptos::prelude::provide_context(echo.clone());
    super::render::page_again(state, headers, "/console/inbox", status, provide, Some(visitor)).await
}

async fn mark_read(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, _, _, _) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let venue = match state.db.notice_venue(id).await {
        Ok(v) => v,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in.actor, Action::ViewVenue, venue).await {
        return r;
    }
    match state.db.mark_read(id, signed_in.actor.user.0, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/inbox#n{id}")),
        Err(e) => HttpError::from(e).into_response(),
    }
}

fn problem_text(lang: Lang, problem: &WebhookProblem) -> String {
    match (lang, problem) {
        (Lang::Zh, WebhookProblem::NotHttp) => "地址须以 https:// 开头（同一网络内的接收端可用 http://）。".into(),
        (Lang::Zh, WebhookProblem::SecretNeeded(_)) => "此类型需要签名密钥。".into(),
        (Lang::Zh, WebhookProblem::SecretNotTaken) => {
            "企业微信群机器人没有签名密钥，其 key 已在地址中，请将密钥留空。".into()
        }
        (Lang::Zh, WebhookProblem::WeComKey) => {
            "企业微信群机器人的地址应包含 key=…（在群设置的“群机器人”中复制）。".into()
        }
        (Lang::Zh, WebhookProblem::DingTalkToken) => {
            "钉钉机器人的地址应包含 access_token=…（在机器人设置中复制）。".into()
        }
        (Lang::Zh, WebhookProblem::SecretLength) => "签名密钥应为16至200个字符。".into(),
        (Lang::En, problem) => {
            let text = problem.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str() + ".").unwrap_or_default()
        }
    }
}

async fn add(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    let owner = match form.value("owner").unwrap_or_default().split_once(':') {
        Some(("venue", id)) => id.parse().ok().map(WebhookOwner::Venue),
        Some(("office", id)) => id.parse().ok().map(WebhookOwner::Office),
        _ => None,
    };
    let Some(owner) = owner else {
        return (StatusCode::BAD_REQUEST, "choose whose notices are pushed").into_response();
    };
    if let Err(r) = on_owner(&state, &signed_in.actor, owner).await {
        return r;
    }
    let url = form.value("url").unwrap_or_default().trim().to_string();
    let label = form.value("label").unwrap_or_default().trim().chars().take(60).collect::<String>();
    let secret = form.value("secret").map(str::trim).filter(|s| !s.is_empty());
    let checked = match Channel::from_code(form.value("channel").unwrap_or_default()) {
        Some(channel) => check_webhook(channel, &url, secret).map(|()| channel).map_err(|p| problem_text(lang, &p)),
        None => Err(match lang {
            Lang::Zh => "请选择推送类型。".into(),
            Lang::En => "Choose the kind of webhook.".into(),
        }),
    };
    let channel = match checked {
        Ok(channel) => channel,
        Err(problem) => {
            let echo = InboxEcho { problem, url, label };
            return inbox_again(&state, &signed_in, &headers, StatusCode::BAD_REQUEST, echo).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let by = Some(signed_in.actor.user.0).filter(|id| *id > 0);
    match state.db.add_webhook(owner, channel, &url, secret, &label, by, &who, chrono::Utc::now()).await {
        Ok(_) => see_other("/console/inbox?webhook=added#webhooks"),
        Err(e) => HttpError::from(e).into_response(),
    }
}

async fn remove(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, _, _, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let owner = match state.db.webhook_owner(id).await {
        Ok(Some(owner)) => owner,
        Ok(None) => {
            // Not there: only someone who may act on everything learns that.
            return match decide(&signed_in.actor, Action::ManageWebhooks, &Object::Missing) {
                Ok(()) => HttpError::new(app::error::ErrorKind::NotFound, "there is no such webhook").into_response(),
                Err(refusal) => HttpError::new(app::error::ErrorKind::Forbidden, refusal.to_string()).into_response(),
            };
        }
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_owner(&state, &signed_in.actor, owner).await {
        return r;
    }
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.disable_webhook(id, &who, chrono::Utc::now()).await {
        Ok(_) => see_other("/console/inbox?webhook=removed#webhooks"),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// `POST /console/inbox/{id}/respond`: the venue's operator answers a notice (a confirmed
/// finding, a camera offline), for those covering the venue to read.
async fn respond(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, form, headers, address) = match ConsolePost::read(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let notice = match state.db.notice_subject(id).await {
        Ok(n) => n,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(r) = on_venue(&state, &signed_in.actor, Action::ReplyForVenue, notice.as_ref().map(|n| n.0)).await {
        return r;
    }
    let Some((venue, subject, withdrawn)) = notice else {
        return HttpError::new(app::error::ErrorKind::NotFound, "there is no such notice").into_response();
    };
    let lang = app::i18n::lang_from_cookies(&headers);
    if withdrawn {
        return HttpError::new(
            app::error::ErrorKind::Conflict,
            "this notice was withdrawn; there is nothing to answer",
        )
        .into_response();
    }
    let body = match mingchu_domain::venue::response(form.value("body").unwrap_or_default()) {
        Ok(body) => body,
        Err(problem) => {
            let echo = InboxEcho {
                problem: match (lang, problem) {
                    (Lang::Zh, mingchu_domain::venue::ResponseProblem::Empty) => "回复内容不能为空。".into(),
                    (Lang::Zh, _) => "回复最多2000字。".into(),
                    (Lang::En, p) => format!("{p}."),
                },
                url: String::new(),
                label: String::new(),
            };
            return inbox_again(&state, &signed_in, &headers, StatusCode::BAD_REQUEST, echo).await;
        }
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    let author = Some(signed_in.actor.user.0).filter(|u| *u > 0);
    match state.db.add_response(venue, &subject, &body, author, &who, chrono::Utc::now()).await {
        Ok(()) => see_other(&format!("/console/inbox#n{id}")),
        Err(e) => HttpError::from(e).into_response(),
    }
}
