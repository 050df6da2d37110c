//! Command line and environment settings.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mingchu",
    version,
    about = "Mingchu (明厨): an open portal for kitchen cameras, grades and inspections"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web portal (the default).
    Serve(ServeArgs),
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Fill an empty database with the deterministic demo district, then exit.
    SeedDemo {
        /// How many venues (the first 48 are the usual demo; more are for load tests).
        #[arg(long, default_value_t = crate::demo::VENUE_COUNT)]
        venues: usize,
    },
    /// Import venues, licences or inspections from a CSV file (all rows or none).
    Import { kind: crate::import::ImportKind, file: PathBuf },
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Where Mingchu keeps its files (the SQLite database by default).
    #[arg(long, env = "MINGCHU_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL; defaults to `sqlite://<data-dir>/mingchu.db`.
    #[arg(long, env = "MINGCHU_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("mingchu.db").display()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one and logs it).
    #[arg(long, env = "MINGCHU_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// The built site: `pkg/` with the WebAssembly bundle and the public files.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Seed the demo district on start when the database is empty.
    #[arg(long, env = "MINGCHU_DEMO")]
    pub demo: bool,
}

impl ServeArgs {
    /// The settings of a bare `mingchu` (no subcommand): environment variables, then defaults.
    pub fn parse_from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Bare {
            #[command(flatten)]
            args: ServeArgs,
        }
        Bare::parse_from(["mingchu"]).args
    }
}
