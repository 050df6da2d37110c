//! The thin I/O around [`Sfu`]: one UDP socket and an ICE-TCP listener on the same port, one
//! task. Everything else talks to it through [`SfuHandle`] messages; camera frames arrive from
//! one forwarding task per watched camera, ICE-TCP frames from one reader task per connection.

use super::tcp::{self, Connections, Unsent};
use super::{Sfu, SfuError, SfuOutput, Transports, ViewerId, ViewerLimits};
use crate::camera::{Lease, MediaEvent, Subscription};
use crate::supervise::{guarded, Restarts};
use mingchu_domain::vocab::CameraId;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::net::Protocol;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

enum Command {
    Join {
        viewer: ViewerId,
        offer: String,
        from: Option<IpAddr>,
        subscription: Subscription,
        reply: oneshot::Sender<Result<String, SfuError>>,
    },
    Trickle {
        viewer: ViewerId,
        sdpfrag: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Leave {
        viewer: ViewerId,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Media {
        camera: CameraId,
        event: MediaEvent,
    },
    /// The camera's hub was retired (the camera moved to another media node).
    CameraEnded {
        camera: CameraId,
    },
    /// One RFC 4571 frame from the ICE-TCP connection of `peer`.
    Tcp {
        peer: SocketAddr,
        packet: Vec<u8>,
    },
    TcpClosed {
        peer: SocketAddr,
    },
    /// Breaks the core on purpose, to test its supervision.
    #[cfg(test)]
    Break,
}

/// Talks to the SFU task. Cheap to clone.
#[derive(Clone)]
pub struct SfuHandle {
    tx: mpsc::Sender<Command>,
    viewers: Arc<AtomicUsize>,
    tcp_connections: Arc<AtomicUsize>,
    /// Times the SFU core failed and started afresh (its viewers then reconnect).
    pub restarts: Restarts,
    /// Where viewers send their packets (UDP) or connect (ICE-TCP).
    pub transports: Arc<Transports>,
}

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("cannot bind the WebRTC media port {addr} ({transport}): {source}")]
    Bind { addr: SocketAddr, transport: &'static str, source: std::io::Error },
}

impl SfuHandle {
    /// Binds the UDP socket and starts the SFU task. `advertise` are the addresses put in
    /// answers when the socket is bound to all interfaces. With `offer.tcp`, a TCP listener on
    /// the same port is offered too (a port already taken for TCP only loses that, with a
    /// warning); `udp: false` offers ICE-TCP alone, for sites whose firewall passes no UDP, and
    /// then a taken TCP port is an error. The UDP socket is bound either way: it holds the port.
    pub fn start(
        bind: SocketAddr,
        advertise: &[IpAddr],
        limits: ViewerLimits,
        offer: Offer,
    ) -> Result<SfuHandle, DriverError> {
        let bind_error = |source| DriverError::Bind { addr: bind, transport: "UDP", source };
        let std = StdUdpSocket::bind(bind).map_err(bind_error)?;
        std.set_nonblocking(true).map_err(bind_error)?;
        let socket = UdpSocket::from_std(std).map_err(bind_error)?;
        let local = socket.local_addr().map_err(bind_error)?;
        let listener = match offer.tcp.then(|| listen_tcp(local)) {
            None => None,
            Some(Ok(listener)) => Some(listener),
            // TCP alone was asked for and cannot be had: no viewer could connect at all.
            Some(Err(source)) if !offer.udp => return Err(DriverError::Bind { addr: local, transport: "TCP", source }),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "no ICE-TCP on {local}: viewers whose network blocks UDP get the HTTP fallback");
                None
            }
        };
        let transports = Transports {
            udp: if offer.udp { candidate_addresses(local, advertise) } else { Vec::new() },
            tcp: listener
                .as_ref()
                .map(|l| candidate_addresses(l.local_addr().unwrap_or(local), advertise))
                .unwrap_or_default(),
        };
        tracing::info!(udp = ?transports.udp, tcp = ?transports.tcp, "WebRTC media");
        let (tx, rx) = mpsc::channel(1024);
        let viewers = Arc::new(AtomicUsize::new(0));
        let tcp_connections = Arc::new(AtomicUsize::new(0));
        let restarts = Restarts::default();
        let driver = Driver {
            tcp_connections: tcp_connections.clone(),
            sfu: Sfu::with_limits(&transports, limits),
            limits,
            restarts: restarts.clone(),
            socket,
            listener,
            connections: Connections::new(limits.total, limits.per_address),
            transports: transports.clone(),
            tx: tx.clone(),
            feeds: HashMap::new(),
            viewers: viewers.clone(),
        };
        tokio::spawn(driver.run(rx));
        Ok(SfuHandle { tx, viewers, tcp_connections, restarts, transports: Arc::new(transports) })
    }

    /// Answers a viewer's offer; the subscription keeps the camera running while watched.
    /// A viewer at client address `from` joins with its SDP offer; the answer comes back.
    pub async fn join(
        &self,
        viewer: ViewerId,
        offer: String,
        from: Option<IpAddr>,
        subscription: Subscription,
    ) -> Result<String, SfuError> {
        self.call(|reply| Command::Join { viewer, offer, from, subscription, reply }).await
    }

    pub async fn trickle(&self, viewer: ViewerId, sdpfrag: String) -> Result<(), SfuError> {
        self.call(|reply| Command::Trickle { viewer, sdpfrag, reply }).await
    }

    pub async fn leave(&self, viewer: ViewerId) -> Result<(), SfuError> {
        self.call(|reply| Command::Leave { viewer, reply }).await
    }

    pub fn viewer_count(&self) -> usize {
        self.viewers.load(Ordering::Relaxed)
    }

    /// ICE-TCP connections open now.
    pub fn tcp_connection_count(&self) -> usize {
        self.tcp_connections.load(Ordering::Relaxed)
    }

    /// Whether the SFU task is still there to answer.
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    async fn call<T>(&self, make: impl FnOnce(oneshot::Sender<Result<T, SfuError>>) -> Command) -> Result<T, SfuError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(make(reply)).await.map_err(|_| SfuError::Stopped)?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }
}

/// Which transports answers offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub udp: bool,
    pub tcp: bool,
}

impl Default for Offer {
    fn default() -> Self {
        Offer { udp: true, tcp: true }
    }
}

/// The ICE-TCP listener on the UDP socket's address.
fn listen_tcp(local: SocketAddr) -> std::io::Result<TcpListener> {
    let listener = std::net::TcpListener::bind(local)?;
    listener.set_nonblocking(true)?;
    TcpListener::from_std(listener)
}

/// Waits for the next ICE-TCP connection; never, without a listener.
async fn accept(listener: &Option<TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// With a socket on all interfaces, the configured addresses (or loopback and the address of
/// the default route); otherwise the bound address itself.
fn candidate_addresses(local: SocketAddr, advertise: &[IpAddr]) -> Vec<SocketAddr> {
    if !local.ip().is_unspecified() {
        return vec![local];
    }
    let mut ips: Vec<IpAddr> = advertise.to_vec();
    if ips.is_empty() {
        ips.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
        // The source address the kernel would use towards the outside (no packet is sent).
        if let Some(ip) = StdUdpSocket::bind("0.0.0.0:0")
            .and_then(|s| s.connect("192.0.2.1:9").map(|_| s))
            .and_then(|s| s.local_addr())
            .ok()
            .map(|a| a.ip())
            .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        {
            ips.push(ip);
        }
    }
    ips.into_iter().map(|ip| SocketAddr::new(ip, local.port())).collect()
}

/// A camera the SFU relays: its lease and the task forwarding its frames.
struct Feed {
    _lease: Lease,
    forwarder: JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

struct Driver {
    sfu: Sfu,
    limits: ViewerLimits,
    restarts: Restarts,
    socket: UdpSocket,
    listener: Option<TcpListener>,
    connections: Connections,
    tcp_connections: Arc<AtomicUsize>,
    transports: Transports,
    tx: mpsc::Sender<Command>,
    feeds: HashMap<CameraId, Feed>,
    viewers: Arc<AtomicUsize>,
}

impl Driver {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut buf = vec![0u8; 2048];
        loop {
            self.flush().await;
            let deadline = self.sfu.poll_timeout().unwrap_or_else(|| Instant::now() + Duration::from_secs(1));
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((n, source)) => self.receive(Protocol::Udp, source, &buf[..n]),
                    Err(e) => tracing::debug!(error = %e, "UDP receive failed"),
                },
                accepted = accept(&self.listener) => match accepted {
                    Ok((stream, peer)) => self.accept(stream, peer),
                    Err(e) => tracing::debug!(error = %e, "ICE-TCP accept failed"),
                },
                command = rx.recv() => match command {
                    Some(command) => self.command(command),
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline.into()) => {
                    let sfu = &mut self.sfu;
                    if guarded("sfu", &self.restarts, || sfu.handle_timeout(Instant::now())).is_none() {
                        self.restart();
                    }
                }
            }
        }
    }

    /// One packet into the core, guarded.
    fn receive(&mut self, proto: Protocol, source: SocketAddr, packet: &[u8]) {
        let local = match proto {
            Protocol::Udp => &self.transports.udp,
            _ => &self.transports.tcp,
        };
        let destination = destination_for(local, source);
        let sfu = &mut self.sfu;
        if guarded("sfu", &self.restarts, || sfu.receive(Instant::now(), proto, source, destination, packet)).is_none()
        {
            self.restart();
        }
    }

    /// A new ICE-TCP connection: its frames go to the core through the command channel (which
    /// also paces a fast sender); its writes through a queue of its own.
    fn accept(&mut self, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let (reader, writer) = stream.into_split();
        if !self.connections.open(peer, writer) {
            tracing::debug!(%peer, "ICE-TCP connection refused: too many");
            return;
        }
        self.tcp_connections.store(self.connections.len(), Ordering::Relaxed);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tcp::read_frames(reader, |packet| {
                let tx = tx.clone();
                async move { tx.send(Command::Tcp { peer, packet }).await.is_ok() }
            })
            .await;
            let _ = tx.send(Command::TcpClosed { peer }).await;
        });
    }

    /// Handles a command with the core guarded; a failed core starts afresh.
    fn command(&mut self, command: Command) {
        let command = match command {
            Command::Tcp { peer, packet } => return self.receive(Protocol::Tcp, peer, &packet),
            Command::TcpClosed { peer } => {
                self.connections.close(peer);
                return self.tcp_connections.store(self.connections.len(), Ordering::Relaxed);
            }
            command => command,
        };
        let restarts = self.restarts.clone();
        if guarded("sfu", &restarts, || self.handle(command)).is_none() {
            self.restart();
        }
        self.viewers.store(self.sfu.viewer_count(), Ordering::Relaxed);
    }

    /// A fresh core: every viewer is dropped (their players reconnect on their own) and every
    /// camera lease released; the sockets, connections and the command channel carry on.
    fn restart(&mut self) {
        self.sfu = Sfu::with_limits(&self.transports, self.limits);
        self.feeds.clear();
        self.viewers.store(0, Ordering::Relaxed);
    }

    fn handle(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::Join { viewer, offer, from, subscription, reply } => {
                let camera = subscription.lease.camera();
                if !self.feeds.contains_key(&camera) {
                    for frame in &subscription.cached {
                        self.sfu.push_frame(camera, frame.clone(), now);
                    }
                    let forwarder = tokio::spawn(forward(camera, subscription.events, self.tx.clone()));
                    self.feeds.insert(camera, Feed { _lease: subscription.lease, forwarder });
                }
                let result = self.sfu.add_viewer(viewer, camera, &offer, now, from);
                if result.is_err() {
                    self.release_if_unwatched(camera);
                }
                let _ = reply.send(result);
            }
            Command::Trickle { viewer, sdpfrag, reply } => {
                let _ = reply.send(self.sfu.add_remote_candidates(viewer, &sdpfrag, now));
            }
            Command::Leave { viewer, reply } => {
                let _ = reply.send(self.sfu.remove_viewer(viewer));
            }
            Command::Media { camera, event: MediaEvent::Frame(frame) } => self.sfu.push_frame(camera, frame, now),
            Command::Media { camera, event: MediaEvent::Restarted } => self.sfu.camera_restarted(camera),
            Command::CameraEnded { camera } => self.sfu.end_camera(camera),
            Command::Tcp { .. } | Command::TcpClosed { .. } => unreachable!("handled before the core"),
            #[cfg(test)]
            Command::Break => panic!("broken on purpose"),
        }
    }

    /// Sends what the SFU produced and releases cameras nobody watches any more.
    async fn flush(&mut self) {
        while let Some(output) = self.sfu.poll_output() {
            match output {
                SfuOutput::Transmit(t) if t.proto == Protocol::Udp => {
                    if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                        tracing::debug!(error = %e, to = %t.destination, "UDP send failed");
                    }
                }
                SfuOutput::Transmit(t) => match self.connections.send(t.destination, &t.contents) {
                    Ok(()) => {}
                    // ICE checks towards a browser's "active" candidate (port 9) have no
                    // connection to go on: the browser connects to us, never the reverse.
                    Err(Unsent::NoConnection) => {}
                    Err(Unsent::Full) => tracing::debug!(to = %t.destination, "ICE-TCP queue full; packet dropped"),
                },
                SfuOutput::ViewerGone { camera, .. } => {
                    self.release_if_unwatched(camera);
                    self.viewers.store(self.sfu.viewer_count(), Ordering::Relaxed);
                }
            }
        }
    }

    fn release_if_unwatched(&mut self, camera: CameraId) {
        if self.sfu.viewers_of(camera) == 0 {
            self.feeds.remove(&camera);
            self.sfu.drop_camera(camera);
        }
    }
}

/// The local address a packet was sent to. With one bound address that is it; on all
/// interfaces, the advertised address of the same kind (loopback or not) as the sender.
fn destination_for(local: &[SocketAddr], source: SocketAddr) -> SocketAddr {
    local
        .iter()
        .find(|a| a.ip().is_loopback() == source.ip().is_loopback() && a.is_ipv4() == source.is_ipv4())
        .or(local.first())
        .copied()
        .unwrap_or(source)
}

/// Moves one camera's frames into the SFU task. Falling behind is a discontinuity: viewers
/// then resume from the next keyframe.
async fn forward(camera: CameraId, mut events: broadcast::Receiver<MediaEvent>, tx: mpsc::Sender<Command>) {
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(%camera, missed, "SFU fell behind the camera");
                MediaEvent::Restarted
            }
            Err(broadcast::error::RecvError::Closed) => {
                let _ = tx.send(Command::CameraEnded { camera }).await;
                return;
            }
        };
        if tx.send(Command::Media { camera, event }).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::CameraHub;
    use crate::source::SourceSpec;
    use str0m::change::SdpAnswer;
    use str0m::media::{Direction, MediaKind};
    use str0m::net::{Receive, TcpType};
    use str0m::{Candidate, Event, Input, Output, Rtc};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn tcp_alone_on_a_taken_port_is_refused_at_start() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        let Ok(_udp_free) = StdUdpSocket::bind(addr).map(drop) else { return };
        let tcp_only = Offer { udp: false, tcp: true };
        let refused = SfuHandle::start(addr, &[], ViewerLimits::default(), tcp_only);
        assert!(matches!(refused, Err(DriverError::Bind { .. })), "no transport left to offer");
        // With UDP as well, it starts and offers UDP only.
        let started = SfuHandle::start(addr, &[], ViewerLimits::default(), Offer::default()).unwrap();
        assert_eq!((started.transports.udp.len(), started.transports.tcp.len()), (1, 0));
    }

    /// A real ICE-TCP connection on loopback: a str0m peer with only an "active" TCP candidate
    /// (a browser on a network without UDP) connects to the driver's listener, completes ICE
    /// and DTLS over RFC 4571 frames, and receives the camera's keyframe.
    #[tokio::test]
    async fn a_peer_without_udp_plays_over_a_real_ice_tcp_connection() {
        let offer_tcp_only = Offer { udp: false, tcp: true };
        let sfu =
            SfuHandle::start("127.0.0.1:0".parse().unwrap(), &[], ViewerLimits::default(), offer_tcp_only).unwrap();
        assert!(sfu.transports.udp.is_empty());
        let server = sfu.transports.tcp[0];
        let hub = CameraHub::new(CameraId(3), SourceSpec::Synthetic { camera: CameraId(3) });
        hub.publish(super::super::tests::frame(1, true, 0, Instant::now()));

        let mut stream = TcpStream::connect(server).await.unwrap();
        let local = stream.local_addr().unwrap();
        let mut client = Rtc::builder().set_rtp_mode(true).build(Instant::now());
        client.add_local_candidate(Candidate::builder().tcp().host(local).tcptype(TcpType::Active).build().unwrap());
        let mut change = client.sdp_api();
        change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        let answer = sfu.join(ViewerId(1), offer.to_sdp_string(), None, hub.subscribe()).await.unwrap();
        assert!(!answer.contains(" udp "), "only TCP offered: {answer}");
        client.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();

        let (connected, packets) = (std::cell::Cell::new(false), std::cell::Cell::new(0));
        // str0m's rule: after each input, poll until it asks for time.
        let drain = |client: &mut Rtc, outbox: &mut Vec<Vec<u8>>| loop {
            match client.poll_output().unwrap() {
                Output::Timeout(t) => break t,
                Output::Transmit(t) => {
                    assert_eq!(t.proto, Protocol::Tcp);
                    outbox.push(tcp::frame(&t.contents).unwrap());
                }
                Output::Event(Event::Connected) => connected.set(true),
                Output::Event(Event::RtpPacket(_)) => packets.set(packets.get() + 1),
                Output::Event(_) => {}
            }
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        let (mut buf, mut inbox, mut outbox) = (vec![0u8; 4096], Vec::new(), Vec::new());
        let mut wait = drain(&mut client, &mut outbox);
        loop {
            for framed in outbox.drain(..) {
                stream.write_all(&framed).await.unwrap();
            }
            if connected.get() && packets.get() > 0 {
                break;
            }
            assert!(Instant::now() < deadline, "connected: {}, packets: {}", connected.get(), packets.get());
            let timeout = wait.saturating_duration_since(Instant::now()).min(Duration::from_millis(50));
            // `read` is cancel-safe: bytes accumulate and whole frames are taken from the front.
            match tokio::time::timeout(timeout, stream.read(&mut buf)).await {
                Ok(n) => inbox.extend_from_slice(&buf[..n.unwrap()]),
                Err(_) => {
                    client.handle_input(Input::Timeout(Instant::now())).unwrap();
                    wait = drain(&mut client, &mut outbox);
                }
            }
            while inbox.len() >= 2 {
                let len = u16::from_be_bytes([inbox[0], inbox[1]]) as usize;
                if inbox.len() < 2 + len {
                    break;
                }
                let packet: Vec<u8> = inbox.drain(..2 + len).skip(2).collect();
                let receive = Receive::new(Protocol::Tcp, server, local, &packet).unwrap();
                client.handle_input(Input::Receive(Instant::now(), receive)).unwrap();
                wait = drain(&mut client, &mut outbox);
            }
        }
        assert_eq!(sfu.viewer_count(), 1);
        assert_eq!(sfu.tcp_connection_count(), 1);
        drop(stream);
        let closed = Instant::now() + Duration::from_secs(5);
        while sfu.tcp_connection_count() != 0 {
            assert!(Instant::now() < closed, "the closed connection is forgotten");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn a_failed_core_is_restarted_and_counted_and_still_answers() {
        let sfu =
            SfuHandle::start("127.0.0.1:0".parse().unwrap(), &[], ViewerLimits::default(), Offer::default()).unwrap();
        assert_eq!(sfu.trickle(ViewerId(1), String::new()).await, Err(SfuError::UnknownViewer));
        sfu.tx.send(Command::Break).await.unwrap();
        // The next command is answered by the fresh core, not "stopped".
        assert_eq!(sfu.trickle(ViewerId(1), String::new()).await, Err(SfuError::UnknownViewer));
        assert_eq!(sfu.restarts.count(), 1);
        assert!(sfu.is_running());
    }
}
