//! Limits that keep the public surface usable under attack, in process: the submission
//! allowance is spent only by real forms, guessing complaint references is slow, forwarding
//! headers without `--client-ip-header` are noticed, and a photo that declares a huge picture
//! costs nothing unless the rest of the form is right.

use crate::support;

use axum::body::Body;
use axum::http::{header, Method, Request};
use support::inproc::{Answer, Portal};

const VENUE: i64 = 3;
const BOUNDARY: &str = "mingchu-test-boundary";

fn multipart(fields: &[(&str, String)], photos: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (file, bytes) in photos {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{file}\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A valid complaint's text fields (the shared helper's), with `description`.
fn fields(token: &str, description: &str) -> Vec<(&'static str, String)> {
    support::complaints::fields(token, VENUE, description)
}

async fn submit(portal: &Portal, from: &str, body: Vec<u8>) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/complaints/submit")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, "application/json")
        .header("x-real-ip", from)
        .body(Body::from(body))
        .unwrap();
    portal.send(request).await
}

fn get_from(uri: &str, from: &str) -> Request<Body> {
    Request::get(uri).header("x-real-ip", from).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn junk_does_not_spend_an_address_allowance() {
    let portal = Portal::start(&["--client-ip-header", "X-Real-IP", "--complaints-per-hour", "2"]).await;
    let ok = "汤里有一根头发，店员拒绝更换。";
    // Forged tokens and a filled honeypot, many times over, from one address.
    for i in 0..10 {
        let mut junk = fields("forged", ok);
        if i % 2 == 1 {
            junk[0].1 = portal.state.complaints.issue();
            junk[1].1 = "http://spam.example".into();
        }
        let answer = submit(&portal, "203.0.113.7", multipart(&junk, &[])).await;
        assert!(matches!(answer.status.as_u16(), 400 | 403), "junk is refused: {}", answer.body);
    }
    // The address's real complaints still go through: two per hour, then 429.
    for _ in 0..2 {
        let answer =
            submit(&portal, "203.0.113.7", multipart(&fields(&portal.state.complaints.issue(), ok), &[])).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }
    let answer = submit(&portal, "203.0.113.7", multipart(&fields(&portal.state.complaints.issue(), ok), &[])).await;
    assert_eq!(answer.status, 429, "{}", answer.body);
    assert!(answer.headers.contains_key(header::RETRY_AFTER));
    // Another address is not affected.
    let answer = submit(&portal, "198.51.100.1", multipart(&fields(&portal.state.complaints.issue(), ok), &[])).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
}

#[tokio::test]
async fn guessing_complaint_references_is_slowed_per_address() {
    let portal = Portal::start(&["--client-ip-header", "X-Real-IP"]).await;
    let ok = "汤里有一根头发，店员拒绝更换。";
    let stored = submit(&portal, "198.51.100.1", multipart(&fields(&portal.state.complaints.issue(), ok), &[])).await;
    let reference = stored.json()["reference"].as_str().unwrap().to_string();
    assert_eq!(reference.len(), "MC-XXXX-XXXX-XXXX".len(), "60 random bits: {reference}");

    let guesser = "203.0.113.66";
    let misses = server::complaints::LOOKUP_MISSES_PER_HOUR;
    for i in 0..misses {
        let guess = format!("/api/v1/complaints/MC-0000-0000-{:04}", i % 10_000);
        assert_eq!(portal.send(get_from(&guess, guesser)).await.status, 404);
    }
    // Spent: every way of looking up, even a real reference, waits.
    for uri in [
        format!("/api/v1/complaints/{reference}"),
        format!("/open311/v2/requests/{reference}.json"),
        format!("/open311/v2/requests.xml?service_request_id={reference}"),
        format!("/complaints/{reference}/photos/1.jpg"),
    ] {
        let answer = portal.send(get_from(&uri, guesser)).await;
        assert_eq!(answer.status, 429, "{uri}: {}", answer.body);
        assert!(answer.headers.contains_key(header::RETRY_AFTER), "{uri}");
    }
    let page = portal.send(get_from(&format!("/complaints/{reference}"), guesser)).await;
    assert_eq!(page.status, 429, "the tracking page too");
    assert!(page.body.contains("查询过于频繁"), "the page says why");
    // The complainant, elsewhere, still reads their complaint.
    let own = portal.send(get_from(&format!("/api/v1/complaints/{reference}"), "198.51.100.1")).await;
    assert_eq!(own.status, 200, "{}", own.body);
}

#[tokio::test]
async fn forwarding_headers_without_a_configured_header_are_noticed() {
    let portal = Portal::start(&[]).await;
    portal.get("/api/v1/venues").await;
    assert!(!portal.state.client_addr.saw_unconfigured_forwarding());
    let request = Request::get("/api/v1/complaints/MC-0000-0000")
        .header("x-forwarded-for", "203.0.113.9")
        .body(Body::empty())
        .unwrap();
    portal.send(request).await;
    assert!(portal.state.client_addr.saw_unconfigured_forwarding());
}

/// A PNG of `side`×`side` black RGB pixels, built without ever holding its pixels: its image
/// data is all zeros, written as one fixed-Huffman deflate block of 258-byte back-references
/// (13 bits each), so it is a few hundred KB that decode to side² × 3 bytes.
fn huge_png(side: u32) -> Vec<u8> {
    let raw = side as u64 * (side as u64 * 3 + 1);
    let mut bits = BitWriter::default();
    bits.push(0b1, 1); // final block
    bits.push(0b01, 2); // fixed Huffman codes
    let literal_zero = |b: &mut BitWriter| b.push_code(0b0011_0000, 8);
    literal_zero(&mut bits);
    let matches = (raw - 1) / 258;
    for _ in 0..matches {
        bits.push_code(0b1100_0101, 8); // length 258 (symbol 285), no extra bits
        bits.push_code(0, 5); // distance 1 (code 0)
    }
    for _ in 0..(raw - 1 - matches * 258) {
        literal_zero(&mut bits);
    }
    bits.push_code(0, 7); // end of block (symbol 256)
    let mut zlib = vec![0x78, 0x01];
    zlib.extend_from_slice(&bits.finish());
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    zlib.extend_from_slice(&((((raw % 65521) as u32) << 16) | 1).to_be_bytes());

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// `count` bits of `value`, least significant first (deflate's header fields).
    fn push(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn push_code(&mut self, code: u64, count: u32) {
        let reversed = (0..count).fold(0, |r, i| r | (((code >> i) & 1) << (count - 1 - i)));
        self.push(reversed, count);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn the_huge_test_png_is_a_real_png() {
    let png = huge_png(300);
    let picture = image::load_from_memory(&png).expect("decodes");
    assert_eq!((picture.width(), picture.height()), (300, 300));
    assert!(picture.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]));
}

/// Peak resident memory of this process (the portal runs in it), in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_photos_on_an_invalid_form_are_never_decoded() {
    let portal = Portal::start(&["--client-ip-header", "X-Real-IP", "--complaints-per-hour", "0"]).await;
    // 6000×6000 declared: 108 MB of pixels each; five per form, four forms at once.
    let png = huge_png(6000);
    assert!(png.len() < 10 << 20, "fits the upload limit: {} bytes", png.len());
    let before = peak_rss_mib();
    let photos: Vec<(&str, Vec<u8>)> = (0..5).map(|_| ("big.png", png.clone())).collect();
    let mut posts = Vec::new();
    for i in 0..4 {
        // An empty description: the form is invalid, so nothing needs decoding.
        let body = multipart(&fields(&portal.state.complaints.issue(), ""), &photos);
        let portal = &portal;
        posts.push(async move { submit(portal, &format!("203.0.113.{i}"), body).await });
    }
    for answer in futures::future::join_all(posts).await {
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert!(answer.body.contains("description"), "{}", answer.body);
    }
    let grown = peak_rss_mib().saturating_sub(before);
    assert!(grown < 100, "the server decoded photos of an invalid form: peak grew by {grown} MiB");
}

/// An SDP offer to receive H.264 video, from a str0m peer.
fn video_offer() -> String {
    let now = std::time::Instant::now();
    let mut rtc = str0m::Rtc::builder().build(now);
    rtc.add_local_candidate(str0m::Candidate::host("127.0.0.1:40000".parse().unwrap(), "udp").unwrap());
    let mut change = rtc.sdp_api();
    change.add_media(str0m::media::MediaKind::Video, str0m::media::Direction::RecvOnly, None, None, None);
    change.apply().unwrap().0.to_sdp_string()
}

#[tokio::test]
async fn a_flood_of_whep_offers_from_one_address_is_refused_and_others_still_watch() {
    let portal = Portal::start(&["--client-ip-header", "X-Real-IP", "--max-viewers-per-address", "3"]).await;
    let offer = |from: &str| {
        Request::post("/whep/1")
            .header(header::CONTENT_TYPE, "application/sdp")
            .header("x-real-ip", from)
            .body(Body::from(video_offer()))
            .unwrap()
    };
    let mut statuses = Vec::new();
    for _ in 0..30 {
        let answer = portal.send(offer("203.0.113.5")).await;
        if answer.status == 429 {
            assert_eq!(answer.headers[header::RETRY_AFTER], "15");
            assert!(answer.body.contains("too many live-video sessions"), "{}", answer.body);
        }
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 27, "{statuses:?}");
    let real = portal.send(offer("198.51.100.20")).await;
    assert_eq!(real.status, 201, "a real viewer still joins: {}", real.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_downloads_of_a_feed_build_it_once() {
    let portal = Portal::start(&[]).await;
    let downloads = (0..20).map(|_| portal.get("/open-data/lives/businesses.csv"));
    let answers = futures::future::join_all(downloads).await;
    assert!(answers.iter().all(|a| a.status == 200 && a.body == answers[0].body));
    assert!(answers[0].body.starts_with("business_id,name,address"));
    assert_eq!(answers[0].headers[header::CACHE_CONTROL], "public, max-age=300");
    assert_eq!(portal.state.open_data.builds(), 1, "twenty downloads, one build");
    portal.get("/open-data/lives/inspections.csv").await;
    assert_eq!(portal.state.open_data.builds(), 2, "each feed is built on its own");
}
