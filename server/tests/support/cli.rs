//! Running the real `mingchu` command on a test's data folder.

use std::path::Path;
use std::process::{Command, Output};

/// `mingchu --data-dir DATA ARGS…`.
pub fn mingchu(data: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mingchu"));
    command.arg("--data-dir").arg(data).args(args);
    super::database::on(&mut command, data);
    command.output().expect("run mingchu")
}

/// What a command that must succeed printed (trimmed).
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output").trim().to_string()
}

/// Asserts that a command failed, saying `expected`.
pub fn refused(out: Output, expected: &str) {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
}
