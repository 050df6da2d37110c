//! Acknowledged means stored: complaints with photos are submitted from several clients at
//! once, the server is killed with SIGKILL in the middle, and after a restart every complaint
//! whose reference was returned is there with all its photos.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::complaints::{client, fields, form_token, jpeg_with_exif, multipart};
use support::Server;

const CLIENTS: usize = 4;
const PHOTOS: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_complaint_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    support::cli::ok(support::cli::mingchu(&data, &["seed-demo"]));
    let args = ["--complaints-per-hour", "0", "--analyse", "off"];
    let mut server = Server::start_on_with(&data, &args);
    let base = server.base.clone();

    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let base = base.clone();
        let acknowledged = acknowledged.clone();
        clients.push(tokio::spawn(async move {
            let mut failures = 0;
            for i in 0.. {
                let venue = 1 + (c as i64 + i) % 40;
                // Fetching the form fails too once the server is gone.
                let Ok(html) = reqwest::get(format!("{base}/complaints/new?venue={venue}")).await else { break };
                let Some(token) = html.text().await.ok().and_then(|h| support::complaints::token_in(&h)) else { break };
                let photos: Vec<(&str, Vec<u8>)> =
                    (0..PHOTOS).map(|p| ("kitchen.jpg", jpeg_with_exif(320 + p as u16 * 16, 240))).collect();
                let text = fields(&token, venue, &format!("客户端{c}第{i}次：后厨卫生状况很差。"));
                let sent = client()
                    .post(format!("{base}/complaints/submit"))
                    .header("accept", "application/json")
                    .multipart(multipart(&text, &photos))
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status().as_u16() == 201 => {
                        let Ok(text) = res.text().await else { break };
                        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
                        acknowledged.lock().unwrap().push(json["reference"].as_str().unwrap().to_string());
                    }
                    Ok(res) => panic!("unexpected answer {}", res.status()),
                    Err(_) => {
                        failures += 1;
                        if failures > 2 {
                            break;
                        }
                    }
                }
            }
        }));
    }
    // Let a good number through, then pull the plug mid-flight.
    let started = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < 40 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    for c in clients {
        c.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40, "only {} complaints were acknowledged", acknowledged.len());

    // Restart on the same data: every acknowledged complaint, with every photo.
    let server = Server::start_on_with(&data, &args);
    let base = &server.base;
    for reference in &acknowledged {
        let (status, c) = support::get_json(base, &format!("/api/v1/complaints/{reference}")).await;
        assert_eq!(status, 200, "{reference} was acknowledged but is missing");
        let photos = c["photos"].as_array().unwrap();
        assert_eq!(photos.len(), PHOTOS, "{reference}");
        for url in photos {
            let res = reqwest::get(format!("{base}{}", url.as_str().unwrap())).await.unwrap();
            assert_eq!(res.status(), 200, "{reference}: {url}");
            let bytes = res.bytes().await.unwrap();
            image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{reference}: {url} is not a whole JPEG: {e}"));
        }
    }
    // And the server still takes complaints.
    let token = form_token(base, 3).await;
    let res = client()
        .post(format!("{base}/complaints/submit"))
        .header("accept", "application/json")
        .multipart(multipart(&fields(&token, 3, "重启后的投诉：餐具未消毒。"), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    eprintln!("{} acknowledged complaints all present after SIGKILL", acknowledged.len());
}
