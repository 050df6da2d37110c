//! Every Open311 GeoReport v2 endpoint, in JSON and in XML, against the real server: discovery,
//! services, service definitions, creating requests with an API key, listing with filters,
//! one request, token lookup, and the spec's error bodies.

use crate::support;

use support::cli::{mingchu, ok, refused};
use support::Server;

struct Answer {
    status: u16,
    kind: String,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        assert!(self.kind.starts_with("application/json"), "{}", self.kind);
        serde_json::from_str(&self.body).expect("valid JSON")
    }

    fn xml(&self) -> roxmltree::Document<'_> {
        assert!(self.kind.starts_with("text/xml"), "{}", self.kind);
        roxmltree::Document::parse(&self.body).unwrap_or_else(|e| panic!("invalid XML ({e}): {}", self.body))
    }
}

async fn get(base: &str, path: &str) -> Answer {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    answer(res).await
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    Answer { status, kind, body: res.text().await.unwrap() }
}

async fn post(base: &str, format: &str, params: &[(&str, &str)], key: Option<&str>) -> Answer {
    let mut req = reqwest::Client::new().post(format!("{base}/open311/v2/requests.{format}")).form(params);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    answer(req.send().await.unwrap()).await
}

/// The texts of every element named `name`.
fn texts<'a>(doc: &'a roxmltree::Document, name: &str) -> Vec<&'a str> {
    doc.descendants().filter(|n| n.has_tag_name(name)).map(|n| n.text().unwrap_or("")).collect()
}

fn error_description(a: &Answer) -> String {
    if a.kind.starts_with("text/xml") {
        let doc = a.xml();
        assert_eq!(doc.root_element().tag_name().name(), "errors");
        assert_eq!(texts(&doc, "code"), [a.status.to_string().as_str()]);
        texts(&doc, "description")[0].to_string()
    } else {
        let json = a.json();
        assert_eq!(json[0]["code"], a.status);
        json[0]["description"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn every_open311_endpoint_in_json_and_xml() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let key = ok(mingchu(&data, &["apikey", "create", "12345-hotline"]));
    assert!(key.starts_with("mck_"), "{key}");
    refused(mingchu(&data, &["apikey", "create", "12345-hotline"]), "already exists");
    let partner = ok(mingchu(&data, &["apikey", "create", "partner-b"]));
    let other = ok(mingchu(&data, &["apikey", "create", "retired"]));
    ok(mingchu(&data, &["apikey", "revoke", "retired"]));
    assert!(ok(mingchu(&data, &["apikey", "list"])).contains("retired\tcreated"));
    let server = Server::start_on_with(
        &data,
        &[
            "--admin-token",
            "s3cret-s3cret-s3cret-s3cret-s3cret",
            "--operator-contact",
            "坪山区市场监督管理局 0755-12345",
        ],
    );
    let base = &server.base;

    // Discovery.
    let d = get(base, "/open311/discovery.json").await;
    assert_eq!(d.status, 200);
    let d = d.json();
    assert_eq!(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(d["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(d["contact"], "坪山区市场监督管理局 0755-12345");
    let dx = get(base, "/open311/discovery.xml").await;
    let doc = dx.xml();
    assert_eq!(texts(&doc, "format"), ["text/xml", "application/json"]);

    // Services and a service definition.
    let s = get(base, "/open311/v2/services.json").await.json();
    let codes: Vec<&str> = s.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 7);
    assert!(codes.contains(&"illness") && codes.contains(&"camera_problem"));
    let sx = get(base, "/open311/v2/services.xml?locale=en").await;
    let doc = sx.xml();
    assert_eq!(doc.root_element().tag_name().name(), "services");
    assert!(texts(&doc, "service_name").contains(&"Illness after eating"));
    let def = get(base, "/open311/v2/services/illness.json").await.json();
    assert_eq!(def["attributes"][0]["code"], "occurred_at");
    assert_eq!(def["attributes"][0]["required"], true);
    let defx = get(base, "/open311/v2/services/illness.xml").await;
    assert_eq!(texts(&defx.xml(), "code"), ["occurred_at", "camera_id", "camera_time"]);
    let missing = get(base, "/open311/v2/services/nope.xml").await;
    assert_eq!(missing.status, 404);
    assert!(error_description(&missing).contains("nope"));
    let wrong = get(base, "/open311/v2/services.yaml").await;
    assert_eq!(wrong.status, 404);

    // POST: refused without a key, with a revoked key, and with bad parameters.
    let good = [
        ("service_code", "foreign_matter"),
        ("address_id", "3"),
        ("description", "12345热线转来：面条中吃出钢丝球碎片。"),
        ("attribute[occurred_at]", "2026-01-05T12:30:00+08:00"),
        ("email", "citizen@example.cn"),
        ("first_name", "李"),
    ];
    let with = |k: &str| {
        let mut p: Vec<(&str, String)> = good.iter().map(|(a, b)| (*a, b.to_string())).collect();
        p.push(("api_key", k.to_string()));
        p
    };
    let no_key: Vec<(&str, &str)> = good.to_vec();
    let a = post(base, "json", &no_key, None).await;
    assert_eq!(a.status, 403);
    assert!(error_description(&a).contains("api_key"));
    let revoked = with(&other);
    let params: Vec<(&str, &str)> = revoked.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "xml", &params, None).await;
    assert_eq!(a.status, 403);
    assert!(error_description(&a).contains("not valid"));
    let mut no_venue = with(&key);
    no_venue.retain(|(k, _)| *k != "address_id");
    let params: Vec<(&str, &str)> = no_venue.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "json", &params, None).await;
    assert_eq!(a.status, 400);
    assert!(error_description(&a).contains("address_id"));
    let mut bad_code = with(&key);
    bad_code[0].1 = "aliens".into();
    let params: Vec<(&str, &str)> = bad_code.iter().map(|(a, b)| (*a, b.as_str())).collect();
    assert_eq!(post(base, "xml", &params, None).await.status, 400);
    let mut short = with(&key);
    short[2].1 = "短".into();
    let params: Vec<(&str, &str)> = short.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "json", &params, None).await;
    assert_eq!(a.status, 400);
    let described = error_description(&a);
    assert!(described.starts_with("description: ") && described.contains("至少"), "{described}");

    for (name, value, named) in
        [("lat", "north", "lat"), ("long", "200", "long"), ("media_url", "file:///etc/passwd", "media_url")]
    {
        let mut bad = with(&key);
        bad.push((name, value.to_string()));
        let params: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let a = post(base, "json", &params, None).await;
        assert_eq!(a.status, 400);
        assert!(error_description(&a).starts_with(named), "{}", a.body);
    }

    // POST: created, in JSON and in XML; a retry with the same Idempotency-Key is the same.
    let params_owned = with(&key);
    let params: Vec<(&str, &str)> = params_owned.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let created = post(base, "json", &params, Some("hotline-20260105-001")).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    let id = created[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("MC-"));
    let token = created[0]["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 32, "a token of the server's, not the client's key");
    let again = post(base, "json", &params, Some("hotline-20260105-001")).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()[0]["service_request_id"], id.as_str());
    assert_eq!(again.json()[0]["token"], token.as_str());
    // Another client's identical key is its own request.
    let theirs = with(&partner);
    let params_b: Vec<(&str, &str)> = theirs.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let other_client = post(base, "json", &params_b, Some("hotline-20260105-001")).await;
    assert_eq!(other_client.status, 201);
    let id3 = other_client.json()[0]["service_request_id"].as_str().unwrap().to_string();
    assert_ne!(id3, id);
    // The same key with different content is refused, not answered with the other request.
    let mut changed = with(&key);
    changed[2].1 = "12345热线转来：汤里有一只苍蝇，店员拒绝更换。".into();
    let params_c: Vec<(&str, &str)> = changed.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let reused = post(base, "json", &params_c, Some("hotline-20260105-001")).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert!(error_description(&reused).contains(&id), "{}", reused.body);

    // A standard client names the place, not our venue id: lat/long, or an address string.
    let venue3 = get(base, "/api/v1/venues/3").await.json();
    let (lat, long) =
        (venue3["summary"]["latitude"].as_f64().unwrap(), venue3["summary"]["longitude"].as_f64().unwrap());
    let near = get(base, &format!("/api/v1/venues?near={lat},{long}&per_page=10")).await.json();
    let within: Vec<i64> = near["venues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["distance_m"].as_u64().unwrap() <= 150)
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    let located = |extra: Vec<(&'static str, String)>| {
        let mut p = with(&key);
        p.retain(|(k, _)| *k != "address_id");
        p.extend(extra);
        p
    };
    let by_point = located(vec![("lat", lat.to_string()), ("long", long.to_string())]);
    let params_p: Vec<(&str, &str)> = by_point.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "json", &params_p, None).await;
    if within == [3] {
        assert_eq!(a.status, 201, "{}", a.body);
        let reference = a.json()[0]["service_request_id"].as_str().unwrap().to_string();
        let r = get(base, &format!("/open311/v2/requests/{reference}.json")).await.json();
        assert_eq!(r[0]["address_id"], "3");
    } else {
        assert_eq!(a.status, 400, "{}", a.body);
        assert!(error_description(&a).contains("send address_id"), "{}", a.body);
    }
    let far = located(vec![("lat", "39.9".into()), ("long", "116.4".into())]);
    let params_f: Vec<(&str, &str)> = far.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "xml", &params_f, None).await;
    assert_eq!(a.status, 400);
    assert!(error_description(&a).contains("no venue within 150 m"), "{}", a.body);
    let name = venue3["summary"]["name"].as_str().unwrap().to_string();
    let by_name = located(vec![("address_string", name.clone())]);
    let params_n: Vec<(&str, &str)> = by_name.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "json", &params_n, None).await;
    assert_eq!(a.status, 201, "{name}: {}", a.body);
    let vague = located(vec![("address_string", "坪山".into())]);
    let params_v: Vec<(&str, &str)> = vague.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let a = post(base, "json", &params_v, None).await;
    assert_eq!(a.status, 400);
    let described = error_description(&a);
    assert!(described.contains("venues match address_string") && described.contains("send address_id"), "{described}");

    let createdx = post(base, "xml", &params, None).await;
    assert_eq!(createdx.status, 201);
    let doc = createdx.xml();
    assert_eq!(doc.root_element().tag_name().name(), "service_requests");
    let id2 = texts(&doc, "service_request_id")[0].to_string();
    assert_ne!(id2, id);

    // GET requests: by id, whatever the status; the open list only once accepted.
    let both = get(base, &format!("/open311/v2/requests.json?service_request_id={id},{id2}")).await.json();
    assert_eq!(both.as_array().unwrap().len(), 2);
    // service_request_id overrides every other parameter; bulk guessing is capped.
    let by_id = get(base, &format!("/open311/v2/requests.json?service_request_id={id}&service_code=illness")).await;
    assert_eq!(by_id.json().as_array().unwrap().len(), 1);
    let many = vec!["MC-0000-0000"; 51].join(",");
    let too_many = get(base, &format!("/open311/v2/requests.json?service_request_id={many}")).await;
    assert_eq!(too_many.status, 400);
    assert!(error_description(&too_many).contains("at most 50"));
    let first = both.as_array().unwrap().iter().find(|r| r["service_request_id"] == id.as_str()).unwrap();
    assert_eq!(first["status"], "open");
    assert_eq!(first["detailed_status"], "submitted");
    assert_eq!(first["address_id"], "3");
    assert!(first["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    assert!(first["expected_datetime"].as_str().unwrap().ends_with("T23:59:59+08:00"));
    assert!(!first.to_string().contains("citizen@example.cn"), "contact details never appear");
    let listed = get(base, "/open311/v2/requests.json").await.json();
    assert_eq!(listed.as_array().unwrap().len(), 0, "nothing is listed before a regulator accepts it");

    let update = |reference: String, body: serde_json::Value| {
        let url = format!("{base}/api/v1/complaints/{reference}/updates");
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth("s3cret-s3cret-s3cret-s3cret-s3cret")
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        }
    };
    update(id.clone(), serde_json::json!({"status": "accepted"})).await;
    update(id2.clone(), serde_json::json!({"status": "accepted"})).await;
    update(id2.clone(), serde_json::json!({"status": "resolved", "note": "已责令整改，复查合格"})).await;

    let all = get(base, "/open311/v2/requests.json").await.json();
    assert_eq!(all.as_array().unwrap().len(), 2, "the third is not accepted");
    let none = get(base, "/open311/v2/requests.json?service_code=illness").await.json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    let either = get(base, "/open311/v2/requests.json?service_code=illness,foreign_matter").await.json();
    assert_eq!(either.as_array().unwrap().len(), 2);
    let future = get(base, "/open311/v2/requests.xml?start_date=2099-01-01T00:00:00Z").await;
    assert_eq!(texts(&future.xml(), "request").len(), 0);
    let today = get(base, "/open311/v2/requests.json?start_date=2026-01-01&end_date=2099-01-01T00:00:00Z").await;
    assert_eq!(today.json().as_array().unwrap().len(), 2);
    let bad_date = get(base, "/open311/v2/requests.json?start_date=yesterday").await;
    assert_eq!(bad_date.status, 400);
    assert!(error_description(&bad_date).contains("start_date"));
    let bad_status = get(base, "/open311/v2/requests.xml?status=maybe").await;
    assert_eq!(bad_status.status, 400);
    error_description(&bad_status);
    let open = get(base, "/open311/v2/requests.xml?status=open").await;
    assert_eq!(texts(&open.xml(), "service_request_id"), [id.as_str()]);
    let closed = get(base, "/open311/v2/requests.json?status=closed").await.json();
    assert_eq!(closed.as_array().unwrap().len(), 1);
    assert_eq!(closed[0]["service_request_id"], id2.as_str());
    assert_eq!(closed[0]["detailed_status"], "resolved");
    assert_eq!(closed[0]["status_notes"], "已责令整改，复查合格");
    assert_eq!(closed[0]["expected_datetime"], serde_json::Value::Null);

    // One request, and the token lookup, in both formats.
    let r = get(base, &format!("/open311/v2/requests/{id}.json")).await.json();
    assert_eq!(r[0]["service_code"], "foreign_matter");
    let rx = get(base, &format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(texts(&rx.xml(), "service_request_id"), [id.as_str()]);
    let gone = get(base, "/open311/v2/requests/MC-0000-0000.xml").await;
    assert_eq!(gone.status, 404);
    error_description(&gone);
    let t = get(base, &format!("/open311/v2/tokens/{token}.json")).await.json();
    assert_eq!(t[0]["service_request_id"], id.as_str());
    let tx = get(base, &format!("/open311/v2/tokens/{token}.xml")).await;
    assert_eq!(texts(&tx.xml(), "token"), [token.as_str()]);
    let by_key = get(base, "/open311/v2/tokens/hotline-20260105-001.json").await;
    assert_eq!(by_key.status, 404, "the client's own key is not a public token");
    let unknown = get(base, "/open311/v2/tokens/nothing.json").await;
    assert_eq!(unknown.status, 404);
    error_description(&unknown);
}
