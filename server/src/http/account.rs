//! Signing in and out, setting a password from a link, ending sessions; and the middleware
//! that finds who is signed in (and the browser's CSRF secret) before anything renders.

use crate::accounts::{csrf, LinkError, LoginError, SignedIn, SESSION_COOKIE};
use crate::state::AppState;
use app::api::{AccountEcho, SignedInUser, Visitor};
use app::i18n::{lang_from_cookies, Lang};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use chrono::Utc;
use leptos::prelude::provide_context;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/login", post(login))
        .route("/account/logout", post(logout))
        .route("/account/password/{secret}", post(set_password))
        .route("/console/sessions/{id}/end", post(end_session))
        .route("/console/totp/start", post(totp_start))
        .route("/console/totp/confirm", post(totp_confirm))
        .route("/console/totp/off", post(totp_off))
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|value| {
        value.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then_some(v)
        })
    })
}

/// The signed-in person of a request, as the middleware found them.
#[derive(Clone)]
pub struct Session(pub Option<SignedIn>);

/// Where a request came from (the peer, or the proxy's header), for the audit log.
#[derive(Clone)]
pub struct RequestAddress(pub String);

/// Whether a path is one of the workspace's pages, whose forms need the CSRF cookie.
fn workspace_page(path: &str) -> bool {
    path.starts_with("/account/") || path == "/console" || path.starts_with("/console/")
}

fn cookie_attributes(https: bool) -> &'static str {
    if https {
        "Path=/; HttpOnly; Secure"
    } else {
        "Path=/; HttpOnly"
    }
}

/// Finds the session (from its cookie) and the browser's CSRF secret, and leaves both in the
/// request for handlers and pages; gives a browser without a CSRF secret one on workspace pages.
pub async fn visitor(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let signed_in = match cookie(headers, SESSION_COOKIE) {
        Some(secret) => state.accounts.session(secret, Utc::now()).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not look the session up");
            None
        }),
        None => None,
    };
    let (secret, fresh) = match cookie(headers, csrf::COOKIE) {
        Some(s) => (s.to_string(), false),
        None => (csrf::browser_secret(), workspace_page(request.uri().path())),
    };
    let user = signed_in.as_ref().map(signed_in_user);
    let path = request.uri().path();
    let console_page =
        request.method() == axum::http::Method::GET && (path == "/console" || path.starts_with("/console/"));
    if console_page && user.is_none() {
        // The console's pages are for people signed in: sign in first, then come back.
        let back = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/console");
        return see_other(&format!("/account/login?next={}", urlencoding(back)));
    }
    request.extensions_mut().insert(Visitor { csrf: state.accounts.csrf.token(&secret), user });
    request.extensions_mut().insert(Session(signed_in));
    let address = client_address(&state, &request);
    request.extensions_mut().insert(RequestAddress(address));
    let mut response = next.run(request).await;
    if fresh {
        let https = state.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
        let value = format!("{}={secret}; {}; SameSite=Strict", csrf::COOKIE, cookie_attributes(https));
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn signed_in_user(s: &SignedIn) -> SignedInUser {
    SignedInUser {
        id: s.actor.user,
        session: s.session,
        login: s.login.clone(),
        display_name: s.display_name.clone(),
        role: s.actor.role.code().to_string(),
        actor: s.actor.clone(),
    }
}

/// The visitor of a request that posted a console form, for rendering a page again.
pub(super) fn visitor_of(state: &AppState, headers: &HeaderMap, signed_in: &SignedIn) -> Visitor {
    let secret = cookie(headers, csrf::COOKIE).unwrap_or_default();
    Visitor { csrf: state.accounts.csrf.token(secret), user: Some(signed_in_user(signed_in)) }
}

fn client_address(state: &AppState, request: &Request) -> String {
    state
        .client_addr
        .of(request.headers(), request.extensions())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a posted form's CSRF field belongs to this browser.
pub(super) fn csrf_ok(state: &AppState, headers: &HeaderMap, field: &str) -> bool {
    cookie(headers, csrf::COOKIE).is_some_and(|secret| state.accounts.csrf.check(secret, field))
}

pub(super) fn csrf_refusal(lang: Lang) -> String {
    match lang {
        Lang::Zh => "表单已过期或来自其他网站，未被接受。请刷新页面后重试。".into(),
        Lang::En => {
            "This form expired or came from another site, so it was not accepted. Reload the page and try again.".into()
        }
    }
}

/// Renders an account page again at `status`, with what was typed and what was wrong.
async fn render_page(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    echo: AccountEcho,
    status: StatusCode,
) -> Response {
    // The page's forms need this browser's CSRF field again.
    let secret = cookie(headers, csrf::COOKIE).unwrap_or_default();
    let visitor = Visitor { csrf: state.accounts.csrf.token(secret), user: None };
    super::render::page_again(state, headers, path, status, move || provide_context(echo.clone()), Some(visitor)).await
}

pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn login(State(state): State<AppState>, request: Request) -> Response {
    let address = client_address(&state, &request);
    let headers = request.headers().clone();
    let lang = lang_from_cookies(&headers);
    let form = match Form::<LoginForm>::from_request(request, &state).await {
        Ok(Form(form)) => form,
        Err(_) => LoginForm {
            login: String::new(),
            password: String::new(),
            code: String::new(),
            csrf: String::new(),
            next: String::new(),
        },
    };
    let again = |problem: String, status| {
        let echo = AccountEcho { login: form.login.trim().to_string(), problem };
        let path = format!("/account/login?next={}", urlencoding(&form.next));
        let state = state.clone();
        let headers = headers.clone();
        async move { render_page(&state, &headers, &path, echo, status).await }
    };
    if !csrf_ok(&state, &headers, &form.csrf) {
        return again(csrf_refusal(lang), StatusCode::FORBIDDEN).await;
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(200).collect::<String>());
    match state
        .accounts
        .login(&form.login, &form.password, &form.code, &address, user_agent.as_deref(), Utc::now())
        .await
    {
        Ok(secret) => {
            let https = state.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
            let cookie = format!("{SESSION_COOKIE}={secret}; {}; SameSite=Lax", cookie_attributes(https));
            let next = app::api::after_sign_in(Some(form.next.as_str()));
            let mut response = see_other(next);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(LoginError::Wrong) => {
            let problem = match lang {
                Lang::Zh => "登录名或密码错误。",
                Lang::En => "The login or the password is wrong.",
            };
            again(problem.into(), StatusCode::UNAUTHORIZED).await
        }
        Err(LoginError::Code) => {
            let problem = match (lang, form.code.trim().is_empty()) {
                (Lang::Zh, true) => "此账号已开启两步验证：请输入验证器应用中的6位动态码。",
                (Lang::Zh, false) => "动态码错误或已使用，请输入应用中当前的6位动态码。",
                (Lang::En, true) => {
                    "This account uses two-step sign-in: enter the 6-digit code from your authenticator app."
                }
                (Lang::En, false) => "That code is wrong or was used already; enter the app's current 6-digit code.",
            };
            again(problem.into(), StatusCode::UNAUTHORIZED).await
        }
        Err(LoginError::Locked(locked)) => {
            let problem = match (lang, locked) {
                (Lang::Zh, mingchu_domain::account::LockedOut::Account) => "该账号登录失败次数过多，请15分钟后再试。",
                (Lang::Zh, mingchu_domain::account::LockedOut::Address) => {
                    "此网络地址登录失败次数过多，请15分钟后再试。"
                }
                (Lang::En, _) => "Too many failed sign-ins; try again in 15 minutes.",
            };
            let mut response = again(problem.into(), StatusCode::TOO_MANY_REQUESTS).await;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
            response
        }
        Err(LoginError::Db(e)) => {
            tracing::error!(error = %e, "sign-in failed");
            crate::http::error::HttpError::unavailable().into_response()
        }
    }
}

/// Percent-encodes a path for a query value.
fn urlencoding(value: &str) -> String {
    mingchu_domain::text::percent_encode(value, b"/")
}

/// A form that acts for the signed-in person: its CSRF field, and someone signed in.
fn signed_in_form(
    state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    csrf: &str,
) -> Result<SignedIn, Box<Response>> {
    let lang = lang_from_cookies(headers);
    if !csrf_ok(state, headers, csrf) {
        return Err(Box::new((StatusCode::FORBIDDEN, csrf_refusal(lang)).into_response()));
    }
    session.0.clone().ok_or_else(|| Box::new(see_other("/account/login?next=/console")))
}

async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, _, address) = match console_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if let Err(e) = state.accounts.logout(&signed_in, Some(&address), Utc::now()).await {
        return unavailable(e);
    }
    let mut response = see_other("/account/login");
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn end_session(State(state): State<AppState>, Path(id): Path<i64>, request: Request) -> Response {
    let (signed_in, _, address) = match console_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let who = crate::accounts::who(&signed_in.actor, Some(&address));
    match state.db.end_session(signed_in.actor.user, id, &who, Utc::now()).await {
        Ok(true) => see_other("/console"),
        Ok(false) => (StatusCode::NOT_FOUND, "no such session of yours").into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize)]
struct ConsoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// Reads a form that acts for the signed-in person (its CSRF field checked): the person, the
/// code it may carry, their address.
async fn console_form(state: &AppState, request: Request) -> Result<(SignedIn, String, String), Response> {
    let address = client_address(state, &request);
    let headers = request.headers().clone();
    let session = request.extensions().get::<Session>().cloned().unwrap_or(Session(None));
    let Ok(Form(form)) = Form::<ConsoleForm>::from_request(request, state).await else {
        return Err((StatusCode::BAD_REQUEST, "malformed form").into_response());
    };
    let signed_in = signed_in_form(state, &headers, &session, &form.csrf).map_err(|r| *r)?;
    Ok((signed_in, form.code, address))
}

/// The signed-in person of a request, as the middleware found them.
pub(super) fn console_session(request: &Request) -> Option<SignedIn> {
    request.extensions().get::<Session>().and_then(|s| s.0.clone())
}

/// A console form as posted (its fields in order; a name may repeat, as ticked boxes do), and
/// the photos of a multipart form.
pub(super) struct ConsolePost {
    fields: Vec<(String, String)>,
    photos: Vec<Vec<u8>>,
}

/// The largest console form read (a bulk form of 200 ticked captures is far below it).
const MAX_FORM: usize = 64 * 1024;
/// The largest console form with photos: as many as a complaint takes, and the text.
pub(super) const MAX_PHOTO_FORM: usize = app::api::MAX_PHOTOS * app::api::MAX_PHOTO_BYTES + MAX_FORM;

/// Reads a multipart console form: text fields, and the non-empty files of `photos` (a photo
/// over the size limit, or one too many, is refused rather than dropped).
async fn read_multipart(request: Request) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), Response> {
    use axum::extract::FromRequest;
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, "this form is too large").into_response();
    let malformed = || (StatusCode::BAD_REQUEST, "this form could not be read").into_response();
    let mut multipart = axum::extract::Multipart::from_request(request, &()).await.map_err(|_| malformed())?;
    let (mut fields, mut photos) = (Vec::new(), Vec::new());
    let mut text_bytes = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok((fields, photos)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(malformed()),
        };
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                malformed()
            }
        })?;
        if name == "photos" {
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > app::api::MAX_PHOTO_BYTES || photos.len() == app::api::MAX_PHOTOS {
                return Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "at most {} photos of {} MB each",
                        app::api::MAX_PHOTOS,
                        app::api::MAX_PHOTO_BYTES / (1024 * 1024)
                    ),
                )
                    .into_response());
            }
            photos.push(bytes.to_vec());
        } else {
            text_bytes += bytes.len();
            if text_bytes > MAX_FORM {
                return Err(too_large());
            }
            fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

impl ConsolePost {
    /// The first value of `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The photos of a multipart form, in the order sent.
    pub fn photos(&self) -> &[Vec<u8>] {
        &self.photos
    }

    /// Every value of `name`.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Reads a form that acts for the signed-in person, with its CSRF field checked: the
    /// person, the form, the request's headers and the person's address.
    pub async fn read(
        state: &AppState,
        request: Request,
    ) -> Result<(SignedIn, ConsolePost, HeaderMap, String), Response> {
        let address = client_address(state, &request);
        let headers = request.headers().clone();
        let session = request.extensions().get::<Session>().cloned().unwrap_or(Session(None));
        let multipart = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let form = if multipart {
            let (fields, photos) = read_multipart(request).await?;
            ConsolePost { fields, photos }
        } else {
            let body = axum::body::to_bytes(request.into_body(), MAX_FORM)
                .await
                .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "this form is too large").into_response())?;
            let fields = url::form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            ConsolePost { fields, photos: Vec::new() }
        };
        let signed_in =
            signed_in_form(state, &headers, &session, form.value("csrf").unwrap_or_default()).map_err(|r| *r)?;
        Ok((signed_in, form, headers, address))
    }
}

fn unavailable(e: crate::db::DbError) -> Response {
    tracing::error!(error = %e, "a console action failed");
    crate::http::error::HttpError::unavailable().into_response()
}

async fn totp_start(State(state): State<AppState>, request: Request) -> Response {
    let (signed_in, _, _) = match console_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match state.accounts.start_totp(signed_in.actor.user).await {
        Ok(()) => see_other("/console#totp"),
        Err(e) => unavailable(e),
    }
}

/// Turns the second factor on (`on`: with the app's first code) or off (with a current one).
async fn totp_change(state: AppState, request: Request, on: bool) -> Response {
    let (signed_in, code, address) = match console_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let now = Utc::now();
    let changed = if on {
        state.accounts.confirm_totp(&signed_in, &code, Some(&address), now).await
    } else {
        state.accounts.disable_totp(&signed_in, &code, Some(&address), now).await
    };
    match changed {
        Ok(true) => see_other(if on { "/console?totp=on#totp" } else { "/console?totp=off#totp" }),
        Ok(false) => see_other("/console?totp=wrong#totp"),
        Err(e) => unavailable(e),
    }
}

async fn totp_confirm(State(state): State<AppState>, request: Request) -> Response {
    totp_change(state, request, true).await
}

async fn totp_off(State(state): State<AppState>, request: Request) -> Response {
    totp_change(state, request, false).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
    #[serde(default)]
    csrf: String,
}

async fn set_password(State(state): State<AppState>, Path(secret): Path<String>, request: Request) -> Response {
    let address = client_address(&state, &request);
    let headers = request.headers().clone();
    let lang = lang_from_cookies(&headers);
    let path = format!("/account/password/{secret}");
    let Ok(Form(form)) = Form::<PasswordForm>::from_request(request, &state).await else {
        return (StatusCode::BAD_REQUEST, "malformed form").into_response();
    };
    let again = |problem: String, status| {
        let echo = AccountEcho { login: String::new(), problem };
        let (state, headers, path) = (state.clone(), headers.clone(), path.clone());
        async move { render_page(&state, &headers, &path, echo, status).await }
    };
    if !csrf_ok(&state, &headers, &form.csrf) {
        return again(csrf_refusal(lang), StatusCode::FORBIDDEN).await;
    }
    match state.accounts.set_password(&secret, &form.password, &form.again, Some(&address), Utc::now()).await {
        Ok(_) => see_other("/account/login?password=set"),
        Err(LinkError::Invalid) => {
            let problem = match lang {
                Lang::Zh => "此链接无效：已使用、已过期或已被新链接取代。请联系管理员重新发送。",
                Lang::En => "This link is not valid: it was used, it expired, or a newer one was sent. Ask an administrator for a new one.",
            };
            again(problem.into(), StatusCode::GONE).await
        }
        Err(LinkError::Password(problem)) => {
            use mingchu_domain::account::PasswordProblem::*;
            let text = match (lang, problem) {
                (Lang::Zh, TooShort) => "密码至少需要10个字符。",
                (Lang::Zh, TooLong) => "密码最多200个字符。",
                (Lang::Zh, ContainsLogin) => "密码不能包含登录名。",
                (Lang::Zh, Mismatch) => "两次输入的密码不一致。",
                (Lang::En, TooShort) => "The password needs at least 10 characters.",
                (Lang::En, TooLong) => "The password may have at most 200 characters.",
                (Lang::En, ContainsLogin) => "The password must not contain your login.",
                (Lang::En, Mismatch) => "The two passwords differ.",
            };
            again(text.into(), StatusCode::BAD_REQUEST).await
        }
        Err(LinkError::Db(e)) => {
            tracing::error!(error = %e, "setting a password failed");
            crate::http::error::HttpError::unavailable().into_response()
        }
    }
}

use axum::extract::FromRequest;
