//! Slow and stalled clients through the real server: 500 connections that send half their
//! headers or a trickle of an upload and then stall. A page still loads at once, uploads past
//! the limit are turned away, and every stalled connection is closed by the server.

use crate::support;

use std::time::{Duration, Instant};
use support::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const STALLED: usize = 500;

async fn stalled(addr: &str, upload: bool) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let start: &[u8] = if upload {
        b"POST /complaints/submit HTTP/1.1\r\nHost: portal\r\n\
          Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000000\r\n\r\n\
          --x\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nslow"
    } else {
        b"GET / HTTP/1.1\r\nHost: portal\r\nX-Slow: "
    };
    s.write_all(start).await.expect("write");
    s
}

/// Whether the server closed the connection (after answering, or not) within `within`.
async fn closed_by_server(mut s: TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn stalled_clients_are_cut_off_and_pages_still_load() {
    let server =
        Server::start_with(&["--check-interval", "0", "--slow-client-timeout", "3", "--max-uploads", "16"], |_| {});
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut sockets = Vec::new();
    for i in 0..STALLED {
        sockets.push(stalled(&addr, i % 2 == 1).await);
    }
    // Every stalled connection is open at once; a citizen's page still comes straight away.
    let started = Instant::now();
    let page = reqwest::get(format!("{}/venues/1", server.base)).await.expect("page");
    let took = started.elapsed();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("JY"), "the venue page with its licence");
    assert!(took < Duration::from_secs(1), "the page took {took:?} beside {STALLED} stalled clients");

    // Past the timeout the server has closed every one of them.
    let results =
        futures::future::join_all(sockets.into_iter().map(|s| closed_by_server(s, Duration::from_secs(10)))).await;
    let open = results.iter().filter(|closed| !**closed).count();
    assert_eq!(open, 0, "{open} of {STALLED} stalled connections were still open");
}
