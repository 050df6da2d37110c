//! `mingchu user …` and `mingchu audit …` with the real binary and a real SQLite file: accounts
//! for each role, refusals that say what to fix, one-time links, and an audit chain that names
//! the entry someone edited, deleted or moved in the database behind the portal's back.

use crate::support;

use std::path::Path;
use support::cli::{mingchu, ok, refused};
use support::schema::Schemas;
use support::{get_json, Server};

fn run(data: &Path, args: &[&str]) -> String {
    ok(mingchu(data, args))
}

/// Runs SQL on the portal's database directly, as someone with the file would.
async fn tamper(data: &Path, sql: &str) {
    let pool = crate::support::database::pool(data).await;
    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

fn verify(data: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["audit", "verify"];
    args.extend_from_slice(extra);
    mingchu(data, &args)
}

#[tokio::test]
async fn accounts_for_each_role_with_links_and_an_audit_chain_that_catches_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let office = server::demo::generate(server::demo::SEED).offices[0].clone();

    // The first administrator, from the shell: the link is the only output.
    let link = run(&data, &["user", "add", "--login", "admin", "--name", "管理员", "--role", "administrator"]);
    assert!(link.starts_with("http://127.0.0.1:3000/account/password/"), "{link}");
    let secret = link.rsplit('/').next().unwrap();
    assert_eq!(secret.len(), 48);
    run(&data, &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office]);
    run(
        &data,
        &["user", "add", "--login", "canteen", "--name", "食堂", "--role", "operator", "--venue", "3", "--venue", "4"],
    );

    // Refusals say what to fix and leave nothing behind.
    for (args, expected) in [
        (vec!["--login", "li", "--name", "李", "--role", "administrator"], "3 to 40 lower-case"),
        (vec!["--login", "li.na", "--name", "李娜", "--role", "inspector"], "needs the supervision office"),
        (
            vec!["--login", "li.na", "--name", "李娜", "--role", "inspector", "--office", "无此所"],
            "no supervision office",
        ),
        (vec!["--login", "li.na", "--name", "李娜", "--role", "operator"], "at least one venue"),
        (vec!["--login", "li.na", "--name", "李娜", "--role", "operator", "--venue", "99999"], "no venue 99999"),
        (
            vec!["--login", "li.na", "--name", "李娜", "--role", "operator", "--venue", "3", "--office", &office],
            "only inspectors",
        ),
        (vec!["--login", "admin", "--name", "又一个", "--role", "administrator"], "is taken"),
        (vec!["--login", "li.na", "--name", "李娜", "--role", "citizen"], "unknown role"),
    ] {
        let mut all = vec!["user", "add"];
        all.extend(args);
        refused(mingchu(&data, &all), expected);
    }
    let list = run(&data, &["user", "list"]);
    // The demo district's own inspectors aside.
    let lines: Vec<&str> = list.lines().filter(|l| !l.contains("demo.inspector")).collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(lines[0].contains("admin\t管理员\tadministrator\t-\tno password yet"), "{list}");
    assert!(lines[1].contains(&format!("inspector\t{office}")), "{list}");
    assert!(lines[2].contains("operator\tvenues 3,4"), "{list}");

    // A reset replaces the earlier link; a disabled account gets none.
    let again = run(&data, &["user", "reset-password", "admin"]);
    assert_ne!(again, link);
    run(&data, &["user", "disable", "canteen"]);
    refused(mingchu(&data, &["user", "disable", "canteen"]), "already disabled");
    refused(mingchu(&data, &["user", "reset-password", "canteen"]), "is disabled");
    refused(mingchu(&data, &["user", "reset-password", "nobody"]), "no account");
    let list = run(&data, &["user", "list"]);
    let operator = list.lines().find(|l| l.contains("\toperator\t")).expect("the operator is listed");
    assert!(operator.contains("disabled 20"), "{list}");

    // Every change is in the log, in order, and the chain holds.
    let entries = run(&data, &["audit", "list"]);
    let actions: Vec<&str> = entries.lines().map(|l| l.split('\t').nth(3).unwrap()).collect();
    assert_eq!(
        actions,
        [
            "user.disable",
            "user.password_link",
            "user.password_link",
            "user.add",
            "user.password_link",
            "user.add",
            "user.password_link",
            "user.add"
        ]
    );
    assert!(!entries.contains(secret), "no secret in the log");
    let head = run(&data, &["audit", "head"]);
    assert!(head.starts_with("8:"), "{head}");
    assert_eq!(run(&data, &["audit", "verify"]), format!("intact: 8 entries, head {head}"));
    assert!(verify(&data, &["--head", &head]).status.success());
    refused(verify(&data, &["--head", "8:xyz"]), "is not a head");

    // The head is public, in the form `verify --head` takes.
    {
        let server = Server::start_on(&data);
        let (status, body) = get_json(&server.base, "/api/v1/audit/head").await;
        assert_eq!(status, 200);
        let (_, doc) = get_json(&server.base, "/api/openapi.json").await;
        let schemas = Schemas::new(&doc);
        let errors = schemas.validate(schemas.response("/api/v1/audit/head", "200"), &body);
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(body["head"], head.as_str());
        assert_eq!(body["count"], 8);
    }

    // Edited in place.
    tamper(&data, "CREATE TABLE audit_before AS SELECT * FROM audit_log").await;
    let restore = "DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_before";
    tamper(&data, "UPDATE audit_log SET after = replace(after, 'operator', 'administrator') WHERE seq = 5").await;
    refused(verify(&data, &[]), "entry 5 was changed after it was written");
    // Deleted.
    tamper(&data, restore).await;
    tamper(&data, "DELETE FROM audit_log WHERE seq = 3").await;
    refused(verify(&data, &[]), "entry 3 is missing");
    // Moved: two entries' numbers swapped.
    tamper(&data, restore).await;
    tamper(&data, "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3)").await;
    tamper(&data, "UPDATE audit_log SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0").await;
    refused(verify(&data, &[]), "entry 2 was changed");
    // The newest entries cut off: only a head kept earlier can tell.
    tamper(&data, restore).await;
    tamper(&data, "DELETE FROM audit_log WHERE seq > 6").await;
    assert!(verify(&data, &[]).status.success(), "consistent on its own");
    refused(verify(&data, &["--head", &head]), "ends at entry 6 but a head of 8 entries was published");
}
