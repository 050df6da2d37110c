//! The Mingchu server: HTTP portal, database, live media and frame analysis.
#![recursion_limit = "256"]

pub mod accounts;
mod analysis_store;
pub mod camera_cli;
pub mod clause_cli;
pub mod client_addr;
pub mod codes;
pub mod complaint_cli;
pub mod complaints;
pub mod config;
pub mod console;
pub mod db;
pub mod db_cli;
pub mod demo;
pub mod error;
pub mod events_cli;
pub mod feedback_sender;
pub mod http;
pub mod import;
mod kpi_csv;
mod media_store;
pub mod nodes;
mod playback;
mod private_files;
pub mod push;
pub mod recording_sweeper;
pub mod reply_cli;
mod report_csv;
pub mod screen_cli;
pub mod state;
pub mod telemetry;
pub mod user_cli;
pub mod webhook_cli;

use config::{DbArgs, ServeArgs};
use db::{Db, SeedOutcome};
use error::ServerError;
use leptos::prelude::LeptosOptions;
use leptos_config::Env;
use state::AppState;

/// Creates the data directory, opens the database and applies pending migrations.
pub async fn open_db(args: &DbArgs) -> Result<Db, ServerError> {
    let url = args.database_url();
    if args.database_url.is_none() {
        private_files::create_dir(&args.data_dir)
            .map_err(|source| ServerError::DataDir { path: args.data_dir.clone(), source })?;
        private_files::create_file(&args.data_dir.join("mingchu.db"))
            .map_err(|source| ServerError::DataDir { path: args.data_dir.clone(), source })?;
    }
    let db = Db::connect(&url).await?;
    let applied = db.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    Ok(db)
}

pub async fn migrate(args: &DbArgs) -> Result<(), ServerError> {
    let db = open_db(args).await?;
    println!("database is up to date");
    db.close().await;
    Ok(())
}

pub async fn seed_demo(args: &DbArgs, venues: usize) -> Result<(), ServerError> {
    let db = open_db(args).await?;
    match db.seed(&demo::generate_scaled(demo::SEED, venues)).await? {
        SeedOutcome::Seeded { venues } => println!("seeded the demo district: {venues} venues"),
        SeedOutcome::AlreadyPopulated { venues } => {
            println!("the database already has {venues} venues; nothing was changed")
        }
    }
    db.close().await;
    Ok(())
}

/// `mingchu import KIND FILE`: checks the whole file, then imports all of it or nothing.
pub async fn import(db_args: &DbArgs, kind: import::ImportKind, path: &std::path::Path) -> Result<(), ServerError> {
    let file = std::fs::File::open(path)
        .map_err(|source| import::ImportError::Read { path: path.display().to_string(), source })?;
    let records = import::parse(kind, std::io::BufReader::new(file))?;
    let db = open_db(db_args).await?;
    let report = db.import(&records).await;
    db.close().await;
    println!("{}: {}", path.display(), report?);
    Ok(())
}

/// Everything `serve` runs, ready for a router: the database (migrated, seeded with `--demo`),
/// live media, camera checks, frame analysis and the complaint desk. Tests build the portal
/// with it and call [`http::router`] in process.
pub async fn start(db_args: &DbArgs, args: &ServeArgs) -> Result<AppState, ServerError> {
    let admin_token = args.admin_token().map_err(ServerError::Usage)?;
    if admin_token.is_some() {
        tracing::warn!(
            "--admin-token is deprecated and acts as an administrator's API token for one more release; \
             make per-user tokens with scopes instead: mingchu token create --login L --name N --scope S"
        );
    }
    let db = open_db(db_args).await?;
    if args.demo {
        if let SeedOutcome::Seeded { venues } = db.seed(&demo::generate(demo::SEED)).await? {
            tracing::info!(venues, "seeded the demo district");
        }
    }
    let assets = http::assets::site_assets(&args.site_root);
    let leptos = LeptosOptions::builder()
        .output_name(http::assets::UNHASHED_NAME)
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(args.bind)
        .env(Env::PROD)
        .build();
    let home = assets.bundle(app::assets::Bundle::Home).unwrap_or(http::assets::UNHASHED_NAME);
    if !args.site_root.join("pkg").join(format!("{home}.wasm")).exists() {
        tracing::warn!(site_root = %args.site_root.display(), "no WebAssembly bundle found: pages will render but not hydrate (run scripts/build.sh)");
    }
    let limits = mingchu_media::sfu::ViewerLimits {
        total: args.max_viewers,
        per_camera: args.max_viewers_per_camera,
        per_address: args.max_viewers_per_address,
    };
    let nodes = join_nodes(&db, db_args, args).await?;
    let store = nodes::store::NodeStore { db: db.clone(), nodes: nodes.clone() };
    let offer = mingchu_media::sfu::driver::Offer {
        udp: args.webrtc_transports.contains(&config::WebrtcTransport::Udp),
        tcp: args.webrtc_transports.contains(&config::WebrtcTransport::Tcp),
    };
    let media = mingchu_media::Media::start(
        std::sync::Arc::new(store.clone()),
        args.webrtc_bind,
        &args.webrtc_ips,
        limits,
        offer,
    )
    .await?;
    if args.check_interval > 0 {
        mingchu_media::camera::Prober::new(media.cameras.clone(), std::sync::Arc::new(store.clone()))
            .spawn(std::time::Duration::from_secs(args.check_interval));
    }
    spawn_screen_sweeper(db.clone());
    spawn_risk_grading(db.clone());
    let push = push::Wake::default();
    let first_retry = std::time::Duration::from_secs(args.webhook_retry_seconds);
    tokio::spawn(push::Sender::new(db.clone(), args.public_url.as_ref(), first_retry).run(push.clone()));
    let gateway = args.message_gateway_url.clone().zip(args.message_gateway_secret.clone());
    let gateway = gateway.map(|(url, secret)| feedback_sender::Gateway { url, secret });
    tokio::spawn(feedback_sender::FeedbackSender::new(db.clone(), gateway, args.public_url.clone(), first_retry).run());
    if args.offline_notice_minutes > 0 {
        spawn_offline_notices(db.clone(), chrono::Duration::minutes(args.offline_notice_minutes as i64), push.clone());
    }
    let recordings = mingchu_media::record::Recordings::start(
        mingchu_media::record::RecordingsConfig {
            root: args.recordings_dir.clone().unwrap_or_else(|| db_args.data_dir.join("recordings")),
            segment: std::time::Duration::from_secs(args.recording_segment_seconds),
            retry: std::time::Duration::from_secs(10),
        },
        std::sync::Arc::new(store.clone()),
        media.cameras.clone(),
    )
    .await
    .map_err(|e| ServerError::Usage(format!("cannot start recording: {e}")))?;
    if let Some(nodes) = &nodes {
        let workloads = nodes::workloads::MediaWorkloads {
            db: db.clone(),
            cameras: media.cameras.clone(),
            recordings: recordings.clone(),
        };
        nodes.spawn(std::sync::Arc::new(workloads));
    }
    let captures = analysis_store::RecordingCaptures { store, recordings: recordings.clone() };
    let analysis =
        mingchu_analysis::Analysis::start(media.cameras.clone(), std::sync::Arc::new(captures), analysis_config(args))?;
    let client_addr = client_addr::ClientAddr::new(args.client_ip_header.as_deref());
    let complaints = complaints::Complaints::open(
        db.clone(),
        db_args.data_dir.join("complaint-photos"),
        args.complaints_per_hour,
        args.photo_decode_mib << 20,
        client_addr.clone(),
    )
    .await?;
    let mut state = AppState::new(leptos, assets, db, media, complaints, args.public_url.clone());
    state.client_addr = client_addr;
    state.operator_contact = args.operator_contact.trim().into();
    state.analysis = analysis;
    state.admin_token = admin_token.map(Into::into);
    state.uploads = std::sync::Arc::new(tokio::sync::Semaphore::new(args.max_uploads));
    state.live_http = std::sync::Arc::new(tokio::sync::Semaphore::new(args.max_viewers));
    state.accounts = accounts::Accounts::open(state.db.clone()).await?;
    state.push = push;
    state.nodes = nodes;
    recording_sweeper::Sweeper {
        db: state.db.clone(),
        node: state.nodes.as_ref().map(|n| n.me().0.clone()),
        root: recordings.root().to_path_buf(),
        quota_bytes: args.recording_quota_gb.map(|gb| (gb * 1e9) as u64),
        keep_days: args.evidence_keep_days,
    }
    .spawn(std::time::Duration::from_secs(args.recording_sweep_seconds));
    let key = state.db.server_secret("playback_link_key", || rand::random::<[u8; 32]>().to_vec()).await?;
    state.playback = Some(playback::Playback::new(recordings, key));
    Ok(state)
}

pub async fn serve(db_args: &DbArgs, mut args: ServeArgs) -> Result<(), ServerError> {
    // Bound first, so that a media node can tell the others the port it really has.
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|source| ServerError::Bind { addr: args.bind, source })?;
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    args.bind = addr;
    let state = start(db_args, &args).await?;
    let db = state.db.clone();
    let nodes = state.nodes.clone();
    let app = http::router(state);
    tracing::info!("listening on http://{addr}");
    let slow = std::time::Duration::from_secs(args.slow_client_timeout);
    http::serve::serve(listener, app, slow, shutdown_signal()).await.map_err(ServerError::Serve)?;
    if let Some(nodes) = nodes {
        nodes.leave().await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// With `--node`: joins the media nodes on the shared PostgreSQL database.
async fn join_nodes(db: &Db, db_args: &DbArgs, args: &ServeArgs) -> Result<Option<nodes::Nodes>, ServerError> {
    let Some(name) = &args.node else { return Ok(None) };
    if db.backend() != db::Backend::Postgres {
        return Err(ServerError::Usage(
            "--node needs a PostgreSQL database (--database-url postgres://…): several media nodes \
             share their cameras through it, and a SQLite file cannot be shared between machines"
                .into(),
        ));
    }
    let url = match &args.node_url {
        Some(url) => url.as_str().trim_end_matches('/').to_string(),
        None if args.bind.ip().is_unspecified() => {
            return Err(ServerError::Usage(format!(
                "--node on {} needs --node-url: the other nodes send viewers to this node's address, \
                 and {} is not one they can reach",
                args.bind,
                args.bind.ip()
            )))
        }
        None => format!("http://{}", args.bind),
    };
    let beat = chrono::Duration::seconds(args.node_heartbeat_seconds as i64);
    let liveness = mingchu_domain::placement::Liveness::every(beat);
    Ok(Some(nodes::Nodes::join(db.clone(), &db_args.database_url(), name.clone(), &url, liveness).await?))
}

fn analysis_config(args: &ServeArgs) -> mingchu_analysis::AnalysisConfig {
    let detector = match (&args.detector, args.no_detector) {
        (_, true) => None,
        (Some(file), false) => Some(mingchu_analysis::DetectorChoice::File(file.clone())),
        (None, false) => Some(mingchu_analysis::DetectorChoice::Shipped {
            models_dir: args.models_dir.clone().unwrap_or_else(|| {
                let here = std::path::PathBuf::from("models");
                if here.is_dir() {
                    here
                } else {
                    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
                }
            }),
        }),
    };
    mingchu_analysis::AnalysisConfig {
        mode: args.analyse,
        interval: std::time::Duration::from_secs(args.analysis_interval),
        workers: args.analysis_workers as usize,
        detector,
        rules_file: args.rules.clone(),
    }
}

/// Tells venues (and their offices) of cameras offline too long and of rectification orders
/// past their due day, once a minute.
fn spawn_offline_notices(db: db::Db, after: chrono::Duration, wake: push::Wake) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            match db.notify_offline_cameras(chrono::Utc::now(), after).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(cameras = n, "venues told of cameras offline too long");
                    wake.now();
                }
                Err(e) => tracing::warn!(error = %e, "could not look for cameras offline too long"),
            }
            match db.escalate_overdue_orders(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(orders = n, "overdue rectification orders escalated");
                    wake.now();
                }
                Err(e) => tracing::warn!(error = %e, "could not look for overdue rectification orders"),
            }
        }
    });
}

/// Grades every venue's risk at start and every six hours (the year of record it looks at
/// moves on); a change to a venue's record regrades that venue at once.
fn spawn_risk_grading(db: db::Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
        loop {
            every.tick().await;
            let started = std::time::Instant::now();
            match db.refresh_risk(None, chrono::Utc::now()).await {
                Ok(n) => tracing::info!(venues = n, ms = started.elapsed().as_millis() as u64, "risk levels graded"),
                Err(e) => tracing::warn!(error = %e, "could not grade risk levels"),
            }
        }
    });
}

/// Marks display screens offline once their heartbeats stop.
fn spawn_screen_sweeper(db: db::Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(15));
        loop {
            every.tick().await;
            match db.sweep_screens(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(screens = n, "display screens went offline"),
                Err(e) => tracing::warn!(error = %e, "could not sweep display screens"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
