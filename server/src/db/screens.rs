//! Display screens: registration with a secret URL, heartbeats, and their online/offline
//! history. Only a hash of each secret is stored, so a leaked database opens no screen.

use super::{Db, DbError, Flag};
use app::api::{ScreenFigures, ScreenReport, SCREEN_OFFLINE_AFTER_SECONDS};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use mingchu_domain::vocab::{CameraId, ScreenId, VenueId};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The longest screen name accepted, in characters.
pub const MAX_SCREEN_NAME_CHARS: usize = 60;
/// The longest time a camera may stay promoted to full size, in seconds.
pub const MAX_PROMOTE_SECONDS: u32 = 3600;
/// Bytes of randomness in a screen's secret (hex in the URL: 32 characters).
const TOKEN_BYTES: usize = 16;

pub struct NewScreen<'a> {
    pub venue: VenueId,
    /// Defaults to "screen N".
    pub name: Option<&'a str>,
    pub low_bandwidth: bool,
    pub promote_seconds: u32,
}

/// A registered screen and the secret of its URL (shown once; only its hash is kept).
#[derive(Debug)]
pub struct IssuedScreen {
    pub id: ScreenId,
    pub venue: VenueId,
    pub token: String,
}

/// The settings a screen's page needs.
#[derive(Debug, Clone)]
pub struct ScreenSettings {
    pub id: ScreenId,
    pub venue: VenueId,
    pub low_bandwidth: bool,
    pub promote_seconds: u32,
}

/// A screen as operators see it in `mingchu screen list`.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenListing {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub name: String,
    pub low_bandwidth: bool,
    pub promote_seconds: u32,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub online: bool,
    pub last_heartbeat_at: Option<String>,
    pub last_report: Option<ScreenReport>,
    /// Online/offline changes, newest first (at most 20).
    pub transitions: Vec<ScreenTransition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScreenTransition {
    pub at: String,
    pub online: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("no venue with id {0}")]
    NoVenue(i64),
    #[error("the screen name is empty")]
    EmptyName,
    #[error("the screen name is {0} characters long; at most {MAX_SCREEN_NAME_CHARS} are accepted")]
    NameTooLong(usize),
    #[error("--promote-seconds must be between 0 (off) and {MAX_PROMOTE_SECONDS}; got {0}")]
    PromoteRange(u32),
    #[error("no screen with id {0}")]
    NoScreen(i64),
    #[error("screen {0} is revoked; register a new one with `mingchu screen add`")]
    Revoked(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ScreenError {
    fn from(e: sqlx::Error) -> Self {
        ScreenError::Db(e.into())
    }
}

/// Stored times: UTC with milliseconds, so text order is time order.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn new_token() -> (String, String) {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of a secret this server issues (so junk is not hashed).
fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_BYTES * 2 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

type SettingsRow = (i64, i64, Flag, i64);

fn settings((id, venue, low_bandwidth, promote): SettingsRow) -> ScreenSettings {
    ScreenSettings {
        id: ScreenId(id),
        venue: VenueId(venue),
        low_bandwidth: low_bandwidth.0,
        promote_seconds: promote as u32,
    }
}

impl Db {
    /// Registers a screen for a venue and returns the secret for its URL; audited.
    pub async fn add_screen(
        &self,
        screen: &NewScreen<'_>,
        who: &mingchu_domain::audit::Who,
    ) -> Result<IssuedScreen, ScreenError> {
        if screen.promote_seconds > MAX_PROMOTE_SECONDS {
            return Err(ScreenError::PromoteRange(screen.promote_seconds));
        }
        let name = match screen.name.map(str::trim) {
            Some("") => return Err(ScreenError::EmptyName),
            Some(name) if name.chars().count() > MAX_SCREEN_NAME_CHARS => {
                return Err(ScreenError::NameTooLong(name.chars().count()))
            }
            other => other.map(str::to_string),
        };
        let mut tx = self.write_tx().await?;
        let screens: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM screens WHERE venue_id = v.id) FROM venues v WHERE v.id = $1",
        )
        .bind(screen.venue.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(screens) = screens else { return Err(ScreenError::NoVenue(screen.venue.0)) };
        let name = name.unwrap_or_else(|| format!("screen {}", screens + 1));
        let (token, hash) = new_token();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO screens (venue_id, name, token_hash, low_bandwidth, promote_seconds)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(screen.venue.0)
        .bind(&name)
        .bind(&hash)
        .bind(i64::from(screen.low_bandwidth))
        .bind(screen.promote_seconds as i64)
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({ "venue": screen.venue.0, "name": name, "low_bandwidth": screen.low_bandwidth });
        super::audit::append(
            &mut tx,
            who.did(Utc::now(), "screen.add", &format!("screen:{id}"), None, Some(after.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedScreen { id: ScreenId(id), venue: screen.venue, token })
    }

    /// Gives a screen a new secret; the old URL stops working at once.
    pub async fn rotate_screen(&self, id: ScreenId) -> Result<IssuedScreen, ScreenError> {
        let (token, hash) = new_token();
        let venue = self.active_screen_venue(id).await?;
        sqlx::query("UPDATE screens SET token_hash = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(&hash)
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(IssuedScreen { id, venue, token })
    }

    /// Revokes a screen: its URL stops working and it no longer counts as installed.
    pub async fn revoke_screen(&self, id: ScreenId, who: &mingchu_domain::audit::Who) -> Result<(), ScreenError> {
        self.active_screen_venue(id).await?;
        let now = stamp(Utc::now());
        let mut tx = self.write_tx().await?;
        let was_online: Flag =
            sqlx::query_scalar("SELECT online FROM screens WHERE id = $1").bind(id.0).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE screens SET revoked_at = $1, online = 0 WHERE id = $2")
            .bind(&now)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if was_online.0 {
            sqlx::query("INSERT INTO screen_state_changes (screen_id, at, online) VALUES ($1, $2, 0)")
                .bind(id.0)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        super::audit::append(&mut tx, who.did(Utc::now(), "screen.revoke", &format!("screen:{}", id.0), None, None))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn active_screen_venue(&self, id: ScreenId) -> Result<VenueId, ScreenError> {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT venue_id, revoked_at FROM screens WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        match row {
            None => Err(ScreenError::NoScreen(id.0)),
            Some((_, Some(_))) => Err(ScreenError::Revoked(id.0)),
            Some((venue, None)) => Ok(VenueId(venue)),
        }
    }

    /// The active screen whose URL holds `token`.
    pub async fn screen_for_token(&self, token: &str) -> Result<Option<ScreenSettings>, DbError> {
        if !well_formed(token) {
            return Ok(None);
        }
        let row: Option<SettingsRow> = sqlx::query_as(
            "SELECT id, venue_id, low_bandwidth, promote_seconds FROM screens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(settings))
    }

    /// Records a heartbeat; a screen that was offline comes online. `None`: no such screen.
    pub async fn screen_heartbeat(
        &self,
        token: &str,
        report: &ScreenReport,
        now: DateTime<Utc>,
    ) -> Result<Option<ScreenSettings>, DbError> {
        let Some(screen) = self.screen_for_token(token).await? else { return Ok(None) };
        let now = stamp(now);
        let report = serde_json::to_string(report).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let mut tx = self.write_tx().await?;
        let was_online: Flag = sqlx::query_scalar("SELECT online FROM screens WHERE id = $1")
            .bind(screen.id.0)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE screens SET online = 1, last_heartbeat_at = $1, last_report = $2 WHERE id = $3")
            .bind(&now)
            .bind(&report)
            .bind(screen.id.0)
            .execute(&mut *tx)
            .await?;
        if !was_online.0 {
            sqlx::query("INSERT INTO screen_state_changes (screen_id, at, online) VALUES ($1, $2, 1)")
                .bind(screen.id.0)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(screen))
    }

    /// Marks offline the screens whose last heartbeat is older than the offline limit, as of
    /// that last heartbeat; returns how many changed.
    pub async fn sweep_screens(&self, now: DateTime<Utc>) -> Result<u64, DbError> {
        let limit = stamp(now - Duration::seconds(SCREEN_OFFLINE_AFTER_SECONDS.into()));
        let mut tx = self.write_tx().await?;
        let stale: Vec<(i64, String)> = sqlx::query_as(
            "UPDATE screens SET online = 0 WHERE online = 1 AND last_heartbeat_at < $1 RETURNING id, last_heartbeat_at",
        )
        .bind(&limit)
        .fetch_all(&mut *tx)
        .await?;
        for (id, last) in &stale {
            sqlx::query("INSERT INTO screen_state_changes (screen_id, at, online) VALUES ($1, $2, 0)")
                .bind(id)
                .bind(last)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(stale.len() as u64)
    }

    /// Screens, newest first, optionally of one venue.
    pub async fn list_screens(&self, venue: Option<VenueId>) -> Result<Vec<ScreenListing>, DbError> {
        type Row = (i64, i64, String, String, Flag, i64, String, Option<String>, Flag, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT s.id, s.venue_id, v.name, s.name, s.low_bandwidth, s.promote_seconds, s.created_at,
                    s.revoked_at, s.online, s.last_heartbeat_at, s.last_report
             FROM screens s JOIN venues v ON v.id = s.venue_id
             WHERE $1 IS NULL OR s.venue_id = $1 ORDER BY s.id DESC",
        )
        .bind(venue.map(|v| v.0))
        .fetch_all(&self.pool)
        .await?;
        let mut screens = Vec::with_capacity(rows.len());
        for (id, venue_id, venue, name, low_bandwidth, promote, created_at, revoked_at, online, last, report) in rows {
            let transitions: Vec<(String, Flag)> = sqlx::query_as(
                "SELECT at, online FROM screen_state_changes WHERE screen_id = $1 ORDER BY at DESC, id DESC LIMIT 20",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            screens.push(ScreenListing {
                id,
                venue_id,
                venue,
                name,
                low_bandwidth: low_bandwidth.0,
                promote_seconds: promote as u32,
                created_at,
                revoked_at,
                online: online.0,
                last_heartbeat_at: last,
                last_report: report.and_then(|r| serde_json::from_str(&r).ok()),
                transitions: transitions
                    .into_iter()
                    .map(|(at, online)| ScreenTransition { at, online: online.0 })
                    .collect(),
            });
        }
        Ok(screens)
    }

    /// The public cameras of a venue, for a screen's heartbeat answer.
    pub async fn venue_public_cameras(&self, venue: VenueId) -> Result<Vec<CameraId>, DbError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM cameras WHERE venue_id = $1 AND is_public = 1 ORDER BY id")
                .bind(venue.0)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(CameraId).collect())
    }

    /// Screens installed and online, for the programme KPIs.
    pub async fn screen_figures(&self, now: DateTime<Utc>) -> Result<ScreenFigures, DbError> {
        let fresh = stamp(now - Duration::seconds(SCREEN_OFFLINE_AFTER_SECONDS.into()));
        let (installed, online_now): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE s.online = 1 AND s.last_heartbeat_at >= $1)
             FROM screens s JOIN venues v ON v.id = s.venue_id
             WHERE s.revoked_at IS NULL AND v.status IN ('operating', 'suspended')",
        )
        .bind(&fresh)
        .fetch_one(&self.pool)
        .await?;
        let (with_screen, with_online): (i64, i64) = sqlx::query_as(
            "SELECT count(*), coalesce(CAST(sum(online) AS BIGINT), 0) FROM (
               SELECT max(CASE WHEN s.online = 1 AND s.last_heartbeat_at >= $1 THEN 1 ELSE 0 END) AS online
               FROM screens s JOIN venues v ON v.id = s.venue_id
               WHERE s.revoked_at IS NULL AND v.status IN ('operating', 'suspended') AND v.connected_on IS NOT NULL
               GROUP BY s.venue_id) AS per_venue",
        )
        .bind(&fresh)
        .fetch_one(&self.pool)
        .await?;
        Ok(ScreenFigures {
            installed: installed as u32,
            online_now: online_now as u32,
            venues_with_screen: with_screen as u32,
            venues_with_screen_online: with_online as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(well_formed(&a) && well_formed(&b));
        assert_eq!(hash_a, token_hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
    }

    #[test]
    fn junk_tokens_are_not_well_formed() {
        for junk in ["", "abc", &"g".repeat(32), &"A".repeat(32), &"a".repeat(33), "../../etc/passwd"] {
            assert!(!well_formed(junk), "{junk:?}");
        }
    }
}
