//! The SQL pieces the key figures' queries share (`db/kpis.rs`, `db/report.rs`): which
//! venues are in scope, their status spans, and the counted camera- and venue-days.

/// The venues (`v`) in scope, with the scope's jurisdictions bound as `$1` (a JSON array, or
/// NULL for the whole programme).
macro_rules! in_scope {
    () => {
        "($1 IS NULL OR v.jurisdiction_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)))"
    };
}

/// Each venue's status spans in scope: from the effective day of a change to the next one's
/// (of changes on one day the last recorded holds, as `kpi::status_on` decides).
macro_rules! spans {
    () => {
        "spans AS (SELECT s.venue_id, s.status, s.since AS from_day,
                          lead(s.since, 1, '9999-12-31') OVER (PARTITION BY s.venue_id ORDER BY s.since, s.id) AS until_day
                   FROM venue_status_changes s JOIN venues v ON v.id = s.venue_id WHERE ($1 IS NULL OR v.jurisdiction_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))))"
    };
}

/// Camera-days of the period (`$2`..`$3`) whose venue's status that day counts (`$4`).
macro_rules! counted_days {
    () => {
        "camera_checks_daily d JOIN cameras c ON c.id = d.camera_id
         JOIN spans s ON s.venue_id = c.venue_id AND d.day >= s.from_day AND d.day < s.until_day
         WHERE d.day BETWEEN $2 AND $3 AND s.status IN (SELECT value FROM json_each($4))"
    };
}

/// Venue-days of the roll-up in the period (`$2`..`$3`) whose venue's status that day counts
/// (`$4`).
macro_rules! counted_venue_days {
    () => {
        "venue_checks_daily r
         JOIN spans s ON s.venue_id = r.venue_id AND r.day >= s.from_day AND r.day < s.until_day
         WHERE r.day BETWEEN $2 AND $3 AND s.status IN (SELECT value FROM json_each($4))"
    };
}
