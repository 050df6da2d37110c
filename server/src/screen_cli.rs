//! `mingchu screen add|list|rotate|revoke`: display screens in dining rooms. Each screen opens
//! a secret URL; only the hash of the secret is stored, so the URL is printed once, when the
//! screen is added or its secret rotated.

use crate::config::{DbArgs, PublicUrl, ScreenCommand};
use crate::db::{Db, IssuedScreen, NewScreen};
use crate::error::ServerError;
use mingchu_domain::vocab::{ScreenId, VenueId};

pub async fn run(db_args: &DbArgs, command: ScreenCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = execute(&db, command).await;
    db.close().await;
    result
}

/// The URL a screen opens: `<public-url>/display/<secret>`.
pub fn display_url(base: &PublicUrl, token: &str) -> String {
    format!("{}/display/{token}", base.public_url.as_str().trim_end_matches('/'))
}

fn print_issued(issued: &IssuedScreen, base: &PublicUrl) {
    println!("screen {} of venue {}: {}", issued.id.0, issued.venue.0, display_url(base, &issued.token));
}

async fn execute(db: &Db, command: ScreenCommand) -> Result<(), ServerError> {
    match command {
        ScreenCommand::Add { venue, name, low_bandwidth, promote_seconds, url } => {
            let issued = db
                .add_screen(
                    &NewScreen { venue: VenueId(venue), name: name.as_deref(), low_bandwidth, promote_seconds },
                    &mingchu_domain::audit::Who::shell(),
                )
                .await?;
            print_issued(&issued, &url);
        }
        ScreenCommand::List { venue, json } => {
            let screens = db.list_screens(venue.map(VenueId)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&screens).expect("serializable"));
                return Ok(());
            }
            println!(
                "{:>4}  {:>5}  {:<8}  {:<24}  {:<10}  VENUE / NAME",
                "ID", "VENUE", "STATE", "LAST HEARTBEAT", "TILES"
            );
            for s in &screens {
                let state = match (&s.revoked_at, s.online) {
                    (Some(_), _) => "revoked",
                    (None, true) => "online",
                    (None, false) => "offline",
                };
                let tiles = s.last_report.as_ref().map(|r| format!("{}/{} live", r.live, r.tiles)).unwrap_or_default();
                println!(
                    "{:>4}  {:>5}  {:<8}  {:<24}  {:<10}  {} / {}{}",
                    s.id,
                    s.venue_id,
                    state,
                    s.last_heartbeat_at.as_deref().unwrap_or("never"),
                    tiles,
                    s.venue,
                    s.name,
                    if s.low_bandwidth { " (low bandwidth)" } else { "" }
                );
            }
        }
        ScreenCommand::Rotate { id, url } => print_issued(&db.rotate_screen(ScreenId(id)).await?, &url),
        ScreenCommand::Revoke { id } => {
            db.revoke_screen(ScreenId(id), &mingchu_domain::audit::Who::shell()).await?;
            println!("screen {id} revoked");
        }
    }
    Ok(())
}
