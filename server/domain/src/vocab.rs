//! Domain vocabulary shared by the server and the browser: IDs and the closed sets of values
//! (venue kinds, statuses, grades, kitchen areas). Each enum has a stable `code` used in the
//! database, URLs and the open-data API, and parses back from it.

use serde::{Deserialize, Serialize};

/// Identifies a venue (餐饮服务单位).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VenueId(pub i64);

/// Identifies a display screen in a venue's dining room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScreenId(pub i64);

/// Identifies a camera.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CameraId(pub i64);

impl std::fmt::Display for VenueId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for CameraId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Declares a closed set of values with a stable text code.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        // JSON uses the same code as the database and URLs.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} {:?}", stringify!($name), code))
                })
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code; `None` for anything unknown.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

coded_enum!(
    /// What kind of catering business a venue is.
    VenueKind {
        Restaurant => "restaurant",
        SchoolCanteen => "school_canteen",
        ElderlyMealPoint => "elderly_meal_point",
        CentralKitchen => "central_kitchen",
        Other => "other",
    }
);

coded_enum!(
    /// Whether a venue is trading. Closed venues must not count as "connected"; planned ones
    /// are due to join the programme and are not connected yet.
    VenueStatus {
        Operating => "operating",
        Suspended => "suspended",
        Closed => "closed",
        Planned => "planned",
    }
);

coded_enum!(
    /// The dynamic grade given at an inspection (量化分级动态等级).
    DynamicGrade {
        Excellent => "excellent",
        Good => "good",
        Fair => "fair",
    }
);

coded_enum!(
    /// The annual grade (年度等级).
    AnnualGrade {
        A => "A",
        B => "B",
        C => "C",
    }
);

coded_enum!(
    /// Severity of an inspection finding.
    Severity {
        Critical => "critical",
        General => "general",
    }
);

coded_enum!(
    /// What frame analysis last found in a camera's picture.
    PictureHealth {
        Ok => "ok",
        Offline => "offline",
        Dark => "dark",
        Covered => "covered",
        Frozen => "frozen",
        Looped => "looped",
        Blurred => "blurred",
        Moved => "moved",
    }
);

impl PictureHealth {
    /// Whether a citizen should be told: the picture does not show the kitchen as it is now.
    pub fn is_problem(self) -> bool {
        self != PictureHealth::Ok
    }
}

coded_enum!(
    /// Where in the kitchen a camera looks.
    KitchenArea {
        SpecialRoom => "special_room",
        Cooking => "cooking",
        RoughPrep => "rough_prep",
        Cutting => "cutting",
        Dishwashing => "dishwashing",
        Serving => "serving",
        Storage => "storage",
        StapleFood => "staple_food",
    }
);

coded_enum!(
    /// Why an inspection took place.
    InspectionKind {
        Routine => "routine",
        FollowUp => "follow_up",
        Complaint => "complaint",
        Special => "special",
    }
);

impl DynamicGrade {
    /// The grade an inspection earns from the points it deducted.
    pub fn for_points(points: u32) -> DynamicGrade {
        match points {
            0..=2 => DynamicGrade::Excellent,
            3..=7 => DynamicGrade::Good,
            _ => DynamicGrade::Fair,
        }
    }

    /// The score range (100 minus deducted points) of each grade, for open data legends.
    pub fn score_range(self) -> (u32, u32) {
        match self {
            DynamicGrade::Excellent => (98, 100),
            DynamicGrade::Good => (93, 97),
            DynamicGrade::Fair => (0, 92),
        }
    }
}

coded_enum!(
    /// What a citizen's complaint is about.
    ComplaintCategory {
        Hygiene => "hygiene",
        ForeignMatter => "foreign_matter",
        Illness => "illness",
        StaffBehaviour => "staff_behaviour",
        LicenceProblem => "licence_problem",
        CameraProblem => "camera_problem",
        Other => "other",
    }
);

coded_enum!(
    /// Where a violation was found: an AI capture an inspector confirmed, a patrol (remote
    /// through the cameras, or on site), an inspection at the venue, or a citizen's complaint
    /// that was borne out.
    ViolationSource {
        Capture => "capture",
        Patrol => "patrol",
        Inspection => "inspection",
        Complaint => "complaint",
    }
);

coded_enum!(
    /// What kind of problem a violation recorded by a person is (an AI capture keeps its
    /// rule's name instead).
    ViolationCategory {
        StaffHygiene => "staff_hygiene",
        PremisesHygiene => "premises_hygiene",
        Pests => "pests",
        Storage => "storage",
        Disinfection => "disinfection",
        Records => "records",
        Licence => "licence",
        Other => "other",
    }
);

coded_enum!(
    /// Where a complaint stands. Every change is a public update with a timestamp.
    ComplaintStatus {
        Submitted => "submitted",
        Accepted => "accepted",
        Rejected => "rejected",
        Investigating => "investigating",
        ActionScheduled => "action_scheduled",
        Resolved => "resolved",
        Closed => "closed",
        Duplicate => "duplicate",
    }
);

impl ComplaintStatus {
    /// Open311's two states: a request is `closed` once nothing more will be done.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Rejected | Self::Resolved | Self::Closed | Self::Duplicate)
    }

    /// The statuses a complaint may move to from this one.
    pub fn next(self) -> &'static [ComplaintStatus] {
        use ComplaintStatus::*;
        match self {
            Submitted => &[Accepted, Rejected, Duplicate],
            Accepted => &[Investigating, ActionScheduled, Resolved, Closed],
            Investigating => &[ActionScheduled, Resolved, Closed],
            ActionScheduled => &[Investigating, Resolved, Closed],
            Resolved => &[Closed, Investigating],
            Rejected | Duplicate | Closed => &[],
        }
    }
}

/// Whether a licence is still valid on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceValidity {
    Valid,
    /// Valid, but expires within 90 days.
    ExpiringSoon,
    Expired,
}

/// A food business licence number (食品经营许可证编号): `JY` followed by 14 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LicenceNumber(String);

/// Why a licence number was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LicenceNumberError {
    #[error("a licence number starts with \"JY\"")]
    MissingPrefix,
    #[error("a licence number has 14 digits after \"JY\", found {0} characters")]
    WrongLength(usize),
    #[error("a licence number has only digits after \"JY\"")]
    NotDigits,
}

impl LicenceNumber {
    /// Validates the format. Surrounding whitespace is ignored and a lower-case prefix accepted.
    pub fn parse(input: &str) -> Result<Self, LicenceNumberError> {
        let s = input.trim();
        let rest = match s.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("JY") => &s[2..],
            _ => return Err(LicenceNumberError::MissingPrefix),
        };
        if rest.chars().count() != 14 {
            return Err(LicenceNumberError::WrongLength(rest.chars().count()));
        }
        if !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LicenceNumberError::NotDigits);
        }
        Ok(LicenceNumber(format!("JY{rest}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LicenceNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_number_accepts_the_standard_format() {
        let n = LicenceNumber::parse(" jy24403100012345 ").unwrap();
        assert_eq!(n.as_str(), "JY24403100012345");
    }

    #[test]
    fn licence_number_rejects_bad_input_with_a_reason() {
        assert_eq!(LicenceNumber::parse("SP24403100012345"), Err(LicenceNumberError::MissingPrefix));
        assert_eq!(LicenceNumber::parse("JY2440310001234"), Err(LicenceNumberError::WrongLength(13)));
        assert_eq!(LicenceNumber::parse("JY2440310001234X"), Err(LicenceNumberError::NotDigits));
        assert_eq!(LicenceNumber::parse("J"), Err(LicenceNumberError::MissingPrefix));
    }

    #[test]
    fn grade_thresholds_agree_with_score_ranges() {
        for points in 0..=100 {
            let (lo, hi) = DynamicGrade::for_points(points).score_range();
            assert!((lo..=hi).contains(&(100 - points)), "{points}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in VenueKind::ALL {
            assert_eq!(VenueKind::from_code(k.code()), Some(*k));
        }
        for a in KitchenArea::ALL {
            assert_eq!(KitchenArea::from_code(a.code()), Some(*a));
        }
        assert_eq!(VenueStatus::from_code("gone"), None);
    }
}
