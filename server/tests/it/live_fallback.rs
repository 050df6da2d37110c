//! Live video without WebRTC: a real RTSP camera (GStreamer) watched over plain HTTP as one
//! fragmented MP4 stream, which GStreamer's own demuxer and decoder play: the current picture
//! first, then every picture at the camera's rate on one timeline.

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::rtsp::{free_port, rtsp_camera_available, Camera};
use support::Server;

const DECODE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/decode-check.py");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_camera_plays_as_one_fmp4_stream_over_plain_http() {
    if !rtsp_camera_available() {
        return;
    }
    let port = free_port();
    let _camera = Camera::start(port, &["--width", "640", "--height", "360", "--fps", "25", "--bitrate", "800"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let url = format!("rtsp://127.0.0.1:{port}/cam");
    let add = |name: &str, private: bool| {
        let mut args = vec!["camera", "add", "--venue", "1", "--name", name, "--area", "cooking", "--url", &url];
        if private {
            args.push("--private");
        }
        ok(mingchu(&data, &args)).trim().parse::<i64>().expect("camera id")
    };
    let id = add("明厨直播", false);
    let private = add("内部", true);
    let server = Server::start_on_with(&data, &["--analyse", "off"]);

    let mut response = reqwest::get(format!("{}/live/{id}/stream.mp4", server.base)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "video/mp4");
    let codec = response.headers()["x-video-codec"].to_str().unwrap().to_string();
    assert!(codec.starts_with("avc1.64"), "the camera's High profile: {codec}");
    let mut bytes = Vec::new();
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        match tokio::time::timeout(Duration::from_secs(2), response.chunk()).await {
            Ok(Ok(Some(chunk))) => bytes.extend_from_slice(&chunk),
            other => panic!("the stream stopped: {other:?}"),
        }
    }
    drop(response);
    let scanned = mingchu_media::mp4::scan(&bytes).expect("an fMP4 stream");
    assert!(scanned.fragments.iter().all(|f| f.samples == 1), "a fragment per picture");
    assert!(scanned.fragments[0].keyframe, "it starts with a keyframe");
    let file = dir.path().join("live.mp4");
    std::fs::write(&file, &bytes[..scanned.valid_len]).unwrap();
    let out = Command::new("/usr/bin/python3").arg(DECODE).arg(format!("file://{}", file.display())).output().unwrap();
    assert!(out.status.success(), "GStreamer could not play the stream: {}", String::from_utf8_lossy(&out.stderr));
    let decoded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let frames = decoded["frames"].as_u64().unwrap();
    assert_eq!(frames as usize, scanned.fragments.len(), "every picture decodes: {decoded}");
    // 3 s of live pictures plus the cached group of pictures (up to a second) it started with.
    assert!((70..=105).contains(&frames), "{decoded}");
    let runs = decoded["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one timeline: {decoded}");
    let span = runs[0]["last"].as_f64().unwrap() - runs[0]["first"].as_f64().unwrap();
    assert!((span - (frames - 1) as f64 / 25.0).abs() < 0.1, "at the camera's 25 fps: {decoded}");

    for (what, path) in [
        ("a private camera", format!("/live/{private}/stream.mp4")),
        ("an unknown camera", "/live/999999/stream.mp4".to_string()),
        ("a camera id that is no number", "/live/abc/stream.mp4".to_string()),
    ] {
        let r = reqwest::get(format!("{}{path}", server.base)).await.unwrap();
        assert_eq!(r.status(), 404, "{what}");
        assert!(r.text().await.unwrap().contains("no public camera"), "{what}");
    }
}
