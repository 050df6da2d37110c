//! Risk grading and patrols on the real server, through its forms: every venue is graded;
//! the month's plan takes the office's venues highest risk first and shares them among the
//! ticked inspectors; a remote visit keeps a simulated camera's current frame as evidence and
//! records problems, which become violations on the public timeline and raise the venue's risk;
//! an on-site visit records its checklist and photos; refusals (another office, a result twice,
//! problems without one named, an operator) say why and change nothing.

use crate::support;

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use support::cli::{mingchu, ok};
use support::workspace::{csrf_field, link_secret, Browser};
use support::Server;

const PASSWORD: &str = "明厨亮灶-守护舌尖安全";

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_string()
}

/// A small JPEG (a phone's photo as it arrives).
fn photo() -> Vec<u8> {
    let mut img = image::RgbImage::new(64, 48);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]);
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
    out
}

#[tokio::test]
async fn a_month_plan_from_risk_levels_and_visits_that_find_problems() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let district = server::demo::generate(server::demo::SEED);
    let cameras: Vec<serde_json::Value> =
        serde_json::from_str(&ok(mingchu(&data, &["camera", "list", "--json"]))).unwrap();
    // A venue with a simulated (live) camera.
    let camera = cameras.iter().find(|c| !c["source"].as_str().unwrap_or("").starts_with("rtsp")).unwrap();
    let (venue, camera_id) = (camera["venue_id"].as_i64().unwrap(), camera["id"].as_i64().unwrap());
    let street = district.venues[(venue - 1) as usize].street;
    let office = district.offices[street].clone();
    let other_office = district.offices.iter().enumerate().find(|(i, _)| *i != street).unwrap().1.clone();
    let add = |login: &str, name: &str, role_args: &[&str]| {
        link_secret(&data, &[&["user", "add", "--login", login, "--name", name], role_args].concat())
    };
    let inspector = add("wang.fang", "王芳", &["--role", "inspector", "--office", &office]);
    let colleague = add("li.ming", "李明", &["--role", "inspector", "--office", &office]);
    let outsider = add("zhao.lei", "赵磊", &["--role", "inspector", "--office", &other_office]);
    let operator = add("chef", "店长", &["--role", "operator", "--venue", &venue.to_string()]);
    let db = server::db::Db::connect(&crate::support::database::url(&data)).await.unwrap();
    db.refresh_risk(None, chrono::Utc::now()).await.unwrap();
    let before = db.venue_risk(mingchu_domain::vocab::VenueId(venue)).await.unwrap().expect("graded");
    let server = Server::start_on(&data);
    let base = server.base.clone();

    let mut desk = Browser::new(&base);
    desk.sign_in_with_link(&inspector, "wang.fang", PASSWORD).await;
    let mut other = Browser::new(&base);
    other.sign_in_with_link(&colleague, "li.ming", PASSWORD).await;
    let (status, html) = desk.open("/console/patrols").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-level="D""#), "the venues per level");
    let csrf = csrf_field(&html);
    // The plan for a month three ahead: the demo's year of patrols leaves venues due by then.
    let ahead = mingchu_domain::china_time::day(chrono::Utc::now()) + chrono::Duration::days(95);
    let month = ahead.format("%Y-%m").to_string();
    let ids: Vec<String> = sqlx_inspectors(&data, &office).await;
    let mut plan = vec![("csrf", csrf.clone()), ("month", month.clone()), ("mode", "remote".to_string())];
    plan.extend(ids.iter().map(|i| ("inspector", i.clone())));
    let pairs: Vec<(&str, &str)> = plan.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let scope = db.office_scope(office_id(&db, &office).await).await.unwrap().unwrap();
    let candidates: Vec<_> = db.patrol_candidates(&scope).await.unwrap().into_iter().map(|(c, _)| c).collect();
    let expected = mingchu_domain::patrol::month_plan(&candidates, ahead, ids.len());
    assert!(!expected.is_empty(), "venues are due by then");
    let response = desk.post("/console/patrols/plan", &pairs).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let plan_path = location(&response);
    let task: i64 = plan_path.rsplit('/').next().unwrap().parse().unwrap();
    let (task_row, mut visits) = db.patrol_task(task).await.unwrap().unwrap();
    assert_eq!(task_row.plan_month.as_deref(), Some(month.as_str()));
    // The domain's plan, highest risk first, shared among the inspectors ticked.
    visits.sort_by_key(|v| v.id);
    let venues: Vec<i64> = visits.iter().map(|v| v.venue_id).collect();
    assert_eq!(venues, expected.iter().map(|v| v.venue.0).collect::<Vec<_>>());
    let levels: Vec<_> = visits.iter().map(|v| v.level.unwrap()).collect();
    let mut sorted = levels.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(levels, sorted, "planned highest risk first");
    let shares = server::db::patrols::task_progress(&visits);
    assert_eq!(shares.len(), visits.len().min(ids.len()), "shared in turn among the office's inspectors");
    assert!(shares.iter().all(|(_, planned, done)| *planned >= 1 && *done == 0));
    let (_, page) = desk.open(&plan_path).await;
    assert!(page.contains(&format!(r#"data-progress="0/{}""#, visits.len())));
    // A month nobody is due (the one before the demo's year) is refused with the reason.
    let empty: Vec<(&str, &str)> = vec![("csrf", &csrf), ("month", "2020-01"), ("mode", "remote")];
    let response = desk.post("/console/patrols/plan", &empty).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Today's remote patrol of our venue, by list.
    let today = mingchu_domain::china_time::day(chrono::Utc::now()).to_string();
    let response = desk
        .post(
            "/console/patrols/new",
            &[
                ("csrf", &csrf),
                ("title", "远程巡查"),
                ("mode", "remote"),
                ("starts_on", &today),
                ("ends_on", &today),
                ("venues", &venue.to_string()),
                ("inspector", &ids[0]),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let task_path = location(&response);
    let remote: i64 = task_path.rsplit('/').next().unwrap().parse().unwrap();
    let (_, visits) = db.patrol_task(remote).await.unwrap().unwrap();

    // The outsider may not see the task nor patrol the venue.
    let (status, _) = Browser::open(&mut signed(&base, &outsider, "zhao.lei").await, &task_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A remote visit of our venue: the frame is kept as evidence, problems are recorded.
    let visit = visits[0].id;
    let visit_path = format!("/console/patrols/visits/{visit}");
    let (status, html) = desk.open(&visit_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(r#"data-camera="{camera_id}""#)), "the venue's cameras");
    assert!(html.contains("data-risk="), "the venue's risk with its reasons");
    let response =
        desk.post(&format!("{visit_path}/capture"), &[("csrf", &csrf), ("camera", &camera_id.to_string())]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    let record = db.patrol_visit(visit).await.unwrap().unwrap();
    assert_eq!(record.evidence.len(), 1);
    let evidence = record.evidence[0].0;
    let picture = desk.get(&format!("/console/patrols/evidence/{evidence}.jpg")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(&picture.bytes().await.unwrap()[..2], &[0xff, 0xd8], "a JPEG");
    // Another venue's camera is refused.
    let foreign = cameras.iter().find(|c| c["venue_id"].as_i64() != Some(venue)).unwrap()["id"].as_i64().unwrap();
    let response =
        desk.post(&format!("{visit_path}/capture"), &[("csrf", &csrf), ("camera", &foreign.to_string())]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Problems without one named: refused.
    let response = desk.post(&format!("{visit_path}/result"), &[("csrf", &csrf), ("outcome", "problems")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("请描述问题"));
    let response = desk
        .post(
            &format!("{visit_path}/result"),
            &[
                ("csrf", &csrf),
                ("outcome", "problems"),
                ("category", "staff_hygiene"),
                ("problem", "切配间员工未戴口罩"),
                ("evidence", &evidence.to_string()),
                ("evidence_public", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains(&format!("done={visit}")), "on to the next venue");
    let response = desk.post(&format!("{visit_path}/result"), &[("csrf", &csrf), ("outcome", "no_problem")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "a result once");
    let after = db.venue_risk(mingchu_domain::vocab::VenueId(venue)).await.unwrap().unwrap();
    let found =
        |g: &mingchu_domain::risk::RiskGrade| g.reasons.iter().find(|r| r.code == "violations").map_or(0, |r| r.count);
    assert_eq!(found(&after), found(&before) + 1, "the venue is regraded ({before:?} → {after:?})");
    assert!(after.score >= before.score);
    // The violation and its evidence picture are public.
    let (_, json) = support::get_json(&base, &format!("/api/v1/venues/{venue}")).await;
    let found =
        json["violations"].as_array().unwrap().iter().find(|v| v["source"] == "patrol").expect("on the timeline");
    assert_eq!(found["category"], "staff_hygiene");
    let public = reqwest::get(format!("{base}{}", found["evidence"].as_str().unwrap())).await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);

    // The operator may not patrol their own venue.
    let mut venue_side = signed(&base, &operator, "chef").await;
    let (status, _) = venue_side.open(&visit_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, home) = venue_side.open("/console").await;
    let op_csrf = csrf_field(&home);
    let response = venue_side.post("/console/patrols/plan", &[("csrf", &op_csrf), ("month", &month)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // On site: a task by list; the checklist with a failing item and a photo.
    let (_, html) = other.open("/console/patrols").await;
    let other_csrf = csrf_field(&html);
    let response = other
        .post(
            "/console/patrols/new",
            &[
                ("csrf", &other_csrf),
                ("title", "节前食品安全专项检查"),
                ("mode", "onsite"),
                ("starts_on", &today),
                ("ends_on", &today),
                ("venues", &venue.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let onsite_task: i64 = location(&response).rsplit('/').next().unwrap().parse().unwrap();
    let (_, onsite) = db.patrol_task(onsite_task).await.unwrap().unwrap();
    assert_eq!(onsite.len(), 1);
    let onsite_path = format!("/console/patrols/visits/{}", onsite[0].id);
    let (_, html) = other.open(&onsite_path).await;
    assert!(html.contains("从业人员持有效健康证明"), "the checklist");
    let form = reqwest::multipart::Form::new().text("csrf", other_csrf.clone()).part(
        "photos",
        reqwest::multipart::Part::bytes(photo()).file_name("IMG_0001.jpg").mime_str("image/jpeg").unwrap(),
    );
    let response = other.post_multipart(&format!("{onsite_path}/photos"), form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = other
        .post(
            &format!("{onsite_path}/result"),
            &[("csrf", &other_csrf), ("outcome", "no_problem"), ("fail", "health_certs")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a failing item is not 'no problem'");
    let response = other
        .post(
            &format!("{onsite_path}/result"),
            &[("csrf", &other_csrf), ("outcome", "problems"), ("fail", "health_certs")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let record = db.patrol_visit(onsite[0].id).await.unwrap().unwrap();
    assert_eq!(record.evidence.len(), 1, "the photo");
    assert_eq!(record.violations.len(), 1, "the failing item is a violation");
    let checklist: serde_json::Value = serde_json::from_str(record.checklist.as_deref().unwrap()).unwrap();
    assert_eq!(checklist["health_certs"], false);
    assert_eq!(checklist["licence_shown"], true, "every item is recorded");

    let audit = ok(mingchu(&data, &["audit", "list", "--limit", "50"]));
    for action in ["patrol.create", "patrol.evidence", "patrol.result"] {
        assert!(audit.contains(action), "{action} audited");
    }
}

async fn signed(base: &str, secret: &str, login: &str) -> Browser {
    let mut browser = Browser::new(base);
    browser.sign_in_with_link(secret, login, PASSWORD).await;
    browser
}

async fn office_id(db: &server::db::Db, name: &str) -> i64 {
    db.offices().await.unwrap().into_iter().find(|(_, n)| n == name).unwrap().0
}

/// The ids of the office's inspectors.
async fn sqlx_inspectors(data: &std::path::Path, office: &str) -> Vec<String> {
    let db = server::db::Db::connect(&crate::support::database::url(data)).await.unwrap();
    let id = office_id(&db, office).await;
    db.office_inspectors(id).await.unwrap().into_iter().map(|(i, _)| i.to_string()).collect()
}
