//! How many cross-node events PostgreSQL's LISTEN/NOTIFY carries (run with
//! `scripts/bench-nodes.sh`; figures in docs/benchmarks.md): `SENDERS` connections each send
//! their share of `EVENTS` notifications, one per transaction (as nodes send them) with the
//! payload nodes send, while `LISTENERS` connections (one per node) receive all of them. The
//! figure is events per second from the first send to the last listener's last event.

use sqlx::postgres::{PgListener, PgPoolOptions};
use std::time::{Duration, Instant};

const EVENTS: usize = 20_000;
const SENDERS: usize = 4;
const LISTENERS: usize = 3;
const CHANNEL: &str = "bench_events";

#[tokio::main]
async fn main() {
    let url =
        std::env::var("MINGCHU_BENCH_DATABASE").expect("MINGCHU_BENCH_DATABASE=postgres://… (scripts/bench-nodes.sh)");
    let pool = PgPoolOptions::new().max_connections(SENDERS as u32).connect(&url).await.expect("connect");
    for round in 0..3 {
        let mut listeners = Vec::new();
        for _ in 0..LISTENERS {
            let mut listener = PgListener::connect(&url).await.expect("listen");
            listener.listen(CHANNEL).await.expect("LISTEN");
            listeners.push(tokio::spawn(async move {
                let mut got = 0;
                while got < EVENTS {
                    match tokio::time::timeout(Duration::from_secs(30), listener.recv()).await {
                        Ok(Ok(_)) => got += 1,
                        _ => break,
                    }
                }
                (got, Instant::now())
            }));
        }
        let started = Instant::now();
        let mut senders = Vec::new();
        for s in 0..SENDERS {
            let pool = pool.clone();
            senders.push(tokio::spawn(async move {
                for i in (s..EVENTS).step_by(SENDERS) {
                    let payload = format!(r#"{{"event":"camera_settings","camera":{i}}}"#);
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(payload)
                        .execute(&pool)
                        .await
                        .expect("notify");
                }
            }));
        }
        for sender in senders {
            sender.await.unwrap();
        }
        let sent = started.elapsed();
        let mut last = started;
        for listener in listeners {
            let (got, at) = listener.await.unwrap();
            assert_eq!(got, EVENTS, "a listener missed events");
            last = last.max(at);
        }
        let all = last - started;
        println!(
            "round {round}: {EVENTS} events from {SENDERS} senders to {LISTENERS} listeners: sent in {:.2} s \
             ({:.0}/s), all received in {:.2} s ({:.0} events/s delivered to every listener)",
            sent.as_secs_f64(),
            EVENTS as f64 / sent.as_secs_f64(),
            all.as_secs_f64(),
            EVENTS as f64 / all.as_secs_f64()
        );
    }
}
