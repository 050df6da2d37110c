//! What signing in costs: one argon2id hash and one verification with the workspace's
//! parameters, in process, then a whole sign-in (form post, limits, verify, session) over HTTP
//! against the release binary. Run with `cargo bench -p server --bench signin`.

#[path = "../tests/support/mod.rs"]
mod support;

use server::accounts::password;
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};

const SAMPLES: usize = 21;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::main]
async fn main() {
    let secret = "明厨亮灶-守护舌尖安全";
    let hashes: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(password::hash(secret));
            t.elapsed()
        })
        .collect();
    let stored = password::hash(secret);
    let verifies: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            assert!(password::verify(secret, &stored));
            t.elapsed()
        })
        .collect();
    println!("argon2id m=65536 KiB t=3 p=1: hash median {:?}, verify median {:?}", median(hashes), median(verifies));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let link = ok(mingchu(&data, &["user", "add", "--login", "bench", "--name", "测速", "--role", "administrator"]));
    let link_secret = link.rsplit('/').next().unwrap().to_string();
    let server = support::Server::start_on(&data);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(format!("{}/account/password/{link_secret}", server.base)).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let csrf = field(&page.text().await.unwrap());
    let set = http
        .post(format!("{}/account/password/{link_secret}", server.base))
        .header("cookie", &cookie)
        .form(&[("password", secret), ("again", secret), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 303);
    let mut signins = Vec::new();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let response = http
            .post(format!("{}/account/login", server.base))
            .header("cookie", &cookie)
            .form(&[("login", "bench"), ("password", secret), ("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        signins.push(t.elapsed());
    }
    println!("sign-in over HTTP (POST /account/login to 303): median {:?} of {SAMPLES}", median(signins));
}
