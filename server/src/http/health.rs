use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// Liveness and readiness: 200 when the database answers and live video runs, 503 otherwise.
/// Parts that failed and were restarted are counted, so a crash loop shows here and in
/// `/metrics` instead of hiding behind "ok".
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = match state.db.ping().await {
        Ok(()) => "ok",
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            "unavailable"
        }
    };
    let sfu = &state.media.sfu;
    let live_video = if sfu.is_running() { "ok" } else { "stopped" };
    let healthy = database == "ok" && live_video == "ok";
    let mut body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": database,
        "live_video": { "state": live_video, "restarts": sfu.restarts.count() },
    });
    if let Some(analysis) = &state.analysis {
        body["analysis"] = json!({ "restarts": analysis.restarts.count() });
    }
    (if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}
