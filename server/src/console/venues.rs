//! The venue desk's data: the venues someone covers, and one venue as they may see it.

use super::{unavailable, ConsoleData};
use app::error::AppError;
use mingchu_domain::access::{decide, Action, Actor, Object};
use mingchu_domain::programme::{rate, window_start};
use mingchu_domain::vocab::VenueId;

impl ConsoleData {
    pub async fn venue_list(&self, actor: &Actor) -> Result<Vec<app::api::VenueListRow>, AppError> {
        decide(actor, Action::ViewVenue, &Object::Programme).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let from = window_start(mingchu_domain::china_time::day(chrono::Utc::now()));
        let rows = self.db.desk_venues(actor, from, 500).await.map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|v| app::api::VenueListRow {
                id: v.id,
                name: v.name,
                status: v.status,
                cameras: v.cameras,
                rate: rate(v.online, v.checks),
            })
            .collect())
    }

    pub async fn venue_desk(&self, actor: &Actor, id: i64) -> Result<app::api::VenueDesk, AppError> {
        let forbidden = |r: mingchu_domain::access::Refusal| AppError::Forbidden(r.to_string());
        let Some(place) = self.db.venue_place(VenueId(id)).await.map_err(unavailable)? else {
            decide(actor, Action::ViewVenue, &Object::Missing).map_err(forbidden)?;
            return Err(AppError::NotFound);
        };
        let object = Object::Venue(&place);
        decide(actor, Action::ViewVenue, &object).map_err(forbidden)?;
        let facts = self.db.venue_facts(VenueId(id)).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let today = mingchu_domain::china_time::day(chrono::Utc::now());
        let cameras = self.db.venue_camera_states(VenueId(id), window_start(today)).await.map_err(unavailable)?;
        let mut recording = Vec::with_capacity(cameras.len());
        for c in &cameras {
            let policy = self.db.recording_policy(mingchu_domain::vocab::CameraId(c.id)).await.map_err(unavailable)?;
            recording.push(
                policy.map_or(("off".to_string(), mingchu_domain::recording::DEFAULT_RETENTION_DAYS), |(p, days)| {
                    (p.code().to_string(), days)
                }),
            );
        }
        let may_moderate = decide(actor, Action::ModerateReply, &object).is_ok();
        let replies = if may_moderate {
            self.db
                .list_replies(Some(crate::db::ReplyStatus::Pending))
                .await
                .map_err(unavailable)?
                .into_iter()
                .filter(|r| r.venue_id == id)
                .map(|r| app::api::ReplyView {
                    id: r.id,
                    inspected_on: r.inspected_on,
                    finding: r.finding,
                    body: r.body,
                    submitted_at: r.submitted_at,
                })
                .collect()
        } else {
            Vec::new()
        };
        let may_manage_screens = decide(actor, Action::ManageScreens, &object).is_ok();
        let screens = self
            .db
            .list_screens(Some(VenueId(id)))
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|s| s.revoked_at.is_none())
            .map(|s| app::api::ScreenView {
                id: s.id,
                name: s.name,
                online: s.online,
                last_heartbeat_at: s.last_heartbeat_at,
                low_bandwidth: s.low_bandwidth,
            })
            .collect();
        let may_reply = decide(actor, Action::ReplyForVenue, &object).is_ok();
        let inspections = if may_reply {
            self.db
                .inspections(VenueId(id), Some(3))
                .await
                .map_err(unavailable)?
                .into_iter()
                .map(|i| app::api::InspectionView {
                    id: i.id,
                    date: i.date,
                    findings: i.findings.into_iter().map(|f| f.item).collect(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(app::api::VenueDesk {
            inspections,
            may_reply,
            screens,
            may_manage_screens,
            id,
            name: facts.name,
            address: facts.address,
            status: facts.status,
            today: today.to_string(),
            history: facts
                .history
                .into_iter()
                .map(|(status, since, reason, by)| app::api::StatusEntry { status, since, reason, by })
                .collect(),
            cameras: cameras
                .into_iter()
                .zip(recording)
                .map(|(c, recording)| app::api::CameraView {
                    id: c.id,
                    name: c.name,
                    area: c.area,
                    public: c.public,
                    always_on: c.always_on,
                    health: c.health,
                    connection: c.connection,
                    rate: rate(c.online, c.checks),
                    recording,
                })
                .collect(),
            replies,
            may_change_status: decide(actor, Action::ChangeVenueStatus, &object).is_ok(),
            may_enforce: decide(actor, Action::Enforce, &object).is_ok(),
            risk: match decide(actor, Action::Enforce, &object) {
                Ok(()) => self.db.venue_risk(VenueId(id)).await.map_err(unavailable)?.map(|g| app::api::RiskView {
                    level: g.level.code().to_string(),
                    score: g.score,
                    reasons: g.reasons.into_iter().map(|r| (r.code, r.count, r.points)).collect(),
                }),
                Err(_) => None,
            },
            may_manage_cameras: decide(actor, Action::ManageCameras, &object).is_ok(),
            may_view_recordings: decide(actor, Action::ViewRecordings, &object).is_ok(),
            may_manage_recording: decide(actor, Action::ManageRecording, &object).is_ok(),
            may_moderate,
        })
    }
}
