//! Patrols' data for the console: the tasks someone sees, one task's visits with each
//! inspector's share, and one visit with its checklist, evidence and the venue's risk.

use super::{unavailable, ConsoleData};
use app::error::AppError;
use app::i18n::Lang;
use mingchu_domain::access::{decide, Action, Actor, Object, Refusal, Role};
use mingchu_domain::patrol::Mode;
use mingchu_domain::risk::RiskLevel;

fn forbidden(r: Refusal) -> AppError {
    AppError::Forbidden(r.to_string())
}

fn task_row(t: crate::db::patrols::TaskRow) -> app::api::PatrolTaskRow {
    app::api::PatrolTaskRow {
        id: t.id,
        title: t.title,
        mode: t.mode.code().to_string(),
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        plan_month: t.plan_month,
        office: t.office,
        visits: t.visits,
        done: t.done,
        problems: t.problems,
    }
}

impl ConsoleData {
    /// Whether `actor` may see and run patrol task `id` (a task of their office, or any for an
    /// administrator); `NotFound` when there is none.
    async fn authorise_task(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let office = self.db.patrol_task_office(id).await.map_err(unavailable)?;
        let Some(office) = office else {
            decide(actor, Action::Enforce, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        let object = match office {
            Some(office) => Object::Office(mingchu_domain::access::OfficeId(office)),
            None => Object::Programme,
        };
        decide(actor, Action::Enforce, &object).map_err(forbidden)
    }

    pub async fn patrol_list(&self, actor: &Actor) -> Result<app::api::PatrolList, AppError> {
        decide(actor, Action::Enforce, &Object::Programme).map_err(forbidden)?;
        let tasks = self.db.patrol_tasks(actor, 100).await.map_err(unavailable)?;
        let (offices, inspectors) = match &actor.office {
            Some((office, _)) => {
                let name = self.db.offices().await.map_err(unavailable)?.into_iter().filter(|(id, _)| *id == office.0);
                (name.collect(), self.db.office_inspectors(office.0).await.map_err(unavailable)?)
            }
            None => {
                let all = self.db.inspectors().await.map_err(unavailable)?;
                let named = all.into_iter().map(|(id, name, office)| (id.0, format!("{name} · {office}"))).collect();
                (self.db.offices().await.map_err(unavailable)?, named)
            }
        };
        let candidates = self.db.patrol_candidates(actor).await.map_err(unavailable)?;
        let levels = RiskLevel::ALL
            .into_iter()
            .map(|l| (l.code().to_string(), candidates.iter().filter(|(c, _)| c.level == l).count() as u32))
            .collect();
        let today = mingchu_domain::china_time::day(chrono::Utc::now());
        let mut places: Vec<i64> = candidates.iter().flat_map(|(c, _)| c.jurisdictions.iter().copied()).collect();
        places.sort_unstable();
        places.dedup();
        let visited_30d =
            candidates.iter().filter(|(c, _)| c.last_visit.is_some_and(|d| (today - d).num_days() < 30)).count();
        Ok(app::api::PatrolList {
            jurisdictions: self.db.jurisdictions_named(&places).await.map_err(unavailable)?,
            venues: candidates.len() as u32,
            visited_30d: visited_30d as u32,
            tasks: tasks.into_iter().map(task_row).collect(),
            offices,
            inspectors,
            levels,
            month: today.format("%Y-%m").to_string(),
            today: today.to_string(),
        })
    }

    pub async fn patrol_task_page(&self, actor: &Actor, id: i64) -> Result<app::api::PatrolTaskView, AppError> {
        self.authorise_task(actor, id).await?;
        let (task, visits) = self.db.patrol_task(id).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let progress = crate::db::patrols::task_progress(&visits);
        Ok(app::api::PatrolTaskView {
            task: task_row(task),
            progress,
            visits: visits
                .into_iter()
                .map(|v| app::api::PatrolVisitRow {
                    id: v.id,
                    venue_id: v.venue_id,
                    venue: v.venue,
                    level: v.level.map(|l| l.code().to_string()),
                    inspector: v.inspector.map(|(_, n)| n),
                    planned_on: v.planned_on,
                    result: v.result.map(|r| r.code().to_string()),
                    done_at: v.done_at,
                })
                .collect(),
        })
    }

    pub async fn patrol_visit_page(
        &self,
        actor: &Actor,
        id: i64,
        lang: Lang,
    ) -> Result<app::api::PatrolVisitView, AppError> {
        let venue = self.db.visit_venue(id).await.map_err(unavailable)?;
        let place = match venue {
            Some(v) => self.db.venue_place(v).await.map_err(unavailable)?,
            None => None,
        };
        let Some(place) = place else {
            decide(actor, Action::Enforce, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        decide(actor, Action::Enforce, &Object::Venue(&place)).map_err(forbidden)?;
        if actor.role == Role::Operator {
            return Err(AppError::Forbidden("patrols are the regulator's".into()));
        }
        let v = self.db.patrol_visit(id).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let risk = self.db.venue_risk(place.venue).await.map_err(unavailable)?;
        let recorded: serde_json::Map<String, serde_json::Value> =
            v.checklist.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default();
        let checklist = if v.mode == Mode::OnSite {
            mingchu_domain::patrol::checklist(v.kind)
                .into_iter()
                .map(|item| app::api::CheckView {
                    code: item.code.to_string(),
                    label: match lang {
                        Lang::Zh => item.zh,
                        Lang::En => item.en,
                    }
                    .to_string(),
                    passed: recorded.get(item.code).and_then(|p| p.as_bool()),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(app::api::PatrolVisitView {
            next_visit: self.db.next_visit(id).await.map_err(unavailable)?,
            id: v.id,
            task_id: v.task_id,
            task: v.task,
            mode: v.mode.code().to_string(),
            venue_id: v.venue_id,
            venue: v.venue,
            address: v.address,
            inspector: v.inspector.map(|(_, n)| n),
            planned_on: v.planned_on,
            result: v.result.map(|r| r.code().to_string()),
            note: v.note,
            done_by: v.done_by,
            done_at: v.done_at,
            risk: risk.map(|g| {
                let reasons = g.reasons.into_iter().map(|r| (r.code, r.count, r.points)).collect();
                app::api::RiskView { level: g.level.code().to_string(), score: g.score, reasons }
            }),
            cameras: v.cameras,
            evidence: v
                .evidence
                .into_iter()
                .map(|(eid, camera, at)| (eid, format!("/console/patrols/evidence/{eid}.jpg"), camera, at))
                .collect(),
            checklist,
            violations: v.violations,
        })
    }
}
