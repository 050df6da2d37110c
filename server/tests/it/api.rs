//! The open-data JSON API against its own OpenAPI document, on the real server.

use crate::support;

use serde_json::Value;
use server::demo;
use support::schema::Schemas;
use support::{get_json as get, Server};

fn assert_valid(schemas: &Schemas, template: &str, status: &str, body: &Value) {
    let errors = schemas.validate(schemas.response(template, status), body);
    assert!(errors.is_empty(), "{template} {status}: {errors:#?}");
}

#[tokio::test]
async fn api_matches_its_openapi_document_and_filters_work() {
    let server = Server::start();
    let base = server.base.as_str();
    let (status, doc) = get(base, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = Schemas::new(&doc);
    let district = demo::generate(demo::SEED);
    let list = "/api/v1/venues";

    // Every page of the unfiltered list, small pages: each venue exactly once.
    let mut ids = Vec::new();
    for page in 1..=7 {
        let (status, body) = get(base, &format!("{list}?per_page=7&page={page}")).await;
        assert_eq!(status, 200);
        assert_valid(&schemas, list, "200", &body);
        assert_eq!(body["total"], demo::VENUE_COUNT);
        assert_eq!(body["page_count"], 7);
        ids.extend(body["venues"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), demo::VENUE_COUNT);

    let all = |body: &Value, pred: &dyn Fn(&Value) -> bool| body["venues"].as_array().unwrap().iter().all(pred);
    let (_, body) = get(base, &format!("{list}?type=school_canteen&per_page=100")).await;
    assert_valid(&schemas, list, "200", &body);
    let schools = district.venues.iter().filter(|v| v.kind == mingchu_domain::vocab::VenueKind::SchoolCanteen).count();
    assert_eq!(body["total"], schools);
    assert!(all(&body, &|v| v["kind"] == "school_canteen"));

    // A street, and its district (which includes every street).
    let (_, body) = get(base, &format!("{list}?jurisdiction=440310002&per_page=100")).await;
    let in_street = district.venues.iter().filter(|v| district.streets[v.street].code == "440310002").count();
    assert_eq!(body["total"], in_street);
    assert!(all(&body, &|v| v["jurisdiction"].as_str().unwrap().contains("马峦")));
    let (_, body) = get(base, &format!("{list}?jurisdiction=440310")).await;
    assert_eq!(body["total"], demo::VENUE_COUNT);

    let (_, body) = get(base, &format!("{list}?grade=excellent&camera=1&per_page=100")).await;
    assert!(body["total"].as_u64().unwrap() > 0);
    assert!(all(&body, &|v| v["dynamic_grade"] == "excellent" && v["camera_count"].as_u64().unwrap() >= 1));

    // Near a point: nearest first, with distances.
    let (_, body) = get(base, &format!("{list}?near=22.70,114.36&per_page=100")).await;
    assert_valid(&schemas, list, "200", &body);
    let distances: Vec<u64> =
        body["venues"].as_array().unwrap().iter().map(|v| v["distance_m"].as_u64().unwrap()).collect();
    assert_eq!(distances.len(), demo::VENUE_COUNT);
    assert!(distances.windows(2).all(|w| w[0] <= w[1] + 1), "sorted by distance: {distances:?}");

    // One venue, and its full history.
    let (status, body) = get(base, "/api/v1/venues/1").await;
    assert_eq!(status, 200);
    assert_valid(&schemas, "/api/v1/venues/{id}", "200", &body);
    assert_eq!(body["licence"]["number"], district.venues[0].licence.number.as_str());
    let (status, body) = get(base, "/api/v1/venues/1/inspections").await;
    assert_eq!(status, 200);
    assert_valid(&schemas, "/api/v1/venues/{id}/inspections", "200", &body);
    assert_eq!(body["inspections"].as_array().unwrap().len(), district.venues[0].inspections.len());

    // A venue that stopped trading shows when: trading first, then suspended.
    let suspended =
        district.venues.iter().position(|v| v.status == mingchu_domain::vocab::VenueStatus::Suspended).unwrap();
    let (_, body) = get(base, &format!("/api/v1/venues/{}", suspended + 1)).await;
    assert_valid(&schemas, "/api/v1/venues/{id}", "200", &body);
    let history = body["status_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0]["status"], "suspended");
    assert_eq!(history[1]["status"], "operating");
    assert_eq!(history[0]["since"], district.venues[suspended].status_since.unwrap().to_string());

    // Errors: every bad parameter named, 404s for missing venues, all in the documented shape.
    let (status, body) = get(base, &format!("{list}?type=bar&page=0&per_page=1000&near=x")).await;
    assert_eq!(status, 400);
    assert_valid(&schemas, list, "400", &body);
    let params: Vec<&str> =
        body["error"]["problems"].as_array().unwrap().iter().map(|p| p["param"].as_str().unwrap()).collect();
    assert_eq!(params, ["type", "page", "near", "per_page"]);
    for path in ["/api/v1/venues/99999", "/api/v1/venues/abc", "/api/v1/venues/99999/inspections"] {
        let (status, body) = get(base, path).await;
        assert_eq!(status, 404, "{path}");
        assert_valid(&schemas, "/api/v1/venues/{id}", "404", &body);
    }
}

#[tokio::test]
async fn lives_feed_has_the_spec_headers_and_every_row() {
    let server = Server::start();
    let district = demo::generate(demo::SEED);
    let inspections: usize = district.venues.iter().map(|v| v.inspections.len()).sum();
    let findings: usize = district.venues.iter().flat_map(|v| &v.inspections).map(|i| i.findings.len()).sum();
    let files: [(&str, &[&str], usize); 5] = [
        (
            "businesses.csv",
            &[
                "business_id",
                "name",
                "address",
                "city",
                "state",
                "postal_code",
                "latitude",
                "longitude",
                "phone_number",
            ],
            demo::VENUE_COUNT,
        ),
        ("inspections.csv", &["business_id", "score", "date", "description", "type"], inspections),
        ("violations.csv", &["business_id", "date", "code", "description"], findings),
        ("legend.csv", &["minimum_score", "maximum_score", "description"], 3),
        ("feed_info.csv", &["feed_date", "feed_version", "municipality_name", "municipality_url", "contact_email"], 1),
    ];
    for (file, header, count) in files {
        let res = reqwest::get(format!("{}/open-data/lives/{file}", server.base)).await.unwrap();
        assert_eq!(res.status(), 200, "{file}");
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), header, "{file}");
        let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        if file == "violations.csv" {
            // Besides the inspections' findings, the violations people confirmed (the demo's
            // year of enforcement), each saying how it was found and what became of its order.
            let confirmed: Vec<_> = rows.iter().filter(|r| r[2].starts_with("V-")).cloned().collect();
            assert!(!confirmed.is_empty(), "confirmed violations are published");
            assert!(confirmed
                .iter()
                .all(|r| ["智能抓拍", "巡查发现", "现场检查", "投诉查实"].iter().any(|s| r[3].contains(s))));
            assert!(
                confirmed.iter().any(|r| r[3].contains("已整改")) && confirmed.iter().any(|r| r[3].contains("已逾期"))
            );
            rows.retain(|r| !r[2].starts_with("V-"));
        }
        assert_eq!(rows.len(), count, "{file}");
        if file == "inspections.csv" {
            for r in &rows {
                let score: u32 = r[1].parse().unwrap();
                assert!(score <= 100);
                assert_eq!(r[2].len(), 8, "YYYYMMDD date");
                assert!(["routine", "followup", "complaint"].contains(&&r[4]));
            }
        }
        if file == "feed_info.csv" {
            assert_eq!(&rows[0][2], "深圳市坪山区");
        }
    }
}

/// A district larger than the count cap: totals stop at 1,000 and say so, pages go on past
/// them, and "near me" (searched box by box) gives the same order as sorting every venue.
#[tokio::test]
async fn large_searches_cap_their_count_and_near_me_matches_a_full_sort() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seeded = crate::support::cli::mingchu(&data, &["seed-demo", "--venues", "1500"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let server = Server::start_on(&data);
    let base = server.base.as_str();

    let (_, body) = get(base, "/api/v1/venues?per_page=100").await;
    assert_eq!(body["total"], 1000);
    assert_eq!(body["total_capped"], true);
    assert_eq!(body["page_count"], 10);
    let (status, body) = get(base, "/api/v1/venues?per_page=100&page=15").await;
    assert_eq!(status, 200);
    assert_eq!(body["page"], 15);
    assert_eq!(body["venues"].as_array().unwrap().len(), 100, "pages go on past the count");
    let (_, body) = get(base, "/api/v1/venues?per_page=100&page=16").await;
    assert!(body["venues"].as_array().unwrap().is_empty(), "and end where the venues do");
    let (_, body) = get(base, "/api/v1/venues?type=central_kitchen").await;
    assert_eq!(body["total_capped"], false, "a narrower search is counted exactly");

    // One-character and two-character text searches find exactly what a full scan finds.
    let district = demo::generate_scaled(demo::SEED, 1500);
    for q in ["湘", "面", "食堂"] {
        let expected = district.venues.iter().filter(|v| v.name.contains(q) || v.address.contains(q)).count();
        assert!(expected > 0, "{q}");
        let (_, body) = get(base, &format!("/api/v1/venues?q={}&per_page=100", app::api::encode_query_value(q))).await;
        assert_eq!(body["total"], expected.min(1000), "{q}");
        assert!(all_contain(&body, q), "{q}");
    }
    // Text with another filter, and a query whose pairs are each common.
    for (q, kind) in [("食堂", "school_canteen"), ("湘", "restaurant"), ("坪山区", "central_kitchen")] {
        let expected = district
            .venues
            .iter()
            .filter(|v| v.kind.code() == kind && (v.name.contains(q) || v.address.contains(q)))
            .count();
        let url = format!("/api/v1/venues?q={}&type={kind}&per_page=100", app::api::encode_query_value(q));
        let (_, body) = get(base, &url).await;
        assert_eq!(body["total"], expected.min(1000), "{q} {kind}");
        assert!(all_contain(&body, q), "{q}");
    }

    // Near a point: pages 1–3 against every venue sorted by distance.
    let here = app::api::GeoPoint::from_degrees(22.70, 114.36).unwrap();
    let mut expected: Vec<(f64, i64)> = district
        .venues
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (here.distance_m(app::api::GeoPoint::from_degrees(v.latitude, v.longitude).unwrap()), i as i64 + 1)
        })
        .collect();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut got = Vec::new();
    for page in 1..=3 {
        let (_, body) = get(base, &format!("/api/v1/venues?near=22.70,114.36&per_page=50&page={page}")).await;
        got.extend(body["venues"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()));
    }
    let want: Vec<i64> = expected.iter().take(150).map(|(_, id)| *id).collect();
    assert_eq!(got, want);
}

fn all_contain(body: &Value, q: &str) -> bool {
    body["venues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["name"].as_str().unwrap().contains(q) || v["address"].as_str().unwrap().contains(q))
}
