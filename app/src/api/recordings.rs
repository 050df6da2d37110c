//! A camera's recorded day (`/console/cameras/{id}/timeline`): the recorded stretches, the
//! events marked on them, and the video around a chosen moment.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the timeline page asks for (its address).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelineQuery {
    pub camera: i64,
    /// A China day, `2026-12-03`; the moment's day, else today.
    pub day: Option<String>,
    /// The moment to play around (RFC 3339).
    pub at: Option<String>,
    /// The case the moment belongs to (`capture:12`, `order:5`, `complaint:MC-…`): a clip
    /// exported from the page is attached to it.
    pub case: Option<String>,
}

/// A camera's day on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraTimeline {
    pub camera: i64,
    pub camera_name: String,
    pub venue_id: i64,
    pub venue: String,
    /// The China day shown, and the days before and after it.
    pub day: String,
    pub previous_day: String,
    pub next_day: Option<String>,
    /// The recorder's state: off, standby, recording, disk_full.
    pub recorder: String,
    /// Recorded stretches as seconds of the day (China time).
    pub stretches: Vec<(u32, u32)>,
    pub recorded_seconds: u32,
    pub events: Vec<TimelineEvent>,
    /// The video around the chosen moment, when one was chosen and recorded.
    pub window: Option<TimelineWindow>,
    /// A moment was chosen but nothing was recorded around it.
    pub nothing_at_moment: bool,
    /// Whether the viewer may export evidence clips.
    pub may_export: bool,
}

/// A capture, patrol snapshot or complaint marked on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `capture`, `patrol` or `complaint`.
    pub kind: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// Seconds of the day (China time).
    pub second: u32,
    /// A capture's rule, a complaint's category; empty for a patrol snapshot.
    pub label: String,
    /// The case a clip of it is evidence in (`capture:12`), when it is one.
    pub case: Option<String>,
    /// Its own page in the console.
    pub href: String,
}

/// The video the page plays: a signed link to a keyframe-aligned cut of the recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineWindow {
    pub src: String,
    /// RFC 3339 of the video's first picture, and the same in milliseconds since 1970.
    pub starts: String,
    pub starts_ms: f64,
    /// The chosen moment (RFC 3339) and its place in the video, in seconds.
    pub at: String,
    pub at_second: f64,
    /// Where playback starts: the seconds that led up to the moment.
    pub play_from: f64,
    /// The evidence clip around the moment (10 s before, 20 s after), attached to the case.
    pub clip_href: String,
}

/// A camera's recorded day for the signed-in person; refused (403) unless they may view the
/// camera's recordings.
#[server(endpoint = "camera_timeline", input = leptos::server_fn::codec::Json)]
pub async fn get_camera_timeline(query: TimelineQuery) -> Result<CameraTimeline, AppError> {
    let user = super::visitor().user.ok_or(AppError::NotFound)?;
    super::ssr::respond(super::ssr::console()?.camera_timeline(&user.actor, &query).await)
}
