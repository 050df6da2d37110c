//! Retention, the disk quota and evidence kept past both, on a real SQLite database and real
//! files: recorded files of different ages, some held as evidence by an open rectification
//! order and one by an order closed long ago, swept at a fixed moment.

use crate::support;

use chrono::{DateTime, Duration, Utc};
use mingchu_domain::audit::Who;
use mingchu_domain::recording::{EvidenceCase, RecordingPolicy};
use mingchu_domain::vocab::CameraId;
use mingchu_media::record::segmenter::{FragmentIndex, SegmentSummary};
use server::db::recordings::Hold;
use server::recording_sweeper::{Sweeper, Swept};
use support::cli::{mingchu, ok};

fn now() -> DateTime<Utc> {
    "2026-12-02T12:00:00Z".parse().unwrap()
}

fn summary(end: DateTime<Utc>) -> SegmentSummary {
    let start = end - Duration::seconds(60);
    SegmentSummary {
        start,
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

#[tokio::test]
async fn old_footage_goes_then_the_oldest_over_quota_and_evidence_in_open_cases_stays() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let db = server::db::Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let pool = crate::support::database::pool(&data).await;
    // One order still open, one closed 200 days ago (evidence is kept 180 days after).
    let open: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE state != 'closed' ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await
        .expect("the demo has an open order");
    let closed: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE id != $1 ORDER BY id LIMIT 1")
        .bind(open)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET state = 'closed', closed_on = $2 WHERE id = $1")
        .bind(closed)
        .bind((now() - Duration::days(200)).date_naive().to_string())
        .execute(&pool)
        .await
        .unwrap();

    let (a, b) = (CameraId(1), CameraId(2));
    let shell = Who::shell();
    db.set_recording_policy(a, RecordingPolicy::Continuous, 7, &shell, now()).await.unwrap();
    db.set_recording_policy(b, RecordingPolicy::Continuous, 30, &shell, now()).await.unwrap();
    let root = dir.path().join("recordings");
    let files = [
        ("old", a, now() - Duration::days(10)),         // past a's 7 days
        ("held", a, now() - Duration::days(9)),         // past, but evidence in the open order
        ("expired-hold", a, now() - Duration::days(8)), // past; its order closed 200 days ago
        ("b-month", b, now() - Duration::days(20)),     // within b's 30 days: the oldest kept
        ("recent", a, now() - Duration::days(1)),
        ("newest", b, now() - Duration::hours(1)),
    ];
    for (name, camera, end) in files {
        let path = format!("{camera}/{name}.mp4");
        std::fs::create_dir_all(root.join(camera.to_string())).unwrap();
        std::fs::write(root.join(&path), vec![7u8; 1000]).unwrap();
        db.add_segment(camera, &path, &summary(end), false, None, None).await.unwrap();
    }
    let hold = |end: DateTime<Utc>, order| Hold {
        camera: a,
        from: end - Duration::seconds(30),
        to: end - Duration::seconds(10),
        case: EvidenceCase::Order(order),
    };
    db.add_hold(&hold(files[1].2, open), None, &shell, now()).await.unwrap();
    db.add_hold(&hold(files[2].2, closed), None, &shell, now()).await.unwrap();
    // A hold on the other camera at the same time holds nothing of camera a.
    let mut elsewhere = hold(files[0].2, open);
    elsewhere.camera = b;
    db.add_hold(&elsewhere, None, &shell, now()).await.unwrap();

    // 6,000 bytes recorded; a quota of 2,500: retention takes two, then the oldest not held.
    let sweeper = Sweeper { db: db.clone(), node: None, root: root.clone(), quota_bytes: Some(2500), keep_days: 180 };
    let swept = sweeper.sweep(now()).await.unwrap();
    assert_eq!(swept, Swept { past_retention: 2, over_quota: 2, bytes: 4000 });
    let left: Vec<String> =
        sqlx::query_scalar("SELECT path FROM recording_segments ORDER BY end_at").fetch_all(&pool).await.unwrap();
    assert_eq!(left, vec!["1/held.mp4", "2/newest.mp4"]);
    for (name, camera, _) in files {
        let on_disk = root.join(format!("{camera}/{name}.mp4")).exists();
        assert_eq!(on_disk, left.contains(&format!("{camera}/{name}.mp4")), "{name}");
    }
    let notes = db.recording_notes(None, 10).await.unwrap();
    // One note per camera and reason, not one per file: camera a's two past its 7 days, then
    // one file of each camera over the quota.
    let retention: Vec<_> = notes.iter().filter(|n| n.kind == "retention").collect();
    assert_eq!(retention.len(), 1, "{notes:?}");
    assert!(
        retention[0].detail.starts_with("2 file(s), 0.0 MB")
            && retention[0].detail.ends_with("older than the camera's 7 days"),
        "{notes:?}"
    );
    let quota: Vec<_> = notes.iter().filter(|n| n.kind == "quota").collect();
    assert_eq!(quota.len(), 2, "{notes:?}");
    assert!(quota.iter().all(|n| n.detail.starts_with("1 file(s)")), "{notes:?}");

    // Sweeping again changes nothing; once the order closes and 180 days pass, the held file goes.
    assert_eq!(sweeper.sweep(now()).await.unwrap(), Swept::default());
    sqlx::query("UPDATE orders SET state = 'closed', closed_on = $2 WHERE id = $1")
        .bind(open)
        .bind(now().date_naive().to_string())
        .execute(&pool)
        .await
        .unwrap();
    // 179 days on, only the newest (camera b keeps 30 days) goes; the evidence stays to 180.
    assert_eq!(sweeper.sweep(now() + Duration::days(179)).await.unwrap().past_retention, 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT path FROM recording_segments").fetch_all(&pool).await.unwrap();
    assert_eq!(left, vec!["1/held.mp4"], "kept 180 days after its case closed");
    assert_eq!(sweeper.sweep(now() + Duration::days(182)).await.unwrap().past_retention, 1);
}
