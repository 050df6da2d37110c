//! The key figures' data for the console and the API: which scope and period a query means
//! (an inspector's own office and this quarter so far unless it says otherwise), whether the
//! reader may see them (the policy's `ViewFigures`), and the figures.

use super::{unavailable, ConsoleData};
use crate::db::kpis::Scope;
use app::api::{KpiPage, KpiQuery, Kpis};
use app::error::AppError;
use chrono::{DateTime, Datelike, Utc};
use mingchu_domain::access::{decide, Action, Actor, JurisdictionId, Object, Role};
use mingchu_domain::china_time;
use mingchu_domain::kpi::Period;

/// A refusal of the period, in both languages (the console shows it as it is).
fn bad_period(e: mingchu_domain::kpi::PeriodRefusal) -> AppError {
    use mingchu_domain::kpi::PeriodRefusal::*;
    let zh = match e {
        Backwards => "结束日期早于开始日期",
        TooLong => "统计期间最长 400 天",
        BadDate => "日期格式应为 YYYY-MM-DD",
        BadQuarter => "季度格式应为 YYYY-Qn（n 为 1–4）",
    };
    AppError::BadRequest(format!("{zh}（{e}）"))
}

/// The period a query names: `from`/`to`, or this quarter up to today.
pub fn period_of(query: &KpiQuery, now: DateTime<Utc>) -> Result<Period, AppError> {
    let today = china_time::day(now);
    if query.from.trim().is_empty() && query.to.trim().is_empty() {
        let quarter = Period::quarter(today.year(), today.month0() / 3 + 1).expect("this quarter");
        return Ok(Period { from: quarter.from, to: today });
    }
    let to = if query.to.trim().is_empty() { today.to_string() } else { query.to.clone() };
    Period::parse(&query.from, &to).map_err(bad_period)
}

impl ConsoleData {
    /// The scope a query names (the reader's office when it names none), checked against the
    /// policy; with its jurisdictions and name.
    pub async fn kpi_scope_for(
        &self,
        actor: &Actor,
        asked: &str,
    ) -> Result<(Scope, Option<Vec<i64>>, String), AppError> {
        let scope = if asked.trim().is_empty() {
            match &actor.office {
                Some((office, _)) if actor.role == Role::Inspector => Scope::Office(*office),
                _ => Scope::Programme,
            }
        } else {
            Scope::parse(asked).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "统计范围应为 programme、office:<编号> 或 jurisdiction:<编号>（scope must be programme, office:<id> or jurisdiction:<id>, not {asked:?}）"
                ))
            })?
        };
        let chain = match scope {
            Scope::Jurisdiction(j) => self.db.jurisdiction_chain(j).await.map_err(unavailable)?,
            _ => Vec::new(),
        };
        let object = match scope {
            Scope::Programme => Object::Programme,
            Scope::Office(o) => Object::Office(o),
            Scope::Jurisdiction(_) => Object::Area(&chain),
        };
        decide(actor, Action::ViewFigures, &object).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let (jurisdictions, name) = self.db.kpi_scope(scope).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let name = if scope == Scope::Programme { "全部监管所（全项目）".to_string() } else { name };
        Ok((scope, jurisdictions, name))
    }

    /// The figures of a query, for the page, the API and the CSV.
    pub async fn kpi_figures(&self, actor: &Actor, query: &KpiQuery, now: DateTime<Utc>) -> Result<Kpis, AppError> {
        let period = period_of(query, now)?;
        let (scope, jurisdictions, name) = self.kpi_scope_for(actor, &query.scope).await?;
        self.db.kpis(scope, &name, jurisdictions.as_deref(), period, now).await.map_err(unavailable)
    }

    /// The scopes the reader may choose: the programme, offices and jurisdictions they may see.
    pub(super) async fn kpi_choices(&self, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
        let mut out = vec![(Scope::Programme.code(), "全项目 · Programme".to_string())];
        for (id, name) in self.db.offices().await.map_err(unavailable)? {
            let scope = Scope::Office(mingchu_domain::access::OfficeId(id));
            if decide(actor, Action::ViewFigures, &Object::Office(mingchu_domain::access::OfficeId(id))).is_ok() {
                out.push((scope.code(), name));
            }
        }
        for (id, name) in self.db.jurisdiction_names().await.map_err(unavailable)? {
            let chain = self.db.jurisdiction_chain(JurisdictionId(id)).await.map_err(unavailable)?;
            if decide(actor, Action::ViewFigures, &Object::Area(&chain)).is_ok() {
                out.push((Scope::Jurisdiction(JurisdictionId(id)).code(), name));
            }
        }
        Ok(out)
    }

    pub async fn kpi_page(&self, actor: &Actor, query: &KpiQuery) -> Result<KpiPage, AppError> {
        let now = Utc::now();
        let kpis = self.kpi_figures(actor, query, now).await?;
        let scopes = self.kpi_choices(actor).await?;
        let scope = if query.scope.trim().is_empty() {
            match (kpis.scope.kind.as_str(), kpis.scope.id) {
                ("office", Some(id)) => format!("office:{id}"),
                _ => "programme".into(),
            }
        } else {
            query.scope.clone()
        };
        let echo = KpiQuery { scope, from: kpis.from.clone(), to: kpis.to.clone() };
        Ok(KpiPage { kpis, scopes, query: echo })
    }
}
