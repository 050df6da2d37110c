//! The console's data for pages (`app::api::ssr::Console`), over the database.

use crate::db::Db;
use app::api::{ConsoleHome, SessionInfo, TotpView};
use app::error::AppError;
use mingchu_domain::access::UserId;

#[derive(Clone)]
pub struct ConsoleData {
    pub db: Db,
}

fn unavailable(e: crate::db::DbError) -> AppError {
    tracing::error!(error = %e, "console query failed");
    AppError::Unavailable
}

#[async_trait::async_trait]
impl app::api::ssr::Console for ConsoleData {
    async fn password_link(&self, secret: &str) -> Result<Option<String>, AppError> {
        let hash = crate::accounts::sha256_hex(secret);
        let found = self.db.password_link_login(&hash, chrono::Utc::now()).await.map_err(unavailable)?;
        Ok(found.map(|(_, login)| login))
    }

    async fn review_desk(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::DeskQuery,
    ) -> Result<app::api::ReviewDesk, AppError> {
        self.desk(actor, query).await
    }

    async fn inbox(&self, actor: &mingchu_domain::access::Actor) -> Result<app::api::Inbox, AppError> {
        self.inbox_of(actor).await
    }

    async fn complaints(
        &self,
        actor: &mingchu_domain::access::Actor,
        view: &str,
    ) -> Result<app::api::ComplaintList, AppError> {
        self.complaint_list(actor, view).await
    }

    async fn complaint(
        &self,
        actor: &mingchu_domain::access::Actor,
        reference: &str,
    ) -> Result<app::api::ComplaintCase, AppError> {
        self.complaint_case(actor, reference).await
    }

    async fn home(&self, user: UserId, session: i64) -> Result<ConsoleHome, AppError> {
        let row = self.db.user_by_id(user).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let (jurisdiction, venues) =
            self.db.scope_names(row.office.as_ref().map(|(id, _)| *id), &row.venues).await.map_err(unavailable)?;
        let sessions = self.db.sessions_of(user).await.map_err(unavailable)?;
        let totp = match self.db.totp_state(user).await.map_err(unavailable)? {
            (_, true) => TotpView::On,
            (Some(secret), false) => {
                let bytes = crate::accounts::totp::decode(&secret).ok_or(AppError::Unavailable)?;
                let uri = crate::accounts::totp::uri("明厨 Mingchu", &row.login, &bytes);
                let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|_| AppError::Unavailable)?;
                let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
                // Inline in the page: without the XML declaration.
                let qr_svg = svg.find("<svg").map(|at| svg[at..].to_string()).unwrap_or(svg);
                TotpView::Pending { secret, qr_svg }
            }
            (None, false) => TotpView::Off,
        };
        Ok(ConsoleHome {
            display_name: row.display_name,
            login: row.login,
            role: row.role.code().to_string(),
            office: row.office.map(|(_, name)| name),
            jurisdiction,
            venues,
            sessions: sessions
                .into_iter()
                .map(|s| SessionInfo {
                    current: s.id == session,
                    id: s.id,
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                    address: s.address,
                    user_agent: s.user_agent,
                })
                .collect(),
            totp,
        })
    }
}

/// How far apart in time two captures of one event may be for the desk to offer merging them.
const MERGE_WINDOW: chrono::Duration = chrono::Duration::hours(6);
/// Captures per desk page (the one-at-a-time view shows the first).
const DESK_PAGE: u32 = 30;

impl ConsoleData {
    pub async fn desk(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::DeskQuery,
    ) -> Result<app::api::ReviewDesk, AppError> {
        use crate::db::review_desk::DeskFilter;
        use mingchu_domain::access::{decide, Action, Object};
        use mingchu_domain::review::ReviewState;
        decide(actor, Action::ReviewCapture, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let state = match query.state.as_deref() {
            None | Some("") => ReviewState::Pending,
            Some(code) => ReviewState::from_code(code)
                .ok_or_else(|| AppError::BadRequest(format!("unknown review state {code:?}")))?,
        };
        let after = match query.after.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(
                cursor
                    .rsplit_once('|')
                    .and_then(|(at, id)| Some((at.to_string(), id.parse::<i64>().ok()?)))
                    .ok_or_else(|| AppError::BadRequest("the page cursor is not one the desk made".into()))?,
            ),
        };
        let category = query.category.clone().filter(|c| !c.is_empty());
        let filter = DeskFilter {
            state,
            reviewer: query.mine.then_some(actor.user.0),
            camera: query.camera,
            category: category.clone(),
            after,
            limit: if query.one { 1 } else { DESK_PAGE + 1 },
        };
        let mut captures = self.db.desk_captures(actor, &filter).await.map_err(unavailable)?;
        let more = !query.one && captures.len() > DESK_PAGE as usize;
        captures.truncate(if query.one { 1 } else { DESK_PAGE as usize });
        let next = more.then(|| captures.last().map(|c| format!("{}|{}", c.at, c.id))).flatten();
        let tallies = self.db.desk_tallies(actor, query.camera, category.as_deref()).await.map_err(unavailable)?;
        let candidates = self.merge_candidates(&captures).await?;
        let counts = ReviewState::ALL
            .iter()
            .map(|s| (s.code().to_string(), tallies.per_state.get(s.code()).copied().unwrap_or(0)))
            .collect();
        let cards = captures
            .into_iter()
            .map(|c| {
                let detections = c
                    .boxes
                    .as_array()
                    .map(|boxes| {
                        boxes
                            .iter()
                            .filter_map(|b| Some((b.get("label")?.as_str()?.to_string(), b.get("score")?.as_f64()?)))
                            .collect()
                    })
                    .unwrap_or_default();
                let merge_candidates = candidates
                    .iter()
                    .filter(|o| o.venue_id == c.venue_id && o.id != c.id && c.review == ReviewState::Pending)
                    .filter(|o| near(&o.at, &c.at))
                    .take(8)
                    .map(|o| (o.id, o.category.clone(), o.at.clone()))
                    .collect();
                app::api::CaptureCard {
                    id: c.id,
                    venue_id: c.venue_id,
                    venue: c.venue,
                    camera_id: c.camera_id,
                    camera: c.camera,
                    at: c.at,
                    category: c.category,
                    confidence: c.confidence,
                    detections,
                    review: c.review.code().to_string(),
                    dismiss_reason: c.dismiss_reason.map(|r| r.code().to_string()),
                    reviewed_by_me: c.reviewed_by.as_ref().is_some_and(|(id, _)| *id == actor.user.0),
                    reviewed_by: c.reviewed_by.map(|(_, name)| name),
                    reviewed_at: c.reviewed_at,
                    merged_into: c.merged_into,
                    merged: c.merged,
                    merge_candidates,
                }
            })
            .collect();
        let rules =
            tallies.rules.into_iter().map(|(name, tally)| app::api::TallyRow { id: None, name, tally }).collect();
        let cameras = tallies
            .cameras
            .into_iter()
            .map(|(id, (name, tally))| app::api::TallyRow { id: Some(id), name, tally })
            .collect();
        Ok(app::api::ReviewDesk { state: state.code().to_string(), counts, captures: cards, next, rules, cameras })
    }

    /// Open captures of the page's venues near the time of its waiting captures.
    async fn merge_candidates(
        &self,
        captures: &[crate::db::review_desk::DeskCapture],
    ) -> Result<Vec<crate::db::review_desk::OpenCapture>, AppError> {
        use mingchu_domain::review::ReviewState;
        let waiting: Vec<_> = captures.iter().filter(|c| c.review == ReviewState::Pending).collect();
        let times: Vec<chrono::DateTime<chrono::Utc>> = waiting.iter().filter_map(|c| parse(&c.at)).collect();
        let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else { return Ok(Vec::new()) };
        let mut venues: Vec<i64> = waiting.iter().map(|c| c.venue_id).collect();
        venues.sort_unstable();
        venues.dedup();
        let stamp = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.db
            .open_captures_near(&venues, &stamp(*first - MERGE_WINDOW), &stamp(*last + MERGE_WINDOW), 2000)
            .await
            .map_err(unavailable)
    }
}

fn parse(at: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|t| t.to_utc())
}

/// Whether two stored times are within the merge window of each other.
fn near(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => (a - b).abs() <= MERGE_WINDOW,
        _ => false,
    }
}

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
        let items = notices
            .into_iter()
            .map(|n| {
                let (camera, capture, category, at) = match &n.notice {
                    Notice::Finding { capture, camera, category, at, .. } => {
                        (camera.clone(), Some(*capture), Some(category.clone()), at.clone())
                    }
                    Notice::CameraOffline { camera, since, .. } => (camera.clone(), None, None, since.clone()),
                };
                app::api::InboxItem {
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
        let complainant = match decide(actor, Action::ViewComplainant, &object) {
            Ok(()) => self.db.complaint_private(&reference).await.map_err(unavailable)?,
            Err(_) => None,
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
        Ok(app::api::ComplaintCase {
            days_left: days_left(public.expected()),
            next: public.status.next().to_vec(),
            complainant,
            may_handle,
            assigned: extras.assigned.map(|(id, name)| (id.0, name)),
            assignees,
            // Private notes are for those who handle complaints, never the venue.
            notes: if may_handle { extras.notes } else { Vec::new() },
            public,
        })
    }
}
