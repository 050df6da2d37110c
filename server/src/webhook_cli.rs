//! `mingchu webhook`: where a venue's or an office's notices are pushed. Changes are audited as
//! made by `shell`.

use crate::config::{DbArgs, WebhookCommand};
use crate::db::push::WebhookOwner;
use crate::db::Db;
use crate::error::ServerError;
use chrono::Utc;
use mingchu_domain::audit::Who;
use mingchu_domain::push::{check_webhook, Channel};

pub async fn run(db_args: &DbArgs, command: WebhookCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = run_on(&db, command).await;
    db.close().await;
    result
}

fn usage(e: impl std::fmt::Display) -> ServerError {
    ServerError::Usage(e.to_string())
}

/// A webhook's address without its key or token (robots carry them in the query).
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}{}{}",
            u.scheme(),
            u.host_str().unwrap_or_default(),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path(),
            if u.query().is_some() { "?…" } else { "" }
        ),
        Err(_) => "(not an address)".into(),
    }
}

async fn run_on(db: &Db, command: WebhookCommand) -> Result<(), ServerError> {
    match command {
        WebhookCommand::Add { venue, office, channel, url, secret, label } => {
            let channel = Channel::from_code(channel.trim())
                .ok_or_else(|| usage(format!("unknown channel {channel:?}; use wecom, dingtalk or json")))?;
            check_webhook(channel, &url, secret.as_deref()).map_err(usage)?;
            let owner = match (venue, office) {
                (Some(venue), _) => {
                    if !db.venue_exists(mingchu_domain::vocab::VenueId(venue)).await? {
                        return Err(usage(format!("there is no venue {venue}")));
                    }
                    WebhookOwner::Venue(venue)
                }
                (None, Some(office)) => WebhookOwner::Office(
                    db.office_named(&office)
                        .await?
                        .ok_or_else(|| {
                            usage(format!("there is no supervision office {office:?} (its name or number)"))
                        })?
                        .0,
                ),
                (None, None) => return Err(usage("name the venue (--venue) or the office (--office)")),
            };
            let id = db
                .add_webhook(owner, channel, &url, secret.as_deref(), &label, None, &Who::shell(), Utc::now())
                .await?;
            println!("{id}");
            Ok(())
        }
        WebhookCommand::List => {
            for w in db.webhooks(None, None).await? {
                let owner = match (&w.venue, &w.office) {
                    (Some((id, name)), _) => format!("venue {id} {name}"),
                    (None, Some((id, name))) => format!("office {id} {name}"),
                    _ => String::new(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\tdelivered {} queued {} failed {}",
                    w.id,
                    w.channel,
                    owner,
                    shown_url(&w.url),
                    w.label,
                    w.delivered,
                    w.queued,
                    w.failed
                );
            }
            Ok(())
        }
        WebhookCommand::Remove { id } => {
            if db.disable_webhook(id, &Who::shell(), Utc::now()).await? {
                Ok(())
            } else {
                Err(usage(format!("there is no live webhook {id}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_robot_address_is_shown_without_its_key() {
        assert_eq!(
            super::shown_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…"
        );
        assert_eq!(super::shown_url("http://127.0.0.1:9/h"), "http://127.0.0.1:9/h");
    }
}
