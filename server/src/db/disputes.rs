//! Disputes (mingchu_domain::dispute): raised by a venue on a confirmed capture or a violation,
//! decided by another inspector. Overturned, a violation leaves the public timeline and the
//! risk grading; a capture is dismissed (it then counts against its rule's precision) and its
//! notice withdrawn. Every change is audited in its own transaction.

use super::review_desk::{covered, scope_params};
use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{Actor, UserId};
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::dispute::{self, DisputeRefusal, Outcome};
use mingchu_domain::vocab::VenueId;

/// What is disputed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Violation(i64),
    Capture(i64),
}

impl Subject {
    /// The subject a form names: `violation` or `capture`, and its id.
    pub fn parse(kind: &str, id: i64) -> Option<Subject> {
        match kind {
            "violation" => Some(Subject::Violation(id)),
            "capture" => Some(Subject::Capture(id)),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DisputeError {
    #[error("there is nothing to dispute there")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] DisputeRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for DisputeError {
    fn from(e: sqlx::Error) -> Self {
        DisputeError::Db(e.into())
    }
}

/// A dispute as lists and its page show it.
#[derive(Clone, Debug)]
pub struct DisputeRecord {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub violation: Option<i64>,
    pub capture: Option<i64>,
    /// The finding's category and when it was seen.
    pub category: String,
    pub observed_at: String,
    pub note: String,
    pub raised_by: Option<String>,
    pub raised_at: String,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// Who confirmed or recorded the finding (they may not decide).
    pub finder: Option<UserId>,
    pub photos: Vec<i64>,
}

/// The finding behind a subject: (venue, violation, capture, when confirmed or recorded, by whom).
type Finding = (i64, Option<i64>, Option<i64>, String, Option<i64>);

async fn finding(conn: &mut sqlx::AnyConnection, subject: Subject) -> Result<Option<Finding>, DbError> {
    Ok(match subject {
        Subject::Violation(id) => {
            type Row = (i64, Option<i64>, String, Option<i64>, Option<String>, Option<i64>);
            let row: Option<Row> = sqlx::query_as(
                "SELECT x.venue_id, x.capture_id, x.recorded_at, x.recorded_by, e.reviewed_at, e.reviewed_by
                 FROM violations x LEFT JOIN capture_events e ON e.id = x.capture_id
                 WHERE x.id = $1 AND x.overturned_at IS NULL AND (x.capture_id IS NULL OR e.review = 'confirmed')",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            // A capture's violation runs from the capture's confirmation.
            row.map(|(venue, capture, recorded_at, recorded_by, reviewed_at, reviewed_by)| match capture {
                Some(c) => (venue, Some(id), Some(c), reviewed_at.unwrap_or(recorded_at), reviewed_by.or(recorded_by)),
                None => (venue, Some(id), None, recorded_at, recorded_by),
            })
        }
        Subject::Capture(id) => {
            type Row = (i64, Option<String>, Option<i64>, Option<i64>);
            let row: Option<Row> = sqlx::query_as(
                "SELECT c.venue_id, e.reviewed_at, e.reviewed_by, (SELECT x.id FROM violations x WHERE x.capture_id = e.id)
                 FROM capture_events e JOIN cameras c ON c.id = e.camera_id WHERE e.id = $1 AND e.review = 'confirmed'",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            row.map(|(venue, reviewed_at, reviewed_by, violation)| {
                (venue, violation, Some(id), reviewed_at.unwrap_or_default(), reviewed_by)
            })
        }
    })
}

fn day_of(at: &str) -> chrono::NaiveDate {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| mingchu_domain::china_time::day(t.to_utc()))
        .unwrap_or(chrono::NaiveDate::MIN)
}

fn user_of(actor: &Actor) -> Option<i64> {
    (actor.user.0 > 0).then_some(actor.user.0)
}

impl Db {
    /// The venue of what `subject` names; `None` when there is nothing to dispute.
    pub async fn dispute_subject_venue(&self, subject: Subject) -> Result<Option<VenueId>, DbError> {
        let mut conn = self.pool.acquire().await?;
        Ok(finding(&mut conn, subject).await?.map(|f| VenueId(f.0)))
    }

    /// What a dispute form shows of its subject: the venue's name, the finding's category, when
    /// it was seen, and when it was confirmed or recorded (the period runs from then).
    pub async fn dispute_subject_facts(
        &self,
        subject: Subject,
    ) -> Result<Option<(String, String, String, String)>, DbError> {
        let mut conn = self.pool.acquire().await?;
        let Some((venue, violation, capture, confirmed_at, _)) = finding(&mut conn, subject).await? else {
            return Ok(None);
        };
        let facts: Option<(String, String, String)> = sqlx::query_as(
            "SELECT v.name, coalesce(x.category, e.category), coalesce(x.observed_at, e.at)
             FROM venues v LEFT JOIN violations x ON x.id = $2 LEFT JOIN capture_events e ON e.id = $3 WHERE v.id = $1",
        )
        .bind(venue)
        .bind(violation)
        .bind(capture)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(facts.map(|(name, category, at)| (name, category, at, confirmed_at)))
    }

    /// Raises a dispute for the venue (the policy has allowed it). Returns its id.
    pub async fn raise_dispute(
        &self,
        subject: Subject,
        note: &str,
        photos: &[crate::complaints::photo::CleanPhoto],
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DisputeError> {
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        let (venue, violation, capture, confirmed_at, _) =
            finding(&mut tx, subject).await?.ok_or(DisputeError::NotFound)?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM disputes WHERE outcome IS NULL AND (violation_id = $1 OR capture_id = $2)",
        )
        .bind(violation)
        .bind(capture)
        .fetch_optional(&mut *tx)
        .await?;
        let note = dispute::raise(note, day_of(&confirmed_at), mingchu_domain::china_time::day(now), open.is_some())?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO disputes (venue_id, violation_id, capture_id, note, raised_by, raised_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(venue)
        .bind(violation)
        .bind(capture)
        .bind(&note)
        .bind(user_of(actor))
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        for photo in photos {
            sqlx::query(
                "INSERT INTO dispute_photos (dispute_id, width, height, sha256, jpeg) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i64::from(photo.width))
            .bind(i64::from(photo.height))
            .bind(&photo.sha256)
            .bind(&photo.jpeg)
            .execute(&mut *tx)
            .await?;
        }
        let after = serde_json::json!({
            "violation": violation, "capture": capture, "note": note,
            "photos": photos.iter().map(|p| p.sha256.clone()).collect::<Vec<_>>(),
        });
        super::audit::append(
            &mut tx,
            who.did(now, "dispute.raise", &format!("dispute:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Decides a dispute (the policy has allowed the inspector on the venue; the domain
    /// refuses the one who made the finding).
    pub async fn decide_dispute(
        &self,
        id: i64,
        outcome: Outcome,
        reason: &str,
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(), DisputeError> {
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        type Row = (i64, Option<i64>, Option<i64>, Option<String>);
        let row: Option<Row> =
            sqlx::query_as("SELECT venue_id, violation_id, capture_id, outcome FROM disputes WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (venue, violation, capture, decided) = row.ok_or(DisputeError::NotFound)?;
        let finder = self.finder_in(&mut tx, violation, capture).await?;
        let reason = dispute::decide(decided.is_some(), actor.user, finder, reason)?;
        sqlx::query("UPDATE disputes SET outcome = $2, reason = $3, decided_by = $4, decided_at = $5 WHERE id = $1")
            .bind(id)
            .bind(outcome.code())
            .bind(&reason)
            .bind(user_of(actor))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        if outcome == Outcome::Overturned {
            if let Some(v) = violation {
                sqlx::query("UPDATE violations SET overturned_at = $2 WHERE id = $1")
                    .bind(v)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(c) = capture {
                // Not a violation after all: it counts against its rule's precision.
                sqlx::query(
                    "UPDATE capture_events SET review = 'dismissed', dismiss_reason = 'not_a_violation',
                            reviewed_by = $2, reviewed_at = $3 WHERE id = $1 AND review = 'confirmed'",
                )
                .bind(c)
                .bind(user_of(actor))
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                super::push::withdraw_notice(&mut tx, &format!("capture:{c}"), now).await?;
            }
        }
        let after = serde_json::json!({ "outcome": outcome.code(), "reason": reason });
        super::audit::append(
            &mut tx,
            who.did(
                now,
                &format!("dispute.{}", outcome.code()),
                &format!("dispute:{id}"),
                None,
                Some(after.to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        self.regrade(VenueId(venue), now).await;
        Ok(())
    }

    /// Who confirmed the capture or recorded the violation.
    async fn finder_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        violation: Option<i64>,
        capture: Option<i64>,
    ) -> Result<Option<UserId>, DbError> {
        let by: Option<Option<i64>> = match (capture, violation) {
            (Some(c), _) => {
                sqlx::query_scalar("SELECT reviewed_by FROM capture_events WHERE id = $1")
                    .bind(c)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            (None, Some(v)) => {
                sqlx::query_scalar("SELECT recorded_by FROM violations WHERE id = $1")
                    .bind(v)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            (None, None) => None,
        };
        Ok(by.flatten().map(UserId))
    }

    /// The venue of a dispute.
    pub async fn dispute_venue(&self, id: i64) -> Result<Option<VenueId>, DbError> {
        let venue: Option<i64> = sqlx::query_scalar("SELECT venue_id FROM disputes WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(venue.map(VenueId))
    }

    /// The disputes on the venues `actor` covers: open ones oldest first, then decided ones
    /// newest first.
    pub async fn disputes(&self, actor: &Actor, limit: u32) -> Result<Vec<DisputeRecord>, DbError> {
        let (jurisdictions, venues) = scope_params(self, actor).await?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT d.id FROM disputes d JOIN venues v ON v.id = d.venue_id WHERE {}
             ORDER BY d.outcome IS NOT NULL, CASE WHEN d.outcome IS NULL THEN d.raised_at END ASC, d.decided_at DESC
             LIMIT $3",
            covered!()
        ))
        .bind(jurisdictions)
        .bind(venues)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(d) = self.dispute(id).await? {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// One dispute.
    pub async fn dispute(&self, id: i64) -> Result<Option<DisputeRecord>, DbError> {
        type Row = (
            i64,
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT d.id, v.id, v.name, d.violation_id, d.capture_id, coalesce(x.category, e.category),
                    coalesce(x.observed_at, e.at), d.note, r.display_name, d.raised_at, d.outcome, d.reason,
                    k.display_name, d.decided_at
             FROM disputes d JOIN venues v ON v.id = d.venue_id
             LEFT JOIN violations x ON x.id = d.violation_id LEFT JOIN capture_events e ON e.id = d.capture_id
             LEFT JOIN users r ON r.id = d.raised_by LEFT JOIN users k ON k.id = d.decided_by
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let mut conn = self.pool.acquire().await?;
        let finder = self.finder_in(&mut conn, r.3, r.4).await?;
        let photos: Vec<i64> = sqlx::query_scalar("SELECT id FROM dispute_photos WHERE dispute_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        Ok(Some(DisputeRecord {
            id: r.0,
            venue_id: r.1,
            venue: r.2,
            violation: r.3,
            capture: r.4,
            category: r.5.unwrap_or_default(),
            observed_at: r.6.unwrap_or_default(),
            note: r.7,
            raised_by: r.8,
            raised_at: r.9,
            outcome: r.10.as_deref().and_then(Outcome::from_code),
            reason: r.11,
            decided_by: r.12,
            decided_at: r.13,
            finder,
            photos,
        }))
    }

    /// A photo sent with a dispute: its venue and the JPEG.
    pub async fn dispute_photo(&self, dispute: i64, photo: i64) -> Result<Option<(VenueId, Vec<u8>)>, DbError> {
        let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT d.venue_id, p.jpeg FROM dispute_photos p JOIN disputes d ON d.id = p.dispute_id
             WHERE p.id = $1 AND p.dispute_id = $2",
        )
        .bind(photo)
        .bind(dispute)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(v, jpeg)| (VenueId(v), jpeg)))
    }
}
