//! The console's complaint desk: the complaints someone covers, who handles each, the staff's
//! private notes and public progress notes. Status changes are `Db::update_complaint`.

use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{Actor, UserId};
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::complaint::NoteKind;
use mingchu_domain::vocab::{ComplaintCategory, ComplaintStatus};

/// Which complaints a desk page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskView {
    /// Still being handled (not rejected, duplicate, resolved or closed).
    Open,
    Closed,
    /// Handled by the person asking.
    Mine,
}

#[derive(Clone, Debug)]
pub struct DeskComplaint {
    pub reference: String,
    pub venue_id: i64,
    pub venue: String,
    pub category: ComplaintCategory,
    pub status: ComplaintStatus,
    pub submitted_at: String,
    pub accept_due: String,
    pub mediation_due: Option<String>,
    pub assigned: Option<String>,
}

/// What the desk knows of a complaint beyond its public page.
#[derive(Clone, Debug)]
pub struct DeskExtras {
    pub venue_id: i64,
    pub assigned: Option<(UserId, String)>,
    /// (when, by whom, text), oldest first.
    pub notes: Vec<(String, String, String)>,
}

impl Db {
    /// Complaints about the venues `actor` covers, in `view`, oldest submission first for open
    /// ones (deadlines run from it), newest first otherwise.
    pub async fn desk_complaints(
        &self,
        actor: &Actor,
        view: DeskView,
        limit: u32,
    ) -> Result<Vec<DeskComplaint>, DbError> {
        type Row = (String, i64, String, String, String, String, String, Option<String>, Option<String>);
        let (jurisdictions, venues) = super::review_desk::scope_params(self, actor).await?;
        let (filter, order) = match view {
            DeskView::Open => ("c.status NOT IN ('rejected', 'duplicate', 'resolved', 'closed')", "ASC"),
            DeskView::Closed => ("c.status IN ('rejected', 'duplicate', 'resolved', 'closed')", "DESC"),
            DeskView::Mine => ("c.assigned_to = $3", "ASC"),
        };
        let rows: Vec<Row> = sqlx::query_as(&format!(
            concat!(
                "SELECT c.reference, c.venue_id, v.name, c.category, c.status, c.submitted_at, c.accept_due,
                    c.mediation_due, u.display_name
             FROM complaints c JOIN venues v ON v.id = c.venue_id LEFT JOIN users u ON u.id = c.assigned_to
             WHERE {filter}
               AND ",
                super::review_desk::covered!(),
                "
             ORDER BY c.submitted_at {order}, c.id {order} LIMIT $4"
            ),
            filter = filter,
            order = order
        ))
        .bind(&jurisdictions)
        .bind(&venues)
        .bind(actor.user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let corrupt = |what: &str| DbError::Corrupt(format!("complaint {}: {what}", r.0));
                Ok(DeskComplaint {
                    category: ComplaintCategory::from_code(&r.3).ok_or_else(|| corrupt("category"))?,
                    status: ComplaintStatus::from_code(&r.4).ok_or_else(|| corrupt("status"))?,
                    reference: r.0,
                    venue_id: r.1,
                    venue: r.2,
                    submitted_at: r.5,
                    accept_due: r.6,
                    mediation_due: r.7,
                    assigned: r.8,
                })
            })
            .collect()
    }

    /// Who handles complaint `reference` and the staff's notes; `None` when there is none.
    pub async fn complaint_extras(&self, reference: &str) -> Result<Option<DeskExtras>, DbError> {
        let row: Option<(i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.venue_id, c.assigned_to, u.display_name
             FROM complaints c LEFT JOIN users u ON u.id = c.assigned_to WHERE c.reference = $1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, venue_id, assigned, name)) = row else { return Ok(None) };
        let notes: Vec<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT n.at, u.display_name, n.text FROM complaint_notes n LEFT JOIN users u ON u.id = n.author_id
             WHERE n.complaint_id = $1 ORDER BY n.at, n.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(DeskExtras {
            venue_id,
            assigned: assigned.map(|a| (UserId(a), name.unwrap_or_default())),
            notes: notes.into_iter().map(|(at, by, text)| (at, by.unwrap_or_else(|| "shell".into()), text)).collect(),
        }))
    }

    /// Active inspectors, with their office's name: who a complaint may be assigned to (the
    /// caller asks the policy which of them cover its venue).
    pub async fn inspectors(&self) -> Result<Vec<(UserId, String, String)>, DbError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.display_name, o.name FROM users u JOIN supervision_offices o ON o.id = u.office_id
             WHERE u.role = 'inspector' AND u.disabled_at IS NULL ORDER BY o.name, u.display_name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, name, office)| (UserId(id), name, office)).collect())
    }

    /// Hands complaint `reference` to `to` (checked by the caller) or to nobody; audited.
    pub async fn assign_complaint(
        &self,
        reference: &str,
        to: Option<UserId>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let before: Option<Option<i64>> = sqlx::query_scalar("SELECT assigned_to FROM complaints WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else { return Ok(false) };
        sqlx::query("UPDATE complaints SET assigned_to = $2 WHERE reference = $1")
            .bind(reference)
            .bind(to.map(|u| u.0))
            .execute(&mut *tx)
            .await?;
        let (before, after) =
            (serde_json::json!({ "assigned_to": before }), serde_json::json!({ "assigned_to": to.map(|u| u.0) }));
        super::audit::append(
            &mut tx,
            who.did(
                now,
                "complaint.assign",
                &format!("complaint:{reference}"),
                Some(before.to_string()),
                Some(after.to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a note checked with `complaint::note`: a public progress note (an update that
    /// keeps the status) or a private one by `author`; audited. `false` when there is no such
    /// complaint.
    pub async fn add_complaint_note(
        &self,
        reference: &str,
        kind: NoteKind,
        text: &str,
        author: Option<UserId>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let row: Option<(i64, String)> = sqlx::query_as("SELECT id, status FROM complaints WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((id, status)) = row else { return Ok(false) };
        let at = timestamp(now);
        let action = match kind {
            NoteKind::Public => {
                sqlx::query("INSERT INTO complaint_updates (complaint_id, at, status, note) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&at)
                    .bind(&status)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE complaints SET updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                "complaint.public_note"
            }
            NoteKind::Private => {
                sqlx::query("INSERT INTO complaint_notes (complaint_id, at, author_id, text) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&at)
                    .bind(author.map(|a| a.0))
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
                // The log says a private note was written, not what it says.
                "complaint.private_note"
            }
        };
        let after = (kind == NoteKind::Public).then(|| serde_json::json!({ "note": text }).to_string());
        super::audit::append(&mut tx, who.did(now, action, &format!("complaint:{reference}"), None, after)).await?;
        tx.commit().await?;
        Ok(true)
    }
}
