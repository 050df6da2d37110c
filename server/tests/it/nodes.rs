//! Several media nodes on one database (docs/design/scale.md). The lease rules run against the
//! real database on both engines; three real `mingchu serve --node` processes share the demo
//! district's cameras through one PostgreSQL (on the PostgreSQL pass of scripts/test.sh, the
//! only engine several nodes may share): spread, redirect, SIGKILL and failover.

use crate::support;

use chrono::{DateTime, Duration, Utc};
use mingchu_domain::placement::{Liveness, NodeName};
use mingchu_domain::vocab::CameraId;
use server::db::nodes::Fence;
use server::db::{Db, DbError};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Instant;
use support::whep::WhepViewer;
use support::Server;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn node(name: &str) -> NodeName {
    NodeName(name.into())
}

/// The camera's last recorded state and its detail (none recorded: empty).
async fn latest_state(pool: &sqlx::AnyPool, camera: i64) -> (String, Option<String>) {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT state, detail FROM camera_state_changes WHERE camera_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(camera)
    .fetch_optional(pool)
    .await
    .unwrap();
    row.unwrap_or_default()
}

/// The demo district in a database of the test's own (on the engine the pass runs on).
async fn demo_district() -> (tempfile::TempDir, std::path::PathBuf, Db) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::File::create(data.join("mingchu.db")).unwrap();
    let db = Db::connect(&support::database::url(&data)).await.unwrap();
    db.migrate().await.unwrap();
    db.seed(&server::demo::generate(server::demo::SEED)).await.unwrap();
    (dir, data, db)
}

#[tokio::test]
async fn a_camera_is_won_once_moves_when_its_node_dies_and_the_old_holder_is_fenced_off() {
    let (_dir, data, db) = demo_district().await;
    let pool = support::database::pool(&data).await;
    let liveness = Liveness::every(Duration::seconds(2));
    let t0 = at("2026-12-03T10:00:00Z");
    let (a, b) = (node("a"), node("b"));
    let camera = CameraId(1);

    // Two nodes beat; a second process under a live node's name is refused, with the reason.
    db.heartbeat(&a, "http://a", "a-1", t0, liveness.cutoff(t0)).await.unwrap().unwrap();
    db.heartbeat(&b, "http://b", "b-1", t0, liveness.cutoff(t0)).await.unwrap().unwrap();
    let t1 = t0 + Duration::seconds(1);
    let refused = db.heartbeat(&a, "http://a2", "a-2", t1, liveness.cutoff(t1)).await.unwrap().unwrap_err();
    assert!(refused.to_string().contains("node a is already running elsewhere"), "{refused}");
    assert_eq!(db.live_nodes(liveness.cutoff(t1)).await.unwrap(), BTreeSet::from([a.clone(), b.clone()]));

    // Only one of two nodes wins a free camera; the other cannot take it from a live holder.
    assert_eq!(db.take_leases(&a, &[camera], liveness.cutoff(t1), t1).await.unwrap(), vec![(camera, 1)]);
    assert!(db.take_leases(&b, &[camera], liveness.cutoff(t1), t1).await.unwrap().is_empty());
    let holder = db.camera_holder(camera, liveness.cutoff(t1)).await.unwrap().unwrap();
    assert_eq!((holder.node.clone(), holder.url.as_str(), holder.epoch), (a.clone(), "http://a", 1));
    let a_fence = Fence { camera, node: a.clone(), epoch: 1 };
    db.record_camera_state(camera, "online", None, Some(&a_fence)).await.unwrap();

    // a stops beating; after three beats b may take the camera, under the next epoch, and the
    // state a left behind is marked as no longer monitored.
    let t7 = t0 + Duration::milliseconds(6_500);
    db.heartbeat(&b, "http://b", "b-1", t7, liveness.cutoff(t7)).await.unwrap().unwrap();
    assert_eq!(db.live_nodes(liveness.cutoff(t7)).await.unwrap(), BTreeSet::from([b.clone()]));
    assert_eq!(db.camera_holder(camera, liveness.cutoff(t7)).await.unwrap(), None, "a dead holder holds nothing");
    assert_eq!(db.take_leases(&b, &[camera], liveness.cutoff(t7), t7).await.unwrap(), vec![(camera, 2)]);
    let (state, detail) = latest_state(&pool, 1).await;
    assert_eq!(
        (state.as_str(), detail.as_deref()),
        ("idle", Some("not monitored: the camera moved to another media node"))
    );

    // a wakes up still believing it holds the camera: every write it makes is refused.
    let refused = db.record_camera_state(camera, "offline", Some("stale"), Some(&a_fence)).await.unwrap_err();
    assert!(matches!(refused, DbError::Fenced { epoch: 1, now: 2, .. }), "{refused}");
    assert!(refused.to_string().contains("no longer the camera's"), "{refused}");
    let checks = || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT CAST(coalesce(sum(checks), 0) AS BIGINT) FROM camera_checks_daily WHERE camera_id = 1",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        n
    };
    let checks_before = checks().await;
    assert!(db.record_check(camera, false, t7, Some(&a_fence)).await.is_err());
    assert!(db.record_health(camera, "dark", t7, "stale", Some(&a_fence)).await.is_err());
    assert_eq!(latest_state(&pool, 1).await.0, "idle", "the stale holder's write must not land");
    assert_eq!(checks().await, checks_before, "the stale holder's check must not land");
    // Its beat under the same process comes back (the name is free again), but the camera
    // stays b's until b lets it go.
    let t8 = t7 + Duration::seconds(1);
    db.heartbeat(&a, "http://a", "a-1", t8, liveness.cutoff(t8)).await.unwrap().unwrap();
    assert!(db.take_leases(&a, &[camera], liveness.cutoff(t8), t8).await.unwrap().is_empty());

    // The holder's writes land; letting go keeps the epoch, and the next holder's is higher.
    let b_fence = Fence { camera, node: b.clone(), epoch: 2 };
    db.record_camera_state(camera, "online", None, Some(&b_fence)).await.unwrap();
    assert_eq!(latest_state(&pool, 1).await.0, "online");
    // A round's checks go in one batch: the stale holder's is left out and named, the
    // holder's lands.
    let before = checks().await;
    let batch = [
        server::db::Check { camera, online: true, fence: Some(a_fence.clone()) },
        server::db::Check { camera, online: true, fence: Some(b_fence.clone()) },
    ];
    let refused = db.record_checks(&batch, t8).await.unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(matches!(refused[0], (c, DbError::Fenced { epoch: 1, now: 2, .. }) if c == camera), "{refused:?}");
    assert_eq!(checks().await, before + 1, "the holder's check lands, the stale one's does not");
    assert_eq!(db.release_leases(&b, &[camera]).await.unwrap(), 1);
    assert!(db.record_camera_state(camera, "online", None, Some(&b_fence)).await.is_err(), "released means fenced");
    assert_eq!(db.take_leases(&a, &[camera], liveness.cutoff(t8), t8).await.unwrap(), vec![(camera, 3)]);
    assert_eq!(db.leases_by_node().await.unwrap(), vec![(a.clone(), 1)]);
}

#[tokio::test]
async fn a_node_is_refused_on_sqlite_and_without_an_address_others_can_reach() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mingchu"))
        .args(["--data-dir"])
        .arg(dir.path())
        .env("MINGCHU_DATABASE_URL", format!("sqlite://{}", dir.path().join("m.db").display()))
        .args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--node", "media-1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--node needs a PostgreSQL database"), "{said}");
    let out = Command::new(env!("CARGO_BIN_EXE_mingchu")).args(["serve", "--node", "media 1"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("is not usable"), "{said}");
    let Some(_) = support::database::postgres() else { return };
    let data = dir.path().join("pg");
    let out = Command::new(env!("CARGO_BIN_EXE_mingchu"))
        .arg("--data-dir")
        .arg(&data)
        .env("MINGCHU_DATABASE_URL", support::database::url(&data))
        .args(["serve", "--bind", "0.0.0.0:0", "--webrtc-bind", "127.0.0.1:0", "--node", "media-1"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("needs --node-url"), "{said}");
}

/// One `mingchu serve --node NAME` on the shared database.
fn media_node(name: &str, url: &str, dir: tempfile::TempDir) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mingchu"));
    command
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env("MINGCHU_DATABASE_URL", url)
        .args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--check-interval", "0"])
        .args(["--analyse", "off", "--node", name, "--node-heartbeat-seconds", "1", "--site-root"])
        .arg(dir.path());
    Server::launch(command, dir)
}

/// Cameras by holder, straight from the shared database.
async fn holders(pool: &sqlx::AnyPool) -> BTreeMap<i64, Option<String>> {
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT c.id, l.holder FROM cameras c LEFT JOIN camera_leases l ON l.camera_id = c.id")
            .fetch_all(pool)
            .await
            .unwrap();
    rows.into_iter().collect()
}

/// Every leased camera's epoch.
async fn epochs(pool: &sqlx::AnyPool) -> BTreeMap<i64, i64> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT camera_id, epoch FROM camera_leases").fetch_all(pool).await.unwrap();
    rows.into_iter().collect()
}

async fn public_cameras(pool: &sqlx::AnyPool) -> BTreeSet<i64> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cameras WHERE is_public = 1").fetch_all(pool).await.unwrap();
    ids.into_iter().collect()
}

async fn plays(base: &str, camera: i64) -> Result<(), String> {
    let mut viewer = WhepViewer::connect(base, camera).await.map_err(|e| e.to_string())?;
    let since = Instant::now();
    let picture = viewer.picture_after(since, std::time::Duration::from_secs(10)).await;
    let _ = viewer.close().await;
    picture.map(|_| ()).ok_or_else(|| format!("camera {camera} via {base}: no picture"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_the_cameras_redirect_viewers_and_take_over_from_a_killed_one() {
    let Some(_) = support::database::postgres() else {
        eprintln!("several media nodes share one PostgreSQL database: this runs on the PostgreSQL pass");
        return;
    };
    let seed = tempfile::tempdir().unwrap();
    let url = support::database::url(seed.path());
    support::cli::ok(support::cli::mingchu(seed.path(), &["seed-demo"]));
    let pool = support::database::pool(seed.path()).await;
    let names = ["n1", "n2", "n3"];
    let mut servers: BTreeMap<&str, Server> =
        names.iter().map(|n| (*n, media_node(n, &url, tempfile::tempdir().unwrap()))).collect();
    let bases: BTreeMap<String, String> = servers.iter().map(|(n, s)| (n.to_string(), s.base.clone())).collect();

    // Every camera is held, by the three together, each holding about a third.
    // Within a few beats of the last node's start (each node lets go of what a newer one
    // wins, which takes it at its next beat).
    let deadline = Instant::now() + std::time::Duration::from_secs(8);
    let spread = loop {
        let held = holders(&pool).await;
        let mut by_node: BTreeMap<String, usize> = BTreeMap::new();
        for holder in held.values().flatten() {
            *by_node.entry(holder.clone()).or_default() += 1;
        }
        if held.values().all(Option::is_some) && by_node.len() == 3 {
            break (held, by_node);
        }
        assert!(Instant::now() < deadline, "the cameras were not spread over three nodes: {by_node:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let (held, by_node) = spread;
    let total = held.len();
    for (node, n) in &by_node {
        assert!(*n * 6 >= total, "{node} holds {n} of {total} cameras: not spread");
    }

    // A viewer that asks the wrong node is sent to the holder (307, the same path) and plays.
    let public = public_cameras(&pool).await;
    let (&camera, holder) = held.iter().find(|(c, _)| public.contains(c)).unwrap();
    let holder = holder.clone().unwrap();
    let wrong = names.iter().find(|n| **n != holder).unwrap();
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = no_follow
        .post(format!("{}/whep/{camera}", bases[*wrong]))
        .header("content-type", "application/sdp")
        .body(support::whep::h264_offer().await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(res.headers()["location"], format!("{}/whep/{camera}", bases[&holder]).as_str());
    plays(&bases[*wrong], camera).await.unwrap();
    // Pages are served by any node.
    let page = reqwest::get(format!("{}/venues/1", bases[*wrong])).await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);

    // A setting changed anywhere reaches the camera's holder (LISTEN/NOTIFY): switched to
    // always-on, the camera starts on its node without a viewer.
    let (&always, _) = held.iter().filter(|(c, _)| **c != camera).nth(3).unwrap();
    sqlx::query("UPDATE cameras SET always_on = 1 WHERE id = $1").bind(always).execute(&pool).await.unwrap();
    let event = format!(r#"{{"event":"camera_settings","camera":{always}}}"#);
    sqlx::query("SELECT pg_notify('mingchu_events', $1)").bind(&event).execute(&pool).await.unwrap();
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while latest_state(&pool, always).await.0 != "online" {
        assert!(Instant::now() < deadline, "the holder did not start the camera switched to always-on");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    sqlx::query("UPDATE cameras SET always_on = 0 WHERE id = $1").bind(always).execute(&pool).await.unwrap();
    sqlx::query("SELECT pg_notify('mingchu_events', $1)").bind(&event).execute(&pool).await.unwrap();

    // The holder dies without a word: its cameras are held by the two others, and watchable
    // through either, within 15 s.
    let victim_cameras: Vec<i64> =
        held.iter().filter(|(_, h)| h.as_deref() == Some(&holder)).map(|(c, _)| *c).collect();
    let watched = *victim_cameras.iter().find(|c| public.contains(c)).unwrap();
    let killed_at = Instant::now();
    servers.get_mut(holder.as_str()).unwrap().kill();
    let survivor = names.iter().find(|n| **n != holder).unwrap();
    loop {
        let now_held = holders(&pool).await;
        let moved = victim_cameras.iter().all(|c| now_held[c].as_deref().is_some_and(|h| h != holder));
        if moved && plays(&bases[*survivor], watched).await.is_ok() {
            break;
        }
        assert!(
            killed_at.elapsed() < std::time::Duration::from_secs(15),
            "the killed node's cameras were not held and watchable elsewhere within 15 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let took = killed_at.elapsed();
    eprintln!("failover: {} cameras held and watchable again after {took:?}", victim_cameras.len());
    let survivors: BTreeSet<String> = holders(&pool).await.into_values().flatten().collect();
    assert_eq!(survivors.len(), 2, "the two live nodes share the cameras: {survivors:?}");
    assert!(!survivors.contains(&holder));

    // The node comes back under its name: it wins its share again, each camera under a new
    // epoch (whatever its previous run might still try to write is refused).
    let epochs_before = epochs(&pool).await;
    let back = media_node(&holder, &url, tempfile::tempdir().unwrap());
    let deadline = Instant::now() + std::time::Duration::from_secs(8);
    loop {
        let now_held = holders(&pool).await;
        let back_holds: Vec<i64> =
            now_held.iter().filter(|(_, h)| h.as_deref() == Some(&holder)).map(|(c, _)| *c).collect();
        if back_holds.len() * 6 >= total {
            let epochs = epochs(&pool).await;
            assert!(
                back_holds.iter().all(|c| epochs[c] > epochs_before[c]),
                "a camera changed hands without a new epoch"
            );
            break;
        }
        assert!(Instant::now() < deadline, "the node that came back did not win its share: {}", back_holds.len());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    plays(&back.base, watched).await.unwrap();

    // A planned stop (SIGTERM) lets go at once: the node's row is gone when the process has
    // exited, and its cameras are held by the others.
    let leaving: Vec<i64> =
        holders(&pool).await.into_iter().filter(|(_, h)| h.as_deref() == Some(&holder)).map(|(c, _)| c).collect();
    let status = Command::new("kill").args(["-TERM", &back.pid().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM nodes WHERE name = $1")
            .bind(&holder)
            .fetch_one(&pool)
            .await
            .unwrap();
        let now_held = holders(&pool).await;
        if rows == 0 && leaving.iter().all(|c| now_held[c].as_deref().is_some_and(|h| h != holder)) {
            break;
        }
        assert!(Instant::now() < deadline, "a node stopped with SIGTERM did not hand its cameras over");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn each_node_recovers_sweeps_and_serves_only_the_files_on_its_own_disk() {
    let (_dir, _data, db) = demo_district().await;
    let end = at("2026-12-03T10:00:00Z");
    let summary = |bytes: u64| mingchu_media::record::segmenter::SegmentSummary {
        start: end - Duration::seconds(60),
        end,
        camera_offset_ms: None,
        bytes,
        init_len: 100,
        codec: "avc1.42c01f".into(),
        width: 1280,
        height: 720,
        fragments: vec![],
    };
    db.add_segment(CameraId(1), "1/a.mp4", &summary(1000), false, None, Some("a")).await.unwrap();
    db.add_segment(CameraId(2), "2/b.mp4", &summary(3000), false, None, Some("b")).await.unwrap();
    db.add_segment(CameraId(3), "3/single.mp4", &summary(5000), false, None, None).await.unwrap();
    let paths = |v: &[&str]| v.iter().map(|p| p.to_string()).collect::<std::collections::HashSet<String>>();
    // Recovery at a's start compares a's disk with a's rows only: b's file is not "missing".
    assert_eq!(db.indexed_recording_paths(Some("a")).await.unwrap(), paths(&["1/a.mp4"]));
    assert_eq!(db.indexed_recording_paths(None).await.unwrap(), paths(&["3/single.mp4"]));
    db.forget_segments(Some("a"), &["2/b.mp4".to_string()]).await.unwrap();
    assert_eq!(db.indexed_recording_paths(Some("b")).await.unwrap(), paths(&["2/b.mp4"]), "a forgot b's file");
    // The quota and the sweep count a node's own disk.
    assert_eq!(db.recorded_bytes(Some("b")).await.unwrap(), 3000);
    assert_eq!(db.recorded_bytes(None).await.unwrap(), 5000);
    let swept: Vec<String> =
        db.footage_after(Some("a"), None, 100).await.unwrap().into_iter().map(|f| f.path).collect();
    assert_eq!(swept, vec!["1/a.mp4".to_string()]);
}
