//! Violations and rectification orders (mingchu_domain::rectification): recording what was
//! found, issuing an order with its running number, every step taken on it, the office's list,
//! escalation of overdue orders, and the venue's public timeline. The state machine decides;
//! this persists its answers, each change with its audit entry in the same transaction.

use super::review_desk::{covered, scope_params};
use super::{Db, DbError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use mingchu_domain::access::Actor;
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::push::Notice;
use mingchu_domain::rectification::{self, Order, OrderRefusal, OrderState, Party, Step};
use mingchu_domain::vocab::{VenueId, ViolationCategory, ViolationSource};
use sqlx::AnyConnection;

/// A clause an order may cite.
#[derive(Clone, Debug)]
pub struct LegalClause {
    pub code: String,
    pub law: String,
    pub article: String,
    pub summary: String,
}

impl LegalClause {
    /// As an order prints it.
    pub fn citation(&self) -> String {
        format!("{}{}", self.law, self.article)
    }
}

/// A change to the clause list.
#[derive(Clone, Copy, Debug)]
pub enum ClauseChange<'a> {
    Add { code: &'a str, law: &'a str, article: &'a str, summary: &'a str },
    Retire { code: &'a str },
}

/// A violation an inspector records while issuing the order (an AI capture brings its own).
#[derive(Clone, Debug)]
pub struct NewFinding {
    pub source: ViolationSource,
    pub category: ViolationCategory,
    pub description: String,
    /// For a complaint that was borne out: its reference.
    pub complaint: Option<String>,
}

/// What an order is issued with.
#[derive(Clone, Debug)]
pub struct NewOrder {
    pub venue: VenueId,
    /// Confirmed captures of the venue, each recorded as a violation.
    pub captures: Vec<i64>,
    /// Violations already recorded (on a patrol) and in no order yet.
    pub violations: Vec<i64>,
    pub finding: Option<NewFinding>,
    pub requirement: String,
    /// Codes of [`LegalClause`]s.
    pub clauses: Vec<String>,
    pub due: NaiveDate,
    /// Whether the violations' evidence pictures show on the public timeline.
    pub evidence_public: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such order")]
    NotFound,
    #[error("no supervision office covers this venue")]
    NoOffice,
    #[error("capture #{0} is not a confirmed finding of this venue, or is already in an order")]
    Capture(i64),
    #[error("violation #{0} is not this venue's, or is already in an order")]
    Violation(i64),
    #[error("unknown legal clause {0:?}")]
    Clause(String),
    #[error("the complaint {0} is not about this venue")]
    Complaint(String),
    #[error(transparent)]
    Refused(#[from] OrderRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for OrderError {
    fn from(e: sqlx::Error) -> Self {
        OrderError::Db(e.into())
    }
}

/// A violation as an order shows it.
#[derive(Clone, Debug)]
pub struct ViolationRecord {
    pub id: i64,
    pub source: ViolationSource,
    pub category: String,
    pub description: String,
    pub observed_at: String,
    pub capture: Option<i64>,
    pub camera: Option<String>,
    pub complaint: Option<String>,
    /// The picture taken on a patrol that shows it.
    pub evidence_id: Option<i64>,
    pub evidence_public: bool,
    /// A dispute about it waits for a decision.
    pub disputed: bool,
}

/// A step taken on an order.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// Its photos' ids.
    pub photos: Vec<i64>,
    pub step: String,
    pub party: String,
    pub note: Option<String>,
    pub until: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

/// An order with everything its page and its printed notice show.
#[derive(Clone, Debug)]
pub struct OrderRecord {
    pub id: i64,
    pub number: String,
    pub office: String,
    pub venue_id: i64,
    pub venue: String,
    pub address: String,
    /// The licence holder the notice is addressed to, when the venue has a licence.
    pub holder: Option<String>,
    pub licence: Option<String>,
    pub requirement: String,
    pub legal_basis: String,
    pub order: Order,
    pub issued_by: Option<String>,
    pub violations: Vec<ViolationRecord>,
    pub steps: Vec<StepRecord>,
}

/// Which orders a list holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderView {
    /// Not closed, soonest due first.
    Open,
    /// Not closed and past the due day.
    Overdue,
    /// Closed, most recent first.
    Closed,
}

/// An order as the office's list shows it.
#[derive(Clone, Debug)]
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub venue_id: i64,
    pub venue: String,
    pub order: Order,
    pub violations: u32,
}

/// A public violation as the LIVES feed lists it: (venue, day, source, category, the order's
/// standing).
pub type LivesViolation = (i64, NaiveDate, ViolationSource, String, Option<rectification::Standing>);

/// A violation on the venue's public timeline, with its order when one was issued.
#[derive(Clone, Debug)]
pub struct TimelineEntry {
    pub violation: ViolationRecord,
    /// The order: id, number, the state machine's view, and the venue's latest reply.
    pub order: Option<(i64, String, Order, Option<String>)>,
}

fn day(text: &str, what: &str) -> Result<NaiveDate, DbError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DbError::Corrupt(format!("{what}: day {text:?}")))
}

type OrderColumns = (String, String, String, i64, Option<String>, Option<String>);

/// The columns [`order_of`] reads, after any others.
const ORDER_COLUMNS: &str = "o.state, o.issued_on, o.due_on, o.extensions, o.asked_until, o.closed_on";

fn order_of(columns: OrderColumns, id: i64) -> Result<Order, DbError> {
    let (state, issued_on, due, extensions, asked_until, closed_on) = columns;
    let what = format!("order {id}");
    Ok(Order {
        state: OrderState::from_code(&state).ok_or_else(|| DbError::Corrupt(format!("{what}: state {state:?}")))?,
        issued_on: day(&issued_on, &what)?,
        due: day(&due, &what)?,
        extensions: u32::try_from(extensions).unwrap_or(0),
        asked_until: asked_until.as_deref().map(|d| day(d, &what)).transpose()?,
        closed_on: closed_on.as_deref().map(|d| day(d, &what)).transpose()?,
    })
}

fn source_of(code: &str, id: i64) -> Result<ViolationSource, DbError> {
    ViolationSource::from_code(code).ok_or_else(|| DbError::Corrupt(format!("violation {id}: source {code:?}")))
}

/// The user id to store for an actor (the shell and the deprecated admin token are nobody).
fn user_of(actor: &Actor) -> Option<i64> {
    (actor.user.0 > 0).then_some(actor.user.0)
}

/// The office an order by `actor` against `venue` is issued in: an inspector's own; for an
/// administrator, the most local office covering the venue.
async fn issuing_office(
    conn: &mut AnyConnection,
    actor: &Actor,
    venue: VenueId,
) -> Result<Option<(i64, String)>, DbError> {
    if let Some((office, _)) = &actor.office {
        return Ok(sqlx::query_as("SELECT id, name FROM supervision_offices WHERE id = $1")
            .bind(office.0)
            .fetch_optional(&mut *conn)
            .await?);
    }
    Ok(sqlx::query_as(&format!(
        "{} SELECT o.id, o.name FROM supervision_offices o JOIN up ON up.id = o.jurisdiction_id ORDER BY up.depth, o.id LIMIT 1",
        super::push::ABOVE_VENUE
    ))
    .bind(venue.0)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A step as stored.
struct StepRow<'a> {
    step: &'a str,
    party: Party,
    note: Option<&'a str>,
    until: Option<NaiveDate>,
    by: Option<i64>,
}

/// Stores a step; returns its id.
async fn record_step(conn: &mut AnyConnection, order: i64, row: StepRow<'_>, at: &str) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO order_steps (order_id, step, party, note, until, by_user, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(order)
    .bind(row.step)
    .bind(row.party.code())
    .bind(row.note)
    .bind(row.until.map(|d| d.to_string()))
    .bind(row.by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?)
}

impl Db {
    /// The clauses an order may cite (not retired), in the order they are listed.
    pub async fn legal_clauses(&self) -> Result<Vec<LegalClause>, DbError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT code, law, article, summary FROM legal_clauses WHERE retired_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(code, law, article, summary)| LegalClause { code, law, article, summary }).collect())
    }

    /// Every clause with when it was retired, in the order they were added.
    pub async fn all_legal_clauses(&self) -> Result<Vec<(LegalClause, Option<String>)>, DbError> {
        let rows: Vec<(String, String, String, String, Option<String>)> =
            sqlx::query_as("SELECT code, law, article, summary, retired_at FROM legal_clauses ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, law, article, summary, retired)| (LegalClause { code, law, article, summary }, retired))
            .collect())
    }

    /// Adds or retires a clause; the inner `Err` says why it cannot be done.
    pub async fn change_clause(
        &self,
        change: ClauseChange<'_>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<Result<(), String>, DbError> {
        let mut tx = self.write_tx().await?;
        let (code, after) = match change {
            ClauseChange::Add { code, law, article, summary } => {
                let (code, law, article, summary) = (code.trim(), law.trim(), article.trim(), summary.trim());
                let sizes = [
                    (code, 40, "the code"),
                    (law, 80, "the law"),
                    (article, 40, "the article"),
                    (summary, 300, "the summary"),
                ];
                if let Some((_, max, what)) = sizes.iter().find(|(v, max, _)| v.is_empty() || v.chars().count() > *max)
                {
                    return Ok(Err(format!("{what} must be 1 to {max} characters")));
                }
                let added = sqlx::query(
                    "INSERT INTO legal_clauses (code, law, article, summary) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(code)
                .bind(law)
                .bind(article)
                .bind(summary)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if added == 0 {
                    return Ok(Err(format!("a clause {code:?} exists already (retire it and add another code)")));
                }
                (code.to_string(), serde_json::json!({ "law": law, "article": article, "summary": summary }))
            }
            ClauseChange::Retire { code } => {
                let retired =
                    sqlx::query("UPDATE legal_clauses SET retired_at = $2 WHERE code = $1 AND retired_at IS NULL")
                        .bind(code)
                        .bind(timestamp(now))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                if retired == 0 {
                    return Ok(Err(format!("no clause {code:?} in use")));
                }
                (code.to_string(), serde_json::json!({ "retired": true }))
            }
        };
        let action = match change {
            ClauseChange::Add { .. } => "clause.add",
            ClauseChange::Retire { .. } => "clause.retire",
        };
        super::audit::append(&mut tx, who.did(now, action, &format!("clause:{code}"), None, Some(after.to_string())))
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The venue's confirmed captures that are in no order yet: (id, rule, time, camera).
    pub async fn unordered_findings(&self, venue: VenueId) -> Result<Vec<(i64, String, String, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.category, e.at, c.name FROM capture_events e JOIN cameras c ON c.id = e.camera_id
             WHERE c.venue_id = $1 AND e.review = 'confirmed'
               AND NOT EXISTS (SELECT 1 FROM violations x JOIN order_violations ov ON ov.violation_id = x.id
                               WHERE x.capture_id = e.id)
             ORDER BY e.at DESC LIMIT 50",
        )
        .bind(venue.0)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The venue's violations recorded by people (a patrol, an inspection) in no order yet:
    /// (id, category, description, when).
    pub async fn unordered_violations(&self, venue: VenueId) -> Result<Vec<(i64, String, String, String)>, DbError> {
        Ok(sqlx::query_as(
            "SELECT x.id, x.category, x.description, x.observed_at FROM violations x
             WHERE x.venue_id = $1 AND x.capture_id IS NULL AND x.overturned_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM order_violations ov WHERE ov.violation_id = x.id)
             ORDER BY x.observed_at DESC LIMIT 50",
        )
        .bind(venue.0)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Issues an order by `actor` (already allowed by the policy) on `now`'s China day, with
    /// its violations; the venue is told (inbox and webhooks). Returns the order's id.
    pub async fn issue_order(
        &self,
        actor: &Actor,
        new: &NewOrder,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, OrderError> {
        let today = mingchu_domain::china_time::day(now);
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        // The clauses, as printed.
        let mut citations = Vec::new();
        for code in &new.clauses {
            let found: Option<(String, String)> =
                sqlx::query_as("SELECT law, article FROM legal_clauses WHERE code = $1 AND retired_at IS NULL")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (law, article) = found.ok_or_else(|| OrderError::Clause(code.clone()))?;
            citations.push(format!("{law}{article}"));
        }
        let violations = new.captures.len() + new.violations.len() + usize::from(new.finding.is_some());
        let checked = rectification::issue(violations, &new.requirement, &citations.join("、"), new.due, today)?;
        let (office, office_name) = issuing_office(&mut tx, actor, new.venue).await?.ok_or(OrderError::NoOffice)?;
        let by = user_of(actor);
        // The violations: each capture must be a confirmed finding of this venue in no order.
        let mut violation_ids = Vec::new();
        for violation in &new.violations {
            let ours: Option<i64> = sqlx::query_scalar(
                "SELECT x.id FROM violations x WHERE x.id = $1 AND x.venue_id = $2 AND x.overturned_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM order_violations ov WHERE ov.violation_id = x.id)",
            )
            .bind(violation)
            .bind(new.venue.0)
            .fetch_optional(&mut *tx)
            .await?;
            violation_ids.push(ours.ok_or(OrderError::Violation(*violation))?);
        }
        for capture in &new.captures {
            let found: Option<(String, String, i64)> = sqlx::query_as(
                "SELECT e.category, e.at, e.camera_id FROM capture_events e JOIN cameras c ON c.id = e.camera_id
                 WHERE e.id = $1 AND c.venue_id = $2 AND e.review = 'confirmed'
                   AND NOT EXISTS (SELECT 1 FROM violations x JOIN order_violations ov ON ov.violation_id = x.id
                                   WHERE x.capture_id = e.id)",
            )
            .bind(capture)
            .bind(new.venue.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (category, seen_at, camera) = found.ok_or(OrderError::Capture(*capture))?;
            // A capture recorded before (a violation left out of an order) is reused.
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO violations (venue_id, source, category, observed_at, capture_id, camera_id,
                                         evidence_public, recorded_by, recorded_at)
                 VALUES ($1, 'capture', $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (capture_id) WHERE capture_id IS NOT NULL
                 DO UPDATE SET evidence_public = excluded.evidence_public RETURNING id",
            )
            .bind(new.venue.0)
            .bind(&category)
            .bind(&seen_at)
            .bind(capture)
            .bind(camera)
            .bind(i64::from(new.evidence_public))
            .bind(by)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?;
            violation_ids.push(id);
        }
        if let Some(finding) = &new.finding {
            let description = finding.description.trim();
            if description.chars().count() > rectification::MAX_TEXT_CHARS {
                return Err(OrderRefusal::TooLong.into());
            }
            if let Some(reference) = &finding.complaint {
                let about: Option<i64> = sqlx::query_scalar("SELECT venue_id FROM complaints WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&mut *tx)
                    .await?;
                if about != Some(new.venue.0) {
                    return Err(OrderError::Complaint(reference.clone()));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO violations (venue_id, source, category, description, observed_at, complaint_ref,
                                         evidence_public, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5) RETURNING id",
            )
            .bind(new.venue.0)
            .bind(finding.source.code())
            .bind(finding.category.code())
            .bind(description)
            .bind(&at)
            .bind(&finding.complaint)
            .bind(i64::from(new.evidence_public))
            .bind(by)
            .fetch_one(&mut *tx)
            .await?;
            violation_ids.push(id);
        }
        let year = today.year();
        let seq: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) + 1 FROM orders WHERE office_id = $1 AND year = $2")
                .bind(office)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
        let order = &checked.order;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (office_id, year, seq, venue_id, requirement, legal_basis, state, issued_on, due_on,
                                 issued_by, issued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(office)
        .bind(year)
        .bind(seq)
        .bind(new.venue.0)
        .bind(&checked.requirement)
        .bind(&checked.legal_basis)
        .bind(order.state.code())
        .bind(order.issued_on.to_string())
        .bind(order.due.to_string())
        .bind(by)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        for violation in &violation_ids {
            sqlx::query("INSERT INTO order_violations (order_id, violation_id) VALUES ($1, $2)")
                .bind(id)
                .bind(violation)
                .execute(&mut *tx)
                .await?;
        }
        let row = StepRow { step: "issue", party: Party::Inspector, note: None, until: Some(order.due), by };
        record_step(&mut tx, id, row, &at).await?;
        let number = rectification::notice_number(&office_name, year, seq);
        let venue_name: String =
            sqlx::query_scalar("SELECT name FROM venues WHERE id = $1").bind(new.venue.0).fetch_one(&mut *tx).await?;
        let notice = Notice::OrderIssued {
            order: id,
            number: number.clone(),
            venue_id: new.venue.0,
            venue: venue_name,
            requirement: checked.requirement.clone(),
            due: order.due.to_string(),
        };
        super::push::add_notice(&mut tx, &notice, now).await?;
        let after = serde_json::json!({
            "number": number, "venue": new.venue.0, "violations": violation_ids, "due": order.due.to_string(),
            "legal_basis": checked.legal_basis,
        });
        super::audit::append(
            &mut tx,
            who.did(now, "order.issue", &format!("order:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        self.regrade(new.venue, now).await;
        Ok(id)
    }

    /// `actor` takes `step` on order `id` as the step's party (the policy has allowed it) on
    /// `now`'s China day. Returns the order's new state.
    pub async fn take_order_step(
        &self,
        id: i64,
        step: &Step,
        photos: &[crate::complaints::photo::CleanPhoto],
        actor: &Actor,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<OrderState, OrderError> {
        let today = mingchu_domain::china_time::day(now);
        let at = timestamp(now);
        let mut tx = self.write_tx().await?;
        type Found = (i64, String, String, String, i64, Option<String>, Option<String>);
        let found: Option<Found> =
            sqlx::query_as(&format!("SELECT o.venue_id, {ORDER_COLUMNS} FROM orders o WHERE o.id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (venue, state, issued, due, ext, asked, closed) = found.ok_or(OrderError::NotFound)?;
        let before = order_of((state, issued, due, ext, asked, closed), id)?;
        let party = step.party();
        let after = rectification::take(&before, party, step, today)?;
        sqlx::query(
            "UPDATE orders SET state = $2, due_on = $3, extensions = $4, asked_until = $5, closed_on = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(after.state.code())
        .bind(after.due.to_string())
        .bind(i64::from(after.extensions))
        .bind(after.asked_until.map(|d| d.to_string()))
        .bind(after.closed_on.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await?;
        let until = match step {
            Step::AskExtension { until, .. } => Some(*until),
            Step::GrantExtension => Some(after.due),
            _ => None,
        };
        let note = step.note().map(str::trim);
        let row = StepRow { step: step.code(), party, note, until, by: user_of(actor) };
        let step_id = record_step(&mut tx, id, row, &at).await?;
        for photo in photos {
            sqlx::query(
                "INSERT INTO order_photos (order_id, step_id, width, height, sha256, jpeg) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(step_id)
            .bind(i64::from(photo.width))
            .bind(i64::from(photo.height))
            .bind(&photo.sha256)
            .bind(&photo.jpeg)
            .execute(&mut *tx)
            .await?;
        }
        // Once its due day moves past today again it may be escalated anew when late.
        if after.due != before.due {
            sqlx::query("UPDATE orders SET escalated_at = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        let audit_before = serde_json::json!({ "state": before.state.code(), "due": before.due.to_string() });
        let audit_after = serde_json::json!({
            "state": after.state.code(), "due": after.due.to_string(), "note": note,
            "until": until.map(|d| d.to_string()),
            "photos": photos.iter().map(|p| p.sha256.clone()).collect::<Vec<_>>(),
        });
        super::audit::append(
            &mut tx,
            who.did(
                now,
                &format!("order.{}", step.code()),
                &format!("order:{id}"),
                Some(audit_before.to_string()),
                Some(audit_after.to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        self.regrade(VenueId(venue), now).await;
        Ok(after.state)
    }

    /// One order with its violations and steps; `None` when there is none.
    pub async fn order(&self, id: i64) -> Result<Option<OrderRecord>, DbError> {
        type Head = (i64, i32, i64, String, i64, String, String, String, String, Option<String>);
        let head: Option<(Head, OrderColumns)> = sqlx::query_as::<
            _,
            (
                i64,
                i32,
                i64,
                String,
                i64,
                String,
                String,
                String,
                String,
                Option<String>,
                String,
                String,
                String,
                i64,
                Option<String>,
                Option<String>,
            ),
        >(&format!(
            "SELECT o.id, o.year, o.seq, f.name, v.id, v.name, v.address, o.requirement, o.legal_basis,
                    (SELECT display_name FROM users WHERE id = o.issued_by), {ORDER_COLUMNS}
             FROM orders o JOIN supervision_offices f ON f.id = o.office_id JOIN venues v ON v.id = o.venue_id
             WHERE o.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| ((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9), (r.10, r.11, r.12, r.13, r.14, r.15)));
        let Some(((id, year, seq, office, venue_id, venue, address, requirement, legal_basis, issued_by), columns)) =
            head
        else {
            return Ok(None);
        };
        let licence: Option<(String, String)> =
            sqlx::query_as("SELECT holder, number FROM licences WHERE venue_id = $1 ORDER BY valid_until DESC LIMIT 1")
                .bind(venue_id)
                .fetch_optional(&self.pool)
                .await?;
        let violations = self.violations_where("ov.order_id = $1", id).await?;
        type StepColumns = (i64, String, String, Option<String>, Option<String>, Option<String>, String);
        let steps: Vec<StepColumns> = sqlx::query_as(
            "SELECT s.id, s.step, s.party, s.note, s.until, u.display_name, s.at
             FROM order_steps s LEFT JOIN users u ON u.id = s.by_user WHERE s.order_id = $1 ORDER BY s.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let photos: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id, step_id FROM order_photos WHERE order_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(OrderRecord {
            id,
            number: rectification::notice_number(&office, year, seq),
            office,
            venue_id,
            venue,
            address,
            holder: licence.as_ref().map(|(h, _)| h.clone()),
            licence: licence.map(|(_, n)| n),
            requirement,
            legal_basis,
            order: order_of(columns, id)?,
            issued_by,
            violations,
            steps: steps
                .into_iter()
                .map(|(step_id, step, party, note, until, by, at)| StepRecord {
                    photos: photos.iter().filter(|(_, s)| *s == step_id).map(|(p, _)| *p).collect(),
                    step,
                    party,
                    note,
                    until,
                    by,
                    at,
                })
                .collect(),
        }))
    }

    /// Violations joined to `order_violations ov` (left) and filtered by `filter` on `$1`;
    /// never an overturned one, nor one whose capture is no longer confirmed.
    async fn violations_where(&self, filter: &str, bound: i64) -> Result<Vec<ViolationRecord>, DbError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            source: String,
            category: String,
            description: String,
            observed_at: String,
            capture_id: Option<i64>,
            camera: Option<String>,
            complaint_ref: Option<String>,
            evidence_id: Option<i64>,
            evidence_public: super::Flag,
            disputed: super::Flag,
        }
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT x.id, x.source, x.category, x.description, x.observed_at, x.capture_id, c.name AS camera,
                    x.complaint_ref, x.evidence_id, x.evidence_public,
                    EXISTS (SELECT 1 FROM disputes d WHERE d.outcome IS NULL
                            AND (d.violation_id = x.id OR (x.capture_id IS NOT NULL AND d.capture_id = x.capture_id)))
                        AS disputed
             FROM violations x LEFT JOIN order_violations ov ON ov.violation_id = x.id
             LEFT JOIN cameras c ON c.id = x.camera_id
             LEFT JOIN capture_events e ON e.id = x.capture_id
             WHERE {filter} AND x.overturned_at IS NULL AND (x.capture_id IS NULL OR e.review = 'confirmed')
             ORDER BY x.observed_at DESC, x.id DESC"
        ))
        .bind(bound)
        .fetch_all(self.keyed())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ViolationRecord {
                    source: source_of(&r.source, r.id)?,
                    id: r.id,
                    category: r.category,
                    description: r.description,
                    observed_at: r.observed_at,
                    capture: r.capture_id,
                    camera: r.camera,
                    complaint: r.complaint_ref,
                    evidence_id: r.evidence_id,
                    evidence_public: r.evidence_public.0,
                    disputed: r.disputed.0,
                })
            })
            .collect()
    }

    /// The orders on the venues `actor` covers, in a view, on `today`; optionally one venue's.
    pub async fn order_list(
        &self,
        actor: &Actor,
        view: OrderView,
        venue: Option<VenueId>,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<OrderRow>, DbError> {
        let (jurisdictions, venues) = scope_params(self, actor).await?;
        let (filter, order) = match view {
            OrderView::Open => ("o.state <> 'closed'", "o.due_on ASC, o.id ASC"),
            OrderView::Overdue => ("o.state <> 'closed' AND o.due_on < $4", "o.due_on ASC, o.id ASC"),
            OrderView::Closed => ("o.state = 'closed'", "o.closed_on DESC, o.id DESC"),
        };
        type Row =
            (i64, i32, i64, String, i64, String, i64, String, String, String, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT o.id, o.year, o.seq, f.name, v.id, v.name,
                    (SELECT count(*) FROM order_violations ov WHERE ov.order_id = o.id), {ORDER_COLUMNS}
             FROM orders o JOIN venues v ON v.id = o.venue_id JOIN supervision_offices f ON f.id = o.office_id
             WHERE {} AND ($3 IS NULL OR o.venue_id = $3) AND {filter}
             ORDER BY {order} LIMIT $5",
            covered!()
        ))
        .bind(jurisdictions)
        .bind(venues)
        .bind(venue.map(|v| v.0))
        .bind(today.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let (id, year, seq, office, venue_id, venue, violations, state, issued, due, ext, asked, closed) = r;
                Ok(OrderRow {
                    id,
                    number: rectification::notice_number(&office, year, seq),
                    venue_id,
                    venue,
                    order: order_of((state, issued, due, ext, asked, closed), id)?,
                    violations: u32::try_from(violations).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Pushes every order past its due day and not yet escalated to the venue and the offices
    /// covering it (inbox and webhooks), once. Returns how many were escalated.
    pub async fn escalate_overdue_orders(&self, now: DateTime<Utc>) -> Result<u32, DbError> {
        let today = mingchu_domain::china_time::day(now).to_string();
        let due: Vec<(i64, i32, i64, String, i64, String, String)> = sqlx::query_as(
            "SELECT o.id, o.year, o.seq, f.name, v.id, v.name, o.due_on
             FROM orders o JOIN venues v ON v.id = o.venue_id JOIN supervision_offices f ON f.id = o.office_id
             WHERE o.state <> 'closed' AND o.due_on < $1 AND o.escalated_at IS NULL ORDER BY o.due_on LIMIT 500",
        )
        .bind(&today)
        .fetch_all(&self.pool)
        .await?;
        let mut escalated = 0;
        for (id, year, seq, office, venue_id, venue, due) in due {
            let mut tx = self.write_tx().await?;
            let claimed = sqlx::query(
                "UPDATE orders SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL AND state <> 'closed'",
            )
            .bind(id)
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 1 {
                let number = rectification::notice_number(&office, year, seq);
                let notice = Notice::OrderOverdue { order: id, number, venue_id, venue, due };
                // An order extended and late again is a new overdue: the old notice gives way.
                super::push::withdraw_notice(&mut tx, &notice.subject(), now).await?;
                super::push::add_notice(&mut tx, &notice, now).await?;
                escalated += 1;
            }
            tx.commit().await?;
            if claimed == 1 {
                self.regrade(VenueId(venue_id), now).await;
            }
        }
        Ok(escalated)
    }

    /// The venue's public timeline: its violations (confirmed ones only), newest first, each
    /// with its order and the venue's latest reply on it.
    pub async fn public_timeline(&self, venue: VenueId) -> Result<Vec<TimelineEntry>, DbError> {
        let violations = self.violations_where("x.venue_id = $1", venue.0).await?;
        type Row =
            (i64, i64, i32, i64, String, String, String, String, i64, Option<String>, Option<String>, Option<String>);
        let orders: Vec<Row> = sqlx::query_as(&format!(
            "SELECT ov.violation_id, o.id, o.year, o.seq, f.name,
                    {ORDER_COLUMNS},
                    (SELECT s.note FROM order_steps s WHERE s.order_id = o.id AND s.step = 'reply' ORDER BY s.id DESC LIMIT 1)
             FROM orders o JOIN order_violations ov ON ov.order_id = o.id JOIN supervision_offices f ON f.id = o.office_id
             WHERE o.venue_id = $1"
        ))
        .bind(venue.0)
        .fetch_all(self.keyed())
        .await?;
        let mut by_violation = std::collections::HashMap::new();
        for (violation, id, year, seq, office, state, issued, due, ext, asked, closed, reply) in orders {
            let order = order_of((state, issued, due, ext, asked, closed), id)?;
            by_violation.insert(violation, (id, rectification::notice_number(&office, year, seq), order, reply));
        }
        Ok(violations
            .into_iter()
            .map(|violation| {
                let order = by_violation.remove(&violation.id);
                TimelineEntry { violation, order }
            })
            .collect())
    }

    /// The public timeline as the venue page and the open data show it, on `today`.
    pub async fn public_violations(
        &self,
        venue: VenueId,
        today: NaiveDate,
    ) -> Result<Vec<app::api::PublicViolation>, DbError> {
        let entries = self.public_timeline(venue).await?;
        Ok(entries
            .into_iter()
            .map(|TimelineEntry { violation: v, order }| app::api::PublicViolation {
                evidence: (v.evidence_public && (v.capture.is_some() || v.evidence_id.is_some()))
                    .then(|| format!("/venues/{}/violations/{}/evidence.jpg", venue.0, v.id)),
                observed_on: mingchu_domain::china_time::format_stored(&v.observed_at)
                    .and_then(|t| t.get(..10).map(str::to_string))
                    .unwrap_or_else(|| v.observed_at.chars().take(10).collect()),
                id: v.id,
                source: v.source,
                category: v.category,
                disputed: v.disputed,
                order: order.map(|(id, number, order, reply)| {
                    let standing = rectification::standing(&order, today);
                    app::api::PublicOrder {
                        id,
                        number,
                        issued_on: order.issued_on.to_string(),
                        due_on: order.due.to_string(),
                        standing: standing.code().to_string(),
                        rectified_on: order.closed_on.map(|d| d.to_string()),
                        reply,
                    }
                }),
            })
            .collect())
    }

    /// Every venue's public violations for the LIVES feed: (venue, day, source, category, the
    /// order's standing on `today` with its due or rectified day).
    pub async fn lives_enforcement(&self, today: NaiveDate) -> Result<Vec<LivesViolation>, DbError> {
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT x.id, x.venue_id, x.observed_at, x.source, x.category, o.id, {ORDER_COLUMNS}
             FROM violations x LEFT JOIN capture_events e ON e.id = x.capture_id
             LEFT JOIN order_violations ov ON ov.violation_id = x.id LEFT JOIN orders o ON o.id = ov.order_id
             WHERE x.overturned_at IS NULL AND (x.capture_id IS NULL OR e.review = 'confirmed')
             ORDER BY x.venue_id, x.observed_at, x.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, venue, at, source, category, order, state, issued, due, ext, asked, closed)| {
                let day = chrono::DateTime::parse_from_rfc3339(&at)
                    .map(|t| mingchu_domain::china_time::day(t.to_utc()))
                    .map_err(|_| DbError::Corrupt(format!("violation {id}: time {at:?}")))?;
                let standing = match (order, state, issued, due) {
                    (Some(o), Some(state), Some(issued), Some(due)) => {
                        let order = order_of((state, issued, due, ext.unwrap_or(0), asked, closed), o)?;
                        Some(rectification::standing(&order, today))
                    }
                    _ => None,
                };
                Ok((venue, day, source_of(&source, id)?, category, standing))
            })
            .collect()
    }

    /// The venue's cameras: (id, name).
    pub async fn venue_cameras(&self, venue: VenueId) -> Result<Vec<(i64, String)>, DbError> {
        Ok(sqlx::query_as("SELECT id, name FROM cameras WHERE venue_id = $1 ORDER BY id")
            .bind(venue.0)
            .fetch_all(&self.pool)
            .await?)
    }

    /// A photo sent with a step of an order: the order's venue and the JPEG.
    pub async fn order_photo(&self, order: i64, photo: i64) -> Result<Option<(VenueId, Vec<u8>)>, DbError> {
        let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT o.venue_id, p.jpeg FROM order_photos p JOIN orders o ON o.id = p.order_id WHERE p.id = $1 AND p.order_id = $2",
        )
        .bind(photo)
        .bind(order)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(venue, jpeg)| (VenueId(venue), jpeg)))
    }

    /// A violation's evidence picture when the public may see it: its capture's snapshot (while
    /// the capture stays confirmed) or the picture taken on the patrol that found it.
    pub async fn public_evidence(&self, venue: VenueId, violation: i64) -> Result<Option<Vec<u8>>, DbError> {
        Ok(sqlx::query_scalar(
            "SELECT coalesce(e.snapshot, pe.jpeg) FROM violations x
             LEFT JOIN capture_events e ON e.id = x.capture_id AND e.review = 'confirmed'
             LEFT JOIN patrol_evidence pe ON pe.id = x.evidence_id
             WHERE x.id = $1 AND x.venue_id = $2 AND x.evidence_public = 1
               AND coalesce(e.snapshot, pe.jpeg) IS NOT NULL",
        )
        .bind(violation)
        .bind(venue.0)
        .fetch_optional(&self.pool)
        .await?)
    }
}
