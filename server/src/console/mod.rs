//! The console's data for pages (`app::api::ssr::Console`), over the database: the home page
//! here, the desks in their own files.

mod complaints;
mod contracts;
mod disputes;
mod inbox;
pub mod kpis;
mod orders;
mod patrols;
mod recordings;
pub mod report;
mod review;
mod venues;

use crate::db::Db;
use app::api::{ConsoleHome, SessionInfo, TotpView};
use app::error::AppError;
use mingchu_domain::access::UserId;

#[derive(Clone)]
pub struct ConsoleData {
    pub db: Db,
    /// The portal's public address, for QR codes; `None`: the request's.
    pub public_url: Option<url::Url>,
    /// Recorded video and its signed links; `None` where the server records nothing.
    pub playback: Option<crate::playback::Playback>,
}

/// A QR code of `text` as SVG to inline in a page (without the XML declaration).
fn inline_qr(text: &str, min_side: u32) -> Result<String, AppError> {
    let qr = qrcode::QrCode::new(text.as_bytes()).map_err(|_| AppError::Unavailable)?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(min_side, min_side).quiet_zone(true).build();
    Ok(svg.find("<svg").map(|at| svg[at..].to_string()).unwrap_or(svg))
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

    async fn camera_timeline(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::TimelineQuery,
    ) -> Result<app::api::CameraTimeline, AppError> {
        self.timeline(actor, query).await
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

    async fn kpis(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::KpiQuery,
    ) -> Result<app::api::KpiPage, AppError> {
        self.kpi_page(actor, query).await
    }

    async fn contracts(&self, actor: &mingchu_domain::access::Actor) -> Result<app::api::Contracts, AppError> {
        self.contracts_as_of(actor, chrono::Utc::now()).await
    }

    async fn report(
        &self,
        actor: &mingchu_domain::access::Actor,
        query: &app::api::ReportQuery,
    ) -> Result<app::api::ReportPage, AppError> {
        self.report_page(actor, query).await
    }

    async fn venues(&self, actor: &mingchu_domain::access::Actor) -> Result<Vec<app::api::VenueListRow>, AppError> {
        self.venue_list(actor).await
    }

    async fn venue(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<app::api::VenueDesk, AppError> {
        self.venue_desk(actor, id).await
    }

    async fn orders(&self, actor: &mingchu_domain::access::Actor, view: &str) -> Result<app::api::OrderList, AppError> {
        self.order_list_page(actor, view).await
    }

    async fn order(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<app::api::OrderCase, AppError> {
        self.order_case(actor, id).await
    }

    async fn order_form(
        &self,
        actor: &mingchu_domain::access::Actor,
        venue: i64,
    ) -> Result<app::api::OrderForm, AppError> {
        self.order_form_page(actor, venue).await
    }

    async fn patrols(&self, actor: &mingchu_domain::access::Actor) -> Result<app::api::PatrolList, AppError> {
        self.patrol_list(actor).await
    }

    async fn patrol(
        &self,
        actor: &mingchu_domain::access::Actor,
        id: i64,
    ) -> Result<app::api::PatrolTaskView, AppError> {
        self.patrol_task_page(actor, id).await
    }

    async fn patrol_visit(
        &self,
        actor: &mingchu_domain::access::Actor,
        id: i64,
        lang: app::i18n::Lang,
    ) -> Result<app::api::PatrolVisitView, AppError> {
        self.patrol_visit_page(actor, id, lang).await
    }

    async fn disputes(&self, actor: &mingchu_domain::access::Actor) -> Result<Vec<app::api::DisputeView>, AppError> {
        self.dispute_list(actor).await
    }

    async fn dispute(&self, actor: &mingchu_domain::access::Actor, id: i64) -> Result<app::api::DisputeView, AppError> {
        self.dispute_case(actor, id).await
    }

    async fn dispute_form(
        &self,
        actor: &mingchu_domain::access::Actor,
        kind: &str,
        id: i64,
    ) -> Result<app::api::DisputeForm, AppError> {
        self.dispute_form_page(actor, kind, id).await
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
                TotpView::Pending { secret, qr_svg: inline_qr(&uri, 200)? }
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
