//! The programme page's "this year" section: the figures the programme is evaluated on, for a
//! citizen to check (programme-wide, no person named): the mean daily online rate per quarter
//! against the threshold (an SVG drawn on the server, the numbers beside it), key venues
//! patrolled per quarter, orders closed on time, complaints decided within 7 working days,
//! and complainants' own answers.

use crate::api::PublicYear;
use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// The quarters' mean daily rates as bars on a 50–100 % axis, the threshold as a line.
fn quarter_chart(year: &PublicYear, lang: Lang) -> impl IntoView {
    const H: f64 = 120.0;
    let y = |r: f64| H - ((r - 0.5).max(0.0) / 0.5) * H;
    let bars = year
        .quarters
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let top = y(q.mean_daily_rate.unwrap_or(0.0));
            let low = q.mean_daily_rate.is_some_and(|r| r < year.threshold);
            let x = 40.0 + i as f64 * 70.0;
            view! {
                <rect class=if low { "kpi-bar kpi-bar-low" } else { "kpi-bar" } x=format!("{x:.0}") y=format!("{top:.1}")
                    width="44" height=format!("{:.1}", H - top)/>
                <text class="kpi-axis" x=format!("{:.0}", x + 22.0) y=format!("{:.0}", H + 14.0) text-anchor="middle">{q.name.clone()}</text>
                <text class="kpi-axis" x=format!("{:.0}", x + 22.0) y=format!("{:.1}", (top - 3.0).max(10.0)) text-anchor="middle">{percent(q.mean_daily_rate)}</text>
            }
        })
        .collect_view();
    let line = y(year.threshold);
    view! {
        <svg class="kpi-chart" viewBox=format!("0 0 {} {}", 60 + year.quarters.len().max(1) * 70, H + 20.0) role="img"
            aria-label=t(lang, "各季度日均在线率（纵轴50%–100%）", "Mean daily online rate per quarter (axis 50%–100%)")>
            {bars}
            <line class="kpi-threshold" x1="30" x2="100%" y1=format!("{line:.1}") y2=format!("{line:.1}")/>
            <text class="kpi-axis" x="0" y=format!("{:.1}", line + 4.0)>{percent(Some(year.threshold))}</text>
        </svg>
    }
}

#[component]
pub fn ProgrammeYear(year: PublicYear) -> impl IntoView {
    let lang = use_lang();
    let chart = quarter_chart(&year, lang);
    let y = year.clone();
    view! {
        <section class="card" aria-labelledby="year-h" data-figures="year">
            <h2 id="year-h">{t(lang, "本年度考核指标", "This year's evaluated figures")}</h2>
            <p class="kpi-note">
                {format!("{} — {}", y.from, y.to)}
                {t(lang, "；暂停经营、停业日不计入在线率；每10分钟更新。", "; days a venue was suspended or closed are left out of the online rate; updated every 10 minutes.")}
            </p>
            {chart}
            <table class="daily-rates">
                <thead><tr>
                    <th scope="col">{t(lang, "季度", "Quarter")}</th>
                    <th scope="col">{t(lang, "日均在线率", "Mean daily rate")}</th>
                    <th scope="col">{t(lang, "达标天数占比", "Days meeting the threshold")}</th>
                    <th scope="col">{t(lang, "重点单位巡查覆盖", "Key venues patrolled")}</th>
                </tr></thead>
                <tbody>
                    {y.quarters.iter().map(|q| {
                        let cover = y.key_patrol_coverage.iter().find(|c| c.name == q.name);
                        let poor = q.mean_daily_rate.is_some_and(|r| r < y.threshold);
                        view! {
                            <tr class:poor=poor data-quarter=q.name.clone()>
                                <th scope="row">{q.name.clone()}</th>
                                <td data-value=q.mean_daily_rate.map(|r| format!("{r:.4}")).unwrap_or_default()>{percent(q.mean_daily_rate)}</td>
                                <td>{format!("{} ({}/{})", percent(q.share_meeting), q.days_meeting, q.days)}</td>
                                <td>{cover.map(|c| format!("{} ({}/{})", percent(c.share), c.visited, c.key_venues)).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="figures">
                <div class="figure" data-figure="orders-on-time">
                    <dt>{t(lang, "整改按期完成", "Orders closed on time")}</dt>
                    <dd><strong>{percent(y.orders_on_time_rate)}</strong>{format!(" ({}/{})", y.orders_closed_on_time, y.orders_closed)}</dd>
                </div>
                <div class="figure" data-figure="complaints-in-time">
                    <dt>{t(lang, "投诉7个工作日内处理", "Complaints decided within 7 working days")}</dt>
                    <dd><strong>{percent(y.complaints_in_time_rate)}</strong>{format!(" ({}/{})", y.complaints_decided_in_time, y.complaints_judged)}</dd>
                </div>
                <div class="figure" data-figure="satisfied">
                    <dt>{t(lang, "投诉人满意（4–5分）", "Complainants satisfied (4–5)")}</dt>
                    <dd><strong>{percent(y.satisfied_rate)}</strong>{format!(" · {} {}", y.feedback_answered, t(lang, "条评价", "answers"))}</dd>
                </div>
                <div class="figure" data-figure="resolved">
                    <dt>{t(lang, "投诉人认为问题已解决", "Complainants saying it was resolved")}</dt>
                    <dd><strong>{percent(y.resolved_rate)}</strong></dd>
                </div>
            </dl>
        </section>
    }
}
