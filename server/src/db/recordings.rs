//! The index of recorded files and the notes of what happened to them
//! (mingchu_media::record); the recording policy per camera.

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::recording::{EvidenceCase, RecordingPolicy};
use mingchu_domain::vocab::CameraId;
use mingchu_media::record::segmenter::{FragmentIndex, SegmentSummary};
use std::collections::HashSet;

/// Milliseconds, so rows compare as text in time order.
pub fn ms(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn parse(at: &str) -> Result<DateTime<Utc>, DbError> {
    at.parse().map_err(|e| DbError::Corrupt(format!("recording time {at:?}: {e}")))
}

/// One indexed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: i64,
    pub camera: CameraId,
    pub path: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub camera_offset_ms: Option<i64>,
    pub bytes: u64,
    pub init_len: u64,
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub fragments: Vec<FragmentIndex>,
    pub recovered: bool,
    /// The media node whose disk holds the file; `None` on a single server.
    pub node: Option<String>,
}

type SegmentRow =
    (i64, i64, String, String, String, Option<i64>, i64, i64, String, i64, i64, String, i64, Option<String>);

const SEGMENT_COLUMNS: &str = "id, camera_id, path, start_at, end_at, camera_offset_ms, bytes, init_bytes, codec, \
                               width, height, fragments, recovered, node";

fn segment(r: SegmentRow) -> Result<Segment, DbError> {
    Ok(Segment {
        id: r.0,
        camera: CameraId(r.1),
        path: r.2,
        start: parse(&r.3)?,
        end: parse(&r.4)?,
        camera_offset_ms: r.5,
        bytes: r.6 as u64,
        init_len: r.7 as u64,
        codec: r.8,
        width: r.9 as u32,
        height: r.10 as u32,
        fragments: serde_json::from_str(&r.11).map_err(|e| DbError::Corrupt(format!("fragment index: {e}")))?,
        recovered: r.12 != 0,
        node: r.13,
    })
}

/// A note on the recordings.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub camera: Option<CameraId>,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: String,
}

impl Db {
    pub async fn recorded_cameras(&self) -> Result<Vec<(CameraId, RecordingPolicy)>, DbError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, recording FROM cameras WHERE recording != 'off' ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, code)| {
                let policy = RecordingPolicy::from_code(&code)
                    .ok_or_else(|| DbError::Corrupt(format!("camera {id}: recording policy {code:?}")))?;
                Ok((CameraId(id), policy))
            })
            .collect()
    }

    /// A camera's recording policy and retention in days; `None` if no such camera.
    pub async fn recording_policy(&self, camera: CameraId) -> Result<Option<(RecordingPolicy, u32)>, DbError> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT recording, recording_retention_days FROM cameras WHERE id = $1")
                .bind(camera.0)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(code, days)| {
            let policy = RecordingPolicy::from_code(&code)
                .ok_or_else(|| DbError::Corrupt(format!("camera {camera}: recording policy {code:?}")))?;
            Ok((policy, days as u32))
        })
        .transpose()
    }

    pub async fn add_segment(
        &self,
        camera: CameraId,
        path: &str,
        s: &SegmentSummary,
        recovered: bool,
        fence: Option<&super::nodes::Fence>,
        node: Option<&str>,
    ) -> Result<(), DbError> {
        let fragments = serde_json::to_string(&s.fragments).expect("serializable");
        let mut tx = self.write_tx().await?;
        if let Some(fence) = fence {
            super::nodes::hold(&mut tx, fence).await?;
        }
        sqlx::query(
            "INSERT INTO recording_segments (camera_id, path, start_at, end_at, camera_offset_ms, bytes, init_bytes,
                 codec, width, height, fragments, recovered, node)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (path) DO NOTHING",
        )
        .bind(camera.0)
        .bind(path)
        .bind(ms(s.start))
        .bind(ms(s.end))
        .bind(s.camera_offset_ms)
        .bind(s.bytes as i64)
        .bind(s.init_len as i64)
        .bind(&s.codec)
        .bind(s.width as i64)
        .bind(s.height as i64)
        .bind(fragments)
        .bind(recovered as i64)
        .bind(node)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The files indexed on `node`'s disk (`None`: a single server's).
    pub async fn indexed_recording_paths(&self, node: Option<&str>) -> Result<HashSet<String>, DbError> {
        let paths: Vec<String> =
            sqlx::query_scalar("SELECT path FROM recording_segments WHERE node IS NOT DISTINCT FROM $1")
                .bind(node)
                .fetch_all(&self.pool)
                .await?;
        Ok(paths.into_iter().collect())
    }

    /// Forgets files of `node`'s disk that are gone.
    pub async fn forget_segments(&self, node: Option<&str>, paths: &[String]) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for path in paths {
            sqlx::query("DELETE FROM recording_segments WHERE path = $1 AND node IS NOT DISTINCT FROM $2")
                .bind(path)
                .bind(node)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_recording_note(
        &self,
        camera: Option<CameraId>,
        at: DateTime<Utc>,
        kind: &str,
        detail: &str,
    ) -> Result<(), DbError> {
        sqlx::query("INSERT INTO recording_notes (camera_id, at, kind, detail) VALUES ($1, $2, $3, $4)")
            .bind(camera.map(|c| c.0))
            .bind(ms(at))
            .bind(kind)
            .bind(detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The camera's files that overlap `[from, to)`, in time order.
    pub async fn segments_between(
        &self,
        camera: CameraId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Segment>, DbError> {
        let rows: Vec<SegmentRow> = sqlx::query_as(&format!(
            "SELECT {SEGMENT_COLUMNS} FROM recording_segments
             WHERE camera_id = $1 AND start_at < $3 AND end_at > $2 ORDER BY start_at"
        ))
        .bind(camera.0)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(segment).collect()
    }

    pub async fn segment(&self, id: i64) -> Result<Option<Segment>, DbError> {
        let row: Option<SegmentRow> =
            sqlx::query_as(&format!("SELECT {SEGMENT_COLUMNS} FROM recording_segments WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(segment).transpose()
    }

    /// The notes on a camera's recordings (all cameras' with `None`), newest first.
    pub async fn recording_notes(&self, camera: Option<CameraId>, limit: i64) -> Result<Vec<Note>, DbError> {
        let rows: Vec<(Option<i64>, String, String, String)> = sqlx::query_as(
            "SELECT camera_id, at, kind, detail FROM recording_notes
             WHERE $1 IS NULL OR camera_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(camera.map(|c| c.0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(c, at, kind, detail)| Ok(Note { camera: c.map(CameraId), at: parse(&at)?, kind, detail }))
            .collect()
    }
}

impl Db {
    /// Sets a camera's recording policy and retention; audited. `false` if no such camera.
    pub async fn set_recording_policy(
        &self,
        camera: CameraId,
        policy: RecordingPolicy,
        retention_days: u32,
        who: &mingchu_domain::audit::Who,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let before: Option<(String, i64)> =
            sqlx::query_as("SELECT recording, recording_retention_days FROM cameras WHERE id = $1")
                .bind(camera.0)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else { return Ok(false) };
        sqlx::query("UPDATE cameras SET recording = $2, recording_retention_days = $3 WHERE id = $1")
            .bind(camera.0)
            .bind(policy.code())
            .bind(retention_days as i64)
            .execute(&mut *tx)
            .await?;
        let before = serde_json::json!({ "recording": before.0, "retention_days": before.1 }).to_string();
        let after = serde_json::json!({ "recording": policy.code(), "retention_days": retention_days }).to_string();
        super::audit::append(
            &mut tx,
            who.did(now, "camera.recording", &format!("camera:{camera}"), Some(before), Some(after)),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Writes the export of an evidence clip into the audit log, with the file's SHA-256.
    pub async fn log_clip_export(
        &self,
        camera: CameraId,
        clip: &ClipRecord,
        who: &mingchu_domain::audit::Who,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let after = serde_json::json!({
            "from": ms(clip.from), "to": ms(clip.to), "bytes": clip.bytes, "sha256": clip.sha256, "case": clip.case,
        })
        .to_string();
        super::audit::append(
            &mut tx,
            who.did(now, "recording.clip_export", &format!("camera:{camera}"), None, Some(after)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An exported clip as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipRecord {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bytes: u64,
    pub sha256: String,
    /// The case it is evidence in, as `order:5`.
    pub case: Option<String>,
}

/// A recorded file as the retention sweep sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Footage {
    pub id: i64,
    pub camera: CameraId,
    pub path: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub bytes: u64,
    pub retention_days: u32,
}

/// What a sweep removed of one camera for one reason (`retention` or `quota`), as a note.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepNote {
    pub camera: CameraId,
    pub kind: &'static str,
    pub detail: String,
}

/// Footage held as evidence in a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    pub camera: CameraId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub case: EvidenceCase,
}

pub use mingchu_domain::recording::CaseState;

impl Db {
    /// The bytes of every file recorded on `node`'s disk (`None`: a single server's).
    pub async fn recorded_bytes(&self, node: Option<&str>) -> Result<u64, DbError> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(bytes) AS BIGINT) FROM recording_segments WHERE node IS NOT DISTINCT FROM $1",
        )
        .bind(node)
        .fetch_one(&self.pool)
        .await?;
        Ok(total.unwrap_or(0) as u64)
    }

    /// The files on `node`'s disk oldest first, `limit` at a time after `(end, id)`.
    pub async fn footage_after(
        &self,
        node: Option<&str>,
        after: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<Footage>, DbError> {
        let (end, id) = after.map_or((String::new(), 0), |(e, i)| (ms(e), i));
        let rows: Vec<(i64, i64, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.camera_id, s.path, s.start_at, s.end_at, s.bytes, c.recording_retention_days
             FROM recording_segments s JOIN cameras c ON c.id = s.camera_id
             WHERE s.node IS NOT DISTINCT FROM $4 AND (s.end_at, s.id) > ($1, $2) ORDER BY s.end_at, s.id LIMIT $3",
        )
        .bind(end)
        .bind(id)
        .bind(limit)
        .bind(node)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Footage {
                    id: r.0,
                    camera: CameraId(r.1),
                    path: r.2,
                    start: parse(&r.3)?,
                    end: parse(&r.4)?,
                    bytes: r.5 as u64,
                    retention_days: r.6 as u32,
                })
            })
            .collect()
    }

    /// Removes one file's row (after its file was deleted) and notes why.
    /// Forgets swept files (already deleted from disk) and writes the sweep's notes, in one
    /// transaction: a sweep of thousands of files is one commit, not thousands.
    pub async fn remove_footage(&self, ids: &[i64], notes: &[SweepNote], now: DateTime<Utc>) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        for id in ids {
            sqlx::query("DELETE FROM recording_segments WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        for note in notes {
            sqlx::query("INSERT INTO recording_notes (camera_id, at, kind, detail) VALUES ($1, $2, $3, $4)")
                .bind(note.camera.0)
                .bind(ms(now))
                .bind(note.kind)
                .bind(&note.detail)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Keeps `[from, to)` of a camera as evidence in `case`.
    pub async fn add_hold(
        &self,
        hold: &Hold,
        sha256: Option<&str>,
        who: &mingchu_domain::audit::Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let id = sqlx::query_scalar(
            "INSERT INTO evidence_holds (camera_id, from_at, to_at, case_kind, case_ref, sha256, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(hold.camera.0)
        .bind(ms(hold.from))
        .bind(ms(hold.to))
        .bind(hold.case.kind())
        .bind(hold.case.reference())
        .bind(sha256)
        .bind(ms(now))
        .bind(&who.actor)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Every hold (few: one per exported piece of evidence).
    pub async fn holds(&self) -> Result<Vec<Hold>, DbError> {
        let rows: Vec<(i64, String, String, String, String)> =
            sqlx::query_as("SELECT camera_id, from_at, to_at, case_kind, case_ref FROM evidence_holds")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(camera, from, to, kind, reference)| {
                let case = EvidenceCase::parse(&format!("{kind}:{reference}")).map_err(DbError::Corrupt)?;
                Ok(Hold { camera: CameraId(camera), from: parse(&from)?, to: parse(&to)?, case })
            })
            .collect()
    }

    /// Whether a case exists and when it closed.
    pub async fn case_state(&self, case: &EvidenceCase) -> Result<CaseState, DbError> {
        use mingchu_domain::review::ReviewState;
        use mingchu_domain::vocab::ComplaintStatus;
        Ok(match case {
            EvidenceCase::Order(id) => {
                let row: Option<(String, Option<String>)> =
                    sqlx::query_as("SELECT state, closed_on FROM orders WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    None => CaseState::Missing,
                    Some((state, Some(on))) if state == "closed" => {
                        let day = chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                            .map_err(|e| DbError::Corrupt(format!("order {id} closed on {on:?}: {e}")))?;
                        CaseState::Closed(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
                    }
                    Some(_) => CaseState::Open,
                }
            }
            EvidenceCase::Complaint(reference) => {
                let row: Option<(String, String)> =
                    sqlx::query_as("SELECT status, updated_at FROM complaints WHERE reference = $1")
                        .bind(reference)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    None => CaseState::Missing,
                    Some((status, at)) => match ComplaintStatus::from_code(&status) {
                        Some(s) if s.is_closed() => CaseState::Closed(parse(&at)?),
                        _ => CaseState::Open,
                    },
                }
            }
            EvidenceCase::Capture(id) => {
                let row: Option<(String, Option<String>)> =
                    sqlx::query_as("SELECT review, reviewed_at FROM capture_events WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    None => CaseState::Missing,
                    Some((state, reviewed)) => {
                        let review = ReviewState::from_code(&state)
                            .ok_or_else(|| DbError::Corrupt(format!("capture {id} in review state {state:?}")))?;
                        CaseState::of_capture(review, reviewed.as_deref().map(parse).transpose()?)
                    }
                }
            }
        })
    }
}

/// Something that happened at a camera, as its timeline marks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// `capture`, `patrol` or `complaint`.
    pub kind: String,
    pub at: DateTime<Utc>,
    /// A capture's id, a patrol visit's id; 0 for a complaint.
    pub id: i64,
    /// A capture's rule, a complaint's category; empty for a patrol snapshot.
    pub label: String,
    /// A complaint's reference; empty otherwise.
    pub reference: String,
}

impl Db {
    /// The captures and patrol snapshots of `camera`, and the complaints filed about its
    /// venue, in `[from, to)`, in time order (at most 500).
    pub async fn marks_between(
        &self,
        camera: CameraId,
        venue: mingchu_domain::vocab::VenueId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Mark>, DbError> {
        let rows: Vec<(String, String, i64, String, String)> = sqlx::query_as(
            "SELECT 'capture', at, id, category, '' FROM capture_events
               WHERE camera_id = $1 AND at >= $3 AND at < $4
             UNION ALL
             SELECT 'patrol', taken_at, visit_id, '', '' FROM patrol_evidence
               WHERE camera_id = $1 AND taken_at >= $3 AND taken_at < $4
             UNION ALL
             SELECT 'complaint', submitted_at, 0, category, reference FROM complaints
               WHERE venue_id = $2 AND submitted_at >= $3 AND submitted_at < $4
             ORDER BY 2 LIMIT 500",
        )
        .bind(camera.0)
        .bind(venue.0)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(kind, at, id, label, reference)| Ok(Mark { kind, at: parse(&at)?, id, label, reference }))
            .collect()
    }
}
