//! Workspace accounts and their one-time password links. Every change is audited in its own
//! transaction (db/audit.rs).

use super::audit::append;
use super::{Db, DbError, Flag};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{OfficeId, Role, UserId};
use mingchu_domain::account::NewAccount;
use mingchu_domain::audit::{timestamp, Who};
use mingchu_domain::vocab::VenueId;

/// An account as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub office: Option<(OfficeId, String)>,
    pub venues: Vec<VenueId>,
    pub created_at: String,
    pub disabled_at: Option<String>,
    pub has_password: bool,
}

/// Why an account could not be written.
#[derive(Debug, thiserror::Error)]
pub enum UserWriteError {
    #[error("the login {0:?} is taken; pick another")]
    LoginTaken(String),
    #[error("there is no supervision office {0}")]
    NoSuchOffice(OfficeId),
    #[error("there is no venue {0}")]
    NoSuchVenue(VenueId),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for UserWriteError {
    fn from(e: sqlx::Error) -> Self {
        UserWriteError::Db(e.into())
    }
}

type Row = (i64, String, String, String, Option<i64>, Option<String>, String, Option<String>, Flag, Option<String>);

/// The account columns; the venue ids are joined with commas (`group_concat` on SQLite,
/// `string_agg` on PostgreSQL).
fn select(backend: super::Backend) -> String {
    let venues = backend.pick(
        "(SELECT group_concat(venue_id) FROM user_venues v WHERE v.user_id = u.id)",
        "(SELECT string_agg(venue_id::text, ',') FROM user_venues v WHERE v.user_id = u.id)",
    );
    format!(
        "SELECT u.id, u.login, u.display_name, u.role, u.office_id, o.name, u.created_at, u.disabled_at, \
         u.password_hash IS NOT NULL, {venues} FROM users u LEFT JOIN supervision_offices o ON o.id = u.office_id"
    )
}

fn user(row: Row) -> Result<UserRow, DbError> {
    let (id, login, display_name, role, office_id, office_name, created_at, disabled_at, has_password, venues) = row;
    let role = Role::from_code(&role).ok_or_else(|| DbError::Corrupt(format!("user {id}: role {role:?}")))?;
    let mut venue_ids = Vec::new();
    for v in venues.as_deref().unwrap_or("").split(',').filter(|v| !v.is_empty()) {
        venue_ids.push(VenueId(v.parse().map_err(|_| DbError::Corrupt(format!("user {id}: venue {v:?}")))?));
    }
    venue_ids.sort();
    Ok(UserRow {
        id: UserId(id),
        login,
        display_name,
        role,
        office: office_id.map(|o| (OfficeId(o), office_name.unwrap_or_default())),
        venues: venue_ids,
        created_at,
        disabled_at,
        has_password: has_password.0,
    })
}

impl Db {
    /// Creates an account (already checked: `NewAccount::checked`).
    pub async fn add_user(
        &self,
        account: &NewAccount,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<UserId, UserWriteError> {
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(&account.login)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(UserWriteError::LoginTaken(account.login.clone()));
        }
        if let Some(office) = account.office {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM supervision_offices WHERE id = $1")
                .bind(office.0)
                .fetch_optional(&mut *tx)
                .await?;
            found.ok_or(UserWriteError::NoSuchOffice(office))?;
        }
        for venue in &account.venues {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM venues WHERE id = $1")
                .bind(venue.0)
                .fetch_optional(&mut *tx)
                .await?;
            found.ok_or(UserWriteError::NoSuchVenue(*venue))?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, display_name, role, office_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&account.login)
        .bind(&account.display_name)
        .bind(account.role.code())
        .bind(account.office.map(|o| o.0))
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        for venue in &account.venues {
            sqlx::query("INSERT INTO user_venues (user_id, venue_id) VALUES ($1, $2)")
                .bind(id)
                .bind(venue.0)
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::to_string(account).map_err(|e| DbError::Corrupt(e.to_string()))?;
        append(&mut tx, who.did(now, "user.add", &format!("user:{id}"), None, Some(after))).await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    /// Every account, in the order they were made.
    pub async fn users(&self) -> Result<Vec<UserRow>, DbError> {
        let rows =
            sqlx::query_as::<_, Row>(&format!("{} ORDER BY u.id", select(self.backend))).fetch_all(&self.pool).await?;
        rows.into_iter().map(user).collect()
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRow>, DbError> {
        let row = sqlx::query_as::<_, Row>(&format!("{} WHERE u.id = $1", select(self.backend)))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(user).transpose()
    }

    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserRow>, DbError> {
        let row = sqlx::query_as::<_, Row>(&format!("{} WHERE u.login = $1", select(self.backend)))
            .bind(login.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(user).transpose()
    }

    /// Disables an account for good (its links stop working); `false` if it already was.
    pub async fn disable_user(&self, id: UserId, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL")
            .bind(id.0)
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if changed {
            sqlx::query("DELETE FROM password_links WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
            let (before, after) = (Some(r#"{"disabled":false}"#.into()), Some(r#"{"disabled":true}"#.into()));
            append(&mut tx, who.did(now, "user.disable", &format!("user:{id}"), before, after)).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Stores a one-time password link for `id` (only the hash of its secret), replacing any
    /// earlier one; the link works until `expires`.
    pub async fn create_password_link(
        &self,
        id: UserId,
        secret_hash: &str,
        expires: DateTime<Utc>,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM password_links WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO password_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(secret_hash)
            .bind(id.0)
            .bind(timestamp(now))
            .bind(timestamp(expires))
            .execute(&mut *tx)
            .await?;
        let after = format!(r#"{{"link_expires":"{}"}}"#, timestamp(expires));
        append(&mut tx, who.did(now, "user.password_link", &format!("user:{id}"), None, Some(after))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user whose unused, unexpired link has this secret hash.
    pub async fn password_link_user(&self, secret_hash: &str, now: DateTime<Utc>) -> Result<Option<UserId>, DbError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(secret_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(UserId))
    }

    /// The jurisdiction an office covers (its name), and the names of some venues.
    pub async fn scope_names(
        &self,
        office: Option<OfficeId>,
        venues: &[VenueId],
    ) -> Result<(Option<String>, Vec<(i64, String)>), DbError> {
        let jurisdiction = match office {
            Some(office) => sqlx::query_scalar(
                "SELECT j.name FROM supervision_offices o JOIN jurisdictions j ON j.id = o.jurisdiction_id WHERE o.id = $1",
            )
            .bind(office.0)
            .fetch_optional(&self.pool)
            .await?,
            None => None,
        };
        let mut names = Vec::new();
        for venue in venues {
            let name: Option<String> = sqlx::query_scalar("SELECT name FROM venues WHERE id = $1")
                .bind(venue.0)
                .fetch_optional(&self.pool)
                .await?;
            names.extend(name.map(|n| (venue.0, n)));
        }
        Ok((jurisdiction, names))
    }

    /// A supervision office by its name or its number.
    pub async fn office_named(&self, name_or_id: &str) -> Result<Option<OfficeId>, DbError> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM supervision_offices WHERE name = $1 OR CAST(id AS TEXT) = $1")
                .bind(name_or_id.trim())
                .fetch_optional(&self.pool)
                .await?;
        Ok(id.map(OfficeId))
    }
}
