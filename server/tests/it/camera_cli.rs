//! `mingchu camera add|list` with the real binary and a real SQLite file: bad arguments are
//! refused with a sentence that says what to fix, and refused cameras leave nothing behind.

use crate::support;

use std::path::Path;
use support::cli::mingchu;

fn cameras(data: &Path) -> Vec<serde_json::Value> {
    let out = mingchu(data, &["camera", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON").as_array().expect("array").clone()
}

#[test]
fn bad_cameras_are_refused_with_a_reason_and_good_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let before = cameras(&data);
    assert!(
        before.iter().all(|c| c["source"] == "synthetic" || c["source"] == server::demo::DEAD_CAMERA_URL),
        "demo cameras are synthetic, or broken on purpose"
    );

    let good = ["--venue", "3", "--name", "后厨", "--area", "cooking", "--url", "rtsp://admin:pw-9@10.0.0.9/live"];
    let with = |key: &str, value: &str| -> Vec<String> {
        let mut args: Vec<String> = vec!["camera".into(), "add".into()];
        for pair in good.chunks(2) {
            args.push(pair[0].into());
            args.push(if pair[0] == key { value.into() } else { pair[1].into() });
        }
        args
    };
    for (key, value, expected) in [
        ("--area", "garden", "unknown kitchen area \"garden\"; use one of special_room"),
        ("--url", "http://admin:pw-9@10.0.0.9/live", "must start with rtsp://"),
        ("--url", "rtsp:///live", "no host"),
        ("--url", "not a url pw-9", "invalid camera URL"),
        ("--venue", "99999", "there is no venue with id 99999"),
        ("--name", "   ", "needs a name"),
    ] {
        let args = with(key, value);
        let out = mingchu(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{key} {value:?} was accepted");
        assert!(stderr.contains(expected), "{key} {value:?}: {stderr}");
        assert!(!stderr.contains("pw-9"), "the password leaked: {stderr}");
    }
    let out = mingchu(&data, &["camera", "add", "--venue", "3", "--name", "x", "--area", "cooking"]);
    assert_eq!(out.status.code(), Some(2), "a missing --url is a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--url"));
    assert_eq!(cameras(&data).len(), before.len(), "refused cameras left nothing behind");

    // A good camera, private and over UDP, by its Chinese area name.
    let mut args = with("--area", "烹饪区");
    args.extend(["--private".into(), "--transport".into(), "udp".into()]);
    let out = mingchu(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("the new id alone on stdout");
    let after = cameras(&data);
    assert_eq!(after.len(), before.len() + 1);
    let camera = after.iter().find(|c| c["id"] == id).expect("listed");
    assert_eq!(camera["public"], false, "{camera}");
    assert_eq!(camera["transport"], "udp", "{camera}");
    assert_eq!(camera["area"], "cooking", "{camera}");
    assert_eq!(camera["source"], "rtsp://admin:***@10.0.0.9/live", "{camera}");
    assert_eq!(camera["state"], "unknown", "never connected yet: {camera}");
}
