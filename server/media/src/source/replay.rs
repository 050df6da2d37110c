//! Test support: a recorded RTSP camera served again over TCP. The recordings (in
//! `fixtures/rtsp/`, made from GStreamer's RTSP server by `scripts/record-rtsp-fixtures.sh`)
//! hold each reply the camera gave and the interleaved RTP it sent after PLAY; the replay
//! answers a client's requests with them (its own CSeq and address put in) and then sends the
//! recorded stream and closes, like a camera whose connection drops.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// One recorded camera.
pub struct Recorded {
    /// (method, the request carried credentials, the reply with `{authority}` left in)
    exchanges: Vec<(String, bool, String)>,
    stream: Vec<u8>,
}

impl Recorded {
    pub fn load(name: &str) -> Arc<Recorded> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rtsp/");
        let text = std::fs::read_to_string(format!("{dir}{name}.json")).expect("a recorded camera");
        let json: serde_json::Value = serde_json::from_str(&text).expect("a recording is JSON");
        let exchanges = json["exchanges"]
            .as_array()
            .expect("exchanges")
            .iter()
            .map(|e| {
                let method = e["method"].as_str().expect("method").to_string();
                let authorized = e["request"].as_str().expect("request").contains("\r\nAuthorization:");
                (method, authorized, e["reply"].as_str().expect("reply").to_string())
            })
            .collect();
        let stream = std::fs::read(format!("{dir}{name}.bin")).unwrap_or_default();
        Arc::new(Recorded { exchanges, stream })
    }

    /// The recorded reply to `method`: a challenge for a DESCRIBE without credentials where
    /// the camera gave one, else its last reply to that method.
    fn reply(&self, method: &str, authorized: bool) -> Option<&str> {
        let candidates = self.exchanges.iter().filter(|(m, _, _)| m == method);
        let challenge = |(_, _, reply): &&(String, bool, String)| reply.starts_with("RTSP/1.0 401");
        if !authorized {
            if let Some((_, _, reply)) = candidates.clone().find(challenge) {
                return Some(reply);
            }
        }
        candidates.clone().rfind(|e| !challenge(e)).map(|(_, _, reply)| reply.as_str())
    }
}

/// A replaying camera on a local port.
pub struct Replay {
    pub authority: String,
    connections: Arc<AtomicUsize>,
}

impl Replay {
    pub async fn start(recorded: Arc<Recorded>) -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let authority = listener.local_addr().expect("bound").to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let (count, at) = (connections.clone(), authority.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(recorded.clone(), socket, at.clone()));
            }
        });
        Replay { authority, connections }
    }

    /// `rtsp://[credentials@]authority/cam`
    pub fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("rtsp://{c}@{}/cam", self.authority),
            None => format!("rtsp://{}/cam", self.authority),
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(recorded: Arc<Recorded>, socket: TcpStream, authority: String) {
    let (mut read, mut write) = socket.into_split();
    // Replies and the stream go out in order through one writer; `None` closes the connection.
    let (out, mut queue) = mpsc::unbounded_channel::<Option<Vec<u8>>>();
    tokio::spawn(async move {
        while let Some(Some(bytes)) = queue.recv().await {
            if write.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = write.shutdown().await;
    });
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Interleaved data from the client (RTCP receiver reports) is skipped.
        while buf.len() >= 4 && buf[0] == b'$' {
            let len = 4 + u16::from_be_bytes([buf[2], buf[3]]) as usize;
            if buf.len() < len {
                break;
            }
            buf.drain(..len);
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let body = content_length(&head);
            if buf.len() < end + 4 + body {
                // Wait for the rest of the body.
            } else {
                buf.drain(..end + 4 + body);
                let method = head.split(' ').next().unwrap_or_default().to_string();
                let cseq = header(&head, "CSeq").unwrap_or("0").to_string();
                let authorized = header(&head, "Authorization").is_some();
                let reply = match recorded.reply(&method, authorized) {
                    Some(reply) => with_cseq(reply, &cseq).replace("{authority}", &authority),
                    None => format!("RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n\r\n"),
                };
                let _ = out.send(Some(reply.into_bytes()));
                if method == "PLAY" && !recorded.stream.is_empty() {
                    let _ = out.send(Some(recorded.stream.clone()));
                    let _ = out.send(None);
                }
                continue;
            }
        }
        match read.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn content_length(head: &str) -> usize {
    header(head, "Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn with_cseq(reply: &str, cseq: &str) -> String {
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((reply, ""));
    let head: Vec<String> = head
        .split("\r\n")
        .map(|line| if line.to_ascii_lowercase().starts_with("cseq:") { format!("CSeq: {cseq}") } else { line.into() })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n"))
}
