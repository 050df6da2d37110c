//! Which venue an Open311 request is about. Mingchu's own clients send `address_id` (the
//! venue's id); a standard GeoReport v2 client sends `lat`/`long` or `address_string`. A
//! location resolves to the venue within [`RADIUS_M`] of it, an address string to the venue
//! whose name or address it matches; when several fit, the answer names them so the client
//! can send `address_id`.

use crate::http::error::HttpError;
use crate::state::AppState;
use app::api::{GeoPoint, VenueQuery, VenueSummary};
use mingchu_domain::vocab::VenueId;

/// How far from the given point a venue may be (GPS on a phone indoors is off by tens of metres).
pub const RADIUS_M: u32 = 150;
/// Candidates named in an ambiguous answer.
const NAMED: usize = 5;

pub async fn resolve(
    state: &AppState,
    address_id: Option<&str>,
    point: Option<(f64, f64)>,
    address_string: Option<&str>,
) -> Result<VenueId, HttpError> {
    if let Some(id) = address_id {
        return id
            .parse::<i64>()
            .map(VenueId)
            .map_err(|_| HttpError::bad_request(format!("address_id {id:?} is not a venue id")));
    }
    let text = address_string.map(str::trim).filter(|s| !s.is_empty());
    match (point, text) {
        (Some((lat, long)), text) => {
            let near = GeoPoint::from_degrees(lat, long)
                .ok_or_else(|| HttpError::bad_request("lat and long must be WGS84 degrees"))?;
            let query = VenueQuery { near: Some(near), page: 1, ..Default::default() };
            let page = state.db.search_venues(&query, 20).await?;
            let mut close: Vec<VenueSummary> =
                page.venues.into_iter().filter(|v| v.distance_m.is_some_and(|d| d <= RADIUS_M)).collect();
            if let Some(text) = text {
                let matching: Vec<VenueSummary> =
                    close.iter().filter(|v| v.name.contains(text) || v.address.contains(text)).cloned().collect();
                if !matching.is_empty() {
                    close = matching;
                }
            }
            match close.as_slice() {
                [one] => Ok(one.id),
                [] => Err(HttpError::bad_request(format!(
                    "no venue within {RADIUS_M} m of {lat},{long}; send address_id (find it with /api/v1/venues?near={lat},{long})"
                ))),
                several => Err(ambiguous(several, &format!("within {RADIUS_M} m of {lat},{long}"))),
            }
        }
        (None, Some(text)) => {
            let query = VenueQuery { q: text.to_string(), page: 1, ..Default::default() };
            let page = state.db.search_venues(&query, NAMED as u32 + 1).await?;
            match page.venues.as_slice() {
                [one] => Ok(one.id),
                [] => Err(HttpError::bad_request(format!("no venue matches address_string {text:?}; send address_id"))),
                several => Err(ambiguous(several, &format!("match address_string {text:?}"))),
            }
        }
        (None, None) => Err(HttpError::bad_request(
            "say which venue: address_id (from /api/v1/venues), or lat and long, or address_string",
        )),
    }
}

fn ambiguous(venues: &[VenueSummary], how: &str) -> HttpError {
    let named: Vec<String> = venues
        .iter()
        .take(NAMED)
        .map(|v| match v.distance_m {
            Some(d) => format!("{} {} ({} m)", v.id.0, v.name, d),
            None => format!("{} {} ({})", v.id.0, v.name, v.address),
        })
        .collect();
    let more = if venues.len() > NAMED { ", …" } else { "" };
    HttpError::bad_request(format!(
        "{} venues {how}: {}{more}; send address_id with one of these ids",
        venues.len(),
        named.join("; ")
    ))
}
