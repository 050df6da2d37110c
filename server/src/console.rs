//! The console's data for pages (`app::api::ssr::Console`), over the database.

use crate::db::Db;
use app::api::{ConsoleHome, SessionInfo};
use app::error::AppError;
use mingchu_domain::access::UserId;

#[derive(Clone)]
pub struct ConsoleData {
    pub db: Db,
}

fn unavailable(e: crate::db::DbError) -> AppError {
    tracing::error!(error = %e, "console query failed");
    AppError::Unavailable
}

#[async_trait::async_trait]
impl app::api::ssr::Console for ConsoleData {
    async fn home(&self, user: UserId, session: i64) -> Result<ConsoleHome, AppError> {
        let row = self.db.user_by_id(user).await.map_err(unavailable)?.ok_or(AppError::NotFound)?;
        let (jurisdiction, venues) =
            self.db.scope_names(row.office.as_ref().map(|(id, _)| *id), &row.venues).await.map_err(unavailable)?;
        let sessions = self.db.sessions_of(user).await.map_err(unavailable)?;
        Ok(ConsoleHome {
            display_name: row.display_name,
            login: row.login,
            role: row.role.code().to_string(),
            office: row.office.map(|(_, name)| name),
            jurisdiction,
            venues,
            sessions: sessions
                .into_iter()
                .map(|s| SessionInfo {
                    current: s.id == session,
                    id: s.id,
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                    address: s.address,
                    user_agent: s.user_agent,
                })
                .collect(),
        })
    }
}
