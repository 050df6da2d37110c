//! The complaint desk's data: the list and one complaint as the person may see it.

use super::{unavailable, ConsoleData};
use app::error::AppError;

/// Working days left on a `YYYY-MM-DD` deadline, today in China.
fn days_left(due: Option<&str>) -> Option<i64> {
    let due = chrono::NaiveDate::parse_from_str(due?, "%Y-%m-%d").ok()?;
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    Some(mingchu_domain::complaint::working_days_left(today, due))
}

impl ConsoleData {
    pub async fn complaint_list(
        &self,
        actor: &mingchu_domain::access::Actor,
        view: &str,
    ) -> Result<app::api::ComplaintList, AppError> {
        use crate::db::complaint_desk::DeskView;
        use mingchu_domain::access::{decide, Action, Object};
        decide(actor, Action::ViewComplaints, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let (view, code) = match view {
            "" | "open" => (DeskView::Open, "open"),
            "closed" => (DeskView::Closed, "closed"),
            "mine" => (DeskView::Mine, "mine"),
            other => return Err(AppError::BadRequest(format!("unknown view {other:?}; use open, closed or mine"))),
        };
        let rows = self.db.desk_complaints(actor, view, 200).await.map_err(unavailable)?;
        let items = rows
            .into_iter()
            .map(|c| {
                use mingchu_domain::vocab::ComplaintStatus;
                let due = match c.status {
                    ComplaintStatus::Submitted => Some(c.accept_due.clone()),
                    s if s.is_closed() => None,
                    _ => c.mediation_due.clone(),
                };
                app::api::ComplaintRow {
                    days_left: days_left(due.as_deref()),
                    due,
                    reference: c.reference,
                    venue_id: c.venue_id,
                    venue: c.venue,
                    category: c.category,
                    status: c.status,
                    submitted_at: c.submitted_at,
                    assigned: c.assigned,
                }
            })
            .collect();
        Ok(app::api::ComplaintList { view: code.to_string(), items })
    }

    pub async fn complaint_case(
        &self,
        actor: &mingchu_domain::access::Actor,
        reference: &str,
    ) -> Result<app::api::ComplaintCase, AppError> {
        use mingchu_domain::access::{decide, Action, Object};
        let forbidden = |r: mingchu_domain::access::Refusal| AppError::Forbidden(r.to_string());
        let reference = crate::complaints::reference::normalize(reference).unwrap_or_default();
        let venue = self.db.venue_of(crate::db::tokens::VenueOf::Complaint(&reference)).await.map_err(unavailable)?;
        let place = match venue {
            Some(v) => self.db.venue_place(v).await.map_err(unavailable)?,
            None => None,
        };
        let Some(place) = place else {
            // Not there: only someone who may act on everything learns that.
            decide(actor, Action::ViewComplaints, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        let object = Object::Venue(&place);
        decide(actor, Action::ViewComplaints, &object).map_err(forbidden)?;
        let public = self.db.public_complaint(&reference).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let (complainant, feedback_request) = match decide(actor, Action::ViewComplainant, &object) {
            Ok(()) => (
                self.db.complaint_private(&reference).await.map_err(unavailable)?,
                self.db.feedback_request(&reference).await.map_err(unavailable)?.map(|r| {
                    app::api::FeedbackRequestView {
                        reach: r.reach,
                        state: r.state,
                        attempts: r.attempts,
                        created_at: r.created_at,
                        outcome: r.outcome,
                    }
                }),
            ),
            Err(_) => (None, None),
        };
        let may_handle = decide(actor, Action::HandleComplaint, &object).is_ok();
        let extras = self.db.complaint_extras(&reference).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let mut assignees = Vec::new();
        if may_handle {
            for (id, name, office) in self.db.inspectors().await.map_err(unavailable)? {
                let covers = match self.db.actor(id).await.map_err(unavailable)? {
                    Some(inspector) => decide(&inspector, Action::HandleComplaint, &object).is_ok(),
                    None => false,
                };
                if covers {
                    assignees.push((id.0, name, office));
                }
            }
        }
        let responses = self
            .db
            .responses(&[format!("complaint:{reference}")])
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|(_, r)| (r.at, r.author, r.body))
            .collect();
        let may_respond = decide(actor, Action::ReplyForVenue, &object).is_ok();
        Ok(app::api::ComplaintCase {
            responses,
            may_respond,
            days_left: days_left(public.expected()),
            next: public.status.next().to_vec(),
            complainant,
            feedback_request,
            may_handle,
            assigned: extras.assigned.map(|(id, name)| (id.0, name)),
            assignees,
            // Private notes are for those who handle complaints, never the venue.
            notes: if may_handle { extras.notes } else { Vec::new() },
            public,
        })
    }
}
