//! The audit log: appended inside the transaction of the change it records, so a change is
//! never without its entry, and verified as a stream (mingchu_domain::audit).

use super::{Db, DbError};
use futures::TryStreamExt;
use mingchu_domain::audit::{next_entry, Break, Change, Entry, Head, Verifier};
use sqlx::AnyConnection;

/// Appends `change` after the current head. Called inside a write transaction (`BEGIN
/// IMMEDIATE`), which keeps appends in order.
pub(super) async fn append(conn: &mut AnyConnection, change: Change) -> Result<Entry, DbError> {
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let head = head.map(|(count, hash)| Head { count, hash });
    let entry = next_entry(head.as_ref(), change);
    let c = &entry.change;
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, role, action, object, before, after, address, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(&c.at)
    .bind(&c.actor)
    .bind(&c.role)
    .bind(&c.action)
    .bind(&c.object)
    .bind(&c.before)
    .bind(&c.after)
    .bind(&c.address)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    Ok(entry)
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn entry(row: Row) -> Entry {
    let (seq, at, actor, role, action, object, before, after, address, prev_hash, hash) = row;
    Entry { seq, change: Change { at, actor, role, action, object, before, after, address }, prev_hash, hash }
}

const COLUMNS: &str = "seq, at, actor, role, action, object, before, after, address, prev_hash, hash";

/// What verifying the log found.
#[derive(Debug)]
pub enum AuditCheck {
    Intact(Option<Head>),
    Broken(Break),
}

impl Db {
    /// The newest entry's number and hash; `None` while the log is empty.
    pub async fn audit_head(&self) -> Result<Option<Head>, DbError> {
        let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(head.map(|(count, hash)| Head { count, hash }))
    }

    /// Reads the whole log in order and checks its chain (and a head kept earlier).
    pub async fn verify_audit(&self, kept: Option<Head>) -> Result<AuditCheck, DbError> {
        let mut verifier = Verifier::new(kept);
        let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq");
        let mut rows = sqlx::query_as::<_, Row>(&sql).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            if let Err(broken) = verifier.check(&entry(row)) {
                return Ok(AuditCheck::Broken(broken));
            }
        }
        Ok(match verifier.finish() {
            Ok(head) => AuditCheck::Intact(head),
            Err(broken) => AuditCheck::Broken(broken),
        })
    }

    /// The newest `limit` entries, newest first.
    pub async fn audit_entries(&self, limit: u32) -> Result<Vec<Entry>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1");
        let rows = sqlx::query_as::<_, Row>(&sql).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(entry).collect())
    }
}
