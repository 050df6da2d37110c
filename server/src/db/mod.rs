//! All SQL lives in this module. SQLite is the embedded default; the migrations in
//! `migrations/sqlite/` are compiled into the binary and applied on start.

#[macro_use]
mod kpi_sql;
mod analysis;
pub mod audit;
mod cameras;
mod catalog;
mod checks;
pub mod complaint_desk;
mod complaints;
pub mod contracts;
pub mod disputes;
pub mod feedback_requests;
mod import;
pub mod kpis;
pub mod open_data;
pub mod orders;
mod page_votes;
pub mod patrols;
pub mod push;
pub mod recordings;
mod replies;
pub mod report;
pub mod review_desk;
mod risk;
mod screens;
mod search_terms;
mod seed;
mod seed_activity;
pub mod sessions;
pub mod tokens;
pub mod users;
pub mod venue_desk;

pub use analysis::{CameraHealth, CaptureEvent, HealthChange, NewCapture, ReviewError};
pub use cameras::{CameraListing, CameraRecord, NewCamera};
pub use complaints::{ComplaintFilter, ComplaintRecord, FeedbackError, NewComplaint, Stored, StoredPhoto, UpdateError};
pub use import::ImportWriteError;
pub use replies::{NewReply, ReplyError, ReplyListing, ReplyStatus};
pub use screens::{IssuedScreen, NewScreen, ScreenError, ScreenListing, ScreenSettings};
pub use seed::SeedOutcome;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid database URL {url:?}: {source}")]
    Url { url: String, source: sqlx::Error },
    #[error("unsupported database URL {0:?}: use sqlite://PATH (Postgres support is planned, not built yet)")]
    Unsupported(String),
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    /// The programme's public figures of the year so far, with when they were computed: a
    /// year of key figures is too much work for every page view (`kpis::public_year`).
    public_year: std::sync::Arc<tokio::sync::Mutex<Option<app::api::PublicYear>>>,
}

impl Db {
    /// A transaction that writes: `BEGIN IMMEDIATE` takes the write lock at the start, so a
    /// transaction that reads before it writes waits its turn (busy timeout) instead of failing
    /// with "database is locked" when another writer committed in between.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'_, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Opens (creating the file if needed) the database at `url`.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        if !url.starts_with("sqlite:") {
            return Err(DbError::Unsupported(url.split("://").next().unwrap_or(url).to_string() + "://…"));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| DbError::Url { url: url.to_string(), source })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL: a commit survives a process crash; an OS crash may lose the last
            // transactions. Writers that must survive power loss raise it per transaction.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(DbError::Open)?;
        Ok(Db { pool, public_year: Default::default() })
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, DbError> {
        let before = self.applied_migrations().await.unwrap_or(0);
        MIGRATOR.run(&self.pool).await?;
        self.backfill_search_terms().await?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize, DbError> {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success").fetch_one(&self.pool).await?;
        Ok(n as usize)
    }

    /// Cheap liveness check for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn venue_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM venues").fetch_one(&self.pool).await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
