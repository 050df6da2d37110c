//! The data folder holds evidence and citizens' contact details: it is made readable by its
//! owner only (0700), and so is a database file Mingchu creates (0600). SQLite gives its
//! journal files the database file's mode. Folders and files that exist are left as they are.

use std::io;
use std::path::Path;

pub fn create_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates an empty file readable by its owner only, unless it exists.
pub fn create_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_data_folders_and_databases_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/data");
        create_dir(&data).unwrap();
        let db = data.join("mingchu.db");
        create_file(&db).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&db), 0o600);
        // An existing file keeps its content.
        std::fs::write(&db, b"x").unwrap();
        create_file(&db).unwrap();
        assert_eq!(std::fs::read(&db).unwrap(), b"x");
    }
}
