//! Live media is served by the media node holding the camera (docs/design/scale.md): a request
//! reaching another node is sent there with `307 Temporary Redirect` (WHEP's recommendation
//! for load balancing; a 307 keeps the method and body, so a WHEP offer is re-sent as it was).
//! Pages, open data and everything else are served by any node.

use super::error::Text;
use super::media_error::MediaError;
use crate::nodes::Route;
use crate::state::AppState;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use mingchu_domain::vocab::CameraId;

/// Whether this node serves the request for `camera`, or the answer that sends it on.
pub enum Served {
    Here,
    Elsewhere(Response),
}

/// Where `uri` (a request for `camera`'s live media) is served.
pub async fn locate(state: &AppState, camera: CameraId, uri: &Uri) -> Result<Served, Text> {
    let Some(nodes) = &state.nodes else { return Ok(Served::Here) };
    match nodes.route(camera).await? {
        Route::Here => Ok(Served::Here),
        Route::There(base) => {
            let target = format!("{base}{}", uri.path_and_query().map_or(uri.path(), |p| p.as_str()));
            tracing::debug!(camera = %camera, to = %target, "sent to the camera's media node");
            Ok(Served::Elsewhere(redirect(&target)))
        }
        Route::Nowhere => Err(MediaError::Moving.into()),
    }
}

/// `307 Temporary Redirect` to `target`, with a sentence saying why.
pub fn redirect(target: &str) -> Response {
    let Ok(location) = HeaderValue::from_str(target) else {
        return Text::from(MediaError::Unavailable).into_response();
    };
    (
        StatusCode::TEMPORARY_REDIRECT,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
        ],
        format!("served by another media node: {target}\n"),
    )
        .into_response()
}
