//! Reading and checking CSV rows into typed records (no database access).

use super::{ImportError, ImportKind, RowError};
use crate::codes::validate_credit_code;
use app::i18n::Lang;
use chrono::NaiveDate;
use mingchu_domain::vocab::{DynamicGrade, InspectionKind, LicenceNumber, Severity, VenueKind, VenueStatus};
use std::collections::{HashMap, HashSet};

pub struct VenueRecord {
    pub row: usize,
    pub credit_code: String,
    pub name: String,
    pub kind: VenueKind,
    pub jurisdiction_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub status: VenueStatus,
    pub is_key_venue: bool,
    pub connected_on: Option<NaiveDate>,
}

pub struct LicenceRecord {
    pub row: usize,
    pub number: String,
    pub credit_code: String,
    pub holder: String,
    pub legal_representative: String,
    pub premises: String,
    pub business_items: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub authority: String,
}

pub struct InspectionRecord {
    /// The first row of this inspection.
    pub row: usize,
    pub external_ref: String,
    pub credit_code: String,
    pub inspected_on: NaiveDate,
    pub kind: InspectionKind,
    pub office: String,
    pub dynamic_grade: Option<DynamicGrade>,
    pub findings: Vec<FindingRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRecord {
    pub item: String,
    pub severity: Severity,
    pub points: u32,
    pub remark: String,
}

pub enum Records {
    Venues(Vec<VenueRecord>),
    Licences(Vec<LicenceRecord>),
    Inspections(Vec<InspectionRecord>),
}

const VENUE_COLUMNS: &[&str] = &[
    "credit_code",
    "name",
    "kind",
    "jurisdiction_code",
    "address",
    "latitude",
    "longitude",
    "status",
    "is_key_venue",
    "connected_on",
];
const LICENCE_COLUMNS: &[&str] = &[
    "number",
    "credit_code",
    "holder",
    "legal_representative",
    "premises",
    "business_items",
    "issued_on",
    "valid_until",
    "authority",
];
const INSPECTION_COLUMNS: &[&str] = &[
    "inspection_ref",
    "credit_code",
    "inspected_on",
    "kind",
    "office",
    "dynamic_grade",
    "item",
    "severity",
    "points",
    "remark",
];
/// Columns that may be left out of the header altogether.
const OPTIONAL_COLUMNS: &[&str] = &["latitude", "longitude", "connected_on", "is_key_venue", "remark", "dynamic_grade"];

/// Longest text accepted in any cell.
const MAX_CELL_CHARS: usize = 500;

/// Reads and checks a whole file. Returns every problem found, not just the first.
pub fn parse(kind: ImportKind, input: impl std::io::Read) -> Result<Records, ImportError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(input);
    let header: Vec<String> =
        reader.headers()?.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
    let expected = match kind {
        ImportKind::Venues => VENUE_COLUMNS,
        ImportKind::Licences => LICENCE_COLUMNS,
        ImportKind::Inspections => INSPECTION_COLUMNS,
    };
    let columns: HashMap<&'static str, usize> =
        expected.iter().filter_map(|c| header.iter().position(|h| h == c).map(|i| (*c, i))).collect();
    let missing: Vec<&'static str> =
        expected.iter().filter(|c| !columns.contains_key(*c) && !OPTIONAL_COLUMNS.contains(c)).copied().collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns { missing, expected: expected.to_vec() });
    }

    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        match record {
            Ok(r) if r.iter().all(str::is_empty) => {}
            Ok(r) => rows.push((row, r)),
            Err(e) => errors.push(RowError { row, column: None, message: format!("cannot be read: {e}") }),
        }
    }
    let records = match kind {
        ImportKind::Venues => Records::Venues(venues(&rows, &columns, &mut errors)),
        ImportKind::Licences => Records::Licences(licences(&rows, &columns, &mut errors)),
        ImportKind::Inspections => Records::Inspections(inspections(&rows, &columns, &mut errors)),
    };
    if errors.is_empty() {
        Ok(records)
    } else {
        errors.sort_by_key(|e| e.row);
        Err(ImportError::Invalid(errors))
    }
}

/// Typed access to one row's cells, collecting problems instead of stopping at the first.
struct Cells<'a> {
    row: usize,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<&'static str, usize>,
    errors: &'a mut Vec<RowError>,
}

impl Cells<'_> {
    fn raw(&self, column: &'static str) -> &str {
        self.columns.get(column).and_then(|i| self.record.get(*i)).unwrap_or("")
    }

    fn error(&mut self, column: &'static str, message: String) {
        self.errors.push(RowError { row: self.row, column: Some(column), message });
    }

    fn optional<T>(&mut self, column: &'static str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let value = self.raw(column).to_string();
        if value.is_empty() {
            return None;
        }
        if value.chars().count() > MAX_CELL_CHARS {
            self.error(column, format!("is longer than {MAX_CELL_CHARS} characters"));
            return None;
        }
        match parse(&value) {
            Ok(v) => Some(v),
            Err(message) => {
                self.error(column, message);
                None
            }
        }
    }

    fn required<T>(&mut self, column: &'static str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        if self.raw(column).is_empty() {
            self.error(column, "is required".into());
            return None;
        }
        self.optional(column, parse)
    }

    fn text(&mut self, column: &'static str) -> Option<String> {
        self.required(column, |s| Ok(s.to_string()))
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
}

fn degrees(range: f64) -> impl Fn(&str) -> Result<f64, String> {
    move |s| match s.parse::<f64>() {
        Ok(v) if v.abs() <= range => Ok(v),
        _ => Err(format!("{s:?} is not a coordinate in degrees between -{range} and {range}")),
    }
}

/// A code or its Chinese or English label.
fn coded<T: Copy>(
    all: &'static [T],
    code: fn(T) -> &'static str,
    label: fn(Lang, T) -> &'static str,
    what: &'static str,
) -> impl Fn(&str) -> Result<T, String> {
    move |s| {
        all.iter()
            .copied()
            .find(|v| code(*v) == s || label(Lang::Zh, *v) == s || label(Lang::En, *v).eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let options: Vec<String> =
                    all.iter().map(|v| format!("{} ({})", code(*v), label(Lang::Zh, *v))).collect();
                format!("unknown {what} {s:?}; use one of {}", options.join(", "))
            })
    }
}

fn boolean(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "是" => Ok(true),
        "0" | "false" | "no" | "n" | "否" => Ok(false),
        _ => Err(format!("{s:?} is not yes or no; write 是/否 or 1/0")),
    }
}

fn credit_code(s: &str) -> Result<String, String> {
    validate_credit_code(s).map(|()| s.to_string())
}

/// Reports the second and later rows that repeat a key.
fn duplicate(
    seen: &mut HashMap<String, usize>,
    key: &str,
    row: usize,
    column: &'static str,
    errors: &mut Vec<RowError>,
) {
    if let Some(first) = seen.insert(key.to_string(), row) {
        seen.insert(key.to_string(), first);
        errors.push(RowError { row, column: Some(column), message: format!("{key:?} already appears in row {first}") });
    }
}

type Rows = [(usize, csv::StringRecord)];

fn venues(rows: &Rows, columns: &HashMap<&'static str, usize>, errors: &mut Vec<RowError>) -> Vec<VenueRecord> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (row, record) in rows {
        let mut c = Cells { row: *row, record, columns, errors };
        let credit_code = c.required("credit_code", credit_code);
        let name = c.text("name");
        let kind = c.required("kind", coded(VenueKind::ALL, VenueKind::code, Lang::venue_kind, "venue type"));
        let jurisdiction_code = c.required("jurisdiction_code", |s| {
            (matches!(s.len(), 6 | 9) && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.to_string())
                .ok_or_else(|| format!("{s:?} is not a 6- or 9-digit division code"))
        });
        let address = c.text("address");
        let latitude = c.optional("latitude", degrees(90.0));
        let longitude = c.optional("longitude", degrees(180.0));
        let status = c.required("status", coded(VenueStatus::ALL, VenueStatus::code, Lang::venue_status, "status"));
        let is_key_venue = c.optional("is_key_venue", boolean).unwrap_or(false);
        let connected_on = c.optional("connected_on", date);
        if latitude.is_some() != longitude.is_some() {
            c.error("longitude", "give both latitude and longitude, or neither".into());
        }
        if let Some(code) = &credit_code {
            duplicate(&mut seen, code, *row, "credit_code", errors);
        }
        if let (Some(credit_code), Some(name), Some(kind), Some(jurisdiction_code), Some(address), Some(status)) =
            (credit_code, name, kind, jurisdiction_code, address, status)
        {
            out.push(VenueRecord {
                row: *row,
                credit_code,
                name,
                kind,
                jurisdiction_code,
                address,
                latitude,
                longitude,
                status,
                is_key_venue,
                connected_on,
            });
        }
    }
    out
}

fn licences(rows: &Rows, columns: &HashMap<&'static str, usize>, errors: &mut Vec<RowError>) -> Vec<LicenceRecord> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (row, record) in rows {
        let mut c = Cells { row: *row, record, columns, errors };
        let number =
            c.required("number", |s| LicenceNumber::parse(s).map(|n| n.to_string()).map_err(|e| format!("{s:?}: {e}")));
        let credit_code = c.required("credit_code", credit_code);
        let holder = c.text("holder");
        let legal_representative = c.text("legal_representative");
        let premises = c.text("premises");
        let business_items = c.text("business_items");
        let issued_on = c.required("issued_on", date);
        let valid_until = c.required("valid_until", date);
        let authority = c.text("authority");
        if let (Some(from), Some(until)) = (issued_on, valid_until) {
            if until <= from {
                c.error("valid_until", format!("{until} is not after the issue date {from}"));
            }
        }
        if let Some(n) = &number {
            duplicate(&mut seen, n, *row, "number", errors);
        }
        if let (
            Some(number),
            Some(credit_code),
            Some(holder),
            Some(legal_representative),
            Some(premises),
            Some(business_items),
            Some(issued_on),
            Some(valid_until),
            Some(authority),
        ) = (
            number,
            credit_code,
            holder,
            legal_representative,
            premises,
            business_items,
            issued_on,
            valid_until,
            authority,
        ) {
            out.push(LicenceRecord {
                row: *row,
                number,
                credit_code,
                holder,
                legal_representative,
                premises,
                business_items,
                issued_on,
                valid_until,
                authority,
            });
        }
    }
    out
}

/// One row per finding; an inspection without findings is one row with an empty `item`.
/// Rows of the same `inspection_ref` must agree on the inspection's own columns.
fn inspections(
    rows: &Rows,
    columns: &HashMap<&'static str, usize>,
    errors: &mut Vec<RowError>,
) -> Vec<InspectionRecord> {
    let mut out: Vec<InspectionRecord> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut empty_rows: HashSet<String> = HashSet::new();
    for (row, record) in rows {
        let mut c = Cells { row: *row, record, columns, errors };
        let external_ref = c.text("inspection_ref");
        let credit_code = c.required("credit_code", credit_code);
        let inspected_on = c.required("inspected_on", date);
        let kind = c.required(
            "kind",
            coded(InspectionKind::ALL, InspectionKind::code, Lang::inspection_kind, "inspection type"),
        );
        let office = c.text("office");
        let dynamic_grade =
            c.optional("dynamic_grade", coded(DynamicGrade::ALL, DynamicGrade::code, Lang::dynamic_grade, "grade"));
        let item = c.optional("item", |s| Ok(s.to_string()));
        let finding = match item {
            Some(item) => {
                let severity = c.required("severity", coded(Severity::ALL, Severity::code, Lang::severity, "severity"));
                let points = c.required("points", |s| {
                    s.parse::<u32>()
                        .ok()
                        .filter(|p| *p <= 100)
                        .ok_or_else(|| format!("{s:?} is not a number of points from 0 to 100"))
                });
                let remark = c.optional("remark", |s| Ok(s.to_string())).unwrap_or_default();
                severity.zip(points).map(|(severity, points)| FindingRecord { item, severity, points, remark })
            }
            None => None,
        };
        let (Some(external_ref), Some(credit_code), Some(inspected_on), Some(kind), Some(office)) =
            (external_ref, credit_code, inspected_on, kind, office)
        else {
            continue;
        };
        match index.get(&external_ref) {
            Some(&i) => {
                let first = &mut out[i];
                if first.credit_code != credit_code
                    || first.inspected_on != inspected_on
                    || first.kind != kind
                    || first.office != office
                    || first.dynamic_grade != dynamic_grade
                {
                    errors.push(RowError {
                        row: *row,
                        column: Some("inspection_ref"),
                        message: format!(
                            "{external_ref:?} differs from row {} in venue, date, type, office or grade",
                            first.row
                        ),
                    });
                } else if finding.is_none() || empty_rows.contains(&external_ref) {
                    errors.push(RowError {
                        row: *row,
                        column: Some("item"),
                        message: "an inspection is either one row without findings or one row per finding".into(),
                    });
                }
                first.findings.extend(finding);
            }
            None => {
                if finding.is_none() {
                    empty_rows.insert(external_ref.clone());
                }
                index.insert(external_ref.clone(), out.len());
                out.push(InspectionRecord {
                    row: *row,
                    external_ref,
                    credit_code,
                    inspected_on,
                    kind,
                    office,
                    dynamic_grade,
                    findings: finding.into_iter().collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(kind: ImportKind, csv: &str) -> Vec<String> {
        match parse(kind, csv.as_bytes()) {
            Err(ImportError::Invalid(errors)) => errors.iter().map(ToString::to_string).collect(),
            Err(other) => vec![other.to_string()],
            Ok(_) => vec![],
        }
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row() {
        let csv =
            "credit_code,name,kind,jurisdiction_code,address,latitude,longitude,status,is_key_venue,connected_on\n\
                   91440300708461136T,好味餐厅,餐馆,440310001,坪山大道1号,22.69,114.35,operating,是,2024-01-02\n\
                   91440300708461136X,,bar,4403,坪山大道2号,95,114.35,open,maybe,2024-13-01\n\
                   91440300708461136T,好味二店,restaurant,440310001,坪山大道3号,,,正常营业,,\n";
        let errors = errors_of(ImportKind::Venues, csv);
        assert!(errors.iter().all(|e| e.starts_with("row 3") || e.starts_with("row 4")), "{errors:#?}");
        for needle in [
            "credit_code",
            "name: is required",
            "unknown venue type \"bar\"",
            "jurisdiction_code",
            "latitude",
            "status",
            "is_key_venue",
            "connected_on",
        ] {
            assert!(errors.iter().any(|e| e.starts_with("row 3") && e.contains(needle)), "{needle}: {errors:#?}");
        }
        assert!(errors.iter().any(|e| e.starts_with("row 4, credit_code") && e.contains("already appears in row 2")));
    }

    #[test]
    fn missing_columns_are_named() {
        let err = parse(ImportKind::Licences, "number,holder\n".as_bytes()).err().unwrap().to_string();
        assert!(err.contains("missing columns: credit_code, legal_representative"), "{err}");
    }

    #[test]
    fn findings_group_into_inspections() {
        let csv = "inspection_ref,credit_code,inspected_on,kind,office,dynamic_grade,item,severity,points,remark\n\
                   R1,91440300708461136T,2025-03-01,routine,坪山监管所,good,垃圾桶未加盖,general,1,\n\
                   R1,91440300708461136T,2025-03-01,日常检查,坪山监管所,良好（微笑）,生熟食品混放,关键项,5,已整改\n\
                   R2,91440300708461136T,2025-04-01,follow_up,坪山监管所,excellent,,,,\n";
        let Ok(Records::Inspections(list)) = parse(ImportKind::Inspections, csv.as_bytes()) else {
            panic!("valid file")
        };
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].findings.len(), 2);
        assert_eq!(list[0].findings[1].severity, Severity::Critical);
        assert!(list[1].findings.is_empty());
    }
}
