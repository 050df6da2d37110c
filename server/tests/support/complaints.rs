//! Helpers for complaint tests: a fresh form token from the real form page, photos with
//! metadata, and multipart submissions as a browser sends them.

use reqwest::multipart::{Form, Part};

/// A fresh form token, read from the server-rendered form of `venue`.
pub async fn form_token(base: &str, venue: i64) -> String {
    let html = reqwest::get(format!("{base}/complaints/new?venue={venue}")).await.unwrap().text().await.unwrap();
    token_in(&html).unwrap_or_else(|| panic!("no form token in the page: {}", &html[..html.len().min(2000)]))
}

/// The hidden token field's value in a page.
pub fn token_in(html: &str) -> Option<String> {
    let at = html.find("name=\"token\"")?;
    let rest = &html[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_string())
}

/// A JPEG of `w`×`h` (red left half) with an EXIF segment holding an orientation and a GPS
/// marker string, as phones write them.
pub fn jpeg_with_exif(w: u16, h: u16) -> Vec<u8> {
    let mut rgb = Vec::new();
    for _ in 0..h {
        for x in 0..w {
            rgb.extend_from_slice(if x < w / 2 { &[220, 20, 20] } else { &[20, 20, 220] });
        }
    }
    let mut plain = Vec::new();
    jpeg_encoder::Encoder::new(&mut plain, 90).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x0E, 0, 2, 0, 0, 0, 16, 0, 0, 0, 26]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 22.7N 114.3E");
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The text fields of a valid complaint about `venue`.
pub fn fields(token: &str, venue: i64, description: &str) -> Vec<(&'static str, String)> {
    vec![
        ("token", token.to_string()),
        ("website", String::new()),
        ("venue", venue.to_string()),
        ("category", "foreign_matter".into()),
        ("description", description.to_string()),
        ("occurred_at", "2026-01-05T12:30".into()),
        ("contact", "13812345678".into()),
        ("name", "张三".into()),
    ]
}

/// A multipart form of `fields` and `photos` (file name, bytes).
pub fn multipart(fields: &[(&'static str, String)], photos: &[(&str, Vec<u8>)]) -> Form {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(*k, v.clone());
    }
    for (name, bytes) in photos {
        form =
            form.part("photos", Part::bytes(bytes.clone()).file_name(name.to_string()).mime_str("image/jpeg").unwrap());
    }
    form
}

/// A client that does not follow redirects (to see the 303 of a stored complaint).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Posts like a browser without JavaScript: returns the status, the Location and the body.
pub async fn post_form(base: &str, form: Form) -> (u16, Option<String>, String) {
    let res = client().post(format!("{base}/complaints/submit")).multipart(form).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, location, res.text().await.unwrap())
}

/// Posts like the hydrated form: `Accept: application/json`.
pub async fn post_json(base: &str, form: Form) -> (u16, serde_json::Value) {
    post_json_with(&client(), base, form).await
}

/// `post_json` on a given client (to reuse its connections).
pub async fn post_json_with(client: &reqwest::Client, base: &str, form: Form) -> (u16, serde_json::Value) {
    let res = client
        .post(format!("{base}/complaints/submit"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
}
