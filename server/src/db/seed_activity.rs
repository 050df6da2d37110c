//! Writes the demo's year of enforcement (`crate::demo::activity`) in the seeding transaction:
//! the inspectors (accounts without a password: they sign in only after `user reset-password`),
//! captures and their review, patrols and their results, orders stepped through the domain's
//! state machine day by day (a step that would fall after today is not taken: the year ends
//! today), disputes, this year's targets and the service contract.

use super::DbError;
use crate::demo::activity::{Activity, Fate, Named, Review};
use crate::demo::Dataset;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use mingchu_domain::audit::timestamp;
use mingchu_domain::rectification::{self, Party, Step};
use sqlx::AnyConnection;

/// The ids the main seeding gave: venues (in dataset order), their cameras, offices.
pub struct SeededIds {
    pub venues: Vec<i64>,
    pub cameras: Vec<Vec<i64>>,
    pub offices: Vec<i64>,
}

/// A synthetic frame for a capture's snapshot: the camera's picture with the detection's box.
fn snapshot(seed: usize) -> Vec<u8> {
    let (w, h) = (320u32, 180u32);
    let (bx, by) = (60 + (seed as u32 * 37) % 160, 30 + (seed as u32 * 23) % 80);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let on_box = (x == bx || x == bx + 60) && (by..by + 70).contains(&y)
            || (y == by || y == by + 70) && (bx..bx + 60).contains(&x);
        if on_box {
            image::Rgb([230, 40, 40])
        } else {
            image::Rgb([(70 + x / 4) as u8, (80 + y / 3) as u8, 90])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70).encode_image(&img).expect("a JPEG encodes");
    out
}

/// The moment `minute` minutes into the China day `days_ago` before `today`.
fn at(today: NaiveDate, days_ago: i64, minute: i64) -> DateTime<Utc> {
    mingchu_domain::china_time::midnight(today - chrono::Duration::days(days_ago)) + chrono::Duration::minutes(minute)
}

pub async fn write(
    tx: &mut AnyConnection,
    data: &Dataset,
    activity: &Activity,
    ids: &SeededIds,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let today = mingchu_domain::china_time::day(now);
    let created = timestamp(now);
    let mut inspectors = Vec::new();
    for i in &activity.inspectors {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, display_name, role, office_id, created_at) VALUES ($1, $2, 'inspector', $3, $4)
             RETURNING id",
        )
        .bind(&i.login)
        .bind(&i.name)
        .bind(ids.offices[i.office])
        .bind(&created)
        .fetch_one(&mut *tx)
        .await?;
        inspectors.push(id);
    }
    let pictures: Vec<Vec<u8>> = (0..6).map(snapshot).collect();

    // Captures and their review.
    let mut capture_ids = Vec::new();
    for (n, c) in activity.captures.iter().enumerate() {
        let seen = at(today, c.days_ago, c.minute);
        let reviewed = timestamp(seen + chrono::Duration::hours(2));
        let (review, reason) = match c.review {
            Review::Confirmed => ("confirmed", None),
            Review::Dismissed(r) => ("dismissed", Some(r.code())),
        };
        let boxes = serde_json::json!([{ "label": "person", "score": c.confidence,
            "bbox": { "x0": 0.2, "y0": 0.2, "x1": 0.4, "y1": 0.6 } }]);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO capture_events (camera_id, at, category, confidence, boxes, review, created_at, reviewed_by,
                                         reviewed_at, dismiss_reason, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6, $2, $7, $8, $9, $10) RETURNING id",
        )
        .bind(ids.cameras[c.venue][c.camera])
        .bind(timestamp(seen))
        .bind(c.rule)
        .bind(c.confidence)
        .bind(boxes.to_string())
        .bind(review)
        .bind(inspectors[c.reviewer])
        .bind(&reviewed)
        .bind(reason)
        .bind(&pictures[n % pictures.len()])
        .fetch_one(&mut *tx)
        .await?;
        capture_ids.push(id);
    }

    // Disputes: raised three days after confirmation, decided by the office's other inspector.
    for (n, c) in activity.captures.iter().enumerate() {
        let Some(upheld) = c.dispute else { continue };
        let other = if c.reviewer % 2 == 0 { c.reviewer + 1 } else { c.reviewer - 1 };
        let raised = at(today, c.days_ago - 3, 10 * 60);
        let decided = at(today, c.days_ago - 8, 15 * 60);
        let (outcome, reason, note) = if upheld {
            ("upheld", "复核录像，确属违规。", "当时员工只是短暂摘下口罩喝水。")
        } else {
            ("overturned", "复核录像，画面中为店内宠物，不在操作区，撤销认定。", "画面中是店里养的猫，不在后厨。")
        };
        sqlx::query(
            "INSERT INTO disputes (venue_id, capture_id, note, raised_at, outcome, reason, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(ids.venues[c.venue])
        .bind(capture_ids[n])
        .bind(note)
        .bind(timestamp(raised))
        .bind(outcome)
        .bind(reason)
        .bind(inspectors[other])
        .bind(timestamp(decided))
        .execute(&mut *tx)
        .await?;
        if !upheld {
            sqlx::query(
                "UPDATE capture_events SET review = 'dismissed', dismiss_reason = 'not_a_violation' WHERE id = $1",
            )
            .bind(capture_ids[n])
            .execute(&mut *tx)
            .await?;
        }
    }

    // Patrols, their visits and the problems found.
    let mut visit_violations: Vec<Vec<Option<i64>>> = Vec::new();
    for task in &activity.tasks {
        let starts = today - chrono::Duration::days(task.starts_days_ago);
        let ends = starts + chrono::Duration::days(29);
        let title = if task.onsite {
            format!("{} 季度现场检查", starts.format("%Y-%m"))
        } else {
            format!("{} 风险分级巡查计划", starts.format("%Y-%m"))
        };
        let task_id: i64 = sqlx::query_scalar(
            "INSERT INTO patrol_tasks (office_id, title, mode, starts_on, ends_on, plan_month, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ids.offices[task.office])
        .bind(title)
        .bind(if task.onsite { "onsite" } else { "remote" })
        .bind(starts.to_string())
        .bind(ends.to_string())
        .bind((!task.onsite).then(|| starts.format("%Y-%m").to_string()))
        .bind(timestamp(mingchu_domain::china_time::midnight(starts)))
        .fetch_one(&mut *tx)
        .await?;
        let mut found = Vec::new();
        for visit in &task.visits {
            let day = starts + chrono::Duration::days(visit.day_offset);
            let done = mingchu_domain::china_time::midnight(day) + chrono::Duration::hours(10);
            let done_at = (day < today).then(|| timestamp(done));
            let result = done_at.as_ref().map(|_| if visit.problem.is_some() { "problems" } else { "no_problem" });
            let visit_id: i64 = sqlx::query_scalar(
                "INSERT INTO patrol_visits (task_id, venue_id, inspector_id, planned_on, result, done_by, done_at)
                 VALUES ($1, $2, $3, $4, $5, $3, $6) RETURNING id",
            )
            .bind(task_id)
            .bind(ids.venues[visit.venue])
            .bind(inspectors[visit.inspector])
            .bind(day.to_string())
            .bind(result)
            .bind(&done_at)
            .fetch_one(&mut *tx)
            .await?;
            let violation = match (visit.problem, &done_at) {
                (Some((category, description)), Some(done_at)) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO violations (venue_id, source, category, description, observed_at, recorded_by,
                                                 recorded_at, visit_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $5, $7) RETURNING id",
                    )
                    .bind(ids.venues[visit.venue])
                    .bind(if task.onsite { "inspection" } else { "patrol" })
                    .bind(category.code())
                    .bind(description)
                    .bind(done_at)
                    .bind(inspectors[visit.inspector])
                    .bind(visit_id)
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                _ => None,
            };
            found.push(violation);
        }
        visit_violations.push(found);
    }

    // Orders, in the order they were issued (each office numbers its own per year).
    let mut orders: Vec<&crate::demo::activity::DemoOrder> = activity.orders.iter().collect();
    orders.sort_by_key(|o| std::cmp::Reverse(o.issued_days_ago));
    for o in orders {
        let issued_on = today - chrono::Duration::days(o.issued_days_ago);
        let venue = ids.venues[o.venue];
        let office = ids.offices[data.venues[o.venue].street];
        let by = inspectors[o.inspector];
        let mut violations = Vec::new();
        for named in &o.named {
            match *named {
                Named::Capture(i) => {
                    let c = &activity.captures[i];
                    let seen = timestamp(at(today, c.days_ago, c.minute));
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO violations (venue_id, source, category, observed_at, capture_id, camera_id,
                                                 recorded_by, recorded_at)
                         VALUES ($1, 'capture', $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(venue)
                    .bind(c.rule)
                    .bind(&seen)
                    .bind(capture_ids[i])
                    .bind(ids.cameras[c.venue][c.camera])
                    .bind(by)
                    .bind(timestamp(mingchu_domain::china_time::midnight(issued_on)))
                    .fetch_one(&mut *tx)
                    .await?;
                    violations.push(id);
                }
                Named::Visit(t, v) => {
                    if let Some(id) = visit_violations[t][v] {
                        violations.push(id);
                    }
                }
            }
        }
        if violations.is_empty() || issued_on >= today {
            continue;
        }
        let requirement = "立即整改，规范从业人员操作，完善卫生管理制度，并将整改情况（附照片）回复监管所。";
        let due = issued_on + chrono::Duration::days(o.days_to_rectify);
        let Ok(issued) = rectification::issue(
            violations.len(),
            requirement,
            "《中华人民共和国食品安全法》第三十三条",
            due,
            issued_on,
        ) else {
            continue;
        };
        let seq: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) + 1 FROM orders WHERE office_id = $1 AND year = $2")
                .bind(office)
                .bind(issued_on.year())
                .fetch_one(&mut *tx)
                .await?;
        let mut order = issued.order;
        let mut steps: Vec<(NaiveDate, Step, Option<NaiveDate>)> = Vec::new();
        let day = |n: i64| issued_on + chrono::Duration::days(n);
        let plan: Vec<(i64, Step)> = match o.fate {
            Fate::OnTime { reply, accept } => {
                vec![(reply, Step::Reply { note: "已按要求整改，照片已上传。".into() }), (accept, Step::Accept)]
            }
            Fate::RejectedOnce { reply, reject, again, accept } => vec![
                (reply, Step::Reply { note: "已整改。".into() }),
                (reject, Step::Reject { reason: "照片不清晰，未能看出整改效果，请补充。".into() }),
                (again, Step::Reply { note: "已补充整改照片，并组织员工培训。".into() }),
                (accept, Step::Accept),
            ],
            Fate::Extended { ask, extra, reply, accept } => vec![
                (
                    ask,
                    Step::AskExtension {
                        until: due + chrono::Duration::days(extra),
                        reason: "需更换设备，厂家供货需要时间。".into(),
                    },
                ),
                (ask + 1, Step::GrantExtension),
                (reply, Step::Reply { note: "设备已更换完毕。".into() }),
                (accept, Step::Accept),
            ],
            Fate::Late { reply, accept } => {
                vec![(reply, Step::Reply { note: "已整改（因人员调整延误）。".into() }), (accept, Step::Accept)]
            }
            Fate::Open => Vec::new(),
        };
        for (n, step) in plan {
            let on = day(n);
            if on >= today {
                break;
            }
            match rectification::take(&order, step.party(), &step, on) {
                Ok(next) => {
                    let until = match &step {
                        Step::AskExtension { until, .. } => Some(*until),
                        Step::GrantExtension => Some(next.due),
                        _ => None,
                    };
                    order = next;
                    steps.push((on, step, until));
                }
                Err(_) => break,
            }
        }
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (office_id, year, seq, venue_id, requirement, legal_basis, state, issued_on, due_on,
                                 extensions, asked_until, closed_on, issued_by, issued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(office)
        .bind(issued_on.year())
        .bind(seq)
        .bind(venue)
        .bind(&issued.requirement)
        .bind(&issued.legal_basis)
        .bind(order.state.code())
        .bind(issued_on.to_string())
        .bind(order.due.to_string())
        .bind(i64::from(order.extensions))
        .bind(order.asked_until.map(|d| d.to_string()))
        .bind(order.closed_on.map(|d| d.to_string()))
        .bind(by)
        .bind(timestamp(mingchu_domain::china_time::midnight(issued_on) + chrono::Duration::hours(9)))
        .fetch_one(&mut *tx)
        .await?;
        for v in &violations {
            sqlx::query("INSERT INTO order_violations (order_id, violation_id) VALUES ($1, $2)")
                .bind(order_id)
                .bind(v)
                .execute(&mut *tx)
                .await?;
        }
        let first = (issued_on, None::<&Step>, Some(due));
        let all = std::iter::once(first).chain(steps.iter().map(|(on, s, until)| (*on, Some(s), *until)));
        for (on, step, until) in all {
            let (code, party, note, who) = match step {
                None => ("issue", Party::Inspector, None, Some(by)),
                Some(s) => {
                    (s.code(), s.party(), s.note().map(str::to_string), (s.party() == Party::Inspector).then_some(by))
                }
            };
            sqlx::query(
                "INSERT INTO order_steps (order_id, step, party, note, until, by_user, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(order_id)
            .bind(code)
            .bind(party.code())
            .bind(note)
            .bind(until.map(|d| d.to_string()))
            .bind(who)
            .bind(timestamp(mingchu_domain::china_time::midnight(on) + chrono::Duration::hours(11)))
            .execute(&mut *tx)
            .await?;
        }
        // An order overdue by now was escalated the day after its due day.
        if rectification::is_overdue(&order, today) {
            sqlx::query("UPDATE orders SET escalated_at = $2 WHERE id = $1")
                .bind(order_id)
                .bind(timestamp(mingchu_domain::china_time::midnight(order.due + chrono::Duration::days(1))))
                .execute(&mut *tx)
                .await?;
        }
    }
    plan(tx, ids, today).await
}

/// This year's targets for the programme and each office, set last December as numbers, and
/// the purchased-service contract of last year and this one: what the report and the contract
/// page are judged against.
async fn plan(tx: &mut AnyConnection, ids: &SeededIds, today: NaiveDate) -> Result<(), DbError> {
    const TARGETS: [(&str, f64); 12] = [
        ("access_rate", 1.0),
        ("cameras_per_venue", 5.0),
        ("screen_share", 0.9),
        ("mean_daily_rate", 0.95),
        ("share_meeting", 0.9),
        ("key_patrol_coverage", 1.0),
        ("capture_precision", 0.8),
        ("orders_on_time", 0.9),
        ("complaints_in_time", 1.0),
        ("overdue_orders", 0.0),
        ("satisfied_rate", 0.9),
        ("resolved_rate", 0.9),
    ];
    let year = today.year();
    let set_at =
        timestamp(mingchu_domain::china_time::midnight(NaiveDate::from_ymd_opt(year - 1, 12, 20).expect("a day")));
    let scopes = std::iter::once("programme".to_string()).chain(ids.offices.iter().map(|o| format!("office:{o}")));
    for scope in scopes {
        for (indicator, target) in TARGETS {
            sqlx::query("INSERT INTO kpi_targets (scope, year, indicator, target, set_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&scope)
                .bind(year)
                .bind(indicator)
                .bind(target)
                .bind(&set_at)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query(
        "INSERT INTO service_contracts (supplier, reference, starts_on, ends_on, price_basis, price_fen, threshold,
                                        penalty, penalty_amount, recorded_at)
         VALUES ('坪山明厨信息技术有限公司', 'PSSJ-明厨-001', $1, $2, 'camera', 120000, 0.95, 'quarter_share', 50, $3)",
    )
    .bind(format!("{}-01-01", year - 1))
    .bind(format!("{year}-12-31"))
    .bind(&set_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
