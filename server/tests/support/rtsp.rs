//! A real RTSP camera for tests: GStreamer's RTSP server through scripts/rtsp-camera.py.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PYTHON: &str = "/usr/bin/python3";
const CAMERA_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/rtsp-camera.py");

/// Whether Debian's Python can load GStreamer's RTSP server (scripts/lib.sh installs it). Without
/// it the tests skip, unless `MINGCHU_REQUIRE_RTSP` is set (as scripts/test.sh does): then they fail.
pub fn rtsp_camera_available() -> bool {
    let available = Command::new(PYTHON)
        .args(["-c", "import gi; gi.require_version('GstRtspServer', '1.0')"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var_os("MINGCHU_REQUIRE_RTSP").is_none(),
            "MINGCHU_REQUIRE_RTSP is set but GStreamer's RTSP server is missing (scripts/lib.sh: setup_rtsp_camera)"
        );
        eprintln!("skipped: {PYTHON} cannot load GstRtspServer; install it with scripts/lib.sh's setup_rtsp_camera");
    }
    available
}

/// A port nothing listens on right now (GStreamer's RTSP server cannot report port 0 reliably).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

/// The RTSP camera process, killed (like a power cut) when dropped.
pub struct Camera {
    child: Child,
}

impl Camera {
    /// Starts the camera on `port` (with `extra` arguments of rtsp-camera.py) and waits
    /// until it serves.
    pub fn start(port: u16, extra: &[&str]) -> Camera {
        let mut child = Command::new(PYTHON)
            .arg(CAMERA_SCRIPT)
            .args(["--port", &port.to_string(), "--path", "/cam"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start scripts/rtsp-camera.py");
        let stdout = child.stdout.take().expect("stdout is piped");
        let camera = Camera { child };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("ready ") {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(30)).expect("the RTSP camera announced it is ready");
        camera
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
