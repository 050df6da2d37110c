//! Errors of the server's own operations (start-up, database), and their one mapping to what
//! a client may see.

use app::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Db(#[from] crate::db::DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: std::path::PathBuf, source: std::io::Error },
    #[error("{0}")]
    Import(#[from] crate::import::ImportError),
    #[error("{0}")]
    ImportWrite(#[from] crate::db::ImportWriteError),
    #[error("{0}")]
    Media(#[from] mingchu_media::sfu::driver::DriverError),
    #[error("{0}")]
    Reply(#[from] crate::db::ReplyError),
    #[error("{0}")]
    Screen(#[from] crate::db::ScreenError),
    #[error("frame analysis: {0} (point --models-dir at the models, or run with --no-detector or --analyse off)")]
    Analysis(#[from] mingchu_analysis::AnalysisError),
    #[error("complaints: {0}")]
    Complaints(#[from] crate::complaints::ComplaintError),
    #[error("{0}")]
    Usage(String),
    #[error("copy: {0}")]
    Copy(#[from] crate::db::copy::CopyError),
    #[error("media node: {0}")]
    Node(#[from] crate::nodes::NodesError),
    #[error("server stopped: {0}")]
    Serve(std::io::Error),
}

impl From<crate::db::DbError> for AppError {
    /// Database failures are logged here with their detail; clients learn only that the
    /// service is unavailable.
    fn from(err: crate::db::DbError) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Unavailable
    }
}
