//! The public catalogue queries behind the app's server functions.

use super::{Backend, Day, Db, DbError, Flag};
use app::api::ssr::Catalog;
use app::api::{
    AnnualRating, CameraSummary, Finding, GeoPoint, Inspection, JurisdictionOption, Licence, ProgrammeFigures,
    SearchPage, StatusChange, VenueDetail, VenueQuery, VenueSummary, MAX_SKIPPED, PAGE_SIZE, TOTAL_CAP,
};
use app::error::AppError;
use chrono::{DateTime, Utc};
use mingchu_domain::vocab::*;
use sqlx::any::AnyArguments;
use sqlx::Arguments as _;
use std::collections::HashMap;

/// Columns shared by search results and the venue page. Current grades come from the newest
/// inspection and the newest annual rating.
const SUMMARY_SELECT: &str = "
    SELECT v.id, v.name, v.kind, v.status, v.address, j.name AS jurisdiction, v.is_key_venue, v.connected_on,
        v.latitude, v.longitude,
        v.current_grade AS dynamic_grade,
        (SELECT r.grade FROM annual_ratings r WHERE r.venue_id = v.id ORDER BY r.year DESC LIMIT 1) AS annual_grade,
        v.public_cameras AS camera_count
    FROM venues v JOIN jurisdictions j ON j.id = v.jurisdiction_id";

/// The ids of a venue's newest inspections (`$1` the venue, `$2` how many), as the venue page
/// lists them.
pub(super) const LISTED_INSPECTIONS: &str =
    "SELECT i.id FROM inspections i WHERE i.venue_id = $1 ORDER BY i.inspected_on DESC, i.id DESC LIMIT $2";

/// A bound value of a dynamically built query.
#[derive(Clone)]
enum Arg {
    Text(String),
    Int(i64),
    Real(f64),
}

fn arguments(args: &[Arg]) -> Result<AnyArguments<'static>, DbError> {
    let mut out = AnyArguments::default();
    for a in args {
        let added = match a {
            Arg::Text(t) => out.add(t.clone()),
            Arg::Int(i) => out.add(*i),
            Arg::Real(r) => out.add(*r),
        };
        added.map_err(|e| DbError::Corrupt(format!("cannot bind a search value: {e}")))?;
    }
    Ok(out)
}

/// How the text condition finds its venues (see docs/design/search.md).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TextPlan {
    /// Collect the venues that have the rarest term, then check and order those.
    Candidates,
    /// Walk venues in listing order (or through another index) and probe the text index per
    /// venue: best when matches are dense enough to fill a page early.
    Probe,
    /// Walk the rarest term's postings, joined to venues: the caller's query starts
    /// `FROM venue_search_terms t CROSS JOIN venues v` with `t.term = ?` bound first. Best for
    /// counting up to the cap.
    Driven,
}

/// The query's index terms, rarest first, each with its number of venues
/// (`search_term_counts`).
struct TermStats {
    terms: Vec<(String, i64)>,
}

/// Probing in listing order is chosen for a page when it should take at most this many probes.
const PROBE_BUDGET: f64 = 20_000.0;

impl TermStats {
    /// The plan for fetching rows up to `needed` (offset + page size) among `venues` venues.
    fn page_plan(&self, needed: u32, venues: i64) -> TextPlan {
        match self.terms.first() {
            Some((_, postings)) if *postings > 0 => {
                let density = *postings as f64 / venues.max(1) as f64;
                if f64::from(needed) / density <= PROBE_BUDGET {
                    TextPlan::Probe
                } else {
                    TextPlan::Candidates
                }
            }
            _ => TextPlan::Candidates,
        }
    }
}

/// The WHERE clause of a search, with only the filters it uses, so SQLite can pick the
/// index for each (a `? IS NULL OR …` condition would defeat every index).
/// `terms` are the query's index terms, rarest first.
fn search_filter(query: &VenueQuery, terms: &[String], plan: TextPlan, backend: Backend) -> (String, Vec<Arg>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut args = Vec::new();
    let pattern = contains_pattern(&query.q);
    if !pattern.is_empty() {
        // Venues with every term of the query in the index (see TextPlan), confirmed by LIKE,
        // so results are exactly those of a full scan. A query that is itself its only term
        // (one or two characters) needs no confirmation: the index holds exactly that text.
        let whole_query_is_term = whole_query_is_term(query, terms);
        const PROBE: &str = "EXISTS (SELECT 1 FROM venue_search_terms t2 WHERE t2.term = ? AND t2.venue_id = v.id)";
        for (i, term) in terms.iter().enumerate() {
            let condition = match (plan, i) {
                (TextPlan::Candidates, 0) => "v.id IN (SELECT venue_id FROM venue_search_terms WHERE term = ?)",
                // Bound by the caller's join.
                (TextPlan::Driven, 0) => continue,
                _ => PROBE,
            };
            conditions.push(condition.to_string());
            args.push(Arg::Text(term.clone()));
        }
        if !whole_query_is_term {
            // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same.
            let like = backend.pick("LIKE", "ILIKE");
            conditions.push(format!("(v.name {like} ? ESCAPE '\\' OR v.address {like} ? ESCAPE '\\')"));
            args.push(Arg::Text(pattern.clone()));
            args.push(Arg::Text(pattern));
        }
    }
    filter_conditions(query, &VENUE_COLUMNS, &mut conditions, &mut args);
    (where_clause(&conditions), args)
}

/// `WHERE a AND b …`, or nothing without conditions.
fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

/// Whether the query's text is itself its only index term (one or two characters): the index
/// then holds exactly the venues whose name or address contains it.
fn whole_query_is_term(query: &VenueQuery, terms: &[String]) -> bool {
    terms.len() == 1 && terms[0] == super::search_terms::normalize(&query.q)
}

/// Whether the query filters on nothing but its text.
fn text_only(query: &VenueQuery) -> bool {
    query.kind.is_none() && query.jurisdiction.is_none() && query.grade.is_none() && !query.camera
}

/// Where a table keeps the values the search filters on.
struct FilterColumns {
    kind: &'static str,
    grade: &'static str,
    jurisdiction: &'static str,
    /// A condition true for venues with public cameras.
    with_cameras: &'static str,
}

const VENUE_COLUMNS: FilterColumns = FilterColumns {
    kind: "v.kind",
    grade: "v.current_grade",
    jurisdiction: "v.jurisdiction_id",
    with_cameras: "v.public_cameras > 0",
};

/// `venue_facets`: venues per combination of the filters (migration 0039).
const FACET_COLUMNS: FilterColumns = FilterColumns {
    kind: "f.kind",
    grade: "f.grade",
    jurisdiction: "f.jurisdiction_id",
    with_cameras: "f.with_cameras = 1",
};

/// The conditions of the query's filters other than text, on `columns`: the same filters for
/// the venues themselves and for their counts in `venue_facets`.
fn filter_conditions(query: &VenueQuery, columns: &FilterColumns, conditions: &mut Vec<String>, args: &mut Vec<Arg>) {
    if let Some(kind) = query.kind {
        conditions.push(format!("{} = ?", columns.kind));
        args.push(Arg::Text(kind.code().into()));
    }
    if let Some(code) = &query.jurisdiction {
        // A district includes its streets.
        conditions.push(format!(
            "{} IN (SELECT j2.id FROM jurisdictions j2 LEFT JOIN jurisdictions p ON p.id = j2.parent_id
             WHERE j2.code = ? OR p.code = ?)",
            columns.jurisdiction
        ));
        args.push(Arg::Text(code.clone()));
        args.push(Arg::Text(code.clone()));
    }
    if let Some(grade) = query.grade {
        conditions.push(format!("{} = ?", columns.grade));
        args.push(Arg::Text(grade.code().into()));
    }
    if query.camera {
        conditions.push(columns.with_cameras.to_string());
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    kind: String,
    status: String,
    address: String,
    jurisdiction: String,
    is_key_venue: Flag,
    connected_on: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    dynamic_grade: Option<String>,
    annual_grade: Option<String>,
    camera_count: i64,
}

impl SummaryRow {
    fn into_summary(self, near: Option<GeoPoint>) -> Result<VenueSummary, DbError> {
        let here = match (self.latitude, self.longitude) {
            (Some(lat), Some(lng)) => GeoPoint::from_degrees(lat, lng),
            _ => None,
        };
        Ok(VenueSummary {
            distance_m: near.zip(here).map(|(a, b)| a.distance_m(b).round() as u32),
            latitude: self.latitude,
            longitude: self.longitude,
            id: VenueId(self.id),
            kind: decode(VenueKind::from_code, &self.kind, "venue kind")?,
            status: decode(VenueStatus::from_code, &self.status, "venue status")?,
            dynamic_grade: self
                .dynamic_grade
                .as_deref()
                .map(|g| decode(DynamicGrade::from_code, g, "grade"))
                .transpose()?,
            annual_grade: self
                .annual_grade
                .as_deref()
                .map(|g| decode(AnnualGrade::from_code, g, "annual grade"))
                .transpose()?,
            camera_count: self.camera_count as u32,
            name: self.name,
            address: self.address,
            jurisdiction: self.jurisdiction,
        })
    }
}

pub(crate) fn decode<T>(parse: fn(&str) -> Option<T>, code: &str, what: &str) -> Result<T, DbError> {
    parse(code).ok_or_else(|| DbError::Corrupt(format!("unknown {what} {code:?}")))
}

/// A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped.
fn contains_pattern(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Db {
    pub async fn search_venues(&self, query: &VenueQuery, page_size: u32) -> Result<SearchPage, DbError> {
        let stats = self.term_stats(&query.q).await?;
        let terms: Vec<String> = stats.terms.iter().map(|(t, _)| t.clone()).collect();
        let counted = if text_only(query) && whole_query_is_term(query, &terms) {
            // "湘", "食堂": the term's count is the answer.
            stats.terms[0].1
        } else {
            self.count_matches(query, &terms).await?
        };
        let total_capped = counted > i64::from(TOTAL_CAP);
        let total = (counted as u32).min(TOTAL_CAP);
        let page_count = total.div_ceil(page_size).max(1);
        // Past the counted matches the pages go on (they end when one comes back short).
        // Never deeper than MAX_SKIPPED venues, however the query came (a parsed query is at
        // most MAX_PAGE; a caller building one by hand may not be).
        let page_size = page_size.clamp(1, MAX_SKIPPED);
        let deepest = MAX_SKIPPED / page_size + 1;
        let page =
            if total_capped { query.page.clamp(1, deepest) } else { query.page.clamp(1, page_count.min(deepest)) };
        let offset = (page - 1).saturating_mul(page_size);
        let rows: Vec<SummaryRow> = match query.near {
            // The box around the point is small: probe the text index within it.
            Some(p) => {
                let (filter, args) = search_filter(query, &terms, TextPlan::Probe, self.backend);
                self.nearest(&filter, &args, p, offset + page_size).await?.into_iter().skip(offset as usize).collect()
            }
            None => {
                // Trading venues first, then in the order they joined.
                let venues: Option<i64> =
                    sqlx::query_scalar("SELECT max(id) FROM venues").fetch_one(&self.pool).await?;
                let plan = stats.page_plan(offset + page_size, venues.unwrap_or(0));
                let (filter, mut args) = search_filter(query, &terms, plan, self.backend);
                // The limit is bound, not written into the text: PostgreSQL then plans each
                // execution for its values (a kind with 7 venues and one with 58,000 need
                // different plans; a plan kept for one walked the other's whole index).
                args.extend([Arg::Int(page_size.into()), Arg::Int(offset.into())]);
                sqlx::query_as_with(
                    &super::numbered(&format!(
                        "{SUMMARY_SELECT} {filter} ORDER BY v.status_rank, v.id LIMIT ? OFFSET ?"
                    )),
                    arguments(&args)?,
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(SearchPage {
            venues: rows.into_iter().map(|r| r.into_summary(query.near)).collect::<Result<_, _>>()?,
            total,
            total_capped,
            page,
            page_count,
        })
    }

    /// The query's matches, counted up to the cap (`TOTAL_CAP` + 1): reading every match of a
    /// broad search would cost more than the page itself. With text, the rarest term's postings
    /// drive the count; without, `venue_facets` answers exactly.
    async fn count_matches(&self, query: &VenueQuery, terms: &[String]) -> Result<i64, DbError> {
        let (count_sql, mut count_args) = match terms.first() {
            Some(rarest) => {
                let (filter, mut args) = search_filter(query, terms, TextPlan::Driven, self.backend);
                let joiner = if filter.is_empty() { "WHERE" } else { "AND" };
                // SQLite takes CROSS JOIN as "walk the postings first"; PostgreSQL plans the
                // order itself (and allows no ON after CROSS JOIN).
                let join = self.backend.pick("CROSS JOIN", "JOIN");
                args.push(Arg::Text(rarest.clone()));
                (
                    format!(
                        "SELECT count(*) FROM (SELECT 1 FROM venue_search_terms t {join} venues v ON v.id = t.venue_id
                         {filter} {joiner} t.term = ? LIMIT ?) AS matches"
                    ),
                    args,
                )
            }
            // Without text, the counts per combination of filters answer it exactly.
            None => {
                let (mut conditions, mut args) = (Vec::new(), Vec::new());
                filter_conditions(query, &FACET_COLUMNS, &mut conditions, &mut args);
                let filter = where_clause(&conditions);
                (format!("SELECT coalesce(CAST(sum(f.venues) AS BIGINT), 0) FROM venue_facets f {filter}"), args)
            }
        };
        if !terms.is_empty() {
            count_args.push(Arg::Int(i64::from(TOTAL_CAP) + 1));
        }
        Ok(sqlx::query_scalar_with(&super::numbered(&count_sql), arguments(&count_args)?).fetch_one(&self.pool).await?)
    }

    /// The query's index terms with their postings, rarest first; none without text.
    async fn term_stats(&self, q: &str) -> Result<TermStats, DbError> {
        let mut terms = Vec::new();
        if contains_pattern(q).is_empty() {
            return Ok(TermStats { terms });
        }
        let wanted = super::search_terms::query_terms(q);
        if wanted.is_empty() {
            return Ok(TermStats { terms });
        }
        let marks = (1..=wanted.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let mut args = AnyArguments::default();
        for term in &wanted {
            args.add(term.clone()).map_err(|e| DbError::Corrupt(format!("cannot bind a search term: {e}")))?;
        }
        let counted: HashMap<String, i64> = sqlx::query_as_with::<_, (String, i64), _>(
            &format!("SELECT term, venues FROM search_term_counts WHERE term IN ({marks})"),
            args,
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        for term in wanted {
            let postings = counted.get(&term).copied().unwrap_or(0);
            terms.push((term, postings));
        }
        terms.sort_by_key(|(_, postings)| *postings);
        Ok(TermStats { terms })
    }

    /// The `n` matching venues nearest to `p`, nearest first. Searches a box around `p` that
    /// starts at about 110 m and doubles in size until the circle inside it holds `n` matches
    /// (or it covers the globe), so only venues near the point are read (through the location
    /// index): at most about five times the venues the page needs, where a city centre has
    /// hundreds of venues within 500 m.
    async fn nearest(&self, filter: &str, args: &[Arg], p: GeoPoint, n: u32) -> Result<Vec<SummaryRow>, DbError> {
        let joiner = if filter.is_empty() { "WHERE" } else { "AND" };
        let cos_lat = p.lat().to_radians().cos().max(0.01);
        let mut radius_deg = 0.001; // about 110 m
        loop {
            let covers_all = radius_deg >= 180.0;
            let (lat_lo, lat_hi) = (p.lat() - radius_deg, p.lat() + radius_deg);
            let lng_half = radius_deg / cos_lat;
            let (lng_lo, lng_hi) = (p.lng() - lng_half, p.lng() + lng_half);
            let mut box_args: Vec<Arg> = args.to_vec();
            let sql = if covers_all {
                format!("SELECT v.id, v.latitude, v.longitude FROM venues v {filter} {joiner} v.latitude IS NOT NULL")
            } else {
                box_args.extend([lat_lo, lat_hi, lng_lo, lng_hi].map(Arg::Real));
                format!(
                    "SELECT v.id, v.latitude, v.longitude FROM venues v {filter} {joiner}
                     v.latitude BETWEEN ? AND ? AND v.longitude BETWEEN ? AND ?"
                )
            };
            let candidates: Vec<(i64, f64, f64)> =
                sqlx::query_as_with(&super::numbered(&sql), arguments(&box_args)?).fetch_all(&self.pool).await?;
            // Only venues inside the inscribed circle are surely nearer than any outside the box.
            let radius_m = radius_deg * 111_195.0;
            let mut ranked: Vec<(f64, i64)> = candidates
                .into_iter()
                .filter_map(|(id, lat, lng)| Some((p.distance_m(GeoPoint::from_degrees(lat, lng)?), id)))
                .collect();
            let inside = ranked.iter().filter(|(d, _)| *d <= radius_m).count();
            if covers_all || inside >= n as usize {
                ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                ranked.truncate(n as usize);
                let ids: Vec<i64> = ranked.iter().map(|(_, id)| *id).collect();
                let mut rows = self.summaries(&ids).await?;
                if covers_all {
                    // Venues without coordinates come last, as before.
                    let rest = n as usize - rows.len().min(n as usize);
                    if rest > 0 {
                        let mut no_coords: Vec<Arg> = args.to_vec();
                        no_coords.push(Arg::Int(rest as i64));
                        rows.extend(
                            sqlx::query_as_with::<_, SummaryRow, _>(
                                &super::numbered(&format!(
                                    "{SUMMARY_SELECT} {filter} {joiner} v.latitude IS NULL ORDER BY v.id LIMIT ?"
                                )),
                                arguments(&no_coords)?,
                            )
                            .fetch_all(&self.pool)
                            .await?,
                        );
                    }
                }
                return Ok(rows);
            }
            radius_deg *= 2.0;
        }
    }

    /// Summaries of the given venues, in the order given.
    async fn summaries(&self, ids: &[i64]) -> Result<Vec<SummaryRow>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let mut args = AnyArguments::default();
        for id in ids {
            args.add(*id).map_err(|e| DbError::Corrupt(format!("cannot bind a venue id: {e}")))?;
        }
        let mut rows: Vec<SummaryRow> = sqlx::query_as_with(&format!("{SUMMARY_SELECT} WHERE v.id IN ({marks})"), args)
            .fetch_all(&self.pool)
            .await?;
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(rows)
    }

    /// The venue's name; `None` when there is no such venue.
    pub async fn venue_name(&self, id: VenueId) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT name FROM venues WHERE id = $1").bind(id.0).fetch_optional(&self.pool).await?)
    }

    pub async fn venue_exists(&self, id: VenueId) -> Result<bool, DbError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT 1 FROM venues WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// The venue's page as of `now` (licence standing, online rates).
    pub async fn venue_detail(&self, id: VenueId, now: DateTime<Utc>) -> Result<Option<VenueDetail>, DbError> {
        let Some(row) = sqlx::query_as::<_, SummaryRow>(&format!("{SUMMARY_SELECT} WHERE v.id = $1"))
            .bind(id.0)
            .fetch_optional(self.keyed())
            .await?
        else {
            return Ok(None);
        };
        let is_key_venue = row.is_key_venue.0;
        let connected_on = row.connected_on.clone();
        let summary = row.into_summary(None)?;

        let licence = sqlx::query_as::<_, (String, String, String, String, String, Day, Day, String)>(
            "SELECT number, holder, legal_representative, premises, business_items, issued_on, valid_until, authority
             FROM licences WHERE venue_id = $1 ORDER BY valid_until DESC LIMIT 1",
        )
        .bind(id.0)
        .fetch_optional(self.keyed())
        .await?
        .map(
            |(number, holder, legal_representative, premises, business_items, issued_on, valid_until, authority)| {
                let (issued_on, valid_until) = (issued_on.0, valid_until.0);
                Licence {
                    validity: mingchu_domain::licence::validity(valid_until, mingchu_domain::china_time::day(now)),
                    number,
                    holder,
                    legal_representative,
                    premises,
                    business_items,
                    issued_on: issued_on.to_string(),
                    valid_until: valid_until.to_string(),
                    authority,
                }
            },
        );

        let cameras = sqlx::query_as::<_, (i64, String, String, Flag, Option<String>)>(
            "SELECT id, name, area, is_public, health_state FROM cameras WHERE venue_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(self.keyed())
        .await?
        .into_iter()
        .map(|(cid, name, area, public, health)| {
            Ok(CameraSummary {
                id: CameraId(cid),
                name,
                area: decode(KitchenArea::from_code, &area, "area")?,
                public: public.0,
                health: health.as_deref().map(|h| decode(PictureHealth::from_code, h, "picture health")).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;

        Ok(Some(VenueDetail {
            summary,
            is_key_venue,
            connected_on,
            licence,
            inspections: self.inspections(id, Some(10)).await?,
            annual_ratings: self.annual_ratings(id).await?,
            status_history: self.status_history(id).await?,
            cameras,
            honesty: self.venue_honesty(id, now).await?,
            violations: self.public_violations(id, mingchu_domain::china_time::day(now)).await?,
        }))
    }

    /// The venue's status changes, newest first.
    pub async fn status_history(&self, id: VenueId) -> Result<Vec<StatusChange>, DbError> {
        sqlx::query_as::<_, (String, String)>(
            "SELECT status, since FROM venue_status_changes WHERE venue_id = $1 ORDER BY since DESC, id DESC",
        )
        .bind(id.0)
        .fetch_all(self.keyed())
        .await?
        .into_iter()
        .map(|(status, since)| {
            Ok(StatusChange { status: decode(VenueStatus::from_code, &status, "venue status")?, since })
        })
        .collect()
    }

    /// The venue's annual grades, newest first.
    pub async fn annual_ratings(&self, id: VenueId) -> Result<Vec<AnnualRating>, DbError> {
        sqlx::query_as::<_, (i32, String)>(
            "SELECT year, grade FROM annual_ratings WHERE venue_id = $1 ORDER BY year DESC",
        )
        .bind(id.0)
        .fetch_all(self.keyed())
        .await?
        .into_iter()
        .map(|(year, grade)| Ok(AnnualRating { year, grade: decode(AnnualGrade::from_code, &grade, "annual grade")? }))
        .collect()
    }

    /// Districts, each followed by its streets.
    pub async fn jurisdiction_options(&self) -> Result<Vec<JurisdictionOption>, DbError> {
        let rows = sqlx::query_as::<_, (String, String, Flag)>(
            "SELECT j.code, j.name, j.parent_id IS NOT NULL FROM jurisdictions j
             LEFT JOIN jurisdictions p ON p.id = j.parent_id
             ORDER BY coalesce(p.code, j.code), j.parent_id IS NOT NULL, j.code",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, is_street)| JurisdictionOption { code, name, is_street: is_street.0 })
            .collect())
    }

    /// The venue's inspections with their findings and published replies, newest first; all of
    /// them without a limit. Three queries however many inspections there are: the findings and
    /// the replies of the listed inspections are read in one query each.
    pub async fn inspections(&self, id: VenueId, limit: Option<u32>) -> Result<Vec<Inspection>, DbError> {
        // SQLite reads a negative LIMIT as "no limit".
        let limit = limit.map(i64::from).unwrap_or(i64::MAX);
        let rows = sqlx::query_as::<_, (i64, String, String, String, Option<String>)>(
            "SELECT i.id, i.inspected_on, i.kind, o.name, i.dynamic_grade
             FROM inspections i JOIN supervision_offices o ON o.id = i.office_id
             WHERE i.venue_id = $1 ORDER BY i.inspected_on DESC, i.id DESC LIMIT $2",
        )
        .bind(id.0)
        .bind(limit)
        .fetch_all(self.keyed())
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut findings: HashMap<i64, Vec<Finding>> = HashMap::new();
        for (inspection, item, severity, points, remark) in
            sqlx::query_as::<_, (i64, String, String, i64, String)>(&format!(
                "SELECT f.inspection_id, f.item, f.severity, f.points, f.remark FROM findings f
                 WHERE f.inspection_id IN ({LISTED_INSPECTIONS}) ORDER BY f.id"
            ))
            .bind(id.0)
            .bind(limit)
            .fetch_all(self.keyed())
            .await?
        {
            findings.entry(inspection).or_default().push(Finding {
                item,
                severity: decode(Severity::from_code, &severity, "severity")?,
                points: points as u32,
                remark,
            });
        }
        let mut replies = self.published_replies(id.0, limit).await?;
        rows.into_iter()
            .map(|(inspection_id, date, kind, office, grade)| {
                Ok(Inspection {
                    id: inspection_id,
                    replies: replies.remove(&inspection_id).unwrap_or_default(),
                    date,
                    kind: decode(InspectionKind::from_code, &kind, "inspection kind")?,
                    office,
                    dynamic_grade: grade.as_deref().map(|g| decode(DynamicGrade::from_code, g, "grade")).transpose()?,
                    findings: findings.remove(&inspection_id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Catalog for Db {
    async fn search_venues(&self, query: &VenueQuery) -> Result<SearchPage, AppError> {
        if query.q.chars().count() > app::api::MAX_QUERY_CHARS {
            return Err(AppError::BadRequest(format!(
                "search text is limited to {} characters",
                app::api::MAX_QUERY_CHARS
            )));
        }
        Ok(Db::search_venues(self, query, PAGE_SIZE).await?)
    }

    async fn venue(&self, id: VenueId) -> Result<Option<VenueDetail>, AppError> {
        Ok(self.venue_detail(id, Utc::now()).await?)
    }

    async fn jurisdictions(&self) -> Result<Vec<JurisdictionOption>, AppError> {
        Ok(self.jurisdiction_options().await?)
    }

    async fn programme(&self) -> Result<ProgrammeFigures, AppError> {
        Ok(self.programme_figures(Utc::now()).await?)
    }

    async fn display(&self, token: &str) -> Result<Option<app::api::DisplayView>, AppError> {
        let Some(screen) = self.screen_for_token(token).await? else { return Ok(None) };
        let Some(detail) = self.venue_detail(screen.venue, Utc::now()).await? else { return Ok(None) };
        Ok(Some(app::api::DisplayView {
            screen: screen.id,
            low_bandwidth: screen.low_bandwidth,
            promote_seconds: screen.promote_seconds,
            venue: detail.summary,
            licence: detail.licence,
            cameras: detail.cameras.into_iter().filter(|c| c.public).collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern(" 50%_off\\ "), "%50\\%\\_off\\\\%");
        assert_eq!(contains_pattern("  "), "");
    }

    #[test]
    fn dense_terms_are_probed_in_listing_order_and_rare_ones_collected() {
        let stats = |postings| TermStats { terms: vec![("食堂".into(), postings)] };
        // A fifth of 100,000 venues: the first page is found within about 100 probes.
        assert_eq!(stats(20_000).page_plan(20, 100_000), TextPlan::Probe);
        // 2 % of them: 1,000 probes for the first page, 50,000 for page 50.
        assert_eq!(stats(2_000).page_plan(20, 100_000), TextPlan::Probe);
        assert_eq!(stats(2_000).page_plan(1_000, 100_000), TextPlan::Candidates);
        // A rare term: collect its venues.
        assert_eq!(stats(30).page_plan(20, 100_000), TextPlan::Candidates);
        assert_eq!(stats(0).page_plan(20, 100_000), TextPlan::Candidates);
    }
}
