//! The inbox's data: the notices about the venues someone covers and their webhooks.

use super::{unavailable, ConsoleData};
use app::error::AppError;

impl ConsoleData {
    pub async fn inbox_of(&self, actor: &mingchu_domain::access::Actor) -> Result<app::api::Inbox, AppError> {
        use mingchu_domain::access::{decide, Action, Object, Role};
        use mingchu_domain::push::Notice;
        decide(actor, Action::UseConsole, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let notices = self.db.inbox(actor, 100).await.map_err(unavailable)?;
        // Whose webhooks they may see and add: an operator's venues, an inspector's office.
        let mut owners = Vec::new();
        let (venues, offices): (Option<Vec<i64>>, Option<Vec<i64>>) = match actor.role {
            Role::Administrator => (None, None),
            Role::Operator => {
                let (_, names) = self.db.scope_names(None, &actor.venues).await.map_err(unavailable)?;
                for (id, name) in &names {
                    owners.push((format!("venue:{id}"), name.clone()));
                }
                (Some(names.iter().map(|(id, _)| *id).collect()), Some(Vec::new()))
            }
            Role::Inspector => {
                let row = self.db.user_by_id(actor.user).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
                let office = row.office.map(|(id, name)| (id.0, name));
                if let Some((id, name)) = &office {
                    owners.push((format!("office:{id}"), name.clone()));
                }
                (Some(Vec::new()), Some(office.iter().map(|(id, _)| *id).collect()))
            }
        };
        let webhooks = self.db.webhooks(venues.as_deref(), offices.as_deref()).await.map_err(unavailable)?;
        let subjects: Vec<String> = notices.iter().map(|n| n.notice.subject()).collect();
        let responses = self.db.responses(&subjects).await.map_err(unavailable)?;
        // Who responds for which venue: asked of the policy, once per venue listed.
        let mut venue_ids: Vec<i64> = notices.iter().map(|n| n.venue_id).collect();
        venue_ids.sort_unstable();
        venue_ids.dedup();
        let mut replies_for = Vec::new();
        for venue in venue_ids {
            if let Some(place) =
                self.db.venue_place(mingchu_domain::vocab::VenueId(venue)).await.map_err(unavailable)?
            {
                if decide(actor, Action::ReplyForVenue, &Object::Venue(&place)).is_ok() {
                    replies_for.push(venue);
                }
            }
        }
        let items = notices
            .into_iter()
            .map(|n| {
                let (camera, capture, category, at) = match &n.notice {
                    Notice::Finding { capture, camera, category, at, .. } => {
                        (camera.clone(), Some(*capture), Some(category.clone()), at.clone())
                    }
                    Notice::CameraOffline { camera, since, .. } => (camera.clone(), None, None, since.clone()),
                    Notice::OrderIssued { .. } | Notice::OrderOverdue { .. } => {
                        (String::new(), None, None, n.created_at.clone())
                    }
                };
                let order = match &n.notice {
                    Notice::OrderIssued { order, number, due, .. }
                    | Notice::OrderOverdue { order, number, due, .. } => Some((*order, number.clone(), due.clone())),
                    _ => None,
                };
                let subject = n.notice.subject();
                let responses = responses
                    .iter()
                    .filter(|(s, _)| *s == subject)
                    .map(|(_, r)| (r.at.clone(), r.author.clone(), r.body.clone()))
                    .collect();
                app::api::InboxItem {
                    responses,
                    // An order is answered on its own page.
                    may_respond: replies_for.contains(&n.venue_id) && !n.withdrawn && order.is_none(),
                    order,
                    id: n.id,
                    kind: n.notice.kind().to_string(),
                    venue_id: n.venue_id,
                    venue: n.venue,
                    camera,
                    capture,
                    category,
                    at,
                    created_at: n.created_at,
                    withdrawn: n.withdrawn,
                    read: n.read,
                    deliveries: n
                        .deliveries
                        .into_iter()
                        .map(|d| app::api::DeliveryView {
                            webhook: d.webhook,
                            channel: d.channel,
                            state: d.state,
                            attempts: d.attempts,
                            last_outcome: d.last_outcome,
                        })
                        .collect(),
                }
            })
            .collect();
        let webhooks = webhooks
            .into_iter()
            .map(|w| app::api::WebhookView {
                id: w.id,
                owner: match (w.venue, w.office) {
                    (Some((_, name)), _) | (None, Some((_, name))) => name,
                    _ => String::new(),
                },
                channel: w.channel,
                url: crate::webhook_cli::shown_url(&w.url),
                label: w.label,
                delivered: w.delivered,
                queued: w.queued,
                failed: w.failed,
            })
            .collect();
        Ok(app::api::Inbox { notices: items, webhooks, owners })
    }
}
