//! Recording end to end: a real RTSP camera (GStreamer) recorded continuously by the real
//! `mingchu serve`; the recorded range played back through the HLS playlist by GStreamer's own
//! HLS player, which decodes every frame; an evidence clip exported, its SHA-256 checked and the
//! clip decoded; then the server killed with SIGKILL while writing, and on restart every file is
//! indexed and playable, the cut-off one repaired and noted.

use crate::support;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::cli::{mingchu, ok};
use support::rtsp::{free_port, rtsp_camera_available, Camera};
use support::Server;

const TOKEN: &str = "test-admin-token-18-0123456789abcdef";
const DECODE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/decode-check.py");

/// What GStreamer decoded from a URI.
#[derive(Debug, serde::Deserialize)]
struct Decoded {
    frames: u64,
    width: u32,
    height: u32,
    /// Stretches of rising timestamps (each recorded file is one in a playlist).
    runs: Vec<Run>,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Run {
    first: f64,
    last: f64,
    frames: u64,
}

fn decode(uri: &str) -> Decoded {
    let out = Command::new("/usr/bin/python3").arg(DECODE).arg(uri).output().expect("run decode-check.py");
    assert!(out.status.success(), "GStreamer could not play {uri}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("decode-check.py prints JSON")
}

fn serve(data: &Path) -> Server {
    Server::start_on_with(data, &["--admin-token", TOKEN, "--recording-segment-seconds", "4", "--analyse", "off"])
}

async fn recordings(server: &Server, camera: i64, query: &str) -> serde_json::Value {
    let url = format!("{}/api/v1/cameras/{camera}/recordings{query}", server.base);
    let r = reqwest::Client::new().get(url).bearer_auth(TOKEN).send().await.expect("recordings API");
    assert_eq!(r.status(), 200);
    serde_json::from_str(&r.text().await.expect("body")).expect("JSON")
}

/// Waits until the index holds at least `n` files.
async fn wait_for_files(server: &Server, camera: i64, n: usize, limit: Duration) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let listed = recordings(server, camera, "").await;
        if listed["spans"].as_array().map_or(0, |s| s.len()) >= n {
            return listed;
        }
        assert!(start.elapsed() < limit, "fewer than {n} recorded files after {limit:?}: {listed}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn at(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().expect("a time").parse().expect("RFC 3339")
}

/// A real RTSP camera (640×360, 25 fps, `bitrate` kbit/s) added to demo venue 1 with the
/// recording `policy`: the camera, the data's temporary folder, the data folder, the camera's id.
fn recorded_camera(name: &str, bitrate: &str, policy: &str) -> (Camera, tempfile::TempDir, PathBuf, i64) {
    let port = free_port();
    let camera = Camera::start(port, &["--width", "640", "--height", "360", "--fps", "25", "--bitrate", bitrate]);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let url = format!("rtsp://127.0.0.1:{port}/cam");
    let added = ok(mingchu(
        &data,
        &["camera", "add", "--venue", "1", "--name", name, "--area", "cooking", "--url", &url, "--recording", policy],
    ));
    (camera, dir, data, added.trim().parse().expect("camera id"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_is_recorded_played_back_clipped_and_survives_sigkill() {
    if !rtsp_camera_available() {
        return;
    }
    let (_camera, dir, data, id) = recorded_camera("录像测试", "1000", "continuous");

    let mut server = serve(&data);
    let listed = wait_for_files(&server, id, 3, Duration::from_secs(40)).await;
    assert_eq!(listed["recorder"], "recording", "{listed}");
    let (_, doc) = support::get_json(&server.base, "/api/openapi.json").await;
    let schemas = support::schema::Schemas::new(&doc);
    let schema = schemas.response("/api/v1/cameras/{id}/recordings", "200");
    assert_eq!(schemas.validate(schema, &listed), Vec::<String>::new(), "{listed}");
    let spans = listed["spans"].as_array().unwrap();
    for s in spans {
        assert_eq!((s["width"].as_u64(), s["height"].as_u64()), (Some(640), Some(360)), "{s}");
        assert!(s["codec"].as_str().unwrap().starts_with("avc1.64"), "High profile as sent: {s}");
        let length = at(&s["end"]) - at(&s["start"]);
        assert!((3500..=6000).contains(&length.num_milliseconds()), "about 4 s per file: {s}");
    }
    // The camera's own clock (its RTCP sender reports; here the same machine's) is kept beside
    // the server's receive time, once a report came.
    let offsets: Vec<i64> = spans.iter().filter_map(|s| s["camera_offset_ms"].as_i64()).collect();
    assert!(!offsets.is_empty() && offsets.iter().all(|o| o.abs() < 2000), "camera clock offsets {offsets:?}");
    // Consecutive files follow each other without a hole (one camera connection throughout).
    for pair in spans.windows(2) {
        let gap = at(&pair[1]["start"]) - at(&pair[0]["end"]);
        assert!(gap.num_milliseconds().abs() < 200, "a hole between files: {pair:?}");
    }

    // Without credentials the API refuses; a tampered playlist link is refused.
    let anonymous = reqwest::get(format!("{}/api/v1/cameras/{id}/recordings", server.base)).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let playlist = format!("{}{}", server.base, listed["playlist"].as_str().expect("a playlist link"));
    let tampered = reqwest::get(playlist.replace("sig=", "sig=00")).await.unwrap();
    assert_eq!(tampered.status(), 403);
    let text = reqwest::get(&playlist).await.unwrap().text().await.unwrap();
    assert!(text.starts_with("#EXTM3U") && text.contains("#EXT-X-MAP:") && text.contains("#EXT-X-ENDLIST"), "{text}");

    // GStreamer's HLS player plays the last hour (all of it): every frame at 25 a second, on one
    // timeline from the first file's first picture to the last file's last, as the index says.
    let played = tokio::task::block_in_place(|| decode(&playlist));
    assert_eq!((played.width, played.height), (640, 360));
    let first = at(&spans[0]["start"]);
    let held = (at(&spans[spans.len() - 1]["end"]) - first).num_milliseconds() as f64 / 1000.0;
    assert_eq!(played.runs.len(), 1, "one timeline across the files: {played:?}");
    let run = &played.runs[0];
    assert!(run.first.abs() < 0.01 && (run.last + 0.04 - held).abs() < 0.2, "{run:?}: {held} s recorded");
    assert!((played.frames as f64 - held * 25.0).abs() <= 2.0, "{} frames in {held} s", played.frames);

    // An evidence clip around a moment inside the second file: 2 s before, 3 s after.
    let moment = at(&spans[1]["start"]) + chrono::Duration::milliseconds(1500);
    let clip_url = format!(
        "{}/api/v1/cameras/{id}/clip?at={}&before=2&after=3",
        server.base,
        moment.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
    // Exporting writes (the audit entry, a case's hold): it is a POST, never a GET.
    let refused = reqwest::Client::new().get(&clip_url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(refused.status(), 405);
    let clip = reqwest::Client::new().post(&clip_url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(clip.status(), 200);
    assert_eq!(clip.headers()["content-type"], "video/mp4");
    let sha = clip.headers()["x-content-sha256"].to_str().unwrap().to_string();
    let bytes = clip.bytes().await.unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), sha);
    let clip_file = dir.path().join("clip.mp4");
    std::fs::write(&clip_file, &bytes).unwrap();
    let decoded = tokio::task::block_in_place(|| decode(&format!("file://{}", clip_file.display())));
    // From the keyframe at or before 2 s earlier (at most a second more), to 3 s after, on one
    // timeline across the files it was cut from.
    assert!((5 * 25..=7 * 25).contains(&decoded.frames), "the clip decoded {} frames", decoded.frames);
    assert_eq!(decoded.runs.len(), 1, "{decoded:?}");
    let run = &decoded.runs[0];
    assert!(run.first.abs() < 0.01, "{run:?}");
    assert!((run.last + 0.04 - decoded.frames as f64 / 25.0).abs() < 0.1, "{run:?}");
    // The same clip as evidence in a rectification order: the range is held for the case.
    let pool = crate::support::database::pool(&data).await;
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders ORDER BY id LIMIT 1").fetch_one(&pool).await.unwrap();
    let post = |url: String| reqwest::Client::new().post(url).bearer_auth(TOKEN).send();
    let held = post(format!("{clip_url}&case=order:{order}")).await.unwrap();
    assert_eq!(held.status(), 200);
    let held_sha = held.headers()["x-content-sha256"].to_str().unwrap().to_string();
    let hold: (i64, String) = sqlx::query_as("SELECT camera_id, sha256 FROM evidence_holds WHERE case_ref = $1")
        .bind(order.to_string())
        .fetch_one(&pool)
        .await
        .expect("the hold is kept");
    assert_eq!(hold, (id, held_sha));
    assert_eq!(post(format!("{clip_url}&case=order:99999999")).await.unwrap().status(), 404);
    assert_eq!(post(format!("{clip_url}&case=venue:1")).await.unwrap().status(), 400);
    let audit = ok(mingchu(&data, &["audit", "list", "--limit", "5"]));
    assert!(audit.contains("recording.clip_export") && audit.contains(&sha), "{audit}");

    // SIGKILL while a file is being written; on restart the index and the folder agree.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let before_kill = recordings(&server, id, "").await["spans"].as_array().unwrap().len();
    server.kill();
    let recordings_dir = data.join("recordings");
    let parts = files_ending(&recordings_dir, ".part");
    assert_eq!(parts.len(), 1, "one file was being written: {parts:?}");
    let server = serve(&data);
    let listed = recordings(&server, id, "").await;
    let notes = listed["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["kind"] == "recovered"), "the cut-off file is noted: {listed}");
    assert_eq!(schemas.validate(schema, &listed), Vec::<String>::new(), "{listed}");
    let spans = listed["spans"].as_array().unwrap();
    let repaired: Vec<_> = spans.iter().filter(|s| s["recovered"] == true).collect();
    assert_eq!(repaired.len(), 1, "the cut-off file is indexed again: {listed}");
    assert!(spans.len() > before_kill, "{} files indexed after the restart, {before_kill} before", spans.len());
    // Every indexed file is on disk and plays, the repaired one included: as many frames as the
    // index says were recorded.
    let playlist = format!("{}{}", server.base, listed["playlist"].as_str().unwrap());
    let played = tokio::task::block_in_place(|| decode(&playlist));
    let held: f64 = spans.iter().map(|s| (at(&s["end"]) - at(&s["start"])).num_milliseconds() as f64 / 1000.0).sum();
    let slack = 2.0 * played.runs.len() as f64;
    assert!(
        (played.frames as f64 - held * 25.0).abs() <= slack,
        "{} frames, {held} s indexed: {played:?}",
        played.frames
    );
    let on_disk = files_ending(&recordings_dir, ".mp4").len();
    assert!(on_disk >= spans.len(), "{on_disk} files on disk, {} indexed", spans.len());
}

fn files_ending(root: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                out.push(path);
            }
        }
    }
    out
}

/// A tmpfs of a set size mounted for the test (root only), unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        let status =
            Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(at).status();
        match status {
            Ok(s) if s.success() => Some(Tmpfs(at.to_path_buf())),
            _ => {
                // Root can mount; anyone else cannot, and is told why the test did not run.
                assert!(!is_root(), "root could not mount a tmpfs at {}", at.display());
                eprintln!("skipped: mounting a size-limited folder needs root");
                None
            }
        }
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .expect("run mount");
        assert!(status.success(), "cannot resize the tmpfs");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

async fn wait_for_recorder(server: &Server, camera: i64, state: &str, limit: Duration) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let listed = recordings(server, camera, "").await;
        if listed["recorder"] == state {
            return listed;
        }
        assert!(start.elapsed() < limit, "the recorder is not {state} after {limit:?}: {listed}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_recording_cleanly_while_live_video_goes_on_and_recording_resumes() {
    if !rtsp_camera_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("recordings");
    std::fs::create_dir_all(&folder).unwrap();
    let Some(disk) = Tmpfs::mount(&folder, "700k") else { return };
    let port = free_port();
    // Snow fills the bitrate: about 250 kB per 2-s file.
    let args = ["--width", "640", "--height", "360", "--fps", "25", "--bitrate", "1000", "--pattern", "snow"];
    let _camera = Camera::start(port, &args);
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let url = format!("rtsp://127.0.0.1:{port}/cam");
    let added = ok(mingchu(
        &data,
        &[
            "camera",
            "add",
            "--venue",
            "1",
            "--name",
            "满盘",
            "--area",
            "cooking",
            "--url",
            &url,
            "--recording",
            "continuous",
        ],
    ));
    let id: i64 = added.trim().parse().expect("camera id");
    let folder_arg = folder.display().to_string();
    let server = Server::start_on_with(
        &data,
        &[
            "--admin-token",
            TOKEN,
            "--recording-segment-seconds",
            "2",
            "--analyse",
            "off",
            "--recordings-dir",
            &folder_arg,
        ],
    );

    // The folder fills within a few files.
    let full = wait_for_recorder(&server, id, "disk_full", Duration::from_secs(40)).await;
    assert!(full["notes"].as_array().unwrap().iter().any(|n| n["kind"] == "disk_full"), "{full}");
    let metrics = reqwest::get(format!("{}/metrics", server.base)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("mingchu_recorders{state=\"disk_full\"} 1"), "{metrics}");
    // Live video goes on: the camera is online and a fresh picture comes.
    let (_, status) = support::get_json(&server.base, &format!("/api/cameras/{id}/status")).await;
    assert_eq!(status["state"], "online");
    let snapshot = reqwest::get(format!("{}/api/cameras/{id}/snapshot.jpg?fresh=1", server.base)).await.unwrap();
    assert_eq!(snapshot.status(), 200);
    // What was written before is whole: no file left half-written, each indexed file plays.
    assert!(files_ending(&folder, ".part").len() <= 1, "at most the file being tried");
    let before = full["spans"].as_array().unwrap().len();
    assert!(before >= 1, "{full}");

    // Space returns: recording resumes by itself and the new files play with the old.
    disk.resize("20m");
    let back = wait_for_recorder(&server, id, "recording", Duration::from_secs(30)).await;
    let resumed = wait_for_files(&server, id, before + 2, Duration::from_secs(30)).await;
    assert_eq!(back["recorder"], "recording");
    let spans = resumed["spans"].as_array().unwrap();
    let held: f64 = spans.iter().map(|s| (at(&s["end"]) - at(&s["start"])).num_milliseconds() as f64 / 1000.0).sum();
    let playlist = format!("{}{}", server.base, resumed["playlist"].as_str().unwrap());
    let played = tokio::task::block_in_place(|| decode(&playlist));
    let slack = 2.0 * played.runs.len() as f64;
    assert!(
        (played.frames as f64 - held * 25.0).abs() <= slack,
        "{} frames, {held} s indexed: {played:?}",
        played.frames
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_events_a_complaint_keeps_the_seconds_around_it_and_nothing_else() {
    if !rtsp_camera_available() {
        return;
    }
    let (_camera, _dir, data, id) = recorded_camera("事件录像", "500", "events");
    let server = serve(&data);
    // Watching and keeping the seconds before, writing nothing.
    wait_for_recorder(&server, id, "standby", Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_secs(12)).await;
    let quiet = recordings(&server, id, "").await;
    assert_eq!(quiet["spans"].as_array().unwrap().len(), 0, "nothing recorded without an event: {quiet}");

    // A citizen complains about the venue.
    let token = support::complaints::form_token(&server.base, 1).await;
    let fields = support::complaints::fields(&token, 1, "后厨地面有积水，员工未戴口罩处理凉菜。");
    let filed = chrono::Utc::now();
    let (status, _, body) =
        support::complaints::post_form(&server.base, support::complaints::multipart(&fields, &[])).await;
    assert_eq!(status, 303, "{body}");

    // 10 s before it to 20 s after, a group of pictures more at most; then back to standby.
    tokio::time::sleep(Duration::from_secs(22)).await;
    wait_for_recorder(&server, id, "standby", Duration::from_secs(10)).await;
    let listed = recordings(&server, id, "").await;
    let spans = listed["spans"].as_array().unwrap();
    assert!(!spans.is_empty(), "{listed}");
    let first = at(&spans[0]["start"]);
    let last = at(&spans[spans.len() - 1]["end"]);
    let before = (filed - first).num_milliseconds();
    let after = (last - filed).num_milliseconds();
    assert!((9_000..=11_500).contains(&before), "from {before} ms before the complaint: {listed}");
    assert!((19_000..=22_000).contains(&after), "to {after} ms after it: {listed}");
}
