//! A year of enforcement in the demo district, deterministic like the rest of it: two
//! inspectors per office; AI captures, most confirmed, the others dismissed;
//! a month's remote patrol plan per office and a few on-site checks, some finding problems;
//! rectification orders on what was found, closed on time, closed late, extended, rejected
//! once, still open, overdue; disputes won and lost. Times are days before the seeding day, so
//! the year always ends today. The order fates are decided here and checked against the domain's
//! state machine when written.

use super::rng::Rng;
use super::{Dataset, SEED, VENUE_COUNT};
use mingchu_domain::review::DismissReason;
use mingchu_domain::vocab::{VenueStatus, ViolationCategory};

/// The capture rules of the demo, with what a confirmed one says.
pub const RULES: [&str; 4] = ["未戴口罩", "未戴工作帽", "后厨出现老鼠", "操作时玩手机"];

pub struct DemoInspector {
    pub office: usize,
    pub login: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    Confirmed,
    Dismissed(DismissReason),
}

pub struct DemoCapture {
    pub venue: usize,
    /// Index into the venue's cameras.
    pub camera: usize,
    pub days_ago: i64,
    /// Minutes into the day (China time).
    pub minute: i64,
    pub rule: &'static str,
    pub confidence: f64,
    pub review: Review,
    /// Index into [`Activity::inspectors`].
    pub reviewer: usize,
    /// A dispute by the venue: whether it was upheld (otherwise overturned).
    pub dispute: Option<bool>,
}

pub struct DemoVisit {
    pub venue: usize,
    pub inspector: usize,
    pub day_offset: i64,
    /// A problem found: its category and description.
    pub problem: Option<(ViolationCategory, &'static str)>,
}

pub struct DemoTask {
    pub office: usize,
    /// Days before today its month started (a month is 30 days here).
    pub starts_days_ago: i64,
    pub onsite: bool,
    pub visits: Vec<DemoVisit>,
}

/// What happened to an order after it was issued (days after issue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Replied and accepted before the due day.
    OnTime { reply: i64, accept: i64 },
    /// The first reply was rejected; the second accepted.
    RejectedOnce { reply: i64, reject: i64, again: i64, accept: i64 },
    /// More time asked and granted, then closed.
    Extended { ask: i64, extra: i64, reply: i64, accept: i64 },
    /// Replied after the due day, then accepted: closed late.
    Late { reply: i64, accept: i64 },
    /// No reply yet (overdue once past its due day).
    Open,
}

/// What an order names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// Index into [`Activity::captures`].
    Capture(usize),
    /// (task, visit) indices.
    Visit(usize, usize),
}

pub struct DemoOrder {
    pub venue: usize,
    pub inspector: usize,
    pub issued_days_ago: i64,
    pub days_to_rectify: i64,
    pub named: Vec<Named>,
    pub fate: Fate,
}

pub struct Activity {
    pub inspectors: Vec<DemoInspector>,
    pub captures: Vec<DemoCapture>,
    pub tasks: Vec<DemoTask>,
    pub orders: Vec<DemoOrder>,
}

const PROBLEMS: [(ViolationCategory, &str); 5] = [
    (ViolationCategory::StaffHygiene, "员工未按规定佩戴口罩、工作帽"),
    (ViolationCategory::PremisesHygiene, "操作间地面积水，垃圾桶未加盖"),
    (ViolationCategory::Storage, "冷藏柜生熟食品混放"),
    (ViolationCategory::Disinfection, "消毒柜未开启，餐具未消毒"),
    (ViolationCategory::Pests, "防鼠网破损"),
];

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
const GIVEN: [&str; 8] = ["芳", "明", "伟", "静", "磊", "敏", "强", "丽"];

/// The demo's year of enforcement over `data` (its usual district; load-test venues beyond it
/// have none).
pub fn generate(data: &Dataset) -> Activity {
    let mut rng = Rng::new(SEED ^ 0x0e_f0_7c_e0);
    let inspectors: Vec<DemoInspector> = (0..data.offices.len() * 2)
        .map(|i| DemoInspector {
            office: i / 2,
            login: format!("demo.inspector{}", i + 1),
            name: format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i * 3 + 1) % GIVEN.len()]),
        })
        .collect();
    let of_office = |office: usize, rng: &mut Rng| office * 2 + rng.below(2) as usize;
    let trading: Vec<usize> = data
        .venues
        .iter()
        .enumerate()
        .take(VENUE_COUNT)
        .filter(|(_, v)| matches!(v.status, VenueStatus::Operating | VenueStatus::Suspended))
        .map(|(i, _)| i)
        .collect();

    // Captures: a few a month at venues with cameras, every one reviewed (the review queue is
    // the running demo's own: what frame analysis finds from now on).
    let mut captures = Vec::new();
    for &venue in &trading {
        let v = &data.venues[venue];
        if v.cameras.is_empty() {
            continue;
        }
        let monthly = rng.range(0, 3);
        for month in 0..12 {
            for _ in 0..monthly {
                let days_ago = month * 30 + rng.range(0, 29);
                let review = if rng.chance(70) {
                    Review::Confirmed
                } else {
                    *rng.pick(&[
                        Review::Dismissed(DismissReason::FalsePet),
                        Review::Dismissed(DismissReason::FalseReflection),
                        Review::Dismissed(DismissReason::FalseStaffOnBreak),
                        Review::Dismissed(DismissReason::NotAViolation),
                    ])
                };
                let rule: &'static str = RULES[rng.below(RULES.len() as u64) as usize];
                let dispute = (review == Review::Confirmed && (15..360).contains(&days_ago) && rng.chance(6))
                    .then(|| rng.chance(50));
                captures.push(DemoCapture {
                    venue,
                    camera: rng.below(v.cameras.len() as u64) as usize,
                    days_ago,
                    minute: rng.range(6 * 60, 21 * 60),
                    rule,
                    confidence: 0.55 + rng.below(40) as f64 / 100.0,
                    review,
                    reviewer: of_office(v.street, &mut rng),
                    dispute,
                });
            }
        }
    }

    // Patrols: each office's remote plan every month, an on-site check every quarter.
    let mut tasks = Vec::new();
    for office in 0..data.offices.len() {
        let venues: Vec<usize> = trading.iter().copied().filter(|&i| data.venues[i].street == office).collect();
        if venues.is_empty() {
            continue;
        }
        for month in (1..12).rev() {
            let onsite = month % 3 == 0;
            let mut visits = Vec::new();
            for &venue in &venues {
                if onsite || rng.chance(45) {
                    visits.push(DemoVisit {
                        venue,
                        inspector: of_office(office, &mut rng),
                        day_offset: rng.range(0, 27),
                        problem: rng.chance(18).then(|| *rng.pick(&PROBLEMS)),
                    });
                }
            }
            if !visits.is_empty() {
                tasks.push(DemoTask { office, starts_days_ago: month * 30, onsite, visits });
            }
        }
    }

    // Orders: on each month's confirmed captures per venue (most of them), and on every patrol
    // problem; undisputed or upheld ones only.
    let mut orders = Vec::new();
    let fate = |rng: &mut Rng, issued_days_ago: i64, days: i64| -> Fate {
        let since = issued_days_ago;
        let pick = rng.below(100);
        match pick {
            _ if since <= days => {
                if rng.chance(40) {
                    Fate::OnTime { reply: (days / 2).min(since), accept: (days / 2 + 1).min(since) }
                } else {
                    Fate::Open
                }
            }
            0..=54 => Fate::OnTime { reply: rng.range(1, days - 2), accept: days - 1 },
            55..=69 => Fate::RejectedOnce { reply: 2, reject: 3, again: days - 2, accept: days - 1 },
            70..=79 => Fate::Extended { ask: 2, extra: 10, reply: days + 6, accept: days + 8 },
            80..=91 => Fate::Late { reply: days + rng.range(2, 6), accept: days + 7 },
            _ => Fate::Open,
        }
    };
    for &venue in &trading {
        for month in 0..12 {
            let named: Vec<Named> = captures
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.venue == venue
                        && c.review == Review::Confirmed
                        && c.dispute != Some(false)
                        && c.days_ago / 30 == month
                        && c.days_ago >= 2
                })
                .map(|(i, _)| Named::Capture(i))
                .collect();
            if named.is_empty() || !rng.chance(75) {
                continue;
            }
            let latest = named
                .iter()
                .map(|n| match n {
                    Named::Capture(i) => captures[*i].days_ago,
                    Named::Visit(..) => 0,
                })
                .min()
                .unwrap_or(0);
            let issued_days_ago = latest - 1;
            let days = 7;
            orders.push(DemoOrder {
                venue,
                inspector: captures[match named[0] {
                    Named::Capture(i) => i,
                    Named::Visit(..) => 0,
                }]
                .reviewer,
                issued_days_ago,
                days_to_rectify: days,
                fate: fate(&mut rng, issued_days_ago, days),
                named,
            });
        }
    }
    for (t, task) in tasks.iter().enumerate() {
        for (v, visit) in task.visits.iter().enumerate() {
            if visit.problem.is_some() {
                let issued_days_ago = (task.starts_days_ago - visit.day_offset).max(1);
                let days = 10;
                orders.push(DemoOrder {
                    venue: visit.venue,
                    inspector: visit.inspector,
                    issued_days_ago,
                    days_to_rectify: days,
                    fate: fate(&mut rng, issued_days_ago, days),
                    named: vec![Named::Visit(t, v)],
                });
            }
        }
    }
    Activity { inspectors, captures, tasks, orders }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_the_same_every_time_and_has_every_kind_of_outcome() {
        let data = crate::demo::generate(SEED);
        let (a, b) = (generate(&data), generate(&data));
        assert_eq!(a.captures.len(), b.captures.len());
        assert_eq!(a.orders.len(), b.orders.len());
        assert!(a.captures.iter().any(|c| matches!(c.review, Review::Dismissed(_))));
        assert!(
            a.captures.iter().any(|c| c.dispute == Some(true)) && a.captures.iter().any(|c| c.dispute == Some(false))
        );
        for fate in ["OnTime", "RejectedOnce", "Extended", "Late", "Open"] {
            assert!(a.orders.iter().any(|o| format!("{:?}", o.fate).starts_with(fate)), "{fate}");
        }
        assert!(a.tasks.iter().any(|t| t.onsite) && a.tasks.iter().any(|t| !t.onsite));
        assert!(a.tasks.iter().flat_map(|t| &t.visits).any(|v| v.problem.is_some()));
    }
}
