//! The key figures as CSV: one row per figure (`section, indicator, part, value`), so a
//! spreadsheet can filter and chart them; rates are fractions (0.95), empty when there was
//! nothing to divide by. The rows follow the JSON's names.

use app::api::Kpis;

fn rate(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.6}")).unwrap_or_default()
}

pub fn write(k: &Kpis) -> Vec<u8> {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut put = |section: &str, name: &str, part: &str, value: String| {
        rows.push([section.to_string(), name.to_string(), part.to_string(), value]);
    };
    let c = &k.coverage;
    put("scope", "name", "", k.scope.name.clone());
    put("scope", "from", "", k.from.clone());
    put("scope", "to", "", k.to.clone());
    put("coverage", "planned", "", c.planned.to_string());
    put("coverage", "connected", "", c.connected.to_string());
    put("coverage", "access_rate", "", rate(c.access_rate));
    put("coverage", "key_planned", "", c.key_planned.to_string());
    put("coverage", "key_connected", "", c.key_connected.to_string());
    put("coverage", "closed", "", c.closed.to_string());
    put("coverage", "suspended", "", c.suspended.to_string());
    put("coverage", "streaming_while_not_trading", "", c.streaming_while_not_trading.len().to_string());
    let o = &k.online;
    put("online", "threshold", "", rate(Some(o.threshold)));
    put("online", "mean_daily_rate", "", rate(o.mean_daily_rate));
    put("online", "check_rate", "", rate(o.check_rate));
    put("online", "days", "", o.days.to_string());
    put("online", "days_meeting", "", o.days_meeting.to_string());
    put("online", "share_meeting", "", rate(o.share_meeting));
    put("online", "excluded_camera_days", "", o.excluded_camera_days.to_string());
    for q in &o.quarters {
        put("online", "mean_daily_rate", &q.name, rate(q.mean_daily_rate));
        put("online", "share_meeting", &q.name, rate(q.share_meeting));
    }
    for d in &o.daily {
        put("online", "daily_rate", &d.day, rate(d.rate));
    }
    for w in &o.worst_cameras {
        put(
            "online",
            "camera_offline_hours",
            &format!("{} {} / {}", w.camera_id, w.venue, w.camera),
            format!("{:.2}", w.offline_hours),
        );
    }
    for w in &o.worst_venues {
        put("online", "venue_offline_hours", &format!("{} {}", w.venue_id, w.venue), format!("{:.2}", w.offline_hours));
    }
    let e = &k.equipment;
    put("equipment", "connected_venues", "", e.connected_venues.to_string());
    put("equipment", "cameras", "", e.cameras.to_string());
    put("equipment", "cameras_per_venue", "", e.cameras_per_venue.map(|v| format!("{v:.2}")).unwrap_or_default());
    put("equipment", "below_standard", "", e.below_standard_count.to_string());
    put("equipment", "venues_with_screen", "", e.venues_with_screen.to_string());
    put("equipment", "screen_share", "", rate(e.screen_share));
    put("equipment", "screen_online_rate", "", rate(e.screen_online_rate));
    let s = &k.supervision;
    put("supervision", "patrol_tasks", "", s.patrol_tasks.to_string());
    put("supervision", "visits_done", "", s.visits_done.to_string());
    put("supervision", "visits_planned", "", s.visits_planned.to_string());
    for m in s.key_coverage_months.iter().chain(&s.key_coverage_quarters) {
        put("supervision", "key_venue_coverage", &m.name, rate(m.share));
    }
    put("supervision", "captures_raised", "", s.captures_raised.to_string());
    put("supervision", "captures_confirmed", "", s.captures_confirmed.to_string());
    put("supervision", "captures_dismissed", "", s.captures_dismissed.to_string());
    put("supervision", "precision", "", rate(s.precision));
    for r in &s.rules {
        put("supervision", "rule_precision", &r.rule, rate(r.precision));
    }
    put("supervision", "violations", "", s.violations.to_string());
    put("supervision", "venues_with_violations", "", s.venues_with_violations.to_string());
    let r = &k.rectification;
    put("rectification", "issued", "", r.issued.to_string());
    put("rectification", "closed", "", r.closed.to_string());
    put("rectification", "closed_on_time", "", r.closed_on_time.to_string());
    put("rectification", "on_time_rate", "", rate(r.on_time_rate));
    put("rectification", "overdue", "", r.overdue.to_string());
    put("rectification", "mean_days_to_close", "", r.mean_days_to_close.map(|v| format!("{v:.2}")).unwrap_or_default());
    put("rectification", "p90_days_to_close", "", r.p90_days_to_close.map(|v| v.to_string()).unwrap_or_default());
    put("rectification", "disputes", "", r.disputes.to_string());
    put("rectification", "disputes_upheld", "", r.disputes_upheld.to_string());
    put("rectification", "disputes_overturned", "", r.disputes_overturned.to_string());
    let q = &k.complaints;
    put("complaints", "received", "", q.received.to_string());
    put("complaints", "decided_in_time", "", q.decided_in_time.to_string());
    put("complaints", "decided_late", "", q.decided_late.to_string());
    put("complaints", "overdue", "", q.overdue.to_string());
    put("complaints", "pending", "", q.pending.to_string());
    put("complaints", "in_time_rate", "", rate(q.in_time_rate));
    put("complaints", "closed", "", q.closed.to_string());
    put("complaints", "asked", "", q.asked.to_string());
    put("complaints", "answered", "", q.answered.to_string());
    put("complaints", "response_rate", "", rate(q.response_rate));
    put("complaints", "resolved_rate", "", rate(q.resolved_rate));
    put("complaints", "satisfied_rate", "", rate(q.satisfied_rate));
    put("complaints", "mean_satisfaction", "", q.mean_satisfaction.map(|v| format!("{v:.2}")).unwrap_or_default());
    put("complaints", "page_useful", "", q.page_useful.to_string());
    put("complaints", "page_not_useful", "", q.page_not_useful.to_string());
    put("complaints", "page_useful_rate", "", rate(q.page_useful_rate));
    for (i, n) in q.scores.iter().enumerate() {
        put("complaints", "satisfaction_answers", &(i + 1).to_string(), n.to_string());
    }
    for c in &q.by_category {
        put("complaints", "by_category", &c.code, c.count.to_string());
    }
    for c in &q.by_channel {
        put("complaints", "by_channel", &c.code, c.count.to_string());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    // A UTF-8 byte-order mark, so spreadsheet programmes read the Chinese names right.
    let _ = w.write_record(["\u{feff}section", "indicator", "part", "value"]);
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}
