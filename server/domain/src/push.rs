//! Pushing findings to the venue: what a notice says, how it is sent to the two group robots
//! Chinese workplaces use (a WeCom 企业微信 group robot, a DingTalk 钉钉 robot with its signed
//! secret) or to a generic signed JSON webhook, how the receiver's answer is read, and when a
//! failed delivery is tried again. Pure: the moment is passed in, nothing is sent here.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

/// Where a webhook delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A WeCom group robot (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).
    WeCom,
    /// A DingTalk custom robot with "加签" (`https://oapi.dingtalk.com/robot/send?access_token=…`).
    DingTalk,
    /// Any HTTP endpoint taking signed JSON.
    Json,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::WeCom, Channel::DingTalk, Channel::Json];

    pub fn code(self) -> &'static str {
        match self {
            Channel::WeCom => "wecom",
            Channel::DingTalk => "dingtalk",
            Channel::Json => "json",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether the channel signs with a secret (and so needs one).
    pub fn signs(self) -> bool {
        !matches!(self, Channel::WeCom)
    }
}

/// Why a webhook cannot be set up as given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookProblem {
    #[error("the address must start with https:// (or http:// for a receiver on this network)")]
    NotHttp,
    #[error("a {0} webhook needs its signing secret")]
    SecretNeeded(&'static str),
    #[error("a WeCom group robot has no secret; its key is part of the address")]
    SecretNotTaken,
    #[error("a WeCom group robot's address has its key: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…")]
    WeComKey,
    #[error("a DingTalk robot's address has its access token: https://oapi.dingtalk.com/robot/send?access_token=…")]
    DingTalkToken,
    #[error("the secret must be 16 to 200 characters")]
    SecretLength,
}

/// Checks a webhook as someone typed it: the address, and the secret its channel needs.
pub fn check_webhook(channel: Channel, url: &str, secret: Option<&str>) -> Result<(), WebhookProblem> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
        return Err(WebhookProblem::NotHttp);
    }
    let secret = secret.map(str::trim).filter(|s| !s.is_empty());
    match (channel, secret) {
        (Channel::WeCom, Some(_)) => return Err(WebhookProblem::SecretNotTaken),
        (Channel::WeCom, None) if !url.contains("key=") => return Err(WebhookProblem::WeComKey),
        (Channel::DingTalk, _) if !url.contains("access_token=") => return Err(WebhookProblem::DingTalkToken),
        (Channel::DingTalk | Channel::Json, None) => return Err(WebhookProblem::SecretNeeded(channel.code())),
        (_, Some(s)) if !(16..=200).contains(&s.chars().count()) => return Err(WebhookProblem::SecretLength),
        _ => {}
    }
    Ok(())
}

/// What the venue is told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// An inspector confirmed an AI capture as a violation.
    Finding { capture: i64, venue_id: i64, venue: String, camera: String, category: String, at: String },
    /// A camera has been offline longer than the programme allows.
    CameraOffline { camera_id: i64, venue_id: i64, venue: String, camera: String, since: String },
    /// An inspector issued a rectification order against the venue.
    OrderIssued { order: i64, number: String, venue_id: i64, venue: String, requirement: String, due: String },
    /// A rectification order is past its due day and not closed.
    OrderOverdue { order: i64, number: String, venue_id: i64, venue: String, due: String },
}

impl Notice {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Finding { .. } => "finding",
            Notice::CameraOffline { .. } => "camera_offline",
            Notice::OrderIssued { .. } => "order_issued",
            Notice::OrderOverdue { .. } => "order_overdue",
        }
    }

    /// What it is about; one live notice per subject.
    pub fn subject(&self) -> String {
        match self {
            Notice::Finding { capture, .. } => format!("capture:{capture}"),
            Notice::CameraOffline { camera_id, since, .. } => format!("camera:{camera_id}:{since}"),
            Notice::OrderIssued { order, .. } => format!("order:{order}"),
            Notice::OrderOverdue { order, .. } => format!("order:{order}:overdue"),
        }
    }

    pub fn venue_id(&self) -> i64 {
        match self {
            Notice::Finding { venue_id, .. }
            | Notice::CameraOffline { venue_id, .. }
            | Notice::OrderIssued { venue_id, .. }
            | Notice::OrderOverdue { venue_id, .. } => *venue_id,
        }
    }

    /// The event's name in JSON deliveries.
    pub fn event(&self) -> &'static str {
        match self {
            Notice::Finding { .. } => "finding.confirmed",
            Notice::CameraOffline { .. } => "camera.offline",
            Notice::OrderIssued { .. } => "order.issued",
            Notice::OrderOverdue { .. } => "order.overdue",
        }
    }

    /// The title and lines of the message (Chinese: the robots post to Chinese work groups).
    pub fn text(&self, now: DateTime<Utc>) -> (String, Vec<String>) {
        match self {
            Notice::Finding { venue, camera, category, at, capture, .. } => (
                format!("【明厨亮灶】监管人员确认问题：{category}"),
                vec![
                    format!("单位：{venue}"),
                    format!("摄像头：{camera}"),
                    format!("抓拍时间：{}", china(at)),
                    format!("抓拍编号：#{capture}"),
                    "请及时整改，并在工作台“消息”中回复。".into(),
                ],
            ),
            Notice::CameraOffline { venue, camera, since, .. } => {
                let minutes =
                    DateTime::parse_from_rfc3339(since).map(|s| (now - s.to_utc()).num_minutes()).unwrap_or(0);
                (
                    format!("【明厨亮灶】摄像头离线：{camera}"),
                    vec![
                        format!("单位：{venue}"),
                        format!("离线开始：{}（已{minutes}分钟）", china(since)),
                        "后厨直播要求摄像头保持在线（日在线率不低于95%），请尽快检查电源与网络。".into(),
                    ],
                )
            }
            Notice::OrderIssued { venue, number, requirement, due, .. } => (
                format!("【明厨亮灶】整改通知：{number}"),
                vec![
                    format!("单位：{venue}"),
                    format!("整改要求：{requirement}"),
                    format!("整改期限：{due}前"),
                    "请按期整改，并在工作台“整改”中回复整改情况（可附照片）。".into(),
                ],
            ),
            Notice::OrderOverdue { venue, number, due, .. } => (
                format!("【明厨亮灶】整改逾期：{number}"),
                vec![
                    format!("单位：{venue}"),
                    format!("整改期限：{due}，已逾期未完成。"),
                    "请立即整改并回复；逾期未改正的，依法处理。".into(),
                ],
            ),
        }
    }
}

fn china(at: &str) -> String {
    crate::china_time::format_stored(at)
        .and_then(|t| t.get(..16).map(|s| s.replace('T', " ")))
        .unwrap_or_else(|| at.to_string())
}

/// Whether a camera offline since `since` should be pushed to its venue now: its cameras
/// are watched now (a trading venue, suspended ones included: their kitchens are still
/// supervised; not closed or planned ones) and it has been offline at least `after`.
pub fn offline_notice_due(
    status: crate::vocab::VenueStatus,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    after: chrono::Duration,
) -> bool {
    crate::programme::counts_toward_online_now(status) && now - since >= after
}

/// An HTTP request to send (always a POST of JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// The header that names a JSON delivery (the same on every attempt: receivers dedupe on it).
pub const DELIVERY_HEADER: &str = "x-mingchu-delivery";
/// The Unix time a JSON delivery was signed at.
pub const TIMESTAMP_HEADER: &str = "x-mingchu-timestamp";
/// `sha256=` and the hex HMAC-SHA256, keyed with the secret, of `{timestamp}.{body}`.
pub const SIGNATURE_HEADER: &str = "x-mingchu-signature";

/// The request delivering `notice` as delivery `delivery` to a webhook of `channel`.
/// `console` is where the recipient reads and replies (a link in the message).
pub fn outgoing(
    channel: Channel,
    url: &str,
    secret: Option<&str>,
    delivery: i64,
    notice: &Notice,
    console: Option<&str>,
    now: DateTime<Utc>,
) -> Outgoing {
    let (title, mut lines) = notice.text(now);
    if let Some(console) = console {
        lines.push(format!("查看：{console}"));
    }
    match channel {
        Channel::WeCom => {
            let content =
                format!("**{title}**\n{}", lines.iter().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n"));
            let body = serde_json::json!({ "msgtype": "markdown", "markdown": { "content": content } });
            Outgoing { url: url.to_string(), headers: Vec::new(), body: body.to_string() }
        }
        Channel::DingTalk => {
            let text = format!("### {title}\n\n{}", lines.join("\n\n"));
            let body = serde_json::json!({ "msgtype": "markdown", "markdown": { "title": title, "text": text } });
            let timestamp = now.timestamp_millis();
            let sign = dingtalk_sign(secret.unwrap_or_default(), timestamp);
            let joiner = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{joiner}timestamp={timestamp}&sign={}", crate::text::percent_encode(&sign, b""));
            Outgoing { url, headers: Vec::new(), body: body.to_string() }
        }
        Channel::Json => {
            let body = serde_json::json!({
                "delivery": delivery,
                "event": notice.event(),
                "title": title,
                "lines": lines,
                "notice": notice,
            })
            .to_string();
            let timestamp = now.timestamp();
            let signature = json_signature(secret.unwrap_or_default(), timestamp, &body);
            Outgoing {
                url: url.to_string(),
                headers: vec![
                    (DELIVERY_HEADER, delivery.to_string()),
                    (TIMESTAMP_HEADER, timestamp.to_string()),
                    (SIGNATURE_HEADER, signature),
                ],
                body,
            }
        }
    }
}

fn hmac_sha256(key: &str, message: &str) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// DingTalk's robot signature: Base64 of HMAC-SHA256 keyed with the secret over
/// `{timestamp_ms}\n{secret}`.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    data_encoding::BASE64.encode(&hmac_sha256(secret, &format!("{timestamp_ms}\n{secret}")))
}

/// The JSON webhook's signature header value.
pub fn json_signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret, &format!("{timestamp}.{body}"))))
}

/// What the receiver's answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Delivered,
    /// Not taken; why, in a line for the console.
    Refused(String),
}

/// Reads a receiver's answer. The robots answer 200 with `{"errcode": 0}` when they posted
/// the message, and 200 with another errcode when they did not (a wrong signature, a
/// keyword the robot requires, too many messages a minute).
pub fn judge(channel: Channel, status: u16, body: &str) -> Answer {
    if !(200..300).contains(&status) {
        return Answer::Refused(format!("HTTP {status}"));
    }
    match channel {
        Channel::Json => Answer::Delivered,
        Channel::WeCom | Channel::DingTalk => {
            let answer: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            match answer.get("errcode").and_then(|c| c.as_i64()) {
                Some(0) => Answer::Delivered,
                Some(code) => {
                    let message = answer.get("errmsg").and_then(|m| m.as_str()).unwrap_or_default();
                    Answer::Refused(format!("errcode {code}: {}", message.chars().take(120).collect::<String>()))
                }
                None => Answer::Refused("the robot's answer has no errcode".into()),
            }
        }
    }
}

/// Attempts before a delivery is given up (about fourteen hours of trying).
pub const MAX_ATTEMPTS: u32 = 12;

/// How long after failed attempt number `attempts` (from 1) the next one is due, the first
/// retry after `first` (30 s by default); `None`: give up. Doubling each time (30 s, 1, 2, 4,
/// 8 … minutes), at most 6 hours apart.
pub fn retry_after(attempts: u32, first: Duration) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let wait = first.saturating_mul(1 << attempts.saturating_sub(1).min(16));
    Some(wait.min(Duration::from_secs(6 * 3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Notice {
        Notice::Finding {
            capture: 12,
            venue_id: 3,
            venue: "阳光小学食堂".into(),
            camera: "后厨".into(),
            category: "animal".into(),
            at: "2026-12-01T02:00:00.000Z".into(),
        }
    }

    #[test]
    fn dingtalk_signs_the_timestamp_and_secret() {
        // Computed independently: printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64
        assert_eq!(dingtalk_sign("SECtest", 1_700_000_000_000), "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g=");
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let out = outgoing(
            Channel::DingTalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            Some("SECtest"),
            1,
            &finding(),
            None,
            now,
        );
        assert!(
            out.url.ends_with("&timestamp=1700000000000&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"),
            "{}",
            out.url
        );
        let body: serde_json::Value = serde_json::from_str(&out.body).unwrap();
        assert_eq!(body["msgtype"], "markdown");
        assert!(body["markdown"]["text"].as_str().unwrap().contains("阳光小学食堂"));
    }

    #[test]
    fn json_deliveries_are_signed_and_named() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let out = outgoing(
            Channel::Json,
            "https://example.org/hook",
            Some("0123456789abcdef"),
            42,
            &finding(),
            Some("https://mc.example/console/inbox"),
            now,
        );
        let header = |name| out.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(header(DELIVERY_HEADER), "42");
        assert_eq!(header(SIGNATURE_HEADER), json_signature("0123456789abcdef", 1_700_000_000, &out.body));
        assert_ne!(header(SIGNATURE_HEADER), json_signature("another secret!!", 1_700_000_000, &out.body));
        let body: serde_json::Value = serde_json::from_str(&out.body).unwrap();
        assert_eq!((body["event"].as_str(), body["delivery"].as_i64()), (Some("finding.confirmed"), Some(42)));
        assert_eq!(body["notice"]["capture"], 12);
        assert!(body["lines"].to_string().contains("2026-12-01 10:00"), "China time");
    }

    #[test]
    fn a_wecom_robot_gets_markdown() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let out = outgoing(
            Channel::WeCom,
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            None,
            1,
            &finding(),
            None,
            now,
        );
        assert_eq!(out.url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k");
        let body: serde_json::Value = serde_json::from_str(&out.body).unwrap();
        assert!(body["markdown"]["content"].as_str().unwrap().starts_with("**【明厨亮灶】监管人员确认问题：animal**"));
    }

    #[test]
    fn answers_are_read_per_channel() {
        assert_eq!(judge(Channel::Json, 204, ""), Answer::Delivered);
        assert_eq!(judge(Channel::Json, 500, ""), Answer::Refused("HTTP 500".into()));
        assert_eq!(judge(Channel::WeCom, 200, r#"{"errcode":0,"errmsg":"ok"}"#), Answer::Delivered);
        assert_eq!(
            judge(Channel::DingTalk, 200, r#"{"errcode":310000,"errmsg":"sign not match"}"#),
            Answer::Refused("errcode 310000: sign not match".into())
        );
        assert!(matches!(judge(Channel::WeCom, 200, "<html>"), Answer::Refused(_)));
    }

    #[test]
    fn retries_back_off_and_give_up() {
        let first = Duration::from_secs(30);
        assert_eq!(retry_after(1, first), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(2, first), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(5, first), Some(Duration::from_secs(480)));
        assert_eq!(retry_after(10, first), Some(Duration::from_secs(15_360)));
        assert_eq!(retry_after(11, first), Some(Duration::from_secs(6 * 3600)));
        assert_eq!(retry_after(MAX_ATTEMPTS, first), None);
        assert_eq!(retry_after(2, Duration::from_secs(1)), Some(Duration::from_secs(2)));
    }

    #[test]
    fn only_a_venue_whose_cameras_count_is_told_of_a_camera_offline_too_long() {
        use crate::vocab::VenueStatus;
        let since = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let after = chrono::Duration::minutes(30);
        let at = |minutes| since + chrono::Duration::minutes(minutes);
        assert!(!offline_notice_due(VenueStatus::Operating, since, at(29), after));
        assert!(offline_notice_due(VenueStatus::Operating, since, at(30), after));
        assert!(offline_notice_due(VenueStatus::Suspended, since, at(30), after), "still supervised");
        for status in [VenueStatus::Closed, VenueStatus::Planned] {
            assert!(!offline_notice_due(status, since, at(600), after), "{status:?}");
        }
    }

    #[test]
    fn webhooks_are_checked_as_typed() {
        let wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc";
        assert_eq!(check_webhook(Channel::WeCom, wecom, None), Ok(()));
        assert_eq!(check_webhook(Channel::WeCom, wecom, Some("x")), Err(WebhookProblem::SecretNotTaken));
        assert_eq!(check_webhook(Channel::WeCom, "https://qyapi.weixin.qq.com/x", None), Err(WebhookProblem::WeComKey));
        let ding = "https://oapi.dingtalk.com/robot/send?access_token=t";
        assert_eq!(check_webhook(Channel::DingTalk, ding, None), Err(WebhookProblem::SecretNeeded("dingtalk")));
        assert_eq!(check_webhook(Channel::DingTalk, ding, Some("SEC0123456789abcdef")), Ok(()));
        assert_eq!(check_webhook(Channel::Json, "ftp://x", Some("0123456789abcdef")), Err(WebhookProblem::NotHttp));
        assert_eq!(
            check_webhook(Channel::Json, "https://x.example/h", Some("short")),
            Err(WebhookProblem::SecretLength)
        );
    }
}
