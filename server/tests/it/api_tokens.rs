//! Per-user API tokens on the real server: each acts for its account within its scopes, and the
//! one policy function refuses, with a reason, what the role, the jurisdiction, the venue or the
//! scopes do not allow; revoked tokens stop at once; the deprecated `--admin-token` still
//! works as an administrator's.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use std::path::Path;
use support::cli::{mingchu, ok, refused};
use support::Server;

const LEGACY: &str = "legacy-admin-token-0123456789abcdef0123";

fn token(data: &Path, login: &str, scopes: &[&str]) -> String {
    let mut args = vec!["token", "create", "--login", login, "--name", "测试系统"];
    for s in scopes {
        args.extend(["--scope", s]);
    }
    ok(mingchu(data, &args))
}

async fn events(base: &str, token: &str, camera: Option<i64>) -> (StatusCode, Value) {
    let url = match camera {
        Some(c) => format!("{base}/api/v1/events?camera={c}"),
        None => format!("{base}/api/v1/events"),
    };
    let res = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn tokens_act_for_their_account_within_scopes_and_the_policy_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    // Venues are numbered from 1 in the district's order; office i covers street i.
    let street_of = |venue: i64| district.venues[(venue - 1) as usize].street;
    let cameras: Vec<Value> = serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let camera_of = |venue: i64| cameras.iter().find(|c| c["venue_id"] == venue).map(|c| c["id"].as_i64().unwrap());
    let with_camera: Vec<i64> = cameras.iter().map(|c| c["venue_id"].as_i64().unwrap()).collect();
    let ours = with_camera[0];
    let theirs = *with_camera.iter().find(|v| street_of(**v) != street_of(ours)).expect("a venue in another street");
    let office = district.offices[street_of(ours)].clone();

    for args in [
        vec!["user", "add", "--login", "admin", "--name", "管理员", "--role", "administrator"],
        vec!["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    ] {
        ok(mingchu(&data, &args));
    }
    let venue = ours.to_string();
    ok(mingchu(
        &data,
        &["user", "add", "--login", "canteen", "--name", "食堂", "--role", "operator", "--venue", &venue],
    ));
    refused(
        mingchu(&data, &["token", "create", "--login", "admin", "--name", "x", "--scope", "everything"]),
        "unknown scope",
    );
    refused(mingchu(&data, &["token", "create", "--login", "nobody", "--name", "x", "--scope", "read"]), "no account");
    let admin = token(&data, "admin", &["read"]);
    let inspector = token(&data, "wang.fang", &["read"]);
    let reviewer = token(&data, "wang.fang", &["read", "captures"]);
    let operator = token(&data, "canteen", &["read", "captures", "complaints", "venues", "admin"]);
    assert!(admin.starts_with("mct_") && admin.len() == 68, "{admin}");

    let (ours_cam, theirs_cam) = (camera_of(ours).unwrap(), camera_of(theirs).unwrap());
    // One capture on a camera of each venue, as frame analysis would store them.
    {
        let db = crate::support::database::pool(&data).await;
        for camera in [ours_cam, theirs_cam] {
            crate::support::database::insert_capture(&db, camera, "2026-12-01T04:00:00Z", "animal", "[]").await;
        }
        db.close().await;
    }
    let listed = |body: &Value| -> Vec<i64> {
        // The test's own captures, not the demo district's year of them.
        let mut cameras: Vec<i64> = body
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["category"] == "animal")
            .map(|e| e["camera_id"].as_i64().unwrap())
            .collect();
        cameras.sort();
        cameras
    };

    let server = Server::start_on_with(&data, &["--admin-token", LEGACY]);
    let base = server.base.as_str();

    // An administrator's token and the deprecated flag see every camera's events.
    let mut both = vec![ours_cam, theirs_cam];
    both.sort();
    assert_eq!(listed(&events(base, &admin, None).await.1), both);
    assert_eq!(listed(&events(base, LEGACY, None).await.1), both);
    // An inspector: within the office's jurisdiction only, a camera at a time.
    assert_eq!(events(base, &inspector, Some(ours_cam)).await.0, StatusCode::OK);
    let (status, body) = events(base, &inspector, Some(theirs_cam)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("outside your office's jurisdictions"), "{body}");
    // Their list holds only what the office covers.
    let (status, body) = events(base, &inspector, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed(&body), [ours_cam]);
    // An operator: their own venue's cameras, and never more, whatever the token's scopes say;
    // and only confirmed findings, not the queue (none is confirmed yet).
    assert_eq!(events(base, &operator, Some(ours_cam)).await.0, StatusCode::OK);
    assert_eq!(listed(&events(base, &operator, None).await.1), Vec::<i64>::new());
    let (status, body) = events(base, &operator, Some(theirs_cam)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("not one of your venues"), "{body}");

    // Reviewing a capture: the "captures" scope, within the jurisdiction, one decision at a time.
    let event_of = |body: &Value, camera: i64| {
        body.as_array().unwrap().iter().find(|e| e["camera_id"] == camera).unwrap()["id"].as_i64().unwrap()
    };
    let all = events(base, &admin, None).await.1;
    let (our_event, their_event) = (event_of(&all, ours_cam), event_of(&all, theirs_cam));
    let review = |token: String, event: i64, body: Value| async move {
        let res = reqwest::Client::new()
            .post(format!("{base}/api/v1/events/{event}/review"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, serde_json::from_str::<Value>(&res.text().await.unwrap()).unwrap_or(Value::Null))
    };
    let confirm = serde_json::json!({ "decision": "confirm" });
    let (status, body) = review(inspector.clone(), our_event, confirm.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a read-only token: {body}");
    assert_eq!(review(reviewer.clone(), their_event, confirm.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        review(operator.clone(), our_event, confirm.clone()).await.0,
        StatusCode::FORBIDDEN,
        "operators do not review"
    );
    let (status, body) = review(reviewer.clone(), our_event, serde_json::json!({ "decision": "dismiss" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("needs a reason"), "{body}");
    let (status, body) = review(reviewer.clone(), our_event, confirm.clone()).await;
    assert_eq!((status, body["review"].as_str()), (StatusCode::OK, Some("confirmed")));
    // Confirmed, it is a finding the venue's operator sees.
    assert_eq!(listed(&events(base, &operator, None).await.1), [ours_cam]);
    let (status, body) = review(reviewer.clone(), our_event, confirm.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("reviewed already"), "{body}");
    let unreview = serde_json::json!({ "decision": "unreview" });
    assert_eq!(review(reviewer.clone(), our_event, unreview).await.1["review"], "pending");
    let dismiss = serde_json::json!({ "decision": "dismiss", "reason": "false_reflection" });
    assert_eq!(review(reviewer.clone(), our_event, dismiss).await.1["review"], "dismissed");
    assert_eq!(review(LEGACY.to_string(), 999_999, confirm.clone()).await.0, StatusCode::NOT_FOUND);

    // A complaint status change needs the "complaints" scope, then the role.
    let update = |token: String| async move {
        reqwest::Client::new()
            .post(format!("{base}/api/v1/complaints/MC-0000-0000-0000/updates"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(serde_json::json!({ "status": "accepted", "note": "受理" }).to_string())
            .send()
            .await
            .unwrap()
    };
    let res = update(inspector.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(r#"scopes do not include \"complaints\""#));
    let res = update(operator.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "operators never handle complaints");
    assert_eq!(
        update(LEGACY.to_string()).await.status(),
        StatusCode::NOT_FOUND,
        "an administrator learns it is not there"
    );

    // No token, a made-up one, a revoked one: 401.
    assert_eq!(reqwest::get(format!("{base}/api/v1/events")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(events(base, "mct_made-up", None).await.0, StatusCode::UNAUTHORIZED);
    let list = ok(mingchu(&data, &["token", "list"]));
    let id = list.lines().find(|l| l.contains("\twang.fang\t")).unwrap().split('\t').next().unwrap().to_string();
    assert!(list.lines().find(|l| l.contains("\twang.fang\t")).unwrap().contains("last used"), "{list}");
    assert!(!list.contains(&inspector), "tokens are never listed");
    ok(mingchu(&data, &["token", "revoke", &id]));
    assert_eq!(events(base, &inspector, Some(ours_cam)).await.0, StatusCode::UNAUTHORIZED);
    drop(server);
    let log = ok(mingchu(&data, &["audit", "list", "--limit", "50"]));
    assert!(log.contains("token.create") && log.contains("token.revoke"), "{log}");
    for action in ["capture.confirm", "capture.unreview", "capture.dismiss"] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(log.contains("token:") && log.contains(r#""reason":"false_reflection""#), "{log}");
    // Made through the API, from this machine: the address is logged too.
    let confirmed = log.lines().find(|l| l.contains("capture.confirm")).unwrap();
    assert!(confirmed.ends_with("\t127.0.0.1"), "{confirmed}");
    assert!(ok(mingchu(&data, &["audit", "verify"])).starts_with("intact:"));
}
