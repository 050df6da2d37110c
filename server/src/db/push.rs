//! Notices to venues and their deliveries (mingchu_domain::push): the inbox, the webhooks a
//! venue or an office configured, and the durable delivery queue the sender drains.

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::push::{Channel, Notice};
use sqlx::AnyConnection;

/// The venues up from `venue`'s jurisdiction, as SQL: offices covering one of these jurisdictions
/// cover the venue.
pub(super) const ABOVE_VENUE: &str = "WITH RECURSIVE up (id, parent, depth) AS (
       SELECT j.id, j.parent_id, 0 FROM venues v JOIN jurisdictions j ON j.id = v.jurisdiction_id WHERE v.id = $1
       UNION ALL SELECT j.id, j.parent_id, up.depth + 1 FROM jurisdictions j JOIN up ON j.id = up.parent
       WHERE up.depth < 8)";

/// Records `notice` (unless one about the same thing is live) and queues a delivery to every
/// webhook of its venue and of the offices covering the venue. Returns the notice's id when new.
pub(super) async fn add_notice(
    conn: &mut AnyConnection,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let at = timestamp(now);
    let body = serde_json::to_string(notice).expect("a notice serialises");
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO notices (venue_id, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (subject) WHERE withdrawn_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(notice.venue_id())
    .bind(notice.kind())
    .bind(notice.subject())
    .bind(body)
    .bind(&at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    sqlx::query(&format!(
        "{ABOVE_VENUE}
         INSERT INTO deliveries (notice_id, webhook_id, due_at)
         SELECT $2, w.id, $3 FROM webhooks w
         WHERE w.disabled_at IS NULL
           AND (w.venue_id = $1 OR w.office_id IN (SELECT o.id FROM supervision_offices o JOIN up ON up.id = o.jurisdiction_id))"
    ))
    .bind(notice.venue_id())
    .bind(id)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// Withdraws the live notice about `subject` (a finding put back in the queue); deliveries
/// not yet sent are cancelled.
pub(super) async fn withdraw_notice(
    conn: &mut AnyConnection,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let at = timestamp(now);
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE notices SET withdrawn_at = $2 WHERE subject = $1 AND withdrawn_at IS NULL RETURNING id",
    )
    .bind(subject)
    .bind(&at)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        sqlx::query(
            "UPDATE deliveries SET state = 'cancelled', last_outcome = 'withdrawn before it was sent'
             WHERE notice_id = $1 AND state = 'queued'",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A delivery claimed for sending.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: i64,
    pub channel: Channel,
    pub url: String,
    pub secret: Option<String>,
    pub notice: Notice,
    /// This attempt's number, from 1.
    pub attempt: u32,
}

/// A notice in someone's inbox.
#[derive(Clone, Debug)]
pub struct InboxNotice {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub notice: Notice,
    pub created_at: String,
    pub withdrawn: bool,
    pub read: bool,
    /// Per webhook: its label and channel, the delivery's state, attempts and last outcome.
    pub deliveries: Vec<DeliveryStatus>,
}

#[derive(Clone, Debug)]
pub struct DeliveryStatus {
    pub webhook: String,
    pub channel: String,
    pub state: String,
    pub attempts: u32,
    pub last_outcome: Option<String>,
}

/// A configured webhook (its secret is never shown again).
#[derive(Clone, Debug)]
pub struct WebhookRow {
    pub id: i64,
    pub venue: Option<(i64, String)>,
    pub office: Option<(i64, String)>,
    pub channel: String,
    pub url: String,
    pub label: String,
    pub created_at: String,
    /// Deliveries delivered, queued and failed.
    pub delivered: u32,
    pub queued: u32,
    pub failed: u32,
}

/// Whose a webhook is.
#[derive(Clone, Copy, Debug)]
pub enum WebhookOwner {
    Venue(i64),
    Office(i64),
}

impl Db {
    /// Claims up to `limit` deliveries due at `now` for `lease`: each is due again when the
    /// lease lapses, so a sender that dies mid-send leaves it to be sent again.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, DbError> {
        type Row = (i64, String, String, Option<String>, String, i64);
        let mut tx = self.write_tx().await?;
        let rows: Vec<Row> = sqlx::query_as(
            "UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = $1, due_at = $2
             WHERE id IN (SELECT id FROM deliveries WHERE state = 'queued' AND due_at <= $1 ORDER BY due_at LIMIT $3)
             RETURNING id,
                (SELECT channel FROM webhooks w WHERE w.id = webhook_id),
                (SELECT url FROM webhooks w WHERE w.id = webhook_id),
                (SELECT secret FROM webhooks w WHERE w.id = webhook_id),
                (SELECT body FROM notices n WHERE n.id = notice_id),
                attempts",
        )
        .bind(timestamp(now))
        .bind(timestamp(now + lease))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(id, channel, url, secret, body, attempts)| {
                let corrupt = |what: &str| DbError::Corrupt(format!("delivery {id}: {what}"));
                Ok(DueDelivery {
                    id,
                    channel: Channel::from_code(&channel).ok_or_else(|| corrupt("channel"))?,
                    url,
                    secret,
                    notice: serde_json::from_str(&body).map_err(|e| corrupt(&e.to_string()))?,
                    attempt: u32::try_from(attempts).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Records a delivery's outcome: delivered; or refused, due again at `retry_at` (`None`:
    /// given up).
    pub async fn record_delivery(
        &self,
        id: i64,
        now: DateTime<Utc>,
        outcome: &str,
        delivered: bool,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), DbError> {
        let (state, due) = match (delivered, retry_at) {
            (true, _) => ("delivered", timestamp(now)),
            (false, Some(at)) => ("queued", timestamp(at)),
            (false, None) => ("failed", timestamp(now)),
        };
        sqlx::query(
            "UPDATE deliveries SET state = $2, due_at = $3, last_outcome = $4,
                    delivered_at = CASE WHEN $2 = 'delivered' THEN $5 END
             WHERE id = $1 AND state = 'queued'",
        )
        .bind(id)
        .bind(state)
        .bind(due)
        .bind(outcome.chars().take(300).collect::<String>())
        .bind(timestamp(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The notices about the venues `actor` covers, newest first, with the person's read state
    /// and how each delivery went.
    pub async fn inbox(&self, actor: &Actor, limit: u32) -> Result<Vec<InboxNotice>, DbError> {
        type Row = (i64, i64, String, String, String, Option<String>, super::Flag);
        let (jurisdictions, venues) = super::review_desk::scope_params(self, actor).await?;
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT n.id, n.venue_id, v.name, n.body, n.created_at, n.withdrawn_at,
                    EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = $3)
             FROM notices n JOIN venues v ON v.id = n.venue_id
             WHERE ",
            super::review_desk::covered!(),
            "
             ORDER BY n.created_at DESC, n.id DESC LIMIT $4"
        ))
        .bind(&jurisdictions)
        .bind(&venues)
        .bind(actor.user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let deliveries: Vec<(i64, String, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT d.notice_id, w.label, w.channel, d.state, d.attempts, d.last_outcome
             FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.notice_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY d.id",
        )
        .bind(serde_json::to_string(&ids).expect("ids serialise"))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, venue_id, venue, body, created_at, withdrawn_at, read)| {
                Ok(InboxNotice {
                    id,
                    venue_id,
                    venue,
                    notice: serde_json::from_str(&body).map_err(|e| DbError::Corrupt(format!("notice {id}: {e}")))?,
                    created_at,
                    withdrawn: withdrawn_at.is_some(),
                    read: read.0,
                    deliveries: deliveries
                        .iter()
                        .filter(|d| d.0 == id)
                        .map(|d| DeliveryStatus {
                            webhook: d.1.clone(),
                            channel: d.2.clone(),
                            state: d.3.clone(),
                            attempts: u32::try_from(d.4).unwrap_or(0),
                            last_outcome: d.5.clone(),
                        })
                        .collect(),
                })
            })
            .collect()
    }

    /// A notice's venue, subject and whether it was withdrawn.
    pub async fn notice_subject(
        &self,
        id: i64,
    ) -> Result<Option<(mingchu_domain::vocab::VenueId, String, bool)>, DbError> {
        let row: Option<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT venue_id, subject, withdrawn_at FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(venue, subject, withdrawn)| (mingchu_domain::vocab::VenueId(venue), subject, withdrawn.is_some())))
    }

    /// The venue a notice is about.
    pub async fn notice_venue(&self, id: i64) -> Result<Option<mingchu_domain::vocab::VenueId>, DbError> {
        let venue: Option<i64> = sqlx::query_scalar("SELECT venue_id FROM notices WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(venue.map(mingchu_domain::vocab::VenueId))
    }

    /// Marks a notice read by `user`.
    pub async fn mark_read(&self, notice: i64, user: i64, now: DateTime<Utc>) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO notice_reads (notice_id, user_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(notice)
        .bind(user)
        .bind(timestamp(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds a webhook (checked by the caller with `push::check_webhook`); audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_webhook(
        &self,
        owner: WebhookOwner,
        channel: Channel,
        url: &str,
        secret: Option<&str>,
        label: &str,
        created_by: Option<i64>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let (venue, office) = match owner {
            WebhookOwner::Venue(v) => (Some(v), None),
            WebhookOwner::Office(o) => (None, Some(o)),
        };
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (venue_id, office_id, channel, url, secret, label, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(venue)
        .bind(office)
        .bind(channel.code())
        .bind(url.trim())
        .bind(secret.map(str::trim).filter(|s| !s.is_empty()))
        .bind(label.trim())
        .bind(created_by)
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        // The secret is not logged; the address may hold a robot's key, so only its host is.
        let host = url::Url::parse(url.trim()).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
        let after = serde_json::json!({ "venue": venue, "office": office, "channel": channel.code(), "host": host, "label": label.trim() });
        super::audit::append(
            &mut tx,
            who.did(now, "webhook.add", &format!("webhook:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Disables a webhook: nothing more is queued for it, what is queued is cancelled. Audited.
    /// `false` when there is no such live webhook.
    pub async fn disable_webhook(&self, id: i64, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("UPDATE webhooks SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL")
            .bind(id)
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if done {
            sqlx::query(
                "UPDATE deliveries SET state = 'cancelled', last_outcome = 'the webhook was removed'
                 WHERE webhook_id = $1 AND state = 'queued'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            super::audit::append(&mut tx, who.did(now, "webhook.disable", &format!("webhook:{id}"), None, None))
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Pushes a notice for every camera offline too long (`push::offline_notice_due`), once per
    /// spell offline; returns how many were new.
    pub async fn notify_offline_cameras(&self, now: DateTime<Utc>, after: chrono::Duration) -> Result<u32, DbError> {
        use mingchu_domain::vocab::VenueStatus;
        // Each camera's latest connection state, where it is down.
        let down: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
            "SELECT c.id, c.venue_id, v.name, v.status, c.name, s.at
             FROM cameras c JOIN venues v ON v.id = c.venue_id
             JOIN camera_state_changes s ON s.id =
                  (SELECT id FROM camera_state_changes WHERE camera_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
             WHERE s.state IN ('offline', 'unplayable')
               AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.subject = 'camera:' || c.id || ':' || s.at)",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut added = 0;
        for (camera_id, venue_id, venue, status, camera, since) in down {
            let (Some(status), Ok(since_at)) =
                (VenueStatus::from_code(&status), chrono::DateTime::parse_from_rfc3339(&since))
            else {
                continue;
            };
            if !mingchu_domain::push::offline_notice_due(status, since_at.to_utc(), now, after) {
                continue;
            }
            let notice = Notice::CameraOffline { camera_id, venue_id, venue, camera, since };
            let mut tx = self.write_tx().await?;
            let new = add_notice(&mut tx, &notice, now).await?.is_some();
            tx.commit().await?;
            added += u32::from(new);
        }
        Ok(added)
    }

    /// Whose a live webhook is.
    pub async fn webhook_owner(&self, id: i64) -> Result<Option<WebhookOwner>, DbError> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT venue_id, office_id FROM webhooks WHERE id = $1 AND disabled_at IS NULL")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(venue, office)| match (venue, office) {
            (Some(v), _) => Some(WebhookOwner::Venue(v)),
            (None, Some(o)) => Some(WebhookOwner::Office(o)),
            _ => None,
        }))
    }

    /// Live webhooks of some venues and offices (`None`: every one), with their deliveries.
    pub async fn webhooks(&self, venues: Option<&[i64]>, offices: Option<&[i64]>) -> Result<Vec<WebhookRow>, DbError> {
        type Row = (
            i64,
            Option<i64>,
            Option<String>,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            i64,
            i64,
        );
        let json = |ids: Option<&[i64]>| ids.map(|ids| serde_json::to_string(ids).expect("ids serialise"));
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT w.id, w.venue_id, v.name, w.office_id, o.name, w.channel, w.url, w.label, w.created_at,
                    (SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.state = 'delivered'),
                    (SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.state = 'queued'),
                    (SELECT count(*) FROM deliveries d WHERE d.webhook_id = w.id AND d.state = 'failed')
             FROM webhooks w LEFT JOIN venues v ON v.id = w.venue_id LEFT JOIN supervision_offices o ON o.id = w.office_id
             WHERE w.disabled_at IS NULL
               AND (($1 IS NULL AND $2 IS NULL)
                    OR w.venue_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
                    OR w.office_id IN (SELECT CAST(value AS BIGINT) FROM json_each($2)))
             ORDER BY w.id",
        )
        .bind(json(venues))
        .bind(json(offices))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| WebhookRow {
                id: r.0,
                venue: r.1.map(|id| (id, r.2.clone().unwrap_or_default())),
                office: r.3.map(|id| (id, r.4.clone().unwrap_or_default())),
                channel: r.5,
                url: r.6,
                label: r.7,
                created_at: r.8,
                delivered: u32::try_from(r.9).unwrap_or(0),
                queued: u32::try_from(r.10).unwrap_or(0),
                failed: u32::try_from(r.11).unwrap_or(0),
            })
            .collect())
    }
}
