//! The programme page: the headline figures a citizen can check (venues connected against
//! planned, cameras online now, the 7-day online rate and each day's rate), and the year's
//! evaluated figures (`programme_year`).

use super::programme_year::ProgrammeYear;
use crate::api::{get_programme, ProgrammeFigures, ONLINE_RATE_TARGET};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProgrammePage() -> impl IntoView {
    let tr = use_lang().tr();
    let figures = Resource::new(|| (), |_| get_programme());
    view! {
        <Title text=tr.programme/>
        <Suspense fallback=move || view! { <p class="loading">{tr.loading}</p> }>
            {move || figures.get().map(|result| match result {
                Ok(f) => view! { <ProgrammeView figures=f/> }.into_any(),
                Err(_) => view! { <p class="error" role="alert">{tr.error_unavailable}</p> }.into_any(),
            })}
        </Suspense>
    }
}

fn percent(rate: Option<f64>, none: &'static str) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| none.to_string())
}

#[component]
fn ProgrammeView(figures: ProgrammeFigures) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let f = figures;
    let rate_class = match f.online_rate_7d {
        Some(r) if r < ONLINE_RATE_TARGET => "figure poor",
        _ => "figure",
    };
    let closed_class = if f.closed_venues_still_streaming > 0 { "figure poor" } else { "figure" };
    let screens_class = if f.screens.online_now < f.screens.installed { "figure poor" } else { "figure" };
    let c = f.complaints.clone();
    let overdue_class = if c.overdue > 0 { "figure poor" } else { "figure" };
    let (received, awaiting, overdue, on_time, none_due) = match lang {
        crate::i18n::Lang::Zh => {
            ("近30天收到投诉", "待决定是否受理", "其中已超过7个工作日", "近90天按期决定受理的比例", "暂无到期")
        }
        crate::i18n::Lang::En => (
            "Complaints received, last 30 days",
            "Awaiting the acceptance decision",
            "Of those, past 7 working days",
            "Decided within 7 working days, last 90 days",
            "none due yet",
        ),
    };
    view! {
        <article class="programme">
            <h1>{tr.programme_title}</h1>
            <p class="intro">{tr.programme_intro}</p>
            <dl class="figures">
                <div class="figure" data-figure="venues-connected">
                    <dt>{tr.venues_connected}</dt>
                    <dd><strong>{f.venues_connected}</strong> " / " {f.venues_planned} " " {tr.planned_total}</dd>
                </div>
                <div class="figure" data-figure="cameras-online">
                    <dt>{tr.cameras_online}</dt>
                    <dd><strong>{f.cameras_online_now}</strong> " / " {f.cameras}</dd>
                </div>
                <div class=rate_class data-figure="online-rate">
                    <dt>{tr.online_rate_7d}</dt>
                    <dd>
                        <strong>{percent(f.online_rate_7d, tr.not_checked)}</strong>
                        {f.online_rate_7d.filter(|r| *r < ONLINE_RATE_TARGET).map(|_| view! {
                            " " <span class="below-target">{tr.below_target}</span>
                        })}
                    </dd>
                </div>
                <div class="figure" data-figure="camera-standard">
                    <dt>{tr.meeting_standard}</dt>
                    <dd><strong>{f.venues_meeting_camera_standard}</strong> " / " {f.venues_connected}</dd>
                </div>
                <div class=closed_class data-figure="closed-streaming">
                    <dt>{tr.closed_streaming}</dt>
                    <dd><strong>{f.closed_venues_still_streaming}</strong></dd>
                </div>
                <div class="figure" data-figure="screens-installed">
                    <dt>{tr.screens_installed}</dt>
                    <dd><strong>{f.screens.venues_with_screen}</strong> " / " {f.venues_connected}</dd>
                </div>
                <div class=screens_class data-figure="screens-online">
                    <dt>{tr.screens_online}</dt>
                    <dd><strong>{f.screens.online_now}</strong> " / " {f.screens.installed}</dd>
                </div>
                <div class="figure" data-figure="complaints-received">
                    <dt>{received}</dt>
                    <dd><strong>{c.received_30d}</strong></dd>
                </div>
                <div class="figure" data-figure="complaints-awaiting">
                    <dt>{awaiting}</dt>
                    <dd><strong>{c.awaiting_decision}</strong></dd>
                </div>
                <div class=overdue_class data-figure="complaints-overdue">
                    <dt>{overdue}</dt>
                    <dd><strong>{c.overdue}</strong></dd>
                </div>
                <div class="figure" data-figure="complaints-on-time">
                    <dt>{on_time}</dt>
                    <dd><strong>{percent(c.decided_on_time_90d, none_due)}</strong></dd>
                </div>
            </dl>

            <ProgrammeYear year=f.year.clone()/>

            <section class="card" aria-labelledby="daily-h">
                <h2 id="daily-h">{tr.daily_rate}</h2>
                <table class="daily-rates">
                    <thead><tr><th scope="col">{tr.day}</th><th scope="col">{tr.checks}</th><th scope="col">{tr.rate}</th></tr></thead>
                    <tbody>
                        {f.daily.into_iter().map(|d| {
                            let rate = (d.checks > 0).then(|| d.online as f64 / d.checks as f64);
                            let poor = rate.is_some_and(|r| r < ONLINE_RATE_TARGET);
                            view! {
                                <tr class:poor=poor>
                                    <th scope="row"><time datetime=d.day.clone()>{d.day.clone()}</time></th>
                                    <td>{d.checks}</td>
                                    <td>{percent(rate, "—")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>

            <section class="card" aria-labelledby="kind-h">
                <h2 id="kind-h">{tr.by_kind}</h2>
                <table class="by-kind">
                    <thead><tr><th scope="col">{tr.kind_label}</th><th scope="col">{tr.connected}</th><th scope="col">{tr.planned_total}</th></tr></thead>
                    <tbody>
                        {f.by_kind.into_iter().map(|k| view! {
                            <tr data-kind=k.kind.code()>
                                <th scope="row">{lang.venue_kind(k.kind)}</th><td>{k.connected}</td><td>{k.planned}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>

            <section class="card" aria-labelledby="status-h">
                <h2 id="status-h">{tr.by_status}</h2>
                <table class="by-status">
                    <thead><tr><th scope="col">{tr.status}</th><th scope="col">{tr.venues}</th></tr></thead>
                    <tbody>
                        {f.by_status.into_iter().map(|s| view! {
                            <tr data-status=s.status.code()>
                                <th scope="row">{lang.venue_status(s.status)}</th><td>{s.venues}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </article>
    }
}
