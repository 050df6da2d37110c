//! What server functions return. Dates are ISO 8601 strings (`YYYY-MM-DD`) so the browser
//! bundle needs no date library.

use crate::domain::*;
use serde::{Deserialize, Serialize};

/// How many venues a search page shows.
pub const PAGE_SIZE: u32 = 20;

/// A venue search, as it appears in the home page's query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VenueQuery {
    /// Matched against name and address.
    pub q: String,
    pub kind: Option<VenueKind>,
    /// 1-based.
    pub page: u32,
}

impl VenueQuery {
    /// The home-page URL for this search; empty parts are left out so URLs stay short.
    pub fn to_url(&self) -> String {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", encode_query_value(self.q.trim())));
        }
        if let Some(kind) = self.kind {
            params.push(format!("type={}", kind.code()));
        }
        if self.page > 1 {
            params.push(format!("page={}", self.page));
        }
        if params.is_empty() {
            "/".to_string()
        } else {
            format!("/?{}", params.join("&"))
        }
    }
}

/// Percent-encodes a query-string value (UTF-8, RFC 3986 unreserved characters kept).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueSummary {
    pub id: VenueId,
    pub name: String,
    pub kind: VenueKind,
    pub status: VenueStatus,
    pub address: String,
    pub jurisdiction: String,
    pub dynamic_grade: Option<DynamicGrade>,
    pub annual_grade: Option<AnnualGrade>,
    pub camera_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub venues: Vec<VenueSummary>,
    /// All matches, not only this page's.
    pub total: u32,
    pub page: u32,
    pub page_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Licence {
    pub number: String,
    pub holder: String,
    pub legal_representative: String,
    pub premises: String,
    pub business_items: String,
    pub issued_on: String,
    pub valid_until: String,
    pub authority: String,
    pub validity: LicenceValidity,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub item: String,
    pub severity: Severity,
    pub points: u32,
    pub remark: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub date: String,
    pub kind: InspectionKind,
    pub office: String,
    pub dynamic_grade: Option<DynamicGrade>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraSummary {
    pub id: CameraId,
    pub name: String,
    pub area: KitchenArea,
    pub public: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VenueDetail {
    pub summary: VenueSummary,
    pub is_key_venue: bool,
    pub connected_on: Option<String>,
    pub licence: Option<Licence>,
    /// Newest first.
    pub inspections: Vec<Inspection>,
    pub cameras: Vec<CameraSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_urls_leave_out_defaults_and_encode_text() {
        assert_eq!(VenueQuery::default().to_url(), "/");
        let q = VenueQuery { q: "学校 食堂&".into(), kind: Some(VenueKind::SchoolCanteen), page: 2 };
        assert_eq!(q.to_url(), "/?q=%E5%AD%A6%E6%A0%A1+%E9%A3%9F%E5%A0%82%26&type=school_canteen&page=2");
    }
}
