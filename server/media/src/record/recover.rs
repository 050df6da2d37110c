//! At start, before recording: make the index and the recordings folder agree. A whole file
//! without a row (a crash between rename and insert) is indexed from its own contents; a file
//! still being written (`.part`) is kept up to its last whole fragment or discarded; a row
//! whose file is gone is forgotten. Each repair is noted.

use super::files::{self, PART};
use super::segmenter::{FragmentIndex, SegmentSummary};
use super::RecordingStore;
use crate::mp4;
use crate::store::StoreError;
use mingchu_domain::vocab::CameraId;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Whole files indexed from their contents.
    pub indexed: usize,
    /// Files cut off by a crash, kept up to their last whole fragment.
    pub repaired: usize,
    /// Files cut off before their first whole fragment, deleted.
    pub discarded: usize,
    /// Rows whose file was gone.
    pub forgotten: usize,
}

enum Found {
    Whole(String, CameraId, SegmentSummary),
    Repaired(String, CameraId, SegmentSummary, u64),
    Discarded(String, CameraId),
}

pub async fn recover(root: &Path, store: &dyn RecordingStore) -> Result<Recovered, StoreError> {
    let indexed = store.indexed_paths().await?;
    let root_owned = root.to_path_buf();
    let known = indexed.clone();
    let (found, seen) = tokio::task::spawn_blocking(move || walk(&root_owned, &known))
        .await
        .map_err(|e| StoreError(e.to_string().into()))?;
    let mut done = Recovered::default();
    let now = chrono::Utc::now();
    for f in found {
        match f {
            Found::Whole(path, camera, summary) => {
                store.add_segment(camera, &path, &summary, true).await?;
                let detail = format!("{path}: a whole file the index did not have, indexed after a restart");
                store.note(Some(camera), now, "indexed", &detail).await?;
                done.indexed += 1;
            }
            Found::Repaired(path, camera, summary, cut) => {
                store.add_segment(camera, &path, &summary, true).await?;
                let seconds = summary.fragments.last().map_or(0, |l| l.start_ms + l.duration_ms) / 1000;
                let detail = format!(
                    "{path}: cut off by a stop or crash; kept {seconds} s up to its last whole fragment ({cut} torn bytes dropped)"
                );
                store.note(Some(camera), now, "recovered", &detail).await?;
                done.repaired += 1;
            }
            Found::Discarded(path, camera) => {
                let detail = format!("{path}: cut off before its first whole fragment; deleted");
                store.note(Some(camera), now, "discarded", &detail).await?;
                done.discarded += 1;
            }
        }
    }
    let gone: Vec<String> = indexed.into_iter().filter(|p| !seen.contains(p)).collect();
    if !gone.is_empty() {
        store.forget_segments(&gone).await?;
        for path in &gone {
            let camera = path.rsplit('/').next().and_then(files::parse_name).map(|(c, _)| c);
            store.note(camera, now, "missing", &format!("{path}: the file was gone; removed from the index")).await?;
        }
        done.forgotten = gone.len();
    }
    Ok(done)
}

/// Blocking: the folder's recordings; returns what to index and every whole file's path.
fn walk(root: &Path, indexed: &HashSet<String>) -> (Vec<Found>, HashSet<String>) {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for path in files_under(root) {
        let Ok(relative) = path.strip_prefix(root) else { continue };
        let relative = relative.to_string_lossy().replace('\\', "/");
        let Some((camera, start)) = path.file_name().and_then(|n| n.to_str()).and_then(files::parse_name) else {
            continue;
        };
        if let Some(whole) = relative.strip_suffix(PART) {
            match repair(&path, whole, root, start) {
                Ok(Some((summary, cut))) => {
                    seen.insert(whole.to_string());
                    found.push(Found::Repaired(whole.to_string(), camera, summary, cut));
                }
                Ok(None) => found.push(Found::Discarded(whole.to_string(), camera)),
                Err(e) => tracing::error!(error = %e, path = %path.display(), "cannot repair a recording"),
            }
        } else if relative.ends_with(".mp4") {
            seen.insert(relative.clone());
            if !indexed.contains(&relative) {
                match std::fs::read(&path).ok().and_then(|data| summarize(&data, start)) {
                    Some(summary) => found.push(Found::Whole(relative, camera, summary)),
                    None => tracing::error!(path = %path.display(), "an unreadable recording; left as it is"),
                }
            }
        }
    }
    (found, seen)
}

/// Cuts a `.part` file to its last whole fragment and gives it its final name; `None` (and the
/// file deleted) when it holds none.
fn repair(
    part: &Path,
    whole: &str,
    root: &Path,
    start: chrono::DateTime<chrono::Utc>,
) -> std::io::Result<Option<(SegmentSummary, u64)>> {
    let data = std::fs::read(part)?;
    let Some(summary) = summarize(&data, start) else {
        std::fs::remove_file(part)?;
        return Ok(None);
    };
    let cut = data.len() as u64 - summary.bytes;
    let file = std::fs::OpenOptions::new().write(true).open(part)?;
    file.set_len(summary.bytes)?;
    file.sync_all()?;
    drop(file);
    let done = root.join(whole);
    std::fs::rename(part, &done)?;
    files::sync_dir(done.parent().expect("in a folder"))?;
    Ok(Some((summary, cut)))
}

/// The index row of a file, from its contents; `None` when it holds no whole fragment.
pub fn summarize(data: &[u8], start: chrono::DateTime<chrono::Utc>) -> Option<SegmentSummary> {
    let scanned = mp4::scan(data).ok()?;
    let first = scanned.fragments.first()?;
    if !first.keyframe {
        return None;
    }
    let fragments: Vec<FragmentIndex> = scanned
        .fragments
        .iter()
        .map(|f| FragmentIndex {
            offset: f.offset as u64,
            len: f.len as u64,
            start_ms: f.decode_time / 90,
            duration_ms: f.duration / 90,
            keyframe: f.keyframe,
        })
        .collect();
    let last = fragments.last().expect("not empty");
    Some(SegmentSummary {
        start,
        end: start + chrono::Duration::milliseconds((last.start_ms + last.duration_ms) as i64),
        camera_offset_ms: None,
        bytes: scanned.valid_len as u64,
        init_len: scanned.init_len as u64,
        codec: scanned.track.codec(),
        width: scanned.track.info.width,
        height: scanned.track.info.height,
        fragments,
    })
}

/// Every file in the folder's `<camera>/<day>/` layout.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let level = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default()
    };
    for camera in level(root).into_iter().filter(|p| p.is_dir()) {
        for day in level(&camera).into_iter().filter(|p| p.is_dir()) {
            out.extend(level(&day).into_iter().filter(|p| p.is_file()));
        }
    }
    out.sort();
    out
}
