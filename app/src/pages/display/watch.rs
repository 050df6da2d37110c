//! When an unattended screen reloads itself, decided from each heartbeat's answer. Sans-IO:
//! the agent feeds it what the page shows and what the server said.

use crate::api::HeartbeatReply;
use crate::domain::CameraId;
use std::time::Duration;

/// Heartbeats in a row in which a tile shows no picture although the server receives one
/// from its camera, before the page is reloaded (two minutes at 30 s a heartbeat; each tile
/// retries on its own long before that).
pub const STUCK_HEARTBEATS: u32 = 4;
/// A page older than this is reloaded at its next heartbeat, so that nothing a browser leaks
/// over days can build up.
pub const MAX_PAGE_AGE: Duration = Duration::from_secs(24 * 3600);

/// What the page shows of one camera.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileStatus {
    pub camera: CameraId,
    pub live: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    Reload(&'static str),
}

#[derive(Debug, Default)]
pub struct Watch {
    /// The bundle the server served when this page first heard from it.
    build: Option<String>,
    /// Consecutive heartbeats each camera's tile was stuck.
    stuck: Vec<(CameraId, u32)>,
}

impl Watch {
    /// Takes in a heartbeat answer (so the server is up: reloading now is safe).
    pub fn observe(&mut self, reply: &HeartbeatReply, tiles: &[TileStatus], page_age: Duration) -> Verdict {
        match &self.build {
            None => self.build = Some(reply.build.clone()),
            Some(build) if *build != reply.build => return Verdict::Reload("the server has a new version"),
            Some(_) => {}
        }
        let mut stuck = Vec::new();
        for tile in tiles.iter().filter(|t| !t.live && reply.cameras_online.contains(&t.camera)) {
            let before = self.stuck.iter().find(|(c, _)| *c == tile.camera).map_or(0, |(_, n)| *n);
            stuck.push((tile.camera, before + 1));
        }
        self.stuck = stuck;
        if self.stuck.iter().any(|(_, n)| *n >= STUCK_HEARTBEATS) {
            return Verdict::Reload("video stalled although the camera is online");
        }
        if page_age >= MAX_PAGE_AGE {
            return Verdict::Reload("daily refresh");
        }
        Verdict::Fine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(build: &str, online: &[i64]) -> HeartbeatReply {
        HeartbeatReply { build: build.into(), cameras_online: online.iter().copied().map(CameraId).collect() }
    }

    fn tiles(states: &[(i64, bool)]) -> Vec<TileStatus> {
        states.iter().map(|&(c, live)| TileStatus { camera: CameraId(c), live }).collect()
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_new_build_reloads_but_the_first_one_is_remembered() {
        let mut w = Watch::default();
        assert_eq!(w.observe(&reply("a", &[]), &[], MINUTE), Verdict::Fine);
        assert_eq!(w.observe(&reply("a", &[]), &[], MINUTE), Verdict::Fine);
        assert!(matches!(w.observe(&reply("b", &[]), &[], MINUTE), Verdict::Reload(_)));
    }

    #[test]
    fn a_tile_stuck_while_its_camera_is_online_reloads_after_four_heartbeats() {
        let mut w = Watch::default();
        let stuck = tiles(&[(1, true), (2, false)]);
        for _ in 0..STUCK_HEARTBEATS - 1 {
            assert_eq!(w.observe(&reply("a", &[1, 2]), &stuck, MINUTE), Verdict::Fine);
        }
        assert!(matches!(w.observe(&reply("a", &[1, 2]), &stuck, MINUTE), Verdict::Reload(_)));
    }

    #[test]
    fn an_offline_camera_or_a_recovery_resets_the_count() {
        let mut w = Watch::default();
        let stuck = tiles(&[(2, false)]);
        for _ in 0..10 {
            // The server does not see camera 2 either: the tile is right to show it offline.
            assert_eq!(w.observe(&reply("a", &[]), &stuck, MINUTE), Verdict::Fine);
        }
        for _ in 0..STUCK_HEARTBEATS - 1 {
            assert_eq!(w.observe(&reply("a", &[2]), &stuck, MINUTE), Verdict::Fine);
        }
        assert_eq!(w.observe(&reply("a", &[2]), &tiles(&[(2, true)]), MINUTE), Verdict::Fine);
        for _ in 0..STUCK_HEARTBEATS - 1 {
            assert_eq!(w.observe(&reply("a", &[2]), &stuck, MINUTE), Verdict::Fine);
        }
    }

    #[test]
    fn a_day_old_page_reloads() {
        let mut w = Watch::default();
        assert_eq!(w.observe(&reply("a", &[]), &[], MAX_PAGE_AGE - MINUTE), Verdict::Fine);
        assert_eq!(w.observe(&reply("a", &[]), &[], MAX_PAGE_AGE), Verdict::Reload("daily refresh"));
    }
}
