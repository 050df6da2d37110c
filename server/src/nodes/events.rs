//! Events between media nodes over PostgreSQL's `LISTEN/NOTIFY` (docs/design/scale.md): a
//! change made on one node that another node must act on, such as a camera's always-on or
//! recording setting changed in the console while another node holds the camera. Payloads
//! are small JSON (PostgreSQL allows 8,000 bytes). A notification is a hint, never the state
//! itself: the receiver re-reads the camera from the database, and a node whose listening
//! connection dropped re-reads every camera it holds, since it may have missed some.

use super::Nodes;
use mingchu_domain::vocab::CameraId;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use std::time::Duration;

pub const CHANNEL: &str = "mingchu_events";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The camera's settings (always-on, recording) changed: its holder applies them.
    CameraSettings { camera: i64 },
}

impl Nodes {
    /// Tells every node (this one too) of `event`.
    pub async fn publish(&self, event: &Event) {
        let payload = serde_json::to_string(event).expect("events serialise");
        if let Err(e) = self.inner.db.notify(CHANNEL, &payload).await {
            tracing::warn!(error = %e, ?event, "could not tell the other nodes; they apply it at their next full pass");
        }
    }

    async fn handle(&self, event: Event) {
        match event {
            Event::CameraSettings { camera } => {
                let camera = CameraId(camera);
                // A camera no node holds yet is taken by the node that wins it.
                if let Ok(super::Route::Here) = self.route(camera).await {
                    self.refresh(&[camera]).await;
                }
            }
        }
    }
}

/// Listens until the process ends; reconnects with a pause after a failure, then re-reads
/// every held camera's settings.
pub(super) async fn listen(nodes: Nodes, url: String) {
    let mut missed = false;
    loop {
        let mut listener = match connect(&url).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for the other nodes' events; retrying");
                missed = true;
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if missed {
            let held = nodes.held_cameras();
            tracing::info!(cameras = held.len(), "listening again: re-reading the settings of every camera held here");
            nodes.refresh(&held).await;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match serde_json::from_str::<Event>(notification.payload()) {
                    Ok(event) => nodes.handle(event).await,
                    Err(e) => {
                        tracing::warn!(error = %e, payload = notification.payload(), "an event no node should send")
                    }
                },
                Ok(None) | Err(_) => {
                    tracing::warn!("the events connection dropped; some events may be missed");
                    missed = true;
                    break;
                }
            }
        }
    }
}

async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_small_tagged_json() {
        let event = Event::CameraSettings { camera: 12 };
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(text, r#"{"event":"camera_settings","camera":12}"#);
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), event);
    }
}
