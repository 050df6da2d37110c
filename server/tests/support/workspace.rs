//! A browser for the workspace's server-rendered forms: its CSRF cookie, its session cookie,
//! and signing in through a one-time password link as a person would.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{redirect, Client, StatusCode};
use std::path::Path;

pub fn client() -> Client {
    Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

/// The value a response sets for cookie `name`, with its attributes.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

pub fn value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
}

/// The hidden CSRF field of the page's first form.
pub fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a CSRF field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The secret of the one-time link a `mingchu user add` or `reset-password` printed.
pub fn link_secret(data: &Path, args: &[&str]) -> String {
    super::cli::ok(super::cli::mingchu(data, args)).rsplit('/').next().unwrap().to_string()
}

/// A browser: its CSRF cookie and, once signed in, its session cookie.
pub struct Browser {
    pub http: Client,
    pub base: String,
    pub csrf_cookie: String,
    pub session: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser { http: client(), base: base.to_string(), csrf_cookie: String::new(), session: None }
    }

    pub fn cookies(&self) -> String {
        let mut c = format!("mc_csrf={}", self.csrf_cookie);
        if let Some(s) = &self.session {
            c.push_str(&format!("; mc_session={s}"));
        }
        c
    }

    /// Opens a workspace page, keeping the CSRF cookie it sets.
    pub async fn open(&mut self, path: &str) -> (StatusCode, String) {
        let response =
            self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookies()).send().await.unwrap();
        if let Some(c) = set_cookie(&response, "mc_csrf") {
            assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict"), "{c}");
            self.csrf_cookie = value(&c);
        }
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookies()).send().await.unwrap()
    }

    /// Posts a multipart form (a form with photos).
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookies())
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.base)).header(COOKIE, self.cookies()).form(form).send().await.unwrap()
    }

    /// Sets the password through the link with `secret` and signs in as `login`.
    pub async fn sign_in_with_link(&mut self, secret: &str, login: &str, password: &str) {
        let path = format!("/account/password/{secret}");
        let (_, html) = self.open(&path).await;
        let csrf = csrf_field(&html);
        let response = self.post(&path, &[("password", password), ("again", password), ("csrf", &csrf)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the password is set");
        let response = self.post("/account/login", &[("login", login), ("password", password), ("csrf", &csrf)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{login} signs in");
        self.session = Some(value(&set_cookie(&response, "mc_session").expect("a session cookie")));
    }
}
