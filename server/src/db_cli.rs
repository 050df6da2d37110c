//! `mingchu db …`: the database itself.

use crate::config::{DbArgs, DbCommand};
use crate::error::ServerError;

pub async fn run(command: DbCommand) -> Result<(), ServerError> {
    match command {
        DbCommand::Copy { from, to } => {
            if let Some(path) = from.strip_prefix("sqlite://").or_else(|| from.strip_prefix("sqlite:")) {
                let path = path.split('?').next().unwrap_or(path);
                if !std::path::Path::new(path).exists() {
                    return Err(ServerError::Usage(format!("there is no database at {path} to copy")));
                }
            }
            // Refused before either database is opened, so nothing is created on the way.
            if crate::db::Backend::of_url(&to) != Some(crate::db::Backend::Postgres) {
                return Err(ServerError::Usage(format!(
                    "the copy goes into an empty PostgreSQL database (postgres://…), not {to:?}"
                )));
            }
            let open = |url: &str| DbArgs { data_dir: "data".into(), database_url: Some(url.to_string()) };
            let source = crate::open_db(&open(&from)).await?;
            let target = crate::open_db(&open(&to)).await?;
            let report = crate::db::copy::copy(&source, &target).await?;
            let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
            for (table, n) in &report.tables {
                println!("{table}\t{n}");
            }
            println!("copied {rows} rows in {} tables; every count matches", report.tables.len());
            Ok(())
        }
    }
}
