//! The character and character-pair index behind text search (see docs/design/search.md).

use super::{Db, DbError};
use sqlx::AnyConnection;

/// Rebuilds the terms of the venues matching `?` (one id, or NULL for all): every character
/// and every pair of adjacent characters of the name and the address. SQLite's `substr` and
/// `length` count characters, so Chinese text splits into characters and character pairs.
const INDEX_SQL: &str = "
    INSERT INTO venue_search_terms (term, venue_id)
    WITH RECURSIVE
        src(venue_id, s) AS (
            SELECT id, lower(name) FROM venues WHERE $1 IS NULL OR id = $1
            UNION ALL
            SELECT id, lower(address) FROM venues WHERE $1 IS NULL OR id = $1),
        positions(venue_id, s, i) AS (
            SELECT venue_id, s, 1 FROM src WHERE length(s) >= 1
            UNION ALL
            SELECT venue_id, s, i + 1 FROM positions WHERE i + 1 <= length(s))
    SELECT substr(s, i, 1), venue_id FROM positions
    UNION ALL
    SELECT substr(s, i, 2), venue_id FROM positions WHERE i < length(s)
    ON CONFLICT DO NOTHING";

/// Re-indexes one venue after its name or address may have changed; its terms' counts in
/// `search_term_counts` follow.
pub(crate) async fn reindex_venue(conn: &mut AnyConnection, venue_id: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE search_term_counts SET venues = venues - 1
         WHERE term IN (SELECT term FROM venue_search_terms WHERE venue_id = $1)",
    )
    .bind(venue_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM search_term_counts WHERE venues <= 0").execute(&mut *conn).await?;
    sqlx::query("DELETE FROM venue_search_terms WHERE venue_id = $1").bind(venue_id).execute(&mut *conn).await?;
    sqlx::query(INDEX_SQL).bind(venue_id).execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO search_term_counts (term, venues) SELECT term, 1 FROM venue_search_terms WHERE venue_id = $1
         ON CONFLICT (term) DO UPDATE SET venues = search_term_counts.venues + 1",
    )
    .bind(venue_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Indexes every venue (after a bulk load, inside its transaction).
pub(crate) async fn reindex_all(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), DbError> {
    sqlx::query("DELETE FROM venue_search_terms").execute(&mut **tx).await?;
    sqlx::query(INDEX_SQL).bind(None::<i64>).execute(&mut **tx).await?;
    recount(tx).await
}

/// Counts every term's venues afresh.
async fn recount(conn: &mut AnyConnection) -> Result<(), DbError> {
    sqlx::query("DELETE FROM search_term_counts").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO search_term_counts (term, venues) SELECT term, count(*) FROM venue_search_terms GROUP BY term",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A query as the index stores text: trimmed, ASCII lower-cased (as SQLite's `lower`).
pub(crate) fn normalize(q: &str) -> String {
    q.trim().to_ascii_lowercase()
}

/// The index terms a query must all match: its distinct character pairs, or the character
/// itself for a one-character query.
pub(crate) fn query_terms(q: &str) -> Vec<String> {
    let chars: Vec<char> = normalize(q).chars().collect();
    if chars.len() == 1 {
        return vec![chars[0].to_string()];
    }
    let mut terms: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    terms.sort();
    terms.dedup();
    terms
}

impl Db {
    /// Indexes every venue when the index is empty (a database from before it existed).
    pub async fn backfill_search_terms(&self) -> Result<(), DbError> {
        let indexed: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM venue_search_terms LIMIT 1").fetch_optional(&self.pool).await?;
        let venues: Option<i64> = sqlx::query_scalar("SELECT 1 FROM venues LIMIT 1").fetch_optional(&self.pool).await?;
        if indexed.is_none() && venues.is_some() {
            let mut tx = self.pool.begin().await?;
            sqlx::query(INDEX_SQL).bind(None::<i64>).execute(&mut *tx).await?;
            recount(&mut tx).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::query_terms;

    #[test]
    fn query_terms_are_character_pairs_or_one_character() {
        assert_eq!(query_terms("食堂"), ["食堂"]);
        assert_eq!(query_terms(" 坪山大道 "), ["坪山", "大道", "山大"]);
        assert_eq!(query_terms(" 湘 "), ["湘"]);
        assert!(query_terms("  ").is_empty());
        assert_eq!(query_terms("KFC"), ["fc", "kf"]);
    }
}
