//! The portal in process: the same state `mingchu serve` builds (temporary SQLite, demo
//! district, live media on port 0, no camera checks or analysis), and its router called with
//! `oneshot`, no socket in between. For refusals and mappings; real flows use `Server`.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use clap::Parser;
use server::config::{Cli, Command};
use server::state::AppState;
use tower::ServiceExt;

pub struct Portal {
    pub state: AppState,
    pub app: axum::Router,
    _dir: tempfile::TempDir,
}

/// What came back.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Portal {
    /// `serve --demo` with `extra` arguments.
    pub async fn start(extra: &[&str]) -> Portal {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).expect("site dir");
        let mut args: Vec<String> = ["mingchu", "--data-dir"].map(String::from).to_vec();
        args.push(data.display().to_string());
        if super::database::postgres().is_some() {
            args.extend(["--database-url".to_string(), super::database::url(&data)]);
        }
        args.extend(["serve", "--demo", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0"].map(String::from));
        args.extend(["--check-interval", "0", "--analyse", "off", "--site-root"].map(String::from));
        args.push(site.display().to_string());
        args.extend(extra.iter().map(|s| s.to_string()));
        let cli = Cli::parse_from(args);
        let Some(Command::Serve(serve)) = cli.command else { unreachable!("serve was given") };
        let state = server::start(&cli.db, &serve).await.expect("the portal starts");
        let app = server::http::router(state.clone());
        Portal { state, app, _dir: dir }
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20).await.expect("a body");
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).expect("a request")).await
    }
}
