//! Stream honesty and the programme's figures, on the real server: computed from the demo's
//! seeded week of camera checks, and from the server's own checks of live cameras.

use crate::support;

use mingchu_domain::vocab::VenueStatus;
use serde_json::Value;
use server::demo::{self, Camera};
use std::time::{Duration, Instant};
use support::schema::Schemas;
use support::{get_json as get, Server};

/// Seeded checks and online checks within the 7-day window (today and the 6 days before).
fn history_totals<'a>(cameras: impl IntoIterator<Item = &'a Camera>) -> (u32, u32) {
    cameras
        .into_iter()
        .flat_map(|c| &c.history)
        .filter(|(days_ago, _, _)| *days_ago <= 6)
        .fold((0, 0), |(c, o), (_, dc, d_o)| (c + dc, o + d_o))
}

#[tokio::test]
async fn programme_and_badges_follow_the_recorded_checks() {
    let server = Server::start();
    let base = server.base.as_str();
    let district = demo::generate(demo::SEED);
    let (_, doc) = get(base, "/api/openapi.json").await;
    let schemas = Schemas::new(&doc);

    let (status, p) = get(base, "/api/v1/programme").await;
    assert_eq!(status, 200);
    let errors = schemas.validate(schemas.response("/api/v1/programme", "200"), &p);
    assert!(errors.is_empty(), "{errors:#?}");

    let trading = |v: &&demo::Venue| matches!(v.status, VenueStatus::Operating | VenueStatus::Suspended);
    let connected = district.venues.iter().filter(trading).filter(|v| v.connected_on.is_some()).count();
    let planned = district.venues.iter().filter(|v| v.status != VenueStatus::Closed).count();
    assert_eq!(p["venues_connected"], connected);
    assert_eq!(p["venues_planned"], planned);
    assert!(connected < planned, "the demo has venues still to connect");
    let statuses: Vec<&str> =
        p["by_status"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["operating", "suspended", "planned", "closed"]);

    // The rate is exactly the seeded checks of operating venues' cameras (suspended ones are
    // left out, as contracts count); nothing is online "now" before the server has checked.
    let operating = |v: &&demo::Venue| v.status == VenueStatus::Operating;
    let (checks, online) = history_totals(district.venues.iter().filter(operating).flat_map(|v| &v.cameras));
    let daily = p["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 6, "the six days before today; nothing checked today yet");
    assert_eq!(daily.iter().map(|d| d["checks"].as_u64().unwrap()).sum::<u64>(), checks as u64);
    let rate = p["online_rate_7d"].as_f64().unwrap();
    assert!((rate - online as f64 / checks as f64).abs() < 1e-9, "{rate}");
    assert_eq!(p["cameras_online_now"], 0);
    // One closed venue's cameras kept streaming (the evaluation reports' "closed but connected").
    assert_eq!(p["closed_venues_still_streaming"], 1);

    // A venue whose camera went dark two days ago: its badge shows the same arithmetic.
    let dark = district.venues.iter().position(|v| v.cameras.iter().any(|c| c.source_url.is_some())).unwrap();
    let (_, venue) = get(base, &format!("/api/v1/venues/{}", dark + 1)).await;
    let h = &venue["honesty"];
    let (checks, online) = history_totals(&district.venues[dark].cameras);
    assert_eq!(h["checks_7d"], checks);
    assert!((h["online_rate_7d"].as_f64().unwrap() - online as f64 / checks as f64).abs() < 1e-9);
    assert!(h["online_rate_7d"].as_f64().unwrap() < 0.95, "{h}");
    assert_eq!(h["cameras"], district.venues[dark].cameras.len());
    assert_eq!(h["online_now"], 0);

    // The page shows the badge, and the programme page its figures, without JavaScript.
    let html = reqwest::get(format!("{base}/venues/{}", dark + 1)).await.unwrap().text().await.unwrap();
    assert!(html.contains("honesty honesty-poor\""), "badge missing");
    assert!(html.contains("低于95%目标"));
    // (Leptos marks text boundaries with `<!>` comments.)
    let html = reqwest::get(format!("{base}/programme")).await.unwrap().text().await.unwrap().replace("<!>", "");
    assert!(html.contains(&format!("<strong>{connected}</strong> / {planned}")), "connected / planned shown");

    // A planned venue is listed as such and has no cameras to judge.
    let planned_venue = district.venues.iter().position(|v| v.status == VenueStatus::Planned).unwrap();
    let (_, venue) = get(base, &format!("/api/v1/venues/{}", planned_venue + 1)).await;
    assert_eq!(venue["summary"]["status"], "planned");
    assert_eq!(venue["honesty"]["cameras"], 0);
    assert_eq!(venue["honesty"]["online_rate_7d"], Value::Null);
}

#[tokio::test]
async fn the_server_checks_every_camera_and_finds_the_dark_one() {
    let server = Server::start_with(&["--check-interval", "600"], |_| {});
    let base = server.base.as_str();
    let district = demo::generate(demo::SEED);
    let dark = district.venues.iter().position(|v| v.cameras.iter().any(|c| c.source_url.is_some())).unwrap();
    let cameras = district.venues[dark].cameras.len() as u64;
    let healthy = district.venues.iter().position(|v| v.status == VenueStatus::Operating).unwrap();
    // Closed, but its cameras still stream: checked all the same.
    let closed = district
        .venues
        .iter()
        .position(|v| v.status == VenueStatus::Closed && v.cameras.iter().all(|c| c.source_url.is_none()))
        .unwrap();

    // The first round starts with the server; wait until both venues are checked.
    let deadline = Instant::now() + Duration::from_secs(120);
    let (dark_h, healthy_h) = loop {
        let (_, d) = get(base, &format!("/api/v1/venues/{}", dark + 1)).await;
        let (_, h) = get(base, &format!("/api/v1/venues/{}", healthy + 1)).await;
        let today = |v: &Value, n: usize| {
            let seeded = history_totals(&district.venues[n].cameras).0 as u64;
            v["honesty"]["checks_7d"].as_u64().unwrap() >= seeded + v["honesty"]["cameras"].as_u64().unwrap()
        };
        let (_, c) = get(base, &format!("/api/v1/venues/{}", closed + 1)).await;
        if today(&d, dark) && today(&h, healthy) && today(&c, closed) {
            assert_eq!(c["honesty"]["online_now"], c["honesty"]["cameras"], "{c}");
            break (d["honesty"].clone(), h["honesty"].clone());
        }
        assert!(Instant::now() < deadline, "cameras not checked within 2 minutes: {d} {h} {c}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    // Synthetic cameras show a picture; the one whose address refuses connections does not.
    assert_eq!(healthy_h["online_now"], healthy_h["cameras"], "{healthy_h}");
    assert!(healthy_h["last_seen_live"].as_str().unwrap().ends_with("+08:00"), "{healthy_h}");
    assert_eq!(dark_h["online_now"].as_u64().unwrap(), cameras - 1, "{dark_h}");

    let (_, p) = get(base, "/api/v1/programme").await;
    assert!(p["cameras_online_now"].as_u64().unwrap() > 0, "{p}");
}
