//! The demo district: a deterministic, realistic data set for the embedded default.
//!
//! `generate` is pure: the same seed gives the same district on every machine, so tests can
//! name venues and numbers. `crate::db::seed` stores it.

pub mod activity;
mod names;
mod rng;

use crate::codes;
use chrono::{Duration, NaiveDate};
use mingchu_domain::vocab::{AnnualGrade, DynamicGrade, InspectionKind, KitchenArea, Severity, VenueKind, VenueStatus};
use rng::Rng;

pub const SEED: u64 = 20_180_101;
pub const VENUE_COUNT: usize = 48;
/// The day the demo data describes; dates are spread before it.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid date")
}

pub struct Dataset {
    pub district: Jurisdiction,
    pub streets: Vec<Jurisdiction>,
    /// One office per street, in `streets` order.
    pub offices: Vec<String>,
    pub venues: Vec<Venue>,
}

pub struct Jurisdiction {
    pub code: String,
    pub name: String,
}

pub struct Venue {
    pub name: String,
    pub kind: VenueKind,
    pub credit_code: String,
    /// Index into `Dataset::streets`.
    pub street: usize,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: VenueStatus,
    /// When a suspended or closed venue stopped trading.
    pub status_since: Option<NaiveDate>,
    pub is_key_venue: bool,
    pub connected_on: Option<NaiveDate>,
    pub licence: Licence,
    pub inspections: Vec<Inspection>,
    pub annual_ratings: Vec<(i32, AnnualGrade)>,
    pub cameras: Vec<Camera>,
}

pub struct Licence {
    pub number: String,
    pub holder: String,
    pub legal_representative: String,
    pub business_items: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub authority: String,
}

pub struct Inspection {
    pub date: NaiveDate,
    pub kind: InspectionKind,
    /// Index into `Dataset::offices`.
    pub office: usize,
    pub grade: Option<DynamicGrade>,
    pub findings: Vec<Finding>,
}

pub struct Finding {
    pub item: String,
    pub severity: Severity,
    pub points: u32,
    pub remark: String,
}

pub struct Camera {
    pub name: String,
    pub area: KitchenArea,
    pub is_public: bool,
    /// `None`: the built-in synthetic camera. Some demo cameras are broken on purpose: their
    /// address refuses connections, so the portal shows them offline, as it would a real one.
    pub source_url: Option<String>,
    /// Checks of the year before seeding (from the day the venue joined): (days ago, checks,
    /// online).
    pub history: Vec<(i64, u32, u32)>,
}

/// Where a demo camera that has gone dark points: a local port nothing listens on.
pub const DEAD_CAMERA_URL: &str = "rtsp://127.0.0.1:9/stream1";
/// Checks per day at the default interval (every 5 minutes).
const CHECKS_PER_DAY: u32 = 288;

/// One of the demo's two closed venues took its cameras with it (they no longer answer); the
/// other's cameras still stream, the "closed but still connected" failure.
fn closed_and_disconnected(index: usize, status: VenueStatus) -> bool {
    status == VenueStatus::Closed && index.is_multiple_of(4)
}

/// Days of checks the demo keeps: a year, so the key figures and the annual report have one.
pub const HISTORY_DAYS: i64 = 365;

/// The last year of checks of a demo camera, from its own generator (so the rest of the
/// district does not depend on it). Most cameras are online nearly all day; some venues have a
/// flaky camera below the 95 % target; in others one camera went dark two days ago; and for a
/// quarter of the year (150–240 days ago) a third of the venues had a failing camera, so the
/// district's daily rate dipped under 95 % (the seeds' "quarters under the contract's rate").
fn check_history(index: usize, camera: usize, cameras: usize, status: VenueStatus, dead: bool) -> Vec<(i64, u32, u32)> {
    // Load-test venues beyond the usual district have no history (it would be millions of rows).
    if index >= VENUE_COUNT || status == VenueStatus::Planned || closed_and_disconnected(index, status) {
        return Vec::new();
    }
    let mut rng = Rng::new(SEED ^ ((index as u64) << 8 | camera as u64));
    let flaky = index % 7 == 3 && camera + 1 == cameras;
    let failing = index.is_multiple_of(3) && camera == 0;
    (1..=HISTORY_DAYS)
        .map(|days_ago| {
            let online = if dead && days_ago <= 2 {
                0
            } else if failing && (150..=240).contains(&days_ago) {
                CHECKS_PER_DAY * rng.range(40, 70) as u32 / 100
            } else if flaky {
                CHECKS_PER_DAY * rng.range(78, 94) as u32 / 100
            } else {
                CHECKS_PER_DAY - rng.range(0, 4) as u32
            };
            (days_ago, CHECKS_PER_DAY, online)
        })
        .collect()
}

pub fn generate(seed: u64) -> Dataset {
    generate_scaled(seed, VENUE_COUNT)
}

/// The demo district with `venues` venues (for load tests); the first 48 are the usual ones.
pub fn generate_scaled(seed: u64, venues: usize) -> Dataset {
    let mut rng = Rng::new(seed);
    let streets: Vec<Jurisdiction> = names::STREETS
        .iter()
        .map(|(code, name, _)| Jurisdiction { code: code.to_string(), name: format!("坪山区{name}") })
        .collect();
    let offices =
        names::STREETS.iter().map(|(_, _, short)| format!("深圳市市场监督管理局坪山监管局{short}监管所")).collect();
    let mut ordinals = std::collections::HashMap::new();
    let venues = (0..venues)
        .map(|i| {
            // The how-many-th venue of its kind, which keeps names unique.
            let ordinal = ordinals.entry(kind_for(i)).or_insert(0usize);
            *ordinal += 1;
            venue(&mut rng, i, *ordinal - 1)
        })
        .collect();
    Dataset {
        district: Jurisdiction { code: "440310".into(), name: "深圳市坪山区".into() }, streets, offices, venues
    }
}

fn kind_for(index: usize) -> VenueKind {
    // 28 restaurants, 9 school canteens, 7 elderly meal points, 4 central kitchens, interleaved
    // so every page of results shows a mix.
    match index % 12 {
        0 | 1 | 3 | 4 | 6 | 8 | 10 => VenueKind::Restaurant,
        2 | 7 => VenueKind::SchoolCanteen,
        5 | 11 if index < 44 => VenueKind::ElderlyMealPoint,
        9 => VenueKind::CentralKitchen,
        _ => VenueKind::SchoolCanteen,
    }
}

const BRANDS: &[&str] = &["鑫源", "百味", "合家", "鸿福", "嘉禾"];

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(names::SURNAMES), rng.pick(names::GIVEN_NAMES))
}

fn venue(rng: &mut Rng, index: usize, ordinal: usize) -> Venue {
    let kind = kind_for(index);
    let street = (index + index / 30) % names::STREETS.len();
    let (_, street_name, short) = names::STREETS[street];
    let road = rng.pick(names::ROADS);
    let number = rng.range(1, 388);
    let address = format!("深圳市坪山区{street_name}{road}{number}号");
    let name = match kind {
        VenueKind::Restaurant => format!("{}（{short}店）", names::RESTAURANTS[ordinal % names::RESTAURANTS.len()]),
        VenueKind::SchoolCanteen => format!("坪山区{short}{}食堂", names::SCHOOLS[ordinal % names::SCHOOLS.len()]),
        VenueKind::ElderlyMealPoint => format!("{short}社区长者饭堂（第{}助餐点）", ordinal + 1),
        VenueKind::CentralKitchen => format!("{}中央厨房（{short}）", BRANDS[ordinal % BRANDS.len()]),
        VenueKind::Other => unreachable!("the demo has no other venues"),
    };
    let holder = match kind {
        VenueKind::Restaurant if rng.chance(60) => {
            format!("深圳市坪山区{}餐饮店", name.split('（').next().unwrap_or(&name))
        }
        VenueKind::Restaurant | VenueKind::CentralKitchen => {
            format!("深圳市{}{}餐饮管理有限公司", short, BRANDS[(ordinal + index) % BRANDS.len()])
        }
        VenueKind::SchoolCanteen => format!("深圳市坪山区{short}{}", names::SCHOOLS[ordinal % names::SCHOOLS.len()]),
        VenueKind::ElderlyMealPoint => format!("深圳市坪山区{short}社区党群服务中心"),
        VenueKind::Other => unreachable!("the demo has no other venues"),
    };
    let entity = if holder.ends_with("餐饮店") {
        "92"
    } else if holder.ends_with("有限公司") {
        "91"
    } else {
        "12"
    };
    let org: String = (0..9).map(|_| char::from(*rng.pick(codes::CREDIT_CODE_CHARS))).collect();
    let prefix = format!("{entity}440310{org}");
    // The prefix is built from CREDIT_CODE_CHARS only, so it always has a check character.
    let credit_code = format!("{prefix}{}", codes::credit_code_check(&prefix).expect("valid prefix"));

    // Most venues are open; a few are suspended or closed, which the portal must show.
    let status = match index {
        13 | 31 => VenueStatus::Suspended,
        22 | 40 => VenueStatus::Closed,
        // Licensed and due to join the programme; no cameras connected yet.
        44 | 47 => VenueStatus::Planned,
        _ => VenueStatus::Operating,
    };
    let as_of = as_of();
    // Licences were issued over the last five years (valid five years); two are new enough
    // that the venue has no dynamic grade yet.
    let issued_on = if index == 17 || index == 35 {
        as_of - Duration::days(rng.range(20, 80))
    } else {
        as_of - Duration::days(rng.range(120, 5 * 365 + 40))
    };
    let valid_until = issued_on + Duration::days(5 * 365) - Duration::days(1);
    let type_digit = if kind == VenueKind::SchoolCanteen { '3' } else { '2' };
    // 37 is coprime with 10^6, so sequence numbers stay unique up to a million venues.
    let body = format!("{type_digit}440310{:06}", (100 + index * 37) % 1_000_000);
    let licence_number = format!("JY{body}{}", codes::luhn_digit(&body));
    let business_items = match kind {
        VenueKind::Restaurant if index.is_multiple_of(3) => "热食类食品制售；冷食类食品制售（含生食类）",
        VenueKind::Restaurant => "热食类食品制售",
        VenueKind::SchoolCanteen => "热食类食品制售（学校食堂）",
        VenueKind::ElderlyMealPoint => "热食类食品制售（老年助餐）",
        VenueKind::CentralKitchen => "热食类食品制售；冷食类食品制售；集体用餐配送",
        VenueKind::Other => unreachable!("the demo has no other venues"),
    };
    let licence = Licence {
        number: licence_number,
        holder,
        legal_representative: person(rng),
        business_items: business_items.to_string(),
        issued_on,
        valid_until,
        authority: "深圳市市场监督管理局坪山监管局".into(),
    };

    let inspections = inspections(rng, street, issued_on, as_of);
    let annual_ratings = annual_ratings(&inspections);
    let camera_count = match kind {
        VenueKind::SchoolCanteen | VenueKind::CentralKitchen => rng.range(4, 6),
        _ => rng.range(1, 5),
    } as usize;
    let mut cameras = cameras(rng, camera_count);
    if status == VenueStatus::Planned {
        cameras.clear();
    }
    let count = cameras.len();
    for (i, camera) in cameras.iter_mut().enumerate() {
        let dead = closed_and_disconnected(index, status) || (index % 10 == 6 && i + 1 == count);
        if dead {
            camera.source_url = Some(DEAD_CAMERA_URL.to_string());
        }
        camera.history = check_history(index, i, count, status, dead);
    }
    let is_key_venue =
        matches!(kind, VenueKind::SchoolCanteen | VenueKind::CentralKitchen | VenueKind::ElderlyMealPoint)
            || rng.chance(30);
    let connected_on = (status != VenueStatus::Closed || rng.chance(50))
        .then(|| (issued_on + Duration::days(rng.range(10, 90))).min(as_of))
        .filter(|_| status != VenueStatus::Planned);
    // Suspended or closed in the last few months, after its latest inspection.
    let last_inspection = inspections.iter().map(|i| i.date).max().unwrap_or(issued_on);
    let status_since = matches!(status, VenueStatus::Suspended | VenueStatus::Closed)
        .then(|| (last_inspection + Duration::days(rng.range(1, 60))).min(as_of));
    Venue {
        name,
        kind,
        credit_code,
        street,
        address,
        status_since,
        latitude: 22.69 + 0.035 * rng.signed_unit(),
        longitude: 114.35 + 0.045 * rng.signed_unit(),
        status,
        is_key_venue,
        connected_on,
        licence,
        inspections,
        annual_ratings,
        cameras,
    }
}

fn inspections(rng: &mut Rng, office: usize, issued_on: NaiveDate, as_of: NaiveDate) -> Vec<Inspection> {
    let first = (issued_on + Duration::days(30)).max(as_of - Duration::days(3 * 365));
    let span = (as_of - first).num_days().max(1);
    let count = rng.range(1, 5) as usize;
    let mut dates: Vec<NaiveDate> = (0..count).map(|_| first + Duration::days(rng.range(0, span - 1))).collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .enumerate()
        .map(|(i, date)| {
            // Up to three different findings (an inspection records each problem once).
            let mut items: Vec<usize> = Vec::new();
            for _ in 0..rng.range(0, 3) {
                let pick = rng.below(names::FINDINGS.len() as u64) as usize;
                if !items.contains(&pick) {
                    items.push(pick);
                }
            }
            let findings: Vec<Finding> = items
                .into_iter()
                .map(|i| {
                    let (item, critical, points) = names::FINDINGS[i];
                    Finding {
                        item: item.into(),
                        severity: if critical { Severity::Critical } else { Severity::General },
                        points,
                        remark: rng.pick(names::REMARKS).to_string(),
                    }
                })
                .collect();
            let points = findings.iter().map(|f| f.points).sum();
            // No dynamic grade in the first three months after licensing.
            let graded = (date - issued_on).num_days() >= 90;
            let kind = if i > 0 && rng.chance(30) {
                InspectionKind::FollowUp
            } else if rng.chance(15) {
                InspectionKind::Complaint
            } else {
                InspectionKind::Routine
            };
            Inspection { date, kind, office, grade: graded.then(|| DynamicGrade::for_points(points)), findings }
        })
        .collect()
}

/// Annual grades from each full year's graded inspections: A if all excellent, C if any fair.
fn annual_ratings(inspections: &[Inspection]) -> Vec<(i32, AnnualGrade)> {
    use chrono::Datelike;
    let mut years: Vec<i32> = inspections.iter().filter(|i| i.grade.is_some()).map(|i| i.date.year()).collect();
    years.dedup();
    years
        .into_iter()
        .filter(|y| *y < as_of().year())
        .map(|year| {
            let grades: Vec<DynamicGrade> =
                inspections.iter().filter(|i| i.date.year() == year).filter_map(|i| i.grade).collect();
            let grade = if grades.contains(&DynamicGrade::Fair) {
                AnnualGrade::C
            } else if grades.iter().all(|g| *g == DynamicGrade::Excellent) {
                AnnualGrade::A
            } else {
                AnnualGrade::B
            };
            (year, grade)
        })
        .collect()
}

fn cameras(rng: &mut Rng, count: usize) -> Vec<Camera> {
    // The national guidance names cold dishes, cooking and dish washing first.
    const ORDER: &[KitchenArea] = &[
        KitchenArea::Cooking,
        KitchenArea::SpecialRoom,
        KitchenArea::Dishwashing,
        KitchenArea::RoughPrep,
        KitchenArea::Serving,
        KitchenArea::Storage,
    ];
    (0..count)
        .map(|i| Camera {
            name: names::CAMERA_NAMES[i].to_string(),
            area: ORDER[i],
            // Storage cameras are often kept for regulators only.
            is_public: ORDER[i] != KitchenArea::Storage || rng.chance(30),
            source_url: None,
            history: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mingchu_domain::vocab::LicenceNumber;

    #[test]
    fn district_has_the_promised_shape() {
        let d = generate(SEED);
        assert!(d.streets.len() >= 3);
        assert_eq!(d.venues.len(), VENUE_COUNT);
        for kind in
            [VenueKind::Restaurant, VenueKind::SchoolCanteen, VenueKind::ElderlyMealPoint, VenueKind::CentralKitchen]
        {
            assert!(d.venues.iter().filter(|v| v.kind == kind).count() >= 3, "{kind:?}");
        }
        for status in VenueStatus::ALL {
            assert!(d.venues.iter().any(|v| v.status == *status), "{status:?}");
        }
        for v in &d.venues {
            LicenceNumber::parse(&v.licence.number).unwrap();
            assert_eq!(v.credit_code.len(), 18);
            if v.status == VenueStatus::Planned {
                assert!(v.cameras.is_empty() && v.connected_on.is_none(), "planned venues are not connected yet");
            } else {
                assert!((1..=6).contains(&v.cameras.len()));
            }
            assert!(!v.inspections.is_empty());
            assert!(v.licence.valid_until > v.licence.issued_on);
        }
        for i in d.venues.iter().flat_map(|v| &v.inspections) {
            let items: std::collections::HashSet<_> = i.findings.iter().map(|f| &f.item).collect();
            assert_eq!(items.len(), i.findings.len(), "each finding once per inspection");
        }
        // Every grade is someone's current grade, so the grade filter has something to show.
        let current: Vec<_> =
            d.venues.iter().filter_map(|v| v.inspections.iter().max_by_key(|i| i.date)?.grade).collect();
        for g in DynamicGrade::ALL {
            assert!(current.contains(g), "{g:?}");
        }
        // Venues licensed under three months ago have no dynamic grade yet.
        assert!(d.venues.iter().any(|v| v.inspections.iter().all(|i| i.grade.is_none())));
    }

    #[test]
    fn check_history_has_good_flaky_and_dark_cameras() {
        let d = generate(SEED);
        let rate = |h: &[(i64, u32, u32)]| {
            let (c, o) = h.iter().fold((0, 0), |(c, o), (_, dc, d_o)| (c + dc, o + d_o));
            o as f64 / c as f64
        };
        let cams: Vec<&Camera> = d.venues.iter().flat_map(|v| &v.cameras).filter(|c| !c.history.is_empty()).collect();
        assert!(cams.iter().filter(|c| rate(&c.history) >= 0.98).count() > cams.len() * 3 / 4);
        assert!(cams.iter().any(|c| (0.5..0.95).contains(&rate(&c.history))), "a flaky camera");
        let dark: Vec<_> = cams.iter().filter(|c| c.source_url.is_some()).collect();
        assert!(!dark.is_empty());
        assert!(dark.iter().all(|c| c.history.iter().all(|(ago, _, online)| *ago > 2 || *online == 0)));
    }

    #[test]
    fn same_seed_same_district() {
        let (a, b) = (generate(SEED), generate(SEED));
        let key = |d: &Dataset| {
            d.venues.iter().map(|v| (v.name.clone(), v.licence.number.clone(), v.inspections.len())).collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
        let names: std::collections::HashSet<_> = a.venues.iter().map(|v| &v.name).collect();
        assert_eq!(names.len(), a.venues.len(), "venue names are unique");
    }
}
