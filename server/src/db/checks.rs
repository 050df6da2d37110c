//! Camera checks and the figures made from them: the stream honesty badge of a venue and the
//! programme's headline numbers. A check says whether a camera showed a playable picture when
//! looked at; checks are counted per camera and China day (`camera_checks_daily`).

use super::catalog::{decode, today_in_china};
use super::{Db, DbError};
use app::api::{
    DailyRate, KindProgress, ProgrammeFigures, StatusCount, StreamHonesty, CAMERAS_PER_VENUE_STANDARD,
    ONLINE_NOW_MINUTES,
};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use mingchu_domain::china_time;
use mingchu_domain::picture::HealthState;
use mingchu_domain::vocab::{CameraId, VenueId, VenueKind, VenueStatus};

pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// First day of the 7-day window ending today.
fn window_start() -> NaiveDate {
    today_in_china() - Duration::days(6)
}

impl Db {
    /// The camera's picture health as frame analysis last recorded it; `None` when never
    /// analysed (or unknown).
    pub async fn camera_picture(&self, camera: CameraId) -> Result<Option<HealthState>, DbError> {
        let code: Option<Option<String>> = sqlx::query_scalar("SELECT health_state FROM cameras WHERE id = ?")
            .bind(camera.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(code.flatten().as_deref().and_then(HealthState::from_code))
    }

    /// Records one check of a camera at `at`, online or not as [`check_counts_as_online`]
    /// decided.
    ///
    /// [`check_counts_as_online`]: mingchu_domain::picture::check_counts_as_online
    pub async fn record_check(&self, camera: CameraId, online: bool, at: DateTime<Utc>) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO camera_checks_daily (camera_id, day, checks, online) VALUES (?, ?, 1, ?)
             ON CONFLICT (camera_id, day) DO UPDATE SET checks = checks + 1, online = online + excluded.online",
        )
        .bind(camera.0)
        .bind(china_time::day(at).to_string())
        .bind(online as i64)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE cameras SET last_check_at = ?1, last_check_online = ?2,
                 last_seen_live = CASE WHEN ?2 THEN ?1 ELSE last_seen_live END
             WHERE id = ?3",
        )
        .bind(rfc3339(at))
        .bind(online)
        .bind(camera.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every camera of a venue that has joined the programme. Closed venues' cameras are
    /// checked too: one that still streams is what the programme page reports (their checks
    /// never count toward the online rate, which is of trading venues only).
    pub async fn cameras_to_check(&self) -> Result<Vec<CameraId>, DbError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT c.id FROM cameras c JOIN venues v ON v.id = c.venue_id
             WHERE v.status != 'planned' ORDER BY c.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(CameraId).collect())
    }

    pub async fn venue_honesty(&self, venue: VenueId) -> Result<StreamHonesty, DbError> {
        let fresh = rfc3339(Utc::now() - Duration::minutes(ONLINE_NOW_MINUTES));
        let (cameras, online_now, last_seen_live): (i64, i64, Option<String>) = sqlx::query_as(
            "SELECT count(*), coalesce(sum(last_check_online = 1 AND last_check_at >= ?), 0), max(last_seen_live)
             FROM cameras WHERE venue_id = ?",
        )
        .bind(&fresh)
        .bind(venue.0)
        .fetch_one(&self.pool)
        .await?;
        let (checks, online): (i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(d.checks), 0), coalesce(sum(d.online), 0)
             FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
             WHERE c.venue_id = ? AND d.day >= ?",
        )
        .bind(venue.0)
        .bind(window_start().to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(StreamHonesty {
            cameras: cameras as u32,
            online_now: online_now as u32,
            online_rate_7d: (checks > 0).then(|| online as f64 / checks as f64),
            checks_7d: checks as u32,
            last_seen_live: last_seen_live.as_deref().and_then(china_time::format_stored),
        })
    }

    pub async fn programme_figures(&self) -> Result<ProgrammeFigures, DbError> {
        let connected_sql = "status IN ('operating', 'suspended') AND connected_on IS NOT NULL";
        let by_status: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, count(*) FROM venues GROUP BY status ORDER BY min(status_rank)")
                .fetch_all(&self.pool)
                .await?;
        let by_status = by_status
            .into_iter()
            .map(|(s, n)| {
                Ok(StatusCount { status: decode(VenueStatus::from_code, &s, "venue status")?, venues: n as u32 })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let by_kind: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT kind, coalesce(sum({connected_sql}), 0), coalesce(sum(status != 'closed'), 0)
             FROM venues GROUP BY kind ORDER BY kind"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut kinds = Vec::new();
        for kind in VenueKind::ALL {
            if let Some((_, connected, planned)) = by_kind.iter().find(|(k, _, _)| k == kind.code()) {
                kinds.push(KindProgress { kind: *kind, connected: *connected as u32, planned: *planned as u32 });
            }
        }
        let venues_connected = kinds.iter().map(|k| k.connected).sum();
        let venues_planned = kinds.iter().map(|k| k.planned).sum();

        let fresh = rfc3339(Utc::now() - Duration::minutes(ONLINE_NOW_MINUTES));
        let (cameras, online_now): (i64, i64) = sqlx::query_as(
            "SELECT count(*), coalesce(sum(c.last_check_online = 1 AND c.last_check_at >= ?), 0)
             FROM cameras c JOIN venues v ON v.id = c.venue_id WHERE v.status IN ('operating', 'suspended')",
        )
        .bind(&fresh)
        .fetch_one(&self.pool)
        .await?;
        let meeting: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM venues v WHERE {connected_sql}
               AND (SELECT count(*) FROM cameras c WHERE c.venue_id = v.id) >= ?"
        ))
        .bind(CAMERAS_PER_VENUE_STANDARD)
        .fetch_one(&self.pool)
        .await?;
        let start = window_start().to_string();
        let closed_streaming: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT c.venue_id) FROM camera_checks_daily d
             JOIN cameras c ON c.id = d.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE v.status = 'closed' AND d.day >= ? AND d.online > 0",
        )
        .bind(&start)
        .fetch_one(&self.pool)
        .await?;
        // Only cameras of trading venues count toward the online rate.
        let daily: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT d.day, sum(d.checks), sum(d.online) FROM camera_checks_daily d
             JOIN cameras c ON c.id = d.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE v.status IN ('operating', 'suspended') AND d.day >= ?
             GROUP BY d.day ORDER BY d.day",
        )
        .bind(&start)
        .fetch_all(&self.pool)
        .await?;
        let (checks, online) = daily.iter().fold((0i64, 0i64), |(c, o), (_, dc, do_)| (c + dc, o + do_));
        let screens = self.screen_figures(Utc::now()).await?;
        let complaints = self.complaint_figures(Utc::now()).await?;
        Ok(ProgrammeFigures {
            venues_connected,
            venues_planned,
            by_status,
            by_kind: kinds,
            cameras: cameras as u32,
            cameras_online_now: online_now as u32,
            online_rate_7d: (checks > 0).then(|| online as f64 / checks as f64),
            venues_meeting_camera_standard: meeting as u32,
            closed_venues_still_streaming: closed_streaming as u32,
            daily: daily
                .into_iter()
                .map(|(day, checks, online)| DailyRate { day, checks: checks as u32, online: online as u32 })
                .collect(),
            screens,
            complaints,
        })
    }
}
