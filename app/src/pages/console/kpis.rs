//! `/console/kpis`: the programme's key figures (关键指标) for an office, a jurisdiction or the
//! programme over any run of days: coverage, online rate, equipment, supervision,
//! rectification and complaints. Charts are SVG drawn on the server with the numbers beside
//! them; nothing needs JavaScript. Every figure carries `data-kpi` and `data-value` (the
//! number the API serves, rounded to 4 places) so tests and scrapers read what is shown.

use super::ConsoleNav;
use crate::api::{get_kpi_page, DayRate, KpiPage, KpiQuery, Kpis, PartCoverage};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn value4(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

/// One figure: its name, the value as shown, and the number behind it.
#[component]
fn Figure(name: &'static str, key: &'static str, shown: String, value: String) -> impl IntoView {
    view! {
        <div class="kpi" data-kpi=key data-value=value>
            <dt>{name}</dt>
            <dd>{shown}</dd>
        </div>
    }
}

fn rate_figure(name: &'static str, key: &'static str, r: Option<f64>) -> impl IntoView {
    view! { <Figure name key shown=percent(r) value=value4(r)/> }
}

fn count_figure(name: &'static str, key: &'static str, n: impl std::fmt::Display) -> impl IntoView {
    let s = n.to_string();
    view! { <Figure name key shown=s.clone() value=s/> }
}

/// The daily online rate as bars, the threshold as a line; bars under it stand out.
fn online_chart(lang: Lang, days: &[DayRate], threshold: f64) -> impl IntoView {
    const W: f64 = 720.0;
    const H: f64 = 180.0;
    let n = days.len().max(1) as f64;
    let bar = W / n;
    // The axis runs from 50 % to 100 %: the range where contracts are won and lost.
    let y = |r: f64| H - ((r - 0.5).max(0.0) / 0.5) * H;
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let r = d.rate.unwrap_or(0.0);
            let top = y(r);
            let class = if d.meets { "kpi-bar" } else { "kpi-bar kpi-bar-low" };
            view! {
                <rect class=class x=format!("{:.1}", i as f64 * bar) y=format!("{top:.1}")
                    width=format!("{:.2}", (bar - 1.0).max(0.5)) height=format!("{:.1}", H - top)>
                    <title>{format!("{} {}", d.day, percent(d.rate))}</title>
                </rect>
            }
        })
        .collect_view();
    let line = y(threshold);
    view! {
        <svg class="kpi-chart" viewBox=format!("0 0 {W} {}", H + 16.0) role="img"
            aria-label=t(lang, "每日在线率（纵轴50%–100%）", "Daily online rate (axis 50%–100%)")>
            {bars}
            <line class="kpi-threshold" x1="0" x2=W.to_string() y1=format!("{line:.1}") y2=format!("{line:.1}")/>
            <text class="kpi-axis" x="2" y=format!("{:.1}", line - 3.0)>{percent(Some(threshold))}</text>
            <text class="kpi-axis" x="2" y=format!("{}", H + 13.0)>{days.first().map(|d| d.day.clone()).unwrap_or_default()}</text>
            <text class="kpi-axis" x=W.to_string() y=format!("{}", H + 13.0) text-anchor="end">
                {days.last().map(|d| d.day.clone()).unwrap_or_default()}
            </text>
        </svg>
    }
}

/// Shares (0–1) as horizontal bars, each with its number.
fn share_bars(parts: &[PartCoverage]) -> impl IntoView {
    let rows = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let w = p.share.unwrap_or(0.0) * 240.0;
            let y = i as f64 * 22.0;
            view! {
                <text class="kpi-axis" x="0" y=format!("{:.0}", y + 14.0)>{p.name.clone()}</text>
                <rect class="kpi-bar" x="70" y=format!("{y:.0}") width=format!("{w:.1}") height="16"/>
                <text class="kpi-axis" x=format!("{:.1}", 76.0 + w) y=format!("{:.0}", y + 14.0)>
                    {format!("{} ({}/{})", percent(p.share), p.visited, p.key_venues)}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg class="kpi-chart kpi-shares" viewBox=format!("0 0 420 {}", parts.len().max(1) * 22) role="img">{rows}</svg>
    }
}

#[component]
pub fn KpisPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let asked = query.with_untracked(|q| KpiQuery {
        scope: q.get("scope").unwrap_or_default(),
        from: q.get("from").unwrap_or_default(),
        to: q.get("to").unwrap_or_default(),
    });
    let page = Resource::new_blocking(move || asked.clone(), get_kpi_page);
    view! {
        <Title text=t(lang, "关键指标", "Key figures")/>
        <article class="console kpi-page">
            <ConsoleNav current="kpis"/>
            <h1>{t(lang, "关键指标", "Key figures")}</h1>
            <Suspense fallback=|| ()>
                {move || page.get().map(|page| match page {
                    Ok(page) => view! { <KpiBody page lang/> }.into_any(),
                    Err(e) => {
                        let text = match e {
                            crate::error::AppError::BadRequest(m) => m,
                            crate::error::AppError::Forbidden(_) => t(lang, "您无权查看这个范围的指标。", "You may not see this scope's figures.").to_string(),
                            crate::error::AppError::NotFound => t(lang, "没有这个监管所或辖区。", "There is no such office or jurisdiction.").to_string(),
                            _ => t(lang, "暂时无法计算，请稍后再试。", "The figures cannot be computed just now; try again shortly.").to_string(),
                        };
                        view! {
                            <p class="error" role="alert">{text}</p>
                            <a class="button" href="/console/kpis">{t(lang, "查看本季度", "See this quarter")}</a>
                        }.into_any()
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn KpiBody(page: KpiPage, lang: Lang) -> impl IntoView {
    let KpiPage { kpis, scopes, query } = page;
    let csv = format!("/console/kpis.csv?scope={}&from={}&to={}", query.scope, query.from, query.to);
    let chosen = query.scope.clone();
    view! {
        <form class="kpi-query" method="get" action="/console/kpis">
            <label for="kpi-scope">{t(lang, "范围", "Scope")}</label>
            <select id="kpi-scope" name="scope">
                {scopes.into_iter().map(|(value, name)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <label for="kpi-from">{t(lang, "从", "From")}</label>
            <input id="kpi-from" name="from" type="date" value=query.from.clone() required/>
            <label for="kpi-to">{t(lang, "至", "To")}</label>
            <input id="kpi-to" name="to" type="date" value=query.to.clone() required/>
            <button class="primary" type="submit">{t(lang, "计算", "Compute")}</button>
            <a class="button" href=csv download="">{t(lang, "下载 CSV", "Download CSV")}</a>
            <a class="button" href="/console/report">{t(lang, "年度报告", "Annual report")}</a>
            <a class="button" href="/console/contracts">{t(lang, "服务合同", "Service contract")}</a>
        </form>
        <p class="kpi-scope" data-scope=format!("{}:{}", kpis.scope.kind, kpis.scope.id.unwrap_or(0))>
            <strong>{kpis.scope.name.clone()}</strong>" · "{kpis.from.clone()}" — "{kpis.to.clone()}
        </p>
        <Sections kpis lang/>
    }
}

#[component]
fn Sections(kpis: Kpis, lang: Lang) -> impl IntoView {
    let Kpis { coverage: c, online: o, equipment: e, supervision: s, rectification: r, complaints: q, .. } = kpis;
    let zh = lang == Lang::Zh;
    let n = |zh_name: &'static str, en: &'static str| if zh { zh_name } else { en };
    view! {
        <section class="card">
            <h2>{n("接入覆盖", "Coverage")}</h2>
            <dl class="kpi-grid">
                {count_figure(n("计划接入单位", "Venues planned"), "planned", c.planned)}
                {count_figure(n("已接入单位", "Venues connected"), "connected", c.connected)}
                {rate_figure(n("接入率", "Access rate"), "access_rate", c.access_rate)}
                {count_figure(n("重点单位已接入", "Key venues connected"), "key_connected", format!("{}/{}", c.key_connected, c.key_planned))}
                {count_figure(n("已关闭（不计入）", "Closed (not counted)"), "closed", c.closed)}
                {count_figure(n("暂停经营", "Suspended"), "suspended", c.suspended)}
            </dl>
            <VenueList title=n("未接入的重点单位", "Key venues not connected") venues=c.key_not_connected.clone()/>
            <VenueList title=n("停业或暂停期间仍有画面的单位", "Venues streaming while closed or suspended") venues=c.streaming_while_not_trading.clone()/>
        </section>
        <section class="card">
            <h2>{n("视频在线率", "Online rate")}</h2>
            <p class="kpi-note">{n("按日计算，暂停经营、停业日不计；画面冻结、黑屏、遮挡视为不在线。", "Per day; days a venue was suspended or closed are left out; a frozen, dark or covered picture is not online.")}</p>
            <dl class="kpi-grid">
                {rate_figure(n("日均在线率", "Mean daily rate"), "mean_daily_rate", o.mean_daily_rate)}
                {rate_figure(n("在线率标准", "Threshold"), "threshold", Some(o.threshold))}
                {rate_figure(n("达标天数占比", "Days at or above the threshold"), "share_meeting", o.share_meeting)}
                {count_figure(n("达标天数", "Days meeting"), "days_meeting", format!("{}/{}", o.days_meeting, o.days))}
                {rate_figure(n("在线检查占比", "Online checks"), "check_rate", o.check_rate)}
                {count_figure(n("剔除的摄像头日", "Camera-days left out"), "excluded_camera_days", o.excluded_camera_days)}
            </dl>
            {online_chart(lang, &o.daily, o.threshold)}
            <table class="console-sessions kpi-table">
                <thead><tr>
                    <th scope="col">{n("季度", "Quarter")}</th>
                    <th scope="col">{n("日均在线率", "Mean daily rate")}</th>
                    <th scope="col">{n("达标天数", "Days meeting")}</th>
                </tr></thead>
                <tbody>
                    {o.quarters.iter().map(|p| view! {
                        <tr data-quarter=p.name.clone() data-value=value4(p.mean_daily_rate)>
                            <td>{p.name.clone()}</td>
                            <td>{percent(p.mean_daily_rate)}</td>
                            <td>{format!("{}/{}", p.days_meeting, p.days)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{n("离线最多的摄像头", "Cameras offline longest")}</h3>
            <table class="console-sessions kpi-table">
                <thead><tr>
                    <th scope="col">{n("单位", "Venue")}</th>
                    <th scope="col">{n("摄像头", "Camera")}</th>
                    <th scope="col">{n("离线小时", "Hours offline")}</th>
                    <th scope="col">{n("在线率", "Rate")}</th>
                </tr></thead>
                <tbody>
                    {o.worst_cameras.iter().map(|w| view! {
                        <tr data-camera=w.camera_id>
                            <td><a href=format!("/console/venues/{}", w.venue_id)>{w.venue.clone()}</a></td>
                            <td>{w.camera.clone()}</td>
                            <td>{format!("{:.1}", w.offline_hours)}</td>
                            <td>{percent(w.rate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{n("离线最多的单位", "Venues offline longest")}</h3>
            <table class="console-sessions kpi-table">
                <thead><tr>
                    <th scope="col">{n("单位", "Venue")}</th>
                    <th scope="col">{n("离线摄像头小时", "Camera-hours offline")}</th>
                    <th scope="col">{n("在线率", "Rate")}</th>
                    <th scope="col">{n("达标天数", "Days meeting")}</th>
                </tr></thead>
                <tbody>
                    {o.worst_venues.iter().map(|w| view! {
                        <tr data-venue=w.venue_id>
                            <td><a href=format!("/console/venues/{}", w.venue_id)>{w.venue.clone()}</a></td>
                            <td>{format!("{:.1}", w.offline_hours)}</td>
                            <td>{percent(w.rate)}</td>
                            <td>{format!("{}/{}", w.days_meeting, w.days)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{n("设备配置", "Equipment")}</h2>
            <dl class="kpi-grid">
                {count_figure(n("摄像头", "Cameras"), "cameras", e.cameras)}
                {count_figure(n("户均摄像头", "Cameras per venue"), "cameras_per_venue", e.cameras_per_venue.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into()))}
                {count_figure(n("低于标准（5个）的单位", "Venues under the standard of 5"), "below_standard", e.below_standard_count)}
                {rate_figure(n("展示屏安装率", "Venues with a display screen"), "screen_share", e.screen_share)}
                {rate_figure(n("展示屏在线率", "Display screens online"), "screen_online_rate", e.screen_online_rate)}
            </dl>
        </section>
        <section class="card">
            <h2>{n("监管巡查", "Supervision")}</h2>
            <dl class="kpi-grid">
                {count_figure(n("巡查任务", "Patrol tasks"), "patrol_tasks", s.patrol_tasks)}
                {count_figure(n("巡查户次（已完成/计划）", "Venue-visits (done/planned)"), "visits_done", format!("{}/{}", s.visits_done, s.visits_planned))}
                {count_figure(n("AI抓拍", "AI captures"), "captures_raised", s.captures_raised)}
                {count_figure(n("确认/驳回", "Confirmed / dismissed"), "captures_confirmed", format!("{}/{}", s.captures_confirmed, s.captures_dismissed))}
                {rate_figure(n("抓拍准确率", "Capture precision"), "precision", s.precision)}
                {count_figure(n("发现问题单位", "Venues with violations"), "venues_with_violations", s.venues_with_violations)}
                {count_figure(n("发现问题", "Violations found"), "violations", s.violations)}
            </dl>
            <h3>{n("重点单位巡查覆盖（每月）", "Key venues patrolled (per month)")}</h3>
            {share_bars(&s.key_coverage_months)}
            <h3>{n("重点单位巡查覆盖（每季度）", "Key venues patrolled (per quarter)")}</h3>
            {share_bars(&s.key_coverage_quarters)}
            <table class="console-sessions kpi-table">
                <thead><tr>
                    <th scope="col">{n("识别规则", "Rule")}</th>
                    <th scope="col">{n("抓拍", "Raised")}</th>
                    <th scope="col">{n("确认", "Confirmed")}</th>
                    <th scope="col">{n("驳回", "Dismissed")}</th>
                    <th scope="col">{n("准确率", "Precision")}</th>
                </tr></thead>
                <tbody>
                    {s.rules.iter().map(|r| view! {
                        <tr data-rule=r.rule.clone() data-value=value4(r.precision)>
                            <td>{super::category_text(lang, &r.rule)}</td>
                            <td>{r.raised}</td>
                            <td>{r.confirmed}</td>
                            <td>{r.dismissed}</td>
                            <td>{percent(r.precision)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{n("整改", "Rectification")}</h2>
            <dl class="kpi-grid">
                {count_figure(n("下达整改通知", "Orders issued"), "orders_issued", r.issued)}
                {count_figure(n("期间完成整改", "Closed in the period"), "orders_closed", r.closed)}
                {rate_figure(n("按期整改率", "Closed on time"), "on_time_rate", r.on_time_rate)}
                {count_figure(n("逾期未改", "Overdue"), "orders_overdue", r.overdue)}
                {count_figure(n("平均整改天数", "Mean days to close"), "mean_days_to_close", r.mean_days_to_close.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into()))}
                {count_figure(n("90%整改天数", "90th percentile days"), "p90_days_to_close", r.p90_days_to_close.map(|v| v.to_string()).unwrap_or_else(|| "—".into()))}
                {count_figure(n("异议（维持/撤销/待定）", "Disputes (upheld/overturned/waiting)"), "disputes", format!("{} ({}/{}/{})", r.disputes, r.disputes_upheld, r.disputes_overturned, r.disputes_pending))}
            </dl>
        </section>
        <section class="card">
            <h2>{n("投诉举报", "Complaints")}</h2>
            <dl class="kpi-grid">
                {count_figure(n("收到投诉", "Received"), "complaints_received", q.received)}
                {rate_figure(n("7个工作日内受理率", "Decided within 7 working days"), "in_time_rate", q.in_time_rate)}
                {count_figure(n("超期受理/超期未受理", "Decided late / overdue"), "complaints_late", format!("{}/{}", q.decided_late, q.overdue))}
                {count_figure(n("办理中（未到期）", "Waiting, within time"), "complaints_pending", q.pending)}
                {count_figure(n("已办结", "Closed"), "complaints_closed", q.closed)}
            </dl>
            <h3>{n("投诉人满意度（实测）", "Complainants' satisfaction, measured")}</h3>
            <dl class="kpi-grid">
                {count_figure(n("已评价/应评价", "Answered / asked"), "answered", format!("{}/{}", q.answered, q.asked))}
                {rate_figure(n("参评率", "Response rate"), "response_rate", q.response_rate)}
                {rate_figure(n("满意率（4–5分）", "Satisfied (4–5)"), "satisfied_rate", q.satisfied_rate)}
                {rate_figure(n("问题解决率", "Resolved, by their word"), "resolved_rate", q.resolved_rate)}
                {count_figure(n("平均满意度", "Mean satisfaction"), "mean_satisfaction", q.mean_satisfaction.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into()))}
                {rate_figure(n("单位页面“有用”占比", "Venue pages found useful"), "page_useful_rate", q.page_useful_rate)}
                {count_figure(n("页面评价（有用/没用）", "Page answers (yes/no)"), "page_votes", format!("{}/{}", q.page_useful, q.page_not_useful))}
            </dl>
            <p class="kpi-note">
                {n("渠道：", "Channels: ")}
                {q.by_channel.iter().map(|c| format!("{} {}", c.code, c.count)).collect::<Vec<_>>().join(" · ")}
            </p>
        </section>
    }
}

#[component]
fn VenueList(title: &'static str, venues: Vec<crate::api::VenueRef>) -> impl IntoView {
    (!venues.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <ul class="kpi-venues">
                {venues.into_iter().map(|v| view! {
                    <li><a href=format!("/console/venues/{}", v.id)>{v.name}</a></li>
                }).collect_view()}
            </ul>
        }
    })
}
