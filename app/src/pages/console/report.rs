//! `/console/report?year=2025&scope=office:1`: the annual evaluation report (年度绩效评价
//! 报告) in the seed reports' structure: the indicator table (一级/二级/三级指标, 年度目标值,
//! 实际完成值, 上年同期, 同比, 偏差原因), each actual computed from the data, and the problems
//! found with links to their evidence. The same document for every office; it prints on A4
//! (the print style drops the site's chrome and the forms). Below it, whoever may set the
//! coming year's targets sets them, as numbers.

use super::{ConsoleNav, CsrfField};
use crate::api::{get_report_page, IndicatorRow, Report, ReportPage, ReportProblem, ReportQuery, TargetsEcho};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use mingchu_domain::report::{indicator, problem_kind_name, shortfall_text, shown, shown_change, Unit, INDICATORS};

fn value4(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

fn problem_kind(kind: &str, lang: Lang) -> &'static str {
    let (zh, en) = problem_kind_name(kind);
    t(lang, zh, en)
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let asked = query.with_untracked(|q| ReportQuery {
        year: q.get("year").unwrap_or_default(),
        scope: q.get("scope").unwrap_or_default(),
    });
    let done = query.with_untracked(|q| q.get("done"));
    let page = Resource::new_blocking(move || asked.clone(), get_report_page);
    view! {
        <Title text=t(lang, "年度绩效评价报告", "Annual evaluation report")/>
        <article class="console report-page">
            <ConsoleNav current="kpis"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "目标值已保存。", "The targets were saved.")}</p> })}
            <Suspense fallback=|| ()>
                {move || page.get().map(|page| match page {
                    Ok(page) => view! { <Body page lang/> }.into_any(),
                    Err(e) => {
                        let text = match e {
                            crate::error::AppError::BadRequest(m) => m,
                            crate::error::AppError::Forbidden(_) => t(lang, "您无权查看这个范围的报告。", "You may not see this scope's report.").to_string(),
                            crate::error::AppError::NotFound => t(lang, "没有这个监管所或辖区。", "There is no such office or jurisdiction.").to_string(),
                            _ => t(lang, "暂时无法生成，请稍后再试。", "The report cannot be made just now; try again shortly.").to_string(),
                        };
                        view! {
                            <p class="error" role="alert">{text}</p>
                            <a class="button" href="/console/report">{t(lang, "查看本范围的默认年度", "See the default year")}</a>
                        }.into_any()
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Body(page: ReportPage, lang: Lang) -> impl IntoView {
    let ReportPage { report, scopes, query, next_targets } = page;
    let csv = format!("/console/report.csv?scope={}&year={}", query.scope, query.year);
    let chosen = query.scope.clone();
    let scope = query.scope.clone();
    view! {
        <form class="kpi-query report-query" method="get" action="/console/report">
            <label for="rp-scope">{t(lang, "范围", "Scope")}</label>
            <select id="rp-scope" name="scope">
                {scopes.into_iter().map(|(value, name)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <label for="rp-year">{t(lang, "年度", "Year")}</label>
            <input id="rp-year" name="year" inputmode="numeric" pattern="[0-9]{4}" size="5" value=query.year.clone() required/>
            <button class="primary" type="submit">{t(lang, "生成", "Make")}</button>
            <a class="button" href=csv download="">{t(lang, "下载 CSV", "Download CSV")}</a>
        </form>
        <Document report=report lang/>
        {next_targets.map(|(year, set)| view! { <TargetsForm scope year set lang/> })}
    }
}

#[component]
fn Document(report: Report, lang: Lang) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let with_target = report.indicators.iter().filter(|r| r.target.is_some()).count();
    let met = report.indicators.iter().filter(|r| r.met == Some(true)).count();
    let title = if zh {
        format!("{} {}年度“互联网+明厨亮灶”绩效评价报告", report.scope.name, report.year)
    } else {
        format!("{} — Internet + Bright Kitchen evaluation report {}", report.scope.name, report.year)
    };
    let set = match (&report.targets_set_at, &report.targets_set_by) {
        (Some(at), by) => format!(
            "{}{}{}",
            t(lang, "目标值设定于 ", "Targets set on "),
            at.get(..10).unwrap_or(at),
            by.as_ref().map(|b| format!(" · {b}")).unwrap_or_default()
        ),
        (None, _) => t(lang, "本年度未设定目标值。", "No targets were set for this year.").to_string(),
    };
    let mut groups: Vec<(String, Vec<ReportProblem>)> = Vec::new();
    for p in report.problems {
        match groups.iter_mut().find(|(k, _)| *k == p.kind) {
            Some((_, list)) => list.push(p),
            None => groups.push((p.kind.clone(), vec![p])),
        }
    }
    let no_problems = groups.is_empty();
    view! {
        <section class="report-a4" data-year=report.year data-scope=format!("{}:{}", report.scope.kind, report.scope.id.unwrap_or(0))>
            <h1>{title}</h1>
            <p class="report-meta">
                {t(lang, "统计期间 ", "Period ")}{format!("{}-01-01 — {}", report.year, report.as_of)}
                " · "{set}" · "
                <span data-kpi="targets_met" data-value=met.to_string()>
                    {if zh { format!("达标 {met}/{with_target} 项") } else { format!("{met} of {with_target} targets met") }}
                </span>
            </p>
            <h2>{t(lang, "一、绩效指标完成情况", "1. Indicators")}</h2>
            <IndicatorTable rows=report.indicators lang/>
            <p class="kpi-note">
                {t(lang, "实际完成值均由平台记录计算：在线率剔除暂停、停业日；画面冻结、黑屏、遮挡视为不在线；满意度为投诉人回访评价。同比为与上年同期之差（比率为百分点）。",
                   "Every actual is computed from the platform's records: the online rate leaves out days a venue was suspended or closed; a frozen, dark or covered picture is not online; satisfaction is complainants' own answers. The change is against the same days a year earlier (percentage points for rates).")}
            </p>
            <h2>{t(lang, "二、发现的问题", "2. Problems found")}</h2>
            {no_problems.then(|| view! { <p class="empty">{t(lang, "未发现问题。", "No problems found.")}</p> })}
            {groups.into_iter().map(|(kind, list)| view! {
                <h3>{problem_kind(&kind, lang)}" ("{list.len()}")"</h3>
                <ul class="report-problems" data-problem=kind.clone()>
                    {list.into_iter().map(|p| view! {
                        <li>
                            <a href=p.href.clone()>{p.name.clone()}</a>
                            {(!p.detail.is_empty()).then(|| view! { " · "<span>{p.detail.clone()}</span> })}
                            <span class="print-only">" — "{p.href.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}

#[component]
fn IndicatorTable(rows: Vec<IndicatorRow>, lang: Lang) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let pick = |pair: (&'static str, &'static str)| if zh { pair.0 } else { pair.1 };
    let mut last: (&str, &str) = ("", "");
    let body = rows
        .into_iter()
        .filter_map(|row| {
            let ind = indicator(&row.code)?;
            let l1 = pick(ind.level1);
            let l2 = pick(ind.level2);
            let (show1, show2) = (last.0 != l1, last != (l1, l2));
            last = (l1, l2);
            let class = match row.met {
                Some(false) => "report-missed",
                Some(true) => "report-met",
                None => "",
            };
            let verdict = match row.met {
                Some(true) => t(lang, "达标", "Met"),
                Some(false) => t(lang, "未达标", "Missed"),
                None => "",
            };
            Some(view! {
                <tr class=class data-indicator=row.code.clone() data-actual=value4(row.actual) data-target=value4(row.target)>
                    <td>{show1.then_some(l1)}</td>
                    <td>{show2.then_some(l2)}</td>
                    <th scope="row">{pick(ind.name)}</th>
                    <td>{shown(ind, row.target)}</td>
                    <td>{shown(ind, row.actual)}</td>
                    <td>{shown(ind, row.last_year)}</td>
                    <td>{shown_change(ind, row.change)}</td>
                    <td>{verdict}</td>
                    <td>{shortfall_text(ind, row.shortfall, zh)}</td>
                </tr>
            })
        })
        .collect_view();
    view! {
        <table class="report-table">
            <thead><tr>
                <th scope="col">{t(lang, "一级指标", "Level 1")}</th>
                <th scope="col">{t(lang, "二级指标", "Level 2")}</th>
                <th scope="col">{t(lang, "三级指标", "Indicator")}</th>
                <th scope="col">{t(lang, "年度目标值", "Target")}</th>
                <th scope="col">{t(lang, "实际完成值", "Actual")}</th>
                <th scope="col">{t(lang, "上年同期", "Year before")}</th>
                <th scope="col">{t(lang, "同比", "Change")}</th>
                <th scope="col">{t(lang, "是否达标", "Verdict")}</th>
                <th scope="col">{t(lang, "偏差原因", "Shortfall")}</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn TargetsForm(scope: String, year: i32, set: Vec<(String, f64)>, lang: Lang) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let echo = use_context::<TargetsEcho>().unwrap_or_default();
    let typed = move |code: &str| -> String {
        if let Some((_, v)) = echo.fields.iter().find(|(k, _)| k == code) {
            return v.clone();
        }
        let ind = indicator(code);
        match (set.iter().find(|(k, _)| k == code), ind.map(|i| i.unit)) {
            (Some((_, v)), Some(Unit::Rate)) => format!("{}", (v * 10000.0).round() / 100.0),
            (Some((_, v)), _) => format!("{v}"),
            (None, _) => String::new(),
        }
    };
    let problem = use_context::<TargetsEcho>().map(|e| e.problem).unwrap_or_default();
    view! {
        <section class="card report-targets">
            <h2>{if zh { format!("设定{year}年度目标值") } else { format!("Targets for {year}") }}</h2>
            <p class="kpi-note">{t(lang, "目标值须为数字，并在年度开始前设定；年度开始后固定不变。比率填百分数（如 95），数量填整数；留空表示不设目标。",
                "Targets are numbers, set before the year begins; they are fixed once it has. Rates as percentages (e.g. 95), counts as whole numbers; leave empty for no target.")}</p>
            {(!problem.is_empty()).then(|| view! { <p class="error" role="alert">{problem.clone()}</p> })}
            <form class="account-form" method="post" action="/console/report/targets">
                <CsrfField/>
                <input type="hidden" name="scope" value=scope/>
                <input type="hidden" name="year" value=year.to_string()/>
                {INDICATORS.iter().map(|ind| {
                    let id = format!("tg-{}", ind.code);
                    let unit = match ind.unit { Unit::Rate => "%", _ => "" };
                    view! {
                        <label for=id.clone()>{if zh { ind.name.0 } else { ind.name.1 }}{(!unit.is_empty()).then_some(" (%)")}</label>
                        <input id=id name=format!("target_{}", ind.code) inputmode="decimal" value=typed(ind.code)/>
                    }
                }).collect_view()}
                <button class="primary" type="submit">{t(lang, "保存目标值", "Save the targets")}</button>
            </form>
        </section>
    }
}
