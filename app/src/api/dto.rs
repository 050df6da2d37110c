//! What server functions return. Dates are ISO 8601 strings (`YYYY-MM-DD`) so the browser
//! bundle needs no date library.

use crate::domain::*;
use serde::{Deserialize, Serialize};

/// How many venues a search page shows.
pub const PAGE_SIZE: u32 = 20;
/// Searches count matches up to this many ("1000+"): an exact count of a broad search reads
/// every match, which at city scale costs more than the page itself.
pub const TOTAL_CAP: u32 = 1000;
/// The deepest page asked for by number. Past the counted matches pages go on, but reading
/// ever deeper costs ever more; nobody pages through 10,000 venues, a script does.
pub const MAX_PAGE: u32 = 500;
/// At most this many venues are skipped to reach a page, whatever its size.
pub const MAX_SKIPPED: u32 = 10_000;

/// A point in WGS84, in millionths of a degree (about 0.1 m), so queries stay hashable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat_e6: i32,
    pub lng_e6: i32,
}

impl GeoPoint {
    pub fn from_degrees(lat: f64, lng: f64) -> Option<GeoPoint> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
            .then(|| GeoPoint { lat_e6: (lat * 1e6).round() as i32, lng_e6: (lng * 1e6).round() as i32 })
    }
    pub fn lat(self) -> f64 {
        self.lat_e6 as f64 / 1e6
    }
    pub fn lng(self) -> f64 {
        self.lng_e6 as f64 / 1e6
    }
    /// Great-circle distance in metres.
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let (p1, p2) = (self.lat().to_radians(), other.lat().to_radians());
        let dp = p2 - p1;
        let dl = (other.lng() - self.lng()).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().asin()
    }
}

/// A venue search: the home page's query string and the open-data API's parameters.
/// Fields left out of a request take their defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct VenueQuery {
    /// Matched against name and address.
    pub q: String,
    pub kind: Option<VenueKind>,
    /// A jurisdiction code (district or street); a district includes its streets.
    pub jurisdiction: Option<String>,
    /// The current dynamic grade.
    pub grade: Option<DynamicGrade>,
    /// Only venues with at least one public camera.
    pub camera: bool,
    /// Sort by distance from here (and report distances).
    pub near: Option<GeoPoint>,
    /// 1-based.
    pub page: u32,
}

/// A query-string value that could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    pub param: &'static str,
    pub message: String,
}

impl VenueQuery {
    /// Reads query-string pairs. Unknown parameters are ignored; values that cannot be
    /// understood are left at their default and reported, so a page can ignore them and an
    /// API can refuse them.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (VenueQuery, Vec<QueryProblem>) {
        let mut query = VenueQuery { page: 1, ..Default::default() };
        let mut problems = Vec::new();
        let mut problem = |param: &'static str, message: String| problems.push(QueryProblem { param, message });
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        problem("q", format!("search text is limited to {MAX_QUERY_CHARS} characters"));
                    } else {
                        query.q = value.to_string();
                    }
                }
                "type" => match VenueKind::from_code(value) {
                    Some(k) => query.kind = Some(k),
                    None => problem(
                        "type",
                        format!("unknown venue type {value:?}; use one of {}", codes(VenueKind::ALL, |k| k.code())),
                    ),
                },
                "grade" => match DynamicGrade::from_code(value) {
                    Some(g) => query.grade = Some(g),
                    None => problem(
                        "grade",
                        format!("unknown grade {value:?}; use one of {}", codes(DynamicGrade::ALL, |g| g.code())),
                    ),
                },
                "jurisdiction" => {
                    if matches!(value.len(), 6 | 9) && value.bytes().all(|b| b.is_ascii_digit()) {
                        query.jurisdiction = Some(value.to_string());
                    } else {
                        problem("jurisdiction", "a jurisdiction is a 6- or 9-digit division code".into());
                    }
                }
                "camera" => match value {
                    "1" | "true" | "on" => query.camera = true,
                    "0" | "false" | "off" => query.camera = false,
                    _ => problem("camera", "camera is 1 or 0".into()),
                },
                "near" => match value
                    .split_once(',')
                    .and_then(|(a, b)| GeoPoint::from_degrees(a.trim().parse().ok()?, b.trim().parse().ok()?))
                {
                    Some(p) => query.near = Some(p),
                    None => problem("near", "near is \"latitude,longitude\" in degrees, e.g. 22.69,114.35".into()),
                },
                "page" => match value.parse::<u32>() {
                    Ok(p) if (1..=MAX_PAGE).contains(&p) => query.page = p,
                    _ => problem("page", format!("page is a whole number from 1 to {MAX_PAGE}")),
                },
                _ => {}
            }
        }
        (query, problems)
    }

    /// The home-page URL for this search; empty parts are left out so URLs stay short.
    pub fn to_url(&self) -> String {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", encode_query_value(self.q.trim())));
        }
        if let Some(kind) = self.kind {
            params.push(format!("type={}", kind.code()));
        }
        if let Some(j) = &self.jurisdiction {
            params.push(format!("jurisdiction={j}"));
        }
        if let Some(g) = self.grade {
            params.push(format!("grade={}", g.code()));
        }
        if self.camera {
            params.push("camera=1".to_string());
        }
        if let Some(p) = self.near {
            params.push(format!("near={:.6},{:.6}", p.lat(), p.lng()));
        }
        if self.page > 1 {
            params.push(format!("page={}", self.page));
        }
        if params.is_empty() {
            "/".to_string()
        } else {
            format!("/?{}", params.join("&"))
        }
    }
}

/// The longest search text accepted.
pub const MAX_QUERY_CHARS: usize = 100;

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
    all.iter().map(|t| code(*t)).collect::<Vec<_>>().join(", ")
}

/// Percent-encodes a query-string value (UTF-8, RFC 3986 unreserved characters kept).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueSummary {
    pub id: VenueId,
    pub name: String,
    pub kind: VenueKind,
    pub status: VenueStatus,
    pub address: String,
    pub jurisdiction: String,
    pub dynamic_grade: Option<DynamicGrade>,
    pub annual_grade: Option<AnnualGrade>,
    /// Public cameras.
    pub camera_count: u32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// From the search's `near` point, when it had one.
    pub distance_m: Option<u32>,
}

/// A jurisdiction offered as a search filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JurisdictionOption {
    pub code: String,
    pub name: String,
    /// Streets are indented under their district.
    pub is_street: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub venues: Vec<VenueSummary>,
    /// All matches, not only this page's; counted up to [`TOTAL_CAP`] (see `total_capped`).
    pub total: u32,
    /// True when there are more than [`TOTAL_CAP`] matches: `total` is then a lower bound and
    /// pages go on past `page_count`.
    pub total_capped: bool,
    pub page: u32,
    pub page_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Licence {
    pub number: String,
    pub holder: String,
    pub legal_representative: String,
    pub premises: String,
    pub business_items: String,
    pub issued_on: String,
    pub valid_until: String,
    pub authority: String,
    pub validity: LicenceValidity,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub item: String,
    pub severity: Severity,
    pub points: u32,
    pub remark: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: i64,
    pub date: String,
    pub kind: InspectionKind,
    pub office: String,
    pub dynamic_grade: Option<DynamicGrade>,
    pub findings: Vec<Finding>,
    /// The venue's published replies to this inspection (right of reply), oldest first.
    pub replies: Vec<VenueReply>,
}

/// A venue's answer to an inspection, shown once a moderator has published it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueReply {
    /// The finding it answers; `None` for the inspection as a whole.
    pub finding: Option<String>,
    pub body: String,
    /// Day it was published (China time).
    pub published_on: String,
}

/// Whether a venue's cameras really show its kitchen, from the checks the server makes of
/// every camera every few minutes (watched or not; see docs/design/honesty.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamHonesty {
    pub cameras: u32,
    /// Cameras whose latest check, at most [`ONLINE_NOW_MINUTES`] old, showed a playable picture.
    pub online_now: u32,
    /// Checks that found a picture over the last 7 days (China days, today included), as a
    /// fraction; `None` when there were no checks.
    pub online_rate_7d: Option<f64>,
    pub checks_7d: u32,
    /// When any camera last showed a picture (RFC 3339 in China time, `+08:00`).
    pub last_seen_live: Option<String>,
}

pub use mingchu_domain::programme::{CAMERAS_PER_VENUE_STANDARD, ONLINE_NOW_MINUTES, ONLINE_RATE_TARGET};

/// The programme's headline figures, the ones the evaluation reports judge it by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeFigures {
    /// Trading venues (operating or suspended) whose cameras are connected.
    pub venues_connected: u32,
    /// Venues in the plan: connected ones plus those still to connect (status planned, or
    /// trading without a connection date).
    pub venues_planned: u32,
    /// Venues per status.
    pub by_status: Vec<StatusCount>,
    /// Connected and planned per venue kind.
    pub by_kind: Vec<KindProgress>,
    /// Cameras of trading venues (operating or suspended), and of those online now.
    pub cameras: u32,
    pub cameras_online_now: u32,
    /// The last 7 days' online checks over checks of operating venues' cameras (suspended and
    /// closed venues left out, as contracts count).
    pub online_rate_7d: Option<f64>,
    /// Connected venues with at least the standard number of cameras.
    pub venues_meeting_camera_standard: u32,
    /// Closed venues whose cameras still showed a picture in the last 7 days: counted as
    /// connected by other platforms, they are not kitchens anyone can inspect.
    pub closed_venues_still_streaming: u32,
    /// Daily online rate of the last 7 days, oldest first.
    pub daily: Vec<DailyRate>,
    /// Display screens in dining rooms.
    pub screens: super::ScreenFigures,
    /// Complaint handling against the 12315 deadline.
    pub complaints: super::ComplaintFigures,
    /// The year so far: the figures the programme is evaluated on.
    pub year: super::PublicYear,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: VenueStatus,
    pub venues: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindProgress {
    pub kind: VenueKind,
    pub connected: u32,
    pub planned: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DailyRate {
    pub day: String,
    pub checks: u32,
    pub online: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraSummary {
    pub id: CameraId,
    pub name: String,
    pub area: KitchenArea,
    pub public: bool,
    /// What frame analysis last found in the picture; `None` before it has looked.
    pub health: Option<PictureHealth>,
}

/// A venue's trading status from a day on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: VenueStatus,
    pub since: String,
}

/// An annual grade and the year it is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnualRating {
    pub year: i32,
    pub grade: AnnualGrade,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueDetail {
    pub summary: VenueSummary,
    pub is_key_venue: bool,
    pub connected_on: Option<String>,
    pub licence: Option<Licence>,
    /// Newest first; the first one set the current dynamic grade.
    pub inspections: Vec<Inspection>,
    /// Newest first.
    pub annual_ratings: Vec<AnnualRating>,
    /// Newest first; the first entry is the current status.
    pub status_history: Vec<StatusChange>,
    pub cameras: Vec<CameraSummary>,
    pub honesty: StreamHonesty,
    /// The public timeline: confirmed violations, newest first, with their orders.
    pub violations: Vec<PublicViolation>,
}

/// A confirmed violation on the venue's public timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicViolation {
    pub id: i64,
    pub source: crate::domain::ViolationSource,
    /// An AI capture's rule, or a `ViolationCategory` code.
    pub category: String,
    /// The day it was seen (`YYYY-MM-DD`, China).
    pub observed_on: String,
    /// The evidence picture, where the office publishes it.
    pub evidence: Option<String>,
    /// The venue disputes it; a decision is pending.
    pub disputed: bool,
    pub order: Option<PublicOrder>,
}

/// The rectification order a violation led to, as the public sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicOrder {
    pub id: i64,
    pub number: String,
    pub issued_on: String,
    pub due_on: String,
    /// `open`, `overdue` or `rectified`.
    pub standing: String,
    pub rectified_on: Option<String>,
    /// The venue's latest reply on what it put right.
    pub reply: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_urls_leave_out_defaults_and_encode_text() {
        assert_eq!(VenueQuery::default().to_url(), "/");
        let q =
            VenueQuery {
                q: "学校 食堂&".into(), kind: Some(VenueKind::SchoolCanteen), page: 2, ..Default::default()
            };
        assert_eq!(q.to_url(), "/?q=%E5%AD%A6%E6%A0%A1+%E9%A3%9F%E5%A0%82%26&type=school_canteen&page=2");
    }

    #[test]
    fn query_round_trips_through_its_url() {
        let q = VenueQuery {
            q: "面".into(),
            kind: Some(VenueKind::Restaurant),
            jurisdiction: Some("440310002".into()),
            grade: Some(DynamicGrade::Good),
            camera: true,
            near: GeoPoint::from_degrees(22.69, 114.35),
            page: 3,
        };
        let url = q.to_url();
        let query_string = url.trim_start_matches("/?");
        let pairs: Vec<(String, String)> = query_string
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.replace("%E9%9D%A2", "面"))
            })
            .collect();
        let (back, problems) = VenueQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back, q);
    }

    #[test]
    fn bad_values_are_reported_by_name() {
        let (q, problems) = VenueQuery::from_pairs([
            ("type", "bar"),
            ("near", "91,0"),
            ("page", "0"),
            ("jurisdiction", "44"),
            ("x", "y"),
        ]);
        assert_eq!(q, VenueQuery { page: 1, ..Default::default() });
        let params: Vec<_> = problems.iter().map(|p| p.param).collect();
        assert_eq!(params, ["type", "near", "page", "jurisdiction"]);
    }

    #[test]
    fn deep_pages_are_refused() {
        for deep in ["501", "100000", "4294967295", "99999999999"] {
            let (q, problems) = VenueQuery::from_pairs([("page", deep)]);
            assert_eq!(q.page, 1, "{deep}");
            assert_eq!(problems.len(), 1, "{deep}");
            assert!(problems[0].message.contains("500"), "{}", problems[0].message);
        }
        assert_eq!(VenueQuery::from_pairs([("page", "500")]).0.page, 500);
    }

    #[test]
    fn distances_are_great_circle() {
        let a = GeoPoint::from_degrees(22.69, 114.35).unwrap();
        let b = GeoPoint::from_degrees(22.70, 114.35).unwrap();
        assert!((a.distance_m(b) - 1112.0).abs() < 2.0);
    }
}
