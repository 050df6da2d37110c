//! Keeping plain-HTTP playback at the live edge: what to do with the buffered video after each
//! append. Media Source Extensions play whatever is buffered at the pace of the clock, so a
//! player that fell behind (a stall, a tab in the background, the group of pictures the
//! stream starts with) stays behind unless it jumps ahead; and buffered video is never freed
//! unless removed.

/// How far behind the newest picture playback may fall before it jumps ahead (seconds).
pub const MAX_BEHIND: f64 = 1.0;
/// Where a jump lands: this far before the newest picture, so playback does not run dry at once.
pub const JUMP_MARGIN: f64 = 0.125;
/// How much already-played video stays buffered behind the playhead.
pub const KEEP_BEHIND: f64 = 10.0;
/// Played video is freed once this much has built up behind the playhead.
pub const TRIM_AT: f64 = 30.0;

/// What to do after an append.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Move the playhead here.
    pub seek: Option<f64>,
    /// Free the buffered video between these times.
    pub remove: Option<(f64, f64)>,
}

/// The plan for a buffer spanning `buffered` (first start, last end) with the playhead at
/// `current`, all in seconds of the stream's own timeline.
pub fn plan(buffered: Option<(f64, f64)>, current: f64) -> Plan {
    let Some((start, end)) = buffered.filter(|(s, e)| s.is_finite() && e.is_finite() && e > s) else {
        return Plan::default();
    };
    let mut plan = Plan::default();
    let mut playhead = current;
    // Not started yet (the playhead sits before the first picture), or too far behind.
    if current < start || end - current > MAX_BEHIND {
        playhead = (end - JUMP_MARGIN).max(start);
        plan.seek = Some(playhead);
    }
    if playhead - start > TRIM_AT {
        plan.remove = Some((start, playhead - KEEP_BEHIND));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_buffered_means_nothing_to_do() {
        assert_eq!(plan(None, 0.0), Plan::default());
        assert_eq!(plan(Some((5.0, 5.0)), 0.0), Plan::default());
        assert_eq!(plan(Some((f64::NAN, 5.0)), 0.0), Plan::default());
    }

    #[test]
    fn the_first_pictures_start_near_the_newest_not_at_the_group_of_pictures_start() {
        // The stream starts with the cached group of pictures: almost 2 s of it buffered at once.
        assert_eq!(plan(Some((100.0, 101.875)), 0.0), Plan { seek: Some(101.75), remove: None });
    }

    #[test]
    fn close_behind_plays_on_and_far_behind_jumps() {
        assert_eq!(plan(Some((100.0, 101.0)), 100.5), Plan::default());
        assert_eq!(plan(Some((100.0, 101.0)), 100.0), Plan::default());
        assert_eq!(plan(Some((100.0, 104.0)), 102.0), Plan { seek: Some(103.875), remove: None });
    }

    #[test]
    fn played_video_is_freed_in_batches_keeping_ten_seconds() {
        assert_eq!(plan(Some((100.0, 129.5)), 129.0), Plan::default());
        assert_eq!(plan(Some((100.0, 130.5)), 130.25), Plan { seek: None, remove: Some((100.0, 120.25)) });
        // A jump and a trim together: the trim is measured from where the jump lands.
        assert_eq!(plan(Some((100.0, 140.125)), 110.0), Plan { seek: Some(140.0), remove: Some((100.0, 130.0)) });
    }
}
