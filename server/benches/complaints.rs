//! Sustained complaint submissions per second on SQLite, against the release binary: text
//! only, with one phone-sized photo, and with one shared (already downscaled) photo. Every
//! submission is durable when answered: photos written, fsynced and renamed, then the row
//! committed with `synchronous = FULL` in WAL mode. Run with `scripts/bench-complaints.sh`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::complaints::{client, fields, multipart, post_json_with, token_in};

const RUNS: usize = 3;

/// A JPEG of `w`×`h` with texture (gradients and noise), so it compresses like a photo.
fn photo(w: u16, h: u16) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    let mut seed = 0x2545_f491_u32;
    for y in 0..h as u32 {
        for x in 0..w as u32 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let n = seed & 31;
            rgb.extend_from_slice(&[
                ((x * 255 / w as u32) + n) as u8,
                ((y * 255 / h as u32) + n) as u8,
                (128 + n) as u8,
            ]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 92).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

async fn tokens(base: &str, n: usize) -> Vec<String> {
    let c = reqwest::Client::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let html =
            c.get(format!("{base}/complaints/new?venue={}", 1 + i % 40)).send().await.unwrap().text().await.unwrap();
        out.push(token_in(&html).expect("a form token"));
    }
    out
}

/// Submits `n` complaints from `concurrency` clients; returns (per second, median, p95).
async fn run(base: &str, n: usize, concurrency: usize, photo: Option<&[u8]>) -> (f64, Duration, Duration) {
    let tokens = tokens(base, n).await;
    let chunks: Vec<Vec<String>> = tokens.chunks(n.div_ceil(concurrency)).map(|c| c.to_vec()).collect();
    let start = Instant::now();
    let tasks: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let base = base.to_string();
            let photo = photo.map(|p| p.to_vec());
            tokio::spawn(async move {
                let c = client();
                let mut latencies = Vec::new();
                for (i, token) in chunk.iter().enumerate() {
                    let venue = 1 + (i as i64 % 40);
                    let photos: Vec<(&str, Vec<u8>)> = photo.iter().map(|p| ("photo.jpg", p.clone())).collect();
                    let form = multipart(&fields(token, venue, "基准测试：后厨卫生状况很差，请核查。"), &photos);
                    let t = Instant::now();
                    let (status, json) = post_json_with(&c, &base, form).await;
                    assert_eq!(status, 201, "{json}");
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed();
    all.sort();
    let p = |q: f64| all[((all.len() - 1) as f64 * q).round() as usize];
    (n as f64 / elapsed.as_secs_f64(), p(0.5), p(0.95))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    support::cli::ok(support::cli::mingchu(&data, &["seed-demo"]));
    let server = support::Server::start_on_with(&data, &["--complaints-per-hour", "0", "--analyse", "off"]);
    let base = &server.base;
    let phone = photo(4032, 3024);
    let shared = photo(1280, 960);
    println!("photos: phone 4032x3024 {} KB, shared 1280x960 {} KB", phone.len() / 1024, shared.len() / 1024);
    let cases: [(&str, usize, usize, Option<&[u8]>); 3] = [
        ("text only", 1000, 8, None),
        ("one shared photo (1280x960)", 200, 4, Some(&shared)),
        ("one phone photo (4032x3024)", 40, 4, Some(&phone)),
    ];
    for (name, n, concurrency, photo) in cases {
        let mut rates = Vec::new();
        let mut medians = Vec::new();
        let mut p95s = Vec::new();
        for _ in 0..RUNS {
            let (rate, p50, p95) = run(base, n, concurrency, photo).await;
            rates.push(rate);
            medians.push(p50.as_secs_f64() * 1000.0);
            p95s.push(p95.as_secs_f64() * 1000.0);
        }
        println!(
            "{name:<30} {n:>5} x{concurrency}: {:>8.1} submissions/s (runs {:?}), latency median {:.1} ms, p95 {:.1} ms",
            median(rates.clone()),
            rates.iter().map(|r| (r * 10.0).round() / 10.0).collect::<Vec<_>>(),
            median(medians),
            median(p95s)
        );
    }
}
