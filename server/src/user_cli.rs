//! `mingchu user` and `mingchu audit`: the first administrator is made from the shell, and the
//! audit log is checked there. Changes made here are audited as made by `shell`.

use crate::config::{AuditCommand, DbArgs, PublicUrl, TokenCommand, UserCommand};
use crate::db::audit::AuditCheck;
use crate::db::users::UserWriteError;
use crate::db::Db;
use crate::error::ServerError;
use chrono::Utc;
use mingchu_domain::access::UserId;
use mingchu_domain::account::{NewAccount, PASSWORD_LINK_VALID};
use mingchu_domain::audit::{parse_head, Who};
use mingchu_domain::vocab::VenueId;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub async fn user(db_args: &DbArgs, command: UserCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_user(&db, command).await;
    db.close().await;
    result
}

pub async fn audit(db_args: &DbArgs, command: AuditCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_audit(&db, command).await;
    db.close().await;
    result
}

pub async fn token(db_args: &DbArgs, command: TokenCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_token(&db, command).await;
    db.close().await;
    result
}

async fn run_token(db: &Db, command: TokenCommand) -> Result<(), ServerError> {
    match command {
        TokenCommand::Create { login, name, scopes } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 60 {
                return Err(usage("the token's name must be 1 to 60 characters"));
            }
            let user = db.user_by_login(&login).await?.ok_or_else(|| usage(format!("no account {login:?}")))?;
            if user.disabled_at.is_some() {
                return Err(usage(format!("the account {login:?} is disabled")));
            }
            let accounts = crate::accounts::Accounts::open(db.clone()).await?;
            let (id, token) = accounts.create_token(user.id, name, &scopes, &Who::shell(), Utc::now()).await?;
            println!("{token}");
            eprintln!("token {id} for {login} created. It is shown only now; give it to its user and keep it secret.");
        }
        TokenCommand::List => {
            for t in db.tokens().await? {
                let scopes: Vec<&str> = t.scopes.iter().map(|s| s.code()).collect();
                let state = match (&t.revoked_at, &t.last_used_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) => format!("last used {at}"),
                    (None, None) => "never used".into(),
                };
                println!(
                    "{}\t{}\t{}\t{}\tcreated {}\t{}",
                    t.id,
                    t.login,
                    t.name,
                    scopes.join(","),
                    t.created_at,
                    state
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if !db.revoke_token(id, &Who::shell(), Utc::now()).await? {
                return Err(usage(format!("no live token {id}")));
            }
            println!("revoked token {id}");
        }
    }
    Ok(())
}

/// A new one-time password link's secret and the hash that is stored.
fn link_secret() -> (String, String) {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let hash = hex::encode(Sha256::digest(secret.as_bytes()));
    (secret, hash)
}

/// Where the owner of a link sets their password.
pub fn password_url(base: &PublicUrl, secret: &str) -> String {
    format!("{}/account/password/{secret}", base.public_url.as_str().trim_end_matches('/'))
}

async fn issue_link(db: &Db, user: UserId, base: &PublicUrl) -> Result<(), ServerError> {
    let (secret, hash) = link_secret();
    let now = Utc::now();
    let expires = now + PASSWORD_LINK_VALID;
    db.create_password_link(user, &hash, expires, &Who::shell(), now).await?;
    println!("{}", password_url(base, &secret));
    eprintln!(
        "Give this link to the account's owner only: it sets the password once, until {} (UTC).",
        expires.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

fn usage(e: impl std::fmt::Display) -> ServerError {
    ServerError::Usage(e.to_string())
}

async fn run_user(db: &Db, command: UserCommand) -> Result<(), ServerError> {
    match command {
        UserCommand::Add { login, name, role, office, venues, base } => {
            let office =
                match office {
                    Some(office) => Some(db.office_named(&office).await?.ok_or_else(|| {
                        usage(format!("there is no supervision office {office:?} (its name or number)"))
                    })?),
                    None => None,
                };
            let account = NewAccount {
                login,
                display_name: name,
                role,
                office,
                venues: venues.into_iter().map(VenueId).collect(),
            }
            .checked()
            .map_err(usage)?;
            let id = match db.add_user(&account, &Who::shell(), Utc::now()).await {
                Ok(id) => id,
                Err(UserWriteError::Db(e)) => return Err(e.into()),
                Err(refused) => return Err(usage(refused)),
            };
            eprintln!("account {} ({}) created as {}", account.login, id, account.role.code());
            issue_link(db, id, &base).await?;
        }
        UserCommand::List => {
            for u in db.users().await? {
                let bound = match (&u.office, u.venues.is_empty()) {
                    (Some((_, office)), _) => office.clone(),
                    (None, false) => {
                        let ids: Vec<String> = u.venues.iter().map(|v| v.to_string()).collect();
                        format!("venues {}", ids.join(","))
                    }
                    (None, true) => "-".into(),
                };
                let state = match (&u.disabled_at, u.has_password) {
                    (Some(at), _) => format!("disabled {at}"),
                    (None, true) => "active".into(),
                    (None, false) => "no password yet".into(),
                };
                println!("{}\t{}\t{}\t{}\t{}\t{}", u.id, u.login, u.display_name, u.role.code(), bound, state);
            }
        }
        UserCommand::Disable { login } => {
            let user = db.user_by_login(&login).await?.ok_or_else(|| usage(format!("no account {login:?}")))?;
            if !db.disable_user(user.id, &Who::shell(), Utc::now()).await? {
                return Err(usage(format!("the account {login:?} is already disabled")));
            }
            println!("disabled {login}");
        }
        UserCommand::ResetPassword { login, base } => {
            let user = db.user_by_login(&login).await?.ok_or_else(|| usage(format!("no account {login:?}")))?;
            if user.disabled_at.is_some() {
                return Err(usage(format!("the account {login:?} is disabled")));
            }
            issue_link(db, user.id, &base).await?;
        }
    }
    Ok(())
}

async fn run_audit(db: &Db, command: AuditCommand) -> Result<(), ServerError> {
    match command {
        AuditCommand::Verify { head } => {
            let kept = match head {
                Some(text) => Some(parse_head(&text).ok_or_else(|| {
                    usage(format!("{text:?} is not a head: write COUNT:HASH, as `mingchu audit head` prints it"))
                })?),
                None => None,
            };
            match db.verify_audit(kept).await? {
                AuditCheck::Intact(Some(head)) => println!("intact: {} entries, head {head}", head.count),
                AuditCheck::Intact(None) => println!("intact: the log is empty"),
                AuditCheck::Broken(broken) => {
                    return Err(ServerError::Usage(format!("the audit log is broken: {broken}")))
                }
            }
        }
        AuditCommand::Head => match db.audit_head().await? {
            Some(head) => println!("{head}"),
            None => println!("0:{}", mingchu_domain::audit::GENESIS),
        },
        AuditCommand::List { limit } => {
            for e in db.audit_entries(limit).await? {
                let c = &e.change;
                println!(
                    "{}\t{}\t{}{}\t{}\t{}\t{}\t{}",
                    e.seq,
                    c.at,
                    c.actor,
                    c.role.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                    c.action,
                    c.object,
                    c.after.as_deref().unwrap_or("-"),
                    c.address.as_deref().unwrap_or("-"),
                );
            }
        }
    }
    Ok(())
}
