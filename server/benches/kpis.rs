//! The KPI engine as history grows: a district of 5,000 venues with 5 cameras each and a
//! year of daily check counts (9.1 million camera-days), a tenth of the venues suspended for a
//! month, some closed mid-year, captures and orders from the demo's own year. Prints the
//! median of the largest office's quarter and the whole programme's year (all figures, the
//! online ones from the daily roll-up), and of the online figures computed from every
//! camera-day instead. Run with `cargo bench -p server --bench kpis`.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{NaiveDate, Utc};
use server::db::kpis::Scope;
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};

const VENUES: usize = 5_000;
const CAMERAS: usize = 5;
const RUNS: usize = 5;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() {
    // KPI_BENCH_DATA keeps the filled district in that folder and reuses it on the next run.
    let dir = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("KPI_BENCH_DATA").map(std::path::PathBuf::from);
    let data = kept.clone().unwrap_or_else(|| dir.path().join("data"));
    let reuse = kept.is_some() && data.join("mingchu.db").exists();
    if !reuse {
        ok(mingchu(&data, &["seed-demo", "--venues", &VENUES.to_string()]));
    }
    let url = format!("sqlite://{}", data.join("mingchu.db").display());
    let db = server::db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let t = Instant::now();
    // Five cameras at every venue, joined before the year; a year of checks (288 a day, a few
    // missed on a venue's bad days); a tenth of the venues suspended in March.
    let fill = format!(
        "DELETE FROM camera_checks_daily; DELETE FROM venue_checks_daily; DELETE FROM camera_checks_monthly;
         INSERT INTO cameras (venue_id, name, area, created_at)
           SELECT v.id, '摄像头' || n.k, 'cooking', '2024-12-01T00:00:00Z'
           FROM venues v, (WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < {CAMERAS}) SELECT k FROM k) n
           WHERE (SELECT count(*) FROM cameras c WHERE c.venue_id = v.id) < n.k;
         UPDATE cameras SET created_at = '2024-12-01T00:00:00Z';
         UPDATE venues SET connected_on = '2024-12-01' WHERE status != 'planned';
         INSERT INTO camera_checks_daily (camera_id, day, checks, online)
           WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364)
           SELECT c.id, date('2025-01-01', '+' || d.n || ' days'), 288,
                  288 - CASE WHEN (c.id * 7 + d.n * 13) % 23 = 0 THEN (c.id + d.n) % 200 ELSE (c.id + d.n) % 3 END
           FROM cameras c, d;
         INSERT INTO venue_status_changes (venue_id, status, since)
           SELECT id, 'suspended', '2025-03-01' FROM venues WHERE id % 10 = 3 AND status = 'operating';
         INSERT INTO venue_status_changes (venue_id, status, since)
           SELECT id, 'operating', '2025-04-01' FROM venues WHERE id % 10 = 3 AND status = 'operating';
         ANALYZE;"
    );
    if !reuse {
        sqlx::raw_sql(&fill).execute(&pool).await.unwrap();
    }
    let (cameras, days): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM cameras), (SELECT count(*) FROM camera_checks_daily)")
            .fetch_one(&pool)
            .await
            .unwrap();
    println!("filled in {:.1?}: {VENUES} venues, {cameras} cameras, {days} camera-days", t.elapsed());

    let office: (i64, i64) = sqlx::query_as(
        "SELECT o.id, count(*) FROM supervision_offices o JOIN venues v ON v.jurisdiction_id = o.jurisdiction_id
         GROUP BY o.id ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let now = Utc::now();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    for (name, scope, period) in [
        (
            format!("office {} ({} venues), 2025-Q1", office.0, office.1),
            Scope::Office(mingchu_domain::access::OfficeId(office.0)),
            mingchu_domain::kpi::Period::new(d("2025-01-01"), d("2025-03-31")).unwrap(),
        ),
        ("programme, 2025".to_string(), Scope::Programme, mingchu_domain::kpi::Period::year(2025).unwrap()),
    ] {
        let (jurisdictions, label) = db.kpi_scope(scope).await.unwrap().unwrap();
        let mut times = Vec::new();
        let mut figures = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            figures = Some(db.kpis(scope, &label, jurisdictions.as_deref(), period, now).await.unwrap());
            times.push(t.elapsed());
        }
        let k = figures.unwrap();
        let mut raw_times = Vec::new();
        for _ in 0..RUNS.min(3) {
            let t = Instant::now();
            let raw = db.kpi_online_raw(jurisdictions.as_deref(), period, 0.95).await.unwrap();
            raw_times.push(t.elapsed());
            assert_eq!(raw.daily, k.online.daily, "the roll-up equals the raw computation");
            let cameras = |o: &app::api::OnlineKpis| o.worst_cameras.iter().map(|c| c.camera_id).collect::<Vec<_>>();
            let venues = |o: &app::api::OnlineKpis| o.worst_venues.iter().map(|v| v.venue_id).collect::<Vec<_>>();
            assert_eq!(cameras(&raw), cameras(&k.online), "the same worst cameras");
            assert_eq!(venues(&raw), venues(&k.online), "the same worst venues");
        }
        println!("  {name}: online figures from every camera-day (no roll-up): median {:.0?}", median(raw_times));
        println!(
            "  {name}: median {:.0?} of {RUNS} (min {:.0?}); {} days, mean daily rate {:.4}, {} camera-days left out",
            median(times.clone()),
            times.iter().min().unwrap(),
            k.online.days,
            k.online.mean_daily_rate.unwrap_or(0.0),
            k.online.excluded_camera_days
        );
    }
}
