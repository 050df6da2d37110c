//! The console's complaint desk on the real server, through its forms: an inspector sees the
//! office's complaints with the 12315 deadline, accepts one (the public tracking page and
//! Open311 show it), is refused a rejection without a reason, publishes progress, keeps a
//! private note, assigns a covering inspector (not one of another office); the venue's
//! operator sees the complaint without who made it and without the private note, and may not
//! change it; another office's inspector may not see it. Every change is audited.

use crate::support;

use reqwest::StatusCode;
use support::cli::{mingchu, ok};
use support::complaints::{fields, form_token, multipart, post_json};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

#[tokio::test]
async fn an_inspector_handles_a_complaint_and_each_role_sees_what_it_may() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let venue: i64 = 1;
    let street = district.venues[0].street;
    let office = district.offices[street].clone();
    let other_office = district.offices.iter().enumerate().find(|(i, _)| *i != street).unwrap().1.clone();
    let add = |login: &str, name: &str, role_args: &[&str]| {
        link_secret(&data, &[&["user", "add", "--login", login, "--name", name], role_args].concat())
    };
    let inspector = add("wang.fang", "王芳", &["--role", "inspector", "--office", &office]);
    let colleague = add("li.ming", "李明", &["--role", "inspector", "--office", &office]);
    let outsider = add("zhao.lei", "赵磊", &["--role", "inspector", "--office", &other_office]);
    let operator = add("canteen", "食堂经理", &["--role", "operator", "--venue", &venue.to_string()]);
    let server = Server::start_on(&data);
    let base = server.base.clone();

    // A citizen complains (with a name and a phone number, which stay private).
    let token = form_token(&base, venue).await;
    let (status, body) = post_json(&base, multipart(&fields(&token, venue, "汤里有头发，服务员不理会。"), &[])).await;
    assert_eq!(status, 201, "{body}");
    let reference = body["reference"].as_str().unwrap().to_string();

    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&inspector, "wang.fang", "明厨亮灶-守护舌尖安全").await;
    let (status, html) = desk.open("/console/complaints").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"data-complaint="{reference}""#)), "the office's complaint is listed");
    assert!(html.contains("个工作日"), "the deadline in working days");
    let path = format!("/console/complaints/{reference}");
    let (status, html) = desk.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("13812345678") && html.contains("张三"), "staff see who complained");
    let csrf = csrf_field(&html);

    // A rejection needs its reason: refused, shown again, nothing changed.
    let response =
        desk.post(&format!("{path}/status"), &[("csrf", &csrf), ("status", "rejected"), ("note", " ")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("不予受理须在公开说明中写明理由"));
    // Without the form's CSRF field: refused.
    let response = desk.post(&format!("{path}/status"), &[("status", "accepted")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Accepted, with a public note: the tracking page and Open311 show it.
    let response = desk
        .post(&format!("{path}/status"), &[("csrf", &csrf), ("status", "accepted"), ("note", "已受理，将现场核查。")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = reqwest::get(format!("{base}/complaints/{reference}")).await.unwrap().text().await.unwrap();
    assert!(public.contains("已受理，将现场核查。"), "the public page shows the update");
    assert!(!public.contains("13812345678"));
    let open311 = reqwest::get(format!("{base}/open311/v2/requests/{reference}.json")).await.unwrap();
    let open311: serde_json::Value = serde_json::from_str(&open311.text().await.unwrap()).unwrap();
    assert_eq!(open311[0]["status"], "open");
    assert!(open311[0]["status_notes"].as_str().unwrap().contains("将现场核查"), "{open311}");
    // Accepting again is a conflict (it is accepted already).
    let response = desk.post(&format!("{path}/status"), &[("csrf", &csrf), ("status", "accepted")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "accepted is not among its next statuses");

    // Progress in public, a note in private, and a covering colleague assigned.
    let response =
        desk.post(&format!("{path}/note"), &[("csrf", &csrf), ("kind", "public"), ("text", "已约谈商户。")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = desk
        .post(&format!("{path}/note"), &[("csrf", &csrf), ("kind", "private"), ("text", "投诉人要求回电，勿公开。")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains("投诉人要求回电") && html.contains("已约谈商户"));
    let option = |name: &str| {
        let at = html.find(name).unwrap();
        html[..at].rsplit(r#"<option value=""#).next().unwrap().split('"').next().unwrap().to_string()
    };
    assert!(html.contains("李明") && !html.contains("赵磊"), "only inspectors covering the venue are offered");
    let colleague_id = option("李明");
    let response = desk.post(&format!("{path}/assign"), &[("csrf", &csrf), ("assignee", &colleague_id)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = reqwest::get(format!("{base}/complaints/{reference}")).await.unwrap().text().await.unwrap();
    assert!(public.contains("已约谈商户") && !public.contains("投诉人要求回电"), "the private note stays private");

    // An inspector of another office: not offered, and not accepted when posted anyway.
    let mut other = Browser::new(&base);
    other.sign_in_with_link(&outsider, "zhao.lei", "别的辖区的监管人员甲乙").await;
    let (_, other_home) = other.open("/console").await;
    let (status, html) = other.open(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("不在您的管辖范围内") && !html.contains("13812345678"));
    let (_, list) = other.open("/console/complaints").await;
    assert!(!list.contains(&reference));
    let response =
        other.post(&format!("{path}/status"), &[("csrf", &csrf_field(&other_home)), ("status", "closed")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The colleague finds it assigned to them.
    let mut second = Browser::new(&base);
    second.sign_in_with_link(&colleague, "li.ming", "同一监管所的同事丙丁戊").await;
    let (_, mine) = second.open("/console/complaints?view=mine").await;
    assert!(mine.contains(&reference), "assigned to me");

    // The venue's operator: the complaint, its public updates; not who made it, not the note.
    let mut venue_side = Browser::new(&base);
    venue_side.sign_in_with_link(&operator, "canteen", "后厨干净整洁每一天都好").await;
    let (_, list) = venue_side.open("/console/complaints").await;
    assert!(list.contains(&reference));
    let (status, html) = venue_side.open(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("汤里有头发") && html.contains("已约谈商户"));
    assert!(!html.contains("13812345678") && !html.contains("张三"), "never the complainant's identity");
    assert!(!html.contains("投诉人要求回电"), "never the private notes");
    assert!(!html.contains(&format!(r#"action="{path}/status""#)), "no forms to change it");
    let csrf = csrf_field(&venue_side.open("/console").await.1);
    let response = venue_side.post(&format!("{path}/status"), &[("csrf", &csrf), ("status", "resolved")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The venue tells the regulator what happened: the desk sees it, the public does not.
    let response =
        venue_side.post(&format!("{path}/respond"), &[("csrf", &csrf), ("body", "当班厨师已培训，汤锅加盖。")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.open(&path).await;
    assert!(html.contains("当班厨师已培训"), "the inspector reads the venue's response");
    let public = reqwest::get(format!("{base}/complaints/{reference}")).await.unwrap().text().await.unwrap();
    assert!(!public.contains("当班厨师已培训"), "not public");
    // Only the venue responds for the venue.
    let csrf = csrf_field(&html);
    assert_eq!(
        desk.post(&format!("{path}/respond"), &[("csrf", &csrf), ("body", "代写")]).await.status(),
        StatusCode::FORBIDDEN
    );
    drop(server);

    let log = ok(mingchu(&data, &["audit", "list", "--limit", "100"]));
    for action in
        ["complaint.status", "complaint.public_note", "complaint.private_note", "complaint.assign", "venue.respond"]
    {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(!log.contains("投诉人要求回电"), "a private note's text is not in the log");
    assert!(ok(mingchu(&data, &["audit", "verify"])).starts_with("intact:"));
}
