//! The two engines hold the same schema: migrations/sqlite and migrations/postgres give the
//! same tables, columns in the same order, the same types (by family), nullability and primary
//! keys. Runs where the PostgreSQL pass of the suite runs (`MINGCHU_TEST_DATABASE`).

use crate::support::database;
use std::collections::BTreeMap;

/// (column, type family, not null, position in the primary key) per table.
type Schema = BTreeMap<String, Vec<(String, String, bool, i64)>>;

fn family(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        "real" | "double precision" => "real",
        "blob" | "bytea" => "blob",
        _ => "other",
    }
}

async fn sqlite_schema(pool: &sqlx::AnyPool) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for table in tables {
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap();
        let rows = columns
            .into_iter()
            // A primary key column is never NULL on PostgreSQL. SQLite does not always say so
            // (a text key of a rowid table, server_secrets.name, would even take a NULL the
            // portal never writes): PostgreSQL is the stricter there, which is allowed.
            .map(|(name, declared, not_null, pk)| (name, family(&declared).to_string(), not_null != 0 || pk > 0, pk))
            .collect();
        schema.insert(table, rows);
    }
    schema
}

async fn postgres_schema(pool: &sqlx::AnyPool) -> Schema {
    let columns: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text,
                CAST(k.ordinal_position AS BIGINT)
         FROM information_schema.columns c
         LEFT JOIN information_schema.table_constraints t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
         LEFT JOIN information_schema.key_column_usage k
           ON k.constraint_name = t.constraint_name AND k.table_schema = c.table_schema
          AND k.table_name = c.table_name AND k.column_name = c.column_name
         WHERE c.table_schema = current_schema() AND c.table_name <> '_sqlx_migrations'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table, name, declared, nullable, pk) in columns {
        schema.entry(table).or_default().push((name, family(&declared).to_string(), nullable == "NO", pk.unwrap_or(0)));
    }
    schema
}

/// Whether this is the suite's PostgreSQL pass (these tests need both engines).
fn postgres_pass() -> bool {
    let on = database::postgres().is_some();
    if !on {
        eprintln!("skipped: MINGCHU_TEST_DATABASE names no PostgreSQL server (the PostgreSQL pass runs it)");
    }
    on
}

#[tokio::test]
async fn sqlite_and_postgresql_hold_the_same_schema() {
    if !postgres_pass() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pg_data = dir.path().join("pg");
    let pg = server::db::Db::connect(&database::url(&pg_data)).await.unwrap();
    pg.migrate().await.unwrap();
    let lite_url = format!("sqlite://{}", dir.path().join("lite.db").display());
    let lite = server::db::Db::connect(&lite_url).await.unwrap();
    lite.migrate().await.unwrap();
    sqlx::any::install_default_drivers();
    let lite_pool = sqlx::AnyPool::connect(&lite_url).await.unwrap();
    let pg_pool = database::pool(&pg_data).await;
    let (a, b) = (sqlite_schema(&lite_pool).await, postgres_schema(&pg_pool).await);
    assert!(a.len() > 50, "the SQLite schema was read: {} tables", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same tables");
    for (table, columns) in &a {
        assert_eq!(columns, &b[table], "table {table}: (column, type, not null, key position) differ");
    }
}

#[tokio::test]
async fn a_district_is_copied_into_postgresql_with_every_row_and_its_audit_chain() {
    if !postgres_pass() {
        return;
    }
    use crate::support::cli::{mingchu, ok, refused};
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let lite = dir.path().join("lite");
    std::fs::create_dir_all(&lite).unwrap();
    let lite_url = format!("sqlite://{}", lite.join("mingchu.db").display());
    // The district on SQLite, the embedded default (the URL given, so not the test's server).
    let on_sqlite = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mingchu")).args(["--database-url", &lite_url]).args(args).output().unwrap()
    };
    ok(on_sqlite(&["seed-demo"]));
    ok(on_sqlite(&["user", "add", "--login", "li.admin", "--name", "李监管", "--role", "administrator"]));
    let pg = dir.path().join("pg");
    let pg_url = database::url(&pg);
    let copied = ok(mingchu(&pg, &["db", "copy", "--from", &lite_url, "--to", &pg_url]));
    assert!(copied.contains("every count matches"), "{copied}");
    let rows = |table: &str| -> u64 {
        copied.lines().find_map(|l| l.strip_prefix(&format!("{table}\t"))).unwrap_or("0").parse().unwrap()
    };
    assert_eq!(rows("venues"), 48, "{copied}");
    assert!(rows("camera_checks_daily") > 10_000, "a year of checks: {copied}");
    assert!(rows("audit_log") > 0, "{copied}");
    // A second copy into the same database is refused, and nothing changes.
    refused(mingchu(&pg, &["db", "copy", "--from", &lite_url, "--to", &pg_url]), "already holds data");
    // The copied chain verifies, and the portal on PostgreSQL answers as it did on SQLite.
    ok(mingchu(&pg, &["audit", "verify"]));
    let a = crate::support::Server::start_on_with(&lite, &["--database-url", &lite_url]);
    let b = crate::support::Server::start_on(&pg);
    for path in ["/api/v1/venues?page=2", "/api/v1/venues/7", "/api/v1/venues/7/inspections", "/api/v1/programme"] {
        let (mut x, mut y) =
            (crate::support::get_json(&a.base, path).await, crate::support::get_json(&b.base, path).await);
        // When each server computed its year of figures (a second apart, perhaps) is not data.
        for answer in [&mut x.1, &mut y.1] {
            if let Some(year) = answer.get_mut("year").and_then(|y| y.as_object_mut()) {
                year.remove("computed_at");
            }
        }
        assert_eq!(x.0, 200, "{path}");
        assert_eq!(x, y, "{path} on SQLite and on the copy in PostgreSQL");
    }
    // New rows get new ids after the copied ones.
    ok(mingchu(
        &pg,
        &["user", "add", "--login", "wang.inspector", "--name", "王", "--role", "inspector", "--office", "1"],
    ));
}

#[test]
fn db_copy_refuses_a_missing_source_and_a_target_that_is_not_postgresql_creating_nothing() {
    use crate::support::cli::{mingchu, ok, refused};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let source = crate::support::database::url(&data);
    let missing = dir.path().join("nowhere.db");
    let lite_target = dir.path().join("copy.db");
    let to_pg = "postgres://nobody@127.0.0.1:1/none";
    refused(
        mingchu(&data, &["db", "copy", "--from", &format!("sqlite://{}", missing.display()), "--to", to_pg]),
        "there is no database at",
    );
    refused(
        mingchu(&data, &["db", "copy", "--from", &source, "--to", &format!("sqlite://{}", lite_target.display())]),
        "the copy goes into an empty PostgreSQL database",
    );
    assert!(!missing.exists() && !lite_target.exists(), "a refused copy creates no file");
}
