//! ICE-TCP (RFC 6544) for viewers whose network blocks UDP. The SFU offers a passive TCP host
//! candidate; the browser connects and each connection carries RFC 4571 frames: a 16-bit
//! length, then one STUN, DTLS or SRTP packet. A reader task per connection hands the frames
//! to the SFU task; a writer task drains a bounded queue, so a connection that cannot keep up
//! loses packets (as UDP would, and NACKs recover them) instead of stalling every viewer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;

/// The largest frame accepted: STUN, DTLS and SRTP packets stay near the path MTU; a peer that
/// announces more is not a WebRTC peer.
pub(super) const MAX_FRAME: usize = 8 * 1024;

/// A connection with no frame for this long is closed. Browsers send ICE consent checks every
/// few seconds (RFC 7675), so only dead or idle connections reach it.
pub(super) const IDLE: Duration = Duration::from_secs(30);

/// Packets queued per connection before new ones are dropped: about a second of video.
const QUEUE: usize = 512;

/// One frame of a connection, ready to write.
pub(super) fn frame(packet: &[u8]) -> Option<Vec<u8>> {
    let len = u16::try_from(packet.len()).ok()?;
    let mut framed = Vec::with_capacity(2 + packet.len());
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(packet);
    Some(framed)
}

/// Reads a connection's frames until it closes, goes idle or breaks framing; `deliver` takes
/// each one and returns false when nobody listens any more.
pub(super) async fn read_frames<F, Fut>(mut reader: OwnedReadHalf, mut deliver: F)
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    loop {
        let next = tokio::time::timeout(IDLE, async {
            let len = reader.read_u16().await? as usize;
            if len == 0 || len > MAX_FRAME {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "not an RFC 4571 frame"));
            }
            let mut packet = vec![0u8; len];
            reader.read_exact(&mut packet).await?;
            Ok(packet)
        })
        .await;
        match next {
            Ok(Ok(packet)) => {
                if !deliver(packet).await {
                    return;
                }
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "ICE-TCP connection ended");
                return;
            }
            Err(_) => {
                tracing::debug!("ICE-TCP connection idle; closed");
                return;
            }
        }
    }
}

/// Writes queued frames until the queue's sender is dropped or the peer stops reading.
async fn write_frames(mut writer: OwnedWriteHalf, mut queue: mpsc::Receiver<Vec<u8>>) {
    while let Some(framed) = queue.recv().await {
        if writer.write_all(&framed).await.is_err() {
            return;
        }
    }
    let _ = writer.shutdown().await;
}

/// Why a packet for a TCP peer was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unsent {
    /// No connection from that address (it closed, or never existed).
    NoConnection,
    /// Its queue is full: the peer reads slower than video arrives.
    Full,
}

/// The open ICE-TCP connections by peer address, with the caps that keep a flood of idle
/// connections from exhausting the server.
pub(super) struct Connections {
    writers: HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
    per_ip: HashMap<IpAddr, usize>,
    max_total: usize,
    max_per_ip: usize,
}

impl Connections {
    pub fn new(max_total: usize, max_per_ip: usize) -> Connections {
        Connections { writers: HashMap::new(), per_ip: HashMap::new(), max_total, max_per_ip }
    }

    /// Takes a new connection's write half, unless a cap is reached (then it is dropped, which
    /// closes it).
    pub fn open(&mut self, peer: SocketAddr, writer: OwnedWriteHalf) -> bool {
        let from_ip = self.per_ip.get(&peer.ip()).copied().unwrap_or(0);
        if self.writers.len() >= self.max_total || from_ip >= self.max_per_ip || self.writers.contains_key(&peer) {
            return false;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_frames(writer, rx));
        self.writers.insert(peer, tx);
        *self.per_ip.entry(peer.ip()).or_default() += 1;
        true
    }

    /// Queues one packet for `peer`.
    pub fn send(&mut self, peer: SocketAddr, packet: &[u8]) -> Result<(), Unsent> {
        let Some(writer) = self.writers.get(&peer) else { return Err(Unsent::NoConnection) };
        let Some(framed) = frame(packet) else { return Ok(()) };
        match writer.try_send(framed) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => Err(Unsent::Full),
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.close(peer);
                Err(Unsent::NoConnection)
            }
        }
    }

    /// Forgets `peer`'s connection; its writer finishes what is queued and closes it.
    pub fn close(&mut self, peer: SocketAddr) {
        if self.writers.remove(&peer).is_some() {
            if let Some(n) = self.per_ip.get_mut(&peer.ip()) {
                *n -= 1;
                if *n == 0 {
                    self.per_ip.remove(&peer.ip());
                }
            }
        }
    }

    /// Open connections.
    pub fn len(&self) -> usize {
        self.writers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::{TcpListener, TcpStream};

    async fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (client, server)
    }

    #[test]
    fn frames_carry_a_big_endian_length() {
        assert_eq!(frame(b"abc"), Some(vec![0, 3, b'a', b'b', b'c']));
        assert_eq!(frame(&vec![0; 70_000]), None, "longer than RFC 4571 can carry");
    }

    #[tokio::test]
    async fn frames_split_across_writes_arrive_whole_and_a_bad_length_closes() {
        let (mut client, server) = pair().await;
        let (reader, _writer) = server.into_split();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(read_frames(reader, move |p| {
            let tx = tx.clone();
            async move { tx.send(p).is_ok() }
        }));
        client.write_all(&[0, 5, b'h', b'e']).await.unwrap();
        client.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        client.write_all(&[b'l', b'l', b'o', 0, 1, b'!']).await.unwrap();
        assert_eq!(rx.recv().await.unwrap(), b"hello");
        assert_eq!(rx.recv().await.unwrap(), b"!");
        // A length past MAX_FRAME is not WebRTC: the reader gives up.
        client.write_all(&(MAX_FRAME as u16 + 1).to_be_bytes()).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), task).await.expect("reader ended").unwrap();
    }

    #[tokio::test]
    async fn connections_are_capped_per_address_and_in_all() {
        let mut connections = Connections::new(2, 1);
        let (_c1, s1) = pair().await;
        let (_c2, s2) = pair().await;
        let p1 = s1.peer_addr().unwrap();
        let p2 = s2.peer_addr().unwrap();
        assert!(connections.open(p1, s1.into_split().1));
        assert!(!connections.open(p2, s2.into_split().1), "a second connection from 127.0.0.1");
        assert_eq!(connections.send(p2, b"x"), Err(Unsent::NoConnection));
        assert_eq!(connections.send(p1, b"x"), Ok(()));
        connections.close(p1);
        assert_eq!(connections.len(), 0);
        let mut wide = Connections::new(1, 10);
        let (_c3, s3) = pair().await;
        let (_c4, s4) = pair().await;
        assert!(wide.open(s3.peer_addr().unwrap(), s3.into_split().1));
        assert!(!wide.open(s4.peer_addr().unwrap(), s4.into_split().1), "over the total");
    }

    #[tokio::test]
    async fn a_peer_that_stops_reading_loses_packets_instead_of_blocking() {
        let mut connections = Connections::new(4, 4);
        let (_client, server) = pair().await;
        let peer = server.peer_addr().unwrap();
        assert!(connections.open(peer, server.into_split().1));
        let packet = vec![7u8; 1200];
        let mut full = 0;
        for _ in 0..20_000 {
            if connections.send(peer, &packet) == Err(Unsent::Full) {
                full += 1;
            }
        }
        assert!(full > 0, "the client never read, so the queue filled");
    }
}
