//! Runs the real `mingchu` binary on port 0 with a temporary database (SQLite, or PostgreSQL
//! where `database` says so) and the demo district. Shared by the integration tests and the
//! benchmark harness.

#[allow(dead_code)]
pub mod cli;
#[allow(dead_code)]
pub mod complaints;
#[allow(dead_code)]
pub mod database;
#[allow(dead_code)]
pub mod inproc;
#[allow(dead_code)]
pub mod rtsp;
#[allow(dead_code)]
pub mod schema;
#[allow(dead_code)]
pub mod whep;
#[allow(dead_code)]
pub mod workspace;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[allow(dead_code)]
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    _dir: tempfile::TempDir,
}

// Tests that launch their own `serve` command (live_rtsp.rs) use neither `start` function.
#[allow(dead_code)]
impl Server {
    /// The server's process id (for CPU accounting in benchmarks).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The demo district, without camera checks (so figures are exactly the seeded ones).
    pub fn start() -> Server {
        Server::start_with(&["--check-interval", "0"], |_| {})
    }

    /// Starts with a site folder that `fill` populates first (for static-file tests).
    pub fn start_with_site(fill: impl FnOnce(&std::path::Path)) -> Server {
        Server::start_with(&["--check-interval", "0"], fill)
    }

    /// Starts `serve --demo` with extra arguments and a site folder `fill` populates first.
    pub fn start_with(args: &[&str], fill: impl FnOnce(&std::path::Path)) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("site")).expect("site dir");
        fill(&dir.path().join("site"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_mingchu"));
        command
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--site-root"])
            .arg(dir.path().join("site"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(args);
        database::on(&mut command, &dir.path().join("data"));
        Server::launch(command, dir)
    }

    /// `serve` (no demo, no camera checks) on an existing data folder, e.g. one filled by
    /// `mingchu seed-demo` or other CLI commands first.
    pub fn start_on(data: &std::path::Path) -> Server {
        Server::start_on_with(data, &[])
    }

    /// `start_on` with extra `serve` arguments.
    pub fn start_on_with(data: &std::path::Path, args: &[&str]) -> Server {
        let site = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_mingchu"));
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--check-interval", "0"])
            .arg("--site-root")
            .arg(site.path())
            .arg("--data-dir")
            .arg(data)
            .args(args);
        database::on(&mut command, data);
        Server::launch(command, site)
    }

    /// Spawns a prepared `mingchu serve` command and waits for the address it announces. It
    /// must bind port 0 for HTTP and for WebRTC, so that tests run side by side. `dir` (its
    /// data, its site) lives as long as the server; its log goes to the test's output, which
    /// the harness shows when the test fails.
    pub fn launch(mut command: Command, dir: tempfile::TempDir) -> Server {
        let mut child =
            command.env("RUST_LOG", "info,tower_http=warn").stderr(Stdio::piped()).spawn().expect("start mingchu");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("mingchu: {line}");
                if let Some(at) = line.find("listening on http://") {
                    let url = line[at + "listening on ".len()..].split_whitespace().next().unwrap_or("").to_string();
                    let _ = tx.send(url);
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(60)).expect("server announced its address");
        Server { child, base, _dir: dir }
    }
}

#[allow(dead_code)]
impl Server {
    /// Kills the server with SIGKILL (no shutdown of any kind) and waits for it to die.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs `path` from a JSON endpoint: the status and the parsed body.
#[allow(dead_code)]
pub async fn get_json(base: &str, path: &str) -> (u16, serde_json::Value) {
    let res = reqwest::get(format!("{base}{path}")).await.expect("request");
    let status = res.status().as_u16();
    let json = res.headers()["content-type"].to_str().unwrap_or("").starts_with("application/json");
    assert!(json, "{path} did not answer JSON");
    (status, serde_json::from_str(&res.text().await.expect("body")).expect("valid JSON"))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
