//! Relay cost benchmark (run with `scripts/bench-media.sh`): N viewers connect in memory (real
//! ICE, DTLS and SRTP with a fake clock), then camera frames at about 2 Mbit/s are pushed and the
//! SFU's own work per frame is timed: packet rewriting, SRTP encryption and datagram output for
//! every viewer. Ignored in normal test runs.

use super::*;
use bytes::Bytes;
use str0m::change::SdpAnswer;
use str0m::media::{Direction, MediaKind};
use str0m::{Event, Output, Rtc};

const CAMERA: CameraId = CameraId(1);
const FPS: u32 = 25;
/// 2 Mbit/s at 25 fps: 10 kB per frame on average; keyframes 4× that.
const P_FRAME: usize = 8_000;
const KEY_FRAME: usize = 40_000;

fn frame(n: u32, now: Instant) -> Arc<Frame> {
    let keyframe = n.is_multiple_of(FPS);
    let mut data = vec![0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1f, 0x8c, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 0, 1];
    data.push(if keyframe { 0x65 } else { 0x41 });
    data.extend(std::iter::repeat_n(0x5a, if keyframe { KEY_FRAME } else { P_FRAME }));
    if !keyframe {
        data.drain(..17);
    }
    Arc::new(Frame::new(Bytes::from(data), keyframe, n * 3_600, now))
}

struct Peer {
    rtc: Rtc,
    addr: SocketAddr,
}

fn drain(peer: &mut Peer, out: &mut Vec<Transmit>) -> bool {
    let mut connected = false;
    while let Ok(o) = peer.rtc.poll_output() {
        match o {
            Output::Timeout(_) => break,
            Output::Transmit(t) => out.push(t),
            Output::Event(Event::Connected) => connected = true,
            Output::Event(_) => {}
        }
    }
    connected
}

/// Connects `n` viewers; returns the SFU and the time.
fn connected_sfu(n: usize) -> (Sfu, Instant) {
    let server: SocketAddr = "10.0.0.1:5000".parse().unwrap();
    let mut now = Instant::now();
    let mut sfu = Sfu::new(&[server]);
    sfu.push_frame(CAMERA, frame(0, now), now);
    let mut peers = Vec::new();
    for i in 0..n {
        let addr: SocketAddr = format!("10.1.{}.{}:6000", i / 250, i % 250 + 1).parse().unwrap();
        let mut rtc = Rtc::builder().set_rtp_mode(true).build(now);
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        let mut change = rtc.sdp_api();
        change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        let answer = sfu.add_viewer(ViewerId(i as u64), CAMERA, &offer.to_sdp_string(), now, None).unwrap();
        rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
        peers.push(Peer { rtc, addr });
    }
    let mut connected = vec![false; n];
    for _ in 0..500 {
        now += Duration::from_millis(10);
        let mut to_sfu = Vec::new();
        for (i, p) in peers.iter_mut().enumerate() {
            p.rtc.handle_input(Input::Timeout(now)).unwrap();
            connected[i] |= drain(p, &mut to_sfu);
        }
        sfu.handle_timeout(now);
        for _ in 0..20 {
            for t in to_sfu.drain(..) {
                sfu.receive(now, t.proto, t.source, t.destination, &t.contents);
            }
            while let Some(o) = sfu.poll_output() {
                if let SfuOutput::Transmit(t) = o {
                    if let Some((i, p)) = peers.iter_mut().enumerate().find(|(_, p)| p.addr == t.destination) {
                        let input = Input::Receive(
                            now,
                            Receive::new(Protocol::Udp, t.source, t.destination, &t.contents).unwrap(),
                        );
                        p.rtc.handle_input(input).unwrap();
                        connected[i] |= drain(p, &mut to_sfu);
                    }
                }
            }
            if to_sfu.is_empty() {
                break;
            }
        }
        if connected.iter().all(|c| *c) {
            return (sfu, now);
        }
    }
    panic!("only {} of {n} viewers connected", connected.iter().filter(|c| **c).count());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
#[ignore = "benchmark: scripts/bench-media.sh"]
fn relay_cost_per_viewer() {
    println!("viewers | frame fan-out median (µs) | p-frame µs/viewer | CPU per viewer at 2 Mbit/s (% of a core) | viewers per core");
    for n in [1usize, 10, 50, 200] {
        let (mut sfu, mut now) = connected_sfu(n);
        let mut per_frame = Vec::new();
        let mut bytes = 0usize;
        for k in 1..=(FPS * 4) {
            now += Duration::from_millis(40);
            let f = frame(k, now);
            let start = Instant::now();
            sfu.push_frame(CAMERA, f, now);
            while let Some(o) = sfu.poll_output() {
                if let SfuOutput::Transmit(t) = o {
                    bytes += t.contents.len();
                }
            }
            per_frame.push(start.elapsed().as_secs_f64() * 1e6);
        }
        assert!(bytes > n * P_FRAME * 90, "every viewer got the frames ({bytes} bytes)");
        let total: f64 = per_frame.iter().sum();
        let cpu_per_viewer = total / 1e6 / 4.0 / n as f64;
        println!(
            "{n:>7} | {:>25.0} | {:>17.1} | {:>38.3} | {:>16.0}",
            median(per_frame.clone()),
            median(per_frame) / n as f64,
            cpu_per_viewer * 100.0,
            1.0 / cpu_per_viewer
        );
    }
}
