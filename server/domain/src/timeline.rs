//! A camera's recorded day as the console's timeline shows it: which stretches were recorded
//! (files closer together than a gap the eye cannot see are one stretch), and which stretch of
//! video the page plays around a chosen moment, starting at a keyframe so that it plays at once.

use chrono::{DateTime, Duration, Utc};

/// Files at most this far apart are drawn as one recorded stretch.
pub const JOIN_GAP: Duration = Duration::seconds(2);
/// The page plays from this long before the chosen moment…
pub const WINDOW_BEFORE: Duration = Duration::seconds(60);
/// …to this long after it.
pub const WINDOW_AFTER: Duration = Duration::seconds(60);
/// And starts playing this long before the moment: the seconds that led up to it.
pub const LEAD_IN: Duration = Duration::seconds(10);

/// The recorded stretches of `[day_start, day_start + 1 day)`, as seconds from `day_start`,
/// from files given as (start, end) in time order.
pub fn stretches(files: &[(DateTime<Utc>, DateTime<Utc>)], day_start: DateTime<Utc>) -> Vec<(u32, u32)> {
    let day_end = day_start + Duration::days(1);
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for &(start, end) in files {
        let (start, end) = (start.max(day_start), end.min(day_end));
        if end <= start {
            continue;
        }
        match out.last_mut() {
            Some(last) if start - last.1 <= JOIN_GAP => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    let secs = |t: DateTime<Utc>| (t - day_start).num_seconds().clamp(0, 86_400) as u32;
    out.into_iter().map(|(s, e)| (secs(s), secs(e).max(secs(s) + 1))).collect()
}

/// Where playback around `at` starts: the last keyframe at or before `at - WINDOW_BEFORE`
/// among `keyframes` (their times, in order), or the first keyframe after it when recording
/// began later; `None` when nothing was recorded before the window ends.
pub fn window_start(keyframes: &[DateTime<Utc>], at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let from = at - WINDOW_BEFORE;
    let before = keyframes.iter().copied().filter(|&k| k <= from).max();
    before.or_else(|| keyframes.iter().copied().find(|&k| k > from && k < at + WINDOW_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn files_close_together_are_one_stretch_and_a_real_gap_shows() {
        let day = t("2026-12-02T16:00:00Z");
        let files = [
            (t("2026-12-02T16:00:10Z"), t("2026-12-02T16:01:10Z")),
            (t("2026-12-02T16:01:11Z"), t("2026-12-02T16:02:10Z")),
            (t("2026-12-02T16:05:00Z"), t("2026-12-02T16:06:00Z")),
        ];
        assert_eq!(stretches(&files, day), vec![(10, 130), (300, 360)]);
    }

    #[test]
    fn stretches_are_cut_to_the_day() {
        let day = t("2026-12-02T16:00:00Z");
        let files = [
            (t("2026-12-02T15:59:00Z"), t("2026-12-02T16:00:30Z")),
            (t("2026-12-03T15:59:30Z"), t("2026-12-03T16:00:30Z")),
            (t("2026-12-03T16:00:30Z"), t("2026-12-03T16:01:30Z")),
        ];
        assert_eq!(stretches(&files, day), vec![(0, 30), (86_370, 86_400)]);
        assert_eq!(stretches(&[], day), vec![]);
    }

    #[test]
    fn playback_starts_at_the_keyframe_before_the_window() {
        let keys: Vec<_> =
            ["08:00:00", "08:00:01", "08:00:02", "08:01:00"].iter().map(|h| t(&format!("2026-12-02T{h}Z"))).collect();
        assert_eq!(window_start(&keys, t("2026-12-02T08:01:01.500Z")), Some(t("2026-12-02T08:00:01Z")));
        // Recording began after the window's start: its first keyframe.
        assert_eq!(window_start(&keys, t("2026-12-02T07:59:30Z")), Some(t("2026-12-02T08:00:00Z")));
        // Nothing recorded before the window ends.
        assert_eq!(window_start(&keys, t("2026-12-02T07:50:00Z")), None);
    }
}
