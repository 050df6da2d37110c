//! Per-user API tokens: made, listed, revoked (audited), and found by their hash.

use super::audit::append;
use super::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{TokenScope, UserId};
use mingchu_domain::audit::{timestamp, Who};

/// A token as listed (never the token itself).
#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

fn scopes(text: &str) -> Result<Vec<TokenScope>, DbError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| TokenScope::from_code(s).ok_or_else(|| DbError::Corrupt(format!("token scope {s:?}"))))
        .collect()
}

fn codes(scopes: &[TokenScope]) -> String {
    scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")
}

impl Db {
    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        scopes: &[TokenScope],
        token_hash: &str,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.0)
        .bind(name)
        .bind(token_hash)
        .bind(codes(scopes))
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({ "user": user.0, "name": name, "scopes": codes(scopes) }).to_string();
        append(&mut tx, who.did(now, "token.create", &format!("token:{id}"), None, Some(after))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn tokens(&self) -> Result<Vec<TokenRow>, DbError> {
        type Row = (i64, String, String, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT t.id, u.login, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, login, name, s, created_at, last_used_at, revoked_at)| {
                Ok(TokenRow { id, login, name, scopes: scopes(&s)?, created_at, last_used_at, revoked_at })
            })
            .collect()
    }

    /// Revokes a token; `false` when there is no such live token.
    pub async fn revoke_token(&self, id: i64, who: &Who, now: DateTime<Utc>) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if revoked {
            append(&mut tx, who.did(now, "token.revoke", &format!("token:{id}"), None, None)).await?;
        }
        tx.commit().await?;
        Ok(revoked)
    }

    /// The live token with this hash, of an active account: its id, user and scopes; marked used.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, UserId, Vec<TokenScope>)>, DbError> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT t.id, t.user_id, t.scopes FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, user, s)) = row else { return Ok(None) };
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        Ok(Some((id, UserId(user), scopes(&s)?)))
    }

    /// The venue of a camera, of a capture event, of a complaint (by normalised reference) or of
    /// a rectification order.
    pub async fn venue_of(&self, what: VenueOf<'_>) -> Result<Option<mingchu_domain::vocab::VenueId>, DbError> {
        let query = match what {
            VenueOf::Camera(_) => "SELECT venue_id FROM cameras WHERE id = $1",
            VenueOf::Event(_) => {
                "SELECT c.venue_id FROM capture_events e JOIN cameras c ON c.id = e.camera_id WHERE e.id = $1"
            }
            VenueOf::Complaint(_) => "SELECT venue_id FROM complaints WHERE reference = $1",
            VenueOf::Order(_) => "SELECT venue_id FROM orders WHERE id = $1",
        };
        let q = sqlx::query_scalar::<_, Option<i64>>(query);
        let q = match what {
            VenueOf::Camera(id) | VenueOf::Event(id) | VenueOf::Order(id) => q.bind(id),
            VenueOf::Complaint(reference) => q.bind(reference),
        };
        Ok(q.fetch_optional(&self.pool).await?.flatten().map(mingchu_domain::vocab::VenueId))
    }
}

/// What [`Db::venue_of`] looks up.
#[derive(Clone, Copy, Debug)]
pub enum VenueOf<'a> {
    Camera(i64),
    Event(i64),
    Complaint(&'a str),
    Order(i64),
}
