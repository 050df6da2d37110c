//! A real WebRTC viewer speaking WHEP (the `webrtc` crate, as a browser would): it posts an
//! offer to `/whep/{camera}`, receives the camera's H.264 over SRTP, rebuilds access units from
//! the RTP packets and decodes them with OpenH264, so tests see pictures, not just packets.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openh264::formats::YUVSource;
use tokio::sync::mpsc;
use webrtc::api::interceptor_registry::register_default_interceptors;
use webrtc::api::media_engine::{MediaEngine, MIME_TYPE_H264};
use webrtc::api::setting_engine::SettingEngine;
use webrtc::api::APIBuilder;
use webrtc::ice::network_type::NetworkType;
use webrtc::interceptor::registry::Registry;
use webrtc::peer_connection::configuration::RTCConfiguration;
use webrtc::peer_connection::sdp::session_description::RTCSessionDescription;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp::codecs::h264::H264Packet;
use webrtc::rtp::packetizer::Depacketizer;
use webrtc::rtp_transceiver::rtp_codec::{RTCRtpCodecCapability, RTCRtpCodecParameters, RTPCodecType};
use webrtc::rtp_transceiver::rtp_transceiver_direction::RTCRtpTransceiverDirection;
use webrtc::rtp_transceiver::{RTCPFeedback, RTCRtpTransceiverInit};
use webrtc::track::track_remote::TrackRemote;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// How long `connect` keeps retrying while the server answers 503 (camera still connecting).
const CONNECT_PATIENCE: Duration = Duration::from_secs(10);

/// A decoded picture.
#[derive(Clone, Copy, Debug)]
pub struct Picture {
    pub width: usize,
    pub height: usize,
    /// When the last packet of its access unit arrived (not when it was decoded).
    pub at: Instant,
}

pub struct WhepViewer {
    pc: Arc<RTCPeerConnection>,
    http: reqwest::Client,
    /// Absolute URL of the WHEP session resource (the answer's `Location`).
    pub session_url: String,
    /// The SDP offer this viewer sent, with all its candidates.
    pub offer: String,
    /// The SDP answer, as the server sent it.
    pub answer: String,
    pictures: mpsc::UnboundedReceiver<Picture>,
}

impl WhepViewer {
    /// Negotiates a receive-only video session with `base` (`http://host:port`) for a camera.
    pub async fn connect(base: &str, camera_id: i64) -> Result<WhepViewer, Error> {
        let (pc, pictures, offer) = offer().await?;
        let http = reqwest::Client::new();
        let deadline = Instant::now() + CONNECT_PATIENCE;
        let res = loop {
            let res = http
                .post(format!("{base}/whep/{camera_id}"))
                .header("content-type", "application/sdp")
                .body(offer.clone())
                .send()
                .await?;
            if res.status() != reqwest::StatusCode::SERVICE_UNAVAILABLE || Instant::now() >= deadline {
                break res;
            }
            tokio::time::sleep(retry_after(&res).min(deadline - Instant::now())).await;
        };
        let status = res.status();
        // Where the offer ended up: a media node may have redirected it (307) to another.
        let answered_at = res.url().clone();
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
        let answer = res.text().await?;
        if status != reqwest::StatusCode::CREATED {
            return Err(format!("POST /whep/{camera_id}: {status}: {answer}").into());
        }
        let location = location.ok_or("201 without Location")?;
        let session_url =
            answered_at.join(&location).map_err(|e| format!("bad Location {location:?}: {e}"))?.to_string();
        pc.set_remote_description(RTCSessionDescription::answer(answer.clone())?).await?;
        Ok(WhepViewer { pc, http, session_url, offer, answer, pictures })
    }

    /// The next picture decoded at or after `since`, waiting at most `timeout`.
    pub async fn picture_after(&mut self, since: Instant, timeout: Duration) -> Option<Picture> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.pictures.recv()).await {
                Ok(Some(picture)) if picture.at >= since => return Some(picture),
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Ends the session: DELETE on its resource, then closes the peer connection.
    pub async fn close(self) -> Result<reqwest::StatusCode, Error> {
        let status = self.http.delete(&self.session_url).send().await?.status();
        self.pc.close().await?;
        Ok(status)
    }
}

/// A complete offer of a receive-only H.264 viewer, for requests that need a valid one.
pub async fn h264_offer() -> String {
    let (pc, _pictures, offer) = offer().await.expect("offer");
    let _ = pc.close().await;
    offer
}

/// A receive-only peer connection, its decoded pictures and its complete offer.
async fn offer() -> Result<(Arc<RTCPeerConnection>, mpsc::UnboundedReceiver<Picture>, String), Error> {
    let mut media = MediaEngine::default();
    register_h264_like_chrome(&mut media)?;
    let interceptors = register_default_interceptors(Registry::new(), &mut media)?;
    // The server listens on loopback in tests: gather loopback candidates too, IPv4 only.
    let mut settings = SettingEngine::default();
    settings.set_include_loopback_candidate(true);
    settings.set_network_types(vec![NetworkType::Udp4]);
    let api = APIBuilder::new()
        .with_media_engine(media)
        .with_interceptor_registry(interceptors)
        .with_setting_engine(settings)
        .build();
    let pc = Arc::new(api.new_peer_connection(RTCConfiguration::default()).await?);
    let init = RTCRtpTransceiverInit { direction: RTCRtpTransceiverDirection::Recvonly, send_encodings: vec![] };
    pc.add_transceiver_from_kind(RTPCodecType::Video, Some(init)).await?;

    let (tx, pictures) = mpsc::unbounded_channel();
    pc.on_track(Box::new(move |track, _, _| {
        let tx = tx.clone();
        Box::pin(async move {
            tokio::spawn(receive(track, tx));
        })
    }));

    // Non-trickle WHEP: the offer carries every candidate.
    let offer = pc.create_offer(None).await?;
    let mut gathered = pc.gathering_complete_promise().await;
    pc.set_local_description(offer).await?;
    let _ = gathered.recv().await;
    let offer = pc.local_description().await.ok_or("no local description")?.sdp;

    Ok((pc, pictures, offer))
}

/// Offers H.264 in packetization mode 1 as Chrome does (Constrained Baseline, Baseline, Main,
/// Constrained High, High at level 3.1), and nothing else: this viewer decodes only H.264.
fn register_h264_like_chrome(media: &mut MediaEngine) -> Result<(), Error> {
    let feedback = [("goog-remb", ""), ("transport-cc", ""), ("ccm", "fir"), ("nack", ""), ("nack", "pli")]
        .map(|(typ, parameter)| RTCPFeedback { typ: typ.into(), parameter: parameter.into() });
    for (payload_type, profile_level_id) in
        [(102, "42e01f"), (104, "42001f"), (106, "4d001f"), (108, "640c1f"), (110, "64001f")]
    {
        let capability = RTCRtpCodecCapability {
            mime_type: MIME_TYPE_H264.into(),
            clock_rate: 90_000,
            channels: 0,
            sdp_fmtp_line: format!(
                "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={profile_level_id}"
            ),
            rtcp_feedback: feedback.to_vec(),
        };
        let codec = RTCRtpCodecParameters { capability, payload_type, ..Default::default() };
        media.register_codec(codec, RTPCodecType::Video)?;
    }
    Ok(())
}

/// `Retry-After` in seconds, or one second when absent or unreadable.
fn retry_after(res: &reqwest::Response) -> Duration {
    let secs = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    Duration::from_secs(secs.unwrap_or(1))
}

/// Reads the track's RTP until it ends, groups Annex B NAL units into access units (one RTP
/// timestamp, closed by the marker bit) and hands them to a decoder thread.
async fn receive(track: Arc<TrackRemote>, pictures: mpsc::UnboundedSender<Picture>) {
    let (units, decoder_input) = std::sync::mpsc::channel::<(Vec<u8>, Instant)>();
    std::thread::spawn(move || decode(decoder_input, pictures));
    let mut depacketizer = H264Packet::default();
    let mut unit = Vec::new();
    let mut last: Option<(u16, u32)> = None;
    while let Ok((packet, _)) = track.read_rtp().await {
        let (seq, ts) = (packet.header.sequence_number, packet.header.timestamp);
        if let Some((last_seq, last_ts)) = last {
            if seq != last_seq.wrapping_add(1) {
                // A gap: the unit in progress (and any half-built fragment) is broken.
                unit.clear();
                depacketizer = H264Packet::default();
            } else if ts != last_ts && !unit.is_empty() {
                // The previous unit ended without a marker bit.
                let _ = units.send((std::mem::take(&mut unit), Instant::now()));
            }
        }
        last = Some((seq, ts));
        if let Ok(nals) = depacketizer.depacketize(&packet.payload) {
            unit.extend_from_slice(&nals);
        }
        let complete = packet.header.marker && !unit.is_empty();
        if complete && units.send((std::mem::take(&mut unit), Instant::now())).is_err() {
            return;
        }
    }
}

/// Decodes access units until the receiver goes away, reporting every picture.
fn decode(units: std::sync::mpsc::Receiver<(Vec<u8>, Instant)>, pictures: mpsc::UnboundedSender<Picture>) {
    let Ok(mut decoder) = openh264::decoder::Decoder::new() else { return };
    for (unit, at) in units {
        // Errors are expected until the first keyframe (and after a gap): keep going.
        if let Ok(Some(yuv)) = decoder.decode(&unit) {
            let (width, height) = yuv.dimensions();
            if pictures.send(Picture { width, height, at }).is_err() {
                return;
            }
        }
    }
}
