//! Delivers notices to webhooks: the thin driver around `mingchu_domain::push`. It drains the
//! durable queue in the database (`deliveries`), claiming each delivery for a while before it is
//! sent, so a delivery is sent again only if the sender died before recording the answer
//! (receivers of the JSON webhook dedupe on its delivery id).

use crate::db::Db;
use chrono::Utc;
use mingchu_domain::push::{judge, outgoing, retry_after, Answer};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claimed delivery is held before another sender may take it.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// How long the sender waits for a receiver.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the queue is looked at when nobody wakes the sender.
const POLL: Duration = Duration::from_secs(5);

/// Wakes the sender when something was queued.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

pub struct Sender {
    db: Db,
    http: reqwest::Client,
    /// The wait before the first retry (doubling after each failure).
    first_retry: Duration,
    /// The console's inbox address, linked from messages.
    inbox: Option<String>,
}

impl Sender {
    pub fn new(db: Db, public_url: Option<&url::Url>, first_retry: Duration) -> Sender {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("Mingchu/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with the built-in roots");
        let inbox = public_url.and_then(|u| u.join("/console/inbox").ok()).map(|u| u.to_string());
        Sender { db, http, first_retry, inbox }
    }

    /// Sends what is due now; returns how many deliveries were attempted.
    pub async fn run_once(&self) -> Result<usize, crate::db::DbError> {
        let due = self.db.claim_deliveries(Utc::now(), LEASE, 16).await?;
        for delivery in &due {
            let span = tracing::info_span!("delivery", id = delivery.id, venue = delivery.notice.venue_id());
            let _enter = span.enter();
            let now = Utc::now();
            let request = outgoing(
                delivery.channel,
                &delivery.url,
                delivery.secret.as_deref(),
                delivery.id,
                &delivery.notice,
                self.inbox.as_deref(),
                now,
            );
            let mut post = self.http.post(&request.url).header("content-type", "application/json");
            for (name, value) in &request.headers {
                post = post.header(*name, value);
            }
            let answer = match post.body(request.body).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    judge(delivery.channel, status, &body)
                }
                Err(e) => Answer::Refused(if e.is_timeout() {
                    "no answer within 10 s".to_string()
                } else if e.is_connect() {
                    "could not connect".to_string()
                } else {
                    "the request failed".to_string()
                }),
            };
            let now = Utc::now();
            match answer {
                Answer::Delivered => {
                    tracing::info!(attempt = delivery.attempt, "delivered");
                    self.db.record_delivery(delivery.id, now, "delivered", true, None).await?;
                }
                Answer::Refused(why) => {
                    let retry = retry_after(delivery.attempt, self.first_retry)
                        .map(|after| now + chrono::Duration::from_std(after).unwrap_or(LEASE));
                    tracing::warn!(attempt = delivery.attempt, %why, will_retry = retry.is_some(), "not delivered");
                    self.db.record_delivery(delivery.id, now, &why, false, retry).await?;
                }
            }
        }
        Ok(due.len())
    }

    /// Drains the queue until the process ends.
    pub async fn run(self, wake: Wake) {
        loop {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "the delivery queue could not be read"),
            }
            tokio::select! {
                _ = wake.0.notified() => {}
                _ = tokio::time::sleep(POLL.min(self.first_retry)) => {}
            }
        }
    }
}
