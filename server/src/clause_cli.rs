//! `mingchu clause`: the maintained list of legal clauses rectification orders cite. Changes
//! are audited as made by `shell`.

use crate::config::{ClauseCommand, DbArgs};
use crate::db::orders::ClauseChange;
use crate::error::ServerError;
use mingchu_domain::audit::Who;

pub async fn run(db_args: &DbArgs, command: ClauseCommand) -> Result<(), ServerError> {
    let db = crate::open_db(db_args).await?;
    let result = async {
        match command {
            ClauseCommand::List { all } => {
                for (clause, retired) in db.all_legal_clauses().await? {
                    if retired.is_none() || all {
                        let state = retired.map(|at| format!("retired {at}")).unwrap_or_else(|| "in use".into());
                        println!("{}\t{}\t{}\t{}", clause.code, clause.citation(), state, clause.summary);
                    }
                }
                Ok(())
            }
            ClauseCommand::Add { code, law, article, summary } => {
                let change = ClauseChange::Add { code: &code, law: &law, article: &article, summary: &summary };
                match db.change_clause(change, &Who::shell(), chrono::Utc::now()).await? {
                    Ok(()) => {
                        println!("clause {code} added");
                        Ok(())
                    }
                    Err(why) => Err(ServerError::Usage(why)),
                }
            }
            ClauseCommand::Retire { code } => {
                match db.change_clause(ClauseChange::Retire { code: &code }, &Who::shell(), chrono::Utc::now()).await? {
                    Ok(()) => {
                        println!("clause {code} retired; orders that cite it keep it");
                        Ok(())
                    }
                    Err(why) => Err(ServerError::Usage(why)),
                }
            }
        }
    }
    .await;
    db.close().await;
    result
}
