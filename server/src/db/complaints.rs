//! Complaints: durable submission (one row per idempotency key), public views, status updates,
//! the Open311 listing, API keys and the form-token signing key.

use super::checks::rfc3339;
use super::{Db, DbError, Flag};
use app::api::{ComplaintFigures, ComplaintUpdate, FormVenue, PublicComplaint, MAX_PHOTOS};
use chrono::{DateTime, Utc};
use mingchu_domain::china_time;
use mingchu_domain::complaint::ComplaintFields;
use mingchu_domain::complaint::{self, Refusal};
use mingchu_domain::feedback_request;
use mingchu_domain::vocab::{ComplaintCategory, ComplaintStatus, VenueId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// A validated complaint ready to store.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub idempotency_key: String,
    pub fields: ComplaintFields,
    /// 'web' or 'open311:<api key name>'.
    pub source: String,
    /// The Open311 `token` handed back for a request created through the API.
    pub open311_token: Option<String>,
    /// Open311 extras: a location, and a client's media link (kept private).
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
    /// Draws a fresh public reference (again while one is taken): randomness comes from the
    /// caller, as the clock does.
    pub new_reference: fn() -> String,
}

/// A photo already written to disk (synced), to be recorded with its complaint.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub file: String,
    pub original_name: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, under this reference.
    New(String),
    /// A complaint with the same idempotency key was already stored.
    Existing(String),
}

/// Why a status update was not made.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("no complaint with reference {0}")]
    NotFound(String),
    /// The workflow's rules refuse it ([`mingchu_domain::complaint`]).
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A complaint as Open311 lists it (no private fields).
#[derive(Debug, Clone)]
pub struct ComplaintRecord {
    pub reference: String,
    pub category: ComplaintCategory,
    pub description: String,
    pub status: ComplaintStatus,
    pub status_notes: String,
    pub submitted_at: String,
    pub updated_at: String,
    pub expected: Option<String>,
    pub venue: i64,
    pub venue_name: String,
    pub address: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub first_photo: Option<i64>,
}

/// Filters of Open311 `GET requests`.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub references: Vec<String>,
    /// Any of these categories (none: all).
    pub categories: Vec<ComplaintCategory>,
    pub status: Option<ComplaintStatus>,
    /// RFC 3339 UTC bounds on the submission time.
    pub start: Option<String>,
    pub end: Option<String>,
    /// `Some(true)`: closed only; `Some(false)`: open only.
    pub closed: Option<bool>,
    /// Only complaints a regulator has accepted (the public list): not those waiting for a
    /// decision, rejected or duplicates.
    pub accepted_only: bool,
    pub limit: u32,
}

/// A stored UTC time in China time, as pages and the API show times.
fn china(utc: &str) -> String {
    china_time::format_stored(utc).unwrap_or_else(|| utc.to_string())
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Db {
    /// The complaint stored under an idempotency key, if any: its reference and content hash.
    pub async fn complaint_by_key(&self, key: &str) -> Result<Option<(String, String)>, DbError> {
        Ok(sqlx::query_as("SELECT reference, content_hash FROM complaints WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The reference and Open311 token of the complaint with this Open311 token or reference.
    pub async fn open311_token(&self, token_or_reference: &str) -> Result<Option<(String, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT reference, open311_token FROM complaints
             WHERE open311_token IS NOT NULL AND (open311_token = $1 OR reference = $1)",
        )
        .bind(token_or_reference)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The venue and its public cameras, for the form.
    pub async fn complaint_venue(&self, id: VenueId) -> Result<Option<FormVenue>, DbError> {
        let Some(row) = sqlx::query("SELECT name, address FROM venues WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.keyed())
            .await?
        else {
            return Ok(None);
        };
        let cameras: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM cameras WHERE venue_id = $1 AND is_public = 1 ORDER BY id")
                .bind(id.0)
                .fetch_all(self.keyed())
                .await?;
        Ok(Some(FormVenue { id, name: row.get(0), address: row.get(1), cameras }))
    }

    /// Stores a complaint and its (already synced) photos in one transaction, committed with
    /// `synchronous = FULL` so that once this returns the complaint survives power loss too.
    pub async fn store_complaint(
        &self,
        new: &NewComplaint,
        photos: &[StoredPhoto],
        now: DateTime<Utc>,
    ) -> Result<Stored, DbError> {
        assert!(photos.len() <= MAX_PHOTOS);
        let mut conn = self.pool.acquire().await?;
        if self.backend == super::Backend::Postgres {
            // PostgreSQL's commits are durable (synchronous_commit) unless its operator says
            // otherwise.
            return store_in(&mut conn, new, photos, now).await;
        }
        sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await?;
        let result = store_in(&mut conn, new, photos, now).await;
        // Put the pooled connection back to the default, even after a failure.
        let _ = sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await;
        result
    }

    pub async fn public_complaint(&self, reference: &str) -> Result<Option<PublicComplaint>, DbError> {
        let Some(row) = sqlx::query(
            "SELECT c.id, c.reference, c.venue_id, v.name, c.category, c.description, c.occurred_at,
                    cam.name, c.camera_time, CASE WHEN c.show_name = 1 THEN c.name END, c.submitted_at,
                    c.status, c.accept_due, c.mediation_due
             FROM complaints c JOIN venues v ON v.id = c.venue_id
             LEFT JOIN cameras cam ON cam.id = c.camera_id
             WHERE c.reference = $1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.get(0);
        let reference: String = row.get(1);
        let positions: Vec<i64> =
            sqlx::query_scalar("SELECT position FROM complaint_photos WHERE complaint_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        let updates = sqlx::query(
            "SELECT at, status, note, duplicate_of FROM complaint_updates WHERE complaint_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|u| {
            Ok(ComplaintUpdate {
                at: china(u.get::<String, _>(0).as_str()),
                status: status(&u.get::<String, _>(1))?,
                note: u.get(2),
                duplicate_of: u.get(3),
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
        let feedback: Option<(Flag, i64, String)> =
            sqlx::query_as("SELECT resolved, satisfaction, at FROM complaint_feedback WHERE complaint_id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let feedback = feedback.map(|(resolved, satisfaction, at)| app::api::ComplaintFeedback {
            resolved: resolved.0,
            satisfaction: satisfaction as u8,
            at: china(&at),
        });
        Ok(Some(PublicComplaint {
            photos: positions.iter().map(|p| format!("/complaints/{reference}/photos/{p}.jpg")).collect(),
            reference,
            venue: VenueId(row.get(2)),
            venue_name: row.get(3),
            category: category(&row.get::<String, _>(4))?,
            description: row.get(5),
            occurred_at: row.get(6),
            camera_name: row.get(7),
            camera_time: row.get(8),
            shown_name: row.get(9),
            submitted_at: china(row.get::<String, _>(10).as_str()),
            status: status(&row.get::<String, _>(11))?,
            accept_due: row.get(12),
            mediation_due: row.get(13),
            asks_feedback: feedback.is_none()
                && mingchu_domain::satisfaction::is_asked(status(&row.get::<String, _>(11))?),
            feedback,
            updates,
        }))
    }

    /// Records the complainant's answer to complaint `reference`, checked by the domain
    /// against its status and any answer given before (in one transaction).
    pub async fn record_feedback(
        &self,
        reference: &str,
        resolved: &str,
        score: &str,
        comment: &str,
        now: DateTime<Utc>,
    ) -> Result<(), FeedbackError> {
        let mut tx = self.write_tx().await.map_err(DbError::from)?;
        let found: Option<(i64, String, Flag)> = sqlx::query_as(
            "SELECT c.id, c.status, EXISTS (SELECT 1 FROM complaint_feedback f WHERE f.complaint_id = c.id)
             FROM complaints c WHERE c.reference = $1",
        )
        .bind(reference)
        .fetch_optional(&mut *tx)
        .await
        .map_err(DbError::from)?;
        let Some((id, code, answered)) = found else { return Err(FeedbackError::NotFound) };
        let answer = mingchu_domain::satisfaction::answer(status(&code)?, answered.0, resolved, score, comment)?;
        sqlx::query(
            "INSERT INTO complaint_feedback (complaint_id, resolved, satisfaction, comment, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(i64::from(answer.resolved))
        .bind(i64::from(answer.satisfaction))
        .bind(&answer.comment)
        .bind(super::checks::rfc3339(now))
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
        tx.commit().await.map_err(DbError::from)?;
        Ok(())
    }

    /// The private fields (contact, name), for regulators only.
    pub async fn complaint_private(
        &self,
        reference: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>, DbError> {
        Ok(sqlx::query_as("SELECT contact, name FROM complaints WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The stored file of a complaint's photo (1-based position).
    pub async fn complaint_photo(&self, reference: &str, position: i64) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar(
            "SELECT p.file FROM complaint_photos p JOIN complaints c ON c.id = p.complaint_id
             WHERE c.reference = $1 AND p.position = $2",
        )
        .bind(reference)
        .bind(position)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every stored photo file (for sweeping files left by a crash before their row).
    pub async fn complaint_photo_files(&self) -> Result<Vec<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT file FROM complaint_photos").fetch_all(&self.pool).await?)
    }

    /// Moves a complaint to `to`, with a public note, as the workflow's rules decide.
    pub async fn update_complaint(
        &self,
        reference: &str,
        to: ComplaintStatus,
        note: &str,
        duplicate_of: Option<&str>,
        who: &mingchu_domain::audit::Who,
        now: DateTime<Utc>,
    ) -> Result<(), UpdateError> {
        let mut tx = self.write_tx().await.map_err(DbError::from)?;
        let row: Option<(i64, String, i64, Option<String>)> =
            sqlx::query_as("SELECT id, status, venue_id, contact FROM complaints WHERE reference = $1")
                .bind(reference)
                .fetch_optional(&mut *tx)
                .await
                .map_err(DbError::from)?;
        let Some((id, from, venue, contact)) = row else {
            return Err(UpdateError::NotFound(reference.to_string()));
        };
        let change = complaint::change(reference, status(&from)?, to, note, duplicate_of, now)?;
        if let Some(reach) = feedback_request::asks_by_contact(status(&from)?, to, contact.as_deref()) {
            super::feedback_requests::queue(&mut tx, id, reach, now).await?;
        }
        if let Some(original) = &change.duplicate_of {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM complaints WHERE reference = $1")
                .bind(original)
                .fetch_optional(&mut *tx)
                .await
                .map_err(DbError::from)?;
            exists.ok_or(Refusal::DuplicateOf)?;
        }
        let at = rfc3339(now);
        let mediation_due = change.mediation_due.map(|d| d.to_string());
        sqlx::query(
            "UPDATE complaints SET status = $2, updated_at = $3, mediation_due = coalesce($4, mediation_due)
             WHERE id = $1",
        )
        .bind(id)
        .bind(to.code())
        .bind(&at)
        .bind(mediation_due)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
        sqlx::query(
            "INSERT INTO complaint_updates (complaint_id, at, status, note, duplicate_of) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&at)
        .bind(to.code())
        .bind(&change.note)
        .bind(&change.duplicate_of)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
        let before = serde_json::json!({ "status": from }).to_string();
        let after =
            serde_json::json!({ "status": to.code(), "note": change.note, "duplicate_of": change.duplicate_of });
        super::audit::append(
            &mut tx,
            who.did(now, "complaint.status", &format!("complaint:{reference}"), Some(before), Some(after.to_string())),
        )
        .await?;
        tx.commit().await.map_err(DbError::from)?;
        // An accepted complaint counts toward the venue's risk.
        self.regrade(mingchu_domain::vocab::VenueId(venue), now).await;
        Ok(())
    }

    /// Complaints for Open311 `GET requests`, newest first.
    pub async fn list_complaints(&self, filter: &ComplaintFilter) -> Result<Vec<ComplaintRecord>, DbError> {
        let mut sql = String::from(
            "SELECT c.reference, c.category, c.description, c.status,
                    (SELECT note FROM complaint_updates u WHERE u.complaint_id = c.id ORDER BY u.at DESC, u.id DESC LIMIT 1),
                    c.submitted_at, c.updated_at,
                    CASE WHEN c.status = 'submitted' THEN c.accept_due
                         WHEN c.status IN ('rejected', 'resolved', 'closed', 'duplicate') THEN NULL
                         ELSE c.mediation_due END,
                    c.venue_id, v.name, v.address, coalesce(v.latitude, c.lat), coalesce(v.longitude, c.long),
                    (SELECT min(position) FROM complaint_photos p WHERE p.complaint_id = c.id)
             FROM complaints c JOIN venues v ON v.id = c.venue_id WHERE 1 = 1",
        );
        let mut binds: Vec<String> = Vec::new();
        if !filter.references.is_empty() {
            sql.push_str(&format!(" AND c.reference IN ({})", vec!["?"; filter.references.len()].join(", ")));
            binds.extend(filter.references.iter().cloned());
        }
        if !filter.categories.is_empty() {
            sql.push_str(&format!(" AND c.category IN ({})", vec!["?"; filter.categories.len()].join(", ")));
            binds.extend(filter.categories.iter().map(|c| c.code().to_string()));
        }
        if let Some(status) = filter.status {
            sql.push_str(" AND c.status = ?");
            binds.push(status.code().to_string());
        }
        if let Some(s) = &filter.start {
            sql.push_str(" AND c.submitted_at >= ?");
            binds.push(s.clone());
        }
        if let Some(e) = &filter.end {
            sql.push_str(" AND c.submitted_at <= ?");
            binds.push(e.clone());
        }
        if filter.accepted_only {
            sql.push_str(" AND c.status NOT IN ('submitted', 'rejected', 'duplicate')");
        }
        match filter.closed {
            Some(true) => sql.push_str(" AND c.status IN ('rejected', 'resolved', 'closed', 'duplicate')"),
            Some(false) => sql.push_str(" AND c.status NOT IN ('rejected', 'resolved', 'closed', 'duplicate')"),
            None => {}
        }
        sql.push_str(&format!(" ORDER BY c.submitted_at DESC, c.id DESC LIMIT {}", filter.limit.max(1)));
        let sql = super::numbered(&sql);
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ComplaintRecord {
                    reference: r.get(0),
                    category: category(&r.get::<String, _>(1))?,
                    description: r.get(2),
                    status: status(&r.get::<String, _>(3))?,
                    status_notes: r.get::<Option<String>, _>(4).unwrap_or_default(),
                    submitted_at: r.get(5),
                    updated_at: r.get(6),
                    expected: r.get(7),
                    venue: r.get(8),
                    venue_name: r.get(9),
                    address: r.get(10),
                    lat: r.get(11),
                    long: r.get(12),
                    first_photo: r.get(13),
                })
            })
            .collect()
    }

    /// Complaint handling figures for the programme KPIs, as of `now`.
    pub async fn complaint_figures(&self, now: DateTime<Utc>) -> Result<ComplaintFigures, DbError> {
        let today = china_time::day(now).to_string();
        let (received, awaiting, overdue): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE submitted_at >= $1), count(*) FILTER (WHERE status = 'submitted'),
                    count(*) FILTER (WHERE status = 'submitted' AND accept_due < $2)
             FROM complaints",
        )
        .bind(rfc3339(now - chrono::Duration::days(30)))
        .bind(&today)
        .fetch_one(&self.pool)
        .await?;
        // Each recent complaint's deadline and the time of its first decision, if any.
        let recent: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT c.accept_due,
                    (SELECT min(u.at) FROM complaint_updates u WHERE u.complaint_id = c.id AND u.status <> 'submitted')
             FROM complaints c WHERE c.submitted_at >= $1",
        )
        .bind(rfc3339(now - chrono::Duration::days(90)))
        .fetch_all(&self.pool)
        .await?;
        let (mut on_time, mut counted) = (0u32, 0u32);
        for (due, decided) in recent {
            match decided.and_then(|at| DateTime::parse_from_rfc3339(&at).ok()) {
                Some(at) => {
                    counted += 1;
                    on_time += u32::from(china_time::day(at.with_timezone(&Utc)).to_string() <= due);
                }
                None if due < today => counted += 1,
                None => {}
            }
        }
        Ok(ComplaintFigures {
            received_30d: received as u32,
            awaiting_decision: awaiting as u32,
            overdue: overdue as u32,
            decided_on_time_90d: (counted > 0).then(|| on_time as f64 / counted as f64),
        })
    }

    /// Issues an Open311 API key named `name`; returns the key (shown once, stored hashed).
    pub async fn create_api_key(&self, name: &str, now: DateTime<Utc>) -> Result<String, DbError> {
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let key = format!("mck_{}", hex::encode(bytes));
        sqlx::query("INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(hash(&key))
            .bind(rfc3339(now))
            .execute(&self.pool)
            .await?;
        Ok(key)
    }

    /// The name of the live API key `key`, if it is one.
    pub async fn api_key_name(&self, key: &str) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(hash(key.trim()))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// `(name, created_at, revoked_at)` of every key.
    pub async fn api_keys(&self) -> Result<Vec<(String, String, Option<String>)>, DbError> {
        Ok(sqlx::query_as("SELECT name, created_at, revoked_at FROM api_keys ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Revokes the key named `name`; false when there is no live key of that name.
    pub async fn revoke_api_key(&self, name: &str, now: DateTime<Utc>) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .bind(rfc3339(now))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The server secret `name`, created from `make` on first use.
    pub async fn server_secret(&self, name: &str, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, DbError> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(make())
            .execute(&self.pool)
            .await?;
        Ok(sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?)
    }
}

async fn store_in(
    conn: &mut sqlx::AnyConnection,
    new: &NewComplaint,
    photos: &[StoredPhoto],
    now: DateTime<Utc>,
) -> Result<Stored, DbError> {
    let mut tx = super::begin_write(conn).await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT reference FROM complaints WHERE idempotency_key = $1")
        .bind(&new.idempotency_key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(reference) = existing {
        return Ok(Stored::Existing(reference));
    }
    let reference = loop {
        let candidate = (new.new_reference)();
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM complaints WHERE reference = $1")
            .bind(&candidate)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_none() {
            break candidate;
        }
    };
    let f = &new.fields;
    let at = rfc3339(now);
    let accept_due = complaint::acceptance_due(now).to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO complaints (reference, idempotency_key, venue_id, category, description, occurred_at,
             camera_id, camera_time, contact, name, show_name, status, submitted_at, updated_at, accept_due,
             source, lat, long, media_url, content_hash, open311_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'submitted', $12, $12, $13, $14, $15, $16, $17,
             $18, $19)
         RETURNING id",
    )
    .bind(&reference)
    .bind(&new.idempotency_key)
    .bind(f.venue.0)
    .bind(f.category.code())
    .bind(&f.description)
    .bind(&f.occurred_at)
    .bind(f.camera)
    .bind(&f.camera_time)
    .bind(&f.contact)
    .bind(&f.name)
    .bind(i64::from(f.show_name))
    .bind(&at)
    .bind(&accept_due)
    .bind(&new.source)
    .bind(new.lat)
    .bind(new.long)
    .bind(&new.media_url)
    .bind(f.fingerprint())
    .bind(&new.open311_token)
    .fetch_one(&mut *tx)
    .await?;
    for (i, p) in photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO complaint_photos (complaint_id, position, file, original_name, width, height, bytes, sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(&p.file)
        .bind(&p.original_name)
        .bind(p.width as i64)
        .bind(p.height as i64)
        .bind(p.bytes as i64)
        .bind(&p.sha256)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("INSERT INTO complaint_updates (complaint_id, at, status, note) VALUES ($1, $2, 'submitted', '')")
        .bind(id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Stored::New(reference))
}

fn status(code: &str) -> Result<ComplaintStatus, DbError> {
    ComplaintStatus::from_code(code).ok_or_else(|| DbError::Corrupt(format!("complaint status {code:?}")))
}

fn category(code: &str) -> Result<ComplaintCategory, DbError> {
    ComplaintCategory::from_code(code).ok_or_else(|| DbError::Corrupt(format!("complaint category {code:?}")))
}

/// Why a complainant's answer was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("there is no complaint with this reference")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] mingchu_domain::satisfaction::FeedbackRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}
