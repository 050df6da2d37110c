//! `mingchu events list`: capture events found by frame analysis. They wait for an
//! inspector's review (the regulator console) and are never public before it.

use crate::config::{DbArgs, EventsCommand};
use crate::error::ServerError;
use mingchu_domain::vocab::CameraId;

pub async fn run(db_args: &DbArgs, command: EventsCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = match command {
        EventsCommand::List { camera, limit, json } => list(&db, camera.map(CameraId), limit, json).await,
    };
    db.close().await;
    result
}

async fn list(db: &crate::db::Db, camera: Option<CameraId>, limit: u32, json: bool) -> Result<(), ServerError> {
    let events = db.list_captures(&mingchu_domain::access::Actor::shell(), camera, limit).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&events).expect("serializable"));
        return Ok(());
    }
    println!(
        "{:>5}  {:<24}  {:>6}  {:<22}  {:>5}  {:<9}  VENUE / CAMERA",
        "ID", "AT", "CAMERA", "CATEGORY", "CONF", "REVIEW"
    );
    for e in &events {
        println!(
            "{:>5}  {:<24}  {:>6}  {:<22}  {:>5.2}  {:<9}  {} / {}",
            e.id, e.at, e.camera_id, e.category, e.confidence, e.review, e.venue, e.camera
        );
    }
    Ok(())
}
