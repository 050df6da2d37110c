//! The console's venue desk on the real server: an inspector closes a venue found closed late,
//! back-dated with its reason (refused without one, or in the future), and the public side
//! stops counting it connected; makes a camera private; moderates the venue's reply. The venue's
//! operator sees their cameras' health and online rate and may change none of it; another
//! office's inspector may not see the venue. Every change is audited.

use crate::support;

use reqwest::StatusCode;
use support::cli::{mingchu, ok};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

#[tokio::test]
async fn an_inspector_changes_a_venue_and_each_role_sees_what_it_may() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    // An operating venue with a public camera.
    let camera = cameras.iter().find(|c| c["public"] == true).unwrap();
    let (venue, camera_id) = (camera["venue_id"].as_i64().unwrap(), camera["id"].as_i64().unwrap());
    let street = district.venues[(venue - 1) as usize].street;
    let office = district.offices[street].clone();
    let other_office = district.offices.iter().enumerate().find(|(i, _)| *i != street).unwrap().1.clone();
    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    );
    let outsider = link_secret(
        &data,
        &["user", "add", "--login", "zhao.lei", "--name", "赵磊", "--role", "inspector", "--office", &other_office],
    );
    let operator = link_secret(
        &data,
        &[
            "user",
            "add",
            "--login",
            "canteen",
            "--name",
            "食堂经理",
            "--role",
            "operator",
            "--venue",
            &venue.to_string(),
        ],
    );
    // A reply of the venue to its latest inspection, waiting for moderation.
    let detail: serde_json::Value = {
        let server = Server::start_on(&data);
        let body = reqwest::get(format!("{}/api/v1/venues/{venue}/inspections", server.base)).await.unwrap();
        serde_json::from_str(&body.text().await.unwrap()).unwrap()
    };
    let inspection = detail["inspections"].as_array().or(detail.as_array()).unwrap()[0]["id"].as_i64().unwrap();
    let reply = ok(mingchu(
        &data,
        &["reply", "add", "--inspection", &inspection.to_string(), "--text", "已整改，已更换防蝇门帘。"],
    ));
    let server = Server::start_on(&data);
    let base = server.base.clone();

    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&inspector, "wang.fang", "明厨亮灶-守护舌尖安全").await;
    let (_, list) = desk.open("/console/venues").await;
    assert!(list.contains(&format!(r#"data-venue="{venue}""#)));
    let path = format!("/console/venues/{venue}");
    let (status, html) = desk.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"data-venue-status="operating""#) && html.contains(&format!(r#"data-camera="{camera_id}""#))
    );
    assert!(html.contains("已整改，已更换防蝇门帘"), "the reply waits for moderation");
    let csrf = csrf_field(&html);
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();

    // Without a reason, or from tomorrow: refused, the venue unchanged.
    let status_path = format!("{path}/status");
    let response =
        desk.post(&status_path, &[("csrf", &csrf), ("status", "closed"), ("since", &yesterday), ("reason", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("变更经营状态须写明原因"));
    let response = desk
        .post(&status_path, &[("csrf", &csrf), ("status", "closed"), ("since", &tomorrow), ("reason", "停业")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("生效日期不能晚于今天"));
    // Closed since yesterday, found today: back-dated with its reason.
    let response = desk
        .post(
            &status_path,
            &[("csrf", &csrf), ("status", "closed"), ("since", &yesterday), ("reason", "门店已转让，现场核实已停业。")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains(r#"data-venue-status="closed""#) && html.contains("门店已转让") && html.contains(&yesterday));
    let public: serde_json::Value = serde_json::from_str(
        &reqwest::get(format!("{base}/api/v1/venues/{venue}")).await.unwrap().text().await.unwrap(),
    )
    .unwrap();
    assert_eq!(public["summary"]["status"], "closed", "{public}");

    // A camera made private, and the reply published.
    let response =
        desk.post(&format!("/console/cameras/{camera_id}/visibility"), &[("csrf", &csrf), ("public", "0")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    assert_eq!(listed.iter().find(|c| c["id"] == camera_id).unwrap()["public"], false);
    let moderate = format!("/console/replies/{reply}/moderate");
    let response = desk.post(&moderate, &[("csrf", &csrf), ("decision", "reject"), ("note", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a rejection needs its reason");
    let response = desk.post(&moderate, &[("csrf", &csrf), ("decision", "publish")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = desk.post(&moderate, &[("csrf", &csrf), ("decision", "publish")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "published already");

    // A camera added (a bad address refused first, without repeating its password), kept
    // connected, then on demand again.
    let cameras_path = format!("{path}/cameras");
    let bad = [
        ("csrf", csrf.as_str()),
        ("name", "冷菜间"),
        ("area", "special_room"),
        ("url", "http://admin:s3cret@10.0.0.9/"),
    ];
    let response = desk.post(&cameras_path, &bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let text = response.text().await.unwrap();
    assert!(text.contains("rtsp://") && !text.contains("s3cret"), "the refusal hides the password");
    let good = [
        ("csrf", csrf.as_str()),
        ("name", "冷菜间"),
        ("area", "special_room"),
        ("url", "rtsp://admin:s3cret@127.0.0.1:9/stream"),
        ("public", "1"),
    ];
    assert_eq!(desk.post(&cameras_path, &good).await.status(), StatusCode::SEE_OTHER);
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let added = listed.iter().find(|c| c["venue_id"] == venue && c["name"] == "冷菜间").expect("the camera was added");
    let added_id = added["id"].as_i64().unwrap();
    let always = format!("/console/cameras/{added_id}/always-on");
    assert_eq!(desk.post(&always, &[("csrf", &csrf), ("on", "1")]).await.status(), StatusCode::SEE_OTHER);
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    assert_eq!(listed.iter().find(|c| c["id"] == added_id).unwrap()["always_on"], true);
    assert_eq!(desk.post(&always, &[("csrf", &csrf), ("on", "0")]).await.status(), StatusCode::SEE_OTHER);

    // What the camera records and for how long: saved and shown; refused with a reason when
    // the choice or the days are not ones Mingchu takes.
    let recording = format!("/console/cameras/{added_id}/recording");
    let saved = desk.post(&recording, &[("csrf", &csrf), ("policy", "events"), ("retention_days", "15")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains("按事件录像，保存 15 天"), "the setting is shown");
    assert!(html.contains(&format!(r#"href="/console/cameras/{added_id}/timeline""#)), "a way to the recorded video");
    for (policy, days, reason) in
        [("events", "400", "保存天数须为 1 至 365 的整数"), ("sometimes", "15", "请选择连续录像、按事件录像或不录像")]
    {
        let refused = desk.post(&recording, &[("csrf", &csrf), ("policy", policy), ("retention_days", days)]).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{policy} {days}");
        assert!(refused.text().await.unwrap().contains(reason), "{policy} {days}: says why");
    }
    let (_, html) = desk.open(&path).await;
    assert!(html.contains("冷菜间") && !html.contains("s3cret"), "the camera is listed, its password never shown");

    // A display screen registered (its address shown once) and revoked.
    let response = desk.post(&format!("{path}/screens"), &[("csrf", &csrf), ("name", "餐厅大屏")]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = response.text().await.unwrap();
    let at = html.find("/display/").expect("the screen's address");
    let token: String = html[at + "/display/".len()..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 32);
    let display = reqwest::get(format!("{base}/display/{token}")).await.unwrap();
    assert_eq!(display.status(), StatusCode::OK, "the screen's page opens");
    let (_, html) = desk.open(&path).await;
    let screen = html.split(r#"data-screen=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let response = desk.post(&format!("/console/screens/{screen}/revoke"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(reqwest::get(format!("{base}/display/{token}")).await.unwrap().status(), StatusCode::NOT_FOUND);

    // Another office's inspector: not theirs.
    let mut other = Browser::new(&base);
    other.sign_in_with_link(&outsider, "zhao.lei", "别的辖区的监管人员甲乙").await;
    let (status, _) = other.open(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let csrf_other = csrf_field(&other.open("/console").await.1);
    let response = other
        .post(
            &status_path,
            &[("csrf", &csrf_other), ("status", "operating"), ("since", &today.to_string()), ("reason", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The operator: their cameras' health and online rate; no forms, and refused if posted.
    let mut venue_side = Browser::new(&base);
    venue_side.sign_in_with_link(&operator, "canteen", "后厨干净整洁每一天都好").await;
    let (status, html) = venue_side.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"data-camera="{camera_id}""#)) && html.contains("近7日在线率"));
    assert!(!html.contains(&format!(r#"action="{status_path}""#)) && !html.contains("/visibility"));
    assert!(!html.contains("/always-on") && !html.contains("/screens") && !html.contains("/moderate"), "no forms");
    assert!(!html.contains("/recording\""), "no recording form");
    let csrf_op = csrf_field(&venue_side.open("/console").await.1);
    let response = venue_side
        .post(
            &status_path,
            &[("csrf", &csrf_op), ("status", "operating"), ("since", &today.to_string()), ("reason", "我们重新开业了")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = venue_side
        .post(&format!("/console/cameras/{camera_id}/visibility"), &[("csrf", &csrf_op), ("public", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = venue_side
        .post(
            &format!("/console/cameras/{camera_id}/recording"),
            &[("csrf", &csrf_op), ("policy", "off"), ("retention_days", "30")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "an operator cannot stop the recording of their kitchen");
    drop(server);

    let log = ok(mingchu(&data, &["audit", "list", "--limit", "100"]));
    for action in [
        "venue.status",
        "camera.visibility",
        "camera.add",
        "camera.always_on",
        "camera.recording",
        "screen.add",
        "screen.revoke",
        "reply.publish",
        "reply.add",
    ] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(ok(mingchu(&data, &["audit", "verify"])).starts_with("intact:"));
}
