//! Every refusal the server knows, sent in process: each gets the status its kind means, a
//! body a person can read, and nothing of the server's insides (SQL, file paths, Rust types,
//! library errors), also when the database has gone away.

use crate::support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use support::inproc::{Answer, Portal};

const TOKEN: &str = "refusals-admin-token-0123456789abcdef";

/// Text that must never reach a client.
const INTERNALS: &[&str] = &[
    "sqlx",
    "sqlite",
    "SQLITE",
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "no such table",
    "database is locked",
    "pool",
    "/tmp/",
    "/root/",
    "/home/",
    ".rs:",
    "::",
    "panicked",
    "unwrap",
    "Error {",
    "Some(",
    "expected struct",
    "expected enum",
    "VenueQuery",
    "VenueId",
    "ServerFnError",
    "DbError",
    "backtrace",
];

/// The codes the OpenAPI document lists for `error.code`.
fn documented_codes() -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../src/http/openapi.json")).expect("the OpenAPI document is JSON");
    doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
        .as_array()
        .expect("an enum of codes")
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

fn request(method: Method, uri: &str, content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        r = r.header(header::CONTENT_TYPE, ct);
    }
    r.body(Body::from(body.to_string())).expect("a request")
}

/// A POST without a body (its parameters in the query).
fn post_empty(uri: &str) -> Request<Body> {
    request(Method::POST, uri, None, "")
}

fn get(uri: &str) -> Request<Body> {
    request(Method::GET, uri, None, "")
}

fn with_bearer(mut r: Request<Body>, token: &str) -> Request<Body> {
    r.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    r
}

/// Checks one refusal: its status, no internals, a readable body, a documented code for JSON.
fn check(what: &str, answer: &Answer, status: u16, codes: &[String]) {
    assert_eq!(answer.status.as_u16(), status, "{what}: {}", answer.body);
    for leak in INTERNALS {
        assert!(!answer.body.contains(leak), "{what} leaks {leak:?}: {}", answer.body);
    }
    assert!(!answer.body.trim().is_empty() || status == 405, "{what}: an empty body says nothing");
    if answer.content_type().starts_with("application/json") && answer.body.starts_with('{') {
        let json = answer.json();
        if let Some(code) = json["error"]["code"].as_str() {
            assert!(codes.iter().any(|c| c == code), "{what}: code {code:?} is not in the OpenAPI document");
            assert!(!json["error"]["message"].as_str().unwrap_or("").is_empty(), "{what}: no message");
        }
    }
}

/// The refusals of a working server: (what, request, expected status).
fn refusals() -> Vec<(&'static str, Request<Body>, u16)> {
    let sdp = "application/sdp";
    vec![
        ("page 0", get("/api/v1/venues?page=0"), 400),
        ("page past the deepest", get("/api/v1/venues?page=100000"), 400),
        ("page past u32", get("/api/v1/venues?page=4294967296"), 400),
        ("per_page too large", get("/api/v1/venues?per_page=1000"), 400),
        ("unknown type", get("/api/v1/venues?type=bar"), 400),
        ("near off the globe", get("/api/v1/venues?near=91,0"), 400),
        ("venue id not a number", get("/api/v1/venues/abc"), 404),
        ("unknown venue", get("/api/v1/venues/999999"), 404),
        ("unknown venue's inspections", get("/api/v1/venues/999999/inspections"), 404),
        ("camera health, bad id", get("/api/v1/cameras/x/health"), 404),
        ("camera health, unknown", get("/api/v1/cameras/999999/health"), 404),
        ("events without a token", get("/api/v1/events"), 401),
        ("recordings without a token", get("/api/v1/cameras/1/recordings"), 401),
        ("recordings, bad time", with_bearer(get("/api/v1/cameras/1/recordings?from=yesterday"), TOKEN), 400),
        (
            "recordings, range backwards",
            with_bearer(get("/api/v1/cameras/1/recordings?from=2026-12-02T09:00:00Z&to=2026-12-02T08:00:00Z"), TOKEN),
            400,
        ),
        (
            "recordings, more than a day",
            with_bearer(get("/api/v1/cameras/1/recordings?from=2026-11-01T00:00:00Z&to=2026-12-02T00:00:00Z"), TOKEN),
            400,
        ),
        ("recordings of an unknown camera", with_bearer(get("/api/v1/cameras/999999/recordings"), TOKEN), 404),
        ("recordings, a field twice", with_bearer(get("/api/v1/cameras/1/recordings?to=null&to=null"), TOKEN), 400),
        ("recordings, camera id not a number", with_bearer(get("/api/v1/cameras/x/recordings"), TOKEN), 404),
        ("clip, camera id not a number", with_bearer(post_empty("/api/v1/cameras/x/clip?at=2026-12-02T08:00:00Z"), TOKEN), 404),
        ("clip without a token", post_empty("/api/v1/cameras/1/clip?at=2026-12-02T08:00:00Z"), 401),
        ("clip without a moment", with_bearer(post_empty("/api/v1/cameras/1/clip"), TOKEN), 400),
        ("clip, too long", with_bearer(post_empty("/api/v1/cameras/1/clip?at=2026-12-02T08:00:00Z&before=600&after=600"), TOKEN), 400),
        ("clip of nothing recorded", with_bearer(post_empty("/api/v1/cameras/1/clip?at=2020-01-01T00:00:00Z"), TOKEN), 404),
        ("clip of an unknown camera", with_bearer(post_empty("/api/v1/cameras/999999/clip?at=2026-12-02T08:00:00Z"), TOKEN), 404),
        ("playlist without a signature", get("/recordings/cameras/1/playlist.m3u8?from=2026-12-02T08:00:00Z&to=2026-12-02T09:00:00Z"), 403),
        ("playlist with a forged signature", get("/recordings/cameras/1/playlist.m3u8?from=2026-12-02T08:00:00Z&to=2026-12-02T09:00:00Z&exp=9999999999&sig=00"), 403),
        ("recorded file without a signature", get("/recordings/segments/1/init.mp4"), 403),
        ("played window without a signature", get("/recordings/cameras/1/window.mp4?from=2026-12-02T08:00:00Z&to=2026-12-02T08:02:00Z"), 403),
        ("played window with a forged signature", get("/recordings/cameras/1/window.mp4?from=2026-12-02T08:00:00Z&to=2026-12-02T08:02:00Z&exp=9999999999&sig=00"), 403),
        ("events with a wrong token", with_bearer(get("/api/v1/events"), "wrong"), 401),
        ("events, bad query", with_bearer(get("/api/v1/events?limit=many"), TOKEN), 400),
        ("snapshot of an unknown event", with_bearer(get("/api/v1/events/999999/snapshot.jpg"), TOKEN), 404),
        ("unknown complaint", get("/api/v1/complaints/MC-NOPE"), 404),
        (
            "update without a token",
            request(Method::POST, "/api/v1/complaints/MC-NOPE/updates", Some("application/json"), "{}"),
            401,
        ),
        (
            "update with bad JSON",
            with_bearer(
                request(Method::POST, "/api/v1/complaints/MC-NOPE/updates", Some("application/json"), "{"),
                TOKEN,
            ),
            400,
        ),
        (
            "update to an unknown status",
            with_bearer(
                request(
                    Method::POST,
                    "/api/v1/complaints/MC-NOPE/updates",
                    Some("application/json"),
                    r#"{"status":"teleported"}"#,
                ),
                TOKEN,
            ),
            400,
        ),
        (
            "heartbeat, bad JSON",
            request(Method::POST, "/api/display/nope/heartbeat", Some("application/json"), "{\"tiles\": -1}"),
            400,
        ),
        (
            "heartbeat of an unknown screen",
            request(Method::POST, "/api/display/nope/heartbeat", Some("application/json"), r#"{"tiles":1,"live":1}"#),
            404,
        ),
        ("QR of an unknown venue", get("/api/venues/999999/qr.svg"), 404),
        ("camera status, bad id", get("/api/cameras/x/status"), 404),
        ("camera status, unknown", get("/api/cameras/999999/status"), 404),
        ("snapshot, bad parameter", get("/api/cameras/1/snapshot.jpg?fresh=yes"), 400),
        ("WHEP, bad camera id", request(Method::POST, "/whep/x", Some(sdp), "v=0"), 404),
        ("WHEP, unknown camera", request(Method::POST, "/whep/999999", Some(sdp), "v=0"), 404),
        ("WHEP, wrong content type", request(Method::POST, "/whep/1", Some("text/plain"), "v=0"), 415),
        ("WHEP, not SDP", request(Method::POST, "/whep/1", Some(sdp), "hello"), 400),
        (
            "WHEP trickle, unknown session",
            request(Method::PATCH, "/whep/1/sessions/123", Some("application/trickle-ice-sdpfrag"), ""),
            404,
        ),
        ("WHEP trickle, bad session id", request(Method::PATCH, "/whep/1/sessions/x", None, ""), 404),
        ("WHEP end, unknown session", request(Method::DELETE, "/whep/1/sessions/123", None, ""), 404),
        ("complaint photo, bad name", get("/complaints/MC-NOPE/photos/1.png"), 404),
        ("complaint photo, unknown", get("/complaints/MC-7K3M-9QXD/photos/1.jpg"), 404),
        (
            "complaint form, not multipart",
            {
                let mut r = request(Method::POST, "/complaints/submit", Some("text/plain"), "x");
                r.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
                r
            },
            400,
        ),
        ("Open311, unknown format", get("/open311/discovery.txt"), 404),
        ("Open311, unknown document", get("/open311/v2/whatever.json"), 404),
        ("Open311, bad request id", get("/open311/v2/requests.json?service_request_id=%20x%20"), 400),
        ("Open311, bad status", get("/open311/v2/requests.xml?status=maybe"), 400),
        ("Open311, bad date", get("/open311/v2/requests.json?start_date=yesterday"), 400),
        ("Open311, unknown service", get("/open311/v2/services/nope.xml"), 404),
        ("Open311, unknown request", get("/open311/v2/requests/MC-NOPE.json"), 404),
        ("Open311, unknown token", get("/open311/v2/tokens/abc.xml"), 404),
        (
            "Open311, POST without a key",
            request(Method::POST, "/open311/v2/requests.json", Some("application/x-www-form-urlencoded"), "a=b"),
            403,
        ),
        (
            "Open311, POST with an unknown key",
            request(
                Method::POST,
                "/open311/v2/requests.xml",
                Some("application/x-www-form-urlencoded"),
                "api_key=nope&service_code=hygiene",
            ),
            403,
        ),
        (
            "server function, bad arguments",
            request(Method::POST, "/api/search_venues", Some("application/json"), r#"{"query":"bad"}"#),
            400,
        ),
        (
            "server function, unknown venue",
            request(Method::POST, "/api/get_venue", Some("application/json"), r#"{"id":999999}"#),
            404,
        ),
        ("method not allowed", request(Method::PUT, "/api/v1/venues", None, ""), 405),
    ]
}

#[tokio::test]
async fn every_refusal_says_what_is_wrong_and_nothing_of_the_insides() {
    let portal = Portal::start(&["--admin-token", TOKEN]).await;
    let codes = documented_codes();
    for (what, request, status) in refusals() {
        let answer = portal.send(request).await;
        check(what, &answer, status, &codes);
    }
    // An unknown page is the site's own 404 page.
    let missing = portal.get("/no/such/page").await;
    check("unknown page", &missing, 404, &codes);
    assert!(missing.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn without_a_database_every_answer_is_unavailable_and_says_nothing_of_why() {
    let portal = Portal::start(&["--admin-token", TOKEN]).await;
    // The pool refuses new work as soon as it is closing; waiting for it to finish may wait
    // on a connection one of the portal's background jobs holds, so the wait is bounded.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), portal.state.db.close()).await;
    let codes = documented_codes();
    let sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    let requests = vec![
        ("venue list", get("/api/v1/venues"), 503),
        ("venue", get("/api/v1/venues/1"), 503),
        ("inspections", get("/api/v1/venues/1/inspections"), 503),
        ("programme", get("/api/v1/programme"), 503),
        ("audit head", get("/api/v1/audit/head"), 503),
        ("camera health", get("/api/v1/cameras/1/health"), 503),
        ("events", with_bearer(get("/api/v1/events"), TOKEN), 503),
        ("complaint", get("/api/v1/complaints/MC-7K3M-9QXD"), 503),
        ("camera status", get("/api/cameras/1/status"), 503),
        ("snapshot", get("/api/cameras/1/snapshot.jpg"), 503),
        ("WHEP offer", request(Method::POST, "/whep/1", Some("application/sdp"), sdp), 503),
        ("QR code", get("/api/venues/1/qr.svg"), 503),
        ("LIVES businesses", get("/open-data/lives/businesses.csv"), 503),
        ("LIVES inspections", get("/open-data/lives/inspections.csv"), 503),
        ("Open311 requests", get("/open311/v2/requests.json"), 503),
        ("Open311 requests in XML", get("/open311/v2/requests.xml"), 503),
        ("Open311 request", get("/open311/v2/requests/MC-7K3M-9QXD.xml"), 503),
        (
            "heartbeat",
            request(
                Method::POST,
                &format!("/api/display/{}/heartbeat", "ab".repeat(16)),
                Some("application/json"),
                r#"{"tiles":1,"live":1}"#,
            ),
            503,
        ),
        ("server function", request(Method::POST, "/api/get_venue", Some("application/json"), r#"{"id":1}"#), 503),
        ("health check", get("/healthz"), 503),
    ];
    for (what, request, status) in requests {
        let answer = portal.send(request).await;
        check(what, &answer, status, &codes);
    }
    let page = portal.get("/venues/1").await;
    for leak in INTERNALS {
        assert!(!page.body.contains(leak), "the venue page leaks {leak:?}");
    }
}

#[tokio::test]
async fn made_up_methods_share_one_metrics_series() {
    let portal = Portal::start(&[]).await;
    for i in 0..30 {
        let method = Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap();
        portal.send(request(method, "/healthz", None, "")).await;
    }
    let metrics = portal.get("/metrics").await.body;
    assert!(!metrics.contains("BREW"), "a made-up method became a label");
    assert!(metrics.contains("method=\"other\""), "made-up methods are counted as other");
}

#[tokio::test]
async fn every_answer_carries_security_headers() {
    let portal = Portal::start(&[]).await;
    let page = portal.get("/").await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a script nonce");
    assert!(nonce.len() >= 16, "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline' 'wasm") && !csp.contains("script-src 'unsafe-inline'"), "{csp}");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "the page's inline scripts carry the nonce");
    let again = portal.get("/").await;
    assert_ne!(
        again.headers[header::CONTENT_SECURITY_POLICY],
        page.headers[header::CONTENT_SECURITY_POLICY],
        "a fresh nonce per page"
    );
    for answer in [page, portal.get("/api/v1/venues").await, portal.get("/api/v1/venues/x").await] {
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(answer.headers[header::REFERRER_POLICY], "strict-origin-when-cross-origin");
        assert!(answer.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(!answer.headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "plain http: no HSTS");
    }
    let json = portal.get("/api/v1/programme").await;
    assert!(json.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"));

    let https = Portal::start(&["--public-url", "https://mingchu.example.cn"]).await;
    let answer = https.get("/api/v1/programme").await;
    assert!(answer.headers[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn lives_feed_cells_cannot_run_as_formulas() {
    let portal = Portal::start(&[]).await;
    // A venue whose name is a spreadsheet formula, imported as any venue would be.
    let prefix = "92440310MA5FTE009";
    let credit = format!("{prefix}{}", server::codes::credit_code_check(prefix).unwrap());
    let csv = format!(
        "credit_code,name,kind,jurisdiction_code,address,latitude,longitude,status,is_key_venue,connected_on\n\
         {credit},\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",餐馆,440310001,@SUM(1+1),22.69,114.35,正常营业,否,\n"
    );
    let records = server::import::parse(server::import::ImportKind::Venues, csv.as_bytes()).expect("a valid file");
    portal.state.db.import(&records).await.expect("imported");
    let feed = portal.get("/open-data/lives/businesses.csv").await;
    assert_eq!(feed.status, StatusCode::OK);
    let row = feed.body.lines().find(|l| l.contains("HYPERLINK")).expect("the venue is in the feed");
    assert!(row.contains("\"'=HYPERLINK("), "{row}");
    assert!(row.contains("'@SUM(1+1)"), "{row}");
    assert!(row.contains(",114.350000,"), "numbers stay numbers: {row}");
}
