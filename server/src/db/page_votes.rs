//! Venue pages' "was this useful?" answers: one per visitor (a keyed hash the handler makes),
//! venue and China day, a later answer replacing the earlier.

use super::{Db, DbError};
use chrono::NaiveDate;
use mingchu_domain::vocab::VenueId;

impl Db {
    /// Records an answer; `false` when there is no such venue.
    pub async fn record_page_vote(
        &self,
        venue: VenueId,
        day: NaiveDate,
        voter: &str,
        useful: bool,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "INSERT INTO venue_page_votes (venue_id, day, voter, useful)
             SELECT id, $2, $3, $4 FROM venues WHERE id = $1
             ON CONFLICT (venue_id, day, voter) DO UPDATE SET useful = excluded.useful",
        )
        .bind(venue.0)
        .bind(day.to_string())
        .bind(voter)
        .bind(i64::from(useful))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
