//! `mingchu reply add|list|publish|reject`: the venue's right of reply, moderated before it is
//! public. (The operator and regulator consoles will offer the same through the web.)

use crate::config::{DbArgs, ReplyCommand};
use crate::db::NewReply;
use crate::error::ServerError;

pub async fn run(db_args: &DbArgs, command: ReplyCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = execute(&db, command).await;
    db.close().await;
    result
}

async fn execute(db: &crate::db::Db, command: ReplyCommand) -> Result<(), ServerError> {
    match command {
        ReplyCommand::Add { inspection, finding, text } => {
            let id = db
                .add_reply(
                    &NewReply { inspection_id: inspection, finding, body: &text },
                    &mingchu_domain::audit::Who::shell(),
                    chrono::Utc::now(),
                )
                .await?;
            println!("{id}");
        }
        ReplyCommand::List { status, json } => {
            let replies = db.list_replies(status).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&replies).expect("serializable"));
            } else {
                println!("{:>5}  {:<9}  {:>5}  {:<10}  VENUE / REPLY", "ID", "STATUS", "INSP", "DATE");
                for r in &replies {
                    println!(
                        "{:>5}  {:<9}  {:>5}  {:<10}  {}",
                        r.id, r.status, r.inspection_id, r.inspected_on, r.venue
                    );
                    println!("{:>36}{}", "", r.body.replace('\n', " "));
                }
            }
        }
        ReplyCommand::Publish { id } => {
            db.moderate_reply(id, true, None, &mingchu_domain::audit::Who::shell(), chrono::Utc::now()).await?;
            println!("reply {id} published");
        }
        ReplyCommand::Reject { id, reason } => {
            db.moderate_reply(id, false, Some(&reason), &mingchu_domain::audit::Who::shell(), chrono::Utc::now())
                .await?;
            println!("reply {id} rejected");
        }
    }
    Ok(())
}
