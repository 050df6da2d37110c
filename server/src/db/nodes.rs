//! Media nodes and camera leases (docs/design/scale.md). The rules (who is live, who should
//! hold a camera) are in `mingchu_domain::placement`; this module persists them and makes each
//! change a compare-and-set, so two nodes acting on the same view cannot both win a camera.

use super::{Db, DbError};
use chrono::{DateTime, SecondsFormat, Utc};
use mingchu_domain::placement::{Lease, NodeName};
use mingchu_domain::vocab::CameraId;
use std::collections::BTreeSet;

/// Heartbeat times to the millisecond, all in one width so that they compare as text.
fn millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The proof a write for a camera is made by its current holder: the node and the epoch it
/// took the camera under. Checked inside the write's own transaction ([`hold`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    pub camera: CameraId,
    pub node: NodeName,
    pub epoch: i64,
}

/// Refuses the transaction's writes unless `fence` still names the camera's lease. Writers are
/// serialised (see [`Db::write_tx`]), so no one can take the camera between this check and
/// the commit.
pub(crate) async fn hold(tx: &mut sqlx::AnyConnection, fence: &Fence) -> Result<(), DbError> {
    let current: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT holder, epoch FROM camera_leases WHERE camera_id = $1")
            .bind(fence.camera.0)
            .fetch_optional(&mut *tx)
            .await?;
    match current {
        Some((Some(holder), epoch)) if holder == fence.node.0 && epoch == fence.epoch => Ok(()),
        current => Err(DbError::Fenced {
            camera: fence.camera,
            epoch: fence.epoch,
            now: current.map_or(0, |(_, epoch)| epoch),
        }),
    }
}

/// Where a camera's viewers should go, as the database says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub node: NodeName,
    pub url: String,
    pub epoch: i64,
}

/// A heartbeat refused because another process beats under the same name.
#[derive(Debug, thiserror::Error)]
#[error(
    "node {name} is already running elsewhere (its last heartbeat was at {heartbeat_at}); \
     give this one another --node name, or stop the other first"
)]
pub struct NameTaken {
    pub name: String,
    pub heartbeat_at: String,
}

impl Db {
    /// Records that `node` (this process: `incarnation`) is alive at `now`. The first beat of
    /// a process is refused with [`NameTaken`] while another process still beats under the
    /// name (its beat is younger than `cutoff`); later beats take the name back from a process
    /// that is gone.
    pub async fn heartbeat(
        &self,
        node: &NodeName,
        url: &str,
        incarnation: &str,
        now: DateTime<Utc>,
        cutoff: DateTime<Utc>,
    ) -> Result<Result<(), NameTaken>, DbError> {
        let mut tx = self.write_tx().await?;
        let current: Option<(String, String)> =
            sqlx::query_as("SELECT incarnation, heartbeat_at FROM nodes WHERE name = $1")
                .bind(&node.0)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((other, heartbeat_at)) = current {
            if other != incarnation && heartbeat_at >= millis(cutoff) {
                return Ok(Err(NameTaken { name: node.0.clone(), heartbeat_at }));
            }
        }
        sqlx::query(
            "INSERT INTO nodes (name, url, incarnation, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at,
                 started_at = CASE WHEN nodes.incarnation = excluded.incarnation THEN nodes.started_at
                                   ELSE excluded.started_at END,
                 incarnation = excluded.incarnation",
        )
        .bind(&node.0)
        .bind(url)
        .bind(incarnation)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Removes this process's row (a planned stop); another process's under the name stays.
    pub async fn remove_node(&self, node: &NodeName, incarnation: &str) -> Result<(), DbError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM nodes WHERE name = $1 AND incarnation = $2")
            .bind(&node.0)
            .bind(incarnation)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The nodes whose last heartbeat is at or after `cutoff`.
    pub async fn live_nodes(&self, cutoff: DateTime<Utc>) -> Result<BTreeSet<NodeName>, DbError> {
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM nodes WHERE heartbeat_at >= $1")
            .bind(millis(cutoff))
            .fetch_all(&self.pool)
            .await?;
        Ok(names.into_iter().map(NodeName).collect())
    }

    /// Every camera's lease, a free one (epoch 0) for cameras no node has looked at yet.
    pub async fn camera_leases(&self) -> Result<Vec<Lease>, DbError> {
        let rows: Vec<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT c.id, l.holder, l.epoch FROM cameras c LEFT JOIN camera_leases l ON l.camera_id = c.id ORDER BY c.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, holder, epoch)| Lease {
                camera: CameraId(id),
                holder: holder.map(NodeName),
                epoch: epoch.unwrap_or(0),
            })
            .collect())
    }

    /// Takes the cameras for `me` where they are still free, held by a node whose heartbeat is
    /// older than `cutoff`, or held by `me` before (a previous run): each taken camera's epoch
    /// grows by one. A camera whose last recorded state is not idle gets an idle record
    /// ("not monitored") in the same transaction: the node that recorded it is gone, and the
    /// new holder records what it finds once it runs the camera. Returns the cameras taken,
    /// with their new epochs; the others stay as they are.
    pub async fn take_leases(
        &self,
        me: &NodeName,
        cameras: &[CameraId],
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(CameraId, i64)>, DbError> {
        if cameras.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(&cameras.iter().map(|c| c.0).collect::<Vec<_>>()).expect("ids serialise");
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO camera_leases (camera_id, holder, epoch)
             SELECT c.id, NULL, 0 FROM cameras c
             WHERE c.id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
             ON CONFLICT DO NOTHING",
        )
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        let taken: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE camera_leases SET holder = $2, epoch = epoch + 1, taken_at = $3
             WHERE camera_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
               AND (holder IS NULL OR holder = $2
                    OR holder NOT IN (SELECT name FROM nodes WHERE heartbeat_at >= $4))
             RETURNING camera_id, epoch",
        )
        .bind(&ids)
        .bind(&me.0)
        .bind(millis(now))
        .bind(millis(cutoff))
        .fetch_all(&mut *tx)
        .await?;
        if !taken.is_empty() {
            let taken_ids = serde_json::to_string(&taken.iter().map(|(c, _)| *c).collect::<Vec<_>>()).expect("ids");
            sqlx::query(
                "INSERT INTO camera_state_changes (camera_id, state, detail)
                 SELECT c.id, 'idle', 'not monitored: the camera moved to another media node' FROM cameras c
                 WHERE c.id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
                   AND (SELECT s.state FROM camera_state_changes s WHERE s.camera_id = c.id
                        ORDER BY s.at DESC, s.id DESC LIMIT 1) <> 'idle'",
            )
            .bind(&taken_ids)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let mut taken: Vec<(CameraId, i64)> = taken.into_iter().map(|(c, e)| (CameraId(c), e)).collect();
        taken.sort();
        Ok(taken)
    }

    /// Lets go of cameras `me` holds (the epoch stays, so the next holder's is higher).
    pub async fn release_leases(&self, me: &NodeName, cameras: &[CameraId]) -> Result<u64, DbError> {
        if cameras.is_empty() {
            return Ok(0);
        }
        let ids = serde_json::to_string(&cameras.iter().map(|c| c.0).collect::<Vec<_>>()).expect("ids serialise");
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE camera_leases SET holder = NULL
             WHERE holder = $2 AND camera_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        )
        .bind(&ids)
        .bind(&me.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The live node holding `camera` and its address; `None` when it is free or its holder's
    /// heartbeat is older than `cutoff`.
    pub async fn camera_holder(&self, camera: CameraId, cutoff: DateTime<Utc>) -> Result<Option<Holder>, DbError> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT n.name, n.url, l.epoch FROM camera_leases l JOIN nodes n ON n.name = l.holder
             WHERE l.camera_id = $1 AND n.heartbeat_at >= $2",
        )
        .bind(camera.0)
        .bind(millis(cutoff))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(node, url, epoch)| Holder { node: NodeName(node), url, epoch }))
    }

    /// A live node's address.
    pub async fn node_url(&self, node: &NodeName, cutoff: DateTime<Utc>) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT url FROM nodes WHERE name = $1 AND heartbeat_at >= $2")
            .bind(&node.0)
            .bind(millis(cutoff))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Sends `payload` to every listener of `channel` when the statement commits
    /// (PostgreSQL's `NOTIFY`; nothing listens on SQLite, which runs one server).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), DbError> {
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)").bind(channel).bind(payload).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// How many cameras each node holds (for `/metrics` and the tests).
    pub async fn leases_by_node(&self) -> Result<Vec<(NodeName, i64)>, DbError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT holder, count(*) FROM camera_leases WHERE holder IS NOT NULL GROUP BY holder ORDER BY holder",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(n, c)| (NodeName(n), c)).collect())
    }
}
