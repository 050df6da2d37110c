//! The enforcement loop on the real server, through its forms: an AI capture is confirmed, an
//! inspector issues a rectification order from it (numbered in the office, citing the law, the
//! venue told in its inbox); the operator replies; the inspector rejects with a reason; the
//! operator replies again; the inspector accepts: closed. The venue's public page and its open
//! data show the timeline, never anything unconfirmed. An extension is asked, refused, asked
//! again and granted. Every refusal (CSRF, role, jurisdiction, state, a missing reason) says
//! why and changes nothing; every step is audited. Overdue escalation runs on simulated time
//! against the same database.

use crate::support;

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use support::cli::{mingchu, ok, refused};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

async fn capture(data: &std::path::Path, camera: i64, category: &str) -> i64 {
    let db = crate::support::database::pool(data).await;
    let an_hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let id = crate::support::database::insert_capture(&db, camera, &an_hour_ago, category, "[]").await;
    db.close().await;
    id
}

/// The order's id from a redirect to its page.
fn order_id(response: &reqwest::Response) -> i64 {
    let location = response.headers()[LOCATION].to_str().unwrap();
    location.trim_start_matches("/console/orders/").split('?').next().unwrap().parse().unwrap()
}

async fn post(browser: &Browser, path: String, form: Vec<(&'static str, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(&path, &pairs).await
}

/// A small JPEG, as a phone sends it.
fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([(x * 5) as u8, (y * 7) as u8, 120]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
    out
}

fn china_day(offset_days: i64) -> String {
    let now = chrono::Utc::now() + chrono::Duration::days(offset_days);
    mingchu_domain::china_time::day(now).to_string()
}

#[tokio::test]
async fn a_capture_becomes_an_order_that_is_replied_rejected_replied_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let street_of = |venue: i64| district.venues[(venue - 1) as usize].street;
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let camera = &cameras[0];
    let (venue, camera_id) = (camera["venue_id"].as_i64().unwrap(), camera["id"].as_i64().unwrap());
    let office = district.offices[street_of(venue)].clone();
    let other_office = district.offices.iter().enumerate().find(|(i, _)| *i != street_of(venue)).unwrap().1.clone();
    let add = |login: &str, name: &str, role_args: &[&str]| {
        link_secret(&data, &[&["user", "add", "--login", login, "--name", name], role_args].concat())
    };
    let inspector = add("wang.fang", "王芳", &["--role", "inspector", "--office", &office]);
    let outsider = add("zhao.lei", "赵磊", &["--role", "inspector", "--office", &other_office]);
    let operator = add("chef", "店长", &["--role", "operator", "--venue", &venue.to_string()]);
    let found = capture(&data, camera_id, "未戴口罩").await;
    let pending = capture(&data, camera_id, "老鼠").await;
    let server = Server::start_on(&data);
    let base = server.base.clone();
    const PASSWORD: &str = "明厨亮灶-守护舌尖安全";

    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&inspector, "wang.fang", PASSWORD).await;
    let (_, html) = desk.open("/console/captures").await;
    let csrf = csrf_field(&html);
    let response =
        desk.post(&format!("/console/captures/{found}/review"), &[("csrf", &csrf), ("decision", "confirm")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The form lists the confirmed capture (not the pending one) and the clauses.
    let (status, html) = desk.open(&format!("/console/orders/new?venue={venue}&capture={found}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"value="{found}""#)), "the confirmed capture is offered");
    assert!(!html.contains(&format!(r#"name="capture" value="{pending}""#)), "a pending capture is not");
    assert!(html.contains("第三十三条"), "the clauses are listed");

    let due = china_day(7);
    let issue = |extra: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("csrf", csrf.clone()),
            ("venue", venue.to_string()),
            ("requirement", "操作时规范佩戴口罩，开展从业人员卫生培训并留存记录。".to_string()),
            ("clause", "fsl-33".to_string()),
            ("due", due.clone()),
            ("evidence_public", "1".to_string()),
        ];
        form.extend(extra);
        form
    };
    // Refusals: no violation; a pending capture; the due day today; no CSRF; another office.
    let response = post(&desk, "/console/orders/new".into(), issue(vec![])).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("至少列明一项"), "an order needs a violation");
    let response = post(&desk, "/console/orders/new".into(), issue(vec![("capture", pending.to_string())])).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("不是该单位已确认的问题"));
    let mut today = issue(vec![("capture", found.to_string())]);
    today.retain(|(k, _)| *k != "due");
    today.push(("due", china_day(0)));
    let response = post(&desk, "/console/orders/new".into(), today).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("整改期限须晚于今天"));
    let no_csrf: Vec<(&'static str, String)> =
        issue(vec![("capture", found.to_string())]).into_iter().filter(|(k, _)| *k != "csrf").collect();
    let response = post(&desk, "/console/orders/new".into(), no_csrf).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let mut other = Browser::new(&base);
    other.sign_in_with_link(&outsider, "zhao.lei", PASSWORD).await;
    let (_, html) = other.open("/console").await;
    let other_csrf = csrf_field(&html);
    let mut theirs = issue(vec![("capture", found.to_string())]);
    theirs[0].1 = other_csrf.clone();
    let response = post(&other, "/console/orders/new".into(), theirs).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "another office's inspector may not issue it");

    // Issued: numbered in the office, the venue told.
    let response = post(
        &desk,
        "/console/orders/new".into(),
        issue(vec![
            ("capture", found.to_string()),
            ("finding", "操作间垃圾桶未加盖".to_string()),
            ("source", "inspection".to_string()),
            ("category", "premises_hygiene".to_string()),
        ]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let order = order_id(&response);
    let path = format!("/console/orders/{order}");
    let (status, html) = desk.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    let year = &china_day(0)[..4];
    assert!(html.contains(&format!("整改〔{year}〕第")), "numbered in the office's year");
    assert!(html.contains("操作间垃圾桶未加盖") && html.contains("未戴口罩"), "both violations");
    assert!(html.contains(r#"data-state="issued""#));
    let (status, print) = desk.open(&format!("{path}/print")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(print.contains("责令改正通知书") && print.contains("<svg"), "the notice with its QR code");
    assert!(print.contains("《中华人民共和国食品安全法》第三十三条"));
    // The outsider may not read it.
    let (status, _) = other.open(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The inspector may not reply for the venue, nor accept before a reply.
    let response = desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "reply"), ("note", "x")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "accept")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // The operator sees it in the inbox and on the order, and replies.
    let mut venue_side = Browser::new(&base);
    venue_side.sign_in_with_link(&operator, "chef", PASSWORD).await;
    let (_, inbox) = venue_side.open("/console/inbox").await;
    assert!(inbox.contains(r#"data-kind="order_issued""#) && inbox.contains(&format!("/console/orders/{order}")));
    let (status, html) = venue_side.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    let op_csrf = csrf_field(&html);
    let response = venue_side.post(&format!("{path}/step"), &[("csrf", &op_csrf), ("step", "accept")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "an operator may not close their own order");
    let mut by_operator = issue(vec![("finding", "自查".to_string())]);
    by_operator[0].1 = op_csrf.clone();
    let response = post(&venue_side, "/console/orders/new".into(), by_operator).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "an operator may not issue an order");
    let (status, _) = venue_side.open(&format!("/console/orders/new?venue={venue}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor see the form");
    let response =
        venue_side.post(&format!("{path}/step"), &[("csrf", &op_csrf), ("step", "reply"), ("note", " ")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("请写明已整改的情况"));
    let response = venue_side
        .post(&format!("{path}/step"), &[("csrf", &op_csrf), ("step", "reply"), ("note", "已为全部员工配发口罩。")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Rejected without a reason: refused; with one: back to the venue.
    let response = desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "reject"), ("note", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = desk
        .post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "reject"), ("note", "垃圾桶仍未加盖，请补充照片。")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = venue_side.open(&path).await;
    assert!(html.contains(r#"data-state="issued""#) && html.contains("垃圾桶仍未加盖"));
    // The second reply comes with photos: a picture that is not one is refused, a photo is
    // cleaned and shown with the step.
    let reply_form = |photo: Vec<u8>, name: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", op_csrf.clone())
            .text("step", "reply")
            .text("note", "垃圾桶已全部更换为带盖脚踏式。")
            .part("photos", reqwest::multipart::Part::bytes(photo).file_name(name).mime_str("image/jpeg").unwrap())
    };
    let response =
        venue_side.post_multipart(&format!("{path}/step"), reply_form(b"not a picture".to_vec(), "a.jpg")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("不是图片"));
    let response = venue_side.post_multipart(&format!("{path}/step"), reply_form(jpeg(), "IMG_2041.jpg")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    let photo = html.split(&format!("/console/orders/{order}/photos/")).nth(1).expect("the reply's photo is shown");
    let photo_id: String = photo.chars().take_while(|c| c.is_ascii_digit()).collect();
    let picture = desk.get(&format!("/console/orders/{order}/photos/{photo_id}")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    let (status, _) = other.open(&format!("/console/orders/{order}/photos/{photo_id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another office may not see it");
    let response = desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "accept")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains(r#"data-state="closed""#), "closed");
    for step in ["issue", "reply", "reject", "accept"] {
        assert!(html.contains(&format!(r#"data-step="{step}""#)), "step {step} is listed");
    }
    let (_, list) = desk.open("/console/orders?view=closed").await;
    assert!(list.contains(&format!(r#"data-order="{order}""#)));

    // The public page and the open data: the timeline, the reply, the evidence picture; the
    // pending capture nowhere.
    let page = reqwest::get(format!("{base}/venues/{venue}")).await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!(r#"id="order-{order}""#)) && page.contains("垃圾桶已全部更换为带盖脚踏式。"));
    assert!(!page.contains("老鼠"), "nothing unconfirmed is public");
    let (status, json) = support::get_json(&base, &format!("/api/v1/venues/{venue}")).await;
    assert_eq!(status, 200);
    // This order's violations (the demo district has a year of its own).
    let violations: Vec<&serde_json::Value> =
        json["violations"].as_array().unwrap().iter().filter(|v| v["order"]["id"] == order).collect();
    assert_eq!(violations.len(), 2, "{json}");
    assert!(violations.iter().all(|v| v["order"]["standing"] == "rectified"));
    let evidence = violations.iter().find_map(|v| v["evidence"].as_str()).expect("the capture's picture is public");
    let picture = reqwest::get(format!("{base}{evidence}")).await.unwrap();
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/jpeg");

    // Every step is in the audit log, and the chain holds.
    let audit = ok(mingchu(&data, &["audit", "list", "--limit", "50"]));
    for action in ["order.issue", "order.reply", "order.reject", "order.accept"] {
        assert!(audit.contains(action), "{action} audited:\n{audit}");
    }
    assert!(mingchu(&data, &["audit", "verify"]).status.success());
}

#[tokio::test]
async fn more_time_is_asked_refused_and_granted_and_a_late_order_escalates_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let venue: i64 = 1;
    let office = district.offices[district.venues[0].street].clone();
    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    );
    let operator = link_secret(
        &data,
        &["user", "add", "--login", "chef", "--name", "店长", "--role", "operator", "--venue", &venue.to_string()],
    );
    let server = Server::start_on(&data);
    let base = server.base.clone();
    const PASSWORD: &str = "明厨亮灶-守护舌尖安全";
    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&inspector, "wang.fang", PASSWORD).await;
    let (_, html) = desk.open(&format!("/console/orders/new?venue={venue}")).await;
    let csrf = csrf_field(&html);
    let due = china_day(3);
    let response = desk
        .post(
            "/console/orders/new",
            &[
                ("csrf", &csrf),
                ("venue", &venue.to_string()),
                ("finding", "冷藏柜温度12℃，超过规定"),
                ("source", "patrol"),
                ("category", "storage"),
                ("requirement", "维修冷藏设备，确保温度不高于5℃。"),
                ("clause", "fsl-54"),
                ("clause", "fsl-56"),
                ("due", &due),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let order = order_id(&response);
    let path = format!("/console/orders/{order}");

    let mut venue_side = Browser::new(&base);
    venue_side.sign_in_with_link(&operator, "chef", PASSWORD).await;
    let (_, html) = venue_side.open(&path).await;
    let op_csrf = csrf_field(&html);
    let ask = |until: String, reason: &'static str| {
        let csrf = op_csrf.clone();
        let venue_side = &venue_side;
        let path = path.clone();
        async move {
            venue_side
                .post(
                    &format!("{path}/step"),
                    &[("csrf", &csrf), ("step", "ask_extension"), ("until", &until), ("note", reason)],
                )
                .await
        }
    };
    // Not a later day: refused.
    let response = ask(china_day(2), "配件未到").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("须晚于当前整改期限"));
    assert_eq!(ask(china_day(10), "压缩机配件需从厂家调货").await.status(), StatusCode::SEE_OTHER);
    let response =
        desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "refuse_extension"), ("note", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a refusal needs its reason");
    let response = desk
        .post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "refuse_extension"), ("note", "可先借用备用冷柜")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains(&format!(r#"data-due="{due}""#)), "refused: the due day stays");
    assert_eq!(ask(china_day(10), "备用冷柜也已损坏").await.status(), StatusCode::SEE_OTHER);
    let response = venue_side.post(&format!("{path}/step"), &[("csrf", &op_csrf), ("step", "grant_extension")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the venue may not grant itself more time");
    let response = desk.post(&format!("{path}/step"), &[("csrf", &csrf), ("step", "grant_extension")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains(&format!(r#"data-due="{}""#, china_day(10))), "granted: the due day moves");

    // On simulated time past the new due day: escalated once, to the venue's inbox.
    let db = server::db::Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(12);
    assert_eq!(db.escalate_overdue_orders(chrono::Utc::now()).await.unwrap(), 0, "not overdue yet");
    assert!(db.escalate_overdue_orders(later).await.unwrap() >= 1, "ours, and the demo's orders due by then");
    assert_eq!(db.escalate_overdue_orders(later).await.unwrap(), 0, "once");
    let (_, inbox) = venue_side.open("/console/inbox").await;
    assert!(inbox.contains(r#"data-kind="order_overdue""#), "the venue is told it is overdue");
    // On the overdue list of that day.
    let rows = db
        .order_list(
            &mingchu_domain::access::Actor::shell(),
            server::db::orders::OrderView::Overdue,
            Some(mingchu_domain::vocab::VenueId(venue)),
            mingchu_domain::china_time::day(later),
            100,
        )
        .await
        .unwrap();
    assert!(rows.iter().any(|r| r.id == order), "on the overdue list");
}

#[tokio::test]
async fn a_dispute_is_decided_by_another_inspector_upheld_or_overturned() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    let (venue, camera_id) = (cameras[0]["venue_id"].as_i64().unwrap(), cameras[0]["id"].as_i64().unwrap());
    let office = district.offices[district.venues[(venue - 1) as usize].street].clone();
    let add = |login: &str, name: &str, role_args: &[&str]| {
        link_secret(&data, &[&["user", "add", "--login", login, "--name", name], role_args].concat())
    };
    let finder = add("wang.fang", "王芳", &["--role", "inspector", "--office", &office]);
    let reviewer = add("li.ming", "李明", &["--role", "inspector", "--office", &office]);
    let operator = add("chef", "店长", &["--role", "operator", "--venue", &venue.to_string()]);
    let wrong = capture(&data, camera_id, "猫").await;
    let right = capture(&data, camera_id, "未戴口罩").await;
    let server = Server::start_on(&data);
    let base = server.base.clone();
    const PASSWORD: &str = "明厨亮灶-守护舌尖安全";
    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&finder, "wang.fang", PASSWORD).await;
    let (_, html) = desk.open("/console/captures").await;
    let csrf = csrf_field(&html);
    for id in [wrong, right] {
        let response =
            desk.post(&format!("/console/captures/{id}/review"), &[("csrf", &csrf), ("decision", "confirm")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    // An order on the right one, so it is a violation on the timeline.
    let response = desk
        .post(
            "/console/orders/new",
            &[
                ("csrf", &csrf),
                ("venue", &venue.to_string()),
                ("capture", &right.to_string()),
                ("requirement", "规范佩戴口罩。"),
                ("clause", "fsl-33"),
                ("due", &china_day(5)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let order = order_id(&response);
    let (_, html) = desk.open(&format!("/console/orders/{order}")).await;
    let violation: i64 = html
        .split("data-violation=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the order's violation");

    let mut venue_side = Browser::new(&base);
    venue_side.sign_in_with_link(&operator, "chef", PASSWORD).await;
    let (status, html) = venue_side.open(&format!("/console/disputes/new?capture={wrong}")).await;
    assert_eq!(status, StatusCode::OK);
    let op_csrf = csrf_field(&html);
    let raise = |kind: &'static str, id: i64, note: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", op_csrf.clone())
            .text("kind", kind)
            .text("id", id.to_string())
            .text("note", note)
            .part(
                "photos",
                reqwest::multipart::Part::bytes(jpeg()).file_name("cat.jpg").mime_str("image/jpeg").unwrap(),
            )
    };
    let response = venue_side.post_multipart("/console/disputes/new", raise("capture", wrong, " ")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a dispute says why");
    let response = venue_side
        .post_multipart("/console/disputes/new", raise("capture", wrong, "画面中是店里养的猫，不在后厨。"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let wrong_dispute = order_like_id(&response, "/console/disputes/");
    let response = venue_side.post_multipart("/console/disputes/new", raise("capture", wrong, "再提一次")).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "one open dispute at a time");
    let response =
        venue_side.post_multipart("/console/disputes/new", raise("violation", violation, "员工当时在喝水。")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let right_dispute = order_like_id(&response, "/console/disputes/");
    // The inspector may not dispute; the public sees the violation as disputed.
    let response = desk
        .post(
            "/console/disputes/new",
            &[("csrf", &csrf), ("kind", "violation"), ("id", &violation.to_string()), ("note", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, json) = support::get_json(&base, &format!("/api/v1/venues/{venue}")).await;
    let ours = |json: &serde_json::Value| {
        json["violations"].as_array().unwrap().iter().find(|v| v["id"] == violation).cloned().expect("on the timeline")
    };
    assert_eq!(ours(&json)["disputed"], true, "{json}");

    let response = venue_side
        .post(
            &format!("/console/disputes/{wrong_dispute}/decide"),
            &[("csrf", &op_csrf), ("outcome", "overturned"), ("reason", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the venue may not decide its own dispute");
    // The one who confirmed may not decide.
    let response = desk
        .post(
            &format!("/console/disputes/{wrong_dispute}/decide"),
            &[("csrf", &csrf), ("outcome", "overturned"), ("reason", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let mut other = Browser::new(&base);
    other.sign_in_with_link(&reviewer, "li.ming", PASSWORD).await;
    let (_, html) = other.open(&format!("/console/disputes/{wrong_dispute}")).await;
    assert!(html.contains("/photos/"), "the dispute's photo is shown");
    let other_csrf = csrf_field(&html);
    let response = other
        .post(
            &format!("/console/disputes/{wrong_dispute}/decide"),
            &[("csrf", &other_csrf), ("outcome", "overturned"), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a decision gives its reason");
    let response = other
        .post(
            &format!("/console/disputes/{wrong_dispute}/decide"),
            &[("csrf", &other_csrf), ("outcome", "overturned"), ("reason", "复核录像，确为宠物猫，非违规。")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = other
        .post(
            &format!("/console/disputes/{right_dispute}/decide"),
            &[("csrf", &other_csrf), ("outcome", "upheld"), ("reason", "录像显示操作时未戴口罩。")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = other
        .post(
            &format!("/console/disputes/{right_dispute}/decide"),
            &[("csrf", &other_csrf), ("outcome", "overturned"), ("reason", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "decided once");

    // Overturned: the capture counts as dismissed; upheld: the violation stands, no longer disputed.
    let db = server::db::Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let (state, _) = db.capture_snapshot(wrong).await.unwrap().unwrap();
    assert_eq!(state, mingchu_domain::review::ReviewState::Dismissed);
    let (_, json) = support::get_json(&base, &format!("/api/v1/venues/{venue}")).await;
    assert_eq!(ours(&json)["disputed"], false, "upheld: it stands");
    assert!(json["violations"].as_array().unwrap().iter().all(|v| v["category"] != "猫"), "overturned: gone");
    let audit = ok(mingchu(&data, &["audit", "list", "--limit", "50"]));
    for action in ["dispute.raise", "dispute.overturned", "dispute.upheld"] {
        assert!(audit.contains(action), "{action} audited");
    }
}

/// The id at the end of a redirect to `prefix{id}?…`.
fn order_like_id(response: &reqwest::Response, prefix: &str) -> i64 {
    let location = response.headers()[LOCATION].to_str().unwrap();
    location.trim_start_matches(prefix).split('?').next().unwrap().parse().unwrap()
}

#[test]
fn the_legal_clauses_are_maintained_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["migrate"]).status.success());
    let list = ok(mingchu(&data, &["clause", "list"]));
    assert!(list.contains("fsl-33\t《中华人民共和国食品安全法》第三十三条\tin use"), "{list}");
    let add = |code: &str| {
        mingchu(
            &data,
            &[
                "clause",
                "add",
                "--code",
                code,
                "--law",
                "《中华人民共和国食品安全法》",
                "--article",
                "第三十四条",
                "--summary",
                "禁止生产经营腐败变质、超过保质期等食品。",
            ],
        )
    };
    assert!(ok(add("fsl-34")).contains("clause fsl-34 added"));
    refused(add("fsl-34"), "exists already");
    refused(
        mingchu(&data, &["clause", "add", "--code", "x", "--law", " ", "--article", "a", "--summary", "s"]),
        "the law must be 1 to 80 characters",
    );
    assert!(ok(mingchu(&data, &["clause", "list"])).contains("fsl-34\t《中华人民共和国食品安全法》第三十四条\tin use"));
    assert!(ok(mingchu(&data, &["clause", "retire", "fsl-34"])).contains("retired"));
    refused(mingchu(&data, &["clause", "retire", "fsl-34"]), "no clause \"fsl-34\" in use");
    assert!(!ok(mingchu(&data, &["clause", "list"])).contains("fsl-34"), "not offered to new orders");
    assert!(ok(mingchu(&data, &["clause", "list", "--all"])).contains("fsl-34"), "kept for the orders that cited it");
    let audit = ok(mingchu(&data, &["audit", "list"]));
    assert!(audit.contains("clause.add") && audit.contains("clause.retire"), "{audit}");
}
