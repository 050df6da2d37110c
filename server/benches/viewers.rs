//! Viewer load on one SFU core, over real UDP: a GStreamer RTSP camera (360p, 2 Mbit/s) is
//! pulled by the release `mingchu` pinned to core 0, and N light WebRTC receivers (str0m peers
//! doing real ICE, DTLS and SRTP decryption, all on one thread pinned to core 1) watch it over
//! WHEP. For each N the server's CPU time over a fixed window gives its cost per viewer.
//! Run with `scripts/bench-media.sh` (or `cargo bench -p server --bench viewers`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use str0m::change::SdpAnswer;
use str0m::media::{Direction, MediaKind};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};

const COUNTS: [usize; 5] = [1, 25, 50, 100, 200];
const WINDOW: Duration = Duration::from_secs(10);
const CAMERA_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/rtsp-camera.py");

/// One receiving peer on its own socket.
struct Viewer {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    session: String,
    packets: u64,
    bytes: u64,
}

impl Viewer {
    fn new(now: Instant) -> (Viewer, String, str0m::change::SdpPendingOffer) {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let local = socket.local_addr().unwrap();
        let mut rtc = Rtc::builder().set_rtp_mode(true).build(now);
        rtc.add_local_candidate(Candidate::host(local, "udp").unwrap());
        let mut change = rtc.sdp_api();
        change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        (Viewer { rtc, socket, local, session: String::new(), packets: 0, bytes: 0 }, offer.to_sdp_string(), pending)
    }

    /// Drains the peer after an input, sending what it wants to send.
    fn drain(&mut self) {
        while let Ok(out) = self.rtc.poll_output() {
            match out {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    let _ = self.socket.send_to(&t.contents, t.destination);
                }
                Output::Event(Event::RtpPacket(p)) => {
                    self.packets += 1;
                    self.bytes += p.payload.len() as u64;
                }
                Output::Event(_) => {}
            }
        }
    }
}

/// Runs every viewer for `d` on this thread: receive, decrypt, answer, keep ICE alive.
fn pump(viewers: &mut [Viewer], d: Duration) {
    let end = Instant::now() + d;
    let mut buf = vec![0u8; 2000];
    let mut last_tick = Instant::now();
    while Instant::now() < end {
        let mut idle = true;
        for v in viewers.iter_mut() {
            while let Ok((n, from)) = v.socket.recv_from(&mut buf) {
                idle = false;
                let Ok(r) = Receive::new(Protocol::Udp, from, v.local, &buf[..n]) else { continue };
                if v.rtc.handle_input(Input::Receive(Instant::now(), r)).is_ok() {
                    v.drain();
                }
            }
        }
        if last_tick.elapsed() >= Duration::from_millis(5) {
            last_tick = Instant::now();
            for v in viewers.iter_mut() {
                let _ = v.rtc.handle_input(Input::Timeout(last_tick));
                v.drain();
            }
        }
        if idle {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("server stat");
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0 // USER_HZ
}

fn pin(core: u32) {
    // Best effort: the load generator on its own core, away from the server's.
    let _ = Command::new("taskset").args(["-pc", &core.to_string(), &std::process::id().to_string()]).output();
}

struct Camera(Child);

impl Drop for Camera {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_camera(port: u16) -> Camera {
    let mut child = Command::new("taskset")
        .args(["-c", "1", "/usr/bin/python3", CAMERA_SCRIPT, "--port", &port.to_string()])
        // Snow fills the encoder's 2 Mbit/s whatever the resolution; 360p keeps x264 light.
        .args(["--pattern", "snow", "--bitrate", "2000", "--width", "640", "--height", "360"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the RTSP camera (scripts/lib.sh: setup_rtsp_camera)");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.starts_with("ready ") {
            std::thread::spawn(move || lines.for_each(drop));
            return Camera(child);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the RTSP camera did not start");
}

fn main() {
    let cores = num_cpus();
    pin(1);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _camera = start_camera(port);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mingchu = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mingchu")).arg("--data-dir").arg(&data).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    mingchu(&["seed-demo"]);
    let url = format!("rtsp://127.0.0.1:{port}/cam");
    let id = mingchu(&["camera", "add", "--venue", "1", "--name", "bench", "--area", "cooking", "--url", &url]);
    let id = id.trim().to_string();
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    let mut serve = Command::new("taskset");
    serve.args(["-c", "0", env!("CARGO_BIN_EXE_mingchu"), "--data-dir"]).arg(&data);
    serve.args(["serve", "--bind", "127.0.0.1:0", "--webrtc-bind", "127.0.0.1:0", "--site-root"]);
    serve.arg(dir.path().join("site"));
    let server = support::Server::launch(serve, dir);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = reqwest::Client::new();
    let http = |url: &str, offer: &str| rt.block_on(post_offer(&client, url, offer));
    let http_delete = |url: &str| rt.block_on(async { client.delete(url).send().await.map(|r| r.status()) });

    println!("machine: {cores} cores; server pinned to core 0, camera and receivers to core 1");
    println!("viewers | server CPU (% of one core) | per added viewer | Mbit/s received per viewer | viewers per core (extrapolated)");
    let mut base: Option<f64> = None;
    for n in COUNTS {
        let now = Instant::now();
        let mut viewers = Vec::new();
        for _ in 0..n {
            let (mut v, offer, pending) = Viewer::new(now);
            let res = http(&format!("{}/whep/{id}", server.base), &offer);
            v.session = res.1;
            v.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&res.0).unwrap()).unwrap();
            viewers.push(v);
        }
        pump(&mut viewers, Duration::from_secs(3)); // connect and settle
        for v in viewers.iter_mut() {
            v.packets = 0;
            v.bytes = 0;
        }
        let cpu0 = cpu_seconds(server.pid());
        let t0 = Instant::now();
        pump(&mut viewers, WINDOW);
        let cpu = (cpu_seconds(server.pid()) - cpu0) / t0.elapsed().as_secs_f64();
        let starved = viewers.iter().filter(|v| v.packets == 0).count();
        let mbps = viewers.iter().map(|v| v.bytes).sum::<u64>() as f64 * 8.0 / 1e6 / WINDOW.as_secs_f64() / n as f64;
        let per = base.map(|b| (cpu - b) / (n - 1) as f64);
        base.get_or_insert(cpu);
        println!(
            "{n:>7} | {:>26.1} | {:>16} | {:>26.2} | {:>31}{}",
            cpu * 100.0,
            per.map_or("—".into(), |p| format!("{:.3} %", p * 100.0)),
            mbps,
            per.map_or("—".into(), |p| format!("{:.0}", 1.0 / p)),
            if starved > 0 { format!("  ({starved} viewers got nothing)") } else { String::new() }
        );
        for v in &viewers {
            let _ = http_delete(&format!("{}{}", server.base, v.session));
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// POSTs a WHEP offer, retrying while the camera starts (503); returns the answer and Location.
async fn post_offer(client: &reqwest::Client, url: &str, offer: &str) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let res = client
            .post(url)
            .header("content-type", "application/sdp")
            .body(offer.to_string())
            .send()
            .await
            .expect("POST offer");
        let status = res.status();
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_string();
        let body = res.text().await.expect("answer");
        if status == 201 {
            return (body, location);
        }
        assert!(status == 503 && Instant::now() < deadline, "POST {url}: {status} {body}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
