//! Live video end to end: a real RTSP camera (GStreamer, scripts/rtsp-camera.py) registered with
//! the real `mingchu` command, pulled by the server and watched by a real WebRTC viewer over
//! WHEP, which decodes what it receives. The camera then dies and comes back, and the same viewer
//! must see pictures again.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::cli::{mingchu, ok};
use support::rtsp::{free_port, rtsp_camera_available, Camera};
use support::whep::{Picture, WhepViewer};
use support::Server;

const USER: &str = "admin";
const PASSWORD: &str = "kitchen-secret-42";

/// The camera's arguments for the test's credentials.
fn auth() -> Vec<&'static str> {
    vec!["--user", USER, "--password", PASSWORD]
}
/// How soon pictures must arrive after the viewer connects, and after the camera returns.
const PICTURES_WITHIN: Duration = Duration::from_secs(5);
/// Pictures to decode each time: more than a keyframe, fewer than the camera sends in 5 s.
const PICTURES: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtsp_camera_plays_over_whep_and_survives_a_camera_restart() {
    if !rtsp_camera_available() {
        return;
    }
    let port = free_port();
    let camera = Camera::start(port, &auth());

    // Register the camera with the command line, as an operator would.
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let url = format!("rtsp://{USER}:{PASSWORD}@127.0.0.1:{port}/cam");
    let added = ok(mingchu(
        &data,
        &["camera", "add", "--venue", "1", "--name", "测试摄像头", "--area", "cooking", "--url", &url],
    ));
    let id: i64 = added.trim().parse().unwrap_or_else(|_| panic!("camera add printed {added:?}, not an id"));
    let list = ok(mingchu(&data, &["camera", "list", "--json"]));
    assert!(!list.contains(PASSWORD), "camera list shows the RTSP password: {list}");
    let cameras: serde_json::Value = serde_json::from_str(&list).expect("camera list --json is JSON");
    let entry =
        cameras.as_array().expect("a JSON array").iter().find(|c| c["id"] == id).expect("the new camera is listed");
    assert_eq!(entry["venue_id"], 1, "{entry}");
    assert_eq!(entry["name"], "测试摄像头", "{entry}");
    assert_eq!(entry["area"], "cooking", "{entry}");
    let source = entry["source"].as_str().expect("source is a string");
    assert!(source.contains("***") && source.contains(&format!("127.0.0.1:{port}/cam")), "{source}");

    let server = serve(&data, dir);

    // A viewer connects (the server pulls the camera on demand) and decodes 1280x720 pictures.
    let mut viewer = WhepViewer::connect(&server.base, id).await.expect("WHEP session");
    assert!(
        viewer.answer.lines().any(|l| l.starts_with("a=candidate") && l.contains("127.0.0.1")),
        "no host candidate on 127.0.0.1 in the answer:\n{}",
        viewer.answer
    );
    expect_pictures(&mut viewer, Instant::now(), PICTURES_WITHIN, "after connecting").await;

    // The camera loses power and comes back on the same address: the same session resumes.
    drop(camera);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let camera = tokio::task::block_in_place(|| Camera::start(port, &auth()));
    // The supervisor retries after about 1, 2, 4 s (±20 %): an attempt just before the camera
    // is ready puts the next one up to 4.8 s later, so the pictures may take that much longer.
    let after_backoff = PICTURES_WITHIN + Duration::from_millis(4_800);
    expect_pictures(&mut viewer, Instant::now(), after_backoff, "after the camera came back").await;

    // Requests the WHEP endpoint must refuse, each with its own status.
    let http = reqwest::Client::new();
    let post = |path: String, content_type: &'static str, body: String| {
        http.post(format!("{}{path}", server.base)).header("content-type", content_type).body(body).send()
    };
    let res = post(format!("/whep/{id}"), "application/sdp", "this is not SDP".into()).await.unwrap();
    assert_eq!(res.status(), 400, "malformed SDP");
    let res = post("/whep/999999".into(), "application/sdp", viewer.offer.clone()).await.unwrap();
    assert_eq!(res.status(), 404, "unknown camera");
    let res = post(format!("/whep/{id}"), "application/json", viewer.offer.clone()).await.unwrap();
    assert_eq!(res.status(), 415, "wrong content type");

    // Ending the session, twice.
    let session = viewer.session_url.clone();
    let status = viewer.close().await.expect("DELETE the session");
    assert!(status.is_success(), "DELETE {session}: {status}");
    assert_eq!(http.delete(&session).send().await.unwrap().status(), 404, "second DELETE {session}");
    drop(camera);
}

/// Cameras browsers cannot play (H.265, H.264 with B-frames) get a clear status, not a black
/// screen: WHEP answers 409 with the reason, and the camera's status says `unplayable`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cameras_browsers_cannot_play_are_reported_as_such() {
    if !rtsp_camera_available() {
        return;
    }
    let small = ["--width", "640", "--height", "360", "--fps", "15", "--bitrate", "500"];
    let h265_port = free_port();
    let _h265 = Camera::start(h265_port, &[&auth(), &small[..], &["--codec", "h265"]].concat());
    let bframes_port = free_port();
    let _bframes = Camera::start(bframes_port, &[&auth(), &small[..], &["--bframes", "2"]].concat());

    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let add = |port: u16, name: &str| -> i64 {
        let url = format!("rtsp://{USER}:{PASSWORD}@127.0.0.1:{port}/cam");
        let out =
            ok(mingchu(&data, &["camera", "add", "--venue", "2", "--name", name, "--area", "烹饪区", "--url", &url]));
        out.trim().parse().expect("camera id")
    };
    let h265 = add(h265_port, "H.265 camera");
    let bframes = add(bframes_port, "B-frame camera");

    let server = serve(&data, dir);

    let http = reqwest::Client::new();
    let offer = support::whep::h264_offer().await;
    for (id, reason) in [(h265, "H.265"), (bframes, "B-frames")] {
        // The first POST starts the camera; retry while it is still connecting (503).
        let deadline = Instant::now() + Duration::from_secs(15);
        let (status, body) = loop {
            let res = http
                .post(format!("{}/whep/{id}", server.base))
                .header("content-type", "application/sdp")
                .body(offer.clone())
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            if status != 503 || Instant::now() > deadline {
                break (status, body);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        assert_eq!(status, 409, "camera {id} ({reason}): {body}");
        assert!(body.contains("not playable in browsers") && body.contains(reason), "camera {id}: {body}");
        let status = http.get(format!("{}/api/cameras/{id}/status", server.base)).send().await.unwrap();
        let status: serde_json::Value = serde_json::from_str(&status.text().await.unwrap()).expect("status JSON");
        assert_eq!(status["state"], "unplayable", "camera {id}: {status}");
    }
}

/// Waits for `PICTURES` decoded 1280x720 pictures, all arrived within `within` of `since`.
async fn expect_pictures(viewer: &mut WhepViewer, since: Instant, within: Duration, when: &str) {
    let mut pictures: Vec<Picture> = Vec::new();
    while pictures.len() < PICTURES {
        let left = within.saturating_sub(since.elapsed());
        match viewer.picture_after(since, left).await {
            Some(picture) => pictures.push(picture),
            None => panic!("{when}: {} of {PICTURES} pictures decoded within {within:?}", pictures.len()),
        }
    }
    for p in &pictures {
        assert_eq!((p.width, p.height), (1280, 720), "{when}: picture size");
    }
}

/// `mingchu serve` on free ports over `data`, with an empty site; `dir` lives as long as it.
fn serve(data: &Path, dir: tempfile::TempDir) -> Server {
    std::fs::create_dir_all(dir.path().join("site")).expect("site dir");
    let mut serve = Command::new(env!("CARGO_BIN_EXE_mingchu"));
    serve.arg("--data-dir").arg(data);
    crate::support::database::on(&mut serve, data);
    serve.args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--site-root"]);
    serve.arg(dir.path().join("site"));
    Server::launch(serve, dir)
}
