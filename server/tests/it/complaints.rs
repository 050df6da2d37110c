//! Complaints through the real server: submission with photos (metadata removed), retries that
//! store one complaint, every kind of bad input refused clearly with nothing stored, HTML shown
//! as text, and status updates.

use crate::support;

use support::complaints::{contains, fields, form_token, jpeg_with_exif, multipart, post_form, post_json, token_in};
use support::{get_json, Server};

const VENUE: i64 = 3;

/// A data folder with the demo district, for a server and the `mingchu` CLI to share.
fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    support::cli::ok(support::cli::mingchu(&data, &["seed-demo"]));
    (dir, data)
}

/// How many complaints are stored (as regulators list them).
fn stored(data: &std::path::Path) -> usize {
    let out = support::cli::ok(support::cli::mingchu(data, &["complaint", "list", "--limit", "1000"]));
    out.lines().filter(|l| l.starts_with("MC-")).count()
}

#[tokio::test]
async fn a_complaint_with_photos_is_stored_once_without_metadata() {
    let (_dir, data) = seeded();
    let server = Server::start_on(&data);
    let base = &server.base;
    let token = form_token(base, VENUE).await;
    let photo = jpeg_with_exif(64, 48);
    assert!(contains(&photo, b"Exif") && contains(&photo, b"GPS 22.7N"));
    let text = fields(&token, VENUE, "汤里有一根头发，店员拒绝更换。");

    // A browser without JavaScript: 303 to the tracking page once stored.
    let (status, location, _) = post_form(base, multipart(&text, &[("IMG_0001.jpg", photo.clone())])).await;
    assert_eq!(status, 303);
    let location = location.expect("a Location");
    assert!(location.starts_with("/complaints/MC-") && location.ends_with("?new=1"), "{location}");
    let reference = location.trim_start_matches("/complaints/").trim_end_matches("?new=1").to_string();

    // The same form sent again (a retry after a dropped connection): the same complaint.
    let (status, again, _) = post_form(base, multipart(&text, &[("IMG_0001.jpg", photo.clone())])).await;
    assert_eq!((status, again.as_deref()), (303, Some(location.as_str())));
    let (status, json) = post_json(base, multipart(&text, &[("IMG_0001.jpg", photo.clone())])).await;
    assert_eq!(status, 200);
    assert_eq!(json["reference"], reference.as_str());
    assert_eq!(json["replayed"], true);
    assert_eq!(stored(&data), 1);

    // The public view: status, the 7-working-day deadline, one photo, no contact details.
    let (status, c) = get_json(base, &format!("/api/v1/complaints/{reference}")).await;
    assert_eq!(status, 200);
    assert_eq!(c["status"], "submitted");
    assert_eq!(c["photos"].as_array().unwrap().len(), 1);
    assert_eq!(c["shown_name"], serde_json::Value::Null, "the name is hidden by default");
    assert!(c["accept_due"].as_str().unwrap().len() == 10);
    let body = c.to_string();
    assert!(!body.contains("13812345678") && !body.contains("张三"));

    // The stored photo: a fresh JPEG, no EXIF, no GPS, same picture.
    let url = format!("{base}{}", c["photos"][0].as_str().unwrap());
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let saved = res.bytes().await.unwrap();
    assert!(!contains(&saved, b"Exif"), "EXIF removed");
    assert!(!contains(&saved, b"GPS 22.7N"), "GPS text removed");
    let decoded = image::load_from_memory(&saved).unwrap().into_rgb8();
    assert_eq!(decoded.dimensions(), (64, 48));
    let left = decoded.get_pixel(4, 24);
    assert!(left[0] > 150 && left[2] < 100, "{left:?}");

    // The tracking page, server-rendered.
    let html = reqwest::get(format!("{base}/complaints/{}", reference.to_lowercase())).await.unwrap();
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains(&reference) && html.contains("汤里有一根头发"));
    assert!(!html.contains("13812345678"));

    // The same form reused for another complaint (the Back button): refused with a fresh form.
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, "另一件事：服务员没有戴口罩。"), &[])).await;
    assert_eq!(status, 409, "{json}");
    assert_eq!(json["problems"][0]["kind"], "already_submitted");
    assert!(json["message"].as_str().unwrap().contains(&reference));
    let fresh = json["token"].as_str().expect("a fresh token").to_string();
    let (status, json) = post_json(base, multipart(&fields(&fresh, VENUE, "另一件事：服务员没有戴口罩。"), &[])).await;
    assert_eq!(status, 201, "{json}");
    assert_eq!(stored(&data), 2);

    // A new form is a new complaint.
    let token2 = form_token(base, VENUE).await;
    let (status, json) = post_json(base, multipart(&fields(&token2, VENUE, "第二次投诉：后厨地面很脏。"), &[])).await;
    assert_eq!(status, 201, "{json}");
    assert_ne!(json["reference"], reference.as_str());
    assert_eq!(stored(&data), 3);
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_nothing_is_stored() {
    let (_dir, data) = seeded();
    let server = Server::start_on_with(&data, &["--complaints-per-hour", "100"]);
    let base = &server.base;
    let token = form_token(base, VENUE).await;
    let ok = "食物里有异物，请核查。".to_string();

    // A photo over 10 MB: 413, naming the file; what was typed comes back in the form.
    let mut big = jpeg_with_exif(16, 16);
    big.resize(10 * 1024 * 1024 + 1, 0);
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, &ok), &[("huge.jpg", big.clone())])).await;
    assert_eq!(status, 413, "{json}");
    assert!(json["message"].as_str().unwrap().contains("huge.jpg"), "{json}");
    let (status, _, html) = post_form(base, multipart(&fields(&token, VENUE, &ok), &[("huge.jpg", big)])).await;
    assert_eq!(status, 413);
    assert!(html.contains("huge.jpg") && html.contains("超过 10 MB"), "the problem is in the page");
    assert!(html.contains(&ok), "the description is kept");
    assert_eq!(token_in(&html).as_deref(), Some(token.as_str()), "the same token, for a safe retry");

    // Not a picture, whatever its name; a format we cannot read.
    let (status, json) =
        post_json(base, multipart(&fields(&token, VENUE, &ok), &[("menu.jpg", b"plain text".to_vec())])).await;
    assert_eq!(status, 415);
    assert!(json["message"].as_str().unwrap().contains("menu.jpg"));
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, &ok), &[("IMG_1.HEIC", heic)])).await;
    assert_eq!(status, 415);
    assert_eq!(json["problems"][0]["kind"], "photo_unsupported_format");
    assert!(json["message"].as_str().unwrap().contains("HEIC"));

    // Six photos.
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.jpg", jpeg_with_exif(8, 8))).collect();
    let (status, _) = post_json(base, multipart(&fields(&token, VENUE, &ok), &six)).await;
    assert_eq!(status, 422);

    // Field problems, all reported at once, each naming its field.
    let mut bad = fields(&token, VENUE, &"长".repeat(4001));
    bad.retain(|(k, _)| *k != "category");
    bad.push(("contact", "call me maybe".into()));
    bad.push(("occurred_at", "2099-01-01T00:00".into()));
    let (status, json) = post_json(base, multipart(&bad, &[])).await;
    assert_eq!(status, 422);
    let named: Vec<&str> = json["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    for field in ["category", "description", "contact", "occurred_at"] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
    assert!(json["message"].as_str().unwrap().contains("4000"));
    // A text far over any limit (a script, not the form): the field is named, not the body.
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, &"x".repeat(70_000)), &[])).await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(json["problems"][0]["field"], "description");
    assert_eq!(json["problems"][0]["kind"], "too_long");
    let page = reqwest::get(format!("{base}/complaints/new?venue=999999")).await.unwrap().text().await.unwrap();
    assert!(page.contains("找不到这家单位"), "a link to a missing venue says so");
    let (status, json) = post_json(base, multipart(&fields(&token, 999_999, &ok), &[])).await;
    assert_eq!(status, 422);
    assert_eq!(json["problems"][0]["kind"], "unknown_venue");

    // Safety: no token, a forged token, the honeypot, another site's page.
    let mut no_token = fields(&token, VENUE, &ok);
    no_token.retain(|(k, _)| *k != "token");
    assert_eq!(post_json(base, multipart(&no_token, &[])).await.0, 403);
    let last = if token.ends_with('0') { "1" } else { "0" };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    assert_eq!(post_json(base, multipart(&fields(&forged, VENUE, &ok), &[])).await.0, 403);
    let mut bot = fields(&token, VENUE, &ok);
    bot.push(("website", "http://spam.example".into()));
    bot.retain(|(k, v)| !(*k == "website" && v.is_empty()));
    assert_eq!(post_json(base, multipart(&bot, &[])).await.0, 400);
    let res = support::complaints::client()
        .post(format!("{base}/complaints/submit"))
        .header("origin", "https://evil.example")
        .header("accept", "application/json")
        .multipart(multipart(&fields(&token, VENUE, &ok), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Malformed bodies.
    let res = support::complaints::client()
        .post(format!("{base}/complaints/submit"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nunterminated")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("提交的数据不完整"));
    let res = support::complaints::client()
        .post(format!("{base}/complaints/submit"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    assert_eq!(stored(&data), 0, "nothing was stored");

    // The same token, now with everything right, is accepted.
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, &ok), &[])).await;
    assert_eq!(status, 201, "{json}");
}

#[tokio::test]
async fn same_site_posts_are_accepted_behind_a_proxy() {
    let (_dir, data) = seeded();
    let server = Server::start_on_with(&data, &["--public-url", "https://portal.example/"]);
    let base = &server.base;
    let post = |origin: &'static str, extra: Option<(&'static str, &'static str)>, description: &'static str| async move {
        let token = form_token(base, VENUE).await;
        let mut req = support::complaints::client()
            .post(format!("{base}/complaints/submit"))
            .header("accept", "application/json")
            .header("origin", origin)
            .multipart(multipart(&fields(&token, VENUE, description), &[]));
        if let Some((k, v)) = extra {
            req = req.header(k, v);
        }
        req.send().await.unwrap().status().as_u16()
    };
    // The public address, a proxy's forwarded host, and a browser's own word for it.
    assert_eq!(post("https://portal.example", None, "公开地址：后厨很脏，有油污。").await, 201);
    assert_eq!(
        post(
            "http://kitchen.example:8080",
            Some(("x-forwarded-host", "kitchen.example:8080")),
            "代理转发：后厨很脏，有油污。"
        )
        .await,
        201
    );
    assert_eq!(post("null", Some(("sec-fetch-site", "same-origin")), "同源：后厨很脏，有油污。").await, 201);
    assert_eq!(post("https://evil.example", None, "跨站：后厨很脏，有油污。").await, 403);
    assert_eq!(
        post("https://portal.example", Some(("sec-fetch-site", "cross-site")), "跨站：后厨很脏，有油污。").await,
        403
    );
    assert_eq!(stored(&data), 3);
}

#[tokio::test]
async fn submissions_are_rate_limited_per_address() {
    let server = Server::start_with(&["--check-interval", "0", "--complaints-per-hour", "2"], |_| {});
    let base = &server.base;
    for i in 0..2 {
        let token = form_token(base, VENUE).await;
        let (status, _) =
            post_json(base, multipart(&fields(&token, VENUE, &format!("第{i}次：卫生很差，有老鼠。")), &[])).await;
        assert_eq!(status, 201);
    }
    let token = form_token(base, VENUE).await;
    let res = support::complaints::client()
        .post(format!("{base}/complaints/submit"))
        .multipart(multipart(&fields(&token, VENUE, "第三次：卫生很差，有老鼠。"), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1800");
    let html = res.text().await.unwrap();
    assert!(html.contains("30 分钟后再试") && html.contains("第三次：卫生很差"), "message and text kept");
}

#[tokio::test]
async fn html_in_a_description_is_shown_as_text() {
    let (_dir, data) = seeded();
    let server = Server::start_on_with(&data, &["--admin-token", "s3cret-s3cret-s3cret-s3cret-s3cret"]);
    let base = &server.base;
    let token = form_token(base, VENUE).await;
    let evil = "<script>alert('x')</script><b>粗体</b> & <img src=x onerror=alert(1)>";
    let (status, json) = post_json(base, multipart(&fields(&token, VENUE, evil), &[])).await;
    assert_eq!(status, 201, "{json}");
    let reference = json["reference"].as_str().unwrap().to_string();

    let html = reqwest::get(format!("{base}/complaints/{reference}")).await.unwrap().text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert("), "escaped in the page");
    assert!(!html.contains("<script>alert(") && !html.contains("<img src=x"));
    let xml = reqwest::get(format!("{base}/open311/v2/requests/{reference}.xml")).await.unwrap().text().await.unwrap();
    assert!(xml.contains("&lt;script&gt;alert(") && !xml.contains("<script>"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let description = doc.descendants().find(|n| n.has_tag_name("description")).unwrap().text().unwrap();
    assert_eq!(description, evil);
    let (_, list) = get_json(base, &format!("/open311/v2/requests.json?service_request_id={reference}")).await;
    assert_eq!(list[0]["description"], evil, "JSON carries it as data");
    let out = support::cli::ok(support::cli::mingchu(&data, &["complaint", "list"]));
    assert!(out.contains(&reference));
}

#[tokio::test]
async fn regulators_move_a_complaint_through_its_statuses() {
    let (_dir, data) = seeded();
    let server = Server::start_on_with(&data, &["--admin-token", "s3cret-s3cret-s3cret-s3cret-s3cret"]);
    let base = &server.base;
    let token = form_token(base, VENUE).await;
    let (_, json) = post_json(base, multipart(&fields(&token, VENUE, "凉菜间无人时仍在操作，未戴口罩。"), &[])).await;
    let reference = json["reference"].as_str().unwrap().to_string();
    let update = |body: serde_json::Value, auth: Option<&'static str>| {
        let url = format!("{base}/api/v1/complaints/{reference}/updates");
        async move {
            let mut req =
                reqwest::Client::new().post(url).header("content-type", "application/json").body(body.to_string());
            if let Some(a) = auth {
                req = req.bearer_auth(a);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, serde_json::from_str::<serde_json::Value>(&res.text().await.unwrap()).unwrap())
        }
    };
    assert_eq!(update(serde_json::json!({"status": "accepted"}), None).await.0, 401);
    assert_eq!(
        update(serde_json::json!({"status": "rejected"}), Some("s3cret-s3cret-s3cret-s3cret-s3cret")).await.0,
        400,
        "a reason is needed"
    );
    let (status, c) =
        update(serde_json::json!({"status": "resolved"}), Some("s3cret-s3cret-s3cret-s3cret-s3cret")).await;
    assert_eq!(status, 409, "submitted cannot jump to resolved: {c}");
    let (status, c) = update(
        serde_json::json!({"status": "accepted", "note": "已受理，转属地所处理"}),
        Some("s3cret-s3cret-s3cret-s3cret-s3cret"),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "accepted");
    assert!(c["mediation_due"].is_string());

    // The CLI does the same for regulators on the server.
    let out = support::cli::ok(support::cli::mingchu(
        &data,
        &["complaint", "update", &reference, "--status", "investigating", "--note", "执法人员已到场检查"],
    ));
    assert!(out.ends_with("is now investigating"));
    support::cli::refused(
        support::cli::mingchu(&data, &["complaint", "update", &reference, "--status", "submitted"]),
        "cannot become submitted",
    );
    let (_, c) = get_json(base, &format!("/api/v1/complaints/{reference}")).await;
    let (_, doc) = get_json(base, "/api/openapi.json").await;
    let schemas = support::schema::Schemas::new(&doc);
    let schema = schemas.response("/api/v1/complaints/{reference}", "200");
    assert_eq!(schemas.validate(schema, &c), Vec::<String>::new());
    let statuses: Vec<&str> = c["updates"].as_array().unwrap().iter().map(|u| u["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["submitted", "accepted", "investigating"]);
    let html = reqwest::get(format!("{base}/complaints/{reference}")).await.unwrap().text().await.unwrap();
    assert!(html.contains("执法人员已到场检查") && html.contains("调查处理中"));
    let shown = support::cli::ok(support::cli::mingchu(&data, &["complaint", "show", &reference]));
    assert!(shown.contains("13812345678"), "regulators see the contact");

    // The programme KPIs: received, decided within the deadline.
    let (_, p) = get_json(base, "/api/v1/programme").await;
    assert_eq!(p["complaints"]["received_30d"], 1);
    assert_eq!(p["complaints"]["awaiting_decision"], 0);
    assert_eq!(p["complaints"]["decided_on_time_90d"], 1.0);
    let page = reqwest::get(format!("{base}/programme")).await.unwrap().text().await.unwrap();
    assert!(page.contains("近90天按期决定受理的比例") && page.contains("100.0%"));

    let res = reqwest::get(format!("{base}/complaints/MC-0000-0000")).await.unwrap();
    assert_eq!(res.status(), 404);
    let res =
        support::complaints::client().get(format!("{base}/complaints/lookup?ref=mc%207k3m9qxd")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/complaints/MC-7K3M-9QXD");
    let res = support::complaints::client().get(format!("{base}/complaints/lookup?ref=hello")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/complaints?ref=hello&invalid=1");
}

/// The programme's complaint figures against the 12315 deadline, at chosen times.
#[tokio::test]
async fn the_kpis_count_decisions_made_on_time_and_overdue() {
    use chrono::{Duration, TimeZone, Utc};
    use mingchu_domain::complaint::ComplaintFields;
    use server::db::{Db, NewComplaint, Stored};
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("m.db").display())).await.unwrap();
    db.migrate().await.unwrap();
    db.seed(&server::demo::generate(server::demo::SEED)).await.unwrap();
    let new = |key: &str| NewComplaint {
        idempotency_key: key.into(),
        fields: ComplaintFields {
            venue: mingchu_domain::vocab::VenueId(VENUE),
            category: mingchu_domain::vocab::ComplaintCategory::Hygiene,
            description: "后厨有老鼠出没，请检查。".into(),
            occurred_at: None,
            camera: None,
            camera_time: None,
            contact: None,
            name: None,
            show_name: false,
        },
        new_reference: server::complaints::reference::generate,
        source: "web".into(),
        open311_token: None,
        lat: None,
        long: None,
        media_url: None,
    };
    let reference = |s: Stored| match s {
        Stored::New(r) => r,
        Stored::Existing(r) => panic!("{r} already existed"),
    };
    // Received on Monday 2 November 2026: the decision is due by Wednesday 11 November.
    let monday = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
    let on_time = reference(db.store_complaint(&new("a"), &[], monday).await.unwrap());
    let late = reference(db.store_complaint(&new("b"), &[], monday).await.unwrap());
    let _waiting = reference(db.store_complaint(&new("c"), &[], monday).await.unwrap());
    let fresh = reference(db.store_complaint(&new("d"), &[], monday + Duration::days(20)).await.unwrap());
    assert_eq!(db.store_complaint(&new("a"), &[], monday).await.unwrap(), Stored::Existing(on_time.clone()));
    assert_eq!(db.public_complaint(&on_time).await.unwrap().unwrap().accept_due, "2026-11-11");

    db.update_complaint(
        &on_time,
        mingchu_domain::vocab::ComplaintStatus::Accepted,
        "",
        None,
        &mingchu_domain::audit::Who::shell(),
        monday + Duration::days(3),
    )
    .await
    .unwrap();
    db.update_complaint(
        &late,
        mingchu_domain::vocab::ComplaintStatus::Rejected,
        "不属于本部门管辖",
        None,
        &mingchu_domain::audit::Who::shell(),
        monday + Duration::days(12),
    )
    .await
    .unwrap();
    let figures = db.complaint_figures(monday + Duration::days(23)).await.unwrap();
    assert_eq!(figures.received_30d, 4);
    // Waiting: the one from 2 November (overdue) and the one from 22 November (not yet due).
    assert_eq!((figures.awaiting_decision, figures.overdue), (2, 1));
    // Due or decided: on time, late, overdue (the fresh one is not yet due): 1 of 3.
    assert!((figures.decided_on_time_90d.unwrap() - 1.0 / 3.0).abs() < 1e-9, "{figures:?}");
    assert_eq!(db.public_complaint(&fresh).await.unwrap().unwrap().accept_due, "2026-12-01");
}
