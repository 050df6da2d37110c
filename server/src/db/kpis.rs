//! The key figures (mingchu_domain::kpi) of a scope over a period, computed from the raw
//! records: venues' status history, camera checks per day, screens' state changes, patrol
//! visits, captures, violations, orders, disputes and complaints. The queries select and sum;
//! which rows count and what the sums mean is the domain's.

use super::catalog::decode;
use super::{Db, DbError, Flag};
use app::api::{
    ComplaintKpis, Count, CoverageKpis, DayRate, EquipmentKpis, KpiScopeView, Kpis, OnlineKpis, OrderRef, PartCoverage,
    PartRate, PublicYear, RectificationKpis, RulePrecision, SupervisionKpis, VenueCameras, VenueRef, WorstCamera,
    WorstVenue,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, Utc};
use mingchu_domain::access::{JurisdictionId, OfficeId};
use mingchu_domain::kpi::{self, DailyRates, Decision, Period};
use mingchu_domain::programme::CAMERAS_PER_VENUE_STANDARD;
use mingchu_domain::vocab::{ComplaintStatus, VenueStatus};
use mingchu_domain::{china_time, contract, rectification, review::ReviewState, satisfaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whose figures: the whole programme, one supervision office (the jurisdictions it covers),
/// or one jurisdiction and everything below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Programme,
    Office(OfficeId),
    Jurisdiction(JurisdictionId),
}

impl Scope {
    /// `programme`, `office:<id>` or `jurisdiction:<id>`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim().split_once(':') {
            None if s.trim() == "programme" => Some(Scope::Programme),
            Some(("office", id)) => id.parse().ok().map(|id| Scope::Office(OfficeId(id))),
            Some(("jurisdiction", id)) => id.parse().ok().map(|id| Scope::Jurisdiction(JurisdictionId(id))),
            _ => None,
        }
    }

    pub fn code(&self) -> String {
        match self {
            Scope::Programme => "programme".into(),
            Scope::Office(o) => format!("office:{}", o.0),
            Scope::Jurisdiction(j) => format!("jurisdiction:{}", j.0),
        }
    }
}

/// (issued, due, closed, id, office, year, seq, venue id, venue) of an order.
type OrderRow = (String, String, Option<String>, i64, String, i32, i64, i64, String);
/// (day, checks, online, camera-days) of the counted days.
type DayRow = (String, i64, i64, i64);
/// (camera, offline camera-days, checks, online).
type CameraRow = (i64, f64, i64, i64);
/// (venue, offline camera-days, checks, online).
type VenueRow = (i64, f64, i64, i64);

/// What the online figures are made from.
struct OnlineRows {
    daily: Vec<DayRow>,
    all_days: i64,
    cameras: Vec<CameraRow>,
    /// The worst venues with their (checks, online) per counted day.
    venues: Vec<(VenueRow, Vec<(i64, i64)>)>,
}

/// The four parameters every online query binds first: scope, first and last day, the
/// statuses that count.
struct OnlineParams<'a> {
    j: Option<&'a str>,
    from: String,
    to: String,
    counted: String,
}

impl<'a> OnlineParams<'a> {
    fn new(j: Option<&'a str>, period: Period) -> OnlineParams<'a> {
        OnlineParams {
            j,
            from: period.from.to_string(),
            to: period.to.to_string(),
            counted: json(&kpi::counted_statuses()),
        }
    }

    fn bind<'q, O>(
        &'q self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        query.bind(self.j).bind(&self.from).bind(&self.to).bind(&self.counted)
    }
}

/// A stored timestamp bound: the first instant of a China day, to the millisecond so it sorts
/// with stored times of either precision.
fn bound(day: NaiveDate) -> String {
    china_time::midnight(day).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn stored_day(at: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| china_time::day(t.to_utc()))
}

fn day(s: &str) -> Result<NaiveDate, DbError> {
    s.get(..10).and_then(|s| s.parse().ok()).ok_or_else(|| DbError::Corrupt(format!("not a day: {s:?}")))
}

fn status(code: &str) -> Result<VenueStatus, DbError> {
    decode(VenueStatus::from_code, code, "venue status")
}

/// What is known of a venue in scope: its status history and when it joined.
struct VenueFacts {
    name: String,
    key: bool,
    joined: Option<NaiveDate>,
    changes: Vec<(NaiveDate, VenueStatus)>,
}

impl VenueFacts {
    fn status_on(&self, day: NaiveDate) -> Option<VenueStatus> {
        kpi::status_on(&self.changes, day)
    }

    fn connected_on(&self, day: NaiveDate) -> bool {
        self.status_on(day).is_some_and(|s| kpi::connected_on(s, self.joined, day))
    }

    fn planned_on(&self, day: NaiveDate) -> bool {
        self.status_on(day).is_some_and(kpi::planned_on)
    }
}

impl Db {
    /// The jurisdictions of a scope (with those below), `None` for the whole programme, and
    /// the scope's name; `None` when the office or jurisdiction does not exist.
    pub async fn kpi_scope(&self, scope: Scope) -> Result<Option<(Option<Vec<i64>>, String)>, DbError> {
        let root: Option<(i64, String)> = match scope {
            Scope::Programme => return Ok(Some((None, String::new()))),
            Scope::Office(o) => {
                sqlx::query_as("SELECT jurisdiction_id, name FROM supervision_offices WHERE id = $1")
                    .bind(o.0)
                    .fetch_optional(&self.pool)
                    .await?
            }
            Scope::Jurisdiction(j) => {
                sqlx::query_as("SELECT id, name FROM jurisdictions WHERE id = $1")
                    .bind(j.0)
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        Ok(match root {
            Some((root, name)) => Some((Some(self.jurisdictions_below(&[root]).await?), name)),
            None => None,
        })
    }

    /// Every jurisdiction, districts before their streets: (id, name).
    pub async fn jurisdiction_names(&self) -> Result<Vec<(i64, String)>, DbError> {
        Ok(sqlx::query_as("SELECT id, name FROM jurisdictions ORDER BY length(code), code")
            .fetch_all(&self.pool)
            .await?)
    }

    /// A jurisdiction and every one above it, nearest first.
    pub async fn jurisdiction_chain(&self, id: JurisdictionId) -> Result<Vec<JurisdictionId>, DbError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE up (id, parent_id, depth) AS (
               SELECT id, parent_id, 0 FROM jurisdictions WHERE id = $1
               UNION ALL SELECT j.id, j.parent_id, up.depth + 1 FROM jurisdictions j JOIN up ON j.id = up.parent_id
               WHERE up.depth < 8)
             SELECT id FROM up ORDER BY depth",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(JurisdictionId).collect())
    }

    /// Every figure of `scope` over `period`, as of `now` (what is overdue or still pending
    /// is judged on the earlier of `now` and the period's last day).
    pub async fn kpis(
        &self,
        scope: Scope,
        name: &str,
        jurisdictions: Option<&[i64]>,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<Kpis, DbError> {
        let j = jurisdictions.map(|ids| serde_json::to_string(ids).expect("ids serialise"));
        let venues = self.kpi_venues(j.as_deref()).await?;
        let coverage = self.kpi_coverage(j.as_deref(), &venues, period).await?;
        let threshold = self.threshold_on(period.to).await?;
        let online = self.kpi_online(j.as_deref(), period, threshold).await?;
        let equipment = self.kpi_equipment(j.as_deref(), &venues, period, now).await?;
        let supervision = self.kpi_supervision(j.as_deref(), &venues, period).await?;
        let as_of = period.to.min(china_time::day(now));
        let rectification = self.kpi_rectification(j.as_deref(), period, as_of).await?;
        let complaints = self.complaint_kpis(j.as_deref(), period, as_of).await?;
        let kind = match scope {
            Scope::Programme => ("programme", None),
            Scope::Office(o) => ("office", Some(o.0)),
            Scope::Jurisdiction(j) => ("jurisdiction", Some(j.0)),
        };
        Ok(Kpis {
            scope: KpiScopeView { kind: kind.0.into(), id: kind.1, name: name.to_string() },
            from: period.from.to_string(),
            to: period.to.to_string(),
            coverage,
            online,
            equipment,
            supervision,
            rectification,
            complaints,
        })
    }

    /// Each supervision office's key venues patrolled per quarter of `period`: (office, name,
    /// quarters), for the report's list of offices whose coverage is low.
    pub async fn office_key_coverage(&self, period: Period) -> Result<Vec<(i64, String, Vec<PartCoverage>)>, DbError> {
        let offices: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM supervision_offices ORDER BY id").fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for (id, name) in offices {
            let Some((Some(ids), _)) = self.kpi_scope(Scope::Office(OfficeId(id))).await? else { continue };
            let j = serde_json::to_string(&ids).expect("ids serialise");
            let venues = self.kpi_venues(Some(&j)).await?;
            let s = self.kpi_supervision(Some(&j), &venues, period).await?;
            out.push((id, name, s.key_coverage_quarters));
        }
        Ok(out)
    }

    /// The programme's public figures for the year so far, computed at most every
    /// [`kpi::PUBLIC_REFRESH_MINUTES`] (and again when the China day changes); callers meanwhile
    /// wait for the one computation rather than start their own.
    pub async fn public_year(&self, now: DateTime<Utc>) -> Result<PublicYear, DbError> {
        let mut kept = self.public_year.lock().await;
        if let Some(year) = kept.as_ref() {
            let at = DateTime::parse_from_rfc3339(&year.computed_at).map(|t| t.to_utc()).ok();
            if at.is_some_and(|at| kpi::still_fresh(at, now)) {
                return Ok(year.clone());
            }
        }
        let today = china_time::day(now);
        let period = Period { from: Period::year(today.year()).expect("a year").from, to: today };
        let k = self.kpis(Scope::Programme, "", None, period, now).await?;
        let year = PublicYear::of(&k, now.to_rfc3339_opts(SecondsFormat::Secs, true));
        *kept = Some(year.clone());
        Ok(year)
    }

    async fn kpi_venues(&self, j: Option<&str>) -> Result<BTreeMap<i64, VenueFacts>, DbError> {
        let rows: Vec<(i64, String, Flag, Option<String>)> = sqlx::query_as(concat!(
            "SELECT v.id, v.name, v.is_key_venue, v.connected_on FROM venues v WHERE ",
            in_scope!()
        ))
        .bind(j)
        .fetch_all(&self.pool)
        .await?;
        let mut venues = BTreeMap::new();
        for (id, name, key, joined) in rows {
            let joined = joined.as_deref().map(day).transpose()?;
            venues.insert(id, VenueFacts { name, key: key.0, joined, changes: Vec::new() });
        }
        let changes: Vec<(i64, String, String)> = sqlx::query_as(concat!(
            "SELECT s.venue_id, s.since, s.status FROM venue_status_changes s JOIN venues v ON v.id = s.venue_id
             WHERE ",
            in_scope!(),
            " ORDER BY s.id"
        ))
        .bind(j)
        .fetch_all(&self.pool)
        .await?;
        for (venue, since, code) in changes {
            if let Some(v) = venues.get_mut(&venue) {
                v.changes.push((day(&since)?, status(&code)?));
            }
        }
        Ok(venues)
    }

    async fn kpi_coverage(
        &self,
        j: Option<&str>,
        venues: &BTreeMap<i64, VenueFacts>,
        period: Period,
    ) -> Result<CoverageKpis, DbError> {
        let last = period.to;
        let mut c = CoverageKpis::default();
        for (id, v) in venues {
            let status = v.status_on(last);
            let (planned, connected) = (v.planned_on(last), v.connected_on(last));
            c.planned += planned as u32;
            c.connected += connected as u32;
            if v.key && planned {
                c.key_planned += 1;
                if connected {
                    c.key_connected += 1;
                } else {
                    c.key_not_connected.push(VenueRef { id: *id, name: v.name.clone() });
                }
            }
            c.closed += (status == Some(VenueStatus::Closed)) as u32;
            c.suspended += (status == Some(VenueStatus::Suspended)) as u32;
        }
        c.access_rate = kpi::rate(c.connected.into(), c.planned.into());
        // Pictures on days the venue was not open for business (closed or suspended).
        let streaming: Vec<i64> = sqlx::query_scalar(concat!(
            "WITH ",
            spans!(),
            " SELECT DISTINCT r.venue_id FROM ",
            counted_venue_days!(),
            " AND r.online > 0 ORDER BY 1"
        ))
        .bind(j)
        .bind(period.from.to_string())
        .bind(period.to.to_string())
        .bind(json(&[VenueStatus::Closed.code(), VenueStatus::Suspended.code()]))
        .fetch_all(&self.pool)
        .await?;
        c.streaming_while_not_trading = streaming
            .into_iter()
            .map(|id| VenueRef { id, name: venues.get(&id).map(|v| v.name.clone()).unwrap_or_default() })
            .collect();
        Ok(c)
    }

    /// The online figures from the daily roll-up (`venue_checks_daily`): what the figures use.
    async fn kpi_online(&self, j: Option<&str>, period: Period, threshold: f64) -> Result<OnlineKpis, DbError> {
        let q = OnlineParams::new(j, period);
        let daily: Vec<DayRow> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT r.day, CAST(sum(r.checks) AS BIGINT), CAST(sum(r.online) AS BIGINT), CAST(sum(r.cameras) AS BIGINT) FROM ",
                counted_venue_days!(),
                " GROUP BY r.day ORDER BY r.day"
            )))
            .fetch_all(&self.pool)
            .await?;
        let all_days: i64 = sqlx::query_scalar(concat!(
            "SELECT coalesce(CAST(sum(r.cameras) AS BIGINT), 0) FROM venue_checks_daily r JOIN venues v ON v.id = r.venue_id WHERE ",
            in_scope!(),
            " AND r.day BETWEEN $2 AND $3"
        ))
        .bind(j)
        .bind(&q.from)
        .bind(&q.to)
        .fetch_one(&self.pool)
        .await?;
        let worst: Vec<VenueRow> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT r.venue_id, sum(r.offline_days), CAST(sum(r.checks) AS BIGINT), CAST(sum(r.online) AS BIGINT) FROM ",
                counted_venue_days!(),
                " GROUP BY r.venue_id HAVING sum(r.checks - r.online) > 0 ORDER BY 2 DESC, r.venue_id LIMIT $5"
            )))
            .bind(kpi::WORST_LISTED as i64)
            .fetch_all(&self.pool)
            .await?;
        let mut venues = Vec::new();
        for row in worst {
            let days: Vec<(i64, i64)> = q
                .bind(sqlx::query_as(concat!(
                    "WITH ",
                    spans!(),
                    " SELECT CAST(sum(r.checks) AS BIGINT), CAST(sum(r.online) AS BIGINT) FROM ",
                    counted_venue_days!(),
                    " AND r.venue_id = $5 GROUP BY r.day"
                )))
                .bind(row.0)
                .fetch_all(&self.pool)
                .await?;
            venues.push((row, days));
        }
        let cameras = self.worst_cameras(&q).await?;
        self.assemble_online(OnlineRows { daily, all_days, cameras, venues }, period, threshold).await
    }

    /// A contract quarter's figures for the whole programme: the counted days' checks, the
    /// counted venue-days, and the counted camera-days by their (checks, online), so the
    /// domain applies the contract's threshold to each camera-day.
    pub async fn contract_use(&self, period: Period) -> Result<contract::QuarterUse, DbError> {
        let q = OnlineParams::new(None, period);
        let days: Vec<(i64, i64, i64)> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT CAST(sum(r.checks) AS BIGINT), CAST(sum(r.online) AS BIGINT), count(*) FROM ",
                counted_venue_days!(),
                " GROUP BY r.day ORDER BY r.day"
            )))
            .fetch_all(&self.pool)
            .await?;
        let camera_days: Vec<(i64, i64, i64)> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT d.checks, d.online, count(*) FROM ",
                counted_days!(),
                " AND d.checks > 0 GROUP BY d.checks, d.online"
            )))
            .fetch_all(&self.pool)
            .await?;
        Ok(contract::QuarterUse {
            venue_days: days.iter().map(|(_, _, n)| *n as u64).sum(),
            days: days.into_iter().map(|(c, o, _)| (c as u64, o as u64)).collect(),
            camera_days: camera_days.into_iter().map(|(c, o, n)| (c as u64, o as u64, n as u64)).collect(),
        })
    }

    /// The worst cameras, exactly, usually without reading every camera-day: a camera's hours
    /// in the period never exceed the sum of its shares over the months the period touches
    /// (`camera_checks_monthly`, every day counted), so the exact hours of the cameras with
    /// the largest such bound are enough once the last camera listed has more than the last
    /// candidate's bound. When three rounds do not settle it, every camera-day is read.
    async fn worst_cameras(&self, q: &OnlineParams<'_>) -> Result<Vec<CameraRow>, DbError> {
        for read in [kpi::WORST_LISTED * 4, kpi::WORST_LISTED * 40, kpi::WORST_LISTED * 400] {
            let candidates: Vec<(i64, f64)> = sqlx::query_as(concat!(
                "SELECT m.camera_id, sum(m.offline_days) FROM camera_checks_monthly m
                 JOIN cameras c ON c.id = m.camera_id JOIN venues v ON v.id = c.venue_id
                 WHERE ",
                in_scope!(),
                " AND m.month BETWEEN substr($2, 1, 7) AND substr($3, 1, 7)
                 GROUP BY m.camera_id HAVING sum(m.offline_days) > 0 ORDER BY 2 DESC, m.camera_id LIMIT $4"
            ))
            .bind(q.j)
            .bind(&q.from)
            .bind(&q.to)
            .bind(read as i64)
            .fetch_all(&self.pool)
            .await?;
            let ids: Vec<i64> = candidates.iter().map(|(c, _)| *c).collect();
            let cameras: Vec<CameraRow> = q
                .bind(sqlx::query_as(concat!(
                    "WITH ",
                    spans!(),
                    " SELECT c.id, sum(CAST(d.checks - d.online AS DOUBLE PRECISION) / d.checks), CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT)
                      FROM cameras c JOIN camera_checks_daily d ON d.camera_id = c.id AND d.day BETWEEN $2 AND $3
                      JOIN spans s ON s.venue_id = c.venue_id AND d.day >= s.from_day AND d.day < s.until_day
                      WHERE c.id IN (SELECT CAST(value AS BIGINT) FROM json_each($5)) AND s.status IN (SELECT value FROM json_each($4))
                      GROUP BY c.id HAVING sum(d.checks - d.online) > 0 ORDER BY 2 DESC, c.id LIMIT $6"
                )))
                .bind(serde_json::to_string(&ids).expect("ids serialise"))
                .bind(kpi::WORST_LISTED as i64)
                .fetch_all(&self.pool)
                .await?;
            let all_read = candidates.len() < read;
            // Any camera not read has at most the last candidate's bound (a margin for the
            // sums' rounding; a tie is not settled, since the lower id would be listed first).
            let bound = candidates.last().map_or(0.0, |(_, h)| *h);
            let settled = cameras.len() == kpi::WORST_LISTED && cameras.last().is_some_and(|c| c.1 > bound + 1e-9);
            if all_read || settled {
                return Ok(cameras);
            }
        }
        self.worst_cameras_raw(q).await
    }

    async fn worst_cameras_raw(&self, q: &OnlineParams<'_>) -> Result<Vec<CameraRow>, DbError> {
        Ok(q.bind(sqlx::query_as(concat!(
            "WITH ",
            spans!(),
            " SELECT c.id, sum(CAST(d.checks - d.online AS DOUBLE PRECISION) / d.checks), CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT) FROM ",
            counted_days!(),
            " GROUP BY c.id HAVING sum(d.checks - d.online) > 0 ORDER BY 2 DESC, c.id LIMIT $5"
        )))
        .bind(kpi::WORST_LISTED as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The online figures computed from every camera-day, without the roll-up: the reference
    /// the roll-up must equal (the fixture test compares them; the benchmark times both).
    pub async fn kpi_online_raw(
        &self,
        j: Option<&[i64]>,
        period: Period,
        threshold: f64,
    ) -> Result<OnlineKpis, DbError> {
        let j = j.map(|ids| serde_json::to_string(ids).expect("ids serialise"));
        let q = OnlineParams::new(j.as_deref(), period);
        let daily: Vec<DayRow> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT d.day, CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT), count(*) FROM ",
                counted_days!(),
                " GROUP BY d.day ORDER BY d.day"
            )))
            .fetch_all(&self.pool)
            .await?;
        let all_days: i64 = sqlx::query_scalar(concat!(
            "SELECT count(*) FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id JOIN venues v ON v.id = c.venue_id
             WHERE ",
            in_scope!(),
            " AND d.day BETWEEN $2 AND $3"
        ))
        .bind(q.j)
        .bind(&q.from)
        .bind(&q.to)
        .fetch_one(&self.pool)
        .await?;
        let cameras = self.worst_cameras_raw(&q).await?;
        let worst: Vec<VenueRow> = q
            .bind(sqlx::query_as(concat!(
                "WITH ",
                spans!(),
                " SELECT c.venue_id, sum(CAST(d.checks - d.online AS DOUBLE PRECISION) / d.checks), CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT) FROM ",
                counted_days!(),
                " GROUP BY c.venue_id HAVING sum(d.checks - d.online) > 0 ORDER BY 2 DESC, c.venue_id LIMIT $5"
            )))
            .bind(kpi::WORST_LISTED as i64)
            .fetch_all(&self.pool)
            .await?;
        let mut venues = Vec::new();
        for row in worst {
            let days: Vec<(i64, i64)> = q
                .bind(sqlx::query_as(concat!(
                    "WITH ",
                    spans!(),
                    " SELECT CAST(sum(d.checks) AS BIGINT), CAST(sum(d.online) AS BIGINT) FROM ",
                    counted_days!(),
                    " AND c.venue_id = $5 GROUP BY d.day"
                )))
                .bind(row.0)
                .fetch_all(&self.pool)
                .await?;
            venues.push((row, days));
        }
        self.assemble_online(OnlineRows { daily, all_days, cameras, venues }, period, threshold).await
    }

    /// The online figures from the rows either computation read.
    async fn assemble_online(&self, rows: OnlineRows, period: Period, threshold: f64) -> Result<OnlineKpis, DbError> {
        let mut o = OnlineKpis { threshold, ..OnlineKpis::default() };
        let mut whole = DailyRates::default();
        let mut by_day = Vec::new();
        let mut counted_days = 0;
        for (d, checks, online, cameras) in &rows.daily {
            let (checks, online) = (*checks as u64, *online as u64);
            counted_days += cameras;
            o.checks += checks;
            o.online += online;
            whole.add_day(online, checks, threshold);
            by_day.push((day(d)?, online, checks));
            o.daily.push(DayRate {
                day: d.clone(),
                checks,
                online,
                rate: kpi::rate(online, checks),
                meets: kpi::meets(online, checks, threshold),
            });
        }
        o.check_rate = kpi::rate(o.online, o.checks);
        (o.mean_daily_rate, o.days, o.days_meeting, o.share_meeting) =
            (whole.mean(), whole.days, whole.days_meeting, whole.share_meeting());
        o.quarters = period
            .quarters()
            .into_iter()
            .map(|(name, part)| {
                let mut r = DailyRates::default();
                for (d, online, checks) in &by_day {
                    if part.contains(*d) {
                        r.add_day(*online, *checks, threshold);
                    }
                }
                PartRate {
                    name,
                    from: part.from.to_string(),
                    to: part.to.to_string(),
                    mean_daily_rate: r.mean(),
                    days: r.days,
                    days_meeting: r.days_meeting,
                    share_meeting: r.share_meeting(),
                }
            })
            .collect();
        o.excluded_camera_days = (rows.all_days - counted_days).max(0) as u64;
        let names = self.camera_names(rows.cameras.iter().map(|c| c.0).collect()).await?;
        o.worst_cameras = rows
            .cameras
            .into_iter()
            .map(|(camera_id, offline_days, checks, online)| {
                let (camera, venue_id, venue) = names.get(&camera_id).cloned().unwrap_or_default();
                WorstCamera {
                    camera_id,
                    camera,
                    venue_id,
                    venue,
                    offline_hours: kpi::hours_of(offline_days),
                    rate: kpi::rate(online as u64, checks as u64),
                }
            })
            .collect();
        let venue_names = self.venue_names(rows.venues.iter().map(|(v, _)| v.0).collect()).await?;
        for ((venue_id, offline_days, checks, online), days) in rows.venues {
            let mut r = DailyRates::default();
            for (checks, online) in days {
                r.add_day(online as u64, checks as u64, threshold);
            }
            o.worst_venues.push(WorstVenue {
                venue_id,
                venue: venue_names.get(&venue_id).cloned().unwrap_or_default(),
                offline_hours: kpi::hours_of(offline_days),
                rate: kpi::rate(online as u64, checks as u64),
                days: r.days,
                days_meeting: r.days_meeting,
            });
        }
        Ok(o)
    }

    /// Cameras' names with their venue's: id → (camera, venue id, venue).
    async fn camera_names(&self, ids: Vec<i64>) -> Result<HashMap<i64, (String, i64, String)>, DbError> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT c.id, c.name, v.id, v.name FROM cameras c JOIN venues v ON v.id = c.venue_id
             WHERE c.id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        )
        .bind(serde_json::to_string(&ids).expect("ids serialise"))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, camera, venue_id, venue)| (id, (camera, venue_id, venue))).collect())
    }

    async fn venue_names(&self, ids: Vec<i64>) -> Result<HashMap<i64, String>, DbError> {
        Ok(sqlx::query_as("SELECT id, name FROM venues WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))")
            .bind(serde_json::to_string(&ids).expect("ids serialise"))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect())
    }

    async fn kpi_equipment(
        &self,
        j: Option<&str>,
        venues: &BTreeMap<i64, VenueFacts>,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<EquipmentKpis, DbError> {
        let end = bound(period.to + Duration::days(1));
        let start = bound(period.from);
        let cameras: HashMap<i64, i64> = sqlx::query_as(concat!(
            "SELECT c.venue_id, count(*) FROM cameras c JOIN venues v ON v.id = c.venue_id WHERE ",
            in_scope!(),
            " AND c.created_at < $2 GROUP BY c.venue_id"
        ))
        .bind(j)
        .bind(&end)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        let mut e = EquipmentKpis { standard: CAMERAS_PER_VENUE_STANDARD, ..EquipmentKpis::default() };
        let connected: Vec<i64> = venues.iter().filter(|(_, v)| v.connected_on(period.to)).map(|(id, _)| *id).collect();
        e.connected_venues = connected.len() as u32;
        for id in &connected {
            let n = cameras.get(id).copied().unwrap_or(0) as u32;
            e.cameras += n;
            if n < CAMERAS_PER_VENUE_STANDARD {
                e.below_standard_count += 1;
                e.below_standard.push(VenueCameras { id: *id, name: venues[id].name.clone(), cameras: n });
            }
        }
        e.below_standard.sort_by_key(|v| (v.cameras, v.id));
        e.cameras_per_venue = (e.connected_venues > 0).then(|| e.cameras as f64 / e.connected_venues as f64);

        // Screens installed by the last day and not revoked by then; their online time in the
        // period from their state changes (offline until the first heartbeat).
        type ScreenRow = (i64, i64, String, Option<String>);
        let screens: Vec<ScreenRow> = sqlx::query_as(concat!(
            "SELECT s.id, s.venue_id, s.created_at, s.revoked_at FROM screens s JOIN venues v ON v.id = s.venue_id
             WHERE ",
            in_scope!(),
            " AND s.created_at < $2 AND (s.revoked_at IS NULL OR s.revoked_at >= $3)"
        ))
        .bind(j)
        .bind(&end)
        .bind(&start)
        .fetch_all(&self.pool)
        .await?;
        let changes: Vec<(i64, String, Flag)> = sqlx::query_as(concat!(
            "SELECT t.screen_id, t.at, t.online FROM screen_state_changes t JOIN screens s ON s.id = t.screen_id
             JOIN venues v ON v.id = s.venue_id WHERE ",
            in_scope!(),
            " AND t.at < $2 ORDER BY t.screen_id, t.at, t.id"
        ))
        .bind(j)
        .bind(&end)
        .fetch_all(&self.pool)
        .await?;
        let mut by_screen: HashMap<i64, Vec<(DateTime<Utc>, bool)>> = HashMap::new();
        for (screen, at, online) in changes {
            if let Ok(at) = DateTime::parse_from_rfc3339(&at) {
                by_screen.entry(screen).or_default().push((at.to_utc(), online.0));
            }
        }
        let window = (china_time::midnight(period.from), china_time::midnight(period.to + Duration::days(1)).min(now));
        let connected: HashSet<i64> = connected.into_iter().collect();
        let mut with_screen = HashSet::new();
        let (mut online_secs, mut installed_secs) = (0i64, 0i64);
        for (id, venue, created, revoked) in &screens {
            let revoked_by_end =
                revoked.as_deref().and_then(|r| DateTime::parse_from_rfc3339(r).ok()).map(|r| r.to_utc());
            if revoked_by_end.is_none_or(|r| r >= window.1) && connected.contains(venue) {
                e.screens += 1;
                with_screen.insert(*venue);
            }
            let Ok(created) = DateTime::parse_from_rfc3339(created).map(|c| c.to_utc()) else { continue };
            let from = window.0.max(created);
            let to = revoked_by_end.map_or(window.1, |r| r.min(window.1));
            let (on, all) = kpi::online_seconds(by_screen.get(id).map(Vec::as_slice).unwrap_or(&[]), from, to);
            online_secs += on;
            installed_secs += all;
        }
        e.venues_with_screen = with_screen.len() as u32;
        e.screen_share = kpi::rate(e.venues_with_screen.into(), e.connected_venues.into());
        e.screen_online_rate = kpi::rate(online_secs.max(0) as u64, installed_secs.max(0) as u64);
        Ok(e)
    }

    async fn kpi_supervision(
        &self,
        j: Option<&str>,
        venues: &BTreeMap<i64, VenueFacts>,
        period: Period,
    ) -> Result<SupervisionKpis, DbError> {
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let mut s = SupervisionKpis::default();
        // Visits planned in the period to venues in scope, and their tasks.
        let visits: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(concat!(
            "SELECT pv.task_id, pv.venue_id, pv.planned_on, pv.done_at FROM patrol_visits pv JOIN venues v ON v.id = pv.venue_id
             WHERE ",
            in_scope!(),
            " AND ((pv.planned_on BETWEEN $2 AND $3) OR (pv.done_at >= $4 AND pv.done_at < $5))"
        ))
        .bind(j)
        .bind(&from)
        .bind(&to)
        .bind(bound(period.from))
        .bind(bound(period.to + Duration::days(1)))
        .fetch_all(&self.pool)
        .await?;
        let mut tasks = HashSet::new();
        let mut visited: Vec<(i64, NaiveDate)> = Vec::new();
        for (task, venue, planned, done) in &visits {
            let done = done.as_deref().and_then(stored_day).filter(|d| period.contains(*d));
            if period.contains(day(planned)?) {
                s.visits_planned += 1;
            }
            if let Some(d) = done {
                s.visits_done += 1;
                tasks.insert(*task);
                visited.push((*venue, d));
            } else if period.contains(day(planned)?) {
                tasks.insert(*task);
            }
        }
        s.patrol_tasks = tasks.len() as u32;
        let cover = |name: String, part: Period| {
            let key: Vec<i64> =
                venues.iter().filter(|(_, v)| v.key && v.connected_on(part.to)).map(|(id, _)| *id).collect();
            let seen: HashSet<i64> = visited.iter().filter(|(_, d)| part.contains(*d)).map(|(v, _)| *v).collect();
            let n = key.iter().filter(|v| seen.contains(v)).count() as u32;
            PartCoverage {
                name,
                key_venues: key.len() as u32,
                visited: n,
                share: kpi::rate(n.into(), key.len() as u64),
            }
        };
        s.key_coverage_months = period.months().into_iter().map(|(n, p)| cover(n, p)).collect();
        s.key_coverage_quarters = period.quarters().into_iter().map(|(n, p)| cover(n, p)).collect();

        // Captures raised in the period, by rule and how they were decided.
        let captures: Vec<(String, String, i64)> = sqlx::query_as(concat!(
            "SELECT e.category, e.review, count(*) FROM capture_events e JOIN cameras c ON c.id = e.camera_id
             JOIN venues v ON v.id = c.venue_id WHERE ",
            in_scope!(),
            " AND e.at >= $2 AND e.at < $3 GROUP BY 1, 2 ORDER BY 1"
        ))
        .bind(j)
        .bind(bound(period.from))
        .bind(bound(period.to + Duration::days(1)))
        .fetch_all(&self.pool)
        .await?;
        let mut rules: BTreeMap<String, RulePrecision> = BTreeMap::new();
        for (rule, review, n) in captures {
            let n = n as u64;
            let r = rules.entry(rule.clone()).or_insert(RulePrecision {
                rule,
                raised: 0,
                confirmed: 0,
                dismissed: 0,
                precision: None,
            });
            r.raised += n;
            s.captures_raised += n;
            match ReviewState::from_code(&review) {
                Some(ReviewState::Confirmed) => (r.confirmed += n, s.captures_confirmed += n),
                Some(ReviewState::Dismissed) => (r.dismissed += n, s.captures_dismissed += n),
                Some(ReviewState::Merged) => ((), s.captures_merged += n),
                _ => ((), s.captures_pending += n),
            };
        }
        s.rules = rules
            .into_values()
            .map(|mut r| {
                r.precision = kpi::precision(r.confirmed, r.dismissed);
                r
            })
            .collect();
        s.precision = kpi::precision(s.captures_confirmed, s.captures_dismissed);

        // Violations found in the period and not overturned on a dispute.
        let (violations, venues_with): (i64, i64) = sqlx::query_as(concat!(
            "SELECT count(*), count(DISTINCT x.venue_id) FROM violations x JOIN venues v ON v.id = x.venue_id WHERE ",
            in_scope!(),
            " AND x.observed_at >= $2 AND x.observed_at < $3 AND x.overturned_at IS NULL"
        ))
        .bind(j)
        .bind(bound(period.from))
        .bind(bound(period.to + Duration::days(1)))
        .fetch_one(&self.pool)
        .await?;
        s.violations = violations as u32;
        s.venues_with_violations = venues_with as u32;
        Ok(s)
    }

    async fn kpi_rectification(
        &self,
        j: Option<&str>,
        period: Period,
        as_of: NaiveDate,
    ) -> Result<RectificationKpis, DbError> {
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let orders: Vec<OrderRow> = sqlx::query_as(concat!(
            "SELECT o.issued_on, o.due_on, o.closed_on, o.id, f.name, o.year, o.seq, v.id, v.name
             FROM orders o JOIN venues v ON v.id = o.venue_id JOIN supervision_offices f ON f.id = o.office_id WHERE ",
            in_scope!(),
            " AND o.issued_on <= $3 AND (o.issued_on >= $2 OR o.closed_on IS NULL OR o.closed_on >= $2)
             ORDER BY o.due_on, o.id"
        ))
        .bind(j)
        .bind(&from)
        .bind(&to)
        .fetch_all(&self.pool)
        .await?;
        let mut r = RectificationKpis::default();
        let mut days = Vec::new();
        for (issued, due_on, closed, id, office, year, seq, venue_id, venue) in &orders {
            let (issued, due) = (day(issued)?, day(due_on)?);
            let closed = closed.as_deref().map(day).transpose()?;
            r.issued += period.contains(issued) as u32;
            match closed {
                Some(c) if period.contains(c) => {
                    r.closed += 1;
                    r.closed_on_time += kpi::closed_on_time(c, due) as u32;
                    days.push(kpi::days_to_close(issued, c));
                }
                Some(c) if c <= as_of => {}
                _ if due < as_of => {
                    r.overdue += 1;
                    r.overdue_orders.push(OrderRef {
                        id: *id,
                        number: rectification::notice_number(office, *year, *seq),
                        venue_id: *venue_id,
                        venue: venue.clone(),
                        due_on: due_on.clone(),
                    });
                }
                _ => {}
            }
        }
        r.on_time_rate = kpi::rate(r.closed_on_time.into(), r.closed.into());
        r.mean_days_to_close = kpi::mean(&days);
        r.p90_days_to_close = kpi::percentile(&days, 90);
        let disputes: Vec<Option<String>> = sqlx::query_scalar(concat!(
            "SELECT d.outcome FROM disputes d JOIN venues v ON v.id = d.venue_id WHERE ",
            in_scope!(),
            " AND d.raised_at >= $2 AND d.raised_at < $3"
        ))
        .bind(j)
        .bind(bound(period.from))
        .bind(bound(period.to + Duration::days(1)))
        .fetch_all(&self.pool)
        .await?;
        for outcome in disputes {
            r.disputes += 1;
            match outcome.as_deref() {
                Some("upheld") => r.disputes_upheld += 1,
                Some("overturned") => r.disputes_overturned += 1,
                _ => r.disputes_pending += 1,
            }
        }
        Ok(r)
    }

    async fn complaint_kpis(
        &self,
        j: Option<&str>,
        period: Period,
        as_of: NaiveDate,
    ) -> Result<ComplaintKpis, DbError> {
        let decisions =
            json(&ComplaintStatus::ALL.iter().filter(|s| kpi::is_decision(**s)).map(|s| s.code()).collect::<Vec<_>>());
        type Row = (String, String, String, String, Option<String>, Option<Flag>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT k.submitted_at, k.status, k.category, k.source,
                    (SELECT min(u.at) FROM complaint_updates u WHERE u.complaint_id = k.id
                       AND u.status IN (SELECT value FROM json_each($4))),
                    f.resolved, f.satisfaction
             FROM complaints k JOIN venues v ON v.id = k.venue_id
             LEFT JOIN complaint_feedback f ON f.complaint_id = k.id WHERE ",
            in_scope!(),
            " AND k.submitted_at >= $2 AND k.submitted_at < $3"
        ))
        .bind(j)
        .bind(bound(period.from))
        .bind(bound(period.to + Duration::days(1)))
        .bind(&decisions)
        .fetch_all(&self.pool)
        .await?;
        let mut categories: BTreeMap<String, u32> = BTreeMap::new();
        let mut channels: BTreeMap<String, u32> = BTreeMap::new();
        let mut c = ComplaintKpis { scores: vec![0; 5], ..ComplaintKpis::default() };
        let mut score_sum = 0u64;
        for (submitted, status, category, source, decided, resolved, score) in &rows {
            let Some(submitted) = stored_day(submitted) else { continue };
            c.received += 1;
            let decided = decided.as_deref().and_then(stored_day).filter(|d| *d <= as_of);
            match kpi::decision(submitted, decided, as_of) {
                Decision::InTime => c.decided_in_time += 1,
                Decision::Late => c.decided_late += 1,
                Decision::Overdue => c.overdue += 1,
                Decision::Pending => c.pending += 1,
            }
            let status = ComplaintStatus::from_code(status);
            if status.is_some_and(ComplaintStatus::is_closed) {
                c.closed += 1;
            }
            if status.is_some_and(satisfaction::is_asked) {
                c.asked += 1;
            }
            if let (Some(resolved), Some(score)) = (resolved, score.and_then(|s| u8::try_from(s).ok())) {
                c.answered += 1;
                c.resolved += u32::from(resolved.0);
                c.satisfied += satisfaction::is_satisfied(score) as u32;
                score_sum += u64::from(score);
                if let Some(n) = c.scores.get_mut(usize::from(score.clamp(1, 5)) - 1) {
                    *n += 1;
                }
            }
            *categories.entry(category.clone()).or_default() += 1;
            *channels.entry(kpi::channel(source).to_string()).or_default() += 1;
        }
        c.in_time_rate = kpi::rate(c.decided_in_time.into(), (c.decided_in_time + c.decided_late + c.overdue).into());
        c.response_rate = kpi::rate(c.answered.into(), c.asked.into());
        c.resolved_rate = kpi::rate(c.resolved.into(), c.answered.into());
        c.satisfied_rate = kpi::rate(c.satisfied.into(), c.answered.into());
        c.mean_satisfaction = (c.answered > 0).then(|| score_sum as f64 / f64::from(c.answered));
        c.by_category = categories.into_iter().map(|(code, count)| Count { code, count }).collect();
        c.by_channel = channels.into_iter().map(|(code, count)| Count { code, count }).collect();
        let votes: Vec<(Flag, i64)> = sqlx::query_as(concat!(
            "SELECT p.useful, count(*) FROM venue_page_votes p JOIN venues v ON v.id = p.venue_id WHERE ",
            in_scope!(),
            " AND p.day BETWEEN $2 AND $3 GROUP BY 1"
        ))
        .bind(j)
        .bind(period.from.to_string())
        .bind(period.to.to_string())
        .fetch_all(&self.pool)
        .await?;
        for (useful, n) in votes {
            if useful.0 {
                c.page_useful += n as u32;
            } else {
                c.page_not_useful += n as u32;
            }
        }
        c.page_useful_rate = kpi::rate(c.page_useful.into(), (c.page_useful + c.page_not_useful).into());
        Ok(c)
    }
}

fn json(codes: &[&str]) -> String {
    serde_json::to_string(codes).expect("codes serialise")
}
