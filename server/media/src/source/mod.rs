//! Where a camera's pictures come from: a real camera over RTSP, or the synthetic kitchen the
//! embedded demo uses. Both yield H.264 access units in Annex B form on a 90 kHz clock.

#[cfg(test)]
pub(crate) mod replay;
mod rtsp;
pub mod scene;
mod synthetic;

use bytes::Bytes;
use mingchu_domain::vocab::CameraId;

/// How an RTSP camera's packets travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtspTransport {
    /// Interleaved in the RTSP TCP connection: works through NAT and firewalls (default).
    Tcp,
    /// Separate UDP ports: lower latency on a clean LAN, no retransmission.
    Udp,
}

impl RtspTransport {
    pub const CODES: [&'static str; 2] = ["tcp", "udp"];

    pub fn code(self) -> &'static str {
        match self {
            RtspTransport::Tcp => "tcp",
            RtspTransport::Udp => "udp",
        }
    }

    pub fn from_code(code: &str) -> Option<RtspTransport> {
        match code {
            "tcp" => Some(RtspTransport::Tcp),
            "udp" => Some(RtspTransport::Udp),
            _ => None,
        }
    }
}

/// What a camera is, as far as ingest cares.
#[derive(Clone)]
pub enum SourceSpec {
    Synthetic {
        camera: CameraId,
    },
    /// The URL may carry credentials: never log or show it; use [`redact`].
    Rtsp {
        url: String,
        transport: RtspTransport,
    },
}

impl std::fmt::Debug for SourceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceSpec::Synthetic { camera } => write!(f, "synthetic({camera})"),
            SourceSpec::Rtsp { url, transport } => write!(f, "{} ({})", redact(url), transport.code()),
        }
    }
}

/// One access unit from a source.
#[derive(Debug)]
pub struct SourceFrame {
    pub annexb: Bytes,
    pub keyframe: bool,
    /// 90 kHz presentation time; may start anywhere and wraps.
    pub rtp_time: u32,
    /// The camera's own wall clock at this picture, from its RTCP sender reports (RTSP only).
    pub camera_time: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("stream failed: {0}")]
    Stream(String),
    #[error("the stream ended")]
    Ended,
    /// The camera works, but browsers cannot play what it sends.
    #[error("codec not playable in browsers: {0}")]
    Unplayable(String),
}

#[async_trait::async_trait]
pub trait Source: Send {
    /// The next access unit; an error ends this connection (the supervisor reconnects).
    async fn next_frame(&mut self) -> Result<SourceFrame, SourceError>;
}

/// Connects to (or starts) the source.
pub async fn open(spec: &SourceSpec) -> Result<Box<dyn Source>, SourceError> {
    match spec {
        SourceSpec::Synthetic { camera } => Ok(Box::new(synthetic::Synthetic::start(*camera)?)),
        SourceSpec::Rtsp { url, transport } => Ok(Box::new(rtsp::Rtsp::connect(url, *transport).await?)),
    }
}

/// The URL with any password replaced by `***`, safe for logs and screens.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        // Unparseable: nothing of it can be shown safely.
        Err(_) => "(an unreadable URL)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_leave_redact() {
        assert_eq!(redact("rtsp://admin:s3cret@10.0.0.5:554/h264"), "rtsp://admin:***@10.0.0.5:554/h264");
        assert_eq!(redact("rtsp://10.0.0.5/live"), "rtsp://10.0.0.5/live");
        assert_eq!(redact("rtsp://a:b@c d/e"), "(an unreadable URL)");
    }
}
