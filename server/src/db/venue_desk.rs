//! The console's venue desk: a venue's status with its history and reasons, its cameras' health
//! and online rate, and changes made there (status, a camera made private or public).

use super::{Db, DbError};
use chrono::{DateTime, NaiveDate, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::Who;
use mingchu_domain::venue::StatusChange;
use mingchu_domain::vocab::{VenueId, VenueStatus};

#[derive(Clone, Debug)]
pub struct VenueFacts {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub status: VenueStatus,
    /// The China day the current status began.
    pub since: NaiveDate,
    /// (status, since, reason, by), newest first.
    pub history: Vec<(VenueStatus, String, Option<String>, Option<String>)>,
}

#[derive(Clone, Debug)]
pub struct CameraState {
    pub id: i64,
    pub name: String,
    pub area: String,
    pub public: bool,
    pub always_on: bool,
    /// Picture health from frame analysis (`ok`, `dark`, …), when analysed.
    pub health: Option<String>,
    /// The connection's last state (`online`, `offline`, …) and since when.
    pub connection: Option<(String, String)>,
    /// Checks and online checks in the rate window.
    pub checks: u64,
    pub online: u64,
}

/// A camera's switches changed from the venue desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraFlag {
    /// Shown live to the public.
    Public,
    /// Kept connected all the time.
    AlwaysOn,
}

/// A venue of the desk's list.
#[derive(Clone, Debug)]
pub struct VenueRow {
    pub id: i64,
    pub name: String,
    pub status: VenueStatus,
    pub cameras: u32,
    pub checks: u64,
    pub online: u64,
}

impl Db {
    /// The venues `actor` covers, by name, with their cameras and checks since `from`.
    pub async fn desk_venues(&self, actor: &Actor, from: NaiveDate, limit: u32) -> Result<Vec<VenueRow>, DbError> {
        let (jurisdictions, venues) = super::review_desk::scope_params(self, actor).await?;
        let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(concat!(
            "SELECT v.id, v.name, v.status,
                    (SELECT count(*) FROM cameras c WHERE c.venue_id = v.id),
                    coalesce((SELECT CAST(sum(d.checks) AS BIGINT) FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
                              WHERE c.venue_id = v.id AND d.day >= $3), 0),
                    coalesce((SELECT CAST(sum(d.online) AS BIGINT) FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
                              WHERE c.venue_id = v.id AND d.day >= $3), 0)
             FROM venues v
             WHERE ",
            super::review_desk::covered!(),
            "
             ORDER BY v.name, v.id LIMIT $4"
        ))
        .bind(&jurisdictions)
        .bind(&venues)
        .bind(from.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, status, cameras, checks, online)| {
                Ok(VenueRow {
                    id,
                    name,
                    status: VenueStatus::from_code(&status)
                        .ok_or_else(|| DbError::Corrupt(format!("venue {id}: status {status:?}")))?,
                    cameras: u32::try_from(cameras).unwrap_or(0),
                    checks: u64::try_from(checks).unwrap_or(0),
                    online: u64::try_from(online).unwrap_or(0),
                })
            })
            .collect()
    }

    /// A venue's status and its history; `None` when there is no such venue.
    pub async fn venue_facts(&self, venue: VenueId) -> Result<Option<VenueFacts>, DbError> {
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT name, address, status FROM venues WHERE id = $1")
                .bind(venue.0)
                .fetch_optional(&self.pool)
                .await?;
        let Some((name, address, status)) = row else { return Ok(None) };
        let corrupt = |what: String| DbError::Corrupt(format!("venue {venue}: {what}"));
        let status = VenueStatus::from_code(&status).ok_or_else(|| corrupt(format!("status {status:?}")))?;
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT status, since, reason, changed_by FROM venue_status_changes WHERE venue_id = $1
             ORDER BY since DESC, id DESC LIMIT 20",
        )
        .bind(venue.0)
        .fetch_all(&self.pool)
        .await?;
        let mut history = Vec::new();
        for (s, since, reason, by) in rows {
            history.push((
                VenueStatus::from_code(&s).ok_or_else(|| corrupt(format!("status {s:?}")))?,
                since,
                reason,
                by,
            ));
        }
        let since = history
            .first()
            .and_then(|(_, since, _, _)| NaiveDate::parse_from_str(since, "%Y-%m-%d").ok())
            .unwrap_or(NaiveDate::MIN);
        Ok(Some(VenueFacts { id: venue.0, name, address, status, since, history }))
    }

    /// Applies a status change the domain allowed, with its effective day and reason; audited.
    pub async fn change_venue_status(
        &self,
        venue: VenueId,
        change: &StatusChange,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        let before: String =
            sqlx::query_scalar("SELECT status FROM venues WHERE id = $1").bind(venue.0).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE venues SET status = $2 WHERE id = $1")
            .bind(venue.0)
            .bind(change.to.code())
            .execute(&mut *tx)
            .await?;
        // The trigger on `venues` recorded the change as of today; it took effect on the day given.
        sqlx::query(
            "UPDATE venue_status_changes SET since = $2, reason = $3, changed_by = $4
             WHERE id = (SELECT max(id) FROM venue_status_changes WHERE venue_id = $1)",
        )
        .bind(venue.0)
        .bind(change.effective.to_string())
        .bind(&change.reason)
        .bind(&who.actor)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "status": change.to.code(), "since": change.effective.to_string(), "reason": change.reason });
        super::audit::append(
            &mut tx,
            who.did(
                now,
                "venue.status",
                &format!("venue:{venue}"),
                Some(serde_json::json!({ "status": before }).to_string()),
                Some(after.to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A venue's cameras with their health and their checks since `from`.
    pub async fn venue_camera_states(&self, venue: VenueId, from: NaiveDate) -> Result<Vec<CameraState>, DbError> {
        type Row = (i64, String, String, i64, i64, Option<String>, Option<String>, Option<String>, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.id, c.name, c.area, c.is_public, c.always_on, c.health_state, s.state, s.at,
                    coalesce((SELECT CAST(sum(checks) AS BIGINT) FROM camera_checks_daily d WHERE d.camera_id = c.id AND d.day >= $2), 0),
                    coalesce((SELECT CAST(sum(online) AS BIGINT) FROM camera_checks_daily d WHERE d.camera_id = c.id AND d.day >= $2), 0)
             FROM cameras c
             LEFT JOIN camera_state_changes s ON s.id =
                  (SELECT id FROM camera_state_changes WHERE camera_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
             WHERE c.venue_id = $1 ORDER BY c.id",
        )
        .bind(venue.0)
        .bind(from.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CameraState {
                id: r.0,
                name: r.1,
                area: r.2,
                public: r.3 != 0,
                always_on: r.4 != 0,
                health: r.5,
                connection: r.6.zip(r.7),
                checks: u64::try_from(r.8).unwrap_or(0),
                online: u64::try_from(r.9).unwrap_or(0),
            })
            .collect())
    }

    /// Sets one of a camera's switches; audited. `false` when there is no such camera.
    pub async fn set_camera_flag(
        &self,
        camera: i64,
        flag: CameraFlag,
        on: bool,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let (sql, action, key) = match flag {
            CameraFlag::Public => ("UPDATE cameras SET is_public = $2 WHERE id = $1", "camera.visibility", "public"),
            CameraFlag::AlwaysOn => {
                ("UPDATE cameras SET always_on = $2 WHERE id = $1", "camera.always_on", "always_on")
            }
        };
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(sql).bind(camera).bind(i64::from(on)).execute(&mut *tx).await?.rows_affected() > 0;
        if changed {
            let after = serde_json::json!({ key: on }).to_string();
            super::audit::append(&mut tx, who.did(now, action, &format!("camera:{camera}"), None, Some(after))).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The venue a reply is about.
    pub async fn reply_venue(&self, reply: i64) -> Result<Option<VenueId>, DbError> {
        let venue: Option<i64> = sqlx::query_scalar(
            "SELECT i.venue_id FROM venue_replies r JOIN inspections i ON i.id = r.inspection_id WHERE r.id = $1",
        )
        .bind(reply)
        .fetch_optional(&self.pool)
        .await?;
        Ok(venue.map(VenueId))
    }
}

/// A venue's response to a finding or a complaint.
#[derive(Clone, Debug)]
pub struct Response {
    pub at: String,
    pub author: String,
    pub body: String,
}

impl Db {
    /// Records a venue's response (checked with `venue::response`) to `subject`; audited.
    pub async fn add_response(
        &self,
        venue: VenueId,
        subject: &str,
        body: &str,
        author: Option<i64>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        let at = mingchu_domain::audit::timestamp(now);
        sqlx::query("INSERT INTO venue_responses (venue_id, subject, body, author_id, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(venue.0)
            .bind(subject)
            .bind(body)
            .bind(author)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        let after = serde_json::json!({ "body": body }).to_string();
        super::audit::append(&mut tx, who.did(now, "venue.respond", subject, None, Some(after))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The responses to each of `subjects`, oldest first.
    pub async fn responses(&self, subjects: &[String]) -> Result<Vec<(String, Response)>, DbError> {
        let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT r.subject, r.at, u.display_name, r.body FROM venue_responses r LEFT JOIN users u ON u.id = r.author_id
             WHERE r.subject IN (SELECT value FROM json_each($1)) ORDER BY r.at, r.id",
        )
        .bind(serde_json::to_string(subjects).expect("subjects serialise"))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(subject, at, author, body)| (subject, Response { at, author: author.unwrap_or_default(), body }))
            .collect())
    }
}
