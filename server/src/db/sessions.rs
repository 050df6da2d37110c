//! Signed-in sessions, sign-in attempts and setting a password through a one-time link.

use super::audit::append;
use super::{Db, DbError, Flag};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{Actor, JurisdictionId, OfficeId, Role, UserId, VenuePlace};
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::vocab::VenueId;

/// What signing in checks.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user: UserId,
    pub password_hash: Option<String>,
    /// The second factor's secret (base32), when on.
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

/// A stored session, found by its secret's hash.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: i64,
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A session as its owner sees it in the list.
#[derive(Clone, Debug)]
pub struct SessionListing {
    pub id: i64,
    pub created_at: String,
    pub last_seen_at: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, DbError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|e| DbError::Corrupt(e.to_string()))
}

impl Db {
    /// An active account's id, password hash and second factor (secret, last step used).
    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>, DbError> {
        type Row = (i64, Option<String>, Option<String>, Option<i64>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, password_hash, totp_secret, totp_last_step FROM users WHERE login = $1 AND disabled_at IS NULL",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, password_hash, totp_secret, totp_last_step)| Credentials {
            user: UserId(id),
            password_hash,
            totp_secret,
            totp_last_step,
        }))
    }

    /// The second factor of an account: the secret being set up, and whether one is on.
    pub async fn totp_state(&self, user: UserId) -> Result<(Option<String>, bool), DbError> {
        let row: Option<(Option<String>, Flag)> =
            sqlx::query_as("SELECT totp_pending, totp_secret IS NOT NULL FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map_or((None, false), |(pending, on)| (pending, on.0)))
    }

    /// Keeps a new secret for `user` until a first code confirms it.
    pub async fn start_totp(&self, user: UserId, secret: &str) -> Result<(), DbError> {
        sqlx::query("UPDATE users SET totp_pending = $2 WHERE id = $1")
            .bind(user.0)
            .bind(secret)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Turns the pending secret on, its first code (`step`) used up.
    pub async fn confirm_totp(&self, user: UserId, step: i64, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let on = sqlx::query(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2 \
             WHERE id = $1 AND totp_pending IS NOT NULL",
        )
        .bind(user.0)
        .bind(step)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if on {
            let (before, after) = (Some(r#"{"totp":false}"#.into()), Some(r#"{"totp":true}"#.into()));
            append(&mut tx, who.did(now, "user.totp_on", &format!("user:{user}"), before, after)).await?;
        }
        tx.commit().await?;
        Ok(on)
    }

    /// Turns the second factor off.
    pub async fn disable_totp(&self, user: UserId, who: &Who, now: DateTime<Utc>) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let (before, after) = (Some(r#"{"totp":true}"#.into()), Some(r#"{"totp":false}"#.into()));
        append(&mut tx, who.did(now, "user.totp_off", &format!("user:{user}"), before, after)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a code's step used, if no later or equal one was (two sign-ins racing with one
    /// code: only one wins).
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, DbError> {
        Ok(sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user.0)
        .bind(step)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Failed sign-ins since `since`: for this login, and from this address.
    pub async fn login_failures(
        &self,
        login: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<(u32, u32), DbError> {
        let (by_login, by_address): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM login_attempts WHERE login = $1 AND at >= $3 AND succeeded = 0), \
                    (SELECT count(*) FROM login_attempts WHERE address = $2 AND at >= $3 AND succeeded = 0)",
        )
        .bind(login)
        .bind(address)
        .bind(timestamp(since))
        .fetch_one(&self.pool)
        .await?;
        Ok((by_login as u32, by_address as u32))
    }

    pub async fn record_login(
        &self,
        login: &str,
        address: &str,
        succeeded: bool,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        sqlx::query("INSERT INTO login_attempts (login, address, at, succeeded) VALUES ($1, $2, $3, $4)")
            .bind(login)
            .bind(address)
            .bind(timestamp(now))
            .bind(i64::from(succeeded))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Starts a session for `user` under the secret whose hash is `token_hash`.
    pub async fn start_session(
        &self,
        user: UserId,
        token_hash: &str,
        user_agent: Option<&str>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address, user_agent) \
             VALUES ($1, $2, $3, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(timestamp(now))
        .bind(&who.address)
        .bind(user_agent)
        .fetch_one(&mut *tx)
        .await?;
        append(&mut tx, who.did(now, "session.start", &format!("session:{id}"), None, None)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The live (not revoked) session with this secret hash, of an active account.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, DbError> {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT s.id, s.user_id, s.created_at, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, user, created, seen)| {
            Ok(SessionRow {
                id,
                user: UserId(user),
                created_at: parse_time(&created)?,
                last_seen_at: parse_time(&seen)?,
            })
        })
        .transpose()
    }

    /// Notes that a session was used.
    pub async fn touch_session(&self, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id)
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends session `id` of `user` (signing out, or revoking it from the list); `false` when
    /// there is no such live session.
    pub async fn end_session(&self, user: UserId, id: i64, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let ended =
            sqlx::query("UPDATE sessions SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
                .bind(id)
                .bind(user.0)
                .bind(timestamp(now))
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        if ended {
            append(&mut tx, who.did(now, "session.end", &format!("session:{id}"), None, None)).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// A user's live sessions, newest first.
    pub async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionListing>, DbError> {
        type Row = (i64, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, created_at, last_seen_at, address, user_agent FROM sessions \
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, created_at, last_seen_at, address, user_agent)| SessionListing {
                id,
                created_at,
                last_seen_at,
                address,
                user_agent,
            })
            .collect())
    }

    /// The account (id and login) whose unused, unexpired link has this hash.
    pub async fn password_link_login(
        &self,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, String)>, DbError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT u.id, u.login FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, login)| (UserId(id), login)))
    }

    /// Sets the password of the link's account (once: the link is used up) and ends the
    /// account's sessions; `None` when the link is unknown, used, expired or its account
    /// disabled.
    pub async fn set_password_by_link(
        &self,
        secret_hash: &str,
        password_hash: &str,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, DbError> {
        let mut tx = self.write_tx().await?;
        let user: Option<i64> = sqlx::query_scalar(
            "SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(timestamp(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user else { return Ok(None) };
        let at = timestamp(now);
        sqlx::query("UPDATE password_links SET used_at = $2 WHERE token_hash = $1")
            .bind(secret_hash)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, who.did(now, "user.set_password", &format!("user:{user}"), None, None)).await?;
        tx.commit().await?;
        Ok(Some(UserId(user)))
    }

    /// What `user` may act on: their role with their office's jurisdiction or their venues.
    pub async fn actor(&self, user: UserId) -> Result<Option<Actor>, DbError> {
        let row: Option<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT u.role, u.office_id, o.jurisdiction_id FROM users u \
             LEFT JOIN supervision_offices o ON o.id = u.office_id WHERE u.id = $1 AND u.disabled_at IS NULL",
        )
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        let Some((role, office, jurisdiction)) = row else { return Ok(None) };
        let role = Role::from_code(&role).ok_or_else(|| DbError::Corrupt(format!("user {user}: role {role:?}")))?;
        Ok(Some(match role {
            Role::Administrator => Actor::administrator(user),
            Role::Inspector => {
                let office = office.ok_or_else(|| DbError::Corrupt(format!("inspector {user} without an office")))?;
                Actor::inspector(user, OfficeId(office), jurisdiction.map(JurisdictionId).into_iter().collect())
            }
            Role::Operator => {
                let venues: Vec<i64> =
                    sqlx::query_scalar("SELECT venue_id FROM user_venues WHERE user_id = $1 ORDER BY venue_id")
                        .bind(user.0)
                        .fetch_all(&self.pool)
                        .await?;
                Actor::operator(user, venues.into_iter().map(VenueId).collect())
            }
        }))
    }

    /// Where a venue sits (its jurisdiction and those above it), for the policy.
    pub async fn venue_place(&self, venue: VenueId) -> Result<Option<VenuePlace>, DbError> {
        let jurisdictions: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE up (id, parent, depth) AS ( \
               SELECT j.id, j.parent_id, 0 FROM venues v JOIN jurisdictions j ON j.id = v.jurisdiction_id WHERE v.id = $1 \
               UNION ALL SELECT j.id, j.parent_id, up.depth + 1 FROM jurisdictions j JOIN up ON j.id = up.parent \
               WHERE up.depth < 8) \
             SELECT id FROM up ORDER BY depth",
        )
        .bind(venue.0)
        .fetch_all(&self.pool)
        .await?;
        Ok((!jurisdictions.is_empty())
            .then(|| VenuePlace { venue, jurisdictions: jurisdictions.into_iter().map(JurisdictionId).collect() }))
    }
}
