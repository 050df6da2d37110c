//! Patrol tasks (mingchu_domain::patrol): the venues a task may cover with what its filters
//! look at, tasks with their visits, the evidence captured on a visit, and a visit's result
//! (its problems become violations). Every change is audited in its own transaction.

use super::review_desk::{covered, scope_params};
use super::{Db, DbError, Flag};
use chrono::{DateTime, NaiveDate, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::patrol::{check_result, Candidate, Mode, Outcome, VisitRefusal};
use mingchu_domain::risk::RiskLevel;
use mingchu_domain::vocab::{VenueId, VenueKind, ViolationCategory};
use std::collections::HashMap;

/// A task to create: its visits already chosen (by filter, by list or by the month's plan).
#[derive(Clone, Debug)]
pub struct NewTask {
    pub office: Option<i64>,
    pub title: String,
    pub mode: Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub plan_month: Option<String>,
    /// (venue, inspector, planned day)
    pub visits: Vec<(VenueId, Option<i64>, NaiveDate)>,
}

/// A task as the list shows it.
#[derive(Clone, Debug)]
pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub mode: Mode,
    pub starts_on: String,
    pub ends_on: String,
    pub plan_month: Option<String>,
    pub office: Option<String>,
    pub visits: u32,
    pub done: u32,
    pub problems: u32,
}

/// A visit as a task lists it.
#[derive(Clone, Debug)]
pub struct VisitRow {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub level: Option<RiskLevel>,
    pub inspector: Option<(i64, String)>,
    pub planned_on: String,
    pub result: Option<Outcome>,
    pub done_at: Option<String>,
}

/// One visit with what its page shows.
#[derive(Clone, Debug)]
pub struct VisitRecord {
    pub id: i64,
    pub task_id: i64,
    pub task: String,
    pub mode: Mode,
    pub venue_id: i64,
    pub venue: String,
    pub address: String,
    pub kind: VenueKind,
    pub inspector: Option<(i64, String)>,
    pub planned_on: String,
    pub result: Option<Outcome>,
    pub note: Option<String>,
    pub checklist: Option<String>,
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    /// (id, camera name when a frame, taken at)
    pub evidence: Vec<(i64, Option<String>, String)>,
    /// The venue's cameras: (id, name, area, public)
    pub cameras: Vec<(i64, String, String, bool)>,
    /// The violations recorded on it: (id, category, description)
    pub violations: Vec<(i64, String, String)>,
}

/// A problem found on a visit.
#[derive(Clone, Debug)]
pub struct Problem {
    pub category: ViolationCategory,
    pub description: String,
    /// Evidence of this visit showing it.
    pub evidence: Option<i64>,
}

/// A visit's result.
#[derive(Clone, Debug)]
pub struct VisitResult {
    pub outcome: Outcome,
    pub note: String,
    /// The on-site checklist: (item, passed).
    pub checklist: Vec<(String, bool)>,
    pub problems: Vec<Problem>,
    pub evidence_public: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error("no such visit")]
    NotFound,
    #[error("evidence #{0} is not from this visit")]
    Evidence(i64),
    #[error(transparent)]
    Refused(#[from] VisitRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for VisitError {
    fn from(e: sqlx::Error) -> Self {
        VisitError::Db(e.into())
    }
}

fn mode_of(code: &str) -> Result<Mode, DbError> {
    Mode::from_code(code).ok_or_else(|| DbError::Corrupt(format!("patrol mode {code:?}")))
}

fn user_of(actor: &Actor) -> Option<i64> {
    (actor.user.0 > 0).then_some(actor.user.0)
}

impl Db {
    /// The trading venues `actor` covers, as a task's filters see them, with their
    /// names.
    pub async fn patrol_candidates(&self, actor: &Actor) -> Result<Vec<(Candidate, String)>, DbError> {
        let (jurisdictions, venues) = scope_params(self, actor).await?;
        type Row = (i64, String, String, i64, Option<String>, Option<String>, i64);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT v.id, v.name, v.kind, v.jurisdiction_id, r.level,
                    (SELECT max(pv.done_at) FROM patrol_visits pv WHERE pv.venue_id = v.id AND pv.done_at IS NOT NULL),
                    (SELECT count(*) FROM orders o WHERE o.venue_id = v.id AND o.state <> 'closed')
             FROM venues v LEFT JOIN venue_risk r ON r.venue_id = v.id
             WHERE {} AND v.status IN ('operating', 'suspended') ORDER BY v.id",
            covered!()
        ))
        .bind(jurisdictions)
        .bind(venues)
        .fetch_all(&self.pool)
        .await?;
        let parents: HashMap<i64, Option<i64>> =
            sqlx::query_as::<_, (i64, Option<i64>)>("SELECT id, parent_id FROM jurisdictions")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect();
        let chain = |mut j: i64| {
            let mut up = vec![j];
            while let Some(Some(parent)) = parents.get(&j) {
                if up.len() > 8 {
                    break;
                }
                up.push(*parent);
                j = *parent;
            }
            up
        };
        rows.into_iter()
            .map(|(id, name, kind, jurisdiction, level, last, open)| {
                let last_visit = last
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| mingchu_domain::china_time::day(t.to_utc()));
                Ok((
                    Candidate {
                        venue: VenueId(id),
                        kind: VenueKind::from_code(&kind)
                            .ok_or_else(|| DbError::Corrupt(format!("venue {id}: kind {kind:?}")))?,
                        // Not graded yet (a venue added since the last grading): its static part
                        // decides at the next regrade; until then the lowest level.
                        level: level.as_deref().and_then(RiskLevel::from_code).unwrap_or(RiskLevel::A),
                        jurisdictions: chain(jurisdiction),
                        last_visit,
                        open_orders: u32::try_from(open).unwrap_or(0),
                    },
                    name,
                ))
            })
            .collect()
    }

    /// The names of jurisdictions, by id, in the order of their codes.
    pub async fn jurisdictions_named(&self, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
        let ids = serde_json::to_string(ids).expect("ids serialise");
        Ok(sqlx::query_as(
            "SELECT id, name FROM jurisdictions WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY code",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every supervision office: (id, name).
    pub async fn offices(&self) -> Result<Vec<(i64, String)>, DbError> {
        Ok(sqlx::query_as("SELECT id, name FROM supervision_offices ORDER BY id").fetch_all(&self.pool).await?)
    }

    /// What an office covers, as an actor whose listings hold it (user 0: nobody's account).
    pub async fn office_scope(&self, office: i64) -> Result<Option<Actor>, DbError> {
        let jurisdiction: Option<i64> =
            sqlx::query_scalar("SELECT jurisdiction_id FROM supervision_offices WHERE id = $1")
                .bind(office)
                .fetch_optional(&self.pool)
                .await?;
        Ok(jurisdiction.map(|j| {
            Actor::inspector(
                mingchu_domain::access::UserId(0),
                mingchu_domain::access::OfficeId(office),
                vec![mingchu_domain::access::JurisdictionId(j)],
            )
        }))
    }

    /// The active inspectors of an office: (id, name).
    pub async fn office_inspectors(&self, office: i64) -> Result<Vec<(i64, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT id, display_name FROM users
             WHERE role = 'inspector' AND office_id = $1 AND disabled_at IS NULL ORDER BY id",
        )
        .bind(office)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Creates a task with its visits. Returns its id.
    pub async fn create_patrol_task(
        &self,
        actor: &Actor,
        task: &NewTask,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO patrol_tasks (office_id, title, mode, starts_on, ends_on, plan_month, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(task.office)
        .bind(&task.title)
        .bind(task.mode.code())
        .bind(task.starts_on.to_string())
        .bind(task.ends_on.to_string())
        .bind(&task.plan_month)
        .bind(user_of(actor))
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        for (venue, inspector, planned) in &task.visits {
            sqlx::query(
                "INSERT INTO patrol_visits (task_id, venue_id, inspector_id, planned_on) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (task_id, venue_id) DO NOTHING",
            )
            .bind(id)
            .bind(venue.0)
            .bind(inspector)
            .bind(planned.to_string())
            .execute(&mut *tx)
            .await?;
        }
        let after = serde_json::json!({
            "title": task.title, "mode": task.mode.code(), "starts_on": task.starts_on.to_string(),
            "ends_on": task.ends_on.to_string(), "plan_month": task.plan_month, "visits": task.visits.len(),
        });
        super::audit::append(
            &mut tx,
            who.did(now, "patrol.create", &format!("patrol:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The tasks `actor` sees (an inspector their office's; an administrator all), newest first.
    pub async fn patrol_tasks(&self, actor: &Actor, limit: u32) -> Result<Vec<TaskRow>, DbError> {
        let office = actor.office.as_ref().map(|(o, _)| o.0);
        type Row = (i64, String, String, String, String, Option<String>, Option<String>, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT t.id, t.title, t.mode, t.starts_on, t.ends_on, t.plan_month, f.name,
                    (SELECT count(*) FROM patrol_visits v WHERE v.task_id = t.id),
                    (SELECT count(*) FROM patrol_visits v WHERE v.task_id = t.id AND v.done_at IS NOT NULL),
                    (SELECT count(*) FROM patrol_visits v WHERE v.task_id = t.id AND v.result = 'problems')
             FROM patrol_tasks t LEFT JOIN supervision_offices f ON f.id = t.office_id
             WHERE $1 IS NULL OR t.office_id = $1 ORDER BY t.starts_on DESC, t.id DESC LIMIT $2",
        )
        .bind(office)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, title, mode, starts_on, ends_on, plan_month, office, visits, done, problems)| {
                Ok(TaskRow {
                    mode: mode_of(&mode)?,
                    id,
                    title,
                    starts_on,
                    ends_on,
                    plan_month,
                    office,
                    visits: visits as u32,
                    done: done as u32,
                    problems: problems as u32,
                })
            })
            .collect()
    }

    /// A task's office (`None` for a task of the whole programme); `Err` when there is none.
    pub async fn patrol_task_office(&self, id: i64) -> Result<Option<Option<i64>>, DbError> {
        Ok(sqlx::query_scalar("SELECT office_id FROM patrol_tasks WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A task and its visits in the order they are planned.
    pub async fn patrol_task(&self, id: i64) -> Result<Option<(TaskRow, Vec<VisitRow>)>, DbError> {
        type Head = (i64, String, String, String, String, Option<String>, Option<String>);
        let head: Option<Head> = sqlx::query_as(
            "SELECT t.id, t.title, t.mode, t.starts_on, t.ends_on, t.plan_month, f.name
             FROM patrol_tasks t LEFT JOIN supervision_offices f ON f.id = t.office_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, title, mode, starts_on, ends_on, plan_month, office)) = head else { return Ok(None) };
        type Row =
            (i64, i64, String, Option<String>, Option<i64>, Option<String>, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT pv.id, v.id, v.name, r.level, pv.inspector_id, u.display_name, pv.planned_on, pv.result, pv.done_at
             FROM patrol_visits pv JOIN venues v ON v.id = pv.venue_id
             LEFT JOIN venue_risk r ON r.venue_id = v.id LEFT JOIN users u ON u.id = pv.inspector_id
             WHERE pv.task_id = $1 ORDER BY pv.planned_on, pv.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let visits: Vec<VisitRow> = rows
            .into_iter()
            .map(|(vid, venue_id, venue, level, inspector, name, planned_on, result, done_at)| VisitRow {
                id: vid,
                venue_id,
                venue,
                level: level.as_deref().and_then(RiskLevel::from_code),
                inspector: inspector.map(|i| (i, name.unwrap_or_default())),
                planned_on,
                result: result.as_deref().and_then(Outcome::from_code),
                done_at,
            })
            .collect();
        let task = TaskRow {
            mode: mode_of(&mode)?,
            id,
            title,
            starts_on,
            ends_on,
            plan_month,
            office,
            visits: visits.len() as u32,
            done: visits.iter().filter(|v| v.done_at.is_some()).count() as u32,
            problems: visits.iter().filter(|v| v.result == Some(Outcome::Problems)).count() as u32,
        };
        Ok(Some((task, visits)))
    }

    /// The venue a visit is at; `None` when there is no such visit.
    pub async fn visit_venue(&self, visit: i64) -> Result<Option<VenueId>, DbError> {
        let venue: Option<i64> = sqlx::query_scalar("SELECT venue_id FROM patrol_visits WHERE id = $1")
            .bind(visit)
            .fetch_optional(&self.pool)
            .await?;
        Ok(venue.map(VenueId))
    }

    /// One visit with its evidence, the venue's cameras and what it recorded.
    pub async fn patrol_visit(&self, id: i64) -> Result<Option<VisitRecord>, DbError> {
        type Row = (
            i64,
            i64,
            String,
            String,
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT pv.id, t.id, t.title, t.mode, v.id, v.name, v.address, v.kind, pv.inspector_id, u.display_name,
                    pv.planned_on, pv.result, pv.note, pv.checklist, d.display_name, pv.done_at
             FROM patrol_visits pv JOIN patrol_tasks t ON t.id = pv.task_id JOIN venues v ON v.id = pv.venue_id
             LEFT JOIN users u ON u.id = pv.inspector_id LEFT JOIN users d ON d.id = pv.done_by
             WHERE pv.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let evidence: Vec<(i64, Option<String>, String)> = sqlx::query_as(
            "SELECT e.id, c.name, e.taken_at FROM patrol_evidence e LEFT JOIN cameras c ON c.id = e.camera_id
             WHERE e.visit_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let cameras: Vec<(i64, String, String, Flag)> =
            sqlx::query_as("SELECT id, name, area, is_public FROM cameras WHERE venue_id = $1 ORDER BY id")
                .bind(r.4)
                .fetch_all(&self.pool)
                .await?;
        let violations: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, category, description FROM violations WHERE visit_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(VisitRecord {
            id: r.0,
            task_id: r.1,
            task: r.2,
            mode: mode_of(&r.3)?,
            venue_id: r.4,
            venue: r.5,
            address: r.6,
            kind: VenueKind::from_code(&r.7).ok_or_else(|| DbError::Corrupt(format!("venue {}: kind", r.4)))?,
            inspector: r.8.map(|i| (i, r.9.clone().unwrap_or_default())),
            planned_on: r.10,
            result: r.11.as_deref().and_then(Outcome::from_code),
            note: r.12,
            checklist: r.13,
            done_by: r.14,
            done_at: r.15,
            evidence,
            cameras: cameras.into_iter().map(|(id, name, area, public)| (id, name, area, public.0)).collect(),
            violations,
        }))
    }

    /// The next visit of the same task still to do, after `visit`, for the same inspector
    /// (or anyone's when the visit has none).
    pub async fn next_visit(&self, visit: i64) -> Result<Option<i64>, DbError> {
        Ok(sqlx::query_scalar(
            "SELECT n.id FROM patrol_visits pv JOIN patrol_visits n ON n.task_id = pv.task_id
             WHERE pv.id = $1 AND n.id <> pv.id AND n.done_at IS NULL
               AND (pv.inspector_id IS NULL OR n.inspector_id IS NOT DISTINCT FROM pv.inspector_id)
             ORDER BY n.planned_on > pv.planned_on DESC, n.planned_on, n.id LIMIT 1",
        )
        .bind(visit)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Stores a picture taken on a visit (a camera's frame, or a photo when `camera` is
    /// `None`). Returns its id.
    pub async fn add_patrol_evidence(
        &self,
        visit: i64,
        camera: Option<i64>,
        photo: &crate::complaints::photo::CleanPhoto,
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO patrol_evidence (visit_id, camera_id, taken_at, taken_by, width, height, sha256, jpeg)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(visit)
        .bind(camera)
        .bind(timestamp(now))
        .bind(user_of(actor))
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(&photo.sha256)
        .bind(&photo.jpeg)
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({ "visit": visit, "camera": camera, "sha256": photo.sha256 });
        super::audit::append(
            &mut tx,
            who.did(now, "patrol.evidence", &format!("evidence:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A picture taken on a visit: the venue and the JPEG.
    pub async fn patrol_evidence(&self, id: i64) -> Result<Option<(VenueId, Vec<u8>)>, DbError> {
        let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT pv.venue_id, e.jpeg FROM patrol_evidence e JOIN patrol_visits pv ON pv.id = e.visit_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(v, jpeg)| (VenueId(v), jpeg)))
    }

    /// Records a visit's result: each problem becomes a violation of the venue (source
    /// `patrol`, with its evidence picture); the venue is regraded.
    pub async fn record_visit(
        &self,
        id: i64,
        result: &VisitResult,
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, VisitError> {
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        let found: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT venue_id, done_at FROM patrol_visits WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (venue, done_at) = found.ok_or(VisitError::NotFound)?;
        let failed: Vec<&str> = result.checklist.iter().filter(|(_, ok)| !ok).map(|(c, _)| c.as_str()).collect();
        check_result(done_at.is_some(), result.outcome, result.problems.len(), failed.len())?;
        for problem in &result.problems {
            if let Some(evidence) = problem.evidence {
                let ours: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM patrol_evidence WHERE id = $1 AND visit_id = $2")
                        .bind(evidence)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                ours.ok_or(VisitError::Evidence(evidence))?;
            }
        }
        let checklist = (!result.checklist.is_empty()).then(|| {
            let map: serde_json::Map<String, serde_json::Value> =
                result.checklist.iter().map(|(c, ok)| (c.clone(), serde_json::Value::Bool(*ok))).collect();
            serde_json::Value::Object(map).to_string()
        });
        let note = result.note.trim();
        sqlx::query(
            "UPDATE patrol_visits SET result = $2, note = $3, checklist = $4, done_by = $5, done_at = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(result.outcome.code())
        .bind((!note.is_empty()).then_some(note))
        .bind(&checklist)
        .bind(user_of(actor))
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        let mut recorded = Vec::new();
        for problem in &result.problems {
            let camera: Option<i64> = match problem.evidence {
                Some(e) => {
                    sqlx::query_scalar("SELECT camera_id FROM patrol_evidence WHERE id = $1")
                        .bind(e)
                        .fetch_one(&mut *tx)
                        .await?
                }
                None => None,
            };
            let violation: i64 = sqlx::query_scalar(
                "INSERT INTO violations (venue_id, source, category, description, observed_at, camera_id,
                                         evidence_public, recorded_by, recorded_at, visit_id, evidence_id)
                 VALUES ($1, 'patrol', $2, $3, $4, $5, $6, $7, $4, $8, $9) RETURNING id",
            )
            .bind(venue)
            .bind(problem.category.code())
            .bind(problem.description.trim())
            .bind(&at)
            .bind(camera)
            .bind(i64::from(result.evidence_public))
            .bind(user_of(actor))
            .bind(id)
            .bind(problem.evidence)
            .fetch_one(&mut *tx)
            .await?;
            recorded.push(violation);
        }
        let after = serde_json::json!({
            "result": result.outcome.code(), "note": note, "failed": failed, "violations": recorded,
        });
        super::audit::append(
            &mut tx,
            who.did(now, "patrol.result", &format!("visit:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        self.regrade(VenueId(venue), now).await;
        Ok(recorded)
    }
}

/// Per inspector over a task: (name, planned, done).
pub fn task_progress(visits: &[VisitRow]) -> Vec<(String, u32, u32)> {
    let mut by: Vec<(String, u32, u32)> = Vec::new();
    for v in visits {
        let name = v.inspector.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
        match by.iter_mut().find(|(n, _, _)| *n == name) {
            Some(row) => {
                row.1 += 1;
                row.2 += u32::from(v.done_at.is_some());
            }
            None => by.push((name, 1, u32::from(v.done_at.is_some()))),
        }
    }
    by
}
