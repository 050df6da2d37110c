//! Which database a test's portal runs on. By default the SQLite file in its data folder;
//! with `MINGCHU_TEST_DATABASE=postgres://USER@HOST:PORT/DB` (set by `scripts/test.sh` after
//! it starts a throwaway PostgreSQL cluster) each data folder gets a database of its own on
//! that server, so the same tests run on both engines.

use std::path::Path;
use std::process::Command;

/// The PostgreSQL server the tests run against, if any.
pub fn postgres() -> Option<String> {
    std::env::var("MINGCHU_TEST_DATABASE").ok().filter(|u| u.starts_with("postgres"))
}

/// The database URL for the portal on `data`: created on first use (on PostgreSQL), and the
/// same for every command and server given the same folder.
pub fn url(data: &Path) -> String {
    let Some(admin) = postgres() else {
        return format!("sqlite://{}", data.join("mingchu.db").display());
    };
    std::fs::create_dir_all(data).expect("data folder");
    let marker = data.join("test-database-url");
    if let Ok(url) = std::fs::read_to_string(&marker) {
        return url;
    }
    let name = format!("t_{}_{}", std::process::id(), unique());
    let out = Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-qAt", &admin, "-c"])
        .arg(format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        ))
        .output()
        .expect("run psql (PostgreSQL's client) to create a test database");
    assert!(out.status.success(), "CREATE DATABASE {name}: {}", String::from_utf8_lossy(&out.stderr));
    let (base, _) = admin.rsplit_once('/').expect("a database URL ends with /DATABASE");
    let url = format!("{base}/{name}");
    std::fs::write(&marker, &url).expect("remember the test database");
    url
}

/// Sets the database of `data` on a `mingchu` command (the folder itself is passed by the
/// caller as `--data-dir`).
pub fn on(command: &mut Command, data: &Path) {
    if postgres().is_some() {
        command.env("MINGCHU_DATABASE_URL", url(data));
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A pool on the database behind `data`, for tests that write rows as another part of the
/// system would (frame analysis), or as someone with access to the database would.
pub async fn pool(data: &Path) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&url(data)).await.expect("connect to the test database")
}

/// Stores a capture as frame analysis would (a one-pixel JPEG as its snapshot); its id.
pub async fn insert_capture(pool: &sqlx::AnyPool, camera: i64, at: &str, category: &str, boxes: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO capture_events (camera_id, at, category, confidence, boxes, snapshot) \
         VALUES ($1, $2, $3, 0.87, $4, $5) RETURNING id",
    )
    .bind(camera)
    .bind(at)
    .bind(category)
    .bind(boxes)
    .bind(vec![0xffu8, 0xd8, 0xff, 0xd9])
    .fetch_one(pool)
    .await
    .expect("store a capture")
}
