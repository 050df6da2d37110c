//! Asking a complainant, by the contact they left (a mobile number or an email address),
//! whether their complaint was resolved: when a complaint is handled to the end, a message
//! with the link to its tracking page (where the question is asked) goes to the programme's
//! message gateway, the operator's relay to its SMS platform (政务短信平台, Aliyun SMS, …) and
//! mail server. What is sent, to whom, when it is too late to send, and how the gateway's answer
//! is read. Pure: the moment is passed in, nothing is sent here.

use crate::push::{json_signature, Outgoing, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::satisfaction::is_asked;
use crate::vocab::ComplaintStatus;
use chrono::{DateTime, Utc};

/// A request not sent within this long after the complaint was handled is dropped: a question
/// about a complaint closed days ago, arriving out of the blue, is worse than none (the
/// tracking page still asks).
pub const SEND_WITHIN: chrono::Duration = chrono::Duration::hours(24);

/// How a contact is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Sms,
    Email,
}

impl Reach {
    pub fn code(self) -> &'static str {
        match self {
            Reach::Sms => "sms",
            Reach::Email => "email",
        }
    }
}

/// How the contact a complainant left is reached: an address with `@` by email, a mainland
/// mobile number (11 digits from 1, spaces, dashes and a leading +86 allowed) by SMS; anything
/// else (a landline, a name) is not asked.
pub fn reach(contact: &str) -> Option<(Reach, String)> {
    let contact = contact.trim();
    if contact.contains('@') {
        return Some((Reach::Email, contact.to_string()));
    }
    let digits: String = contact.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits);
    (digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (Reach::Sms, digits.to_string()))
}

/// How moving a complaint from `from` to `to` asks its complainant by their contact, if it
/// does: the first time it is handled to the end, and only if they left a contact that can be
/// reached.
pub fn asks_by_contact(from: ComplaintStatus, to: ComplaintStatus, contact: Option<&str>) -> Option<Reach> {
    if is_asked(to) && !is_asked(from) {
        contact.and_then(reach).map(|(r, _)| r)
    } else {
        None
    }
}

/// Whether a request made at `made` is too late to send at `now`.
pub fn too_late(made: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - made > SEND_WITHIN
}

/// The message (Chinese: it goes to the complainant's phone or mailbox). An SMS stays short:
/// the platform's signature 【…】 leads, then one sentence and the link.
pub fn text(reference: &str, link: &str) -> String {
    format!("【明厨亮灶】您的投诉（编号{reference}）已办结。问题解决了吗？请花一分钟评价：{link}")
}

/// The email's subject.
pub fn subject(reference: &str) -> String {
    format!("您的投诉 {reference} 已办结，请评价处理结果")
}

/// The gateway's request: signed JSON as the JSON webhook is (the same three headers, the
/// delivery header naming this request so the gateway dedupes a resend).
pub fn request(
    gateway: &str,
    secret: &str,
    id: i64,
    reference: &str,
    contact: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Option<Outgoing> {
    let (reach, to) = reach(contact)?;
    let body = serde_json::json!({
        "message": format!("feedback-{id}"),
        "kind": reach.code(),
        "to": to,
        "subject": subject(reference),
        "text": text(reference, link),
        "link": link,
        "complaint": reference,
    })
    .to_string();
    let timestamp = now.timestamp();
    Some(Outgoing {
        url: gateway.to_string(),
        headers: vec![
            (DELIVERY_HEADER, format!("feedback-{id}")),
            (TIMESTAMP_HEADER, timestamp.to_string()),
            (SIGNATURE_HEADER, json_signature(secret, timestamp, &body)),
        ],
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn contacts_are_reached_by_sms_or_email_or_not_at_all() {
        assert_eq!(reach(" 138-0013 8000 "), Some((Reach::Sms, "13800138000".into())));
        assert_eq!(reach("+86 13800138000"), Some((Reach::Sms, "13800138000".into())));
        assert_eq!(reach("li@example.cn"), Some((Reach::Email, "li@example.cn".into())));
        assert_eq!(reach("0755-12345678"), None, "a landline cannot take an SMS");
        assert_eq!(reach("23800138000"), None);
        assert_eq!(reach("李先生"), None);
    }

    #[test]
    fn a_complaint_is_asked_once_when_first_handled_to_the_end() {
        let phone = Some("13800138000");
        assert_eq!(asks_by_contact(Accepted, Resolved, phone), Some(Reach::Sms));
        assert_eq!(asks_by_contact(Submitted, Rejected, Some("li@example.cn")), Some(Reach::Email));
        assert_eq!(asks_by_contact(Resolved, Closed, phone), None, "asked already when it was resolved");
        assert_eq!(asks_by_contact(Submitted, Accepted, phone), None);
        assert_eq!(
            asks_by_contact(Submitted, Duplicate, phone),
            None,
            "a duplicate's complainant answers on the original"
        );
        assert_eq!(asks_by_contact(Accepted, Resolved, None), None);
        assert_eq!(asks_by_contact(Accepted, Resolved, Some("0755-12345678")), None);
    }

    #[test]
    fn a_request_is_dropped_a_day_after_it_was_made() {
        let made = at("2026-12-01T08:00:00Z");
        assert!(!too_late(made, at("2026-12-02T08:00:00Z")));
        assert!(too_late(made, at("2026-12-02T08:00:01Z")));
    }

    #[test]
    fn the_gateway_gets_signed_json_naming_the_request() {
        let now = at("2026-12-01T08:00:00Z");
        let link = "https://mingchu.example/complaints/MC-20261201-ABCD#feedback";
        let r = request(
            "https://gw.example/send",
            "s3cret-s3cret-s3cret",
            7,
            "MC-20261201-ABCD",
            "138 0013 8000",
            link,
            now,
        )
        .unwrap();
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["kind"], "sms");
        assert_eq!(body["to"], "13800138000");
        assert_eq!(body["message"], "feedback-7");
        assert!(body["text"].as_str().unwrap().ends_with(link));
        assert!(body["text"].as_str().unwrap().contains("MC-20261201-ABCD"));
        let header = |name: &str| r.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(header(DELIVERY_HEADER), "feedback-7");
        assert_eq!(header(SIGNATURE_HEADER), json_signature("s3cret-s3cret-s3cret", now.timestamp(), &r.body));
        assert_eq!(request("https://gw.example/send", "k", 7, "MC-1", "李先生", link, now), None);
    }
}
