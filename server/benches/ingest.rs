//! What a media node's bookkeeping costs per camera at city scale (run by
//! `scripts/bench-ingest.sh` against the city-sized database of `scripts/bench-city.sh`; figures
//! in docs/benchmarks.md). Every camera a node holds is checked every `--check-interval` (300 s
//! by default), and each check is one write transaction: the lease's fence checked, the
//! camera-day counted (with the roll-up triggers) and the camera's last check updated. This
//! takes `CAMERAS` leases as one node and checks each once, 16 at a time, with the database work
//! the prober does for an idle camera, through the portal's own code: the camera's settings and
//! its picture health read, then the check written with the camera's fence. Rounds alternate
//! between one write transaction per check (`Db::record_check`, as the prober wrote before) and
//! batches of 200 (`Db::record_checks`, as it writes now).
//! Reported per round: checks per second, and CPU per check of this process and of every
//! PostgreSQL process (read from /proc, so run it on the machine of the database).
//! Not included: probing the camera itself (an RTSP session until a keyframe), which idle
//! cameras cost on top, and the relay and recording of running cameras (measured by their own
//! benchmarks).

use chrono::Utc;
use futures::StreamExt;
use mingchu_domain::placement::NodeName;
use mingchu_domain::vocab::CameraId;
use server::db::nodes::Fence;
use server::db::{Check, Db};
use std::time::Instant;

const CONCURRENCY: usize = 16;
/// Rounds of each way of writing, alternating.
const ROUNDS: usize = 3;
/// Checks per write transaction, as the prober writes them (at most).
const BATCH: usize = 200;

/// CPU seconds (user + system) of the processes whose command name passes `keep`.
fn cpu_seconds(keep: impl Fn(&str, u32) -> bool) -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid … utime stime: fields 14 and 15, counted after the ")".
        let Some((head, rest)) = stat.rsplit_once(") ") else { continue };
        let comm = head.split_once(" (").map_or("", |(_, c)| c);
        if !keep(comm, pid) {
            continue;
        }
        let fields: Vec<&str> = rest.split(' ').collect();
        let (utime, stime) = (fields[11].parse::<u64>().unwrap_or(0), fields[12].parse::<u64>().unwrap_or(0));
        total += utime + stime;
    }
    total as f64 / ticks
}

#[tokio::main]
async fn main() {
    let url =
        std::env::var("MINGCHU_BENCH_DATABASE").expect("MINGCHU_BENCH_DATABASE=postgres://… (scripts/bench-ingest.sh)");
    let cameras: usize = std::env::var("CAMERAS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let me = NodeName("ingest-bench".into());
    let now = Utc::now();
    let cutoff = now - chrono::Duration::seconds(3);
    db.heartbeat(&me, "http://127.0.0.1:1", "bench", now, cutoff).await.expect("beat").expect("name free");
    let ids: Vec<CameraId> = (1..=cameras as i64).map(CameraId).collect();
    let mut fences = Vec::new();
    for chunk in ids.chunks(5_000) {
        for (camera, epoch) in db.take_leases(&me, chunk, cutoff, now).await.expect("take leases") {
            fences.push(Fence { camera, node: me.clone(), epoch });
        }
    }
    assert_eq!(fences.len(), cameras, "every camera's lease taken");
    let own = std::process::id();
    println!(
        "| round | writes | checks | seconds | checks/s | this process, µs per check | PostgreSQL, µs per check |"
    );
    println!("|---|---|---|---|---|---|---|");
    let fences: &'static [Fence] = Box::leak(fences.into_boxed_slice());
    for (round, batched) in (1..=ROUNDS * 2).map(|r| (r, r % 2 == 0)) {
        let (portal0, pg0) = (cpu_seconds(|_, pid| pid == own), cpu_seconds(|comm, _| comm == "postgres"));
        let started = Instant::now();
        let at = Utc::now();
        let read = |fence: &'static Fence| {
            let db = db.clone();
            async move {
                db.camera(fence.camera).await.expect("settings read").expect("a camera");
                db.camera_picture(fence.camera).await.expect("picture health read");
                fence
            }
        };
        let reads = futures::stream::iter(fences).map(read).buffer_unordered(CONCURRENCY);
        if batched {
            // As the prober writes: the checks done so far, up to 200 a transaction.
            let mut batches = std::pin::pin!(reads.chunks(BATCH));
            while let Some(done) = batches.next().await {
                let checks: Vec<Check> =
                    done.iter().map(|f| Check { camera: f.camera, online: true, fence: Some((*f).clone()) }).collect();
                assert!(db.record_checks(&checks, at).await.expect("checks recorded").is_empty(), "none refused");
            }
        } else {
            reads
                .map(|fence| {
                    let db = db.clone();
                    async move { db.record_check(fence.camera, true, at, Some(fence)).await.expect("check recorded") }
                })
                .buffer_unordered(CONCURRENCY)
                .collect::<Vec<()>>()
                .await;
        }
        let seconds = started.elapsed().as_secs_f64();
        let (portal1, pg1) = (cpu_seconds(|_, pid| pid == own), cpu_seconds(|comm, _| comm == "postgres"));
        let per = |cpu: f64| cpu / cameras as f64 * 1e6;
        println!(
            "| {round} | {} | {cameras} | {seconds:.1} | {:.0} | {:.0} | {:.0} |",
            if batched { "batches of 200" } else { "one per check" },
            cameras as f64 / seconds,
            per(portal1 - portal0),
            per(pg1 - pg0)
        );
        db.heartbeat(&me, "http://127.0.0.1:1", "bench", Utc::now(), Utc::now() - chrono::Duration::seconds(3))
            .await
            .expect("beat")
            .expect("still ours");
    }
    db.release_leases(&me, &ids).await.expect("release");
    db.remove_node(&me, "bench").await.expect("leave");
}
