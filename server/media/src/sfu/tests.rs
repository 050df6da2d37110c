//! Deterministic tests of the SFU: a str0m peer plays the browser, datagrams are handed over in
//! memory and time is advanced by hand. No sockets, no sleeping.

use super::*;
use crate::frame::Frame;
use bytes::Bytes;
use str0m::change::SdpAnswer;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, Mid};
use str0m::net::{Receive, TcpType, Transmit};
use str0m::{Event, Output, Rtc};

const CAMERA: CameraId = CameraId(7);

fn sfu_addr() -> SocketAddr {
    "127.0.0.1:5000".parse().unwrap()
}

fn sfu_tcp_addr() -> SocketAddr {
    "127.0.0.1:5001".parse().unwrap()
}

fn client_addr() -> SocketAddr {
    "127.0.0.1:6000".parse().unwrap()
}

fn annexb(units: &[&[u8]]) -> Bytes {
    Bytes::from(units.iter().flat_map(|u| [&[0u8, 0, 0, 1][..], u].concat()).collect::<Vec<u8>>())
}

/// A keyframe (SPS, PPS, a 3 KB IDR slice: several FU-A packets) or a small P frame, tagged
/// with `n` in its slice data so the test can tell frames apart.
pub(super) fn frame(n: u8, keyframe: bool, rtp_time: u32, now: Instant) -> Arc<Frame> {
    let data = if keyframe {
        let idr: Vec<u8> = [0x65, n].into_iter().chain(std::iter::repeat_n(0x11, 3000)).collect();
        annexb(&[&[0x67, 0x42, 0xe0, 0x1f, 0x8c], &[0x68, 0xce, 0x3c, 0x80], &idr])
    } else {
        annexb(&[&[0x41, n, 0x22, 0x22]])
    };
    Arc::new(Frame::new(data, keyframe, rtp_time, now))
}

#[derive(Debug, Clone)]
struct Got {
    seq: u64,
    time: u32,
    marker: bool,
    payload: Vec<u8>,
}

struct Harness {
    now: Instant,
    sfu: Sfu,
    client: Rtc,
    mid: Mid,
    got: Vec<Got>,
    gone: Vec<GoneReason>,
    /// While false, the client's datagrams are lost (it vanished).
    client_online: bool,
    connected: bool,
    /// While true, the client's answers to the SFU's connectivity checks are lost, until its
    /// first DTLS datagram has reached the SFU (a browser's flight overtaking them).
    dtls_first: bool,
    /// When the client's first DTLS datagram reached the SFU.
    first_dtls: Option<Instant>,
    /// The client's one transport: UDP, or ICE-TCP (an "active" candidate, as a browser on a
    /// network without UDP has).
    transport: Protocol,
    /// The transport of everything the SFU sent.
    sent_over: Vec<Protocol>,
}

impl Harness {
    fn new() -> Harness {
        let now = Instant::now();
        Harness {
            now,
            sfu: Sfu::new(&[sfu_addr()]),
            client: Rtc::builder().set_rtp_mode(true).build(now),
            mid: Mid::from("0"),
            got: Vec::new(),
            gone: Vec::new(),
            client_online: true,
            connected: false,
            dtls_first: false,
            first_dtls: None,
            transport: Protocol::Udp,
            sent_over: Vec::new(),
        }
    }

    /// An SFU that offers UDP and ICE-TCP, and a client that can only use TCP.
    fn over_tcp() -> Harness {
        let transports = Transports { udp: vec![sfu_addr()], tcp: vec![sfu_tcp_addr()] };
        Harness {
            sfu: Sfu::with_limits(&transports, ViewerLimits::default()),
            transport: Protocol::Tcp,
            ..Harness::new()
        }
    }

    fn offer(&mut self, kind: MediaKind) -> (String, str0m::change::SdpPendingOffer) {
        let candidate = match self.transport {
            Protocol::Tcp => Candidate::builder().tcp().host(client_addr()).tcptype(TcpType::Active).build().unwrap(),
            _ => Candidate::host(client_addr(), "udp").unwrap(),
        };
        self.client.add_local_candidate(candidate);
        let mut change = self.client.sdp_api();
        self.mid = change.add_media(kind, Direction::RecvOnly, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        (offer.to_sdp_string(), pending)
    }

    fn join(&mut self) -> ViewerId {
        let (offer, pending) = self.offer(MediaKind::Video);
        let id = ViewerId(1);
        let answer = self.sfu.add_viewer(id, CAMERA, &offer, self.now, None).expect("answer");
        self.client.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
        id
    }

    /// Drains the client after each input (str0m's rule: one mutation, then poll until
    /// timeout), recording what it received; returns what it wants to send.
    fn drain_client(&mut self) -> Vec<Transmit> {
        let mut sent = Vec::new();
        while let Ok(out) = self.client.poll_output() {
            match out {
                Output::Timeout(_) => break,
                Output::Transmit(t) => sent.push(t),
                Output::Event(Event::Connected) => self.connected = true,
                Output::Event(Event::RtpPacket(p)) => self.got.push(Got {
                    seq: *p.seq_no,
                    time: p.header.timestamp,
                    marker: p.header.marker,
                    payload: p.payload.to_vec(),
                }),
                Output::Event(_) => {}
            }
        }
        sent
    }

    /// One datagram from the client to the SFU, unless lost.
    fn send_to_sfu(&mut self, t: &Transmit) {
        let check_answer = t.contents.starts_with(&[0x01, 0x01]);
        if !self.client_online || (self.dtls_first && check_answer && self.first_dtls.is_none()) {
            return;
        }
        if matches!(t.contents.first(), Some(20..=63)) {
            self.first_dtls.get_or_insert(self.now);
        }
        self.sfu.receive(self.now, t.proto, t.source, t.destination, &t.contents);
    }

    /// Passes datagrams both ways until both sides are quiet.
    fn pump(&mut self) {
        let mut outbox = self.drain_client();
        for _ in 0..10_000 {
            let moved = !outbox.is_empty();
            for t in std::mem::take(&mut outbox) {
                self.send_to_sfu(&t);
            }
            let mut inbox = Vec::new();
            while let Some(out) = self.sfu.poll_output() {
                match out {
                    SfuOutput::Transmit(t) => {
                        self.sent_over.push(t.proto);
                        inbox.push(t);
                    }
                    SfuOutput::ViewerGone { reason, .. } => self.gone.push(reason),
                }
            }
            if !moved && inbox.is_empty() {
                return;
            }
            for t in inbox {
                if self.client_online {
                    let input =
                        Input::Receive(self.now, Receive::new(t.proto, t.source, t.destination, &t.contents).unwrap());
                    self.client.handle_input(input).unwrap();
                    outbox.extend(self.drain_client());
                }
            }
        }
        panic!("the peers never went quiet");
    }

    fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        while self.now < end {
            self.now += Duration::from_millis(20);
            self.client.handle_input(Input::Timeout(self.now)).unwrap();
            let sent = self.drain_client();
            for t in sent {
                self.send_to_sfu(&t);
            }
            self.sfu.handle_timeout(self.now);
            self.pump();
        }
    }

    fn connect(&mut self) -> ViewerId {
        let id = self.join();
        for _ in 0..100 {
            self.pump();
            if self.connected && !self.got.is_empty() {
                return id;
            }
            self.advance(Duration::from_millis(20));
        }
        panic!("the viewer never connected");
    }

    fn push(&mut self, frame: Arc<Frame>) {
        self.sfu.push_frame(CAMERA, frame, self.now);
        self.pump();
    }

    /// The slice tag (`n` of `frame`) of each access unit received, in order.
    fn tags(&self) -> Vec<u8> {
        let mut tags = Vec::new();
        for g in &self.got {
            match g.payload[0] & 0x1f {
                28 if g.payload[1] & 0x80 != 0 => tags.push(g.payload[2]),
                1 | 5 => tags.push(g.payload[1]),
                _ => {}
            }
        }
        tags
    }
}

#[test]
fn a_new_viewer_starts_from_the_cached_keyframe_with_its_parameter_sets() {
    let mut h = Harness::new();
    let t0 = h.now;
    h.push(frame(1, true, 90_000, t0));
    h.push(frame(2, false, 93_600, t0));
    h.push(frame(3, false, 97_200, t0));
    h.connect();
    // SPS+PPS first (one STAP-A), then the keyframe and the frames after it, in order.
    assert_eq!(h.got[0].payload[0] & 0x1f, 24, "starts with STAP-A (SPS, PPS)");
    assert_eq!(h.tags(), vec![1, 2, 3]);
    // Contiguous sequence numbers, one marker per access unit, time never backwards.
    for pair in h.got.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert!(pair[1].time.wrapping_sub(pair[0].time) < 90_000);
    }
    assert_eq!(h.got.iter().filter(|g| g.marker).count(), 3);
    // Live frames follow with the camera's own spacing.
    let before = h.got.last().unwrap().time;
    h.push(frame(4, false, 100_800, h.now));
    assert_eq!(h.tags(), vec![1, 2, 3, 4]);
    assert_eq!(h.got.last().unwrap().time.wrapping_sub(before), 3_600);
}

#[test]
fn a_viewer_whose_network_blocks_udp_plays_over_ice_tcp() {
    let mut h = Harness::over_tcp();
    let (offer, _) = h.offer(MediaKind::Video);
    let answer = h.sfu.add_viewer(ViewerId(9), CAMERA, &offer, h.now, None);
    assert_eq!(answer, Err(SfuError::NoPicture), "no keyframe yet");
    let mut h = Harness::over_tcp();
    h.push(frame(1, true, 0, h.now));
    let (offer, pending) = h.offer(MediaKind::Video);
    let answer = h.sfu.add_viewer(ViewerId(1), CAMERA, &offer, h.now, None).unwrap();
    let candidates: Vec<&str> = answer.lines().filter(|l| l.starts_with("a=candidate:")).collect();
    assert_eq!(candidates.len(), 2, "{answer}");
    assert!(candidates[0].contains(" udp ") && candidates[1].contains(" tcp "), "UDP first: {candidates:?}");
    assert!(candidates[1].contains("tcptype passive"), "{candidates:?}");
    h.client.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
    for _ in 0..100 {
        h.pump();
        if h.connected && !h.got.is_empty() {
            break;
        }
        h.advance(Duration::from_millis(20));
    }
    assert!(h.connected, "ICE and DTLS completed over TCP");
    h.push(frame(2, false, 3_600, h.now));
    assert_eq!(h.tags(), vec![1, 2]);
    assert!(!h.sent_over.is_empty() && h.sent_over.iter().all(|p| *p == Protocol::Tcp), "nothing went over UDP");
}

#[test]
fn keyframe_requests_are_served_from_the_cache() {
    let mut h = Harness::new();
    h.push(frame(1, true, 0, h.now));
    h.connect();
    h.push(frame(2, false, 3_600, h.now));
    h.advance(Duration::from_secs(1));
    h.client.direct_api().stream_rx_by_mid(h.mid, None).unwrap().request_keyframe(KeyframeRequestKind::Pli);
    h.advance(Duration::from_millis(100));
    // The keyframe and the frame after it came again, at later timestamps.
    assert_eq!(h.tags(), vec![1, 2, 1, 2]);
    for pair in h.got.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        let step = pair[1].time.wrapping_sub(pair[0].time);
        assert!(step < 90_000, "time went backwards by {}", u32::MAX - step);
    }
}

#[test]
fn after_a_camera_restart_viewers_wait_for_its_next_keyframe() {
    let mut h = Harness::new();
    h.push(frame(1, true, 500_000, h.now));
    h.connect();
    let last = h.got.last().unwrap().time;
    h.sfu.camera_restarted(CAMERA);
    h.push(frame(2, false, 3_600, h.now));
    assert_eq!(h.tags(), vec![1], "a P frame of the new stream cannot be decoded yet");
    h.push(frame(3, true, 7_200, h.now));
    assert_eq!(h.tags(), vec![1, 3]);
    let step = h.got.last().unwrap().time.wrapping_sub(last);
    assert!(step > 0 && step < 90_000, "timestamps continue forward across the restart");
}

#[test]
fn a_dtls_flight_that_overtakes_the_check_answers_is_kept_not_lost() {
    let mut h = Harness::new();
    h.push(frame(1, true, 0, h.now));
    h.dtls_first = true;
    h.connect();
    let first = h.first_dtls.expect("the client sent DTLS before answering the SFU's checks");
    // Connected as soon as the SFU's next check is answered, without waiting for the client to
    // resend its flight (str0m's first DTLS resend is after 1 s; a browser's after 600 ms).
    let took = h.now - first;
    assert!(took < Duration::from_millis(400), "connected {took:?} after the first DTLS flight");
}

#[test]
fn a_viewer_that_vanishes_is_reaped() {
    let mut h = Harness::new();
    h.push(frame(1, true, 0, h.now));
    let id = h.connect();
    assert_eq!(h.sfu.viewer_count(), 1);
    h.client_online = false;
    h.advance(Duration::from_secs(30));
    assert_eq!(h.gone, vec![GoneReason::TimedOut]);
    assert_eq!(h.sfu.viewer_count(), 0);
    // The player's DELETE may arrive after the SFU noticed: it succeeds once.
    assert_eq!(h.sfu.remove_viewer(id), Ok(()));
    assert_eq!(h.sfu.remove_viewer(id), Err(SfuError::UnknownViewer));
}

#[test]
fn a_viewer_that_never_connects_is_reaped() {
    let mut h = Harness::new();
    h.push(frame(1, true, 0, h.now));
    h.join();
    h.client_online = false;
    h.advance(JOIN_TIMEOUT + Duration::from_secs(1));
    assert_eq!(h.gone.len(), 1);
    assert_eq!(h.sfu.viewer_count(), 0);
}

#[test]
fn closing_a_viewer_releases_it() {
    let mut h = Harness::new();
    h.push(frame(1, true, 0, h.now));
    let id = h.connect();
    h.sfu.remove_viewer(id).unwrap();
    h.pump();
    assert_eq!(h.gone, vec![GoneReason::Closed]);
    assert_eq!(h.sfu.remove_viewer(id), Err(SfuError::UnknownViewer), "a second DELETE finds nothing");
    assert_eq!(h.sfu.viewers_of(CAMERA), 0);
}

#[test]
fn malformed_or_unusable_offers_are_refused_with_a_reason() {
    let mut h = Harness::new();
    let now = h.now;
    assert_eq!(h.sfu.add_viewer(ViewerId(1), CAMERA, "v=0\r\n", now, None), Err(SfuError::NoPicture));
    h.push(frame(1, true, 0, now));
    match h.sfu.add_viewer(ViewerId(1), CAMERA, "hello", now, None) {
        Err(SfuError::BadOffer(reason)) => assert!(!reason.is_empty()),
        other => panic!("expected BadOffer, got {other:?}"),
    }
    let (audio_only, _) = h.offer(MediaKind::Audio);
    assert_eq!(h.sfu.add_viewer(ViewerId(2), CAMERA, &audio_only, now, None), Err(SfuError::NoH264));
    assert_eq!(h.sfu.viewer_count(), 0);
}

/// A fresh peer's offer to receive video.
fn video_offer(now: Instant) -> String {
    let mut rtc = Rtc::builder().set_rtp_mode(true).build(now);
    rtc.add_local_candidate(Candidate::host(client_addr(), "udp").unwrap());
    let mut change = rtc.sdp_api();
    change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
    change.apply().unwrap().0.to_sdp_string()
}

#[test]
fn floods_of_offers_meet_the_limits_and_real_viewers_still_join() {
    let now = Instant::now();
    let mut sfu =
        Sfu::with_limits(&Transports::udp(&[sfu_addr()]), ViewerLimits { total: 6, per_camera: 4, per_address: 2 });
    let other = CameraId(8);
    sfu.push_frame(CAMERA, frame(1, true, 90_000, now), now);
    sfu.push_frame(other, frame(1, true, 90_000, now), now);
    let flood: std::net::IpAddr = "203.0.113.5".parse().unwrap();
    let mut next = 0;
    let mut join = |sfu: &mut Sfu, camera, from: &str| {
        next += 1;
        sfu.add_viewer(ViewerId(next), camera, &video_offer(now), now, Some(from.parse().unwrap()))
    };
    // One address: two sessions, then 429s, whatever camera.
    assert!(join(&mut sfu, CAMERA, "203.0.113.5").is_ok());
    assert!(join(&mut sfu, other, "203.0.113.5").is_ok());
    for _ in 0..50 {
        assert_eq!(join(&mut sfu, CAMERA, "203.0.113.5"), Err(SfuError::TooManyViewers(Limit::Address)));
    }
    assert_eq!(sfu.index.count_from(flood), 2);
    // Others join until the camera is full, then the whole SFU.
    for i in 0..3 {
        assert!(join(&mut sfu, CAMERA, &format!("198.51.100.{i}")).is_ok());
    }
    assert_eq!(join(&mut sfu, CAMERA, "198.51.100.9"), Err(SfuError::TooManyViewers(Limit::Camera)));
    assert!(join(&mut sfu, other, "198.51.100.9").is_ok());
    assert_eq!(join(&mut sfu, other, "198.51.100.10"), Err(SfuError::TooManyViewers(Limit::Total)));
    assert_eq!(sfu.viewer_count(), 6);
    // A session that ends frees its place.
    sfu.remove_viewer(ViewerId(1)).unwrap();
    assert!(join(&mut sfu, CAMERA, "203.0.113.5").is_ok());
}

#[test]
fn trickled_candidates_are_capped_per_session() {
    let mut h = Harness::new();
    let t0 = h.now;
    h.push(frame(1, true, 90_000, t0));
    let id = h.join();
    let one = "a=candidate:1 1 udp 2130706431 127.0.0.1 6001 typ host\r\n";
    assert!(h.sfu.add_remote_candidates(id, &one.repeat(MAX_REMOTE_CANDIDATES), h.now).is_ok());
    assert_eq!(h.sfu.add_remote_candidates(id, one, h.now), Err(SfuError::TooManyCandidates));
}
