//! The annual evaluation report as CSV, in Chinese as the seed reports are: the indicator
//! table (一级指标, 二级指标, 三级指标, 年度目标值, 实际完成值, 上年同期, 同比, 是否达标,
//! 偏差原因), then the problems found with their evidence links. Values as the page shows
//! them (rates in per cent); the JSON (`/api/v1/report`) has the exact numbers.

use app::api::Report;
use mingchu_domain::report::{indicator, problem_kind_name, shortfall_text, shown, shown_change};

pub fn write(r: &Report, base: &str) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = format!("{} {}年度 明厨亮灶绩效评价（截至 {}）", r.scope.name, r.year, r.as_of);
    let _ = w.write_record([head.as_str(), "", "", "", "", "", "", "", ""]);
    let _ = w.write_record([
        "一级指标",
        "二级指标",
        "三级指标",
        "年度目标值",
        "实际完成值",
        "上年同期",
        "同比",
        "是否达标",
        "偏差原因",
    ]);
    for row in &r.indicators {
        let Some(ind) = indicator(&row.code) else { continue };
        let met = match row.met {
            Some(true) => "达标",
            Some(false) => "未达标",
            None => "",
        };
        let _ = w.write_record([
            ind.level1.0,
            ind.level2.0,
            ind.name.0,
            &shown(ind, row.target),
            &shown(ind, row.actual),
            &shown(ind, row.last_year),
            &shown_change(ind, row.change),
            met,
            &shortfall_text(ind, row.shortfall, true),
        ]);
    }
    let _ = w.write_record(["", "", "", "", "", "", "", "", ""]);
    let _ = w.write_record(["发现的问题", "名称", "说明", "证据", "", "", "", "", ""]);
    for p in &r.problems {
        let href = format!("{base}{}", p.href);
        let _ = w.write_record([problem_kind_name(&p.kind).0, &p.name, &p.detail, &href, "", "", "", "", ""]);
    }
    w.into_inner().unwrap_or_default()
}
