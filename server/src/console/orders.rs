//! Rectification orders' data for the console: the list someone covers, one order with the
//! steps they may take, and the form that issues one.

use super::{inline_qr, unavailable, ConsoleData};
use app::error::AppError;
use mingchu_domain::access::{decide, Action, Actor, Object, Refusal};
use mingchu_domain::rectification::{self, Order};
use mingchu_domain::vocab::VenueId;

fn forbidden(r: Refusal) -> AppError {
    AppError::Forbidden(r.to_string())
}

/// How the console shows an order's standing on `today`.
pub(crate) fn standing(order: &Order, today: chrono::NaiveDate) -> app::api::OrderStanding {
    app::api::OrderStanding {
        state: order.state.code().to_string(),
        overdue: rectification::is_overdue(order, today),
        issued_on: order.issued_on.to_string(),
        due_on: order.due.to_string(),
        closed_on: order.closed_on.map(|d| d.to_string()),
        on_time: rectification::closed_on_time(order),
        extensions: order.extensions,
        asked_until: order.asked_until.map(|d| d.to_string()),
    }
}

fn today() -> chrono::NaiveDate {
    mingchu_domain::china_time::day(chrono::Utc::now())
}

impl ConsoleData {
    /// The venue's place for the policy; `Missing` when there is no such venue.
    async fn venue_object(
        &self,
        venue: Option<VenueId>,
    ) -> Result<Option<mingchu_domain::access::VenuePlace>, AppError> {
        match venue {
            Some(v) => self.db.venue_place(v).await.map_err(unavailable),
            None => Ok(None),
        }
    }

    pub async fn order_list_page(&self, actor: &Actor, view: &str) -> Result<app::api::OrderList, AppError> {
        use crate::db::orders::OrderView;
        decide(actor, Action::ViewVenue, &Object::Programme).map_err(forbidden)?;
        let (view, code) = match view {
            "" | "open" => (OrderView::Open, "open"),
            "overdue" => (OrderView::Overdue, "overdue"),
            "closed" => (OrderView::Closed, "closed"),
            other => return Err(AppError::BadRequest(format!("unknown view {other:?}; use open, overdue or closed"))),
        };
        let today = today();
        let rows = self.db.order_list(actor, view, None, today, 200).await.map_err(unavailable)?;
        Ok(app::api::OrderList {
            view: code.to_string(),
            may_issue: decide(actor, Action::Enforce, &Object::Programme).is_ok(),
            items: rows
                .into_iter()
                .map(|r| app::api::OrderListRow {
                    standing: standing(&r.order, today),
                    id: r.id,
                    number: r.number,
                    venue_id: r.venue_id,
                    venue: r.venue,
                    violations: r.violations,
                })
                .collect(),
        })
    }

    pub async fn order_case(&self, actor: &Actor, id: i64) -> Result<app::api::OrderCase, AppError> {
        let venue = self.db.venue_of(crate::db::tokens::VenueOf::Order(id)).await.map_err(unavailable)?;
        let Some(place) = self.venue_object(venue).await? else {
            decide(actor, Action::ViewVenue, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        let object = Object::Venue(&place);
        decide(actor, Action::ViewVenue, &object).map_err(forbidden)?;
        let record = self.db.order(id).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let today = today();
        let public_path = format!("/venues/{}#order-{}", record.venue_id, record.id);
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>();
        let origin =
            parts.and_then(|p| crate::http::display::origin(self.public_url.as_ref(), &p.headers)).unwrap_or_default();
        let sees_captures = decide(actor, Action::ViewCaptures, &object).is_ok();
        Ok(app::api::OrderCase {
            qr_svg: inline_qr(&format!("{origin}{public_path}"), 120)?,
            public_path,
            may_reply: decide(actor, Action::ReplyForVenue, &object).is_ok(),
            may_verify: decide(actor, Action::Enforce, &object).is_ok(),
            cameras: match decide(actor, Action::Enforce, &object) {
                Ok(()) => self.db.venue_cameras(VenueId(record.venue_id)).await.map_err(unavailable)?,
                Err(_) => Vec::new(),
            },
            standing: standing(&record.order, today),
            id: record.id,
            number: record.number,
            office: record.office,
            venue_id: record.venue_id,
            venue: record.venue,
            address: record.address,
            holder: record.holder,
            licence: record.licence,
            requirement: record.requirement,
            legal_basis: record.legal_basis,
            issued_by: record.issued_by,
            violations: record
                .violations
                .into_iter()
                .map(|v| app::api::OrderViolation {
                    evidence: match (v.capture, v.evidence_id) {
                        (Some(capture), _) if sees_captures => {
                            Some(format!("/console/captures/{capture}/snapshot.jpg"))
                        }
                        (_, Some(evidence)) => Some(format!("/console/patrols/evidence/{evidence}.jpg")),
                        _ => None,
                    },
                    id: v.id,
                    source: v.source,
                    category: v.category,
                    description: v.description,
                    observed_at: v.observed_at,
                    camera: v.camera,
                    complaint: v.complaint,
                    disputed: v.disputed,
                })
                .collect(),
            steps: record
                .steps
                .into_iter()
                .map(|s| app::api::OrderStep {
                    photos: s.photos.iter().map(|p| format!("/console/orders/{id}/photos/{p}")).collect(),
                    step: s.step,
                    note: s.note,
                    until: s.until,
                    by: s.by,
                    at: s.at,
                })
                .collect(),
        })
    }

    pub async fn order_form_page(&self, actor: &Actor, venue: i64) -> Result<app::api::OrderForm, AppError> {
        let venue = VenueId(venue);
        let exists = self.db.venue_exists(venue).await.map_err(unavailable)?;
        let Some(place) = self.venue_object(exists.then_some(venue)).await? else {
            decide(actor, Action::Enforce, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        decide(actor, Action::Enforce, &Object::Venue(&place)).map_err(forbidden)?;
        let name = self.db.venue_name(venue).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let today = today();
        let days = |n: u64| today.checked_add_days(chrono::Days::new(n)).unwrap_or(today).to_string();
        Ok(app::api::OrderForm {
            venue_id: venue.0,
            venue: name,
            findings: self.db.unordered_findings(venue).await.map_err(unavailable)?,
            violations: self.db.unordered_violations(venue).await.map_err(unavailable)?,
            clauses: self
                .db
                .legal_clauses()
                .await
                .map_err(unavailable)?
                .into_iter()
                .map(|c| app::api::ClauseOption { citation: c.citation(), code: c.code, summary: c.summary })
                .collect(),
            suggested_due: days(rectification::USUAL_DAYS_TO_RECTIFY),
            earliest_due: days(1),
        })
    }
}
