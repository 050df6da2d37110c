//! Complaint photos on disk. Each is written to a temporary file, synced, renamed into place
//! and its folder synced, all before the complaint's row is committed: a complaint that was
//! acknowledged always has its photos. A crash between the two leaves files without a row,
//! which [`PhotoStore::sweep`] sets aside on the next start.
//!
//! Nothing outside `tmp/` is ever deleted automatically: a photo no complaint refers to may be
//! evidence of another database (the server pointed at the wrong file, a backup restored), so
//! it is moved to `quarantine/` for a person to look at, never removed.

use rand::RngCore;
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

#[derive(Clone, Debug)]
pub struct PhotoStore {
    root: PathBuf,
}

impl PhotoStore {
    /// Photos live in `root/<first two hex digits>/<32 hex digits>.jpg`. All 256 folders are
    /// made (and made durable) here, so a save never depends on a folder another request is
    /// creating at the same moment.
    pub fn open(root: PathBuf) -> io::Result<PhotoStore> {
        fs::create_dir_all(root.join("tmp"))?;
        for i in 0..=255u8 {
            fs::create_dir_all(root.join(format!("{i:02x}")))?;
        }
        sync_dir(&root)?;
        Ok(PhotoStore { root })
    }

    /// Where a stored photo is; `None` for a name that is not one of ours.
    pub fn path(&self, file: &str) -> Option<PathBuf> {
        let stem = file.strip_suffix(".jpg")?;
        (stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())).then(|| self.root.join(&stem[..2]).join(file))
    }

    /// Writes `bytes` durably; returns the new file's name.
    pub fn save(&self, bytes: &[u8]) -> io::Result<String> {
        let mut id = [0u8; 16];
        rand::rng().fill_bytes(&mut id);
        let file = format!("{}.jpg", hex::encode(id));
        let tmp = self.root.join("tmp").join(format!("{file}.part"));
        let mut out = File::create(&tmp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        drop(out);
        let dir = self.root.join(&file[..2]);
        fs::rename(&tmp, dir.join(&file))?;
        sync_dir(&dir)?;
        Ok(file)
    }

    pub fn remove(&self, file: &str) {
        if let Some(path) = self.path(file) {
            let _ = fs::remove_file(path);
        }
    }

    /// Removes temporary files older than `grace` and moves photos no complaint refers to,
    /// older than `grace` (younger ones may belong to a submission in progress), to
    /// `quarantine/`.
    pub fn sweep(&self, known: &HashSet<String>, grace: Duration) -> io::Result<Swept> {
        let mut swept = Swept::default();
        let old = |p: &Path| {
            fs::metadata(p)
                .and_then(|m| m.modified())
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default() > grace)
                .unwrap_or(false)
        };
        let quarantine = self.root.join(QUARANTINE);
        for entry in fs::read_dir(&self.root)? {
            let dir = entry?.path();
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let is_tmp = name == "tmp";
            // Only our own folders: tmp and the 256 hex ones.
            if !dir.is_dir() || !(is_tmp || (name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit()))) {
                continue;
            }
            for file in fs::read_dir(&dir)? {
                let path = file?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
                if !old(&path) || (!is_tmp && known.contains(&name)) {
                    continue;
                }
                if is_tmp {
                    fs::remove_file(&path)?;
                    swept.removed_temporary += 1;
                } else {
                    fs::create_dir_all(&quarantine)?;
                    fs::rename(&path, quarantine.join(&name))?;
                    swept.quarantined += 1;
                }
            }
        }
        if swept.quarantined > 0 {
            sync_dir(&quarantine)?;
        }
        Ok(swept)
    }
}

/// Where unreferenced photos are set aside, under the photo folder.
pub const QUARANTINE: &str = "quarantine";

/// What a sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub removed_temporary: usize,
    pub quarantined: usize,
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_photos_read_back_and_orphans_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::open(dir.path().join("photos")).unwrap();
        let kept = store.save(b"kept").unwrap();
        let orphan = store.save(b"orphan").unwrap();
        fs::write(dir.path().join("photos/tmp/half.jpg.part"), b"half").unwrap();
        assert_eq!(fs::read(store.path(&kept).unwrap()).unwrap(), b"kept");
        assert!(store.path("../../etc/passwd").is_none());

        let known: HashSet<String> = [kept.clone()].into();
        assert_eq!(store.sweep(&known, Duration::from_secs(3600)).unwrap(), Swept::default(), "young files stay");
        let swept = store.sweep(&known, Duration::ZERO).unwrap();
        assert_eq!(swept, Swept { removed_temporary: 1, quarantined: 1 });
        assert!(store.path(&kept).unwrap().exists());
        assert!(!store.path(&orphan).unwrap().exists());
        // The unreferenced photo is set aside, not destroyed: it may be another database's evidence.
        assert_eq!(fs::read(dir.path().join("photos").join(QUARANTINE).join(&orphan)).unwrap(), b"orphan");
        assert_eq!(store.sweep(&known, Duration::ZERO).unwrap(), Swept::default(), "quarantine is left alone");
    }
}
