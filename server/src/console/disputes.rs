//! Disputes' data for the console: the list someone covers, one dispute with whether they may
//! decide it, and the form a venue's operator disputes a finding with.

use super::{unavailable, ConsoleData};
use crate::db::disputes::{DisputeRecord, Subject};
use app::error::AppError;
use mingchu_domain::access::{decide, Action, Actor, Object, Refusal};

fn forbidden(r: Refusal) -> AppError {
    AppError::Forbidden(r.to_string())
}

impl ConsoleData {
    async fn dispute_view(&self, actor: &Actor, d: DisputeRecord) -> Result<app::api::DisputeView, AppError> {
        let place = self
            .db
            .venue_place(mingchu_domain::vocab::VenueId(d.venue_id))
            .await
            .map_err(unavailable)?
            .ok_or(AppError::NotFound)?;
        let object = Object::Venue(&place);
        let may_decide = d.outcome.is_none()
            && decide(actor, Action::Enforce, &object).is_ok()
            && mingchu_domain::dispute::decide(false, actor.user, d.finder, "-").is_ok();
        let sees_captures = decide(actor, Action::ViewCaptures, &object).is_ok();
        Ok(app::api::DisputeView {
            photos: d.photos.iter().map(|p| format!("/console/disputes/{}/photos/{p}", d.id)).collect(),
            snapshot: d.capture.filter(|_| sees_captures).map(|c| format!("/console/captures/{c}/snapshot.jpg")),
            may_decide,
            id: d.id,
            venue_id: d.venue_id,
            venue: d.venue,
            violation: d.violation,
            capture: d.capture,
            category: d.category,
            observed_at: d.observed_at,
            note: d.note,
            raised_by: d.raised_by,
            raised_at: d.raised_at,
            outcome: d.outcome.map(|o| o.code().to_string()),
            reason: d.reason,
            decided_by: d.decided_by,
            decided_at: d.decided_at,
        })
    }

    pub async fn dispute_list(&self, actor: &Actor) -> Result<Vec<app::api::DisputeView>, AppError> {
        decide(actor, Action::ViewVenue, &Object::Programme).map_err(forbidden)?;
        let mut out = Vec::new();
        for d in self.db.disputes(actor, 200).await.map_err(unavailable)? {
            out.push(self.dispute_view(actor, d).await?);
        }
        Ok(out)
    }

    pub async fn dispute_case(&self, actor: &Actor, id: i64) -> Result<app::api::DisputeView, AppError> {
        let venue = self.db.dispute_venue(id).await.map_err(unavailable)?;
        let place = match venue {
            Some(v) => self.db.venue_place(v).await.map_err(unavailable)?,
            None => None,
        };
        let Some(place) = place else {
            decide(actor, Action::ViewVenue, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        decide(actor, Action::ViewVenue, &Object::Venue(&place)).map_err(forbidden)?;
        let d = self.db.dispute(id).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        self.dispute_view(actor, d).await
    }

    pub async fn dispute_form_page(
        &self,
        actor: &Actor,
        kind: &str,
        id: i64,
    ) -> Result<app::api::DisputeForm, AppError> {
        let subject =
            Subject::parse(kind, id).ok_or_else(|| AppError::BadRequest("dispute a violation or a capture".into()))?;
        let venue = self.db.dispute_subject_venue(subject).await.map_err(unavailable)?;
        let place = match venue {
            Some(v) => self.db.venue_place(v).await.map_err(unavailable)?,
            None => None,
        };
        let Some(place) = place else {
            decide(actor, Action::ReplyForVenue, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        decide(actor, Action::ReplyForVenue, &Object::Venue(&place)).map_err(forbidden)?;
        let (name, category, observed_at, confirmed_at) =
            self.db.dispute_subject_facts(subject).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let confirmed = chrono::DateTime::parse_from_rfc3339(&confirmed_at)
            .map(|t| mingchu_domain::china_time::day(t.to_utc()))
            .unwrap_or_default();
        Ok(app::api::DisputeForm {
            subject: (kind.to_string(), id),
            venue: name,
            category,
            observed_at,
            until: (confirmed + chrono::Duration::days(mingchu_domain::dispute::DISPUTE_DAYS)).to_string(),
        })
    }
}
