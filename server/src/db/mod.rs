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
pub mod copy;
pub mod disputes;
pub mod feedback_requests;
mod import;
pub mod kpis;
pub mod nodes;
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
mod values;
pub mod venue_desk;

pub use analysis::{CameraHealth, CaptureEvent, HealthChange, NewCapture, ReviewError};
pub use cameras::{CameraListing, CameraRecord, NewCamera};
pub use checks::Check;
pub use complaints::{ComplaintFilter, ComplaintRecord, FeedbackError, NewComplaint, Stored, StoredPhoto, UpdateError};
pub use import::ImportWriteError;
pub use replies::{NewReply, ReplyError, ReplyListing, ReplyStatus};
pub use screens::{IssuedScreen, NewScreen, ScreenError, ScreenListing, ScreenSettings};
pub use seed::SeedOutcome;
pub(crate) use values::{Day, Flag};

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyConnection, AnyPool};
use sqlx::{ConnectOptions as _, Connection as _};
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid database URL {url:?}: {source}")]
    Url { url: String, source: sqlx::Error },
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    Unsupported(String),
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// A media node wrote for a camera it no longer holds (docs/design/scale.md).
    #[error("camera {camera}: this node's lease (epoch {epoch}) is no longer the camera's (epoch {now}); the write was refused")]
    Fenced { camera: mingchu_domain::vocab::CameraId, epoch: i64, now: i64 },
    /// A media node wrote for a camera it does not hold at all.
    #[error("camera {0} is not held by this media node; the write was refused")]
    NotHeld(mingchu_domain::vocab::CameraId),
}

/// The SQL engines the portal runs on. The queries are one text for both (placeholders are
/// `$N`, which sqlx's SQLite driver binds by number too); where the dialects differ a module
/// says so with [`Backend::pick`] (see docs/design/scale-out.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a URL names, or `None` for one the portal does not run on.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The engine behind a connection.
    pub(crate) fn of(conn: &AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The text for this engine, where the two dialects need different SQL.
    pub(crate) fn pick(self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Every write transaction on PostgreSQL takes this advisory lock first, so writers run one at
/// a time as they do on SQLite (`BEGIN IMMEDIATE`): the rules that read before they write (a
/// next reference number, a state check before a change) keep their meaning on both engines.
const WRITE_LOCK: i64 = 0x006d_696e_6763_6875;

/// Begins a transaction that writes on `conn`: on SQLite `BEGIN IMMEDIATE` takes the write lock
/// at the start, so a transaction that reads before it writes waits its turn (busy timeout)
/// instead of failing with "database is locked" when another writer committed in between; on
/// PostgreSQL the same order comes from [`WRITE_LOCK`].
pub(crate) async fn begin_write(conn: &mut AnyConnection) -> Result<sqlx::Transaction<'_, sqlx::Any>, sqlx::Error> {
    match Backend::of(conn) {
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = conn.begin().await?;
            lock_writers(&mut tx).await?;
            Ok(tx)
        }
    }
}

/// Takes [`WRITE_LOCK`] until the transaction ends (PostgreSQL).
async fn lock_writers(tx: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(tx).await?;
    Ok(())
}

/// Numbers the bare `?` placeholders of a query built at run time (`?` in bind order) as
/// `$1`, `$2`, …, the form both engines take. `?` inside quoted SQL text is left alone.
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let (mut n, mut quoted) = (0, false);
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// Connections for lookups by key (a venue's page: its licence, cameras, inspections): on
    /// PostgreSQL they use generic plans (see [`Db::keyed`]); on SQLite the same pool.
    keyed: AnyPool,
    backend: Backend,
    /// The programme's public figures of the year so far, with when they were computed: a
    /// year of key figures is too much work for every page view (`kpis::public_year`).
    public_year: std::sync::Arc<tokio::sync::Mutex<Option<app::api::PublicYear>>>,
}

impl Db {
    /// A transaction that writes (see [`begin_write`]).
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                lock_writers(&mut tx).await?;
                Ok(tx)
            }
        }
    }

    /// The pool for queries that look rows up by a key (`WHERE venue_id = $1`), whose best plan
    /// never depends on the key's value. PostgreSQL would otherwise plan most of them afresh at
    /// every execution (a custom plan costs more to make than to run: 0.1–0.4 ms against
    /// 0.01–0.04 ms for the venue page's queries, docs/benchmarks.md); these connections plan
    /// each statement once. Searches, ranges of days and anything whose plan depends on its
    /// values stay on the main pool.
    pub(crate) fn keyed(&self) -> &AnyPool {
        &self.keyed
    }

    /// The engine this handle runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens the database at `url`: a SQLite file (created if needed) or a PostgreSQL database.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)
            .ok_or_else(|| DbError::Unsupported(url.split("://").next().unwrap_or(url).to_string() + "://…"))?;
        let url_error = |source| DbError::Url { url: url.to_string(), source };
        let pool = match backend {
            Backend::Sqlite => {
                // The file and its journal mode are set once through the SQLite driver itself
                // (WAL persists in the file); the pool's connections then only set their own
                // per-connection pragmas.
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(url_error)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal);
                options.connect().await.map_err(DbError::Open)?.close().await.map_err(DbError::Open)?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL + NORMAL: a commit survives a process crash; an OS crash may
                            // lose the last transactions. Writers that must survive power loss
                            // raise it per transaction. Foreign keys are on and the busy
                            // timeout is 5 s by the driver's defaults.
                            sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .map_err(DbError::Open)?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).connect(url).await.map_err(DbError::Open)?,
        };
        let keyed = match backend {
            Backend::Sqlite => pool.clone(),
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        sqlx::query("SET plan_cache_mode = force_generic_plan").execute(&mut *conn).await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(DbError::Open)?,
        };
        Ok(Db { pool, keyed, backend, public_year: Default::default() })
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, DbError> {
        let before = self.applied_migrations().await.unwrap_or(0);
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATOR.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATOR.run(&self.pool).await?,
        }
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

    /// After rows were written with their ids given (a copy of another database, a fixture):
    /// each PostgreSQL identity column's next value goes past the largest id, as SQLite's
    /// `INTEGER PRIMARY KEY` does by itself.
    pub async fn resync_ids(&self) -> Result<(), DbError> {
        if self.backend == Backend::Postgres {
            sqlx::raw_sql(
                "DO $$ DECLARE c record; BEGIN
                   FOR c IN SELECT table_name, column_name FROM information_schema.columns
                            WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP
                     EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %I',
                                    c.table_name, c.column_name, c.column_name, c.table_name);
                   END LOOP;
                 END $$",
            )
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.keyed.close().await;
        self.pool.close().await;
    }
}
