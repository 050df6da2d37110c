//! Which node owns which camera when several media nodes share one database
//! (docs/design/scale.md). Pure rules, fed the nodes, the leases and the time:
//!
//! - A node is **live** while its last heartbeat is younger than [`Liveness::dead_after`].
//! - A camera's **desired owner** is the live node with the highest rendezvous score for it
//!   (highest random weight hashing): every node computes the same answer from the same set of
//!   live nodes, and a node joining or leaving moves only the cameras it wins or held.
//! - A **lease** names the node holding a camera and an **epoch** that grows each time the
//!   camera changes hands. Writes for the camera carry the epoch; the database refuses one whose
//!   epoch is not the current one (fencing), so a node that lost a camera without noticing
//!   cannot overwrite what the new owner wrote.

use crate::vocab::CameraId;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;

/// A media node's name as given with `serve --node`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeName(pub String);

impl std::fmt::Display for NodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl NodeName {
    /// A name as typed: 1–40 characters of letters, digits, `-`, `_` and `.`.
    pub fn parse(raw: &str) -> Result<NodeName, String> {
        let ok = !raw.is_empty()
            && raw.len() <= 40
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(NodeName(raw.to_string()))
        } else {
            Err(format!(
                "node name {raw:?} is not usable: give 1 to 40 letters, digits, '-', '_' or '.' (e.g. media-1)"
            ))
        }
    }
}

/// How often nodes beat and when one counts as dead.
#[derive(Clone, Copy, Debug)]
pub struct Liveness {
    pub heartbeat: Duration,
    /// Three missed beats.
    pub dead_after: Duration,
}

impl Liveness {
    pub fn every(heartbeat: Duration) -> Liveness {
        Liveness { heartbeat, dead_after: heartbeat * 3 }
    }

    /// Heartbeats at or after this instant are live at `now`.
    pub fn cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.dead_after
    }

    pub fn is_live(&self, heartbeat_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        heartbeat_at >= self.cutoff(now)
    }
}

/// A camera's rendezvous score on a node: a fixed 64-bit hash of both (FNV-1a, then a
/// SplitMix64 finish so that close camera ids spread), the same on every machine and build.
pub fn score(node: &NodeName, camera: CameraId) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in node.0.as_bytes().iter().chain(&camera.0.to_le_bytes()) {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The node that should own `camera` among `live` ones; `None` when no node is live.
pub fn desired_owner(live: &BTreeSet<NodeName>, camera: CameraId) -> Option<&NodeName> {
    // Ties (astronomically rare) go to the smaller name, so every node agrees.
    live.iter().max_by(|a, b| score(a, camera).cmp(&score(b, camera)).then_with(|| b.cmp(a)))
}

/// A camera's lease as the database holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub camera: CameraId,
    /// `None`: free (released, or never taken).
    pub holder: Option<NodeName>,
    pub epoch: i64,
}

/// What one node should do with the leases it sees.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Free, or held by a node that is not live (or by this node's previous run): take them.
    pub take: Vec<CameraId>,
    /// Held here but now won by another live node: stop them here and let go.
    pub release: Vec<CameraId>,
    /// Held here and still won here.
    pub keep: Vec<(CameraId, i64)>,
    /// Won here but still held by another live node, which lets go on its own round: look
    /// again at the next beat rather than the next full pass.
    pub waiting: usize,
}

/// The plan for `me` given the live nodes and every camera's lease. A camera another live node
/// still holds is left alone even when `me` should own it: that node lets go on its own round
/// (and then `me` takes it), so a camera never has two live holders.
pub fn plan(me: &NodeName, live: &BTreeSet<NodeName>, leases: &[Lease]) -> Plan {
    let mut plan = Plan::default();
    for lease in leases {
        let wanted_here = desired_owner(live, lease.camera) == Some(me);
        match &lease.holder {
            Some(holder) if holder == me => {
                if wanted_here || desired_owner(live, lease.camera).is_none() {
                    plan.keep.push((lease.camera, lease.epoch));
                } else {
                    plan.release.push(lease.camera);
                }
            }
            Some(holder) if live.contains(holder) => plan.waiting += usize::from(wanted_here),
            _ if wanted_here => plan.take.push(lease.camera),
            _ => {}
        }
    }
    plan
}

/// Cameras this process holds whose lease now names another node or a later epoch. A lease
/// read with an earlier epoch than the one held is a read from before this process took the
/// camera again (a request took it meanwhile), not a loss.
pub fn lost(me: &NodeName, held: &std::collections::HashMap<CameraId, i64>, leases: &[Lease]) -> Vec<CameraId> {
    let current: std::collections::HashMap<CameraId, (Option<&NodeName>, i64)> =
        leases.iter().map(|l| (l.camera, (l.holder.as_ref(), l.epoch))).collect();
    held.iter()
        .filter(|(camera, epoch)| match current.get(*camera) {
            Some((Some(holder), now)) => *holder != me || now > *epoch,
            _ => true,
        })
        .map(|(camera, _)| *camera)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(names: &[&str]) -> BTreeSet<NodeName> {
        names.iter().map(|n| NodeName(n.to_string())).collect()
    }

    fn owners(live: &BTreeSet<NodeName>, cameras: std::ops::Range<i64>) -> Vec<String> {
        cameras.map(|c| desired_owner(live, CameraId(c)).expect("a live node").0.clone()).collect()
    }

    #[test]
    fn names_are_checked() {
        assert!(NodeName::parse("media-1").is_ok());
        assert!(NodeName::parse("").unwrap_err().contains("1 to 40"));
        assert!(NodeName::parse("a b").is_err());
        assert!(NodeName::parse(&"x".repeat(41)).is_err());
    }

    #[test]
    fn the_score_is_fixed_across_builds() {
        // Nodes of different builds must agree: this value (checked by hand in Python) may never change.
        assert_eq!(score(&NodeName("a".into()), CameraId(1)), score(&NodeName("a".into()), CameraId(1)));
        assert_ne!(score(&NodeName("a".into()), CameraId(1)), score(&NodeName("b".into()), CameraId(1)));
        assert_eq!(score(&NodeName("media-1".into()), CameraId(42)), 0xd7ad_6133_3dc1_f69b);
    }

    #[test]
    fn cameras_spread_evenly_over_three_nodes() {
        let live = nodes(&["a", "b", "c"]);
        let all = owners(&live, 0..30_000);
        for name in ["a", "b", "c"] {
            let share = all.iter().filter(|o| *o == name).count();
            assert!((9_300..=10_700).contains(&share), "{name} got {share} of 30,000");
        }
    }

    #[test]
    fn a_node_leaving_moves_only_its_own_cameras_and_one_joining_takes_only_its_share() {
        let three = nodes(&["a", "b", "c"]);
        let two = nodes(&["a", "b"]);
        let before = owners(&three, 0..10_000);
        let after = owners(&two, 0..10_000);
        for (was, now) in before.iter().zip(&after) {
            if was != "c" {
                assert_eq!(was, now, "a camera moved though its node stayed");
            }
        }
        let four = nodes(&["a", "b", "c", "d"]);
        let joined = owners(&four, 0..10_000);
        let moved = before.iter().zip(&joined).filter(|(was, now)| was != now).count();
        assert!(joined.iter().zip(&before).all(|(now, was)| now == was || now == "d"));
        assert!((2_200..=2_800).contains(&moved), "{moved} of 10,000 moved to the new node");
    }

    #[test]
    fn liveness_is_three_beats() {
        let l = Liveness::every(Duration::seconds(2));
        let now = DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap().with_timezone(&Utc);
        assert!(l.is_live(now - Duration::seconds(6), now));
        assert!(!l.is_live(now - Duration::milliseconds(6001), now));
    }

    #[test]
    fn the_plan_takes_free_and_dead_leases_it_wins_and_leaves_live_holders_alone() {
        let live = nodes(&["a", "b"]);
        let me = NodeName("a".into());
        let mine = (0..200).map(CameraId).find(|c| desired_owner(&live, *c) == Some(&me)).unwrap();
        let theirs = (0..200).map(CameraId).find(|c| desired_owner(&live, *c) != Some(&me)).unwrap();
        let lease =
            |camera, holder: Option<&str>, epoch| Lease { camera, holder: holder.map(|h| NodeName(h.into())), epoch };
        // Free and won here: taken. Held by a dead node and won here: taken.
        assert_eq!(plan(&me, &live, &[lease(mine, None, 0)]).take, vec![mine]);
        assert_eq!(plan(&me, &live, &[lease(mine, Some("dead"), 4)]).take, vec![mine]);
        // Won here but a live node still holds it: wait for it to let go.
        assert_eq!(plan(&me, &live, &[lease(mine, Some("b"), 4)]), Plan { waiting: 1, ..Plan::default() });
        // Free but won elsewhere: not taken.
        assert_eq!(plan(&me, &live, &[lease(theirs, None, 0)]), Plan::default());
        // Held here: kept if won here, released if won by another live node.
        assert_eq!(plan(&me, &live, &[lease(mine, Some("a"), 3)]).keep, vec![(mine, 3)]);
        assert_eq!(plan(&me, &live, &[lease(theirs, Some("a"), 3)]).release, vec![theirs]);
        // Alone (nobody live, not even this node's own beat yet): keep what it holds.
        assert_eq!(plan(&me, &BTreeSet::new(), &[lease(theirs, Some("a"), 3)]).keep, vec![(theirs, 3)]);
    }

    #[test]
    fn a_camera_is_lost_when_its_lease_names_another_node_or_a_later_epoch_or_is_gone() {
        let me = NodeName("a".into());
        let held: std::collections::HashMap<CameraId, i64> =
            [(CameraId(1), 3), (CameraId(2), 3), (CameraId(3), 3), (CameraId(4), 3), (CameraId(5), 3)].into();
        let lease =
            |c, h: Option<&str>, e| Lease { camera: CameraId(c), holder: h.map(|h| NodeName(h.into())), epoch: e };
        let leases = [
            lease(1, Some("a"), 3),
            lease(2, Some("b"), 4),
            lease(3, Some("a"), 5),
            lease(4, None, 3),
            lease(5, Some("a"), 2),
        ];
        let mut lost = lost(&me, &held, &leases);
        lost.sort();
        assert_eq!(lost, vec![CameraId(2), CameraId(3), CameraId(4)]);
    }
}
