//! `mingchu import` through the real binary: a good file, the same file again, a file with
//! errors (all reported, nothing written), and the imported data as the portal serves it.

use app::api::VenueQuery;
use server::codes::credit_code_check;
use server::db::Db;
use std::path::Path;

fn mingchu(data: &Path, args: &[&str]) -> (bool, String) {
    let out = crate::support::cli::mingchu(data, args);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn code(prefix: &str) -> String {
    format!("{prefix}{}", credit_code_check(prefix).unwrap())
}

#[tokio::test]
async fn import_is_checked_atomic_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).0);
    let (a, b) = (code("92440310MA5FTE001"), code("92440310MA5FTE002"));

    let venues = dir.path().join("venues.csv");
    std::fs::write(
        &venues,
        format!(
            "\u{feff}credit_code,name,kind,jurisdiction_code,address,latitude,longitude,status,is_key_venue,connected_on\n\
             {a},新开粤菜馆,餐馆,440310001,深圳市坪山区坪山街道东纵路8号,22.6912,114.3501,正常营业,否,2026-10-01\n\
             {b},石井小学食堂,school_canteen,440310004,深圳市坪山区石井街道田心路2号,,,operating,是,\n"
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "venues", venues.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("2 added, 0 updated, 0 unchanged"), "{out}");
    let (ok, out) = mingchu(&data, &["import", "venues", venues.to_str().unwrap()]);
    assert!(ok && out.contains("0 added, 0 updated, 2 unchanged"), "{out}");

    // A changed status is an update, and the venue's status history records it.
    let changed = std::fs::read_to_string(&venues).unwrap().replace(
        "石井小学食堂,school_canteen,440310004,深圳市坪山区石井街道田心路2号,,,operating",
        "石井小学食堂,school_canteen,440310004,深圳市坪山区石井街道田心路2号,,,suspended",
    );
    std::fs::write(&venues, changed).unwrap();
    let (ok, out) = mingchu(&data, &["import", "venues", venues.to_str().unwrap()]);
    assert!(ok && out.contains("0 added, 1 updated, 1 unchanged"), "{out}");

    let licences = dir.path().join("licences.csv");
    std::fs::write(
        &licences,
        format!(
            "number,credit_code,holder,legal_representative,premises,business_items,issued_on,valid_until,authority\n\
             JY24403100099991,{a},深圳市坪山区新开粤菜馆,黄新,深圳市坪山区坪山街道东纵路8号,热食类食品制售,2026-09-20,2031-09-19,深圳市市场监督管理局坪山监管局\n"
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "licences", licences.to_str().unwrap()]);
    assert!(ok && out.contains("1 added"), "{out}");

    let inspections = dir.path().join("inspections.csv");
    let header = "inspection_ref,credit_code,inspected_on,kind,office,dynamic_grade,item,severity,points,remark\n";
    let office = "深圳市市场监督管理局坪山监管局坪山监管所";
    std::fs::write(
        &inspections,
        format!(
            "{header}\
             PS-2026-0001,{a},2026-11-02,routine,{office},good,垃圾桶未加盖,general,1,当场整改\n\
             PS-2026-0001,{a},2026-11-02,routine,{office},good,冷藏设施温度不达标,general,3,\n\
             PS-2026-0002,{b},2026-11-03,日常检查,{office},excellent,,,,\n"
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "inspections", inspections.to_str().unwrap()]);
    assert!(ok && out.contains("2 added, 0 updated, 0 unchanged"), "{out}");
    let (ok, out) = mingchu(&data, &["import", "inspections", inspections.to_str().unwrap()]);
    assert!(ok && out.contains("0 added, 0 updated, 2 unchanged"), "{out}");

    // A file with several problems: each reported with its row, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}\
             PS-2026-0003,{a},2026-11-05,routine,{office},good,,,,\n\
             PS-2026-0004,{},2026-11-05,routine,{office},good,,,,\n\
             PS-2026-0005,{b},2026-02-30,routine,不存在的监管所,great,,,,\n",
            code("92440310MA5FN0NE1")
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "inspections", bad.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("nothing was imported"), "{out}");
    assert!(out.contains("row 4, inspected_on") && out.contains("row 4, dynamic_grade"), "{out}");
    let (ok, out) =
        mingchu(&data, &["import", "inspections", bad.to_str().unwrap().replace("bad", "missing").as_str()]);
    assert!(!ok && out.contains("cannot read"), "{out}");
    // References are checked too once the cells are fine.
    std::fs::write(
        &bad,
        format!(
            "{header}\
             PS-2026-0003,{a},2026-11-05,routine,{office},good,,,,\n\
             PS-2026-0004,{},2026-11-05,routine,{office},good,,,,\n\
             PS-2026-0005,{b},2026-11-06,routine,不存在的监管所,good,,,,\n",
            code("92440310MA5FN0NE1")
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "inspections", bad.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("row 3, credit_code: no venue has credit code"), "{out}");
    assert!(out.contains("row 4, office: no supervision office"), "{out}");

    // What the portal shows: the new venue with its licence, graded by its inspection; and the
    // rejected file left no trace.
    let db = Db::connect(&crate::support::database::url(&data)).await.unwrap();
    let found =
        db.search_venues(&VenueQuery { q: "新开粤菜馆".into(), page: 1, ..Default::default() }, 20).await.unwrap();
    assert_eq!(found.total, 1);
    let detail = db.venue_detail(found.venues[0].id, chrono::Utc::now()).await.unwrap().unwrap();
    assert_eq!(detail.licence.unwrap().number, "JY24403100099991");
    assert_eq!(detail.summary.dynamic_grade, Some(mingchu_domain::vocab::DynamicGrade::Good));
    assert_eq!(detail.inspections.len(), 1);
    assert_eq!(detail.inspections[0].findings.len(), 2);
    assert_eq!(db.venue_count().await.unwrap(), server::demo::VENUE_COUNT as i64 + 2);
    let school =
        db.search_venues(&VenueQuery { q: "石井小学食堂".into(), page: 1, ..Default::default() }, 20).await.unwrap();
    let history = db.status_history(school.venues[0].id).await.unwrap();
    let statuses: Vec<_> = history.iter().map(|c| c.status).collect();
    use mingchu_domain::vocab::VenueStatus::{Operating, Suspended};
    assert_eq!(statuses, [Suspended, Operating]);
    let total = db.search_venues(&VenueQuery { page: 1, ..Default::default() }, 20).await.unwrap().total;
    assert_eq!(total as usize, server::demo::VENUE_COUNT + 2);
}

/// The counts search reads instead of counting rows (`venue_facets`, `search_term_counts`)
/// equal the rows they count after venues are added, renamed, moved, graded and given cameras.
#[tokio::test]
async fn search_counts_follow_every_change_to_the_venues() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).0);
    let pool = crate::support::database::pool(&data).await;
    assert_counts_match(&pool).await;

    let a = code("92440310MA5FTE001");
    let venues = dir.path().join("venues.csv");
    let header =
        "credit_code,name,kind,jurisdiction_code,address,latitude,longitude,status,is_key_venue,connected_on\n";
    std::fs::write(
        &venues,
        format!("{header}{a},新开粤菜馆,restaurant,440310001,深圳市坪山区坪山街道东纵路8号,,,operating,否,\n"),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "venues", venues.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert_counts_match(&pool).await;
    let found = |q: &'static str| {
        let data = data.clone();
        async move {
            let db = Db::connect(&crate::support::database::url(&data)).await.unwrap();
            let page = db.search_venues(&VenueQuery { q: q.into(), page: 1, ..Default::default() }, 20).await.unwrap();
            db.close().await;
            page.total
        }
    };
    assert_eq!(found("粤菜").await, 1);

    // Renamed, moved to another street and made a central kitchen: the old terms no longer count.
    std::fs::write(
        &venues,
        format!("{header}{a},湾区中央厨房,central_kitchen,440310004,深圳市坪山区石井街道田心路9号,,,operating,否,\n"),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "venues", venues.to_str().unwrap()]);
    assert!(ok && out.contains("1 updated"), "{out}");
    assert_counts_match(&pool).await;
    assert_eq!(found("粤菜").await, 0);
    assert_eq!(found("湾区").await, 1);

    // Graded by an inspection, then given a public camera.
    let inspections = dir.path().join("inspections.csv");
    std::fs::write(
        &inspections,
        format!(
            "inspection_ref,credit_code,inspected_on,kind,office,dynamic_grade,item,severity,points,remark\n\
             PS-2026-0101,{a},2026-11-02,routine,深圳市市场监督管理局坪山监管局坪山监管所,fair,,,,\n"
        ),
    )
    .unwrap();
    let (ok, out) = mingchu(&data, &["import", "inspections", inspections.to_str().unwrap()]);
    assert!(ok, "{out}");
    sqlx::query("INSERT INTO cameras (venue_id, name, area, is_public) SELECT id, '热厨', 'cooking', 1 FROM venues WHERE credit_code = $1")
        .bind(&a)
        .execute(&pool)
        .await
        .unwrap();
    assert_counts_match(&pool).await;
}

async fn assert_counts_match(pool: &sqlx::AnyPool) {
    let facets: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT kind, grade, jurisdiction_id, with_cameras, venues FROM venue_facets WHERE venues > 0 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let counted: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT kind, coalesce(current_grade, ''), jurisdiction_id, CASE WHEN public_cameras > 0 THEN 1 ELSE 0 END, count(*)
         FROM venues GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(facets, counted, "venue_facets");
    let terms: Vec<(String, i64)> =
        sqlx::query_as("SELECT term, venues FROM search_term_counts ORDER BY term").fetch_all(pool).await.unwrap();
    let counted: Vec<(String, i64)> =
        sqlx::query_as("SELECT term, count(*) FROM venue_search_terms GROUP BY term ORDER BY term")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(terms.len(), counted.len(), "search_term_counts: the same terms");
    assert!(terms == counted, "search_term_counts equal the index");
}
