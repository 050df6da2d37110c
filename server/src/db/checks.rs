//! Camera checks and the figures made from them: the stream honesty badge of a venue and the
//! programme's headline numbers. A check says whether a camera showed a playable picture when
//! looked at; checks are counted per camera and China day (`camera_checks_daily`). What the
//! counts mean (connected, planned, online now, the window) is decided in
//! `mingchu_domain::programme`; the queries here group rows by what those rules look at.

use super::catalog::decode;
use super::{Db, DbError, Flag};
use app::api::{DailyRate, KindProgress, ProgrammeFigures, StatusCount, StreamHonesty};
use chrono::{DateTime, SecondsFormat, Utc};
use mingchu_domain::china_time;
use mingchu_domain::kpi::counts_toward_contract_rate;
use mingchu_domain::picture::HealthState;
use mingchu_domain::programme::{self, counts_toward_online_now};
use mingchu_domain::vocab::{CameraId, VenueId, VenueKind, VenueStatus};
use std::collections::{BTreeMap, HashMap};

/// One periodic check of a camera, with the fence of the node that made it (`None` on a portal
/// without media nodes).
#[derive(Clone, Debug)]
pub struct Check {
    pub camera: CameraId,
    pub online: bool,
    pub fence: Option<super::nodes::Fence>,
}

pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn status(code: &str) -> Result<VenueStatus, DbError> {
    decode(VenueStatus::from_code, code, "venue status")
}

impl Db {
    /// The camera's picture health as frame analysis last recorded it; `None` when never
    /// analysed (or unknown).
    pub async fn camera_picture(&self, camera: CameraId) -> Result<Option<HealthState>, DbError> {
        let code: Option<Option<String>> = sqlx::query_scalar("SELECT health_state FROM cameras WHERE id = $1")
            .bind(camera.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(code.flatten().as_deref().and_then(HealthState::from_code))
    }

    /// Records one check of a camera at `at`, online or not as [`check_counts_as_online`]
    /// decided; refused (`Fenced`, `NotHeld`) when `fence` no longer holds.
    ///
    /// [`check_counts_as_online`]: mingchu_domain::picture::check_counts_as_online
    pub async fn record_check(
        &self,
        camera: CameraId,
        online: bool,
        at: DateTime<Utc>,
        fence: Option<&super::nodes::Fence>,
    ) -> Result<(), DbError> {
        let check = Check { camera, online, fence: fence.cloned() };
        match self.record_checks(std::slice::from_ref(&check), at).await?.pop() {
            Some((_, refused)) => Err(refused),
            None => Ok(()),
        }
    }

    /// Records a batch of checks made at `at` in one write transaction (a check round writes
    /// its results in batches: one transaction per camera was the limit at city scale,
    /// docs/benchmarks.md). A check whose fence no longer holds is left out and returned with
    /// the refusal; the others are written.
    pub async fn record_checks(
        &self,
        checks: &[Check],
        at: DateTime<Utc>,
    ) -> Result<Vec<(CameraId, DbError)>, DbError> {
        let mut refused = Vec::new();
        if checks.is_empty() {
            return Ok(refused);
        }
        let (day, at) = (china_time::day(at).to_string(), rfc3339(at));
        let mut tx = self.write_tx().await?;
        for check in checks {
            if let Some(fence) = &check.fence {
                match super::nodes::hold(&mut tx, fence).await {
                    Ok(()) => {}
                    Err(e @ (DbError::Fenced { .. } | DbError::NotHeld(_))) => {
                        refused.push((check.camera, e));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            sqlx::query(
                "INSERT INTO camera_checks_daily (camera_id, day, checks, online) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (camera_id, day) DO UPDATE SET checks = camera_checks_daily.checks + 1, online = camera_checks_daily.online + excluded.online",
            )
            .bind(check.camera.0)
            .bind(&day)
            .bind(check.online as i64)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE cameras SET last_check_at = $1, last_check_online = $2,
                     last_seen_live = CASE WHEN $2 = 1 THEN $1 ELSE last_seen_live END
                 WHERE id = $3",
            )
            .bind(&at)
            .bind(i64::from(check.online))
            .bind(check.camera.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(refused)
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

    pub async fn venue_honesty(&self, venue: VenueId, now: DateTime<Utc>) -> Result<StreamHonesty, DbError> {
        let fresh = rfc3339(programme::online_now_since(now));
        let (cameras, online_now, last_seen_live): (i64, i64, Option<String>) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE last_check_online = 1 AND last_check_at >= $1), max(last_seen_live)
             FROM cameras WHERE venue_id = $2",
        )
        .bind(&fresh)
        .bind(venue.0)
        .fetch_one(self.keyed())
        .await?;
        let (checks, online): (i64, i64) = sqlx::query_as(
            "SELECT coalesce(CAST(sum(d.checks) AS BIGINT), 0), coalesce(CAST(sum(d.online) AS BIGINT), 0)
             FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
             WHERE c.venue_id = $1 AND d.day >= $2",
        )
        .bind(venue.0)
        .bind(programme::window_start(china_time::day(now)).to_string())
        .fetch_one(self.keyed())
        .await?;
        Ok(StreamHonesty {
            cameras: cameras as u32,
            online_now: online_now as u32,
            online_rate_7d: programme::rate(online as u64, checks as u64),
            checks_7d: checks as u32,
            last_seen_live: last_seen_live.as_deref().and_then(china_time::format_stored),
        })
    }

    pub async fn programme_figures(&self, now: DateTime<Utc>) -> Result<ProgrammeFigures, DbError> {
        // Venues by status, whether they have a connection date, and kind (index venues_figures).
        let venues: Vec<(String, Flag, String, i64)> =
            sqlx::query_as("SELECT status, connected_on IS NOT NULL, kind, count(*) FROM venues GROUP BY 1, 2, 3")
                .fetch_all(&self.pool)
                .await?;
        let mut by_status: HashMap<VenueStatus, u32> = HashMap::new();
        let mut by_kind: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        for (code, dated, kind, n) in &venues {
            let status = status(code)?;
            *by_status.entry(status).or_default() += *n as u32;
            let entry = by_kind.entry(kind.as_str()).or_default();
            if programme::is_connected(status, dated.0) {
                entry.0 += *n as u32;
            }
            if programme::is_planned(status) {
                entry.1 += *n as u32;
            }
        }
        let by_status = programme::LISTING_ORDER
            .iter()
            .filter_map(|s| by_status.get(s).map(|n| StatusCount { status: *s, venues: *n }))
            .collect();
        let kinds: Vec<KindProgress> = VenueKind::ALL
            .iter()
            .filter_map(|kind| {
                by_kind.get(kind.code()).map(|(connected, planned)| KindProgress {
                    kind: *kind,
                    connected: *connected,
                    planned: *planned,
                })
            })
            .collect();
        let venues_connected = kinds.iter().map(|k| k.connected).sum();
        let venues_planned = kinds.iter().map(|k| k.planned).sum();

        // Per status and connection date: cameras, cameras online now, venues meeting the
        // camera standard (one pass over the venues; index cameras_venue_check covers both
        // counts).
        let equipment: Vec<(String, Flag, i64, i64, i64)> = sqlx::query_as(
            "SELECT status, dated, CAST(sum(cameras) AS BIGINT), CAST(sum(online) AS BIGINT), count(*) FILTER (WHERE cameras >= $1) FROM (
               SELECT v.status, v.connected_on IS NOT NULL AS dated,
                      (SELECT count(*) FROM cameras c WHERE c.venue_id = v.id) AS cameras,
                      (SELECT count(*) FROM cameras c WHERE c.venue_id = v.id
                         AND c.last_check_online = 1 AND c.last_check_at >= $2) AS online
               FROM venues v) AS per_venue
             GROUP BY 1, 2",
        )
        .bind(i64::from(programme::CAMERAS_PER_VENUE_STANDARD))
        .bind(rfc3339(programme::online_now_since(now)))
        .fetch_all(&self.pool)
        .await?;
        let (mut cameras, mut online_now, mut meeting) = (0u32, 0u32, 0u32);
        for (code, dated, n, online, meeting_standard) in &equipment {
            let status = status(code)?;
            if counts_toward_online_now(status) {
                cameras += *n as u32;
                online_now += *online as u32;
            }
            if programme::is_connected(status, dated.0) {
                meeting += *meeting_standard as u32;
            }
        }

        // Checks per day of the window, by venue status; and closed venues whose cameras showed
        // a picture in it.
        let start = programme::window_start(china_time::day(now)).to_string();
        let checked: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT d.day, v.status, CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT)
             FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE d.day >= $1 GROUP BY 1, 2 ORDER BY 1",
        )
        .bind(&start)
        .fetch_all(&self.pool)
        .await?;
        let mut daily: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for (day, code, checks, online) in &checked {
            let status = status(code)?;
            if counts_toward_contract_rate(status) {
                let entry = daily.entry(day.clone()).or_default();
                entry.0 += *checks as u32;
                entry.1 += *online as u32;
            }
        }
        let closed_streaming: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT c.venue_id) FROM camera_checks_daily d
             JOIN cameras c ON c.id = d.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE v.status = $1 AND d.day >= $2 AND d.online > 0",
        )
        .bind(VenueStatus::Closed.code())
        .bind(&start)
        .fetch_one(&self.pool)
        .await?;
        let (checks, online) = daily.values().fold((0u64, 0u64), |(c, o), (dc, do_)| (c + *dc as u64, o + *do_ as u64));
        let screens = self.screen_figures(now).await?;
        let complaints = self.complaint_figures(now).await?;
        let year = self.public_year(now).await?;
        Ok(ProgrammeFigures {
            venues_connected,
            venues_planned,
            by_status,
            by_kind: kinds,
            cameras,
            cameras_online_now: online_now,
            online_rate_7d: programme::rate(online, checks),
            venues_meeting_camera_standard: meeting,
            closed_venues_still_streaming: closed_streaming as u32,
            daily: daily.into_iter().map(|(day, (checks, online))| DailyRate { day, checks, online }).collect(),
            screens,
            complaints,
            year,
        })
    }
}
