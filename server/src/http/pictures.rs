//! Pictures the console keeps and shows: a camera's current frame kept as evidence (a remote
//! patrol, an order verified through the cameras), and a stored picture (a reply's or a
//! dispute's photo, a patrol's evidence) served to whoever may see its venue.

use super::account::{console_session, see_other};
use super::api_auth::authorise_venue;
use super::error::HttpError;
use crate::complaints::photo::CleanPhoto;
use crate::db::{CameraRecord, DbError};
use crate::state::AppState;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use mingchu_domain::access::Action;
use mingchu_domain::vocab::VenueId;
use mingchu_media::camera::CameraState;
use std::time::Duration;

/// A JPEG with its caching.
pub fn jpeg(jpeg: Vec<u8>, cache: &'static str) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "image/jpeg"), (axum::http::header::CACHE_CONTROL, cache)], jpeg)
        .into_response()
}

/// Who asks for a picture: the request's signed-in person (read before awaiting anything, so
/// the request need not live across the database's answer).
pub fn asker(request: &Request) -> Option<crate::accounts::SignedIn> {
    console_session(request)
}

/// A stored picture of a venue (`found`: its venue and JPEG) for the signed-in person who may
/// see the venue; the sign-in page for nobody; `missing` names what is not there.
pub async fn for_staff(
    state: &AppState,
    asker: Option<crate::accounts::SignedIn>,
    found: Result<Option<(VenueId, Vec<u8>)>, DbError>,
    missing: &str,
) -> Response {
    let Some(signed_in) = asker else {
        return see_other("/account/login");
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => return HttpError::from(e).into_response(),
    };
    if let Err(refused) =
        authorise_venue(state, &signed_in.actor, Action::ViewVenue, found.as_ref().map(|(v, _)| *v)).await
    {
        return refused.into_response();
    }
    match found {
        Some((_, picture)) => jpeg(picture, "private, max-age=3600"),
        None => HttpError::not_found(format!("there is no such {missing}")).into_response(),
    }
}

/// The camera's picture as it is now; `None` when it gives none within a few seconds (an
/// evidence picture is never an old one).
pub async fn current_frame(state: &AppState, camera: &CameraRecord) -> Option<CleanPhoto> {
    if let Some(nodes) = &state.nodes {
        // Another media node runs the camera; its picture is not taken from here.
        match nodes.route(camera.id).await {
            Ok(crate::nodes::Route::Here) => {}
            Ok(_) => {
                tracing::info!(camera = %camera.id, "no current picture: the camera runs on another media node");
                return None;
            }
            Err(e) => {
                tracing::warn!(camera = %camera.id, error = %e, "cannot tell which node runs the camera");
                return None;
            }
        }
    }
    let hub = state.media.cameras.hub(camera.config());
    let _lease = hub.lease();
    let jpeg = match (hub.ready(Duration::from_secs(5)).await, hub.keyframe()) {
        (CameraState::Online, Some(keyframe)) => state.media.snapshots.jpeg(hub.id, keyframe).await.ok()?,
        _ => return None,
    };
    crate::complaints::photo::clean(&jpeg).ok()
}
