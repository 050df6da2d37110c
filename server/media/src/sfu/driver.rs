//! The thin I/O around [`Sfu`]: one UDP socket, one task. Everything else talks to it through
//! [`SfuHandle`] messages; camera frames arrive from one forwarding task per watched camera.

use super::{Sfu, SfuError, SfuOutput, ViewerId, ViewerLimits};
use crate::camera::{Lease, MediaEvent, Subscription};
use crate::supervise::{guarded, Restarts};
use mingchu_domain::vocab::CameraId;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
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
    /// Breaks the core on purpose, to test its supervision.
    #[cfg(test)]
    Break,
}

/// Talks to the SFU task. Cheap to clone.
#[derive(Clone)]
pub struct SfuHandle {
    tx: mpsc::Sender<Command>,
    viewers: Arc<AtomicUsize>,
    /// Times the SFU core failed and started afresh (its viewers then reconnect).
    pub restarts: Restarts,
    /// Where viewers send their packets.
    pub addresses: Arc<Vec<SocketAddr>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("cannot bind the WebRTC UDP socket {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

impl SfuHandle {
    /// Binds the UDP socket and starts the SFU task. `advertise` are the addresses put in
    /// answers when the socket is bound to all interfaces.
    pub fn start(bind: SocketAddr, advertise: &[IpAddr], limits: ViewerLimits) -> Result<SfuHandle, DriverError> {
        let std = StdUdpSocket::bind(bind).map_err(|source| DriverError::Bind { addr: bind, source })?;
        std.set_nonblocking(true).map_err(|source| DriverError::Bind { addr: bind, source })?;
        let socket = UdpSocket::from_std(std).map_err(|source| DriverError::Bind { addr: bind, source })?;
        let local = socket.local_addr().map_err(|source| DriverError::Bind { addr: bind, source })?;
        let addresses = candidate_addresses(local, advertise);
        tracing::info!(?addresses, "WebRTC media on UDP {local}");
        let (tx, rx) = mpsc::channel(1024);
        let viewers = Arc::new(AtomicUsize::new(0));
        let restarts = Restarts::default();
        let driver = Driver {
            sfu: Sfu::with_limits(&addresses, limits),
            limits,
            restarts: restarts.clone(),
            socket,
            addresses: addresses.clone(),
            tx: tx.clone(),
            feeds: HashMap::new(),
            viewers: viewers.clone(),
        };
        tokio::spawn(driver.run(rx));
        Ok(SfuHandle { tx, viewers, restarts, addresses: Arc::new(addresses) })
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
    addresses: Vec<SocketAddr>,
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
                    Ok((n, source)) => {
                        let destination = self.destination_for(source);
                        let sfu = &mut self.sfu;
                        if guarded("sfu", &self.restarts, || sfu.receive(Instant::now(), source, destination, &buf[..n]))
                            .is_none()
                        {
                            self.restart();
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "UDP receive failed"),
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

    /// Handles a command with the core guarded; a failed core starts afresh.
    fn command(&mut self, command: Command) {
        let restarts = self.restarts.clone();
        if guarded("sfu", &restarts, || self.handle(command)).is_none() {
            self.restart();
        }
        self.viewers.store(self.sfu.viewer_count(), Ordering::Relaxed);
    }

    /// A fresh core: every viewer is dropped (their players reconnect on their own) and every
    /// camera lease released; the socket and the command channel carry on.
    fn restart(&mut self) {
        self.sfu = Sfu::with_limits(&self.addresses, self.limits);
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
            #[cfg(test)]
            Command::Break => panic!("broken on purpose"),
        }
    }

    /// Sends what the SFU produced and releases cameras nobody watches any more.
    async fn flush(&mut self) {
        while let Some(output) = self.sfu.poll_output() {
            match output {
                SfuOutput::Transmit(t) => {
                    if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                        tracing::debug!(error = %e, to = %t.destination, "UDP send failed");
                    }
                }
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

    /// The local address a datagram was sent to. With one bound address that is it; on all
    /// interfaces, the advertised address of the same kind (loopback or not) as the sender.
    fn destination_for(&self, source: SocketAddr) -> SocketAddr {
        self.addresses
            .iter()
            .find(|a| a.ip().is_loopback() == source.ip().is_loopback() && a.is_ipv4() == source.is_ipv4())
            .or(self.addresses.first())
            .copied()
            .unwrap_or(source)
    }
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
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if tx.send(Command::Media { camera, event }).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_core_is_restarted_and_counted_and_still_answers() {
        let sfu = SfuHandle::start("127.0.0.1:0".parse().unwrap(), &[], ViewerLimits::default()).unwrap();
        assert_eq!(sfu.trickle(ViewerId(1), String::new()).await, Err(SfuError::UnknownViewer));
        sfu.tx.send(Command::Break).await.unwrap();
        // The next command is answered by the fresh core, not "stopped".
        assert_eq!(sfu.trickle(ViewerId(1), String::new()).await, Err(SfuError::UnknownViewer));
        assert_eq!(sfu.restarts.count(), 1);
        assert!(sfu.is_running());
    }
}
