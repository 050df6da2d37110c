//! Retention and quota for recorded video: every few minutes, the files past their camera's
//! retention go, then the oldest while the programme is over its disk quota, except footage
//! held as evidence in a case that is open or closed less than `keep_days` ago. The rules are
//! `mingchu_domain::recording`'s; this walks the index oldest first, a batch at a time.

use crate::db::recordings::{CaseState, Footage, Hold, SweepNote};
use crate::db::{Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::recording::{self, Removal};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct Sweeper {
    pub db: Db,
    /// The media node whose disk `root` is (its files only; `None` on a single server).
    pub node: Option<String>,
    pub root: PathBuf,
    pub quota_bytes: Option<u64>,
    pub keep_days: u32,
}

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub past_retention: usize,
    pub over_quota: usize,
    pub bytes: u64,
}

const BATCH: i64 = 2000;

impl Sweeper {
    pub fn spawn(self, every: std::time::Duration) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                match self.sweep(Utc::now()).await {
                    Ok(s) if s != Swept::default() => tracing::info!(?s, "recordings removed"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "cannot sweep the recordings"),
                }
            }
        });
    }

    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<Swept, DbError> {
        let mut kept_holds: Vec<Hold> = Vec::new();
        for hold in self.db.holds().await? {
            let closed = match self.db.case_state(&hold.case).await? {
                CaseState::Missing => continue,
                CaseState::Open => None,
                CaseState::Closed(at) => Some(at),
            };
            if recording::evidence_kept(closed, self.keep_days, now) {
                kept_holds.push(hold);
            }
        }
        let mut total = self.db.recorded_bytes(self.node.as_deref()).await?;
        let mut swept = Swept::default();
        let mut after = None;
        loop {
            let batch = self.db.footage_after(self.node.as_deref(), after, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = Some((last.end, last.id));
            let youngest = last.end;
            let footage: Vec<recording::Footage<usize>> = batch
                .iter()
                .enumerate()
                .map(|(i, f)| recording::Footage {
                    id: i,
                    end: f.end,
                    bytes: f.bytes,
                    retention_days: f.retention_days,
                    held: kept_holds.iter().any(|h| h.camera == f.camera && h.from < f.end && f.start < h.to),
                })
                .collect();
            // Files first, then their index rows and one note per camera and reason, in one
            // transaction: a crash between the two leaves rows for files already gone, which the
            // next sweep forgets; never a file on disk that nothing indexes.
            let mut removed = Vec::new();
            let mut summaries: BTreeMap<(i64, &'static str), Summary> = BTreeMap::new();
            for (i, why) in recording::to_delete(&footage, &mut total, self.quota_bytes, now) {
                let f = &batch[i];
                if !self.delete_file(f).await {
                    total += f.bytes;
                    continue;
                }
                let kind = match why {
                    Removal::Retention => {
                        swept.past_retention += 1;
                        "retention"
                    }
                    Removal::Quota => {
                        swept.over_quota += 1;
                        "quota"
                    }
                };
                swept.bytes += f.bytes;
                removed.push(f.id);
                summaries.entry((f.camera.0, kind)).or_insert_with(|| Summary::new(f, why)).add(f);
            }
            if !removed.is_empty() {
                let notes: Vec<SweepNote> = summaries.into_values().map(Summary::note).collect();
                self.db.remove_footage(&removed, &notes, now).await?;
            }
            // Younger than the shortest retention and within the quota: nothing further goes.
            let within_quota = self.quota_bytes.is_none_or(|q| total <= q);
            if within_quota && now - youngest < chrono::Duration::days(*recording::RETENTION_DAYS.start() as i64) {
                break;
            }
        }
        Ok(swept)
    }

    /// Deletes a file (gone already is fine); false if it could not be deleted.
    async fn delete_file(&self, f: &Footage) -> bool {
        let path = self.root.join(&f.path);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => {
                tracing::error!(error = %e, path = f.path, "cannot delete a recorded file; kept in the index");
                false
            }
        }
    }
}

/// What one batch removed of one camera for one reason.
struct Summary {
    camera: mingchu_domain::vocab::CameraId,
    why: Removal,
    files: usize,
    bytes: u64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    retention_days: u32,
}

impl Summary {
    fn new(f: &Footage, why: Removal) -> Summary {
        Summary {
            camera: f.camera,
            why,
            files: 0,
            bytes: 0,
            from: f.start,
            to: f.end,
            retention_days: f.retention_days,
        }
    }

    fn add(&mut self, f: &Footage) {
        self.files += 1;
        self.bytes += f.bytes;
        self.from = self.from.min(f.start);
        self.to = self.to.max(f.end);
    }

    fn note(self) -> SweepNote {
        let range = format!(
            "{} file(s), {:.1} MB, recorded {} to {}",
            self.files,
            self.bytes as f64 / 1e6,
            self.from.format("%Y-%m-%d %H:%M:%SZ"),
            self.to.format("%Y-%m-%d %H:%M:%SZ")
        );
        let (kind, detail) = match self.why {
            Removal::Retention => {
                ("retention", format!("{range}: older than the camera's {} days", self.retention_days))
            }
            Removal::Quota => ("quota", format!("{range}: the oldest footage, removed to keep within the disk quota")),
        };
        SweepNote { camera: self.camera, kind, detail }
    }
}
