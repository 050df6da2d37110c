//! Rules that turn a detector's output into capture events.
//!
//! A [`Rule`] names the labels it cares about, a minimum confidence, optional zones, active
//! hours, a persistence across consecutive samples and a cooldown. [`RuleEngine`] keeps each
//! camera's progress on each rule and returns a [`Capture`] when a rule fires. Rules are plain
//! serde data, so a detector with another label map (rodents, hats, masks) comes with its own
//! rule file instead of code.

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

pub use super::detection::{BBox, Detection};

/// A polygon in normalized picture coordinates, for example the prep counter seen by one
/// camera. In files: a list of `[x, y]` points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Zone {
    pub points: Vec<[f32; 2]>,
}

impl Zone {
    /// Whether `point` lies inside the polygon (even-odd rule; points exactly on an edge may
    /// fall either way).
    pub fn contains(&self, [x, y]: [f32; 2]) -> bool {
        let n = self.points.len();
        let mut inside = false;
        for i in 0..n {
            let [xi, yi] = self.points[i];
            let [xj, yj] = self.points[(i + n - 1) % n];
            if (yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi) {
                inside = !inside;
            }
        }
        inside
    }
}

/// A daily window in China Standard Time (UTC+8, no daylight saving): from `start`
/// (inclusive) to `end` (exclusive), wrapping past midnight when `end` is earlier than
/// `start`, as in 22:00–06:00. In files: `{ "start": "22:00", "end": "06:00" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl ActiveHours {
    /// Whether `at` falls in the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        // Time of day in China, the window wrapping past midnight.
        let time = mingchu_domain::china_time::local(at).time();
        if self.start <= self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }
}

/// What a sample's matching detections must show for a rule to match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Any detection with one of the rule's labels.
    Present,
    /// A detection with one of the rule's labels (a person) overlapping a detection labelled
    /// one of `other` (a cell phone): the intersection covers at least `min_overlap` of the
    /// other box's area. The other object must reach the rule's confidence too, but need not
    /// be in a zone: zones apply to the person.
    PersonWith { other: Vec<String>, min_overlap: f32 },
    /// At least this many detections with the rule's labels.
    CountAtLeast(u32),
}

/// One capture rule. In files the cooldown is `cooldown_s`, in whole seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The event category, for example `animal`.
    pub category: String,
    /// Detector labels the rule looks at, for example `["cat", "dog", "bird"]`.
    pub labels: Vec<String>,
    /// Detections scoring below this are ignored (0..=1).
    pub min_confidence: f32,
    /// Consecutive samples in which the rule must match before it fires (at least 1).
    pub min_persistence: u32,
    /// Only detections whose box's bottom-centre lies in one of these zones count; empty means
    /// the whole picture.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Only samples taken within this window count; `None` means always.
    #[serde(default)]
    pub active_hours: Option<ActiveHours>,
    /// After firing, the rule stays quiet on that camera for this long.
    #[serde(rename = "cooldown_s", with = "whole_seconds")]
    pub cooldown: TimeDelta,
    pub condition: Condition,
}

/// What is wrong with a rule.
#[derive(Debug, Error, PartialEq)]
pub enum RuleError {
    #[error("a rule has an empty category")]
    NoCategory,
    #[error("rule {category:?}: no labels to look for")]
    NoLabels { category: String },
    #[error("rule {category:?}: {field} must be between 0 and 1, got {value}")]
    OutOfUnitRange { category: String, field: &'static str, value: f32 },
    #[error("rule {category:?}: min_persistence must be at least 1 sample")]
    NoPersistence { category: String },
    #[error("rule {category:?}: zone {zone} has {points} points, a polygon needs at least 3")]
    ZoneTooSmall { category: String, zone: usize, points: usize },
    #[error("rule {category:?}: zone {zone} has point [{x}, {y}] outside the picture (coordinates are 0..1)")]
    ZoneOutside { category: String, zone: usize, x: f32, y: f32 },
    #[error("rule {category:?}: active hours start and end at the same time; leave active_hours out for all day")]
    EmptyHours { category: String },
    #[error("rule {category:?}: the cooldown is negative")]
    NegativeCooldown { category: String },
    #[error("rule {category:?}: person_with needs at least one other label")]
    NoOtherLabels { category: String },
    #[error("rule {category:?}: count_at_least must be at least 1")]
    ZeroCount { category: String },
}

impl Rule {
    /// Checks the rule's numbers, zones and labels.
    pub fn validate(&self) -> Result<(), RuleError> {
        let category = || self.category.clone();
        let unit = |field, value: f32| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(RuleError::OutOfUnitRange { category: category(), field, value })
            }
        };
        if self.category.trim().is_empty() {
            return Err(RuleError::NoCategory);
        }
        if self.labels.is_empty() {
            return Err(RuleError::NoLabels { category: category() });
        }
        unit("min_confidence", self.min_confidence)?;
        if self.min_persistence == 0 {
            return Err(RuleError::NoPersistence { category: category() });
        }
        for (zone, polygon) in self.zones.iter().enumerate() {
            if polygon.points.len() < 3 {
                return Err(RuleError::ZoneTooSmall { category: category(), zone, points: polygon.points.len() });
            }
            if let Some(&[x, y]) = polygon.points.iter().find(|p| !p.iter().all(|c| (0.0..=1.0).contains(c))) {
                return Err(RuleError::ZoneOutside { category: category(), zone, x, y });
            }
        }
        if self.active_hours.is_some_and(|h| h.start == h.end) {
            return Err(RuleError::EmptyHours { category: category() });
        }
        if self.cooldown < TimeDelta::zero() {
            return Err(RuleError::NegativeCooldown { category: category() });
        }
        match &self.condition {
            Condition::Present => Ok(()),
            Condition::PersonWith { other, .. } if other.is_empty() => {
                Err(RuleError::NoOtherLabels { category: category() })
            }
            Condition::PersonWith { min_overlap, .. } => unit("min_overlap", *min_overlap),
            Condition::CountAtLeast(0) => Err(RuleError::ZeroCount { category: category() }),
            Condition::CountAtLeast(_) => Ok(()),
        }
    }

    /// The detections this sample contributes, or `None` when the rule does not match it.
    fn matches<'a>(&self, at: DateTime<Utc>, detections: &'a [Detection]) -> Option<Vec<&'a Detection>> {
        if self.active_hours.is_some_and(|hours| !hours.contains(at)) {
            return None;
        }
        let confident = |d: &&Detection| d.score >= self.min_confidence;
        let in_zone =
            |d: &&Detection| self.zones.is_empty() || self.zones.iter().any(|z| z.contains(d.bbox.bottom_centre()));
        let subjects: Vec<&Detection> =
            detections.iter().filter(|d| self.labels.contains(&d.label)).filter(confident).filter(in_zone).collect();
        let matched = match &self.condition {
            Condition::Present => subjects,
            Condition::CountAtLeast(n) if subjects.len() >= *n as usize => subjects,
            Condition::CountAtLeast(_) => Vec::new(),
            Condition::PersonWith { other, min_overlap } => {
                let objects: Vec<&Detection> =
                    detections.iter().filter(|d| other.contains(&d.label)).filter(confident).collect();
                let holds = |person: &Detection, object: &Detection| {
                    let area = object.bbox.area();
                    area > 0.0 && person.bbox.intersection_area(&object.bbox) >= min_overlap * area
                };
                let people = subjects.iter().filter(|p| objects.iter().any(|o| holds(p, o)));
                let held = objects.iter().filter(|o| subjects.iter().any(|p| holds(p, o)));
                people.chain(held).copied().collect()
            }
        };
        (!matched.is_empty()).then_some(matched)
    }
}

/// The rules for the shipped COCO detector (NanoDet-m): animals in the kitchen, phone use,
/// people after hours (23:00–05:00 China time) and crowding.
pub fn default_rules() -> Vec<Rule> {
    let rule = |category: &str, labels: &[&str], min_confidence, min_persistence, cooldown_minutes, condition| Rule {
        category: category.to_owned(),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        min_confidence,
        min_persistence,
        zones: Vec::new(),
        active_hours: None,
        cooldown: TimeDelta::minutes(cooldown_minutes),
        condition,
    };
    let phone = Condition::PersonWith { other: vec!["cell phone".to_owned()], min_overlap: 0.5 };
    let night = ActiveHours { start: NaiveTime::MIN + TimeDelta::hours(23), end: NaiveTime::MIN + TimeDelta::hours(5) };
    vec![
        rule("animal", &["cat", "dog", "bird"], 0.45, 2, 10, Condition::Present),
        rule("phone_use", &["person"], 0.4, 2, 10, phone),
        Rule { active_hours: Some(night), ..rule("after_hours_presence", &["person"], 0.5, 3, 30, Condition::Present) },
        rule("person_count", &["person"], 0.5, 3, 30, Condition::CountAtLeast(6)),
    ]
}

/// An event for human review: a rule fired on a camera.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capture {
    pub camera: i64,
    pub at: DateTime<Utc>,
    pub category: String,
    /// The highest score among the matched detections.
    pub confidence: f32,
    /// The matched detections: label, score, box.
    pub boxes: Vec<(String, f32, BBox)>,
}

/// Each camera's progress on each rule.
#[derive(Debug)]
pub struct RuleEngine {
    defaults: Vec<Rule>,
    cameras: HashMap<i64, CameraRules>,
}

#[derive(Debug)]
struct CameraRules {
    /// This camera's own rules (its zones, say), replacing the defaults.
    custom: Option<Vec<Rule>>,
    progress: Vec<Progress>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    streak: u32,
    last_fired: Option<DateTime<Utc>>,
}

impl RuleEngine {
    /// An engine applying `rules` to every camera without rules of its own.
    pub fn new(rules: Vec<Rule>) -> Result<RuleEngine, RuleError> {
        rules.iter().try_for_each(Rule::validate)?;
        Ok(RuleEngine { defaults: rules, cameras: HashMap::new() })
    }

    /// Gives `camera` its own rules (with its zones), replacing the defaults; its progress
    /// starts afresh.
    pub fn set_camera_rules(&mut self, camera: i64, rules: Vec<Rule>) -> Result<(), RuleError> {
        rules.iter().try_for_each(Rule::validate)?;
        let progress = vec![Progress::default(); rules.len()];
        self.cameras.insert(camera, CameraRules { custom: Some(rules), progress });
        Ok(())
    }

    /// Feeds one sample's detections from `camera`, taken at `at`; returns the rules that fire.
    /// A rule fires once it has matched `min_persistence` samples in a row (a sample without a
    /// match resets the count) and its cooldown since it last fired on this camera has passed.
    pub fn feed(&mut self, camera: i64, at: DateTime<Utc>, detections: &[Detection]) -> Vec<Capture> {
        let defaults = &self.defaults;
        let entry = self
            .cameras
            .entry(camera)
            .or_insert_with(|| CameraRules { custom: None, progress: vec![Progress::default(); defaults.len()] });
        let rules = entry.custom.as_ref().unwrap_or(defaults);
        let mut captures = Vec::new();
        for (rule, progress) in rules.iter().zip(entry.progress.iter_mut()) {
            let Some(matched) = rule.matches(at, detections) else {
                progress.streak = 0;
                continue;
            };
            progress.streak = progress.streak.saturating_add(1);
            let cooling = progress.last_fired.is_some_and(|last| at.signed_duration_since(last) < rule.cooldown);
            if progress.streak < rule.min_persistence || cooling {
                continue;
            }
            progress.last_fired = Some(at);
            captures.push(Capture {
                camera,
                at,
                category: rule.category.clone(),
                confidence: matched.iter().map(|d| d.score).fold(0.0, f32::max),
                boxes: matched.iter().map(|d| (d.label.clone(), d.score, d.bbox)).collect(),
            });
        }
        captures
    }
}

/// Serde for a [`TimeDelta`] as whole non-negative seconds.
mod whole_seconds {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &TimeDelta, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(value.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<TimeDelta, D::Error> {
        u32::deserialize(deserializer).map(|seconds| TimeDelta::seconds(i64::from(seconds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A time given in China Standard Time.
    fn china(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, day, hour, minute, 0).unwrap() - TimeDelta::hours(8)
    }

    fn det(label: &str, score: f32, (x0, y0, x1, y1): (f32, f32, f32, f32)) -> Detection {
        Detection { label: label.to_owned(), score, bbox: BBox { x0, y0, x1, y1 } }
    }

    fn cat() -> Detection {
        det("cat", 0.8, (0.1, 0.6, 0.3, 0.9))
    }

    fn rule(category: &str) -> Rule {
        default_rules().into_iter().find(|r| r.category == category).unwrap()
    }

    fn engine_with(rules: Vec<Rule>) -> RuleEngine {
        RuleEngine::new(rules).unwrap()
    }

    /// Feeds the same detections `n` times, one sample every 10 s from `start`; the categories
    /// fired at each sample.
    fn run(engine: &mut RuleEngine, start: DateTime<Utc>, n: i64, detections: &[Detection]) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| {
                let captures = engine.feed(1, start + TimeDelta::seconds(10 * i), detections);
                captures.into_iter().map(|c| c.category).collect()
            })
            .collect()
    }

    #[test]
    fn default_rules_are_valid() {
        let rules = default_rules();
        assert!(rules.iter().all(|r| r.validate().is_ok()));
        let categories: Vec<_> = rules.iter().map(|r| r.category.as_str()).collect();
        assert_eq!(categories, ["animal", "phone_use", "after_hours_presence", "person_count"]);
    }

    #[test]
    fn fires_only_after_persistence_and_a_gap_resets() {
        let mut engine = engine_with(vec![rule("animal")]);
        let t = china(3, 12, 0);
        // Persistence 2: not on the first sample, on the second.
        let fired = engine.feed(1, t, &[cat()]);
        assert!(fired.is_empty());
        let fired = engine.feed(1, t + TimeDelta::seconds(10), &[cat(), det("person", 0.9, (0.5, 0.1, 0.7, 0.9))]);
        assert_eq!(fired.len(), 1);
        let capture = &fired[0];
        assert_eq!((capture.camera, capture.category.as_str(), capture.confidence), (1, "animal", 0.8));
        assert_eq!(capture.at, t + TimeDelta::seconds(10));
        assert_eq!(capture.boxes, vec![("cat".to_owned(), 0.8, cat().bbox)]);

        // On another camera, a gap between two sightings resets the count.
        let mut engine = engine_with(vec![rule("animal")]);
        for (i, detections) in [vec![cat()], vec![], vec![cat()]].iter().enumerate() {
            assert!(engine.feed(2, t + TimeDelta::seconds(10 * i as i64), detections).is_empty());
        }
        // Cameras are counted apart.
        assert!(engine.feed(3, t, &[cat()]).is_empty());
        assert_eq!(engine.feed(2, t + TimeDelta::seconds(30), &[cat()]).len(), 1);
    }

    #[test]
    fn low_confidence_and_other_labels_are_ignored() {
        let mut engine = engine_with(vec![rule("animal")]);
        let weak = det("dog", 0.3, (0.1, 0.1, 0.2, 0.2));
        let other = det("teddy bear", 0.95, (0.1, 0.1, 0.2, 0.2));
        let fired = run(&mut engine, china(3, 12, 0), 5, &[weak, other]);
        assert!(fired.iter().all(Vec::is_empty));
    }

    #[test]
    fn zones_use_the_bottom_centre() {
        // The floor under the prep counter: the lower left quarter.
        let floor = Zone { points: vec![[0.0, 0.5], [0.5, 0.5], [0.5, 1.0], [0.0, 1.0]] };
        let mut zoned = Rule { zones: vec![floor], min_persistence: 1, ..rule("animal") };
        let mut engine = engine_with(vec![zoned.clone()]);
        let t = china(3, 12, 0);
        assert_eq!(engine.feed(1, t, &[cat()]).len(), 1);
        // Outside on the right; and a bird whose box reaches in but whose bottom-centre does not.
        let mut engine = engine_with(vec![zoned.clone()]);
        let right = det("dog", 0.9, (0.6, 0.6, 0.9, 0.9));
        let straddling = det("bird", 0.9, (0.3, 0.3, 0.9, 0.6));
        assert!(run(&mut engine, t, 3, &[right, straddling]).iter().all(Vec::is_empty));

        // A triangle: concave shapes and non-rectangles work too.
        zoned.zones = vec![Zone { points: vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]] }];
        assert!(zoned.zones[0].contains([0.2, 0.2]));
        assert!(!zoned.zones[0].contains([0.7, 0.7]));
        let notch = Zone { points: vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.2], [0.0, 1.0]] };
        assert!(notch.contains([0.1, 0.5]) && notch.contains([0.9, 0.5]));
        assert!(!notch.contains([0.5, 0.5]));
    }

    #[test]
    fn cooldown_silences_then_fires_again() {
        let mut engine = engine_with(vec![Rule { min_persistence: 1, ..rule("animal") }]);
        let t = china(3, 12, 0);
        assert_eq!(engine.feed(1, t, &[cat()]).len(), 1);
        // Ten minutes of cooldown: a cat present all along is not reported again...
        for minute in 1..10 {
            assert!(engine.feed(1, t + TimeDelta::minutes(minute), &[cat()]).is_empty(), "minute {minute}");
        }
        // ...until the cooldown is over.
        assert_eq!(engine.feed(1, t + TimeDelta::minutes(10), &[cat()]).len(), 1);
        assert!(engine.feed(1, t + TimeDelta::minutes(15), &[cat()]).is_empty());
    }

    #[test]
    fn active_hours_wrap_midnight_in_china_time() {
        let night = rule("after_hours_presence").active_hours.unwrap();
        assert!(night.contains(china(3, 23, 0)));
        assert!(night.contains(china(4, 0, 30)));
        assert!(night.contains(china(4, 4, 59)));
        assert!(!night.contains(china(4, 5, 0)));
        assert!(!night.contains(china(3, 22, 59)));
        // 23:30 in China is 15:30 UTC: the offset is applied.
        assert!(night.contains(Utc.with_ymd_and_hms(2024, 6, 3, 15, 30, 0).unwrap()));
        assert!(!night.contains(Utc.with_ymd_and_hms(2024, 6, 3, 23, 30, 0).unwrap()));

        let lunch = ActiveHours { start: "11:00".parse().unwrap(), end: "14:00".parse().unwrap() };
        assert!(lunch.contains(china(3, 11, 0)) && lunch.contains(china(3, 13, 59)));
        assert!(!lunch.contains(china(3, 14, 0)) && !lunch.contains(china(3, 10, 59)));

        // A person at night fires after three samples; the same by day never does.
        let cook = det("person", 0.9, (0.4, 0.2, 0.6, 0.95));
        let mut engine = engine_with(vec![rule("after_hours_presence")]);
        let fired = run(&mut engine, china(3, 23, 30), 3, std::slice::from_ref(&cook));
        assert_eq!(fired, [vec![], vec![], vec!["after_hours_presence".to_owned()]]);
        assert!(run(&mut engine, china(4, 12, 0), 6, &[cook]).iter().all(Vec::is_empty));
    }

    #[test]
    fn leaving_active_hours_resets_persistence() {
        let cook = det("person", 0.9, (0.4, 0.2, 0.6, 0.95));
        let mut engine = engine_with(vec![rule("after_hours_presence")]);
        // Two samples before 05:00, one after: no event.
        let fired = run(&mut engine, china(4, 4, 59) + TimeDelta::seconds(40), 3, &[cook]);
        assert!(fired.iter().all(Vec::is_empty));
    }

    #[test]
    fn phone_use_needs_the_phone_on_the_person() {
        let mut engine = engine_with(vec![Rule { min_persistence: 1, ..rule("phone_use") }]);
        let t = china(3, 12, 0);
        let person = det("person", 0.9, (0.2, 0.1, 0.5, 0.95));
        let held = det("cell phone", 0.6, (0.4, 0.4, 0.55, 0.5)); // two thirds inside the person
        let on_shelf = det("cell phone", 0.9, (0.8, 0.2, 0.9, 0.3));
        let fired = engine.feed(1, t, &[person.clone(), held.clone(), on_shelf.clone()]);
        assert_eq!(fired.len(), 1);
        let labels: Vec<_> = fired[0].boxes.iter().map(|(label, score, _)| (label.as_str(), *score)).collect();
        assert_eq!(labels, [("person", 0.9), ("cell phone", 0.6)]);
        assert_eq!(fired[0].confidence, 0.9);

        let mut engine = engine_with(vec![Rule { min_persistence: 1, ..rule("phone_use") }]);
        // A phone lying apart, a phone barely touching the person, a doubtful phone: nothing.
        let touching = det("cell phone", 0.9, (0.45, 0.4, 0.65, 0.5)); // a quarter inside
        let doubtful = det("cell phone", 0.2, (0.3, 0.4, 0.35, 0.5));
        for detections in [vec![person.clone(), on_shelf], vec![person.clone(), touching], vec![person, doubtful]] {
            assert!(engine.feed(1, t, &detections).is_empty(), "{detections:?}");
        }
    }

    #[test]
    fn count_threshold() {
        let mut engine = engine_with(vec![rule("person_count")]);
        let crowd = |n: usize| -> Vec<Detection> {
            (0..n)
                .map(|i| det("person", 0.6 + i as f32 / 100.0, (i as f32 / 10.0, 0.2, i as f32 / 10.0 + 0.08, 0.9)))
                .collect()
        };
        let t = china(3, 12, 0);
        assert!(run(&mut engine, t, 5, &crowd(5)).iter().all(Vec::is_empty));
        let fired = run(&mut engine, t + TimeDelta::minutes(1), 3, &crowd(7));
        assert_eq!(fired[2], ["person_count"]);
        let capture = engine.feed(2, t, &crowd(6));
        assert!(capture.is_empty(), "persistence 3 holds per camera");
        // Five confident people and one doubtful one are five.
        let mut six = crowd(6);
        six[5].score = 0.3;
        let mut engine = engine_with(vec![rule("person_count")]);
        assert!(run(&mut engine, t, 5, &six).iter().all(Vec::is_empty));
    }

    #[test]
    fn camera_rules_replace_the_defaults() {
        let mut engine = engine_with(default_rules());
        let t = china(3, 12, 0);
        let counter = Zone { points: vec![[0.6, 0.0], [1.0, 0.0], [1.0, 1.0], [0.6, 1.0]] };
        let zoned = Rule { zones: vec![counter], ..rule("animal") };
        engine.set_camera_rules(1, vec![zoned]).unwrap();
        assert!(run(&mut engine, t, 3, &[cat()]).iter().all(Vec::is_empty));
        let fired = engine.feed(2, t, &[cat()]).len() + engine.feed(2, t + TimeDelta::seconds(10), &[cat()]).len();
        assert_eq!(fired, 1, "other cameras keep the defaults");
        assert_eq!(
            engine.set_camera_rules(1, vec![Rule { labels: vec![], ..rule("animal") }]),
            Err(RuleError::NoLabels { category: "animal".to_owned() })
        );
    }

    #[test]
    fn validation_explains_what_is_wrong() {
        let animal = rule("animal");
        let cases = [
            (Rule { category: " ".to_owned(), ..animal.clone() }, "a rule has an empty category"),
            (Rule { labels: vec![], ..animal.clone() }, "rule \"animal\": no labels to look for"),
            (
                Rule { min_confidence: 1.5, ..animal.clone() },
                "rule \"animal\": min_confidence must be between 0 and 1, got 1.5",
            ),
            (
                Rule { min_confidence: f32::NAN, ..animal.clone() },
                "rule \"animal\": min_confidence must be between 0 and 1, got NaN",
            ),
            (
                Rule { min_persistence: 0, ..animal.clone() },
                "rule \"animal\": min_persistence must be at least 1 sample",
            ),
            (
                Rule { zones: vec![Zone { points: vec![[0.0, 0.0], [1.0, 1.0]] }], ..animal.clone() },
                "rule \"animal\": zone 0 has 2 points, a polygon needs at least 3",
            ),
            (
                Rule { zones: vec![Zone { points: vec![[0.0, 0.0], [1.2, 0.0], [0.0, 1.0]] }], ..animal.clone() },
                "rule \"animal\": zone 0 has point [1.2, 0] outside the picture (coordinates are 0..1)",
            ),
            (
                Rule {
                    active_hours: Some(ActiveHours { start: NaiveTime::MIN, end: NaiveTime::MIN }),
                    ..animal.clone()
                },
                "rule \"animal\": active hours start and end at the same time; leave active_hours out for all day",
            ),
            (Rule { cooldown: TimeDelta::seconds(-1), ..animal.clone() }, "rule \"animal\": the cooldown is negative"),
            (
                Rule { condition: Condition::PersonWith { other: vec![], min_overlap: 0.5 }, ..animal.clone() },
                "rule \"animal\": person_with needs at least one other label",
            ),
            (
                Rule {
                    condition: Condition::PersonWith { other: vec!["cell phone".into()], min_overlap: 2.0 },
                    ..animal.clone()
                },
                "rule \"animal\": min_overlap must be between 0 and 1, got 2",
            ),
            (
                Rule { condition: Condition::CountAtLeast(0), ..animal.clone() },
                "rule \"animal\": count_at_least must be at least 1",
            ),
        ];
        for (rule, message) in cases {
            assert_eq!(rule.validate().map_err(|e| e.to_string()), Err(message.to_owned()));
        }
        assert!(RuleEngine::new(vec![animal.clone(), Rule { min_persistence: 0, ..animal }]).is_err());
    }

    #[test]
    fn rules_load_from_json() {
        let text = r#"[{
            "category": "rodent",
            "labels": ["rat", "mouse"],
            "min_confidence": 0.5,
            "min_persistence": 2,
            "zones": [[[0.0, 0.5], [1.0, 0.5], [1.0, 1.0], [0.0, 1.0]]],
            "active_hours": { "start": "22:00", "end": "06:00" },
            "cooldown_s": 900,
            "condition": "present"
        }, {
            "category": "crowding",
            "labels": ["person"],
            "min_confidence": 0.5,
            "min_persistence": 3,
            "cooldown_s": 1800,
            "condition": { "count_at_least": 6 }
        }]"#;
        let rules: Vec<Rule> = serde_json::from_str(text).unwrap();
        assert_eq!(rules[0].cooldown, TimeDelta::minutes(15));
        assert_eq!(rules[0].zones[0].points.len(), 4);
        assert_eq!(rules[0].active_hours.unwrap().start, "22:00:00".parse::<NaiveTime>().unwrap());
        assert_eq!(rules[1].condition, Condition::CountAtLeast(6));
        assert!(rules[1].zones.is_empty() && rules[1].active_hours.is_none());

        // The defaults survive a round trip, the phone rule's condition included.
        let defaults = default_rules();
        let json = serde_json::to_string(&defaults).unwrap();
        assert!(json.contains(r#""person_with":{"other":["cell phone"],"min_overlap":0.5}"#), "{json}");
        assert!(json.contains(r#""start":"23:00:00""#) && json.contains(r#""cooldown_s":1800"#), "{json}");
        assert_eq!(serde_json::from_str::<Vec<Rule>>(&json).unwrap(), defaults);
        let negative = r#"{"category": "x", "labels": ["cat"], "min_confidence": 0.5, "min_persistence": 1,
            "cooldown_s": -5, "condition": "present"}"#;
        assert!(serde_json::from_str::<Rule>(negative).is_err());
    }
}
