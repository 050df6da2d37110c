//! The enforcement loop at district scale: 20,000 venues with two rectification orders each
//! (open, overdue, closed), graded for risk. Served by the release binary over HTTP to a
//! signed-in inspector of the largest office and to an administrator (the whole district).
//! Prints the median and 99th percentile of sequential requests of the office's order lists,
//! the patrol page (which counts the office's venues per risk level), making a month's patrol
//! plan from risk levels, and grading every venue's risk and one venue's. Run with
//! `cargo bench -p server --bench enforcement`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::workspace::{csrf_field, link_secret, Browser};

const VENUES: usize = 20_000;
const SAMPLES: usize = 100;
const PLANS: usize = 10;

fn quantile(xs: &mut [Duration], q: f64) -> Duration {
    xs.sort();
    xs[((xs.len() as f64 - 1.0) * q).round() as usize]
}

async fn time_gets(browser: &Browser, name: &str, path: &str) {
    let mut times = Vec::with_capacity(SAMPLES);
    let mut bytes = 0;
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let response = browser.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        bytes = response.bytes().await.unwrap().len();
        times.push(t.elapsed());
    }
    let (median, p99) = (quantile(&mut times, 0.5), quantile(&mut times, 0.99));
    println!("  {name}: median {median:.1?}, p99 {p99:.1?} ({} KB of HTML)", bytes / 1024);
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo", "--venues", &VENUES.to_string()]));
    let district = server::demo::generate_scaled(server::demo::SEED, VENUES);
    // The office with the most venues.
    let mut per_street = vec![0usize; district.offices.len()];
    for v in &district.venues {
        per_street[v.street] += 1;
    }
    let street = (0..per_street.len()).max_by_key(|s| per_street[*s]).unwrap();
    let office = district.offices[street].clone();
    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "bench", "--name", "测速", "--role", "inspector", "--office", &office],
    );
    let admin = link_secret(&data, &["user", "add", "--login", "chief", "--name", "局长", "--role", "administrator"]);
    let url = format!("sqlite://{}", data.join("mingchu.db").display());
    let db = server::db::Db::connect(&url).await.unwrap();
    {
        use sqlx::{ConnectOptions, Connection};
        let mut conn =
            sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("mingchu.db")).connect().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        let offices: Vec<(i64, i64)> = sqlx::query_as("SELECT o.id, v.id FROM venues v JOIN supervision_offices o ON o.jurisdiction_id = v.jurisdiction_id ORDER BY v.id")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        let today = mingchu_domain::china_time::day(chrono::Utc::now());
        let mut seq = std::collections::HashMap::new();
        for (i, (office_id, venue)) in offices.iter().enumerate() {
            for k in 0..2 {
                let n = i * 2 + k;
                let issued = today - chrono::Duration::days((n % 300) as i64 + 1);
                let due = issued + chrono::Duration::days(7);
                let (state, closed) = match n % 10 {
                    0..=5 => ("closed", Some(due - chrono::Duration::days((n % 3) as i64))),
                    6 => ("replied", None),
                    _ => ("issued", None),
                };
                let s = seq.entry(*office_id).or_insert(10_000i64);
                *s += 1;
                let order: i64 = sqlx::query_scalar(
                    "INSERT INTO orders (office_id, year, seq, venue_id, requirement, legal_basis, state, issued_on, due_on,
                                         closed_on, issued_at)
                     VALUES (?1, 2026, ?2, ?3, '规范佩戴口罩', '《中华人民共和国食品安全法》第三十三条', ?4, ?5, ?6, ?7, ?8) RETURNING id",
                )
                .bind(office_id)
                .bind(*s)
                .bind(venue)
                .bind(state)
                .bind(issued.to_string())
                .bind(due.to_string())
                .bind(closed.map(|d| d.to_string()))
                .bind(mingchu_domain::audit::timestamp(chrono::Utc::now()))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
                let violation: i64 = sqlx::query_scalar(
                    "INSERT INTO violations (venue_id, source, category, description, observed_at, recorded_at)
                     VALUES (?1, 'inspection', 'staff_hygiene', '未戴口罩', ?2, ?2) RETURNING id",
                )
                .bind(venue)
                .bind(mingchu_domain::audit::timestamp(chrono::Utc::now()))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
                sqlx::query("INSERT INTO order_violations (order_id, violation_id) VALUES (?1, ?2)")
                    .bind(order)
                    .bind(violation)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        conn.close().await.unwrap();
    }
    let mut graded = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let n = db.refresh_risk(None, chrono::Utc::now()).await.unwrap();
        graded.push(t.elapsed());
        assert_eq!(n, VENUES);
    }
    // One venue regraded after a change to its record, as every enforcement step does.
    let mut one = Vec::new();
    for i in 0..SAMPLES {
        let venue = mingchu_domain::vocab::VenueId((i * 197 % VENUES) as i64 + 1);
        let t = Instant::now();
        db.refresh_risk(Some(&[venue]), chrono::Utc::now()).await.unwrap();
        one.push(t.elapsed());
    }
    db.close().await;
    let server = support::Server::start_on(&data);
    let mut desk = Browser::new(&server.base);
    desk.sign_in_with_link(&inspector, "bench", "明厨亮灶-守护舌尖安全").await;
    let mut chief = Browser::new(&server.base);
    chief.sign_in_with_link(&admin, "chief", "明厨亮灶-守护舌尖安全").await;
    println!("enforcement, {VENUES} venues with {} orders; the office: {} venues:", VENUES * 2, per_street[street]);
    println!("  risk grading, every venue: median {:.1?} (of 5)", quantile(&mut graded, 0.5));
    println!(
        "  risk grading, one venue after a change: median {:.1?}, p99 {:.1?}",
        quantile(&mut one, 0.5),
        quantile(&mut one, 0.99)
    );
    time_gets(&desk, "office's open orders (200 soonest due)", "/console/orders").await;
    time_gets(&desk, "office's overdue orders", "/console/orders?view=overdue").await;
    time_gets(&desk, "office's closed orders", "/console/orders?view=closed").await;
    time_gets(&chief, "district's open orders (administrator)", "/console/orders").await;
    time_gets(&desk, "patrol page (venues per risk level)", "/console/patrols").await;
    let (_, html) = desk.open("/console/patrols").await;
    let csrf = csrf_field(&html);
    let month = mingchu_domain::china_time::day(chrono::Utc::now()).format("%Y-%m").to_string();
    let mut times = Vec::new();
    let mut visits = 0;
    for _ in 0..PLANS {
        let t = Instant::now();
        let response =
            desk.post("/console/patrols/plan", &[("csrf", &csrf), ("month", &month), ("mode", "remote")]).await;
        assert_eq!(response.status(), 303);
        times.push(t.elapsed());
        let task: i64 = response.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let (_, page) = desk.open(&format!("/console/patrols/{task}")).await;
        visits = page.matches("data-visit=").count();
    }
    let (median, p99) = (quantile(&mut times, 0.5), quantile(&mut times, 0.99));
    println!(
        "  month's patrol plan from risk levels ({visits} visits): median {median:.1?}, max {p99:.1?} (of {PLANS})"
    );
}
