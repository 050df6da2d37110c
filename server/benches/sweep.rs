//! The recording sweeper's cost (run with `scripts/bench-recording.sh`; figures in
//! docs/benchmarks.md): a real SQLite database with the demo district and one-minute files of
//! 40 cameras past their retention, on disk, swept in one go. Beside it, in the same run, the
//! same files forgotten one transaction per file (as the sweeper did before it batched), to
//! show what the batching buys.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use mingchu_domain::audit::Who;
use mingchu_domain::recording::RecordingPolicy;
use mingchu_domain::vocab::CameraId;
use mingchu_media::record::segmenter::{FragmentIndex, SegmentSummary};
use server::db::recordings::SweepNote;
use server::db::Db;
use server::recording_sweeper::Sweeper;
use std::path::Path;
use std::time::Instant;

const CAMERAS: usize = 40;
const FILES_PER_CAMERA: usize = 250;

fn now() -> DateTime<Utc> {
    "2026-12-02T12:00:00Z".parse().unwrap()
}

fn summary(end: DateTime<Utc>) -> SegmentSummary {
    SegmentSummary {
        start: end - Duration::seconds(60),
        end,
        camera_offset_ms: None,
        bytes: 1000,
        init_len: 100,
        codec: "avc1.42c01f".into(),
        width: 1280,
        height: 720,
        fragments: vec![FragmentIndex { offset: 100, len: 900, start_ms: 0, duration_ms: 60_000, keyframe: true }],
    }
}

/// A fresh district whose cameras keep 7 days, each with FILES_PER_CAMERA files of 10 days ago.
async fn district(dir: &Path) -> (Db, Vec<i64>) {
    let data = dir.join("data");
    support::cli::ok(support::cli::mingchu(&data, &["seed-demo"]));
    let args = server::config::DbArgs { data_dir: data.clone(), database_url: None };
    let db = server::open_db(&args).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&args.database_url()).await.unwrap();
    let cameras: Vec<i64> = sqlx::query_scalar("SELECT id FROM cameras ORDER BY id LIMIT ?1")
        .bind(CAMERAS as i64)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(cameras.len(), CAMERAS, "the demo district has enough cameras");
    let root = data.join("recordings");
    for camera in &cameras {
        let camera = CameraId(*camera);
        db.set_recording_policy(camera, RecordingPolicy::Continuous, 7, &Who::shell(), now()).await.unwrap();
        std::fs::create_dir_all(root.join(camera.to_string())).unwrap();
        for i in 0..FILES_PER_CAMERA {
            let end = now() - Duration::days(10) + Duration::minutes(i as i64);
            let path = format!("{camera}/{i}.mp4");
            std::fs::write(root.join(&path), [7u8; 1000]).unwrap();
            db.add_segment(camera, &path, &summary(end), false, None, None).await.unwrap();
        }
    }
    let ids = sqlx::query_scalar("SELECT id FROM recording_segments").fetch_all(&pool).await.unwrap();
    (db, ids)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let files = CAMERAS * FILES_PER_CAMERA;
    let (mut batched, mut per_file) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = district(dir.path()).await;
        let root = dir.path().join("data").join("recordings");
        let sweeper = Sweeper { db, node: None, root, quota_bytes: None, keep_days: 180 };
        let start = Instant::now();
        let swept = sweeper.sweep(now()).await.unwrap();
        batched.push(start.elapsed().as_secs_f64());
        assert_eq!(swept.past_retention, files);

        // The same index, forgotten one file per transaction, each with its note.
        let dir = tempfile::tempdir().unwrap();
        let (db, ids) = district(dir.path()).await;
        let start = Instant::now();
        for id in ids {
            let note = SweepNote { camera: CameraId(1), kind: "retention", detail: "1 file(s)".into() };
            db.remove_footage(&[id], &[note], now()).await.unwrap();
        }
        per_file.push(start.elapsed().as_secs_f64());
    }
    let (batched, per_file) = (median(batched), median(per_file));
    println!(
        "sweep of {files} expired files of {CAMERAS} cameras (files deleted, index and notes in one \
         transaction per batch; median of 3): {:.2} s, {:.0} files/s",
        batched,
        files as f64 / batched
    );
    println!(
        "the same index forgotten one transaction per file (no file deletes; median of 3): {:.2} s, {:.0} files/s; \
         ratio {:.1}x",
        per_file,
        files as f64 / per_file,
        per_file / batched
    );
}
