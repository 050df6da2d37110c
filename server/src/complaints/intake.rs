//! Checks a submission's text fields: pure, so every refusal is tested without a server.

use app::api::{
    ComplaintDraft, Field, Problem, MAX_CONTACT_CHARS, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MIN_DESCRIPTION_CHARS,
};
use chrono::{NaiveDateTime, TimeZone, Utc};
use mingchu_domain::complaint::ComplaintFields;
use mingchu_domain::vocab::ComplaintCategory;

/// Removes control characters other than line breaks and tabs, normalises line ends and trims.
pub fn plain_text(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_string()
}

fn optional(s: &str) -> Option<String> {
    let t = plain_text(s);
    (!t.is_empty()).then_some(t)
}

/// A `datetime-local` value (China time), not in the future; `Err` names the problem.
fn past_time(value: &str, field: Field, now: chrono::DateTime<Utc>) -> Result<Option<String>, Problem> {
    let Some(v) = optional(value) else { return Ok(None) };
    let parsed = NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(&v, "%Y-%m-%d %H:%M"))
        .map_err(|_| Problem::Invalid { field })?;
    let at =
        mingchu_domain::china_time::offset().from_local_datetime(&parsed).single().ok_or(Problem::Invalid { field })?;
    if at.with_timezone(&Utc) > now + chrono::Duration::minutes(10) {
        return Err(Problem::InFuture { field });
    }
    if parsed.date() < chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") {
        return Err(Problem::Invalid { field });
    }
    Ok(Some(parsed.format("%Y-%m-%dT%H:%M").to_string()))
}

/// A mainland mobile number (optionally +86) or an email address.
pub fn valid_contact(contact: &str) -> bool {
    let digits: String = contact.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let mobile = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("86")).unwrap_or(&digits);
    if mobile.len() == 11 && mobile.starts_with('1') && mobile.bytes().all(|b| b.is_ascii_digit()) {
        return matches!(mobile.as_bytes()[1], b'3'..=b'9');
    }
    match contact.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !contact.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Checks every field; all problems at once, so the person fixes them in one go.
pub fn check(draft: &ComplaintDraft, now: chrono::DateTime<Utc>) -> Result<ComplaintFields, Vec<Problem>> {
    let mut problems = Vec::new();
    let venue = draft.venue;
    if venue.is_none() {
        problems.push(Problem::Required { field: Field::Venue });
    }
    let category = match draft.category.trim() {
        "" => {
            problems.push(Problem::Required { field: Field::Category });
            None
        }
        code => ComplaintCategory::from_code(code).or_else(|| {
            problems.push(Problem::Invalid { field: Field::Category });
            None
        }),
    };
    let description = plain_text(&draft.description);
    let chars = description.chars().count();
    if chars == 0 {
        problems.push(Problem::Required { field: Field::Description });
    } else if chars < MIN_DESCRIPTION_CHARS {
        problems.push(Problem::TooShort { field: Field::Description, min: MIN_DESCRIPTION_CHARS });
    } else if chars > MAX_DESCRIPTION_CHARS {
        problems.push(Problem::TooLong { field: Field::Description, max: MAX_DESCRIPTION_CHARS });
    }
    let occurred_at = match past_time(&draft.occurred_at, Field::OccurredAt, now) {
        Ok(None) => {
            problems.push(Problem::Required { field: Field::OccurredAt });
            None
        }
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let camera = match optional(&draft.camera) {
        None => None,
        Some(c) => c.parse::<i64>().ok().or_else(|| {
            problems.push(Problem::UnknownCamera);
            None
        }),
    };
    let camera_time = past_time(&draft.camera_time, Field::CameraTime, now).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let contact = optional(&draft.contact);
    if let Some(c) = &contact {
        if c.chars().count() > MAX_CONTACT_CHARS {
            problems.push(Problem::TooLong { field: Field::Contact, max: MAX_CONTACT_CHARS });
        } else if !valid_contact(c) {
            problems.push(Problem::BadContact);
        }
    }
    let name = optional(&draft.name);
    if name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME_CHARS) {
        problems.push(Problem::TooLong { field: Field::Name, max: MAX_NAME_CHARS });
    }
    match (venue, category, problems.is_empty()) {
        (Some(venue), Some(category), true) => Ok(ComplaintFields {
            venue,
            category,
            description,
            occurred_at,
            camera,
            camera_time,
            contact,
            show_name: draft.show_name && name.is_some(),
            name,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mingchu_domain::vocab::VenueId;

    fn now() -> chrono::DateTime<Utc> {
        "2026-11-25T04:00:00Z".parse().unwrap()
    }

    fn good() -> ComplaintDraft {
        ComplaintDraft {
            venue: Some(VenueId(3)),
            category: "foreign_matter".into(),
            description: "  汤里吃出一根头发，服务员不予处理。\r\n第二行  ".into(),
            occurred_at: "2026-11-25T11:30".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_draft_is_tidied() {
        let c = check(&good(), now()).unwrap();
        assert_eq!(c.description, "汤里吃出一根头发，服务员不予处理。\n第二行");
        assert_eq!(c.occurred_at.as_deref(), Some("2026-11-25T11:30"));
        assert_eq!(c.category, ComplaintCategory::ForeignMatter);
        assert!(!c.show_name, "no name, nothing to show");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let draft = ComplaintDraft {
            venue: None,
            category: "aliens".into(),
            description: "短".into(),
            occurred_at: "2026-11-26T11:30".into(),
            camera: "x".into(),
            contact: "call me".into(),
            name: "名".repeat(41),
            ..Default::default()
        };
        let problems = check(&draft, now()).unwrap_err();
        assert_eq!(
            problems,
            vec![
                Problem::Required { field: Field::Venue },
                Problem::Invalid { field: Field::Category },
                Problem::TooShort { field: Field::Description, min: MIN_DESCRIPTION_CHARS },
                Problem::InFuture { field: Field::OccurredAt },
                Problem::UnknownCamera,
                Problem::BadContact,
                Problem::TooLong { field: Field::Name, max: MAX_NAME_CHARS },
            ]
        );
    }

    #[test]
    fn description_limits_count_characters_not_bytes() {
        let mut d = good();
        d.description = "字".repeat(MAX_DESCRIPTION_CHARS);
        assert!(check(&d, now()).is_ok());
        d.description.push('字');
        assert_eq!(
            check(&d, now()).unwrap_err(),
            vec![Problem::TooLong { field: Field::Description, max: MAX_DESCRIPTION_CHARS }]
        );
    }

    #[test]
    fn contacts() {
        for ok in ["13812345678", "+86 138-1234-5678", "a.b@example.cn"] {
            assert!(valid_contact(ok), "{ok}");
        }
        for bad in ["12345678901", "1381234567", "a@b", "a b@c.cn", "@x.cn", "x@.cn"] {
            assert!(!valid_contact(bad), "{bad}");
        }
    }

    #[test]
    fn control_characters_are_dropped_and_html_kept_as_text() {
        assert_eq!(plain_text("<b>x</b>\u{0}\u{7}y"), "<b>x</b>y");
    }
}
