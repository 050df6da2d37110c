//! `mingchu db copy`: every table of one database into an empty PostgreSQL database, in one
//! transaction, counts checked, so a district outgrowing SQLite keeps everything it recorded
//! (the audit chain too: rows are copied as they are, hashes and all).

use super::{Backend, Db, DbError};
use futures::TryStreamExt as _;
use sqlx::any::AnyTypeInfoKind;
use sqlx::{AnyConnection, Row as _, ValueRef as _};
use std::collections::{BTreeMap, BTreeSet};

/// Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters per statement).
const BATCH_PARAMETERS: usize = 30_000;

/// What a copy moved: rows per table, in the order they were copied.
#[derive(Debug, Default)]
pub struct CopyReport {
    pub tables: Vec<(String, u64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the copy goes into PostgreSQL (the target is SQLite): copying into SQLite is not supported")]
    TargetNotPostgres,
    #[error("the target database already holds data ({0} has rows): copy into an empty database")]
    TargetNotEmpty(String),
    #[error("the target has no table {0}: the two databases are at different schema versions")]
    MissingTable(String),
    #[error("table {table}: {from} rows in the source but {to} in the target after the copy")]
    CountMismatch { table: String, from: i64, to: i64 },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError::Db(e.into())
    }
}

/// A value read from the source, bound as it came.
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Copies every table of `from` into `to` (both migrated; `to` PostgreSQL and empty).
pub async fn copy(from: &Db, to: &Db) -> Result<CopyReport, CopyError> {
    if to.backend != Backend::Postgres {
        return Err(CopyError::TargetNotPostgres);
    }
    let tables = tables_in_dependency_order(from).await?;
    let target_columns = postgres_columns(to).await?;
    for table in &tables {
        if !target_columns.contains_key(table) {
            return Err(CopyError::MissingTable(table.clone()));
        }
        let any: Option<i64> =
            sqlx::query_scalar(&format!("SELECT 1 FROM {table} LIMIT 1")).fetch_optional(&to.pool).await?;
        // The schema's own rows (the legal clauses a migration seeds) are replaced by the source's.
        if any.is_some() && table != "legal_clauses" {
            return Err(CopyError::TargetNotEmpty(table.clone()));
        }
    }
    let mut tx = to.write_tx().await?;
    // Rows are copied as they are: the triggers that derive rows (status history, roll-ups)
    // would write them a second time.
    for table in &tables {
        sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER USER")).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM legal_clauses").execute(&mut *tx).await?;
    let mut report = CopyReport::default();
    for table in &tables {
        let columns = &target_columns[table];
        let copied = copy_table(from, &mut tx, table, columns).await?;
        report.tables.push((table.clone(), copied));
    }
    for table in &tables {
        sqlx::query(&format!("ALTER TABLE {table} ENABLE TRIGGER USER")).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    to.resync_ids().await?;
    for (table, _) in &report.tables {
        let count = |db: &Db| {
            let sql = format!("SELECT count(*) FROM {table}");
            let pool = db.pool.clone();
            async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&pool).await }
        };
        let (a, b) = (count(from).await?, count(to).await?);
        if a != b {
            return Err(CopyError::CountMismatch { table: table.clone(), from: a, to: b });
        }
    }
    Ok(report)
}

async fn copy_table(
    from: &Db,
    tx: &mut AnyConnection,
    table: &str,
    columns: &[(String, String)],
) -> Result<u64, CopyError> {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let select = format!("SELECT {} FROM {table}", names.join(", "));
    let per_batch = (BATCH_PARAMETERS / columns.len().max(1)).max(1);
    let mut copied = 0;
    // Read as a stream, a batch at a time: a year of a city's camera checks need not fit in memory.
    let mut rows = sqlx::query(&select).fetch(&from.pool);
    let mut batch = Vec::with_capacity(per_batch);
    loop {
        let row = rows.try_next().await?;
        let done = row.is_none();
        batch.extend(row);
        if batch.len() < per_batch && !done {
            continue;
        }
        if batch.is_empty() {
            break;
        }
        let mut values = Vec::with_capacity(batch.len() * columns.len());
        let mut tuples = Vec::with_capacity(batch.len());
        for row in batch.drain(..) {
            let mut marks = Vec::with_capacity(columns.len());
            for (i, (_, pg_type)) in columns.iter().enumerate() {
                values.push(value(&row, i)?);
                marks.push(format!("CAST(${} AS {pg_type})", values.len()));
            }
            tuples.push(format!("({})", marks.join(", ")));
        }
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", names.join(", "), tuples.join(", "));
        let mut query = sqlx::query(&sql);
        for v in values {
            query = match v {
                Value::Null => query.bind(None::<String>),
                Value::Int(i) => query.bind(i),
                Value::Real(r) => query.bind(r),
                Value::Text(t) => query.bind(t),
                Value::Blob(b) => query.bind(b),
            };
        }
        copied += query.execute(&mut *tx).await?.rows_affected();
        if done {
            break;
        }
    }
    Ok(copied)
}

fn value(row: &sqlx::any::AnyRow, i: usize) -> Result<Value, CopyError> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    Ok(match raw.type_info().kind() {
        AnyTypeInfoKind::Bool => Value::Int(i64::from(row.try_get::<bool, _>(i)?)),
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => Value::Int(row.try_get(i)?),
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => Value::Real(row.try_get(i)?),
        AnyTypeInfoKind::Blob => Value::Blob(row.try_get(i)?),
        AnyTypeInfoKind::Text => Value::Text(row.try_get(i)?),
        AnyTypeInfoKind::Null => Value::Null,
    })
}

/// The target's columns per table that take a value (generated columns compute theirs), with
/// their PostgreSQL types.
async fn postgres_columns(to: &Db) -> Result<BTreeMap<String, Vec<(String, String)>>, DbError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_generated = 'NEVER' AND table_name <> '_sqlx_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&to.pool)
    .await?;
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (table, column, data_type) in rows {
        out.entry(table).or_default().push((column, data_type));
    }
    Ok(out)
}

/// The source's tables, each after the tables its foreign keys refer to.
async fn tables_in_dependency_order(db: &Db) -> Result<Vec<String>, DbError> {
    let edges: Vec<(String, Option<String>)> = match db.backend {
        Backend::Sqlite => {
            sqlx::query_as(
                "SELECT m.name, f.\"table\" FROM sqlite_master m LEFT JOIN pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(&db.pool)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT t.table_name::text, r.table_name::text
                 FROM information_schema.tables t
                 LEFT JOIN information_schema.table_constraints c
                   ON c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'FOREIGN KEY'
                 LEFT JOIN information_schema.constraint_column_usage r
                   ON r.constraint_schema = c.constraint_schema AND r.constraint_name = c.constraint_name
                 WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND t.table_name <> '_sqlx_migrations'",
            )
            .fetch_all(&db.pool)
            .await?
        }
    };
    let mut needs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, refers) in edges {
        let entry = needs.entry(table.clone()).or_default();
        if let Some(r) = refers.filter(|r| *r != table) {
            entry.insert(r);
        }
    }
    let mut order = Vec::with_capacity(needs.len());
    while !needs.is_empty() {
        let ready: Vec<String> =
            needs.iter().filter(|(_, n)| n.iter().all(|r| order.contains(r))).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            return Err(DbError::Corrupt(format!("foreign keys form a cycle among {:?}", needs.keys())));
        }
        for t in ready {
            needs.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_copy_into_sqlite_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = Db::connect(&format!("sqlite://{}", dir.path().join("a.db").display())).await.unwrap();
        let b = Db::connect(&format!("sqlite://{}", dir.path().join("b.db").display())).await.unwrap();
        let err = copy(&a, &b).await.unwrap_err();
        assert!(err.to_string().contains("copying into SQLite is not supported"), "{err}");
    }

    #[tokio::test]
    async fn tables_come_after_those_they_refer_to() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("a.db").display())).await.unwrap();
        db.migrate().await.unwrap();
        let order = tables_in_dependency_order(&db).await.unwrap();
        let at = |t: &str| order.iter().position(|x| x == t).unwrap_or_else(|| panic!("{t} listed"));
        assert!(at("jurisdictions") < at("venues"));
        assert!(at("venues") < at("cameras"));
        assert!(at("cameras") < at("camera_checks_daily"));
        assert!(at("users") < at("sessions"));
    }
}
