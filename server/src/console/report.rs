//! The annual evaluation report's data: the year's figures and the year before's for the
//! scope (mingchu_domain::kpi), each indicator's actual taken from them, the targets set in
//! advance, and the problems found with links to their evidence.

use super::{unavailable, ConsoleData};
use crate::db::kpis::Scope;
use app::api::{IndicatorRow, Kpis, Report, ReportPage, ReportProblem, ReportQuery};
use app::error::AppError;
use chrono::{DateTime, Datelike, Utc};
use mingchu_domain::access::{decide, Action, Actor, Object};
use mingchu_domain::china_time;
use mingchu_domain::kpi::{self, Period};
use mingchu_domain::report::{self, TargetRefusal, INDICATORS};

/// An indicator's actual in `k`.
fn actual_of(code: &str, k: &Kpis) -> Option<f64> {
    let lowest_quarter = k.supervision.key_coverage_quarters.iter().filter_map(|q| q.share).reduce(f64::min);
    match code {
        "access_rate" => k.coverage.access_rate,
        "cameras_per_venue" => k.equipment.cameras_per_venue,
        "screen_share" => k.equipment.screen_share,
        "visits_done" => Some(k.supervision.visits_done.into()),
        "mean_daily_rate" => k.online.mean_daily_rate,
        "share_meeting" => k.online.share_meeting,
        "key_patrol_coverage" => lowest_quarter,
        "capture_precision" => k.supervision.precision,
        "orders_on_time" => k.rectification.on_time_rate,
        "complaints_in_time" => k.complaints.in_time_rate,
        "violations_found" => Some(k.supervision.violations.into()),
        "overdue_orders" => Some(k.rectification.overdue.into()),
        "satisfied_rate" => k.complaints.satisfied_rate,
        "resolved_rate" => k.complaints.resolved_rate,
        _ => None,
    }
}

/// What falls short of an indicator in `k`: the days, venues, visits or cases behind it.
fn shortfall_of(code: &str, k: &Kpis) -> u64 {
    let (c, e, o, s, r, q) = (&k.coverage, &k.equipment, &k.online, &k.supervision, &k.rectification, &k.complaints);
    let lowest = s
        .key_coverage_quarters
        .iter()
        .filter(|p| p.share.is_some())
        .min_by(|a, b| a.share.partial_cmp(&b.share).unwrap_or(std::cmp::Ordering::Equal));
    let n = match code {
        "access_rate" => c.planned.saturating_sub(c.connected),
        "cameras_per_venue" => e.below_standard_count,
        "screen_share" => e.connected_venues.saturating_sub(e.venues_with_screen),
        "visits_done" => s.visits_planned.saturating_sub(s.visits_done),
        "mean_daily_rate" | "share_meeting" => o.days.saturating_sub(o.days_meeting),
        "key_patrol_coverage" => lowest.map_or(0, |p| p.key_venues.saturating_sub(p.visited)),
        "capture_precision" => return s.captures_dismissed,
        "orders_on_time" => r.closed.saturating_sub(r.closed_on_time),
        "complaints_in_time" => q.decided_late + q.overdue,
        "overdue_orders" => r.overdue,
        "satisfied_rate" => q.answered.saturating_sub(q.satisfied),
        "resolved_rate" => q.answered.saturating_sub(q.resolved),
        _ => 0,
    };
    n.into()
}

fn venue_href(id: i64) -> String {
    format!("/console/venues/{id}")
}

/// The problems the figures name, each with the page of its evidence.
fn problems_of(k: &Kpis, offices: &[(i64, String, Vec<app::api::PartCoverage>)]) -> Vec<ReportProblem> {
    let mut out = Vec::new();
    let mut push = |kind: &str, name: &str, detail: String, href: String| {
        out.push(ReportProblem { kind: kind.into(), name: name.into(), detail, href })
    };
    for v in &k.online.worst_venues {
        let rate = v.rate.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_default();
        push("offline_venue", &v.venue, format!("{:.1} h · {rate}", v.offline_hours), venue_href(v.venue_id));
    }
    for v in &k.coverage.key_not_connected {
        push("key_not_connected", &v.name, String::new(), venue_href(v.id));
    }
    for v in &k.coverage.streaming_while_not_trading {
        push("streaming_while_closed", &v.name, String::new(), venue_href(v.id));
    }
    for v in &k.equipment.below_standard {
        push("below_camera_standard", &v.name, format!("{}/{}", v.cameras, k.equipment.standard), venue_href(v.id));
    }
    for (id, name, quarters) in offices {
        for q in quarters.iter().filter(|q| q.share.is_some_and(|s| s < 1.0)) {
            let detail = format!("{} {}/{}", q.name, q.visited, q.key_venues);
            let href = match Period::parse_quarter(&q.name) {
                Ok(p) => format!("/console/kpis?scope=office:{id}&from={}&to={}", p.from, p.to),
                Err(_) => format!("/console/kpis?scope=office:{id}"),
            };
            push("low_patrol_coverage", name, detail, href);
        }
    }
    for o in &k.rectification.overdue_orders {
        push(
            "overdue_order",
            &format!("{} · {}", o.number, o.venue),
            o.due_on.clone(),
            format!("/console/orders/{}", o.id),
        );
    }
    out
}

fn bad(e: TargetRefusal) -> AppError {
    let zh = match e {
        TargetRefusal::BadYear => "年份应为四位数字",
        TargetRefusal::YearBegun => "该年度已开始，目标值已固定",
        TargetRefusal::NotANumber => "目标值应为数字",
        TargetRefusal::UnknownIndicator => "没有这个指标",
    };
    AppError::BadRequest(format!("{zh}（{e}）"))
}

/// The key under which a scope's targets are kept: the programme's and offices' only.
pub fn targets_key(scope: Scope) -> Option<String> {
    match scope {
        Scope::Programme | Scope::Office(_) => Some(scope.code()),
        Scope::Jurisdiction(_) => None,
    }
}

/// The object the policy judges a scope's targets by.
pub fn targets_object(scope: Scope) -> Option<Object<'static>> {
    match scope {
        Scope::Programme => Some(Object::Programme),
        Scope::Office(o) => Some(Object::Office(o)),
        Scope::Jurisdiction(_) => None,
    }
}

impl ConsoleData {
    /// The report of a query (`report::default_year` unless it names one) as of `now`.
    pub async fn report_of(&self, actor: &Actor, query: &ReportQuery, now: DateTime<Utc>) -> Result<Report, AppError> {
        let today = china_time::day(now);
        let year = if query.year.trim().is_empty() {
            report::default_year(today)
        } else {
            report::parse_year(&query.year, today).map_err(bad)?
        };
        if year > today.year() {
            return Err(AppError::BadRequest(format!(
                "{year}年尚未开始，只能设定目标值（the year {year} has not begun: only its targets may be set）"
            )));
        }
        let (scope, jurisdictions, name) = self.kpi_scope_for(actor, &query.scope).await?;
        let whole = Period::year(year).expect("a year");
        let period = Period { from: whole.from, to: whole.to.min(today) };
        let j = jurisdictions.as_deref();
        let this = self.db.kpis(scope, &name, j, period, now).await.map_err(unavailable)?;
        let before = self.db.kpis(scope, &name, j, period.year_before(), now).await.map_err(unavailable)?;
        let targets = match targets_key(scope) {
            Some(key) => self.db.targets(&key, year).await.map_err(unavailable)?,
            None => Vec::new(),
        };
        let indicators = INDICATORS
            .iter()
            .map(|ind| {
                let target = targets.iter().find(|t| t.indicator == ind.code).map(|t| t.target);
                let (actual, last_year) = (actual_of(ind.code, &this), actual_of(ind.code, &before));
                let met = report::met(ind, target, actual);
                IndicatorRow {
                    code: ind.code.into(),
                    target,
                    actual,
                    last_year,
                    change: kpi::change(actual, last_year),
                    met,
                    shortfall: if met == Some(false) { shortfall_of(ind.code, &this) } else { 0 },
                }
            })
            .collect();
        let offices = match scope {
            Scope::Programme => self.db.office_key_coverage(period).await.map_err(unavailable)?,
            Scope::Office(o) => {
                let all = self.db.office_key_coverage(period).await.map_err(unavailable)?;
                all.into_iter().filter(|(id, _, _)| *id == o.0).collect()
            }
            Scope::Jurisdiction(_) => Vec::new(),
        };
        let latest = targets.iter().max_by(|a, b| a.set_at.cmp(&b.set_at));
        Ok(Report {
            scope: this.scope.clone(),
            year,
            as_of: period.to.to_string(),
            indicators,
            problems: problems_of(&this, &offices),
            targets_set_at: latest.map(|t| t.set_at.clone()),
            targets_set_by: latest.and_then(|t| t.set_by.clone()),
            figures: this,
        })
    }

    pub async fn report_page(&self, actor: &Actor, query: &ReportQuery) -> Result<ReportPage, AppError> {
        let now = Utc::now();
        let report = self.report_of(actor, query, now).await?;
        let scopes = self.kpi_choices(actor).await?;
        let scope = match (report.scope.kind.as_str(), report.scope.id) {
            ("office", Some(id)) => Scope::Office(mingchu_domain::access::OfficeId(id)),
            ("jurisdiction", Some(id)) => Scope::Jurisdiction(mingchu_domain::access::JurisdictionId(id)),
            _ => Scope::Programme,
        };
        let coming = china_time::day(now).year() + 1;
        let may_set = targets_object(scope).is_some_and(|o| decide(actor, Action::SetTargets, &o).is_ok());
        let next_targets = match (may_set, targets_key(scope)) {
            (true, Some(key)) => {
                let set = self.db.targets(&key, coming).await.map_err(unavailable)?;
                Some((coming, set.into_iter().map(|t| (t.indicator, t.target)).collect()))
            }
            _ => None,
        };
        let query = ReportQuery { year: report.year.to_string(), scope: scope.code() };
        Ok(ReportPage { report, scopes, query, next_targets })
    }
}
