//! The review desk's page with a long queue: 10,000 captures waiting in one office's
//! jurisdiction (and 2,000 already decided, for the per-rule and per-camera figures), served
//! by the release binary over HTTP to a signed-in inspector. Prints the median and the 99th
//! percentile of 200 sequential renders of the queue's first page, a later page, the
//! dismissed list and the one-at-a-time view. Run with `cargo bench -p server --bench review_desk`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::workspace::{link_secret, Browser};

const QUEUED: usize = 10_000;
const DECIDED: usize = 2_000;
const SAMPLES: usize = 200;

fn quantile(xs: &mut [Duration], q: f64) -> Duration {
    xs.sort();
    xs[((xs.len() as f64 - 1.0) * q).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let district = server::demo::generate(server::demo::SEED);
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    // The office of the first camera's street, and every camera in that street.
    let street_of = |venue: i64| district.venues[(venue - 1) as usize].street;
    let street = street_of(cameras[0]["venue_id"].as_i64().unwrap());
    let ours: Vec<i64> = cameras
        .iter()
        .filter(|c| street_of(c["venue_id"].as_i64().unwrap()) == street)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let office = district.offices[street].clone();
    let secret = link_secret(
        &data,
        &["user", "add", "--login", "bench", "--name", "测速", "--role", "inspector", "--office", &office],
    );
    {
        use sqlx::{ConnectOptions, Connection};
        let mut db =
            sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("mingchu.db")).connect().await.unwrap();
        let snapshot = vec![0xffu8; 24_000];
        let mut tx = db.begin().await.unwrap();
        let start = chrono::Utc::now() - chrono::Duration::days(10);
        for i in 0..QUEUED + DECIDED {
            let at =
                (start + chrono::Duration::seconds(i as i64 * 60)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let (review, reason) = match i % 6 {
                _ if i >= DECIDED => ("pending", None),
                0..=2 => ("confirmed", None),
                3 => ("dismissed", Some("false_reflection")),
                4 => ("dismissed", Some("not_a_violation")),
                _ => ("dismissed", Some("false_pet")),
            };
            sqlx::query(
                "INSERT INTO capture_events (camera_id, at, category, confidence, boxes, snapshot, review, dismiss_reason) \
                 VALUES (?1, ?2, ?3, 0.8, '[{\"label\":\"person\",\"score\":0.8,\"bbox\":{\"x0\":0.1,\"y0\":0.1,\"x1\":0.3,\"y1\":0.6}}]', ?4, ?5, ?6)",
            )
            .bind(ours[i % ours.len()])
            .bind(at)
            .bind(["no_hat", "no_mask", "animal", "smoking"][i % 4])
            .bind(&snapshot)
            .bind(review)
            .bind(reason)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        db.close().await.unwrap();
    }
    let server = support::Server::start_on(&data);
    let mut browser = Browser::new(&server.base);
    browser.sign_in_with_link(&secret, "bench", "明厨亮灶-守护舌尖安全").await;
    // A cursor into the middle of the queue, as the "next page" link carries it.
    let (_, first) = browser.open("/console/captures").await;
    // The demo's own year of captures adds a few still waiting.
    let counted: usize = first
        .split(r#"<span class="count">"#)
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|n| n.parse().ok())
        .expect("the queue is counted");
    assert!(counted >= QUEUED, "the whole queue is counted ({counted})");
    let at = first.find("/console/captures?after=").expect("a next page");
    let next = first[at..].split('"').next().unwrap().replace("&amp;", "&");
    println!("review desk, {QUEUED} captures waiting and {DECIDED} decided in one office, {} cameras:", ours.len());
    for (name, path) in [
        ("queue, first page (30)", "/console/captures".to_string()),
        ("queue, next page", next),
        ("dismissed list", "/console/captures?state=dismissed".to_string()),
        ("one at a time", "/console/captures?one=1".to_string()),
    ] {
        let mut times = Vec::with_capacity(SAMPLES);
        let mut bytes = 0;
        for _ in 0..SAMPLES {
            let t = Instant::now();
            let response = browser.get(&path).await;
            assert_eq!(response.status(), 200, "{path}");
            bytes = response.bytes().await.unwrap().len();
            times.push(t.elapsed());
        }
        let median = quantile(&mut times, 0.5);
        let p99 = quantile(&mut times, 0.99);
        println!("  {name}: median {median:.1?}, p99 {p99:.1?} ({} KB of HTML)", bytes / 1024);
    }
}
