//! Requests to complainants to rate their complaint, by the contact they left
//! (mingchu_domain::feedback_request): queued in the transaction that first handles a complaint
//! to the end, claimed and sent by `crate::feedback_sender`, their outcome shown on the
//! complaint desk.

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::audit::timestamp;
use mingchu_domain::feedback_request::Reach;
use sqlx::AnyConnection;

/// Queues the request for complaint `complaint` (once per complaint).
pub(super) async fn queue(
    conn: &mut AnyConnection,
    complaint: i64,
    reach: Reach,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let at = timestamp(now);
    sqlx::query(
        "INSERT INTO feedback_requests (complaint_id, reach, created_at, due_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (complaint_id) DO NOTHING",
    )
    .bind(complaint)
    .bind(reach.code())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A request due to be sent, claimed by the sender.
#[derive(Clone, Debug)]
pub struct DueRequest {
    pub id: i64,
    pub reference: String,
    /// The complaint's contact now (gone if it was erased since).
    pub contact: Option<String>,
    pub created_at: DateTime<Utc>,
    /// This attempt's number, from 1.
    pub attempt: u32,
}

/// How a sending attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestOutcome {
    Sent,
    /// Not taken; due again then.
    Retry(DateTime<Utc>),
    /// Not taken, and no more attempts.
    Failed,
    /// Too late to send, or nothing to send it with.
    Expired,
}

/// A request as the complaint desk shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestState {
    pub reach: String,
    pub state: String,
    pub attempts: i64,
    pub created_at: String,
    pub last_attempt_at: Option<String>,
    pub outcome: Option<String>,
}

impl Db {
    /// Claims up to `limit` requests due at `now`, each for `lease`.
    pub async fn claim_feedback_requests(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<DueRequest>, DbError> {
        type Row = (i64, String, Option<String>, String, i64);
        let mut tx = self.write_tx().await?;
        let rows: Vec<Row> = sqlx::query_as(
            "UPDATE feedback_requests SET attempts = attempts + 1, last_attempt_at = $1, due_at = $2
             WHERE id IN (SELECT id FROM feedback_requests WHERE state = 'queued' AND due_at <= $1 ORDER BY due_at LIMIT $3)
             RETURNING id,
                (SELECT reference FROM complaints c WHERE c.id = complaint_id),
                (SELECT contact FROM complaints c WHERE c.id = complaint_id),
                created_at, attempts",
        )
        .bind(timestamp(now))
        .bind(timestamp(now + lease))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(id, reference, contact, created_at, attempts)| {
                let created_at = DateTime::parse_from_rfc3339(&created_at)
                    .map_err(|e| DbError::Corrupt(format!("feedback request {id}: {e}")))?
                    .to_utc();
                Ok(DueRequest {
                    id,
                    reference,
                    contact,
                    created_at,
                    attempt: u32::try_from(attempts).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Records how an attempt ended, with the gateway's answer or why it was not sent.
    pub async fn record_feedback_request(
        &self,
        id: i64,
        now: DateTime<Utc>,
        outcome: RequestOutcome,
        why: &str,
    ) -> Result<(), DbError> {
        let (state, due) = match outcome {
            RequestOutcome::Sent => ("sent", now),
            RequestOutcome::Retry(at) => ("queued", at),
            RequestOutcome::Failed => ("failed", now),
            RequestOutcome::Expired => ("expired", now),
        };
        sqlx::query(
            "UPDATE feedback_requests SET state = $2, due_at = $3, last_outcome = $4 WHERE id = $1 AND state = 'queued'",
        )
        .bind(id)
        .bind(state)
        .bind(timestamp(due))
        .bind(why.chars().take(300).collect::<String>())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The request to rate complaint `reference`, if one was made.
    pub async fn feedback_request(&self, reference: &str) -> Result<Option<RequestState>, DbError> {
        type Row = (String, String, i64, String, Option<String>, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT r.reach, r.state, r.attempts, r.created_at, r.last_attempt_at, r.last_outcome
             FROM feedback_requests r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = $1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(reach, state, attempts, created_at, last_attempt_at, outcome)| RequestState {
            reach,
            state,
            attempts,
            created_at,
            last_attempt_at,
            outcome,
        }))
    }
}
