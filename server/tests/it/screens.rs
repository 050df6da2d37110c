//! Display screens: `mingchu screen` with the real binary and SQLite file, then the screen's
//! page, its heartbeat, the QR code and the programme KPIs of a server on the same data.

use crate::support;

use app::api::ScreenReport;
use chrono::{Duration, Utc};
use mingchu_domain::vocab::{ScreenId, VenueId};
use server::db::{Db, NewScreen};
use support::cli::{mingchu, ok, refused};
use support::{get_json, Server};

/// The secret from `screen N of venue V: http://…/display/<secret>`.
fn token(printed: &str) -> String {
    let url = printed.rsplit(' ').next().unwrap();
    assert!(url.starts_with("http://portal.example/display/"), "{printed}");
    url.rsplit('/').next().unwrap().to_string()
}

async fn beat(base: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/display/{token}/heartbeat"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, serde_json::from_str(&res.text().await.unwrap()).expect("JSON answer"))
}

async fn get(base: &str, path: &str) -> (u16, String, String) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, kind, res.text().await.unwrap())
}

#[tokio::test]
async fn a_screen_shows_its_venue_sends_heartbeats_and_counts_in_the_kpis() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let url = ["--public-url", "http://portal.example/"];

    // Bad input: a clear reason, nothing stored.
    refused(mingchu(&data, &["screen", "add", "--venue", "999999"]), "no venue with id 999999");
    refused(mingchu(&data, &["screen", "add", "--venue", "3", "--name", "  "]), "the screen name is empty");
    refused(
        mingchu(&data, &["screen", "add", "--venue", "3", "--promote-seconds", "4000"]),
        "between 0 (off) and 3600",
    );
    refused(mingchu(&data, &["screen", "add", "--venue", "3", "--name", &"屏".repeat(61)]), "at most 60");
    assert_eq!(ok(mingchu(&data, &["screen", "list", "--json"])), "[]");

    let first = ok(mingchu(&data, &[&["screen", "add", "--venue", "3", "--name", "大堂"][..], &url].concat()));
    assert!(first.starts_with("screen 1 of venue 3: "), "{first}");
    let lobby = token(&first);
    let second = ok(mingchu(&data, &[&["screen", "add", "--venue", "5", "--low-bandwidth"][..], &url].concat()));
    let old = token(&second);
    let rotated = token(&ok(mingchu(&data, &[&["screen", "rotate", "2"][..], &url].concat())));
    assert_ne!(old, rotated);
    refused(mingchu(&data, &["screen", "rotate", "9"]), "no screen with id 9");

    let server = Server::start_on(&data);
    let base = &server.base;

    // The page: the venue, its licence, the QR code; no site header; the secret is not echoed.
    let venue: serde_json::Value = get_json(base, "/api/v1/venues/3").await.1;
    let (status, _, html) = get(base, &format!("/display/{lobby}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(venue["summary"]["name"].as_str().unwrap()));
    assert!(html.contains(venue["licence"]["number"].as_str().unwrap()));
    assert!(html.contains("/api/venues/3/qr.svg"));
    assert!(html.contains(r#"data-low-bandwidth="false""#));
    assert!(!html.contains("site-header"), "the kiosk page has no site header");
    let tiles = html.matches("data-live-camera=").count();
    assert_eq!(tiles, venue["cameras"].as_array().unwrap().iter().filter(|c| c["public"] == true).count());
    let (status, _, html) = get(base, &format!("/display/{rotated}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-low-bandwidth="true""#) && html.contains("snapshot-tile"));
    for dead in [old.as_str(), "not-a-token", &"0".repeat(32)] {
        let (status, _, html) = get(base, &format!("/display/{dead}")).await;
        assert_eq!(status, 404, "{dead}");
        assert!(html.contains("此公示屏地址无效或已停用"));
    }

    // Heartbeats: refusals are clear and change nothing.
    let report = r#"{"tiles": 6, "live": 5, "heap_bytes": 1234567, "uptime_s": 30}"#;
    let (status, body) = beat(base, &old, report).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, body) = beat(base, &lobby, "{tiles: six}").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_body")));
    assert!(body["error"]["message"].as_str().unwrap().contains("heartbeat could not be read"));
    let (status, body) = beat(base, &lobby, r#"{"tiles": 2, "live": 3}"#).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_body")));
    let programme = get_json(base, "/api/v1/programme").await.1;
    assert_eq!(programme["screens"]["installed"], 2);
    assert_eq!(programme["screens"]["online_now"], 0);

    let (status, body) = beat(base, &lobby, report).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["build"].as_str().is_some_and(|b| b.len() == 16));
    assert!(body["cameras_online"].is_array());
    let programme = get_json(base, "/api/v1/programme").await.1;
    assert_eq!(
        programme["screens"],
        serde_json::json!({"installed": 2, "online_now": 1, "venues_with_screen": 2, "venues_with_screen_online": 1})
    );
    let listed: serde_json::Value = serde_json::from_str(&ok(mingchu(&data, &["screen", "list", "--json"]))).unwrap();
    let screen = listed.as_array().unwrap().iter().find(|s| s["id"] == 1).unwrap();
    assert_eq!(screen["online"], true);
    assert_eq!(screen["last_report"]["live"], 5);
    assert_eq!(screen["last_report"]["heap_bytes"], 1234567);
    assert_eq!(screen["transitions"].as_array().unwrap().len(), 1);
    assert!(ok(mingchu(&data, &["screen", "list"])).contains("5/6 live"));

    // The QR code of the venue's public page.
    let (status, kind, svg) = get(base, "/api/venues/3/qr.svg").await;
    assert_eq!((status, kind.as_str()), (200, "image/svg+xml"));
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
    let (status, _, text) = get(base, "/api/cameras/1/snapshot.jpg?fresh=yes").await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("fresh=1"), "{text}");
    let (status, kind, _) = get(base, "/api/venues/999999/qr.svg").await;
    assert_eq!((status, kind.as_str()), (404, "application/json"));

    // Revoked: the page and the heartbeat stop working, and it no longer counts.
    assert_eq!(ok(mingchu(&data, &["screen", "revoke", "1"])), "screen 1 revoked");
    refused(mingchu(&data, &["screen", "revoke", "1"]), "screen 1 is revoked");
    assert_eq!(beat(base, &lobby, report).await.0, 404);
    assert_eq!(get(base, &format!("/display/{lobby}")).await.0, 404);
    let programme = get_json(base, "/api/v1/programme").await.1;
    assert_eq!(programme["screens"]["installed"], 1);
    assert_eq!(programme["screens"]["online_now"], 0);
}

#[tokio::test]
async fn silent_screens_go_offline_as_of_their_last_heartbeat() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("m.db").display())).await.unwrap();
    db.migrate().await.unwrap();
    db.seed(&server::demo::generate(server::demo::SEED)).await.unwrap();
    let screen = NewScreen { venue: VenueId(3), name: None, low_bandwidth: false, promote_seconds: 20 };
    let issued = db.add_screen(&screen, &mingchu_domain::audit::Who::shell()).await.unwrap();
    let report = ScreenReport { tiles: 6, live: 6, ..Default::default() };

    let t0 = Utc::now();
    assert!(db.screen_heartbeat(&issued.token, &report, t0).await.unwrap().is_some());
    assert!(db.screen_heartbeat(&issued.token, &report, t0 + Duration::seconds(30)).await.unwrap().is_some());
    // 80 s after the last heartbeat it is still online; at 91 s it is not.
    assert_eq!(db.sweep_screens(t0 + Duration::seconds(110)).await.unwrap(), 0);
    assert_eq!(db.sweep_screens(t0 + Duration::seconds(121)).await.unwrap(), 1);
    assert_eq!(db.sweep_screens(t0 + Duration::seconds(200)).await.unwrap(), 0, "already offline");
    assert!(db.screen_heartbeat(&issued.token, &report, t0 + Duration::seconds(300)).await.unwrap().is_some());

    let listed = db.list_screens(Some(VenueId(3))).await.unwrap();
    let changes: Vec<(bool, i64)> = listed[0]
        .transitions
        .iter()
        .map(|t| {
            let after = chrono::DateTime::parse_from_rfc3339(&t.at).unwrap().to_utc() - t0;
            (t.online, (after.num_milliseconds() as f64 / 1000.0).round() as i64)
        })
        .collect();
    assert_eq!(changes, [(true, 300), (false, 30), (true, 0)], "newest first");
    assert_eq!(listed[0].name, "screen 1");
    assert_eq!(db.add_screen(&screen, &mingchu_domain::audit::Who::shell()).await.unwrap().id, ScreenId(2));
    assert_eq!(db.list_screens(Some(VenueId(3))).await.unwrap()[0].name, "screen 2");
}
