//! The LIVES feed (`/open-data/lives/*.csv`): the inspection data in the format Yelp and other
//! aggregators read. Scores are 100 minus the points deducted; the legend maps them to grades.

use super::error::{HttpError, Text};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use mingchu_domain::vocab::{DynamicGrade, InspectionKind, Severity};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open-data/lives/businesses.csv", get(businesses))
        .route("/open-data/lives/inspections.csv", get(inspections))
        .route("/open-data/lives/violations.csv", get(violations))
        .route("/open-data/lives/legend.csv", get(legend))
        .route("/open-data/lives/feed_info.csv", get(feed_info))
}

/// How long a built feed is served before it is built again.
pub const FEED_TTL: Duration = Duration::from_secs(300);

/// Built feeds, each rebuilt at most once per [`FEED_TTL`] however many download it at once
/// (the first builds, the others wait for it): a download costs a copy of bytes, not a scan
/// of every venue and a pool connection.
pub struct FeedCache {
    feeds: HashMap<&'static str, tokio::sync::Mutex<Option<(Instant, Bytes)>>>,
    builds: AtomicU64,
}

const CACHED: [&str; 3] = ["businesses", "inspections", "violations"];

impl Default for FeedCache {
    fn default() -> Self {
        FeedCache {
            feeds: CACHED.iter().map(|n| (*n, tokio::sync::Mutex::new(None))).collect(),
            builds: AtomicU64::new(0),
        }
    }
}

impl FeedCache {
    async fn get<Fut>(&self, name: &'static str, build: impl FnOnce() -> Fut) -> Result<Response, Text>
    where
        Fut: std::future::Future<Output = Result<Vec<u8>, Text>>,
    {
        // The names are the constants above.
        let slot = self.feeds.get(name).expect("a cached feed");
        let mut cached = slot.lock().await;
        let bytes = match &*cached {
            Some((at, bytes)) if at.elapsed() < FEED_TTL => bytes.clone(),
            _ => {
                let bytes = Bytes::from(build().await?);
                self.builds.fetch_add(1, Ordering::Relaxed);
                *cached = Some((Instant::now(), bytes.clone()));
                bytes
            }
        };
        Ok(csv_response(bytes))
    }

    /// Feeds built since start.
    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }
}

fn csv_response(bytes: impl Into<Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        bytes.into(),
    )
        .into_response()
}

fn to_csv(header_row: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, Text> {
    let failed = |e: &dyn std::fmt::Display| Text(HttpError::internal("open data feed failed", e));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header_row).map_err(|e| failed(&e))?;
    for row in rows {
        w.write_record(row.iter().map(|cell| defuse(cell).into_owned())).map_err(|e| failed(&e))?;
    }
    w.into_inner().map_err(|e| failed(&e.into_error()))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return
/// first) gets a leading apostrophe, so a venue name like `=HYPERLINK(…)` stays text when a
/// citizen opens the feed in Excel or WPS. Numbers (a negative longitude) are left alone.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn yyyymmdd(d: chrono::NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

async fn businesses(State(state): State<AppState>) -> Result<Response, Text> {
    state.open_data.get("businesses", || build_businesses(&state)).await
}

async fn build_businesses(state: &AppState) -> Result<Vec<u8>, Text> {
    let rows = state.db.lives_businesses().await?;
    to_csv(
        &["business_id", "name", "address", "city", "state", "postal_code", "latitude", "longitude", "phone_number"],
        rows.into_iter().map(|b| {
            vec![
                b.id.to_string(),
                b.name,
                b.address,
                b.city,
                String::new(),
                String::new(),
                opt(b.latitude),
                opt(b.longitude),
                String::new(),
            ]
        }),
    )
}

fn lives_type(kind: InspectionKind) -> &'static str {
    match kind {
        InspectionKind::Routine | InspectionKind::Special => "routine",
        InspectionKind::FollowUp => "followup",
        InspectionKind::Complaint => "complaint",
    }
}

async fn inspections(State(state): State<AppState>) -> Result<Response, Text> {
    state.open_data.get("inspections", || build_inspections(&state)).await
}

async fn build_inspections(state: &AppState) -> Result<Vec<u8>, Text> {
    let rows = state.db.lives_inspections().await?;
    to_csv(
        &["business_id", "score", "date", "description", "type"],
        rows.into_iter().map(|i| {
            vec![
                i.business_id.to_string(),
                100u32.saturating_sub(i.points).to_string(),
                yyyymmdd(i.date),
                i.office,
                lives_type(i.kind).to_string(),
            ]
        }),
    )
}

async fn violations(State(state): State<AppState>) -> Result<Response, Text> {
    state.open_data.get("violations", || build_violations(&state)).await
}

async fn build_violations(state: &AppState) -> Result<Vec<u8>, Text> {
    let rows = state.db.lives_violations().await?;
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let enforcement = state.db.lives_enforcement(today).await?;
    let inspections = rows.into_iter().map(|v| {
        // No national item codes exist; the code says severity and points (C5: critical, 5).
        let code = format!("{}{}", if v.severity == Severity::Critical { "C" } else { "G" }, v.points);
        let description = if v.remark.is_empty() { v.item } else { format!("{}（{}）", v.item, v.remark) };
        (v.business_id, v.date, code, description)
    });
    // Violations a person confirmed (captures, patrols, inspections, complaints), with what
    // became of the rectification order: the code is `V-` and the category.
    let confirmed = enforcement.into_iter().map(|(venue, day, source, category, standing)| {
        use mingchu_domain::rectification::Standing;
        let what = category_words(&category);
        let found = match source {
            mingchu_domain::vocab::ViolationSource::Capture => "智能抓拍",
            mingchu_domain::vocab::ViolationSource::Patrol => "巡查发现",
            mingchu_domain::vocab::ViolationSource::Inspection => "现场检查",
            mingchu_domain::vocab::ViolationSource::Complaint => "投诉查实",
        };
        let order = match standing {
            Some(Standing::Rectified { on, .. }) => format!("；{on}已整改"),
            Some(Standing::Overdue { due }) => format!("；整改期限{due}，已逾期"),
            Some(Standing::Open { due }) => format!("；限期{due}前整改"),
            None => String::new(),
        };
        (venue, day, format!("V-{category}"), format!("{what}（{found}{order}）"))
    });
    let mut all: Vec<_> = inspections.chain(confirmed).collect();
    all.sort_by_key(|a| (a.0, a.1));
    to_csv(
        &["business_id", "date", "code", "description"],
        all.into_iter()
            .map(|(venue, day, code, description)| vec![venue.to_string(), yyyymmdd(day), code, description]),
    )
}

/// A violation's category in Chinese words (an AI rule keeps its own name).
fn category_words(category: &str) -> String {
    use mingchu_domain::vocab::ViolationCategory as V;
    match V::from_code(category) {
        Some(V::StaffHygiene) => "从业人员卫生".into(),
        Some(V::PremisesHygiene) => "环境卫生".into(),
        Some(V::Pests) => "虫鼠害".into(),
        Some(V::Storage) => "原料贮存".into(),
        Some(V::Disinfection) => "餐饮具清洗消毒".into(),
        Some(V::Records) => "台账记录".into(),
        Some(V::Licence) => "证照与健康证明".into(),
        Some(V::Other) => "其他".into(),
        None => category.to_string(),
    }
}

async fn legend() -> Result<Response, Text> {
    Ok(csv_response(build_legend()?))
}

fn build_legend() -> Result<Vec<u8>, Text> {
    let zh = app::i18n::Lang::Zh;
    let en = app::i18n::Lang::En;
    to_csv(
        &["minimum_score", "maximum_score", "description"],
        DynamicGrade::ALL.iter().map(|g| {
            let (lo, hi) = g.score_range();
            vec![lo.to_string(), hi.to_string(), format!("{} / {}", zh.dynamic_grade(*g), en.dynamic_grade(*g))]
        }),
    )
}

async fn feed_info(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Text> {
    let municipality = state.db.top_jurisdiction_name().await?.unwrap_or_default();
    // The portal's own address as the client reached it.
    let url =
        headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| format!("http://{h}/")).unwrap_or_default();
    let today = mingchu_domain::china_time::day(chrono::Utc::now());
    let csv = to_csv(
        &["feed_date", "feed_version", "municipality_name", "municipality_url", "contact_email"],
        [vec![yyyymmdd(today), "1.0".to_string(), municipality, url, String::new()]],
    )?;
    Ok(csv_response(csv))
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formula_cells_become_text_and_numbers_stay_numbers() {
        for formula in ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(defuse(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["-33.500000", "+8", "114.123456", "老王餐厅", "a=b", ""] {
            assert_eq!(defuse(plain), plain, "{plain:?}");
        }
    }
}
