//! The review desk on the real server, through its pages and forms as a browser without
//! script uses them: an inspector's queue holds only their office's captures; confirm,
//! dismiss with a reason, merge into an open capture, put back, decide many at once; every
//! refusal (CSRF, jurisdiction, role, state) says why and changes nothing; operators see only
//! confirmed findings; every decision is in the audit log.

use crate::support;

use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use support::cli::{mingchu, ok};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

/// Stores a capture as frame analysis would; returns its id.
async fn capture(db: &sqlx::AnyPool, camera: i64, at: &str, category: &str) -> i64 {
    let boxes = r#"[{"label":"cat","score":0.87,"bbox":{"x0":0.1,"y0":0.1,"x1":0.4,"y1":0.5}}]"#;
    crate::support::database::insert_capture(db, camera, at, category, boxes).await
}

async fn review_state(data: &std::path::Path, id: i64) -> (String, Option<String>, Option<i64>) {
    let db = crate::support::database::pool(data).await;
    let row = sqlx::query_as("SELECT review, dismiss_reason, merged_into FROM capture_events WHERE id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    row
}

#[tokio::test]
async fn an_inspector_decides_the_office_queue_and_every_refusal_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let street_of = |venue: i64| district.venues[(venue - 1) as usize].street;
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let camera_of = |venue: i64| cameras.iter().find(|c| c["venue_id"] == venue).map(|c| c["id"].as_i64().unwrap());
    let with_camera: Vec<i64> = cameras.iter().map(|c| c["venue_id"].as_i64().unwrap()).collect();
    let ours = with_camera[0];
    let theirs = *with_camera.iter().find(|v| street_of(**v) != street_of(ours)).unwrap();
    let office = district.offices[street_of(ours)].clone();
    let (ours_cam, theirs_cam) = (camera_of(ours).unwrap(), camera_of(theirs).unwrap());

    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    );
    let venue = ours.to_string();
    let operator = link_secret(
        &data,
        &["user", "add", "--login", "canteen", "--name", "食堂经理", "--role", "operator", "--venue", &venue],
    );
    let (a, b, c, d, e, f) = {
        let db = crate::support::database::pool(&data).await;
        let ids = (
            capture(&db, ours_cam, "2026-12-01T02:00:00.000Z", "animal").await,
            capture(&db, ours_cam, "2026-12-01T02:01:00.000Z", "animal").await,
            capture(&db, ours_cam, "2026-12-01T02:02:00.000Z", "animal").await,
            capture(&db, ours_cam, "2026-12-01T03:00:00.000Z", "no_hat").await,
            capture(&db, ours_cam, "2026-12-01T03:01:00.000Z", "no_hat").await,
            capture(&db, theirs_cam, "2026-12-01T02:00:30.000Z", "animal").await,
        );
        db.close().await;
        ids
    };
    let server = Server::start_on(&data);
    let mut desk = Browser::new(&server.base);
    desk.sign_in_with_link(&inspector, "wang.fang", "明厨亮灶-守护舌尖安全").await;

    // The queue: the office's captures, oldest first, with their evidence; nobody else's.
    let (status, html) = desk.open("/console/captures").await;
    assert_eq!(status, StatusCode::OK);
    for id in [a, b, c, d, e] {
        assert!(html.contains(&format!(r#"data-capture="{id}""#)), "capture {id} is in the queue");
    }
    assert!(!html.contains(&format!(r#"data-capture="{f}""#)), "another office's capture is not");
    assert!(html.find(&format!(r#"id="c{a}""#)) < html.find(&format!(r#"id="c{e}""#)), "oldest first");
    assert!(html.contains("cat 87%") && html.contains("2026-12-01 10:00:00"), "detections and China time");
    assert!(html.contains(r#"<span class="count">5</span>"#), "five waiting");
    let snapshot = desk.get(&format!("/console/captures/{a}/snapshot.jpg")).await;
    assert_eq!(snapshot.status(), StatusCode::OK);
    assert_eq!(snapshot.headers()[CONTENT_TYPE], "image/jpeg");
    assert_eq!(desk.get(&format!("/console/captures/{f}/snapshot.jpg")).await.status(), StatusCode::FORBIDDEN);
    let csrf = csrf_field(&html);
    let review = |id: i64| format!("/console/captures/{id}/review");

    // Without the form's CSRF field: refused, nothing changed.
    let response = desk.post(&review(a), &[("decision", "confirm")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(review_state(&data, a).await.0, "pending");
    // Another office's capture: refused with the policy's reason.
    let response = desk.post(&review(f), &[("csrf", &csrf), ("decision", "confirm")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("outside your office's jurisdictions"));
    assert_eq!(review_state(&data, f).await.0, "pending");

    // Confirm: back to the desk with what was done.
    let response =
        desk.post(&review(a), &[("csrf", &csrf), ("decision", "confirm"), ("back", "/console/captures")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], format!("/console/captures?done=confirmed-{a}"));
    let (_, html) = desk.open(&format!("/console/captures?done=confirmed-{a}")).await;
    assert!(html.contains(&format!("已确认抓拍 #{a}")));
    assert!(!html.contains(&format!(r#"data-capture="{a}""#)), "it left the queue");
    // Deciding it again: a conflict, shown on the desk.
    let response = desk.post(&review(a), &[("csrf", &csrf), ("decision", "dismiss"), ("reason", "false_pet")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("该抓拍已被审核过"));
    // A dismissal without a reason, then with one.
    let response = desk.post(&review(d), &[("csrf", &csrf), ("decision", "dismiss"), ("reason", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("排除抓拍需要选择原因"));
    assert_eq!(review_state(&data, d).await.0, "pending");
    let response =
        desk.post(&review(d), &[("csrf", &csrf), ("decision", "dismiss"), ("reason", "false_reflection")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(review_state(&data, d).await, ("dismissed".into(), Some("false_reflection".into()), None));

    // Merging: the queue offers the open captures of the same venue near in time, not the other
    // office's; b becomes evidence of the confirmed a.
    let (_, html) = desk.open("/console/captures").await;
    let card = &html[html.find(&format!(r#"id="c{b}""#)).unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    assert!(card.contains(&format!(r#"<option value="{a}">"#)), "the confirmed capture is offered");
    assert!(!card.contains(&format!(r#"<option value="{f}">"#)), "another venue's is not");
    let response = desk.post(&review(b), &[("csrf", &csrf), ("decision", "merge"), ("into", &f.to_string())]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "not into a capture outside the jurisdiction");
    let response = desk.post(&review(b), &[("csrf", &csrf), ("decision", "merge"), ("into", &d.to_string())]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "not into a dismissed one");
    let response = desk.post(&review(b), &[("csrf", &csrf), ("decision", "merge"), ("into", &a.to_string())]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(review_state(&data, b).await, ("merged".into(), None, Some(a)));
    // A finding with merged evidence is not put back before its evidence.
    let response = desk.post(&review(a), &[("csrf", &csrf), ("decision", "unreview")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("已有其他抓拍并入此条"));

    // Many at once: each decided on its own; the one outside the jurisdiction is left.
    let (c_s, e_s, f_s) = (c.to_string(), e.to_string(), f.to_string());
    let bulk = [
        ("csrf", csrf.as_str()),
        ("decision", "dismiss:false_pet"),
        ("id", &c_s),
        ("id", &e_s),
        ("id", &f_s),
        ("back", "/console/captures?camera=1&done=old"),
    ];
    let response = desk.post("/console/captures/bulk", &bulk).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/console/captures?camera=1&done=dismissed-2&skipped=1");
    assert_eq!(review_state(&data, c).await.0, "dismissed");
    assert_eq!(review_state(&data, e).await.0, "dismissed");
    assert_eq!(review_state(&data, f).await.0, "pending");
    let response = desk.post("/console/captures/bulk", &[("csrf", &csrf), ("decision", "confirm")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("请先勾选"));

    // The queue is empty; what was dismissed, by whom, and the share dismissed per rule.
    let (_, html) = desk.open("/console/captures").await;
    assert!(html.contains("待审核队列已清空"), "{html}");
    let (_, html) = desk.open("/console/captures?state=dismissed&mine=1").await;
    for id in [c, d, e] {
        assert!(html.contains(&format!(r#"data-capture="{id}""#)));
    }
    let decided = &html[html.find("desk-decided").unwrap()..];
    let decided = &decided[..decided.find("</p>").unwrap()];
    assert!(decided.contains("已排除（误报") && decided.contains("王芳") && decided.contains("（我）"), "{decided}");
    // animal: a confirmed, b merged, c dismissed → 33%; no_hat: both dismissed → 100%.
    assert!(html.contains(r#"<td class="share">33%</td>"#) && html.contains(r#"<td class="share">100%</td>"#));
    // Putting one back brings it to the queue.
    let response = desk.post(&review(e), &[("csrf", &csrf), ("decision", "unreview")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open("/console/captures?one=1").await;
    assert!(html.contains(&format!(r#"data-capture="{e}""#)) && html.contains(r#"accesskey="c""#), "one at a time");

    // The venue's operator: no desk, and pictures only of confirmed findings.
    let mut venue_side = Browser::new(&server.base);
    venue_side.sign_in_with_link(&operator, "canteen", "后厨干净整洁每一天都好").await;
    let (status, html) = venue_side.open("/console/captures").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("没有审核抓拍的权限"));
    assert!(!html.contains(r#"data-capture="#));
    assert_eq!(venue_side.get(&format!("/console/captures/{a}/snapshot.jpg")).await.status(), StatusCode::OK);
    assert_eq!(venue_side.get(&format!("/console/captures/{d}/snapshot.jpg")).await.status(), StatusCode::NOT_FOUND);
    let csrf = csrf_field(&venue_side.open("/console").await.1);
    let response =
        venue_side.post(&review(e), &[("csrf", &csrf), ("decision", "dismiss"), ("reason", "false_pet")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "operators do not review");
    assert_eq!(review_state(&data, e).await.0, "pending");
    // Nobody signed in: the picture is not served.
    let anonymous = support::workspace::client().get(format!("{}/console/captures/{a}/snapshot.jpg", server.base));
    assert!(anonymous.send().await.unwrap().status().is_redirection(), "sent to sign in");
    drop(server);

    let log = ok(mingchu(&data, &["audit", "list", "--limit", "100"]));
    for action in ["capture.confirm", "capture.dismiss", "capture.merge", "capture.unreview"] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(log.contains(&format!(r#""merged_into":{a}"#)), "{log}");
    assert!(ok(mingchu(&data, &["audit", "verify"])).starts_with("intact:"));
}
