//! Sends the requests to rate a handled complaint (`db::feedback_requests`) to the programme's
//! message gateway: the thin driver around `mingchu_domain::feedback_request`. A request that
//! cannot be sent (no gateway, no public address for the link, the contact erased, a day gone
//! by) is dropped with the reason, which the complaint desk shows.

use crate::db::feedback_requests::{DueRequest, RequestOutcome};
use crate::db::Db;
use chrono::Utc;
use mingchu_domain::feedback_request::{request, too_late};
use mingchu_domain::push::retry_after;
use std::time::Duration;

/// How long a claimed request is held before another sender may take it.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// How long the sender waits for the gateway.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the queue is looked at.
const POLL: Duration = Duration::from_secs(5);

/// The gateway: its address and the key its requests are signed with.
#[derive(Clone)]
pub struct Gateway {
    pub url: url::Url,
    pub secret: String,
}

pub struct FeedbackSender {
    db: Db,
    http: reqwest::Client,
    gateway: Option<Gateway>,
    /// The portal's public address, for the link to the complaint's page.
    public_url: Option<url::Url>,
    first_retry: Duration,
}

impl FeedbackSender {
    pub fn new(
        db: Db,
        gateway: Option<Gateway>,
        public_url: Option<url::Url>,
        first_retry: Duration,
    ) -> FeedbackSender {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("Mingchu/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with the built-in roots");
        FeedbackSender { db, http, gateway, public_url, first_retry }
    }

    /// Sends what is due now; returns how many requests were looked at.
    pub async fn run_once(&self) -> Result<usize, crate::db::DbError> {
        let due = self.db.claim_feedback_requests(Utc::now(), LEASE, 16).await?;
        for r in &due {
            let span = tracing::info_span!("feedback_request", id = r.id, complaint = %r.reference);
            let _enter = span.enter();
            let (outcome, why) = self.send(r).await;
            match outcome {
                RequestOutcome::Sent => tracing::info!(attempt = r.attempt, "sent"),
                _ => tracing::warn!(attempt = r.attempt, %why, ?outcome, "not sent"),
            }
            self.db.record_feedback_request(r.id, Utc::now(), outcome, &why).await?;
        }
        Ok(due.len())
    }

    async fn send(&self, r: &DueRequest) -> (RequestOutcome, String) {
        let now = Utc::now();
        let expired = |why: &str| (RequestOutcome::Expired, why.to_string());
        if too_late(r.created_at, now) {
            return expired("not sent within a day of the complaint being handled");
        }
        let Some(gateway) = &self.gateway else {
            return expired("no message gateway is configured (--message-gateway-url)");
        };
        let Some(link) = self.public_url.as_ref().and_then(|u| u.join(&format!("/complaints/{}", r.reference)).ok())
        else {
            return expired(
                "the portal's public address is not configured (--public-url), so there is no link to send",
            );
        };
        let link = format!("{link}#feedback");
        let Some(out) = r
            .contact
            .as_deref()
            .and_then(|c| request(gateway.url.as_str(), &gateway.secret, r.id, &r.reference, c, &link, now))
        else {
            return expired("the complainant's contact is no longer kept");
        };
        let mut post = self.http.post(&out.url).header("content-type", "application/json");
        for (name, value) in &out.headers {
            post = post.header(*name, value);
        }
        let why = match post.body(out.body).send().await {
            Ok(response) if response.status().is_success() => {
                return (RequestOutcome::Sent, format!("HTTP {}", response.status().as_u16()));
            }
            Ok(response) => format!("HTTP {}", response.status().as_u16()),
            Err(e) if e.is_timeout() => "no answer within 10 s".to_string(),
            Err(e) if e.is_connect() => "could not connect".to_string(),
            Err(_) => "the request failed".to_string(),
        };
        match retry_after(r.attempt, self.first_retry) {
            Some(after) => (RequestOutcome::Retry(now + chrono::Duration::from_std(after).unwrap_or(LEASE)), why),
            None => (RequestOutcome::Failed, why),
        }
    }

    /// Drains the queue until the process ends.
    pub async fn run(self) {
        loop {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the feedback request queue could not be read"),
            }
            tokio::time::sleep(POLL.min(self.first_retry)).await;
        }
    }
}
