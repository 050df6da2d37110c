//! Complaint photos on disk. Each is written to a temporary file, synced, renamed into place
//! and its folder synced, all before the complaint's row is committed: a complaint that was
//! acknowledged always has its photos. A crash between the two leaves files without a row,
//! which [`PhotoStore::sweep`] removes on the next start.

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

    /// Removes temporary files and photos no complaint refers to that are older than `grace`
    /// (younger ones may belong to a submission in progress). Returns how many were removed.
    pub fn sweep(&self, known: &HashSet<String>, grace: Duration) -> io::Result<usize> {
        let mut removed = 0;
        let old = |p: &Path| {
            fs::metadata(p)
                .and_then(|m| m.modified())
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default() > grace)
                .unwrap_or(false)
        };
        for entry in fs::read_dir(&self.root)? {
            let dir = entry?.path();
            if !dir.is_dir() {
                continue;
            }
            let is_tmp = dir.file_name().is_some_and(|n| n == "tmp");
            for file in fs::read_dir(&dir)? {
                let path = file?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
                if (is_tmp || !known.contains(&name)) && old(&path) {
                    fs::remove_file(&path)?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
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
        assert_eq!(store.sweep(&known, Duration::from_secs(3600)).unwrap(), 0, "young files are left alone");
        assert_eq!(store.sweep(&known, Duration::ZERO).unwrap(), 2);
        assert!(store.path(&kept).unwrap().exists());
        assert!(!store.path(&orphan).unwrap().exists());
    }
}
