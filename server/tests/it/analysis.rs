//! Frame analysis end to end: real RTSP cameras (GStreamer) showing black, a frozen test card
//! and a photograph of a cat, registered with the real `mingchu` command and analysed by the
//! server once a second. Health changes and capture events are read back over HTTP.

use crate::support;

use mingchu_domain::vocab::CameraId;
use server::db::Db;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::rtsp::{free_port, rtsp_camera_available, Camera};
use support::schema::Schemas;
use support::{get_json, Server};

const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../models");
const TOKEN: &str = "test-admin-token-7-0123456789abcdef";

/// A small still camera: no clock, constant quantizer, so an unchanging picture is encoded
/// identically every time (a frozen camera).
fn still(extra: &[&'static str]) -> Vec<&'static str> {
    [&["--no-clock", "--quantizer", "24", "--fps", "10"][..], extra].concat()
}

/// `mingchu serve` analysing every second, with an empty site.
fn serve(data: &Path, args: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_mingchu"));
    serve.arg("--data-dir").arg(data);
    crate::support::database::on(&mut serve, data);
    serve.args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--check-interval", "0"]);
    serve.args(["--analysis-interval", "1", "--models-dir", MODELS, "--site-root"]).arg(dir.path().join("site"));
    serve.args(args);
    Server::launch(serve, dir)
}

fn add_camera(data: &Path, port: u16) -> i64 {
    let url = format!("rtsp://127.0.0.1:{port}/cam");
    ok(mingchu(data, &["camera", "add", "--venue", "1", "--name", "后厨", "--area", "cooking", "--url", &url]))
        .parse()
        .unwrap()
}

/// A data folder with the demo district, and a free port for the RTSP camera.
fn seeded() -> (tempfile::TempDir, std::path::PathBuf, u16) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    (dir, data, free_port())
}

/// Polls the camera's health until it is `state`; returns the transitions then.
async fn health_becomes(base: &str, camera: i64, state: &str, within: Duration) -> Vec<String> {
    let start = Instant::now();
    loop {
        let (status, health) = get_json(base, &format!("/api/v1/cameras/{camera}/health")).await;
        assert_eq!(status, 200);
        if health["state"] == state {
            let changes = health["transitions"].as_array().unwrap();
            return changes.iter().rev().map(|t| t["state"].as_str().unwrap().to_string()).collect();
        }
        assert!(start.elapsed() < within, "camera {camera} stayed {} instead of {state}: {health}", health["state"]);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_turned_black_then_frozen_changes_health_and_is_not_online() {
    if !rtsp_camera_available() {
        return;
    }
    let (_dir, data, port) = seeded();
    let black = Camera::start(port, &still(&["--pattern", "black", "--width", "320", "--height", "180"]));
    let camera = add_camera(&data, port);
    let server = serve(&data, &["--no-detector"]);
    let base = &server.base;

    let (status, unknown) = get_json(base, "/api/v1/cameras/999999/health").await;
    assert_eq!((status, unknown["error"]["code"].as_str()), (404, Some("not_found")));

    let changes = health_becomes(base, camera, "dark", Duration::from_secs(40)).await;
    assert_eq!(changes, ["dark"], "first picture seen, and it is black");

    // The camera is swapped for one whose picture never changes (a still photograph).
    drop(black);
    let astronaut: &'static str = Box::leak(format!("{MODELS}/testdata/astronaut.jpg").into_boxed_str());
    let _frozen = Camera::start(port, &still(&["--image", astronaut, "--width", "320", "--height", "320"]));
    let changes = health_becomes(base, camera, "frozen", Duration::from_secs(90)).await;
    assert_eq!(changes.first().map(String::as_str), Some("dark"));
    assert_eq!(changes.last().map(String::as_str), Some("frozen"));
    let (_, health) = get_json(base, &format!("/api/v1/cameras/{camera}/health")).await;
    let doc = get_json(base, "/api/openapi.json").await.1;
    let schemas = Schemas::new(&doc);
    assert_eq!(schemas.validate(schemas.response("/api/v1/cameras/{id}/health", "200"), &health), Vec::<String>::new());
    assert!(health["since"].as_str().is_some_and(|s| s.ends_with('Z')));
    assert!(health["transitions"][0]["detail"].as_str().is_some_and(|d| !d.is_empty()));

    // Citizens see it on the venue page and in the open data.
    let venue = get_json(base, "/api/v1/venues/1").await.1;
    let listed = venue["cameras"].as_array().unwrap().iter().find(|c| c["id"] == camera).unwrap().clone();
    assert_eq!(listed["health"], "frozen", "{listed}");
    let html = reqwest::get(format!("{base}/venues/1")).await.unwrap().text().await.unwrap();
    assert!(html.contains("camera-health-frozen") && html.contains("画面冻结"));

    // A check that finds the stream playable still does not count a frozen picture as online:
    // the camera check reads the recorded picture health and applies the one rule.
    let db = Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let picture = db.camera_picture(CameraId(camera)).await.unwrap();
    assert_eq!(picture, Some(mingchu_domain::picture::HealthState::Frozen));
    assert!(!mingchu_domain::picture::check_counts_as_online(true, picture), "a frozen camera is not online");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cat_in_the_kitchen_raises_an_animal_event_with_a_snapshot() {
    if !rtsp_camera_available() {
        return;
    }
    let (_dir, data, port) = seeded();
    let chelsea: &'static str = Box::leak(format!("{MODELS}/testdata/chelsea.jpg").into_boxed_str());
    let _cat = Camera::start(port, &still(&["--image", chelsea, "--width", "452", "--height", "300"]));
    let camera = add_camera(&data, port);
    let server = serve(&data, &["--admin-token", TOKEN]);
    let base = &server.base;
    let client = reqwest::Client::new();

    // Events are for the admin token only.
    let res = client.get(format!("{base}/api/v1/events")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let res = client.get(format!("{base}/api/v1/events")).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);

    let start = Instant::now();
    let event = loop {
        let res = client.get(format!("{base}/api/v1/events?camera={camera}")).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let events: serde_json::Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        if let Some(event) = events.as_array().unwrap().first() {
            break event.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(90), "no capture event for the cat");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let doc = get_json(base, "/api/openapi.json").await.1;
    let schemas = Schemas::new(&doc);
    let listed = serde_json::json!([event.clone()]);
    assert_eq!(schemas.validate(schemas.response("/api/v1/events", "200"), &listed), Vec::<String>::new());
    assert_eq!(event["category"], "animal");
    assert_eq!(event["review"], "pending");
    assert!(event["confidence"].as_f64().unwrap() >= 0.45, "{event}");
    let boxes = event["boxes"].as_array().unwrap();
    assert!(boxes.iter().any(|b| b["label"] == "cat"), "{event}");
    let bbox = &boxes[0]["bbox"];
    assert!(bbox["x1"].as_f64().unwrap() - bbox["x0"].as_f64().unwrap() > 0.5, "the cat fills most of the picture");

    // The snapshot: a JPEG of the picture with the box drawn in red.
    let url = format!("{base}{}", event["snapshot_url"].as_str().unwrap());
    assert_eq!(client.get(&url).send().await.unwrap().status().as_u16(), 401);
    let res = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let jpeg = res.bytes().await.unwrap();
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg.to_vec()));
    let rgb = decoder.decode().unwrap();
    let (w, h) = decoder.dimensions().unwrap();
    assert_eq!((w, h), (452, 300));
    let red = rgb.chunks_exact(3).filter(|p| p[0] > 200 && p[1] < 90 && p[2] < 90).count();
    assert!(red > 500, "the box is drawn ({red} red pixels)");

    // The event is listed by the command line, and nowhere public.
    assert!(ok(mingchu(&data, &["events", "list"])).contains("animal"));
    let venue = get_json(base, "/api/v1/venues/1").await.1;
    assert!(!venue.to_string().contains("animal"));
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("mingchu_analysis_queue_depth"), "{metrics}");
    drop(server);

    // Without the flag its token is nobody's: per-user tokens only.
    let server = serve(&data, &["--no-detector"]);
    let res = client.get(format!("{}/api/v1/events", server.base)).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
}
