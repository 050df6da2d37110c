//! Pushing a confirmed finding to the venue, on the real server with real HTTP receivers: a
//! signed JSON webhook that fails once and is retried with the same delivery id and a valid
//! signature, a DingTalk robot whose signature is checked as DingTalk checks it, a WeCom group
//! robot; each gets the finding exactly once; the operator's inbox shows it with how each
//! delivery went; another venue's operator sees none of it.

use crate::support;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

const JSON_SECRET: &str = "json-secret-0123456789";
const DING_SECRET: &str = "SECding-0123456789abcdef";

#[derive(Clone, Debug)]
struct Received {
    path: &'static str,
    headers: HeaderMap,
    body: String,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn of(&self, path: &str) -> Vec<Received> {
        self.got.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }
}

async fn json_hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let mut got = r.got.lock().unwrap();
    let first = !got.iter().any(|g| g.path == "json");
    got.push(Received { path: "json", headers, body });
    // The first delivery fails, as a receiver being deployed would.
    if first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn dingtalk(
    State(r): State<Receiver>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: String,
) -> String {
    // As DingTalk does: the timestamp is recent, and the sign is HMAC-SHA256 of
    // "{timestamp}\n{secret}" keyed with the secret, in Base64.
    let ts: i64 = query.get("timestamp").and_then(|t| t.parse().ok()).unwrap_or_default();
    let fresh = (chrono::Utc::now().timestamp_millis() - ts).abs() < 3_600_000;
    let expected = mingchu_domain::push::dingtalk_sign(DING_SECRET, ts);
    let good = fresh && query.get("sign") == Some(&expected) && query.get("access_token").is_some_and(|t| t == "tok");
    r.got.lock().unwrap().push(Received { path: "dingtalk", headers, body });
    if good {
        r#"{"errcode":0,"errmsg":"ok"}"#.into()
    } else {
        r#"{"errcode":310000,"errmsg":"sign not match"}"#.into()
    }
}

async fn wecom(
    State(r): State<Receiver>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: String,
) -> String {
    if query.get("key").map(String::as_str) != Some("k") {
        return r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#.into();
    }
    r.got.lock().unwrap().push(Received { path: "wecom", headers, body });
    r#"{"errcode":0,"errmsg":"ok"}"#.into()
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_confirmed_finding_reaches_the_venue_once_per_webhook_with_retry_and_signatures() {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/json", post(json_hook))
        .route("/robot/send", post(dingtalk))
        .route("/cgi-bin/webhook/send", post(wecom))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hooks = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let street_of = |venue: i64| district.venues[(venue - 1) as usize].street;
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let with_camera: Vec<i64> = cameras.iter().map(|c| c["venue_id"].as_i64().unwrap()).collect();
    let ours = with_camera[0];
    let other = *with_camera.iter().find(|v| **v != ours).unwrap();
    let camera = cameras.iter().find(|c| c["venue_id"] == ours).unwrap()["id"].as_i64().unwrap();
    let office = district.offices[street_of(ours)].clone();
    let (venue, other_venue) = (ours.to_string(), other.to_string());

    // The venue's own system and WeCom group; the office's DingTalk group.
    let json_url = format!("{hooks}/json");
    let add = |args: &[&str]| ok(mingchu(&data, &[&["webhook", "add"], args].concat()));
    add(&["--venue", &venue, "--channel", "json", "--url", &json_url, "--secret", JSON_SECRET, "--label", "门店系统"]);
    let wecom_url = format!("{hooks}/cgi-bin/webhook/send?key=k");
    add(&["--venue", &venue, "--channel", "wecom", "--url", &wecom_url, "--label", "后厨群"]);
    let ding_url = format!("{hooks}/robot/send?access_token=tok");
    add(&["--office", &office, "--channel", "dingtalk", "--url", &ding_url, "--secret", DING_SECRET]);
    // Refused as typed: a WeCom robot without its key, a DingTalk robot without its secret.
    let out = mingchu(&data, &["webhook", "add", "--venue", &venue, "--channel", "wecom", "--url", &hooks]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("key="));
    let out = mingchu(&data, &["webhook", "add", "--office", &office, "--channel", "dingtalk", "--url", &ding_url]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("signing secret"));

    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    );
    let operator = link_secret(
        &data,
        &["user", "add", "--login", "canteen", "--name", "食堂经理", "--role", "operator", "--venue", &venue],
    );
    let stranger = link_secret(
        &data,
        &["user", "add", "--login", "elsewhere", "--name", "别家", "--role", "operator", "--venue", &other_venue],
    );
    let capture: i64 = {
        let db = crate::support::database::pool(&data).await;
        let id =
            crate::support::database::insert_capture(&db, camera, "2026-12-01T02:00:00.000Z", "animal", "[]").await;
        db.close().await;
        id
    };
    let server = Server::start_on_with(&data, &["--webhook-retry-seconds", "1"]);
    let mut desk = Browser::new(&server.base);
    desk.sign_in_with_link(&inspector, "wang.fang", "明厨亮灶-守护舌尖安全").await;
    let (_, html) = desk.open("/console/captures").await;
    let response = desk
        .post(&format!("/console/captures/{capture}/review"), &[("csrf", &csrf_field(&html)), ("decision", "confirm")])
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);

    // The robots get it at once; the JSON receiver fails the first time and gets it again.
    until("the robots", || receiver.of("dingtalk").len() == 1 && receiver.of("wecom").len() == 1).await;
    until("the retry", || receiver.of("json").len() == 2).await;
    let json = receiver.of("json");
    let header = |r: &Received, name: &str| r.headers.get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(header(&json[0], "x-mingchu-delivery"), header(&json[1], "x-mingchu-delivery"), "one delivery id");
    for r in &json {
        let ts: i64 = header(r, "x-mingchu-timestamp").parse().unwrap();
        assert_eq!(header(r, "x-mingchu-signature"), mingchu_domain::push::json_signature(JSON_SECRET, ts, &r.body));
        assert_ne!(header(r, "x-mingchu-signature"), mingchu_domain::push::json_signature("wrong", ts, &r.body));
    }
    let body: serde_json::Value = serde_json::from_str(&json[1].body).unwrap();
    assert_eq!(body["event"], "finding.confirmed");
    assert_eq!(body["notice"]["capture"], capture);
    let ding: serde_json::Value = serde_json::from_str(&receiver.of("dingtalk")[0].body).unwrap();
    assert!(ding["markdown"]["text"].as_str().unwrap().contains("animal"), "{ding}");
    let wecom: serde_json::Value = serde_json::from_str(&receiver.of("wecom")[0].body).unwrap();
    assert!(wecom["markdown"]["content"].as_str().unwrap().contains("2026-12-01 10:00"), "China time: {wecom}");

    // Delivered: nothing is sent again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        (receiver.of("json").len(), receiver.of("dingtalk").len(), receiver.of("wecom").len()),
        (2, 1, 1),
        "no duplicate"
    );

    // The operator's inbox: the finding, its picture, and how each delivery went.
    let mut venue_side = Browser::new(&server.base);
    venue_side.sign_in_with_link(&operator, "canteen", "后厨干净整洁每一天都好").await;
    let (status, html) = venue_side.open("/console/inbox").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(html.contains(r#"data-kind="finding""#) && html.contains("监管人员确认问题：animal"), "{html}");
    assert!(html.contains(&format!("/console/captures/{capture}/snapshot.jpg")));
    assert_eq!(html.matches(r#"data-delivery="delivered""#).count(), 3, "{html}");
    assert!(html.contains("门店系统") && html.contains("已尝试2次"), "the retry is shown");
    assert!(html.contains("未读"));
    assert!(!html.contains("key=k"), "a robot's key is not shown");
    let notice = html.split(r#"data-notice=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let csrf = csrf_field(&html);
    let response = venue_side.post(&format!("/console/inbox/{notice}/read"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let (_, html) = venue_side.open("/console/inbox").await;
    assert!(html.contains("inbox-item read") && !html.contains("标记为已读"));
    // The operator answers the finding; whoever covers the venue reads it in their inbox.
    let response =
        venue_side.post(&format!("/console/inbox/{notice}/respond"), &[("csrf", &csrf), ("body", " ")]).await;
    assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("回复内容不能为空"));
    let response = venue_side
        .post(
            &format!("/console/inbox/{notice}/respond"),
            &[("csrf", &csrf), ("body", "已请除虫公司处理，并封堵墙洞。")],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let (_, html) = desk.open("/console/inbox").await;
    assert!(
        html.contains("已请除虫公司处理") && !html.contains("/respond"),
        "the inspector reads it, and cannot answer for the venue"
    );
    // A bad webhook typed in the console: refused with a reason, the typed address kept.
    let response = venue_side
        .post(
            "/console/webhooks",
            &[
                ("csrf", &csrf),
                ("owner", &format!("venue:{ours}")),
                ("channel", "dingtalk"),
                ("url", "https://oapi.dingtalk.com/robot/send"),
            ],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("access_token") && html.contains(r#"value="https://oapi.dingtalk.com/robot/send""#));
    // Not for another venue, nor an office.
    for owner in [format!("venue:{other}"), "office:1".to_string()] {
        let response = venue_side
            .post(
                "/console/webhooks",
                &[("csrf", &csrf), ("owner", &owner), ("channel", "json"), ("url", &json_url), ("secret", JSON_SECRET)],
            )
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN, "{owner}");
    }

    // Another venue's operator sees none of it, and cannot mark it read.
    let mut elsewhere = Browser::new(&server.base);
    elsewhere.sign_in_with_link(&stranger, "elsewhere", "别人家的厨房也要干净").await;
    let (_, html) = elsewhere.open("/console/inbox").await;
    assert!(!html.contains("data-notice="), "{html}");
    let csrf = csrf_field(&html);
    let response = elsewhere.post(&format!("/console/inbox/{notice}/read"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);
    let response = elsewhere.post(&format!("/console/inbox/{notice}/respond"), &[("csrf", &csrf), ("body", "x")]).await;
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);

    // Put back in the queue, the finding's notice is withdrawn (and says so).
    let (_, html) = desk.open("/console/captures?state=confirmed").await;
    let response = desk
        .post(&format!("/console/captures/{capture}/review"), &[("csrf", &csrf_field(&html)), ("decision", "unreview")])
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let (_, html) = venue_side.open("/console/inbox").await;
    assert!(html.contains("已撤回"), "{html}");
    drop(server);

    let listed = ok(mingchu(&data, &["webhook", "list"]));
    assert!(listed.contains("delivered 1 queued 0 failed 0") && !listed.contains("key=k"), "{listed}");
    let log = ok(mingchu(&data, &["audit", "list", "--limit", "50"]));
    assert!(log.contains("webhook.add") && !log.contains(JSON_SECRET) && !log.contains("key=k"), "{log}");
}

#[tokio::test]
async fn a_camera_offline_too_long_is_told_once_per_spell_and_not_for_a_closed_venue() {
    use server::db::Db;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let (first, second) = (&cameras[0], cameras.iter().find(|c| c["venue_id"] != cameras[0]["venue_id"]).unwrap());
    let now = chrono::Utc::now();
    let stamp = |minutes_ago: i64| {
        (now - chrono::Duration::minutes(minutes_ago)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let conn = crate::support::database::pool(&data).await;
    let change = |camera: i64, state: &'static str, at: String| {
        sqlx::query("INSERT INTO camera_state_changes (camera_id, at, state) VALUES ($1, $2, $3)")
            .bind(camera)
            .bind(at)
            .bind(state)
    };
    let (a, b) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
    // a: online, then offline 45 minutes ago; b: offline 20 minutes ago.
    change(a, "online", stamp(120)).execute(&conn).await.unwrap();
    change(a, "offline", stamp(45)).execute(&conn).await.unwrap();
    change(b, "offline", stamp(20)).execute(&conn).await.unwrap();
    conn.close().await;
    let db = Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let after = chrono::Duration::minutes(30);
    assert_eq!(db.notify_offline_cameras(now, after).await.unwrap(), 1, "a only");
    assert_eq!(db.notify_offline_cameras(now, after).await.unwrap(), 0, "once per spell");
    // Later b is down long enough too, but its venue has closed by then: not expected online.
    let conn = crate::support::database::pool(&data).await;
    sqlx::query("UPDATE venues SET status = 'closed' WHERE id = $1")
        .bind(second["venue_id"].as_i64().unwrap())
        .execute(&conn)
        .await
        .unwrap();
    // a comes back and goes down again: a new spell, a new notice.
    change(a, "online", stamp(10)).execute(&conn).await.unwrap();
    change(a, "unplayable", stamp(5)).execute(&conn).await.unwrap();
    conn.close().await;
    let later = now + chrono::Duration::minutes(40);
    assert_eq!(db.notify_offline_cameras(later, after).await.unwrap(), 1, "a's second spell, not b");
    let admin = mingchu_domain::access::Actor::shell();
    let inbox = db.inbox(&admin, 10).await.unwrap();
    assert_eq!(inbox.len(), 2);
    assert!(inbox.iter().all(
        |n| matches!(&n.notice, mingchu_domain::push::Notice::CameraOffline { camera_id, .. } if *camera_id == a)
    ));
    db.close().await;
}
