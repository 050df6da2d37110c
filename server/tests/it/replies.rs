//! The venue's right of reply: `mingchu reply` with the real binary and SQLite file, then the
//! public API and page of a server on the same data. Pending and rejected replies never show.

use crate::support;

use support::cli::{mingchu, ok, refused};
use support::{get_json, Server};

#[tokio::test]
async fn only_published_replies_are_public() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let district = server::demo::generate(server::demo::SEED);
    // The first venue's newest inspection with a finding.
    let (venue, inspection) = district
        .venues
        .iter()
        .enumerate()
        .find_map(|(v, venue)| {
            let newest = venue.inspections.iter().max_by_key(|i| i.date)?;
            (!newest.findings.is_empty()).then_some((v + 1, newest))
        })
        .unwrap();
    let finding = &inspection.findings[0].item;

    // Bad input: a clear reason, nothing stored.
    refused(mingchu(&data, &["reply", "add", "--inspection", "999999", "--text", "x"]), "no inspection with id 999999");
    let long = "很".repeat(2001);
    refused(mingchu(&data, &["reply", "add", "--inspection", "1", "--text", &long]), "at most 2000");
    refused(mingchu(&data, &["reply", "add", "--inspection", "1", "--text", "   "]), "the reply is empty");
    assert_eq!(ok(mingchu(&data, &["reply", "list", "--json"])), "[]");

    // The inspection's id as the API gives it.
    let api_server = Server::start_on(&data);
    let inspections: serde_json::Value =
        get_json(&api_server.base, &format!("/api/v1/venues/{venue}/inspections")).await.1;
    let id = inspections["inspections"][0]["id"].as_i64().unwrap().to_string();
    drop(api_server);

    refused(
        mingchu(&data, &["reply", "add", "--inspection", &id, "--finding", "9", "--text", "x"]),
        "there is no finding 9",
    );
    let text = "已于次日完成整改，<b>新购</b>防蝇设施。";
    let published = ok(mingchu(&data, &["reply", "add", "--inspection", &id, "--finding", "1", "--text", text]));
    let rejected = ok(mingchu(&data, &["reply", "add", "--inspection", &id, "--text", "检查人员态度恶劣"]));
    let pending = ok(mingchu(&data, &["reply", "add", "--inspection", &id, "--text", "尚待审核的回复"]));
    refused(mingchu(&data, &["reply", "reject", &rejected, "--reason", " "]), "needs a reason");
    ok(mingchu(&data, &["reply", "publish", &published]));
    ok(mingchu(&data, &["reply", "reject", &rejected, "--reason", "与检查事实无关"]));
    refused(mingchu(&data, &["reply", "publish", &rejected]), "already rejected");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(mingchu(&data, &["reply", "list", "--status", "pending", "--json"]))).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"].to_string(), pending);

    let server = Server::start_on(&data);
    let body: serde_json::Value = get_json(&server.base, &format!("/api/v1/venues/{venue}/inspections")).await.1;
    let replies = body["inspections"][0]["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1, "only the published reply: {replies:?}");
    assert_eq!(replies[0]["body"], text);
    assert_eq!(replies[0]["finding"], finding.as_str());
    let html = reqwest::get(format!("{}/venues/{venue}", server.base)).await.unwrap().text().await.unwrap();
    assert!(html.contains("&lt;b&gt;新购&lt;/b&gt;"), "reply shown as text, not HTML");
    assert!(!html.contains("检查人员态度恶劣") && !html.contains("尚待审核的回复"));
}
