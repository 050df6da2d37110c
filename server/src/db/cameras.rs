//! Cameras: their configuration (with the secret source URL) and their recorded state changes.

use super::{Db, DbError, Flag};
use mingchu_domain::vocab::{CameraId, KitchenArea, VenueId};
use serde::Serialize;

/// A camera as the media side needs it. `source_url` may hold credentials: it never leaves the
/// server (see `mingchu_media::source::redact`).
#[derive(Debug, Clone)]
pub struct CameraRecord {
    pub id: CameraId,
    pub venue_id: VenueId,
    pub name: String,
    pub area: String,
    pub public: bool,
    /// `None` for the built-in synthetic camera.
    pub source_url: Option<String>,
    pub rtsp_transport: String,
    pub always_on: bool,
}

/// What `mingchu camera list` shows.
#[derive(Debug, Clone, Serialize)]
pub struct CameraListing {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub name: String,
    pub area: String,
    pub public: bool,
    /// The redacted URL, or "synthetic".
    pub source: String,
    pub transport: String,
    pub always_on: bool,
    /// The last recorded state ("unknown" before the first) and since when.
    pub state: String,
    pub state_since: Option<String>,
    pub detail: Option<String>,
}

pub struct NewCamera<'a> {
    pub venue: VenueId,
    pub name: &'a str,
    pub area: KitchenArea,
    pub url: Option<&'a str>,
    pub public: bool,
    pub transport: &'a str,
    pub always_on: bool,
}

type Row = (i64, i64, String, String, Flag, Option<String>, String, Flag);

fn record((id, venue, name, area, public, source_url, rtsp_transport, always_on): Row) -> CameraRecord {
    CameraRecord {
        id: CameraId(id),
        venue_id: VenueId(venue),
        name,
        area,
        public: public.0,
        source_url,
        rtsp_transport,
        always_on: always_on.0,
    }
}

impl Db {
    pub async fn camera(&self, id: CameraId) -> Result<Option<CameraRecord>, DbError> {
        let row = sqlx::query_as::<_, Row>(
            "SELECT id, venue_id, name, area, is_public, source_url, rtsp_transport, always_on FROM cameras WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(record))
    }

    pub async fn always_on_cameras(&self) -> Result<Vec<CameraId>, DbError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM cameras WHERE always_on = 1 ORDER BY id").fetch_all(&self.pool).await?;
        Ok(ids.into_iter().map(CameraId).collect())
    }

    /// Adds a camera; audited (its address is not logged: it may hold credentials).
    pub async fn add_camera(
        &self,
        camera: &NewCamera<'_>,
        who: &mingchu_domain::audit::Who,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<CameraId, DbError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cameras (venue_id, name, area, is_public, source_url, rtsp_transport, always_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(camera.venue.0)
        .bind(camera.name)
        .bind(camera.area.code())
        .bind(i64::from(camera.public))
        .bind(camera.url)
        .bind(camera.transport)
        .bind(i64::from(camera.always_on))
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "venue": camera.venue.0, "name": camera.name, "area": camera.area.code(),
            "public": camera.public, "always_on": camera.always_on,
        });
        super::audit::append(
            &mut tx,
            who.did(now, "camera.add", &format!("camera:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(CameraId(id))
    }

    /// Every camera with its last recorded state. The source is redacted by `redact`.
    pub async fn list_cameras(&self, redact: impl Fn(&str) -> String) -> Result<Vec<CameraListing>, DbError> {
        type ListRow = (
            i64,
            i64,
            String,
            String,
            String,
            Flag,
            Option<String>,
            String,
            Flag,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows = sqlx::query_as::<_, ListRow>(
            "SELECT c.id, c.venue_id, v.name, c.name, c.area, c.is_public, c.source_url, c.rtsp_transport, c.always_on,
                    s.state, s.at, s.detail
             FROM cameras c JOIN venues v ON v.id = c.venue_id
             LEFT JOIN camera_state_changes s ON s.id = (
                 SELECT id FROM camera_state_changes WHERE camera_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
             ORDER BY c.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, venue_id, venue, name, area, public, url, transport, always_on, state, since, detail)| {
                CameraListing {
                    id,
                    venue_id,
                    venue,
                    name,
                    area,
                    public: public.0,
                    source: url.as_deref().map_or_else(|| "synthetic".to_string(), &redact),
                    transport,
                    always_on: always_on.0,
                    state: state.unwrap_or_else(|| "unknown".into()),
                    state_since: since,
                    detail,
                }
            })
            .collect())
    }

    /// At start-up no camera is being watched: a camera whose last record says otherwise (the
    /// server stopped while it was online or failing) gets an `idle` record now, so the time the
    /// server was down is not counted as online or offline.
    pub async fn mark_cameras_unmonitored(&self) -> Result<u64, DbError> {
        let done = sqlx::query(
            "INSERT INTO camera_state_changes (camera_id, state, detail)
             SELECT c.id, 'idle', 'not monitored: the server restarted' FROM cameras c
             WHERE (SELECT s.state FROM camera_state_changes s WHERE s.camera_id = c.id
                    ORDER BY s.at DESC, s.id DESC LIMIT 1) <> 'idle'",
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn record_camera_state(
        &self,
        id: CameraId,
        state: &str,
        detail: Option<&str>,
        fence: Option<&super::nodes::Fence>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        if let Some(fence) = fence {
            super::nodes::hold(&mut tx, fence).await?;
        }
        sqlx::query("INSERT INTO camera_state_changes (camera_id, state, detail) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(state)
            .bind(detail)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
