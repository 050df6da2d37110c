//! Command line and environment settings.

use clap::{Args, Parser, Subcommand};
use mingchu_analysis::AnalyseMode;
use mingchu_media::source::RtspTransport;
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

/// A way viewers reach the WebRTC media port.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebrtcTransport {
    Udp,
    Tcp,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web portal (the default).
    Serve(Box<ServeArgs>),
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
    /// Add or list cameras.
    #[command(subcommand)]
    Camera(CameraCommand),
    /// A venue's replies to inspections (right of reply): add, list, publish, reject.
    #[command(subcommand)]
    Reply(ReplyCommand),
    /// Display screens in dining rooms: add (prints the screen's secret URL), list, rotate, revoke.
    #[command(subcommand)]
    Screen(ScreenCommand),
    /// Capture events found by frame analysis, waiting for an inspector's review.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Workspace accounts: add, list, disable, reset-password (prints a one-time link).
    #[command(subcommand)]
    User(UserCommand),
    /// The audit log: verify its hash chain, print its head or its newest entries.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Per-user API tokens with scopes: create (prints the token once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Where notices (confirmed findings, cameras offline too long) are pushed: WeCom and
    /// DingTalk group robots and signed JSON webhooks of a venue or a supervision office.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// The legal clauses rectification orders cite: list, add, retire (orders that cited a
    /// retired clause keep it as printed).
    #[command(subcommand)]
    Clause(ClauseCommand),
    /// Open311 API keys for partner systems: create (prints the key once), list, revoke.
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// Citizens' complaints: list, show (with private contact details), update the status.
    #[command(subcommand)]
    Complaint(ComplaintCommand),
    /// The database itself: copy a district into PostgreSQL.
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy every table of one database into an empty PostgreSQL database (both are brought
    /// up to date first), in one transaction, with each table's row count checked.
    Copy {
        /// The database to copy, e.g. sqlite://data/mingchu.db.
        #[arg(long)]
        from: String,
        /// An empty PostgreSQL database, e.g. postgres://mingchu@db.example/mingchu.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Issue a key named NAME for Open311 POST requests; the key is printed once.
    Create { name: String },
    /// List keys (names and dates; keys themselves are never stored).
    List,
    /// Revoke the key named NAME.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// List complaints, newest first.
    List {
        /// Only complaints with this status (submitted, accepted, …).
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One complaint with its updates and private contact details.
    Show { reference: String },
    /// Move a complaint to a new status with a public note (a rejection needs the reason).
    Update {
        reference: String,
        /// accepted, rejected, investigating, action_scheduled, resolved, closed or duplicate.
        #[arg(long)]
        status: String,
        /// Shown publicly on the complaint's page.
        #[arg(long, default_value = "")]
        note: String,
        /// For a duplicate: the reference of the original complaint.
        #[arg(long)]
        duplicate_of: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List capture events, newest first.
    List {
        /// Only this camera's events.
        #[arg(long)]
        camera: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScreenCommand {
    /// Register a screen for a venue; prints the URL to open in the screen's browser.
    Add {
        /// The venue's id (see /api/v1/venues).
        #[arg(long)]
        venue: i64,
        /// A name to tell the venue's screens apart (default "screen N").
        #[arg(long)]
        name: Option<String>,
        /// Show snapshots every few seconds instead of live video (for poor uplinks).
        #[arg(long)]
        low_bandwidth: bool,
        /// Seconds each camera is shown large in turn; 0 keeps an even grid.
        #[arg(long, default_value_t = 20)]
        promote_seconds: u32,
        #[command(flatten)]
        url: PublicUrl,
    },
    /// List screens with their last heartbeat and online history.
    List {
        /// Only this venue's screens.
        #[arg(long)]
        venue: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Give a screen a new secret URL (the old one stops working at once); prints it.
    Rotate {
        id: i64,
        #[command(flatten)]
        url: PublicUrl,
    },
    /// Revoke a screen: its URL stops working and it no longer counts as installed.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a one-time link where its owner sets a password.
    Add {
        /// The sign-in name: 3 to 40 lower-case letters, digits, dots, dashes or underscores.
        #[arg(long)]
        login: String,
        /// The person's name as colleagues see it.
        #[arg(long)]
        name: String,
        /// administrator, inspector or operator (a venue's operator).
        #[arg(long, value_parser = crate::config::parse_role)]
        role: mingchu_domain::access::Role,
        /// An inspector's supervision office: its name or number.
        #[arg(long)]
        office: Option<String>,
        /// An operator's venue (repeat for several), by id (see /api/v1/venues).
        #[arg(long = "venue")]
        venues: Vec<i64>,
        #[command(flatten)]
        base: PublicUrl,
    },
    /// List accounts with their role, office or venues, and state.
    List,
    /// Disable an account for good: it can no longer sign in and its links stop working.
    Disable { login: String },
    /// Print a new one-time link where the account's owner sets a new password.
    ResetPassword {
        login: String,
        #[command(flatten)]
        base: PublicUrl,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token that acts for an account, only within its scopes; prints it once.
    Create {
        /// The account it acts for.
        #[arg(long)]
        login: String,
        /// What it is for (e.g. the system that uses it).
        #[arg(long)]
        name: String,
        /// read, captures, complaints, venues or admin (repeat for several).
        #[arg(long = "scope", required = true, value_parser = crate::config::parse_scope)]
        scopes: Vec<mingchu_domain::access::TokenScope>,
    },
    /// List tokens (never the tokens themselves) with their account, scopes and use.
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

/// `--recording`: a recording policy's code.
pub fn recording_parser(code: &str) -> Result<mingchu_domain::recording::RecordingPolicy, String> {
    mingchu_domain::recording::RecordingPolicy::from_code(code.trim())
        .ok_or_else(|| format!("unknown recording policy {code:?}: use continuous, events or off"))
}

/// `--recording-quota-gb`: a positive number of gigabytes.
pub fn quota_parser(given: &str) -> Result<f64, String> {
    match given.trim().parse::<f64>() {
        Ok(gb) if gb.is_finite() && gb > 0.0 => Ok(gb),
        _ => Err(format!("the quota is a positive number of gigabytes, like 500 or 0.5, not {given:?}")),
    }
}

/// `--retention-days`: 1 to 365.
pub fn retention_parser(given: &str) -> Result<u32, String> {
    let days: u32 = given.trim().parse().map_err(|_| format!("retention must be a number of days, not {given:?}"))?;
    mingchu_domain::recording::check_retention(days)
}

/// `--scope`: one of the scope codes.
pub fn parse_scope(code: &str) -> Result<mingchu_domain::access::TokenScope, String> {
    mingchu_domain::access::TokenScope::from_code(code.trim())
        .ok_or_else(|| format!("unknown scope {code:?}: use read, captures, complaints, venues or admin"))
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain from the first entry to the last; names the first bad entry.
    Verify {
        /// A head published earlier (COUNT:HASH, from /api/v1/audit/head): the log must
        /// still contain it unchanged.
        #[arg(long)]
        head: Option<String>,
    },
    /// Print the chain's head: the number of entries and the newest hash (COUNT:HASH).
    Head,
    /// Print the newest entries.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

/// `--role`: one of the role codes.
pub fn parse_role(code: &str) -> Result<mingchu_domain::access::Role, String> {
    mingchu_domain::access::Role::from_code(code.trim())
        .ok_or_else(|| format!("unknown role {code:?}: use administrator, inspector or operator"))
}

#[derive(Debug, Clone, Args)]
pub struct PublicUrl {
    /// The portal's address as the public reaches it (printed URLs and QR codes use it).
    #[arg(long = "public-url", env = "MINGCHU_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: url::Url,
}

#[derive(Debug, Subcommand)]
pub enum ReplyCommand {
    /// Record a venue's reply to an inspection; it waits for moderation. Prints its id.
    Add {
        /// The inspection's id (`id` in /api/v1/venues/{id}/inspections).
        #[arg(long)]
        inspection: i64,
        /// The finding it answers: its position in the inspection's list, from 1.
        #[arg(long)]
        finding: Option<u32>,
        /// The reply, plain text (at most 2,000 characters).
        #[arg(long)]
        text: String,
    },
    /// List replies, oldest first.
    List {
        #[arg(long, value_enum)]
        status: Option<crate::db::ReplyStatus>,
        #[arg(long)]
        json: bool,
    },
    /// Publish a pending reply on the venue's public page.
    Publish { id: i64 },
    /// Reject a pending reply, with the reason the venue is told.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CameraCommand {
    /// Add an RTSP camera to a venue; prints the new camera's id.
    Add {
        /// The venue's id (see /api/v1/venues).
        #[arg(long)]
        venue: i64,
        #[arg(long)]
        name: String,
        /// Kitchen area: special_room, cooking, rough_prep, cutting, dishwashing, serving,
        /// storage, staple_food (or the Chinese name, e.g. 烹饪区).
        #[arg(long)]
        area: String,
        /// rtsp://[user:password@]host[:port]/path. Credentials are stored, never shown.
        #[arg(long)]
        url: String,
        /// How RTP travels from the camera.
        #[arg(long, default_value = "tcp", value_parser = transport_parser())]
        transport: RtspTransport,
        /// Keep it connected all the time instead of only while watched.
        #[arg(long)]
        always_on: bool,
        /// Hide it from the public (regulators and the venue still see it).
        #[arg(long)]
        private: bool,
        /// What to record: continuous, events (the seconds around captures, patrol snapshots
        /// and complaints) or off.
        #[arg(long, default_value = "off", value_parser = recording_parser)]
        recording: mingchu_domain::recording::RecordingPolicy,
        /// Days recorded video is kept (1 to 365).
        #[arg(long, default_value_t = mingchu_domain::recording::DEFAULT_RETENTION_DAYS, value_parser = retention_parser)]
        retention_days: u32,
    },
    /// Set what a camera records and for how long (applies when the server next starts; the
    /// console applies it at once).
    Recording {
        #[arg(long)]
        camera: i64,
        /// continuous, events or off.
        #[arg(long, value_parser = recording_parser)]
        policy: mingchu_domain::recording::RecordingPolicy,
        /// Days recorded video is kept (1 to 365).
        #[arg(long, default_value_t = mingchu_domain::recording::DEFAULT_RETENTION_DAYS, value_parser = retention_parser)]
        retention_days: u32,
    },
    /// List cameras with their last recorded state (credentials hidden).
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
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
    /// UDP address of the WebRTC media (one port for every viewer; port 0 picks a free one).
    #[arg(long, env = "MINGCHU_WEBRTC_BIND", default_value = "127.0.0.1:8189")]
    pub webrtc_bind: SocketAddr,
    /// Addresses viewers reach the media port at, when it is bound to 0.0.0.0 (for example the
    /// server's public IP); by default loopback and the address of the default route.
    #[arg(long = "webrtc-ip", env = "MINGCHU_WEBRTC_IPS", value_delimiter = ',')]
    pub webrtc_ips: Vec<std::net::IpAddr>,
    /// How viewers may reach the media port: UDP, and ICE-TCP on the same port number for
    /// networks that block UDP (browsers use it only when UDP fails). `tcp` alone suits a site
    /// whose firewall passes no UDP.
    #[arg(long = "webrtc-transport", env = "MINGCHU_WEBRTC_TRANSPORTS", value_delimiter = ',',
          default_values = ["udp", "tcp"])]
    pub webrtc_transports: Vec<WebrtcTransport>,
    /// Seconds a client may take to send its request headers, or between two pieces of a
    /// request body, before the connection is closed (slow or stalled clients hold sockets).
    #[arg(long, env = "MINGCHU_SLOW_CLIENT_TIMEOUT", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub slow_client_timeout: u64,
    /// Complaint uploads received at once; more are answered 503 with Retry-After.
    #[arg(long, env = "MINGCHU_MAX_UPLOADS", default_value_t = 64,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000))]
    pub max_uploads: usize,
    /// Live-video sessions the server takes at once, counting those still connecting; more
    /// are answered 429 with Retry-After.
    #[arg(long, env = "MINGCHU_MAX_VIEWERS", default_value_t = 2000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_viewers: usize,
    /// Live-video sessions per camera.
    #[arg(long, env = "MINGCHU_MAX_VIEWERS_PER_CAMERA", default_value_t = 500,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_viewers_per_camera: usize,
    /// Live-video sessions per client address (IPv6: per /64); a display screen or a school's
    /// network holds several.
    #[arg(long, env = "MINGCHU_MAX_VIEWERS_PER_ADDRESS", default_value_t = 40,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_viewers_per_address: usize,
    /// Seconds between checks of every camera (whether it shows a playable picture), from
    /// which "online now" and the online rates are computed; 0 turns checks off. At most 600,
    /// so "online now" (a check at most 20 minutes old) stays meaningful.
    #[arg(long, env = "MINGCHU_CHECK_INTERVAL", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(0..=600))]
    pub check_interval: u64,
    /// Minutes a trading venue's camera may be offline before the venue (its console inbox and
    /// webhooks) is told; 0 turns these notices off.
    #[arg(long, env = "MINGCHU_OFFLINE_NOTICE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(0..=10_080))]
    pub offline_notice_minutes: u64,
    /// Seconds before a failed webhook delivery (or message to a complainant) is first tried
    /// again; each later wait doubles (at most 6 hours), and one is given up after 12 attempts.
    #[arg(long, env = "MINGCHU_WEBHOOK_RETRY_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub webhook_retry_seconds: u64,
    /// The programme's message gateway, the operator's relay to its SMS platform and mail
    /// server: when a complaint is handled, its complainant is asked there (by the mobile number
    /// or email address they left) to rate it. It takes signed JSON (`docs/design/kpis.md`).
    /// Without it, complainants are asked on the complaint's page only.
    #[arg(long, env = "MINGCHU_MESSAGE_GATEWAY_URL", requires = "message_gateway_secret")]
    pub message_gateway_url: Option<url::Url>,
    /// The key the gateway's requests are signed with (HMAC-SHA256, 16 to 200 characters).
    #[arg(long, env = "MINGCHU_MESSAGE_GATEWAY_SECRET", requires = "message_gateway_url",
          value_parser = gateway_secret, hide_env_values = true)]
    pub message_gateway_secret: Option<String>,
    /// The portal's address as the public reaches it, for the QR codes on display screens
    /// and the links sent to complainants; by default taken from each request's Host header
    /// (and then no link is sent).
    #[arg(long, env = "MINGCHU_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Which cameras frame analysis (health checks, detector) looks at: `all` keeps every RTSP
    /// camera connected for it (demo cameras are analysed while they run), `running` only
    /// cameras running anyway (watched or always-on), `off`.
    #[arg(long, env = "MINGCHU_ANALYSE", default_value = "all", value_parser = analyse_parser())]
    pub analyse: AnalyseMode,
    /// Seconds between analysed samples of a camera.
    #[arg(long, env = "MINGCHU_ANALYSIS_INTERVAL", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub analysis_interval: u64,
    /// Worker threads for frame analysis (each takes one core while busy).
    #[arg(long, env = "MINGCHU_ANALYSIS_WORKERS", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    pub analysis_workers: u64,
    /// Health checks only: do not run the detector.
    #[arg(long, env = "MINGCHU_NO_DETECTOR")]
    pub no_detector: bool,
    /// Where the shipped detector models are (default `./models`, else the source tree's).
    #[arg(long, env = "MINGCHU_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,
    /// Another detector instead of the shipped one: a JSON file naming its ONNX model, format
    /// (nanodet, blazeface, yolo), label file and thresholds; see docs/design/analysis.md.
    #[arg(long, env = "MINGCHU_DETECTOR", conflicts_with = "no_detector")]
    pub detector: Option<PathBuf>,
    /// Capture rules as a JSON list (default: the rules shipped for the COCO detector); see
    /// docs/design/analysis.md.
    #[arg(long, env = "MINGCHU_RULES")]
    pub rules: Option<PathBuf>,
    /// Bearer token for the admin API (`/api/v1/events`), at least 32 characters; without it
    /// those endpoints refuse. Prefer the environment or --admin-token-file: arguments are
    /// visible to every user of the machine.
    #[arg(long, env = "MINGCHU_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Where recorded video is kept; defaults to `<data-dir>/recordings`.
    #[arg(long, env = "MINGCHU_RECORDINGS_DIR")]
    pub recordings_dir: Option<PathBuf>,
    /// Seconds of video per recorded file (each file starts at a keyframe).
    #[arg(long, env = "MINGCHU_RECORDING_SEGMENT_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(2..=600))]
    pub recording_segment_seconds: u64,
    /// The programme's disk quota for recorded video, in GB; the oldest footage not held as
    /// evidence goes first when it is reached. Default: no quota (retention only).
    #[arg(long, env = "MINGCHU_RECORDING_QUOTA_GB", value_parser = quota_parser)]
    pub recording_quota_gb: Option<f64>,
    /// Days footage held as evidence stays after its case closed.
    #[arg(long, env = "MINGCHU_EVIDENCE_KEEP_DAYS", default_value_t = mingchu_domain::recording::DEFAULT_EVIDENCE_KEEP_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub evidence_keep_days: u32,
    /// How often retention and the quota are applied.
    #[arg(long, env = "MINGCHU_RECORDING_SWEEP_SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub recording_sweep_seconds: u64,
    /// A file holding the admin token (its first line), instead of --admin-token.
    #[arg(long, env = "MINGCHU_ADMIN_TOKEN_FILE", conflicts_with = "admin_token")]
    pub admin_token_file: Option<PathBuf>,
    /// Complaint submissions allowed per client address per hour (also the burst); 0 turns
    /// the limit off.
    #[arg(long, env = "MINGCHU_COMPLAINTS_PER_HOUR", default_value_t = 20)]
    pub complaints_per_hour: u32,
    /// Memory (MiB) that decoding complaint photos may take at once, counted from each
    /// picture's declared size before it is decoded; photos wait their turn beyond it.
    #[arg(long, env = "MINGCHU_PHOTO_DECODE_MIB", default_value_t = 512,
          value_parser = clap::value_parser!(u64).range(16..=65536))]
    pub photo_decode_mib: u64,
    /// Behind a reverse proxy: the request header carrying the client's address (for example
    /// X-Real-IP). Without it, the connection's address is the client's.
    #[arg(long, env = "MINGCHU_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,
    /// Who runs this portal, for partner systems (Open311 discovery's contact and where to ask
    /// for an API key): an office, an email address, a phone number.
    #[arg(long, env = "MINGCHU_OPERATOR_CONTACT", default_value = "12315")]
    pub operator_contact: String,
    /// Run as one of several media nodes sharing the cameras through one PostgreSQL database
    /// (docs/design/scale.md): this node's name, unique among them (e.g. media-1).
    #[arg(long, env = "MINGCHU_NODE", value_parser = parse_node_name)]
    pub node: Option<mingchu_domain::placement::NodeName>,
    /// With --node: this node's address as viewers reach it (e.g. https://media-1.example.org);
    /// the other nodes send viewers of this node's cameras there. By default http:// and the
    /// address bound.
    #[arg(long, env = "MINGCHU_NODE_URL", requires = "node")]
    pub node_url: Option<url::Url>,
    /// With --node: seconds between heartbeats; a node that misses three is dead to the others,
    /// which take its cameras.
    #[arg(long, env = "MINGCHU_NODE_HEARTBEAT_SECONDS", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=60))]
    pub node_heartbeat_seconds: u64,
}

fn parse_node_name(raw: &str) -> Result<mingchu_domain::placement::NodeName, String> {
    mingchu_domain::placement::NodeName::parse(raw)
}

/// The shortest admin token accepted: 32 characters (a random token of that length cannot be
/// guessed over the network).
pub const MIN_ADMIN_TOKEN: usize = 32;

impl ServeArgs {
    /// The admin token from --admin-token or --admin-token-file, checked; `None`: no admin API.
    pub fn admin_token(&self) -> Result<Option<String>, String> {
        let token = match (&self.admin_token, &self.admin_token_file) {
            (Some(token), _) => token.trim().to_string(),
            (None, Some(file)) => {
                let token = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read the admin token file {}: {e}", file.display()))?
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if token.is_empty() {
                    return Err(format!("the admin token file {} is empty", file.display()));
                }
                token
            }
            (None, None) => return Ok(None),
        };
        if token.is_empty() {
            return Ok(None);
        }
        if token.chars().count() < MIN_ADMIN_TOKEN {
            return Err(format!(
                "the admin token is {} characters; use at least {MIN_ADMIN_TOKEN} (for example: openssl rand -hex 24)",
                token.chars().count()
            ));
        }
        Ok(Some(token))
    }

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

/// `tcp` or `udp`, listed in `--help`.
fn transport_parser() -> impl clap::builder::TypedValueParser<Value = RtspTransport> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(RtspTransport::CODES)
        .map(|code| RtspTransport::from_code(&code).expect("one of the listed codes"))
}

/// `all`, `running` or `off`, listed in `--help`.
fn analyse_parser() -> impl clap::builder::TypedValueParser<Value = AnalyseMode> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(AnalyseMode::CODES)
        .map(|code| AnalyseMode::from_code(&code).expect("one of the listed codes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> ServeArgs {
        let mut all = vec!["mingchu", "serve"];
        all.extend_from_slice(args);
        match Cli::parse_from(all).command {
            Some(Command::Serve(args)) => *args,
            _ => unreachable!("serve was given"),
        }
    }

    #[test]
    fn a_short_admin_token_is_refused_with_a_reason() {
        let refused = serve(&["--admin-token", "s3cret"]).admin_token().unwrap_err();
        assert!(refused.contains("6 characters") && refused.contains("at least 32"), "{refused}");
        let long = "a".repeat(MIN_ADMIN_TOKEN);
        assert_eq!(serve(&["--admin-token", &long]).admin_token(), Ok(Some(long)));
        if std::env::var_os("MINGCHU_ADMIN_TOKEN").is_none() && std::env::var_os("MINGCHU_ADMIN_TOKEN_FILE").is_none() {
            assert_eq!(serve(&[]).admin_token(), Ok(None), "no token: the admin API is off");
        }
    }

    #[test]
    fn the_admin_token_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, format!("{}\nignored second line\n", "t".repeat(40))).unwrap();
        let path = file.display().to_string();
        assert_eq!(serve(&["--admin-token-file", &path]).admin_token(), Ok(Some("t".repeat(40))));
        std::fs::write(&file, "\n").unwrap();
        let empty = serve(&["--admin-token-file", &path]).admin_token().unwrap_err();
        assert!(empty.contains("is empty"), "{empty}");
        let missing = serve(&["--admin-token-file", "/nonexistent/token"]).admin_token().unwrap_err();
        assert!(missing.contains("cannot read the admin token file"), "{missing}");
    }
}

#[derive(Debug, Subcommand)]
pub enum ClauseCommand {
    /// The clauses in use (and, with --all, the retired ones).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Add a clause, e.g. --code fsl-34 --law 《中华人民共和国食品安全法》 --article 第三十四条.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        law: String,
        #[arg(long)]
        article: String,
        /// What it requires, in a line.
        #[arg(long)]
        summary: String,
    },
    /// Stop offering a clause to new orders.
    Retire { code: String },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Push a venue's notices (or every venue's an office covers) to a robot or a webhook.
    Add {
        /// The venue whose notices are pushed.
        #[arg(long, conflicts_with = "office", required_unless_present = "office")]
        venue: Option<i64>,
        /// The supervision office (its name or number): notices of every venue it covers.
        #[arg(long)]
        office: Option<String>,
        /// wecom (企业微信 group robot), dingtalk (钉钉 robot with 加签) or json (signed JSON).
        #[arg(long)]
        channel: String,
        /// The robot's webhook address (with its key or access token) or the receiver's.
        #[arg(long)]
        url: String,
        /// DingTalk's signing secret (SEC…) or the JSON webhook's HMAC key.
        #[arg(long, env = "MINGCHU_WEBHOOK_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// A name people recognise it by (the group's name).
        #[arg(long, default_value = "")]
        label: String,
    },
    /// The live webhooks and how their deliveries went.
    List,
    /// Stop pushing to a webhook (what is queued for it is cancelled).
    Remove { id: i64 },
}

/// A gateway's signing key: 16 to 200 characters.
fn gateway_secret(s: &str) -> Result<String, String> {
    let n = s.chars().count();
    if (16..=200).contains(&n) {
        Ok(s.to_string())
    } else {
        Err(format!("the gateway's secret must be 16 to 200 characters (this one has {n})"))
    }
}
