//! Asking complainants by the contact they left, on the real server with a real HTTP gateway:
//! a complaint handled to the end sends one signed request (retried with the same message id
//! after the gateway fails once) with the link to its page, by SMS for a mobile number and by
//! email for an address; a complaint without a contact, or closed after it was resolved, sends
//! nothing more; the complaint desk shows how it went. Without a gateway, or a day too late,
//! the request is dropped with the reason.

use crate::support;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::cli::{mingchu, ok};
use support::complaints::{fields, form_token, multipart, post_json};
use support::workspace::{link_secret, Browser};
use support::Server;

const SECRET: &str = "gateway-secret-0123456789";
const PUBLIC: &str = "https://mingchu.example";

#[derive(Clone, Default)]
struct Gateway {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

async fn send(State(g): State<Gateway>, headers: HeaderMap, body: String) -> StatusCode {
    let mut got = g.got.lock().unwrap();
    let first = got.is_empty();
    got.push((headers, body));
    // The first request fails, as a gateway being restarted would.
    if first {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn complain(base: &str, venue: i64, contact: &str, description: &str) -> String {
    let token = form_token(base, venue).await;
    let mut f = fields(&token, venue, description);
    for (k, v) in f.iter_mut() {
        if *k == "contact" {
            *v = contact.to_string();
        }
    }
    let (status, body) = post_json(base, multipart(&f, &[])).await;
    assert_eq!(status, 201, "{body}");
    body["reference"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_handled_complaint_asks_its_complainant_once_by_the_contact_they_left() {
    let gateway = Gateway::default();
    let app = Router::new().route("/send", post(send)).with_state(gateway.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let admin = link_secret(&data, &["user", "add", "--login", "admin", "--name", "管理员", "--role", "administrator"]);
    let server = Server::start_on_with(
        &data,
        &[
            "--webhook-retry-seconds",
            "1",
            "--message-gateway-url",
            &url,
            "--message-gateway-secret",
            SECRET,
            "--public-url",
            PUBLIC,
        ],
    );
    let base = server.base.clone();
    let by_phone = complain(&base, 1, "138 1234 5678", "汤里有头发，服务员不理会。").await;
    let by_email = complain(&base, 2, "li.hua@example.cn", "餐具有油污，没有消毒就上桌了。").await;
    let no_contact = complain(&base, 3, "", "后厨地面有积水，员工踩水操作。").await;
    let update = |reference: &str, status: &str, note: &str| {
        ok(mingchu(&data, &["complaint", "update", reference, "--status", status, "--note", note]));
    };
    for r in [&by_phone, &no_contact] {
        update(r, "accepted", "已受理");
    }
    assert!(gateway.got.lock().unwrap().is_empty(), "nobody is asked before the complaint is handled");

    // Resolved: asked by SMS; the gateway fails once and gets the same message again.
    update(&by_phone, "resolved", "已责令商户整改并复查");
    until("the request to be sent again", || gateway.got.lock().unwrap().len() >= 2).await;
    let got = gateway.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let (first, second) = (&got[0], &got[1]);
    assert_eq!(first.1, second.1, "the same request, resent");
    assert_eq!(header(&first.0, "x-mingchu-delivery"), header(&second.0, "x-mingchu-delivery"));
    let timestamp: i64 = header(&second.0, "x-mingchu-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 300, "signed now");
    assert_eq!(
        header(&second.0, "x-mingchu-signature"),
        mingchu_domain::push::json_signature(SECRET, timestamp, &second.1),
        "signed with the gateway's key"
    );
    let body: serde_json::Value = serde_json::from_str(&second.1).unwrap();
    assert_eq!(body["kind"], "sms");
    assert_eq!(body["to"], "13812345678");
    assert_eq!(body["complaint"], by_phone.as_str());
    let link = format!("{PUBLIC}/complaints/{by_phone}#feedback");
    assert_eq!(body["link"], link.as_str());
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("【明厨亮灶】") && text.contains(&by_phone) && text.ends_with(&link), "{text}");

    // The link's page asks the question.
    let page = reqwest::get(format!("{base}/complaints/{by_phone}")).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"id="feedback""#), "the page the link opens asks");

    // Rejected (not accepted): asked by email. Closing the resolved one, or handling one without a contact,
    // asks nobody again.
    update(&by_email, "rejected", "经核查，不属于本部门职责范围");
    update(&by_phone, "closed", "办结");
    update(&no_contact, "resolved", "已整改");
    until("the email request", || gateway.got.lock().unwrap().len() >= 3).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = gateway.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "one request each for the complaints with a contact, and no more");
    let body: serde_json::Value = serde_json::from_str(&got[2].1).unwrap();
    assert_eq!((body["kind"].as_str(), body["to"].as_str()), (Some("email"), Some("li.hua@example.cn")));
    assert!(body["subject"].as_str().unwrap().contains(&by_email));

    // The complaint desk shows how asking went.
    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&admin, "admin", "明厨亮灶-管理员的口令很长").await;
    let (status, html) = desk.open(&format!("/console/complaints/{by_phone}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-state="sent""#) && html.contains("短信 · 已发送"), "the desk shows the SMS was sent");
    let (_, html) = desk.open(&format!("/console/complaints/{no_contact}")).await;
    assert!(!html.contains("feedback-request"), "nothing to show when nobody was asked");
}

#[tokio::test]
async fn a_request_that_cannot_be_sent_is_dropped_with_the_reason() {
    use chrono::{Duration as Days, Utc};
    use mingchu_domain::audit::Who;
    use mingchu_domain::vocab::ComplaintStatus;
    use server::feedback_sender::FeedbackSender;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let server = Server::start_on(&data);
    let one = complain(&server.base, 1, "13812345678", "汤里有头发，服务员不理会。").await;
    let two = complain(&server.base, 2, "13812345679", "餐具有油污，没有消毒就上桌。").await;
    drop(server);

    let url = crate::support::database::url(&data);
    let db = server::db::Db::connect(&url).await.unwrap();
    let who = Who::shell();
    let now = Utc::now();
    for r in [&one, &two] {
        db.update_complaint(r, ComplaintStatus::Accepted, "已受理", None, &who, now).await.unwrap();
    }
    // Handled a day and a minute ago: too late by the time it would go.
    db.update_complaint(&one, ComplaintStatus::Resolved, "已整改", None, &who, now - Days::minutes(24 * 60 + 1))
        .await
        .unwrap();
    db.update_complaint(&two, ComplaintStatus::Resolved, "已整改", None, &who, now).await.unwrap();
    let sender = FeedbackSender::new(db.clone(), None, Some(PUBLIC.parse().unwrap()), Duration::from_secs(1));
    assert_eq!(sender.run_once().await.unwrap(), 2);
    assert_eq!(sender.run_once().await.unwrap(), 0, "dropped, not tried again");
    let late = db.feedback_request(&one).await.unwrap().unwrap();
    assert_eq!((late.state.as_str(), late.reach.as_str()), ("expired", "sms"));
    assert_eq!(late.outcome.as_deref(), Some("not sent within a day of the complaint being handled"));
    let unsent = db.feedback_request(&two).await.unwrap().unwrap();
    assert_eq!(unsent.state, "expired");
    assert_eq!(unsent.outcome.as_deref(), Some("no message gateway is configured (--message-gateway-url)"));
}
