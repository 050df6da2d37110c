//! The beat: a heartbeat, then (when the live nodes changed, or every
//! [`super::FULL_PASS_EVERY`] beats) a reconciliation of the leases.

use super::Nodes;
use chrono::{DateTime, Utc};
use mingchu_domain::placement::{self, NodeName};
use mingchu_domain::vocab::CameraId;
use std::collections::BTreeSet;

pub(super) async fn run(nodes: Nodes) {
    let beat = nodes.inner.liveness.heartbeat.to_std().unwrap_or(std::time::Duration::from_secs(2));
    let mut every = tokio::time::interval(beat);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_beat = Utc::now();
    let mut seen: Option<BTreeSet<NodeName>> = None;
    let mut since_full = 0;
    let mut waiting = false;
    loop {
        every.tick().await;
        if nodes.is_leaving() {
            return;
        }
        let now = Utc::now();
        match beat_once(&nodes, now).await {
            Ok(()) => last_beat = now,
            Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
        }
        // A node that cannot beat is dead to the others, who take its cameras: stop them here
        // too, so that no camera is pulled by two nodes at once.
        if now - last_beat > nodes.inner.liveness.dead_after {
            let held: Vec<CameraId> = nodes.inner.held.lock().expect("held lock").drain().map(|(c, _)| c).collect();
            if !held.is_empty() {
                tracing::error!(cameras = held.len(), "no heartbeat for too long: the cameras held here were stopped");
                nodes.stop(&held).await;
            }
            seen = None;
            continue;
        }
        let live = nodes.inner.live.lock().expect("live lock").clone();
        since_full += 1;
        if waiting || seen.as_ref() != Some(&live) || since_full >= super::FULL_PASS_EVERY {
            match reconcile(&nodes, &live, now).await {
                Ok(still_waiting) => {
                    seen = Some(live);
                    since_full = 0;
                    waiting = still_waiting;
                }
                Err(e) => tracing::warn!(error = %e, "could not reconcile the camera leases"),
            }
        }
    }
}

async fn beat_once(nodes: &Nodes, now: DateTime<Utc>) -> Result<(), super::NodesError> {
    let inner = &nodes.inner;
    let cutoff = inner.liveness.cutoff(now);
    if let Err(taken) = inner.db.heartbeat(&inner.me, &inner.url, &inner.incarnation, now, cutoff).await? {
        // Another process took the name while this one could not beat: it holds the cameras,
        // and this one stops its own once the beats have failed for long enough.
        return Err(taken.into());
    }
    let live = inner.db.live_nodes(cutoff).await?;
    *inner.live.lock().expect("live lock") = live;
    Ok(())
}

/// One reconciliation; returns whether cameras won here are still held by other live nodes.
async fn reconcile(nodes: &Nodes, live: &BTreeSet<NodeName>, now: DateTime<Utc>) -> Result<bool, crate::db::DbError> {
    let inner = &nodes.inner;
    let cutoff = inner.liveness.cutoff(now);
    let leases = inner.db.camera_leases().await?;
    let (lost, plan) = {
        let mut held = inner.held.lock().expect("held lock");
        let lost = placement::lost(&inner.me, &held, &leases);
        for camera in &lost {
            held.remove(camera);
        }
        (lost, placement::plan(&inner.me, live, &leases))
    };
    if !lost.is_empty() {
        tracing::warn!(cameras = lost.len(), "other nodes took cameras held here: stopped");
        nodes.stop(&lost).await;
    }
    if !plan.release.is_empty() {
        inner.held.lock().expect("held lock").retain(|c, _| !plan.release.contains(c));
        nodes.stop(&plan.release).await;
        let released = inner.db.release_leases(&inner.me, &plan.release).await?;
        tracing::info!(cameras = released, "cameras handed to the nodes that now win them");
    }
    // Held under this name but not by this process (a previous run): taken anew, so that the
    // epoch moves past anything the previous run may still try to write.
    let mut take = plan.take;
    {
        let held = inner.held.lock().expect("held lock");
        take.extend(plan.keep.iter().filter(|(c, _)| !held.contains_key(c)).map(|(c, _)| *c));
    }
    let taken = inner.db.take_leases(&inner.me, &take, cutoff, now).await?;
    if !taken.is_empty() {
        tracing::info!(cameras = taken.len(), held = nodes.held_count() + taken.len(), "cameras taken");
    }
    nodes.adopt(&taken).await;
    Ok(plan.waiting > 0)
}
