//! The timeline page's data: a camera's recorded day, the events marked on it, and a signed
//! link to the video around a chosen moment (rules in `mingchu_domain::timeline`).

use super::{unavailable, ConsoleData};
use crate::db::recordings::ms;
use crate::playback::LINK_LIFETIME;
use app::api::{CameraTimeline, TimelineEvent, TimelineQuery, TimelineWindow};
use app::error::AppError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mingchu_domain::access::{decide, Action, Actor, Object};
use mingchu_domain::china_time;
use mingchu_domain::recording::EvidenceCase;
use mingchu_domain::timeline::{self, LEAD_IN, WINDOW_AFTER};
use mingchu_domain::vocab::CameraId;

impl ConsoleData {
    pub async fn timeline(&self, actor: &Actor, query: &TimelineQuery) -> Result<CameraTimeline, AppError> {
        let camera = CameraId(query.camera);
        let record = self.db.camera(camera).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let place = self.db.venue_place(record.venue_id).await.map_err(unavailable)?;
        let object = match &place {
            Some(place) => Object::Venue(place),
            None => Object::Missing,
        };
        decide(actor, Action::ViewRecordings, &object).map_err(|r| AppError::Forbidden(r.to_string()))?;
        let may_export = decide(actor, Action::ExportEvidence, &object).is_ok();
        let playback = self.playback.as_ref().ok_or(AppError::NotFound)?;

        let now = Utc::now();
        let at = match query.at.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(a.parse::<DateTime<Utc>>().map_err(|_| {
                AppError::BadRequest(format!("the moment must be a time like 2026-12-02T08:00:00Z, not {a:?}"))
            })?),
        };
        let case = match query.case.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(EvidenceCase::parse(c).map_err(AppError::BadRequest)?),
        };
        let day = match query.day.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest(format!("the day must be like 2026-12-03, not {d:?}")))?,
            None => china_time::day(at.unwrap_or(now)),
        };
        let day_start = china_time::midnight(day);
        let day_end = day_start + Duration::days(1);

        let segments = self.db.segments_between(camera, day_start, day_end).await.map_err(unavailable)?;
        let files: Vec<_> = segments.iter().map(|s| (s.start, s.end)).collect();
        let stretches = timeline::stretches(&files, day_start);
        let second = |t: DateTime<Utc>| (t - day_start).num_seconds().clamp(0, 86_399) as u32;
        let marks = self.db.marks_between(camera, record.venue_id, day_start, day_end).await.map_err(unavailable)?;
        let events = marks
            .into_iter()
            .map(|m| {
                let (case, href) = match m.kind.as_str() {
                    "capture" => (Some(EvidenceCase::Capture(m.id)), format!("/console/captures?camera={}", camera.0)),
                    "complaint" => (
                        Some(EvidenceCase::Complaint(m.reference.clone())),
                        format!("/console/complaints/{}", m.reference),
                    ),
                    _ => (None, format!("/console/patrols/visits/{}", m.id)),
                };
                TimelineEvent {
                    kind: m.kind,
                    at: ms(m.at),
                    second: second(m.at),
                    label: m.label,
                    case: case.map(|c| c.to_string()),
                    href,
                }
            })
            .collect();

        let window = match at {
            None => None,
            Some(at) => {
                // Recorded files around the moment (they may lie on either side of midnight).
                let around = self
                    .db
                    .segments_between(camera, at - timeline::WINDOW_BEFORE - Duration::minutes(2), at + WINDOW_AFTER)
                    .await
                    .map_err(unavailable)?;
                let keyframes: Vec<DateTime<Utc>> = around
                    .iter()
                    .flat_map(|s| {
                        s.fragments
                            .iter()
                            .filter(|f| f.keyframe)
                            .map(move |f| s.start + Duration::milliseconds(f.start_ms as i64))
                    })
                    .collect();
                timeline::window_start(&keyframes, at).map(|starts| {
                    let to = at + WINDOW_AFTER;
                    let (f, t) = (ms(starts), ms(to));
                    let path = format!("/recordings/cameras/{}/window.mp4?from={f}&to={t}", camera.0);
                    let src = playback.link(
                        &path,
                        &format!("window:{}:{f}:{t}", camera.0),
                        (now + LINK_LIFETIME).timestamp(),
                    );
                    let at_second = (at - starts).num_milliseconds() as f64 / 1000.0;
                    let mut clip_href = format!("/api/v1/cameras/{}/clip?at={}", camera.0, ms(at));
                    if let Some(case) = &case {
                        clip_href.push_str("&case=");
                        clip_href.push_str(&mingchu_domain::text::percent_encode(&case.to_string(), b""));
                    }
                    TimelineWindow {
                        src,
                        starts: ms(starts),
                        starts_ms: starts.timestamp_millis() as f64,
                        at: ms(at),
                        at_second,
                        play_from: (at_second - LEAD_IN.num_seconds() as f64).max(0.0),
                        clip_href,
                    }
                })
            }
        };
        let today = china_time::day(now);
        Ok(CameraTimeline {
            camera: camera.0,
            camera_name: record.name,
            venue_id: record.venue_id.0,
            venue: self.db.venue_name(record.venue_id).await.map_err(unavailable)?.unwrap_or_default(),
            day: day.format("%Y-%m-%d").to_string(),
            previous_day: day.pred_opt().unwrap_or(day).format("%Y-%m-%d").to_string(),
            next_day: (day < today).then(|| day.succ_opt().unwrap_or(day).format("%Y-%m-%d").to_string()),
            recorder: playback.recordings.state(camera).code().to_string(),
            recorded_seconds: stretches.iter().map(|(s, e)| e - s).sum(),
            stretches,
            events,
            nothing_at_moment: at.is_some() && window.is_none(),
            window,
            may_export,
        })
    }
}
