//! Server-render latency of the portal's pages over HTTP, against the release binary with the
//! demo district. Run with `scripts/bench.sh` (or `cargo bench -p server --bench render`).
//!
//! Sequential requests on one keep-alive connection give the latency of one render; a second
//! run with several connections gives throughput on this machine.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

const WARMUP: usize = 50;
const SAMPLES: usize = 1000;
const CONCURRENCY: usize = 8;
const THROUGHPUT_REQUESTS: usize = 4000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn latency(client: &reqwest::Client, url: &str) -> Vec<Duration> {
    for _ in 0..WARMUP {
        client.get(url).send().await.unwrap().bytes().await.unwrap();
    }
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let start = Instant::now();
        let res = client.get(url).send().await.unwrap();
        assert!(res.status().is_success(), "{url}: {}", res.status());
        res.bytes().await.unwrap();
        samples.push(start.elapsed());
    }
    samples.sort();
    samples
}

async fn throughput(url: &str) -> f64 {
    let start = Instant::now();
    let per_task = THROUGHPUT_REQUESTS / CONCURRENCY;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let url = url.to_string();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for _ in 0..per_task {
                    client.get(&url).send().await.unwrap().bytes().await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (per_task * CONCURRENCY) as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let server = support::Server::start();
    let client = reqwest::Client::new();
    println!("| page | median | p90 | p99 | bytes |");
    println!("|---|---|---|---|---|");
    for (name, path) in [
        ("home (20 venues)", "/"),
        ("search ?q=食堂", "/?q=%E9%A3%9F%E5%A0%82"),
        ("venue page", "/venues/3"),
        ("/healthz", "/healthz"),
    ] {
        let url = format!("{}{path}", server.base);
        let bytes = client.get(&url).send().await.unwrap().bytes().await.unwrap().len();
        let s = latency(&client, &url).await;
        println!(
            "| {name} | {:.2} ms | {:.2} ms | {:.2} ms | {bytes} |",
            percentile(&s, 0.5).as_secs_f64() * 1e3,
            percentile(&s, 0.9).as_secs_f64() * 1e3,
            percentile(&s, 0.99).as_secs_f64() * 1e3,
        );
    }
    let rps = throughput(&format!("{}/", server.base)).await;
    println!("\nhome page throughput with {CONCURRENCY} connections: {rps:.0} requests/s");
}
