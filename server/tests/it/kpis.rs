//! The key figures on a hand-built district whose answers were worked out by hand (the
//! numbers in the comments), served by the real server: `/api/v1/kpis` for tokens, the CSV
//! for a signed-in person, refusals with reasons. A suspended venue's suspended day and a
//! closed venue's days are left out; a frozen picture is not online (its checks go through the
//! real check path); one camera is under 95 % on one day; an order is closed late; a
//! complaint is decided on the 8th working day across the Spring Festival.

use crate::support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mingchu_domain::access::OfficeId;
use reqwest::StatusCode;
use serde_json::Value;
use server::db::kpis::Scope;
use sqlx::AnyPool;
use support::cli::{mingchu, ok};
use support::workspace::{link_secret, Browser};
use support::Server;

const PASSWORD: &str = "明厨亮灶-守护舌尖安全";

async fn exec(pool: &AnyPool, sql: &str) {
    // The fixture's snapshots are SQLite blob literals; PostgreSQL writes bytes as '\x…'.
    let sql = match crate::support::database::postgres() {
        Some(_) => sql.replace("x'00'", "'\\x00'::bytea"),
        None => sql.to_string(),
    };
    let sql = sql.as_str();
    sqlx::raw_sql(sql).execute(pool).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// `n` checks spread over a China day, the first `online` of them finding a picture.
fn checks_of_day(day: &str, n: u32) -> Vec<DateTime<Utc>> {
    let start = mingchu_domain::china_time::midnight(day.parse::<NaiveDate>().unwrap());
    (0..n).map(|i| start + Duration::minutes(i as i64 * 60 + 5)).collect()
}

async fn checks(db: &server::db::Db, camera: i64, day: &str, online: u32, checks: u32) {
    for (i, at) in checks_of_day(day, checks).into_iter().enumerate() {
        db.record_check(mingchu_domain::vocab::CameraId(camera), (i as u32) < online, at, None).await.unwrap();
    }
}

async fn fixture(data: &std::path::Path) -> (server::db::Db, AnyPool) {
    std::fs::create_dir_all(data).unwrap();
    let url = crate::support::database::url(data);
    let db = server::db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let pool = crate::support::database::pool(data).await;
    exec(
        &pool,
        "INSERT INTO jurisdictions (id, code, name, parent_id) VALUES (1, '440310', '坪山区', NULL),
           (2, '440310001', '坪山街道', 1), (3, '440310002', '马峦街道', 1);
         INSERT INTO supervision_offices (id, name, jurisdiction_id) VALUES (1, '坪山监管所', 2), (2, '马峦监管所', 3);
         INSERT INTO venues (id, name, kind, jurisdiction_id, address, status, is_key_venue, connected_on) VALUES
           (1, '一号餐厅', 'restaurant', 2, '坪山大道1号', 'operating', 1, '2024-12-01'),
           (2, '二号食堂', 'school_canteen', 2, '坪山大道2号', 'operating', 1, '2024-12-01'),
           (3, '三号小吃', 'restaurant', 2, '坪山大道3号', 'closed', 0, '2024-12-01'),
           (4, '四号饭店', 'restaurant', 2, '坪山大道4号', 'planned', 1, NULL),
           (5, '五号酒家', 'restaurant', 3, '马峦路5号', 'operating', 1, '2024-12-01');
         -- The status history as it happened: venue 2 suspended for 3 January only, venue 3
         -- closed from 2 January.
         DELETE FROM venue_status_changes;
         INSERT INTO venue_status_changes (venue_id, status, since) VALUES
           (1, 'operating', '2024-12-01'), (2, 'operating', '2024-12-01'), (2, 'suspended', '2025-01-03'),
           (2, 'operating', '2025-01-04'), (3, 'operating', '2024-12-01'), (3, 'closed', '2025-01-02'),
           (4, 'planned', '2024-11-01'), (5, 'operating', '2024-12-01');
         INSERT INTO cameras (id, venue_id, name, area, created_at) VALUES
           (1, 1, '烹饪区', 'cooking', '2024-11-30T16:00:00Z'), (2, 1, '专间', 'special_room', '2024-11-30T16:00:00Z'),
           (3, 2, '备餐区', 'serving', '2024-11-30T16:00:00Z'), (4, 3, '烹饪区', 'cooking', '2024-11-30T16:00:00Z'),
           (5, 5, '烹饪区', 'cooking', '2024-11-30T16:00:00Z');
         -- One screen at venue 1, offline from 11 to 21 January (China time).
         INSERT INTO screens (id, venue_id, name, token_hash, created_at) VALUES
           (1, 1, '大堂', 'aa', '2024-11-30T16:00:00.000Z');
         INSERT INTO screen_state_changes (screen_id, at, online) VALUES
           (1, '2024-12-01T00:00:00.000Z', 1), (1, '2025-01-10T16:00:00.000Z', 0), (1, '2025-01-20T16:00:00.000Z', 1);",
    )
    .await;
    // Checks, hourly (24 a day). Camera 2 on 2 January: a playable stream whose picture froze
    // at noon: the check path counts the frozen checks offline.
    for day in ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"] {
        checks(&db, 1, day, 24, 24).await;
        checks(&db, 5, day, 24, 24).await;
    }
    checks(&db, 2, "2025-01-01", 24, 24).await;
    for (i, at) in checks_of_day("2025-01-02", 24).into_iter().enumerate() {
        use mingchu_domain::picture::{check_counts_as_online, HealthState};
        let picture = if i < 12 { HealthState::Ok } else { HealthState::Frozen };
        let online = check_counts_as_online(true, Some(picture));
        db.record_check(mingchu_domain::vocab::CameraId(2), online, at, None).await.unwrap();
    }
    checks(&db, 2, "2025-01-03", 24, 24).await;
    checks(&db, 2, "2025-01-04", 23, 24).await;
    checks(&db, 3, "2025-01-01", 24, 24).await;
    checks(&db, 3, "2025-01-02", 20, 24).await;
    checks(&db, 3, "2025-01-03", 24, 24).await; // suspended that day, still streaming
    checks(&db, 3, "2025-01-04", 24, 24).await;
    checks(&db, 4, "2025-01-01", 24, 24).await;
    checks(&db, 4, "2025-01-02", 0, 24).await; // closed

    exec(
        &pool,
        "INSERT INTO patrol_tasks (id, office_id, title, mode, starts_on, ends_on, created_at) VALUES
           (1, 1, '一月远程巡查', 'remote', '2025-01-01', '2025-01-31', '2024-12-31T00:00:00Z'),
           (2, 1, '三月现场检查', 'onsite', '2025-03-01', '2025-03-31', '2025-02-28T00:00:00Z');
         INSERT INTO patrol_visits (task_id, venue_id, planned_on, result, done_at) VALUES
           (1, 1, '2025-01-05', 'problems', '2025-01-05T02:00:00Z'),
           (1, 2, '2025-01-06', 'no_problem', '2025-02-10T02:00:00Z'),
           (2, 1, '2025-03-15', NULL, NULL);
         -- Captures: the first at the first instant of 1 January China time (counted), one a
         -- second before it (not).
         INSERT INTO capture_events (id, camera_id, at, category, confidence, boxes, review, dismiss_reason, merged_into, snapshot) VALUES
           (1, 1, '2024-12-31T16:00:00Z', 'no_hat', 0.9, '[]', 'confirmed', NULL, NULL, x'00'),
           (2, 1, '2025-01-02T03:00:00Z', 'no_hat', 0.9, '[]', 'confirmed', NULL, NULL, x'00'),
           (3, 1, '2025-01-02T04:00:00Z', 'no_hat', 0.9, '[]', 'confirmed', NULL, NULL, x'00'),
           (4, 1, '2025-01-02T05:00:00Z', 'no_hat', 0.9, '[]', 'dismissed', 'false_staff_on_break', NULL, x'00'),
           (5, 2, '2025-01-02T06:00:00Z', 'rodent', 0.8, '[]', 'dismissed', 'false_pet', NULL, x'00'),
           (6, 2, '2025-01-02T06:00:10Z', 'rodent', 0.8, '[]', 'merged', NULL, 5, x'00'),
           (7, 2, '2025-01-03T06:00:00Z', 'rodent', 0.8, '[]', 'pending', NULL, NULL, x'00'),
           (8, 1, '2024-12-31T15:59:59Z', 'no_hat', 0.9, '[]', 'confirmed', NULL, NULL, x'00'),
           (9, 5, '2025-01-02T03:00:00Z', 'no_hat', 0.9, '[]', 'confirmed', NULL, NULL, x'00');
         INSERT INTO violations (id, venue_id, source, category, observed_at, recorded_at, overturned_at) VALUES
           (1, 1, 'patrol', 'premises_hygiene', '2025-01-05T02:00:00Z', '2025-01-05T02:00:00Z', NULL),
           (2, 1, 'inspection', 'storage', '2025-02-01T02:00:00Z', '2025-02-01T02:00:00Z', NULL),
           (3, 2, 'inspection', 'records', '2025-02-11T02:00:00Z', '2025-02-11T02:00:00Z', '2025-02-20T02:00:00Z');
         INSERT INTO orders (id, office_id, year, seq, venue_id, requirement, legal_basis, state, issued_on, due_on, closed_on, issued_at) VALUES
           (1, 1, 2025, 1, 1, '整改', '第三十三条', 'closed', '2025-01-06', '2025-01-20', '2025-01-18', '2025-01-06T02:00:00Z'),
           (2, 1, 2025, 2, 1, '整改', '第三十三条', 'closed', '2025-02-01', '2025-02-15', '2025-02-20', '2025-02-01T02:00:00Z'),
           (3, 1, 2025, 3, 2, '整改', '第三十三条', 'issued', '2025-03-01', '2025-03-10', NULL, '2025-03-01T02:00:00Z'),
           (4, 1, 2024, 9, 1, '整改', '第三十三条', 'closed', '2024-12-20', '2025-01-03', '2025-01-02', '2024-12-20T02:00:00Z');
         INSERT INTO disputes (venue_id, violation_id, note, raised_at, outcome, decided_at) VALUES
           (2, 3, '记录齐全', '2025-02-12T02:00:00Z', 'overturned', '2025-02-20T02:00:00Z'),
           (1, 1, '已清洁', '2025-01-06T02:00:00Z', 'upheld', '2025-01-08T02:00:00Z'),
           (1, 2, '不同意', '2025-02-03T02:00:00Z', NULL, NULL);
         -- Complaints: 24 January 2025 is the Friday before the Spring Festival (28 January to
         -- 4 February off; Sunday 26 January and Saturday 8 February worked): the 7th working
         -- day after it is Monday 10 February, the 8th Tuesday 11 February.
         INSERT INTO complaints (id, reference, idempotency_key, content_hash, venue_id, category, description, status,
                                 submitted_at, updated_at, accept_due, source) VALUES
           (1, 'MC-0000-0000-00K1', 'k1', 'h1', 1, 'hygiene', '地面脏', 'closed', '2025-01-24T03:00:00Z', '2025-02-20T03:00:00Z', '2025-02-10', 'web'),
           (2, 'MC-0000-0000-00K2', 'k2', 'h2', 2, 'foreign_matter', '菜里有头发', 'accepted', '2025-01-24T03:00:00Z', '2025-02-10T09:00:00Z', '2025-02-10', 'open311:city-app'),
           (3, 'MC-0000-0000-00K3', 'k3', 'h3', 1, 'hygiene', '有苍蝇', 'submitted', '2025-03-01T02:00:00Z', '2025-03-01T02:00:00Z', '2025-03-11', 'web'),
           (4, 'MC-0000-0000-00K4', 'k4', 'h4', 1, 'other', '服务差', 'submitted', '2025-03-28T02:00:00Z', '2025-03-28T02:00:00Z', '2025-04-08', 'web'),
           (5, 'MC-0000-0000-00K5', 'k5', 'h5', 1, 'hygiene', '重复投诉', 'rejected', '2025-01-10T02:00:00Z', '2025-01-13T02:00:00Z', '2025-01-21', 'web');
         INSERT INTO complaint_updates (complaint_id, at, status) VALUES
           (1, '2025-01-24T03:00:00Z', 'submitted'), (1, '2025-02-11T02:00:00Z', 'accepted'), (1, '2025-02-20T03:00:00Z', 'closed'),
           (2, '2025-01-24T03:00:00Z', 'submitted'), (2, '2025-02-10T09:00:00Z', 'accepted'),
           (3, '2025-03-01T02:00:00Z', 'submitted'), (4, '2025-03-28T02:00:00Z', 'submitted'),
           (5, '2025-01-10T02:00:00Z', 'submitted'), (5, '2025-01-13T02:00:00Z', 'rejected');",
    )
    .await;
    db.resync_ids().await.unwrap();
    (db, pool)
}

/// JSON values equal, numbers to 1e-9 (sums of fractions in another order).
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() < 1e-9, "{at}: {x} ≠ {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: fields");
            for (k, v) in x {
                same(v, &y[k], &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// The roll-ups' rows against the camera-days they are made from.
async fn rollup_matches(pool: &AnyPool) {
    let differing: i64 = sqlx::query_scalar(
        "WITH raw AS (SELECT c.venue_id, d.day, count(*) AS cameras, sum(d.checks) AS checks, sum(d.online) AS online,
                             sum(1.0 * (d.checks - d.online) / d.checks) AS offline_days
                      FROM camera_checks_daily d JOIN cameras c ON c.id = d.camera_id GROUP BY 1, 2),
              months AS (SELECT camera_id, substr(day, 1, 7) AS month, sum(1.0 * (checks - online) / checks) AS offline_days
                         FROM camera_checks_daily GROUP BY 1, 2)
         SELECT (SELECT count(*) FROM raw LEFT JOIN venue_checks_daily r USING (venue_id, day)
                 WHERE r.venue_id IS NULL OR r.cameras != raw.cameras OR r.checks != raw.checks
                    OR r.online != raw.online OR abs(r.offline_days - raw.offline_days) > 1e-9)
              + (SELECT count(*) FROM venue_checks_daily r LEFT JOIN raw USING (venue_id, day) WHERE raw.venue_id IS NULL)
              + (SELECT count(*) FROM months LEFT JOIN camera_checks_monthly m USING (camera_id, month)
                 WHERE m.camera_id IS NULL OR abs(m.offline_days - months.offline_days) > 1e-9)
              + (SELECT count(*) FROM camera_checks_monthly m LEFT JOIN months USING (camera_id, month)
                 WHERE months.camera_id IS NULL)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(differing, 0, "the roll-ups equal the camera-days");
}

fn close(value: &Value, expected: f64, what: &str) {
    let got = value.as_f64().unwrap_or_else(|| panic!("{what}: {value}"));
    assert!((got - expected).abs() < 1e-9, "{what}: {got} ≠ {expected}");
}

async fn kpis(base: &str, token: &str, query: &str) -> (StatusCode, Value) {
    let res =
        reqwest::Client::new().get(format!("{base}/api/v1/kpis?{query}")).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_figure_of_a_hand_built_district() {
    assert_eq!(
        mingchu_domain::calendar::add_working_days("2025-01-24".parse().unwrap(), 7),
        "2025-02-10".parse::<NaiveDate>().unwrap(),
        "the fixture's Spring Festival arithmetic"
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (db, pool) = fixture(&data).await;
    rollup_matches(&pool).await;
    let admin_link =
        link_secret(&data, &["user", "add", "--login", "admin", "--name", "管理员", "--role", "administrator"]);
    ok(mingchu(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", "坪山监管所"],
    ));
    ok(mingchu(
        &data,
        &["user", "add", "--login", "li.ming", "--name", "李明", "--role", "inspector", "--office", "马峦监管所"],
    ));
    ok(mingchu(&data, &["user", "add", "--login", "chef", "--name", "店长", "--role", "operator", "--venue", "1"]));
    let token =
        |login: &str| ok(mingchu(&data, &["token", "create", "--login", login, "--name", "报表", "--scope", "read"]));
    let (admin, ours, theirs, operator) = (token("admin"), token("wang.fang"), token("li.ming"), token("chef"));
    let server = Server::start_on(&data);
    let base = server.base.clone();

    // Complainants answer on their complaints' pages: K1 (closed) and K5 (rejected) may; K2 is
    // still being handled; nobody answers twice; an incomplete answer says what is missing.
    let answer = |reference: &str, form: &[(&str, &str)]| {
        let url = format!("{base}/complaints/{reference}/feedback");
        let form: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, _) = answer("MC-K1", &[("resolved", "yes"), ("satisfaction", "5")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a reference at all");
    let (k1, k2, k5) = ("MC-0000-0000-00K1", "MC-0000-0000-00K2", "MC-0000-0000-00K5");
    let (status, _) = answer(k1, &[("resolved", "yes"), ("satisfaction", "5"), ("comment", "处理及时")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = answer(k1, &[("resolved", "no"), ("satisfaction", "1")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("这件投诉已经评价过了"), "the page says why");
    let (status, html) = answer(k2, &[("resolved", "yes"), ("satisfaction", "4")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("投诉办结后才能评价"));
    let (status, html) = answer(k5, &[("resolved", "no"), ("satisfaction", "9")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("请选择满意度"));
    let (status, _) = answer(k5, &[("resolved", "no"), ("satisfaction", "2")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = reqwest::get(format!("{base}/complaints/{k1}")).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"data-feedback="5" data-resolved="true""#), "the page shows the answer");

    // Venue pages ask "was this useful?": one answer per visitor, venue and day, a later one
    // replacing it (venue 1: yes, then no); venue 5 is the other office's.
    let vote = |venue: &str, useful: &str| {
        let url = format!("{base}/venues/{venue}/useful");
        let form = vec![("useful".to_string(), useful.to_string())];
        async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let res = client.post(url).form(&form).send().await.unwrap();
            let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
            (res.status(), location)
        }
    };
    assert_eq!(vote("1", "yes").await, (StatusCode::SEE_OTHER, Some("/venues/1?useful=thanks#useful".into())));
    assert_eq!(vote("1", "no").await.0, StatusCode::SEE_OTHER);
    assert_eq!(vote("2", "yes").await.0, StatusCode::SEE_OTHER);
    assert_eq!(vote("5", "yes").await.0, StatusCode::SEE_OTHER);
    assert_eq!(vote("1", "maybe").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(vote("99", "yes").await.0, StatusCode::NOT_FOUND);
    let page = reqwest::get(format!("{base}/venues/1")).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"action="/venues/1/useful""#), "the question");
    let page = reqwest::get(format!("{base}/venues/1?useful=thanks")).await.unwrap().text().await.unwrap();
    assert!(page.contains("谢谢您的反馈") && !page.contains(r#"action="/venues/1/useful""#), "thanks instead");
    let today = mingchu_domain::china_time::day(Utc::now());
    let (_, now) = kpis(&base, &ours, &format!("scope=office:1&from={today}&to={today}")).await;
    let q = &now["complaints"];
    assert_eq!((q["page_useful"].as_u64(), q["page_not_useful"].as_u64()), (Some(1), Some(1)), "{q}");
    close(&q["page_useful_rate"], 0.5, "pages found useful");

    let (status, k) = kpis(&base, &ours, "scope=office:1&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(status, StatusCode::OK, "{k}");
    assert_eq!(k["scope"]["name"], "坪山监管所");

    // Coverage on 31 March: venues 1, 2 and 4 planned (3 closed), 1 and 2 connected.
    let c = &k["coverage"];
    assert_eq!((c["planned"].as_u64(), c["connected"].as_u64()), (Some(3), Some(2)));
    close(&c["access_rate"], 2.0 / 3.0, "access rate");
    assert_eq!((c["key_planned"].as_u64(), c["key_connected"].as_u64()), (Some(3), Some(2)));
    assert_eq!(c["key_not_connected"][0]["id"], 4);
    assert_eq!((c["closed"].as_u64(), c["suspended"].as_u64()), (Some(1), Some(0)));
    let streaming: Vec<i64> =
        c["streaming_while_not_trading"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert_eq!(streaming, [2], "venue 2 streamed on its suspended day; venue 3's cameras were dark once closed");

    // Online: 1 Jan 96/96; 2 Jan 56/72 (camera 4 closed, left out); 3 Jan 48/48 (camera 3
    // suspended, left out); 4 Jan 71/72.
    let o = &k["online"];
    let daily: Vec<(String, u64, u64, bool)> = o["daily"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["day"].as_str().unwrap().into(),
                d["online"].as_u64().unwrap(),
                d["checks"].as_u64().unwrap(),
                d["meets"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        daily,
        [
            ("2025-01-01".into(), 96, 96, true),
            ("2025-01-02".into(), 56, 72, false),
            ("2025-01-03".into(), 48, 48, true),
            ("2025-01-04".into(), 71, 72, true)
        ]
    );
    close(&o["mean_daily_rate"], (1.0 + 56.0 / 72.0 + 1.0 + 71.0 / 72.0) / 4.0, "mean of the daily rates");
    close(&o["check_rate"], 271.0 / 288.0, "online checks over checks");
    assert_eq!((o["days"].as_u64(), o["days_meeting"].as_u64()), (Some(4), Some(3)));
    close(&o["share_meeting"], 0.75, "share of days at or above 95 %");
    assert_eq!(o["excluded_camera_days"], 2);
    assert_eq!(o["quarters"].as_array().unwrap().len(), 1);
    assert_eq!(o["quarters"][0]["name"], "2025-Q1");
    close(&o["quarters"][0]["mean_daily_rate"], (1.0 + 56.0 / 72.0 + 1.0 + 71.0 / 72.0) / 4.0, "Q1");
    // Camera 2: 12 hours frozen on 2 January and 1 on the 4th; camera 3: 4 hours on the 2nd.
    let worst = o["worst_cameras"].as_array().unwrap();
    assert_eq!(worst.len(), 2);
    assert_eq!((worst[0]["camera_id"].as_i64(), worst[1]["camera_id"].as_i64()), (Some(2), Some(3)));
    close(&worst[0]["offline_hours"], 13.0, "camera 2's hours");
    close(&worst[0]["rate"], 83.0 / 96.0, "camera 2's rate");
    close(&worst[1]["offline_hours"], 4.0, "camera 3's hours");
    close(&worst[1]["rate"], 68.0 / 72.0, "camera 3's rate, its suspended day left out");
    let venues = o["worst_venues"].as_array().unwrap();
    assert_eq!((venues[0]["venue_id"].as_i64(), venues[1]["venue_id"].as_i64()), (Some(1), Some(2)));
    close(&venues[0]["offline_hours"], 13.0, "venue 1's camera-hours");
    close(&venues[0]["rate"], 179.0 / 192.0, "venue 1's rate");
    assert_eq!((venues[0]["days"].as_u64(), venues[0]["days_meeting"].as_u64()), (Some(4), Some(3)));
    assert_eq!((venues[1]["days"].as_u64(), venues[1]["days_meeting"].as_u64()), (Some(3), Some(2)));

    // Equipment: venues 1 (2 cameras) and 2 (1) connected, both under 5; venue 1's screen was
    // offline 10 of the quarter's 90 days.
    let e = &k["equipment"];
    assert_eq!((e["connected_venues"].as_u64(), e["cameras"].as_u64()), (Some(2), Some(3)));
    close(&e["cameras_per_venue"], 1.5, "cameras per venue");
    let below: Vec<(i64, u64)> = e["below_standard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_i64().unwrap(), v["cameras"].as_u64().unwrap()))
        .collect();
    assert_eq!(below, [(2, 1), (1, 2)]);
    assert_eq!((e["venues_with_screen"].as_u64(), e["screens"].as_u64()), (Some(1), Some(1)));
    close(&e["screen_share"], 0.5, "screen share");
    close(&e["screen_online_rate"], 80.0 / 90.0, "screen online rate");

    // Supervision: two tasks; venue 1 visited in January, venue 2 in February, nobody in
    // March; both key venues in the quarter.
    let s = &k["supervision"];
    assert_eq!(
        (s["patrol_tasks"].as_u64(), s["visits_done"].as_u64(), s["visits_planned"].as_u64()),
        (Some(2), Some(2), Some(3))
    );
    let months: Vec<(String, u64, u64)> = s["key_coverage_months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (m["name"].as_str().unwrap().into(), m["visited"].as_u64().unwrap(), m["key_venues"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(months, [("2025-01".into(), 1, 2), ("2025-02".into(), 1, 2), ("2025-03".into(), 0, 2)]);
    close(&s["key_coverage_quarters"][0]["share"], 1.0, "Q1 key-venue coverage");
    assert_eq!(
        (s["captures_raised"].as_u64(), s["captures_confirmed"].as_u64(), s["captures_dismissed"].as_u64()),
        (Some(7), Some(3), Some(2))
    );
    assert_eq!((s["captures_merged"].as_u64(), s["captures_pending"].as_u64()), (Some(1), Some(1)));
    close(&s["precision"], 0.6, "precision");
    let rules: Vec<(String, u64)> = s["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rule"].as_str().unwrap().into(), r["raised"].as_u64().unwrap()))
        .collect();
    assert_eq!(rules, [("no_hat".into(), 4), ("rodent".into(), 3)]);
    close(&s["rules"][0]["precision"], 0.75, "no_hat precision");
    close(&s["rules"][1]["precision"], 0.0, "rodent precision");
    assert_eq!(
        (s["violations"].as_u64(), s["venues_with_violations"].as_u64()),
        (Some(2), Some(1)),
        "the overturned one left out"
    );

    // Rectification: 3 issued in the quarter; 3 closed in it (one issued in December), 2 on
    // time; one open past its due day; 12, 19 and 13 days.
    let r = &k["rectification"];
    assert_eq!((r["issued"].as_u64(), r["closed"].as_u64(), r["closed_on_time"].as_u64()), (Some(3), Some(3), Some(2)));
    close(&r["on_time_rate"], 2.0 / 3.0, "on time");
    assert_eq!(r["overdue"], 1);
    close(&r["mean_days_to_close"], 44.0 / 3.0, "mean days");
    assert_eq!(r["p90_days_to_close"], 19);
    assert_eq!(
        (
            r["disputes"].as_u64(),
            r["disputes_upheld"].as_u64(),
            r["disputes_overturned"].as_u64(),
            r["disputes_pending"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );

    // Complaints: K2 and K5 in time, K1 on the 8th working day, K3 overdue, K4 still within.
    let q = &k["complaints"];
    assert_eq!(
        (
            q["received"].as_u64(),
            q["decided_in_time"].as_u64(),
            q["decided_late"].as_u64(),
            q["overdue"].as_u64(),
            q["pending"].as_u64()
        ),
        (Some(5), Some(2), Some(1), Some(1), Some(1))
    );
    close(&q["in_time_rate"], 0.5, "decided within 7 working days");
    assert_eq!(q["closed"], 2);
    assert_eq!(q["by_channel"], serde_json::json!([{"code": "open311", "count": 1}, {"code": "web", "count": 4}]));
    assert_eq!(q["by_category"][1], serde_json::json!({"code": "hygiene", "count": 3}));
    // Satisfaction: K1 and K5 asked and answered (5, resolved; 2, not resolved).
    assert_eq!((q["asked"].as_u64(), q["answered"].as_u64()), (Some(2), Some(2)));
    close(&q["response_rate"], 1.0, "response rate");
    close(&q["satisfied_rate"], 0.5, "satisfied (4–5)");
    close(&q["resolved_rate"], 0.5, "resolved");
    close(&q["mean_satisfaction"], 3.5, "mean satisfaction");
    assert_eq!(q["scores"], serde_json::json!([0, 1, 0, 0, 1]));

    // The figures served come from the daily roll-up; computed from every camera-day instead
    // they are the same, for the office and for the programme.
    let period = mingchu_domain::kpi::Period::parse("2025-01-01", "2025-03-31").unwrap();
    for (scope, served) in [(Scope::Office(OfficeId(1)), k.clone()), (Scope::Programme, Value::Null)] {
        let (jurisdictions, _) = db.kpi_scope(scope).await.unwrap().unwrap();
        let raw =
            serde_json::to_value(db.kpi_online_raw(jurisdictions.as_deref(), period, 0.95).await.unwrap()).unwrap();
        let served = if served.is_null() {
            kpis(&base, &admin, "scope=programme&from=2025-01-01&to=2025-03-31").await.1
        } else {
            served
        };
        same(&served["online"], &raw, &format!("{scope:?} online"));
    }

    // The programme adds venue 5: every day one more camera at 24 of 24.
    let (status, p) = kpis(&base, &admin, "scope=programme&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(status, StatusCode::OK);
    let days: Vec<u64> =
        p["online"]["daily"].as_array().unwrap().iter().map(|d| d["online"].as_u64().unwrap()).collect();
    assert_eq!(days, [120, 80, 72, 95]);
    assert_eq!(p["coverage"]["connected"], 3);
    assert_eq!(p["supervision"]["captures_raised"], 8);
    // A jurisdiction is the same as the office covering it.
    let (_, street) = kpis(&base, &admin, "scope=jurisdiction:2&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(street["online"], k["online"]);
    // Without a scope an inspector gets their own office.
    let (_, own) = kpis(&base, &ours, "from=2025-01-01&to=2025-03-31").await;
    assert_eq!(own["scope"]["id"], 1);

    // Refusals, each with a reason; bad periods with a sentence.
    let (status, body) = kpis(&base, &theirs, "scope=office:1&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("another supervision office"), "{body}");
    let (status, body) = kpis(&base, &theirs, "scope=jurisdiction:2&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = kpis(&base, &operator, "scope=programme").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("operator"), "{body}");
    let (status, body) = kpis(&base, &admin, "scope=office:1&from=2025-03-31&to=2025-01-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("ends before it starts"), "{body}");
    let (status, _) = kpis(&base, &admin, "scope=office:99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = kpis(&base, &admin, "scope=everything").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let res = reqwest::Client::new().get(format!("{base}/api/v1/kpis")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // The same figures as CSV for the signed-in administrator.
    let mut browser = Browser::new(&base);
    browser.sign_in_with_link(&admin_link, "admin", PASSWORD).await;
    let res = browser.get("/console/kpis.csv?scope=office:1&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.contains("coverage,access_rate,,0.666667"), "{csv}");
    assert!(csv.contains("online,daily_rate,2025-01-02,0.777778"), "{csv}");
    assert!(csv.contains("complaints,in_time_rate,,0.500000"), "{csv}");
    let (status, html) = browser.open("/console/kpis?scope=office:1&from=2025-01-01&to=2025-03-31").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-kpi="access_rate" data-value="0.6667""#), "the page shows the served figure");

    // A camera moved to another venue, and one removed: the roll-up follows.
    exec(&pool, "UPDATE cameras SET venue_id = 2 WHERE id = 2").await;
    rollup_matches(&pool).await;
    exec(&pool, "DELETE FROM cameras WHERE id = 4").await;
    rollup_matches(&pool).await;
}

async fn report(base: &str, token: &str, query: &str) -> (StatusCode, Value) {
    let res =
        reqwest::Client::new().get(format!("{base}/api/v1/report?{query}")).bearer_auth(token).send().await.unwrap();
    let status = res.status();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

/// The report's rows by indicator code.
fn rows(report: &Value) -> std::collections::HashMap<String, Value> {
    report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// The year 2025 of the same district as an evaluation report: the office's targets (set in
/// 2024), each actual from the figures as of 31 December (K4 is overdue by then), the year
/// before's (2024: four venues planned, three connected), the problems with their evidence;
/// then next year's targets through the form, refused when the year has begun, when a target
/// is not a number, or for someone else's office.
#[tokio::test]
async fn the_annual_report_of_a_hand_built_district() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_db, pool) = fixture(&data).await;
    exec(
        &pool,
        "INSERT INTO complaint_feedback (complaint_id, resolved, satisfaction, at) VALUES
           (1, 1, 5, '2025-02-21T02:00:00Z'), (5, 0, 2, '2025-01-14T02:00:00Z');
         INSERT INTO kpi_targets (scope, year, indicator, target, set_at) VALUES
           ('office:1', 2025, 'access_rate', 1.0, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'cameras_per_venue', 5, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'mean_daily_rate', 0.95, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'key_patrol_coverage', 1.0, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'violations_found', 1, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'overdue_orders', 0, '2024-12-20T02:00:00Z'),
           ('office:1', 2025, 'satisfied_rate', 0.5, '2024-12-21T02:00:00Z');",
    )
    .await;
    let admin_link =
        link_secret(&data, &["user", "add", "--login", "admin", "--name", "管理员", "--role", "administrator"]);
    let ours_link = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", "坪山监管所"],
    );
    let theirs_link = link_secret(
        &data,
        &["user", "add", "--login", "li.ming", "--name", "李明", "--role", "inspector", "--office", "马峦监管所"],
    );
    let token =
        |login: &str| ok(mingchu(&data, &["token", "create", "--login", login, "--name", "报告", "--scope", "read"]));
    let (admin, theirs) = (token("admin"), token("li.ming"));
    let server = Server::start_on(&data);
    let base = server.base.clone();

    let (status, r) = report(&base, &admin, "year=2025&scope=office:1").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!((r["year"].as_i64(), r["as_of"].as_str()), (Some(2025), Some("2025-12-31")));
    assert_eq!(r["targets_set_at"], "2024-12-21T02:00:00Z");
    let row = rows(&r);
    let check = |code: &str, target: Option<f64>, actual: Option<f64>, met: Option<bool>, shortfall: u64| {
        let x = &row[code];
        let num = |v: &Value| v.as_f64();
        for (what, got, want) in [("target", num(&x["target"]), target), ("actual", num(&x["actual"]), actual)] {
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{code} {what}: {g} ≠ {w}"),
                (g, w) => assert_eq!(g, w, "{code} {what}"),
            }
        }
        assert_eq!(x["met"].as_bool(), met, "{code} met");
        assert_eq!(x["shortfall"].as_u64(), Some(shortfall), "{code} shortfall");
    };
    check("access_rate", Some(1.0), Some(2.0 / 3.0), Some(false), 1);
    check("cameras_per_venue", Some(5.0), Some(1.5), Some(false), 2);
    check("mean_daily_rate", Some(0.95), Some((1.0 + 56.0 / 72.0 + 1.0 + 71.0 / 72.0) / 4.0), Some(false), 1);
    // Q1 had both key venues visited, Q2–Q4 none: the lowest quarter, 0 of 2.
    check("key_patrol_coverage", Some(1.0), Some(0.0), Some(false), 2);
    check("violations_found", Some(1.0), Some(2.0), Some(true), 0);
    check("overdue_orders", Some(0.0), Some(1.0), Some(false), 1);
    check("satisfied_rate", Some(0.5), Some(0.5), Some(true), 0);
    // No target: no verdict, no shortfall. K4 is past its 7 working days by December.
    check("complaints_in_time", None, Some(0.4), None, 0);
    check("orders_on_time", None, Some(2.0 / 3.0), None, 0);
    check("capture_precision", None, Some(0.6), None, 0);
    // The year before: four planned on 31 December 2024 (venue 3 still open), three connected;
    // cameras 2 + 1 + 1 over three venues.
    close(&row["access_rate"]["last_year"], 0.75, "2024 access rate");
    close(&row["access_rate"]["change"], 2.0 / 3.0 - 0.75, "the change");
    close(&row["cameras_per_venue"]["last_year"], 4.0 / 3.0, "2024 cameras per venue");
    assert_eq!(row["orders_on_time"]["last_year"], Value::Null, "no order closed in 2024");
    assert_eq!(row["violations_found"]["change"], 2.0);

    // The problems, each with its evidence.
    let problems: Vec<(String, String, String)> = r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["kind"].as_str().unwrap().into(), p["name"].as_str().unwrap().into(), p["href"].as_str().unwrap().into())
        })
        .collect();
    let of = |kind: &str| problems.iter().filter(|p| p.0 == kind).map(|p| p.2.clone()).collect::<Vec<_>>();
    assert_eq!(of("offline_venue"), ["/console/venues/1", "/console/venues/2"]);
    assert_eq!(of("key_not_connected"), ["/console/venues/4"]);
    assert_eq!(of("streaming_while_closed"), ["/console/venues/2"]);
    assert_eq!(of("below_camera_standard"), ["/console/venues/2", "/console/venues/1"]);
    assert_eq!(
        of("low_patrol_coverage"),
        [
            "/console/kpis?scope=office:1&from=2025-04-01&to=2025-06-30",
            "/console/kpis?scope=office:1&from=2025-07-01&to=2025-09-30",
            "/console/kpis?scope=office:1&from=2025-10-01&to=2025-12-31"
        ]
    );
    assert_eq!(of("overdue_order"), ["/console/orders/3"]);
    assert!(problems.iter().any(|p| p.1.starts_with("坪山监管所 整改〔2025〕第0003号")), "{problems:?}");

    // Refusals of the report, with reasons.
    let (status, body) = report(&base, &theirs, "year=2025&scope=office:1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"].as_str().unwrap().contains("another supervision office"), "{body}");
    for bad in ["year=abc", "year=1999", "year=2099"] {
        let (status, body) = report(&base, &admin, &format!("{bad}&scope=office:1")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let coming = chrono::Utc::now().year() + 1;
    let (status, body) = report(&base, &admin, &format!("year={coming}&scope=office:1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("has not begun"), "{body}");

    // The page, the CSV and the print layout's document for the signed-in inspector.
    let mut ours = Browser::new(&base);
    ours.sign_in_with_link(&ours_link, "wang.fang", PASSWORD).await;
    let (status, html) = ours.open("/console/report?year=2025&scope=office:1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"data-indicator="access_rate" data-actual="0.6667" data-target="1.0000""#),
        "the served figures"
    );
    assert!(html.contains("坪山监管所 2025年度“互联网+明厨亮灶”绩效评价报告"));
    assert!(html.contains("计划接入单位中 1 家未接入"), "the shortfall in a sentence");
    assert!(html.contains(&format!("设定{coming}年度目标值")), "the office's inspector may set next year's targets");
    let res = ours.get("/console/report.csv?year=2025&scope=office:1").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(
        csv.contains("产出指标,数量指标,接入率,100.00%,66.67%,75.00%,-8.33,未达标,计划接入单位中 1 家未接入"),
        "{csv}"
    );
    assert!(
        csv.contains("逾期未完成的整改,坪山监管所 整改〔2025〕第0003号 · 二号食堂,2025-03-10,/console/orders/3"),
        "{csv}"
    );

    // Next year's targets through the form; this year's are fixed; numbers only; own office.
    let csrf = support::workspace::csrf_field(&html);
    let coming_s = coming.to_string();
    let this_s = (coming - 1).to_string();
    let set = |year: &str, rate: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("scope", "office:1".to_string()),
            ("year", year.to_string()),
            ("target_access_rate", "100".to_string()),
            ("target_mean_daily_rate", rate.to_string()),
            ("target_overdue_orders", "0".to_string()),
        ]
    };
    let post = |browser: &Browser, form: Vec<(&'static str, String)>| {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>();
        let owned: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let req =
            browser.http.post(format!("{}/console/report/targets", browser.base)).header("cookie", browser.cookies());
        async move { req.form(&owned).send().await.unwrap() }
    };
    let res = post(&ours, set(&this_s, "95")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("目标值须在年度开始前设定"));
    let res = post(&ours, set(&coming_s, "满意")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("“日均在线率”的目标值应为数字"), "the indicator is named");
    assert!(page.contains(r#"value="满意""#), "what was typed is kept");
    let res = post(&ours, set(&coming_s, "97.5")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = ours.open("/console/report?year=2025&scope=office:1").await;
    assert!(html.contains(r#"name="target_mean_daily_rate" inputmode="decimal" value="97.5""#), "{html}");
    let stored: Vec<(String, f64)> =
        sqlx::query_as("SELECT indicator, target FROM kpi_targets WHERE scope = 'office:1' AND year = $1 ORDER BY 1")
            .bind(coming)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        [("access_rate".into(), 1.0), ("mean_daily_rate".into(), 0.975), ("overdue_orders".into(), 0.0)]
    );
    let mut other = set(&coming_s, "95");
    other[1].1 = "office:2".into();
    assert_eq!(post(&ours, other).await.status(), StatusCode::FORBIDDEN, "another office's targets");
    let mut programme = set(&coming_s, "95");
    programme[1].1 = "programme".into();
    assert_eq!(post(&ours, programme).await.status(), StatusCode::FORBIDDEN, "the programme's are the administrators'");
    let mut their_browser = Browser::new(&base);
    their_browser.sign_in_with_link(&theirs_link, "li.ming", PASSWORD).await;
    let (_, their_home) = their_browser.open("/console").await;
    let mut theirs_form = set(&coming_s, "95");
    theirs_form[0].1 = support::workspace::csrf_field(&their_home);
    assert_eq!(post(&their_browser, theirs_form).await.status(), StatusCode::FORBIDDEN);
    let mut admin_browser = Browser::new(&base);
    admin_browser.sign_in_with_link(&admin_link, "admin", PASSWORD).await;
    let (_, admin_page) = admin_browser.open("/console/report?scope=programme&year=2025").await;
    let mut programme = set(&coming_s, "95");
    programme[0].1 = support::workspace::csrf_field(&admin_page);
    programme[1].1 = "programme".into();
    assert_eq!(
        post(&admin_browser, programme).await.status(),
        StatusCode::SEE_OTHER,
        "an administrator sets the programme's"
    );

    drop(server);
    let log = ok(mingchu(&data, &["audit", "list", "--limit", "20"]));
    assert_eq!(log.matches("targets.set").count(), 2, "{log}");
}

/// The programme page and `/api/v1/programme` carry the year so far, programme-wide, as the
/// key figures compute it (the demo district's year of checks, patrols, orders).
#[tokio::test]
async fn the_public_programme_figures_are_the_years_key_figures() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(mingchu(&data, &["seed-demo"]));
    let server = Server::start_on(&data);
    let res = reqwest::Client::new().get(format!("{}/api/v1/programme", server.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let p: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let year = &p["year"];

    let db = server::db::Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let now = Utc::now();
    let today = mingchu_domain::china_time::day(now);
    let period = mingchu_domain::kpi::Period { from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap(), to: today };
    let k = db.kpis(Scope::Programme, "", None, period, now).await.unwrap();
    let mut expected = serde_json::to_value(app::api::PublicYear::of(&k, String::new())).unwrap();
    expected["computed_at"] = year["computed_at"].clone();
    same(year, &expected, "year");
    assert!(!year["quarters"].as_array().unwrap().is_empty());
    assert!(year["orders_closed"].as_u64().unwrap() > 0, "the demo's year closed orders");

    let res = reqwest::Client::new().get(format!("{}/programme", server.base)).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"data-figures="year""#), "the page shows the year");
    let q1 = &year["quarters"][0];
    let shown = format!(r#"data-value="{:.4}""#, q1["mean_daily_rate"].as_f64().unwrap());
    assert!(html.contains(&shown), "the first quarter's rate as served: {shown}");
}
