//! A real camera over RTSP, through retina. Credentials travel separately from the URL and
//! never reach a log line.

use super::{RtspTransport, Source, SourceError, SourceFrame};
use bytes::Bytes;
use futures::StreamExt;
use retina::client::{Credentials, Demuxed, PlayOptions, Session, SessionOptions, SetupOptions, Transport};
use retina::codec::{CodecItem, FrameFormat};
use std::pin::Pin;
use std::time::Duration;

/// How long DESCRIBE/SETUP/PLAY may take together.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Rtsp {
    stream: Pin<Box<Demuxed>>,
    video: usize,
    /// The camera's last sender report: its wall clock and the RTP time it matches.
    report: Option<(chrono::DateTime<chrono::Utc>, u32)>,
}

impl Rtsp {
    pub async fn connect(url: &str, transport: RtspTransport) -> Result<Rtsp, SourceError> {
        tokio::time::timeout(CONNECT_TIMEOUT, Self::connect_inner(url, transport))
            .await
            .map_err(|_| SourceError::Connect("no answer within 10 s".into()))?
    }

    async fn connect_inner(url: &str, transport: RtspTransport) -> Result<Rtsp, SourceError> {
        let (url, creds) = split_credentials(url)?;
        let options =
            SessionOptions::default().creds(creds).user_agent(format!("mingchu/{}", env!("CARGO_PKG_VERSION")));
        let mut session = Session::describe(url, options).await.map_err(|e| SourceError::Connect(e.to_string()))?;
        let streams = session.streams();
        let video = streams
            .iter()
            .position(|s| s.media() == "video")
            .ok_or_else(|| SourceError::Connect("the camera offers no video stream".into()))?;
        match streams[video].encoding_name() {
            "h264" => {}
            "h265" => return Err(SourceError::Unplayable("H.265/HEVC".into())),
            other => return Err(SourceError::Unplayable(other.to_uppercase())),
        }
        let transport = match transport {
            RtspTransport::Tcp => Transport::Tcp(Default::default()),
            RtspTransport::Udp => Transport::Udp(Default::default()),
        };
        session
            .setup(video, SetupOptions::default().transport(transport).frame_format(FrameFormat::SIMPLE))
            .await
            .map_err(|e| SourceError::Connect(e.to_string()))?;
        let playing = session.play(PlayOptions::default()).await.map_err(|e| SourceError::Connect(e.to_string()))?;
        let demuxed = playing.demuxed().map_err(|e| SourceError::Connect(e.to_string()))?;
        Ok(Rtsp { stream: Box::pin(demuxed), video, report: None })
    }
}

#[async_trait::async_trait]
impl Source for Rtsp {
    async fn next_frame(&mut self) -> Result<SourceFrame, SourceError> {
        loop {
            match self.stream.next().await {
                Some(Ok(CodecItem::VideoFrame(frame))) if frame.stream_id() == self.video => {
                    let keyframe = frame.is_random_access_point();
                    let rtp_time = frame.timestamp().timestamp() as u32;
                    let camera_time = self.report.map(|(wall, rtp)| camera_clock(wall, rtp, rtp_time));
                    return Ok(SourceFrame { annexb: Bytes::from(frame.into_data()), keyframe, rtp_time, camera_time });
                }
                Some(Ok(CodecItem::Rtcp(rtcp))) if rtcp.stream_id() == self.video => {
                    for packet in rtcp.pkts() {
                        if let Ok(Some(sr)) = packet.as_sender_report() {
                            if let Some(wall) = ntp_to_utc(sr.ntp_timestamp().0) {
                                self.report = Some((wall, sr.rtp_timestamp()));
                            }
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(SourceError::Stream(e.to_string())),
                None => return Err(SourceError::Ended),
            }
        }
    }
}

/// NTP (seconds since 1900 in the high 32 bits, a binary fraction in the low) to UTC; `None`
/// for a clock that was never set (zero) or out of range.
fn ntp_to_utc(ntp: u64) -> Option<chrono::DateTime<chrono::Utc>> {
    const UNIX_FROM_1900: i64 = 2_208_988_800;
    let seconds = (ntp >> 32) as i64 - UNIX_FROM_1900;
    let nanos = ((ntp & 0xffff_ffff) * 1_000_000_000) >> 32;
    (ntp != 0).then(|| chrono::DateTime::from_timestamp(seconds, nanos as u32)).flatten()
}

/// The camera's clock at `rtp` (90 kHz), from a report that `wall` matched `report_rtp`.
fn camera_clock(wall: chrono::DateTime<chrono::Utc>, report_rtp: u32, rtp: u32) -> chrono::DateTime<chrono::Utc> {
    let ticks = rtp.wrapping_sub(report_rtp) as i32 as i64;
    wall + chrono::Duration::microseconds(ticks * 1_000_000 / 90_000)
}

/// retina refuses URLs with credentials: take them out and pass them on their own.
fn split_credentials(url: &str) -> Result<(url::Url, Option<Credentials>), SourceError> {
    let mut parsed = url::Url::parse(url).map_err(|e| SourceError::Connect(format!("invalid RTSP URL: {e}")))?;
    let decode = |s: &str| percent_decode(s);
    let creds = (!parsed.username().is_empty()).then(|| Credentials {
        username: decode(parsed.username()),
        password: decode(parsed.password().unwrap_or("")),
    });
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    Ok((parsed, creds))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cameras_clock_comes_from_its_sender_reports() {
        // 2026-12-02T08:00:00.5Z in NTP: seconds since 1900, half a second as the fraction.
        let ntp = ((1_796_198_400u64 + 2_208_988_800) << 32) | 0x8000_0000;
        let wall = ntp_to_utc(ntp).unwrap();
        assert_eq!(wall.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "2026-12-02T08:00:00.500Z");
        assert_eq!(ntp_to_utc(0), None);
        // A picture 1 s after the report, across the RTP clock's wrap; one 2 s before it.
        let later = camera_clock(wall, u32::MAX - 44_999, 45_000);
        assert_eq!((later - wall).num_milliseconds(), 1000);
        assert_eq!((camera_clock(wall, 180_000, 0) - wall).num_milliseconds(), -2000);
    }

    #[test]
    fn credentials_are_taken_out_of_the_url() {
        let (url, creds) = split_credentials("rtsp://admin:p%40ss+1@10.1.2.3:554/Streaming/101").unwrap();
        assert_eq!(url.as_str(), "rtsp://10.1.2.3:554/Streaming/101");
        let creds = creds.unwrap();
        assert_eq!((creds.username.as_str(), creds.password.as_str()), ("admin", "p@ss+1"));
        assert!(split_credentials("rtsp://10.1.2.3/x").unwrap().1.is_none());
    }
}

#[cfg(test)]
mod recorded {
    //! Real cameras' replies and streams, recorded from GStreamer's RTSP server and replayed
    //! over TCP to this source (retina underneath).

    use super::super::replay::{Recorded, Replay};
    use super::*;
    use crate::h264::{self, ProfileLevel};

    async fn frames(source: &mut Rtsp) -> (Vec<SourceFrame>, SourceError) {
        let mut frames = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_secs(10), source.next_frame()).await.expect("no stall") {
                Ok(frame) => frames.push(frame),
                Err(end) => return (frames, end),
            }
        }
    }

    #[tokio::test]
    async fn a_recorded_h264_camera_with_digest_authentication_yields_its_frames_then_ends() {
        let replay = Replay::start(Recorded::load("h264-digest")).await;
        let mut source = Rtsp::connect(&replay.url(Some("admin:secret")), RtspTransport::Tcp).await.unwrap();
        let (frames, end) = frames(&mut source).await;
        // Three seconds at 25 fps, a keyframe every second.
        assert!((70..=76).contains(&frames.len()), "{} frames", frames.len());
        let keyframes: Vec<&SourceFrame> = frames.iter().filter(|f| f.keyframe).collect();
        assert!((2..=4).contains(&keyframes.len()), "{} keyframes", keyframes.len());
        let sps = h264::nal_units(&keyframes[0].annexb).find(|u| h264::nal_type(u) == 7).expect("SPS in a keyframe");
        assert_eq!(ProfileLevel::from_sps(sps).map(|p| p.to_string()).as_deref(), Some("64001e"), "High 3.0");
        for pair in frames.windows(2) {
            assert_eq!(pair[1].rtp_time.wrapping_sub(pair[0].rtp_time), 3600, "25 fps on the 90 kHz clock");
        }
        // The camera closing its connection ends the stream with an error the supervisor retries.
        assert!(matches!(end, SourceError::Stream(_) | SourceError::Ended), "{end:?}");
    }

    #[tokio::test]
    async fn without_credentials_the_recorded_camera_refuses() {
        let replay = Replay::start(Recorded::load("h264-digest")).await;
        let err = Rtsp::connect(&replay.url(None), RtspTransport::Tcp).await.err().expect("refused");
        match err {
            SourceError::Connect(why) => assert!(why.contains("401 response to DESCRIBE"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_recorded_h265_camera_is_unplayable_in_browsers() {
        let replay = Replay::start(Recorded::load("h265")).await;
        let err = Rtsp::connect(&replay.url(None), RtspTransport::Tcp).await.err().expect("refused");
        assert!(matches!(&err, SourceError::Unplayable(what) if what == "H.265/HEVC"), "{err:?}");
    }
}
