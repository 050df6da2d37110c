//! Starts the real `mingchu` binary on port 0 with a temporary SQLite database and the demo
//! district, and checks what a browser or a monitoring system sees.

use crate::support;

use server::demo;
use std::process::Command;
use support::Server;

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn pages_health_and_metrics() {
    let server = Server::start();
    let http = client();
    let district = demo::generate(demo::SEED);

    // Home page: server-rendered, Chinese by default, lists the first demo venues.
    let res = http.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"lang="zh-CN""#), "html lang attribute");
    assert!(html.contains(&district.venues[0].name), "first demo venue listed");
    assert!(html.contains(&format!(r#"data-total="{}""#, demo::VENUE_COUNT)));
    assert!(html.contains("/pkg/mingchu.js"), "hydration script referenced");

    // Search as a plain form: only school canteens contain 食堂.
    let schools = district.venues.iter().filter(|v| v.name.contains("食堂")).count();
    let html = http.get(format!("{}/?q=%E9%A3%9F%E5%A0%82", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!(r#"data-total="{schools}""#)), "search narrows the list");
    assert_eq!(html.matches(r#"class="venue-card""#).count(), schools);

    // A filter by type, and paging past the first 20.
    let html = http.get(format!("{}/?type=central_kitchen", server.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches(r#"data-kind="central_kitchen""#).count(), 4);
    let html = http.get(format!("{}/?page=3", server.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches(r#"class="venue-card""#).count(), demo::VENUE_COUNT - 40);

    // Venue page: licence number and the newest inspection date.
    let res = http.get(format!("{}/venues/1", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let first = &district.venues[0];
    assert!(html.contains(&first.licence.number), "licence number shown");
    let newest = first.inspections.iter().map(|i| i.date).max().unwrap();
    assert!(html.contains(&newest.to_string()), "latest inspection shown");

    // Unknown venue and unknown page: 404 with a readable page.
    for path in ["/venues/99999", "/venues/abc", "/no/such/page"] {
        let res = http.get(format!("{}{path}", server.base)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.text().await.unwrap().contains("页面不存在"), "{path}");
    }

    // Language switch: cookie, safe redirect, English page.
    let res = http.get(format!("{}/lang/en?next=/venues/1", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/venues/1");
    assert!(res.headers()["set-cookie"].to_str().unwrap().starts_with("lang=en"));
    let res = http.get(format!("{}/lang/en?next=//evil.example", server.base)).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(http.get(format!("{}/lang/xx", server.base)).send().await.unwrap().status(), 400);
    let html = http
        .get(format!("{}/venues/1", server.base))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"lang="en""#) && html.contains("Food business licence"));

    // Health and metrics.
    let res = http.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let health: serde_json::Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(health["database"], "ok");
    assert_eq!(health["live_video"], serde_json::json!({"state": "ok", "restarts": 0}));
    let res = http.get(format!("{}/metrics", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(text.contains("mingchu_build_info{version="), "{text}");
    assert!(text.lines().any(|l| l == "mingchu_webrtc_viewers 0"), "{text}");
    assert!(text.contains(r#"mingchu_cameras{state="online"}"#), "{text}");
    assert!(text.lines().any(|l| l == r#"mingchu_part_restarts{part="sfu"} 0"#), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("mingchu_http_requests_total{") && l.contains(r#"route="/healthz""#)),
        "{text}"
    );
}

#[tokio::test]
async fn server_functions_reject_bad_input_clearly() {
    let server = Server::start();
    let http = client();
    let res = http
        .post(format!("{}/api/search_venues", server.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let long = "餐".repeat(101);
    let res = http
        .post(format!("{}/api/search_venues", server.base))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "query": { "q": long, "kind": null, "page": 1 } }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("100 characters"), "{body}");
}

#[test]
fn cli_seed_demo_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let out = crate::support::cli::mingchu(dir.path(), &["seed-demo"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run().contains(&format!("{} venues", demo::VENUE_COUNT)));
    assert!(run().contains("nothing was changed"));
    let out = Command::new(env!("CARGO_BIN_EXE_mingchu"))
        .args(["--database-url", "postgres-but-wrong://x", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[tokio::test]
async fn bundle_is_served_precompressed() {
    let server = Server::start_with_site(|site| {
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/mingchu.wasm"), b"\0asm raw").unwrap();
        std::fs::write(site.join("pkg/mingchu.wasm.br"), b"brotli bytes").unwrap();
        std::fs::write(site.join("pkg/mingchu.wasm.gz"), b"gzip bytes").unwrap();
    });
    let http = client();
    let url = format!("{}/pkg/mingchu.wasm", server.base);
    let res = http.get(&url).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let res = http.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let res = http.get(&url).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(&res.bytes().await.unwrap()[..], b"\0asm raw");
    let res = http.get(format!("{}/pkg/missing.js", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_hashed_bundle_is_linked_and_cached_for_a_year_and_pages_are_not_shared() {
    let (style, name) = ("mingchu-0123456789abcdef", "home-00112233445566ff");
    let server = Server::start_with_site(|site| {
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        let mut manifest = format!("style {style}\n");
        for bundle in ["home", "venue", "complaint", "display", "playback"] {
            let file = format!("{bundle}-00112233445566ff");
            manifest.push_str(&format!("{bundle} {file}\n"));
            for ext in ["js", "wasm"] {
                std::fs::write(site.join(format!("pkg/{file}.{ext}")), b"built").unwrap();
            }
        }
        std::fs::write(site.join("pkg/assets"), manifest).unwrap();
        std::fs::write(site.join(format!("pkg/{style}.css")), b"built").unwrap();
        std::fs::write(site.join("favicon.svg"), b"<svg/>").unwrap();
    });
    let http = client();
    let page = http.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "private, no-cache", "pages vary by reader");
    let html = page.text().await.unwrap();
    assert!(!html.contains("venue-00112233445566ff"), "the home page links only its own bundle");
    for linked in [format!("/pkg/{name}.js"), format!("/pkg/{name}.wasm"), format!("/pkg/{style}.css")] {
        assert!(html.contains(&linked), "{linked} linked from the page");
        let res = http.get(format!("{}{linked}", server.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "{linked}");
        assert_eq!(res.headers()["vary"], "accept-encoding", "the body depends on Accept-Encoding");
        // Revalidated anyway (a reload): the 304 keeps the year.
        let modified = res.headers()["last-modified"].clone();
        let res =
            http.get(format!("{}{linked}", server.base)).header("if-modified-since", modified).send().await.unwrap();
        assert_eq!(res.status(), 304);
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "{linked} 304");
    }
    let programme = http.get(format!("{}/programme", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(programme.contains(&format!("/pkg/{style}.css")));
    assert!(
        !programme.contains(".wasm") && !programme.contains("<script type=\"module\""),
        "a page without islands loads no code"
    );
    assert!(programme.contains("data-hydrated=\"true\""), "and is ready as it is");
    let res = http.get(format!("{}/favicon.svg", server.base)).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache", "unhashed files are revalidated");
    let res = http.get(format!("{}/pkg/mingchu-fedcba9876543210.js", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_ne!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "a miss is not cached");
}
