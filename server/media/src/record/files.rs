//! The recordings folder: where a file goes, writing it crash-safely, and the checks recovery
//! needs. Blocking I/O: callers run it off the async threads.

use super::segmenter::{FragmentIndex, SegmentSummary};
use chrono::{DateTime, Utc};
use mingchu_domain::vocab::CameraId;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const PART: &str = ".part";

/// `<camera>/<YYYY-MM-DD>/<camera>-<YYYYMMDDTHHMMSSmmmZ>.mp4`, in UTC.
pub fn relative_path(camera: CameraId, start: DateTime<Utc>) -> String {
    format!("{camera}/{}/{camera}-{}.mp4", start.format("%Y-%m-%d"), start.format("%Y%m%dT%H%M%S%3fZ"))
}

/// The camera and start time a file's name says.
pub fn parse_name(name: &str) -> Option<(CameraId, DateTime<Utc>)> {
    let stem = name.strip_suffix(PART).unwrap_or(name).strip_suffix(".mp4")?;
    let (camera, time) = stem.split_once('-')?;
    let camera = CameraId(camera.parse().ok()?);
    let time = chrono::NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%S%3fZ").ok()?.and_utc();
    Some((camera, time))
}

/// A file being written: `<name>.mp4.part` until finished.
pub struct OpenFile {
    pub relative: String,
    part: PathBuf,
    done: PathBuf,
    file: File,
    pub len: u64,
    pub fragments: Vec<FragmentIndex>,
}

impl OpenFile {
    pub fn create(root: &Path, relative: String, init: &[u8]) -> io::Result<OpenFile> {
        let done = root.join(&relative);
        let part = PathBuf::from(format!("{}{PART}", done.display()));
        if let Some(dir) = done.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new().write(true).create_new(true).open(&part)?;
        if let Err(e) = file.write_all(init) {
            drop(file);
            let _ = fs::remove_file(&part);
            return Err(e);
        }
        Ok(OpenFile { relative, part, done, file, len: init.len() as u64, fragments: Vec::new() })
    }

    /// Appends one fragment; on failure the file is cut back to its last whole fragment.
    pub fn append(&mut self, bytes: &[u8], fragment: FragmentIndex) -> io::Result<()> {
        if let Err(e) = self.file.write_all(bytes) {
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        self.len += bytes.len() as u64;
        self.fragments.push(fragment);
        Ok(())
    }

    /// Makes the file durable and gives it its final name; returns the summary of what was
    /// written (which may be less than the core wrote, after a failed append), or `None` when
    /// nothing was and the file was removed.
    pub fn finish(self, mut summary: SegmentSummary) -> io::Result<Option<(String, SegmentSummary)>> {
        if self.fragments.is_empty() {
            drop(self.file);
            fs::remove_file(&self.part)?;
            return Ok(None);
        }
        self.file.sync_all()?;
        drop(self.file);
        fs::rename(&self.part, &self.done)?;
        sync_dir(self.done.parent().expect("in a folder"))?;
        if summary.fragments != self.fragments {
            let last = self.fragments.last().expect("not empty");
            summary.end = summary.start + chrono::Duration::milliseconds((last.start_ms + last.duration_ms) as i64);
            summary.fragments = self.fragments;
        }
        summary.bytes = self.len;
        Ok(Some((self.relative, summary)))
    }
}

pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Whether an I/O error means the disk (or the quota of the file system) is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(28) | Some(122)) || e.kind() == io::ErrorKind::StorageFull
}
