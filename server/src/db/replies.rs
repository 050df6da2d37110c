//! The venue's right of reply to an inspection or one of its findings. Replies wait for a
//! moderator; only published ones reach the public page and the open-data API.

use super::{Db, DbError};
use app::api::VenueReply;
use serde::Serialize;
use std::collections::HashMap;

/// The longest reply accepted, in characters.
pub const MAX_REPLY_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReplyStatus {
    Pending,
    Published,
    Rejected,
}

impl ReplyStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReplyStatus::Pending => "pending",
            ReplyStatus::Published => "published",
            ReplyStatus::Rejected => "rejected",
        }
    }
}

pub struct NewReply<'a> {
    pub inspection_id: i64,
    /// 1-based position of the finding within the inspection, as the public page lists them.
    pub finding: Option<u32>,
    pub body: &'a str,
}

/// A reply as moderators see it.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyListing {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub inspection_id: i64,
    pub inspected_on: String,
    pub finding: Option<String>,
    pub body: String,
    pub submitted_at: String,
    pub status: String,
    pub moderation_note: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("no inspection with id {0}")]
    NoInspection(i64),
    #[error("inspection {inspection} has {count} finding(s); there is no finding {finding}")]
    NoFinding { inspection: i64, finding: u32, count: usize },
    #[error("the reply is empty")]
    Empty,
    #[error("the reply is {0} characters long; at most {MAX_REPLY_CHARS} are accepted")]
    TooLong(usize),
    #[error("no reply with id {0}")]
    NoReply(i64),
    #[error("reply {id} is already {status}; only pending replies can be moderated")]
    AlreadyModerated { id: i64, status: String },
    #[error("a rejection needs a reason for the venue")]
    NoReason,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ReplyError {
    fn from(e: sqlx::Error) -> Self {
        ReplyError::Db(e.into())
    }
}

impl Db {
    /// Stores a venue's reply, pending moderation; returns its id. Audited.
    pub async fn add_reply(
        &self,
        reply: &NewReply<'_>,
        who: &mingchu_domain::audit::Who,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, ReplyError> {
        let body = reply.body.trim();
        if body.is_empty() {
            return Err(ReplyError::Empty);
        }
        let chars = body.chars().count();
        if chars > MAX_REPLY_CHARS {
            return Err(ReplyError::TooLong(chars));
        }
        let mut tx = self.write_tx().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM inspections WHERE id = $1")
            .bind(reply.inspection_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(ReplyError::NoInspection(reply.inspection_id));
        }
        let finding_id = match reply.finding {
            None => None,
            Some(n) => {
                let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM findings WHERE inspection_id = $1 ORDER BY id")
                    .bind(reply.inspection_id)
                    .fetch_all(&mut *tx)
                    .await?;
                match ids.get((n as usize).wrapping_sub(1)) {
                    Some(id) => Some(*id),
                    None => {
                        return Err(ReplyError::NoFinding {
                            inspection: reply.inspection_id,
                            finding: n,
                            count: ids.len(),
                        })
                    }
                }
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO venue_replies (inspection_id, finding_id, body) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(reply.inspection_id)
        .bind(finding_id)
        .bind(body)
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({ "inspection": reply.inspection_id, "finding": reply.finding, "body": body });
        super::audit::append(&mut tx, who.did(now, "reply.add", &format!("reply:{id}"), None, Some(after.to_string())))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Publishes or rejects a pending reply; audited.
    pub async fn moderate_reply(
        &self,
        id: i64,
        publish: bool,
        note: Option<&str>,
        who: &mingchu_domain::audit::Who,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ReplyError> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if !publish && note.is_none() {
            return Err(ReplyError::NoReason);
        }
        let mut tx = self.write_tx().await?;
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM venue_replies WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match status.as_deref() {
            None => return Err(ReplyError::NoReply(id)),
            Some("pending") => {}
            Some(other) => return Err(ReplyError::AlreadyModerated { id, status: other.to_string() }),
        }
        sqlx::query("UPDATE venue_replies SET status = $1, moderated_at = $4, moderation_note = $2 WHERE id = $3")
            .bind(if publish { "published" } else { "rejected" })
            .bind(note)
            .bind(id)
            .bind(now.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .execute(&mut *tx)
            .await?;
        let action = if publish { "reply.publish" } else { "reply.reject" };
        let after = note.map(|n| serde_json::json!({ "note": n }).to_string());
        super::audit::append(&mut tx, who.did(now, action, &format!("reply:{id}"), None, after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The venue an inspection was of.
    pub async fn inspection_venue(&self, inspection: i64) -> Result<Option<mingchu_domain::vocab::VenueId>, DbError> {
        let venue: Option<i64> = sqlx::query_scalar("SELECT venue_id FROM inspections WHERE id = $1")
            .bind(inspection)
            .fetch_optional(&self.pool)
            .await?;
        Ok(venue.map(mingchu_domain::vocab::VenueId))
    }

    /// Replies for moderators, oldest first; all of them, or those with one status.
    pub async fn list_replies(&self, status: Option<ReplyStatus>) -> Result<Vec<ReplyListing>, DbError> {
        let rows = sqlx::query_as::<_, (i64, i64, String, i64, String, Option<String>, String, String, String, Option<String>)>(
            "SELECT r.id, v.id, v.name, i.id, i.inspected_on, f.item, r.body, r.submitted_at, r.status, r.moderation_note
             FROM venue_replies r JOIN inspections i ON i.id = r.inspection_id JOIN venues v ON v.id = i.venue_id
             LEFT JOIN findings f ON f.id = r.finding_id
             WHERE $1 IS NULL OR r.status = $1 ORDER BY r.id",
        )
        .bind(status.map(ReplyStatus::code))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, venue_id, venue, inspection_id, inspected_on, finding, body, submitted_at, status, note)| {
                ReplyListing {
                    id,
                    venue_id,
                    venue,
                    inspection_id,
                    inspected_on,
                    finding,
                    body,
                    submitted_at,
                    status,
                    moderation_note: note,
                }
            })
            .collect())
    }

    /// The published replies to the venue's inspections that the venue page lists (the
    /// newest `limit`), oldest first, by inspection.
    pub(crate) async fn published_replies(
        &self,
        venue: i64,
        limit: i64,
    ) -> Result<HashMap<i64, Vec<VenueReply>>, DbError> {
        let rows = sqlx::query_as::<_, (i64, Option<String>, String, String)>(&format!(
            "SELECT r.inspection_id, f.item, r.body, r.moderated_at FROM venue_replies r
             LEFT JOIN findings f ON f.id = r.finding_id
             WHERE r.inspection_id IN ({}) AND r.status = 'published' ORDER BY r.moderated_at, r.id",
            super::catalog::LISTED_INSPECTIONS
        ))
        .bind(venue)
        .bind(limit)
        .fetch_all(self.keyed())
        .await?;
        let mut out: HashMap<i64, Vec<VenueReply>> = HashMap::new();
        for (inspection, finding, body, moderated_at) in rows {
            // The day it was published, in China Standard Time.
            let at = chrono::DateTime::parse_from_rfc3339(&moderated_at)
                .map_err(|e| DbError::Corrupt(format!("reply moderated at {moderated_at:?}: {e}")))?;
            let published_on = (at.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive().to_string();
            out.entry(inspection).or_default().push(VenueReply { finding, body, published_on });
        }
        Ok(out)
    }
}
