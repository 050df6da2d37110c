//! The workspace's sign-in: passwords (argon2id), sessions behind an HttpOnly cookie, login
//! limits, one-time password links and CSRF tokens. The rules (limits, lifetimes, what a good
//! password is) are `mingchu_domain::account`; the policy is `mingchu_domain::access`.

pub mod csrf;
pub mod password;
pub mod totp;

use crate::db::sessions::SessionRow;
use crate::db::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::access::{Actor, UserId};
use mingchu_domain::account::{check_password, login_allowed, session_alive, LockedOut, PasswordProblem, LOGIN_WINDOW};
use mingchu_domain::audit::Who;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The cookie holding a signed-in session's secret.
pub const SESSION_COOKIE: &str = "mc_session";

/// A session is marked used at most this often (one write per minute, not per request).
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// How secrets (sessions, links, tokens) are stored: their SHA-256, as hex.
pub(crate) fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Why a sign-in failed; what the person is told (wrong login and wrong password read alike).
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the login or the password is wrong")]
    Wrong,
    /// Password right, second factor missing or wrong.
    #[error("the code from the authenticator app is missing or wrong")]
    Code,
    #[error(transparent)]
    Locked(LockedOut),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Why a password could not be set through a link.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(
        "this link is not valid: it was used, it expired, or a newer one was sent; ask an administrator for a new one"
    )]
    Invalid,
    #[error(transparent)]
    Password(PasswordProblem),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Someone signed in: the session and what they may act on.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub session: i64,
    pub actor: Actor,
    pub login: String,
    pub display_name: String,
}

#[derive(Clone)]
pub struct Accounts {
    db: Db,
    pub csrf: csrf::CsrfKey,
}

impl Accounts {
    /// With a key of its own (until [`Accounts::open`] loads the stored one).
    pub fn with_random_key(db: Db) -> Accounts {
        Accounts { db, csrf: csrf::CsrfKey::new(random_secret().into_bytes()) }
    }

    /// Loads (or makes, once) the server's CSRF key.
    pub async fn open(db: Db) -> Result<Accounts, DbError> {
        let key = db.server_secret("workspace_csrf_key", || random_secret().into_bytes()).await?;
        Ok(Accounts { db, csrf: csrf::CsrfKey::new(key) })
    }

    /// Checks the login and password (within the limits) and starts a session; returns the
    /// session's secret for the cookie.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        code: &str,
        address: &str,
        user_agent: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, LoginError> {
        let login = login.trim();
        let (by_login, by_address) = self.db.login_failures(login, address, now - LOGIN_WINDOW).await?;
        login_allowed(by_login, by_address).map_err(LoginError::Locked)?;
        let credentials = self.db.credentials(login).await?;
        let stored = credentials.as_ref().and_then(|c| c.password_hash.clone());
        let typed = password.to_string();
        let matches = tokio::task::spawn_blocking(move || match stored {
            Some(stored) => password::verify(&typed, &stored),
            None => {
                // Unknown login, or no password yet: as slow as a real check, and false.
                password::verify(&typed, password::decoy());
                false
            }
        })
        .await
        .unwrap_or(false);
        // The second factor, when on: a code of the moment, not used before.
        let second = match credentials.as_ref().filter(|_| matches) {
            Some(c) => match c.totp_secret.as_deref().and_then(totp::decode) {
                None => Ok(()),
                Some(secret) => match totp::check(&secret, code, now.timestamp(), c.totp_last_step) {
                    Some(step) if self.db.use_totp_step(c.user, step).await? => Ok(()),
                    _ => Err(LoginError::Code),
                },
            },
            None => Err(LoginError::Wrong),
        };
        self.db.record_login(login, address, second.is_ok(), now).await?;
        second?;
        let user = credentials.map(|c| c.user).ok_or(LoginError::Wrong)?;
        let actor = self.db.actor(user).await?.ok_or(LoginError::Wrong)?;
        let secret = random_secret();
        let who = who(&actor, Some(address));
        self.db.start_session(user, &sha256_hex(&secret), user_agent, &who, now).await?;
        Ok(secret)
    }

    /// Starts setting up the second factor: a new secret, pending until a code confirms it.
    pub async fn start_totp(&self, user: UserId) -> Result<(), DbError> {
        self.db.start_totp(user, &totp::encode(&totp::new_secret())).await
    }

    /// Turns the second factor on with a first code from the app; `false` for a wrong code.
    pub async fn confirm_totp(
        &self,
        signed_in: &SignedIn,
        code: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let (pending, _) = self.db.totp_state(signed_in.actor.user).await?;
        let Some(secret) = pending.as_deref().and_then(totp::decode) else { return Ok(false) };
        let Some(step) = totp::check(&secret, code, now.timestamp(), None) else { return Ok(false) };
        self.db.confirm_totp(signed_in.actor.user, step, &who(&signed_in.actor, address), now).await
    }

    /// Turns the second factor off, with a current code; `false` for a wrong code.
    pub async fn disable_totp(
        &self,
        signed_in: &SignedIn,
        code: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let Some(c) = self.db.credentials(&signed_in.login).await? else { return Ok(false) };
        let Some(secret) = c.totp_secret.as_deref().and_then(totp::decode) else { return Ok(false) };
        match totp::check(&secret, code, now.timestamp(), c.totp_last_step) {
            Some(step) if self.db.use_totp_step(c.user, step).await? => {
                self.db.disable_totp(c.user, &who(&signed_in.actor, address), now).await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The person signed in with this session secret, if the session is live.
    pub async fn session(&self, secret: &str, now: DateTime<Utc>) -> Result<Option<SignedIn>, DbError> {
        let Some(SessionRow { id, user, created_at, last_seen_at }) = self.db.session(&sha256_hex(secret)).await?
        else {
            return Ok(None);
        };
        if !session_alive(created_at, last_seen_at, now) {
            return Ok(None);
        }
        if now - last_seen_at >= TOUCH_EVERY {
            self.db.touch_session(id, now).await?;
        }
        let Some(actor) = self.db.actor(user).await? else { return Ok(None) };
        let Some(row) = self.db.user_by_id(user).await? else { return Ok(None) };
        Ok(Some(SignedIn { session: id, actor, login: row.login, display_name: row.display_name }))
    }

    /// Signs out: ends the session.
    pub async fn logout(&self, signed_in: &SignedIn, address: Option<&str>, now: DateTime<Utc>) -> Result<(), DbError> {
        let who = who(&signed_in.actor, address);
        self.db.end_session(signed_in.actor.user, signed_in.session, &who, now).await?;
        Ok(())
    }

    /// The login a password link is for, while it is valid.
    pub async fn link_login(&self, secret: &str, now: DateTime<Utc>) -> Result<Option<(UserId, String)>, DbError> {
        self.db.password_link_login(&sha256_hex(secret), now).await
    }

    /// Sets the password through a one-time link (typed twice).
    pub async fn set_password(
        &self,
        secret: &str,
        password: &str,
        again: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<UserId, LinkError> {
        let (user, login) = self.link_login(secret, now).await?.ok_or(LinkError::Invalid)?;
        check_password(&login, password, again).map_err(LinkError::Password)?;
        let typed = password.to_string();
        let hashed = tokio::task::spawn_blocking(move || password::hash(&typed))
            .await
            .map_err(|e| DbError::Corrupt(format!("password hashing stopped: {e}")))?;
        // Not signed in: the link speaks for its account.
        let who = Who { actor: format!("user:{user}"), role: None, address: address.map(str::to_string) };
        self.db.set_password_by_link(&sha256_hex(secret), &hashed, &who, now).await?.ok_or(LinkError::Invalid)
    }
}

impl Accounts {
    /// Makes an API token for `user` with `scopes`; returns its id and the token, shown once.
    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        scopes: &[mingchu_domain::access::TokenScope],
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<(i64, String), DbError> {
        let token = format!("mct_{}", random_secret());
        let id = self.db.create_token(user, name, scopes, &sha256_hex(&token), who, now).await?;
        Ok((id, token))
    }

    /// Who an API token acts as (its user, limited to its scopes), and how the log names it.
    pub async fn token_actor(&self, token: &str, now: DateTime<Utc>) -> Result<Option<(Actor, Who)>, DbError> {
        let Some((id, user, scopes)) = self.db.token_by_hash(&sha256_hex(token.trim()), now).await? else {
            return Ok(None);
        };
        let Some(actor) = self.db.actor(user).await? else { return Ok(None) };
        let who = Who { actor: format!("token:{id}"), role: Some(actor.role.code().to_string()), address: None };
        Ok(Some((actor.through_token(scopes), who)))
    }
}

/// How the audit log names a signed-in person.
pub fn who(actor: &Actor, address: Option<&str>) -> Who {
    Who {
        actor: format!("user:{}", actor.user),
        role: Some(actor.role.code().to_string()),
        address: address.map(str::to_string),
    }
}
