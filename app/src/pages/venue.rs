use crate::api::{
    get_venue, AnnualRating, CameraSummary, Inspection, Licence, StatusChange, StreamHonesty, VenueDetail,
    VenueSummary, ONLINE_RATE_TARGET,
};
use crate::components::{AnnualGradeBadge, GradeFace, LivePlayer};
use crate::domain::VenueId;
use crate::error::AppError;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A venue's public page: status, grades, licence, cameras and inspections.
#[component]
pub fn VenuePage() -> impl IntoView {
    let tr = use_lang().tr();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).map(VenueId);
    let venue = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_venue(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{tr.loading}</p> }>
            {move || venue.get().map(|result| match result {
                Ok(detail) => view! { <VenueView detail/> }.into_any(),
                Err(AppError::NotFound) => view! { <super::NotFound/> }.into_any(),
                Err(_) => view! { <p class="error" role="alert">{tr.error_unavailable}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn VenueView(detail: VenueDetail) -> impl IntoView {
    let s = detail.summary;
    let id = s.id.0;
    let s_id = s.id;
    view! {
        <Title text=s.name.clone()/>
        <article class="venue" data-venue-id=id>
            // On a phone the first screen holds what people came for: the name, the grade face
            // and the live kitchen; the record follows.
            <VenueHeader summary=s.clone() is_key_venue=detail.is_key_venue/>
            <CamerasCard cameras=detail.cameras honesty=detail.honesty/>
            <GradesCard summary=s.clone() basis=detail.inspections.first().cloned() annual=detail.annual_ratings/>
            <LicenceCard licence=detail.licence/>
            <FactsCard summary=s connected_on=detail.connected_on history=detail.status_history/>
            <InspectionsCard inspections=detail.inspections/>
            <TimelineCard violations=detail.violations/>
            <ComplaintCard venue=s_id/>
            <UsefulCard venue=s_id/>
        </article>
    }
}

/// The enforcement timeline: confirmed violations, the orders they led to, when they were put
/// right and what the venue replied. Nothing unconfirmed is ever here.
#[component]
fn TimelineCard(violations: Vec<crate::api::PublicViolation>) -> impl IntoView {
    use super::console::{category_text, source_name};
    use crate::pages::complaints::t;
    let lang = use_lang();
    let empty = violations.is_empty();
    view! {
        <section class="card venue-timeline" id="timeline" aria-labelledby="timeline-h">
            <h2 id="timeline-h">{t(lang, "问题与整改", "Violations and rectification")}</h2>
            {if empty {
                view! { <p>{t(lang, "暂无经确认的违法违规问题。", "No confirmed violations.")}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {violations.into_iter().map(|v| {
                            let anchor = v.order.as_ref().map(|o| format!("order-{}", o.id));
                            view! {
                                <li id=anchor data-violation=v.id>
                                    <p><time datetime=v.observed_on.clone()>{v.observed_on.clone()}</time>" · "
                                        <strong>{category_text(lang, &v.category)}</strong>" · "{source_name(lang, v.source)}
                                        {v.disputed.then(|| view! { " · "<span class="badge" data-disputed="true">{t(lang, "单位有异议，复核中", "Disputed by the venue, under review")}</span> })}</p>
                                    {v.evidence.clone().map(|src| view! {
                                        <img src=src alt=t(lang, "证据图片", "Evidence picture") width="240" height="135" loading="lazy"/>
                                    })}
                                    {v.order.map(|o| {
                                        let standing = match (o.standing.as_str(), lang) {
                                            ("rectified", crate::i18n::Lang::Zh) => format!("已于{}整改完成", o.rectified_on.clone().unwrap_or_default()),
                                            ("rectified", crate::i18n::Lang::En) => format!("Rectified on {}", o.rectified_on.clone().unwrap_or_default()),
                                            ("overdue", crate::i18n::Lang::Zh) => format!("整改期限{}，已逾期", o.due_on),
                                            ("overdue", crate::i18n::Lang::En) => format!("Due {}, overdue", o.due_on),
                                            (_, crate::i18n::Lang::Zh) => format!("限期{}前整改", o.due_on),
                                            (_, crate::i18n::Lang::En) => format!("To be put right by {}", o.due_on),
                                        };
                                        view! {
                                            <p class=format!("order-standing standing-{}", o.standing)>
                                                {t(lang, "整改通知 ", "Order ")}{o.number.clone()}" · "{standing}
                                            </p>
                                            {o.reply.map(|r| view! {
                                                <p class="order-reply">{t(lang, "单位回复：", "The venue replied: ")}{r}</p>
                                            })}
                                        }
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn VenueHeader(summary: VenueSummary, is_key_venue: bool) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let s = summary;
    view! {
        <header class="venue-header">
            <div class="venue-title">
                <h1>{s.name.clone()}</h1>
                <GradeFace grade=s.dynamic_grade/>
            </div>
            <p class="venue-meta">
                <span class="kind">{lang.venue_kind(s.kind)}</span>
                " · "
                <span class=format!("status status-{}", s.status.code())>{lang.venue_status(s.status)}</span>
                {is_key_venue.then(|| view! { " · " <span class="key-venue">{tr.key_venue}</span> })}
            </p>
        </header>
    }
}

/// Where the venue is, who supervises it, since when it is connected and its status history.
#[component]
fn FactsCard(summary: VenueSummary, connected_on: Option<String>, history: Vec<StatusChange>) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let s = summary;
    view! {
        <section class="card venue-facts" aria-labelledby="facts-h">
            <h2 id="facts-h">{tr.venue_facts}</h2>
            <dl class="facts">
                <dt>{tr.address}</dt><dd>{s.address.clone()}</dd>
                <dt>{tr.jurisdiction}</dt><dd>{s.jurisdiction.clone()}</dd>
                {connected_on.map(|d| view! { <dt>{tr.connected_on}</dt><dd>{d}</dd> })}
                {(history.len() > 1).then(|| view! {
                    <dt>{tr.status_history}</dt>
                    <dd>
                        <ol class="status-history">
                            {history.into_iter().map(|c| view! {
                                <li data-status=c.status.code()>
                                    <time datetime=c.since.clone()>{c.since.clone()}</time> " "
                                    <span class=format!("status status-{}", c.status.code())>{lang.venue_status(c.status)}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    </dd>
                })}
            </dl>
        </section>
    }
    .into_any()
}

/// The grades, the reasons for the current one (the findings of the inspection that set it),
/// and the annual grades of past years.
#[component]
fn GradesCard(summary: VenueSummary, basis: Option<Inspection>, annual: Vec<AnnualRating>) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let reasons = basis.filter(|_| summary.dynamic_grade.is_some()).map(|i| {
        let points: u32 = i.findings.iter().map(|f| f.points).sum();
        let headline = match lang {
            crate::i18n::Lang::Zh => format!(
                "依据 {} {}：{} 项问题，共扣{}分",
                i.date,
                lang.inspection_kind(i.kind),
                i.findings.len(),
                points
            ),
            crate::i18n::Lang::En => format!(
                "Based on the {} inspection of {}: {} finding(s), {} points deducted",
                lang.inspection_kind(i.kind).to_lowercase(),
                i.date,
                i.findings.len(),
                points
            ),
        };
        view! {
            <div class="grade-reasons">
                <p class="grade-basis">{headline}</p>
                <ul class="reason-list">
                    {i.findings.into_iter().map(|f| view! {
                        <li class=format!("severity-{}", f.severity.code())>
                            <span class="finding-severity">{lang.severity(f.severity)}</span>
                            {f.item} " " <span class="finding-points">{points_text(lang, f.points)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    view! {
        <section class="card grades" aria-labelledby="grade-h">
            <h2 id="grade-h">{tr.grade}</h2>
            <div class="grade-row">
                <div><span class="grade-caption">{tr.dynamic_grade}</span><GradeFace grade=summary.dynamic_grade/></div>
                <div><span class="grade-caption">{tr.annual_grade}</span><AnnualGradeBadge grade=summary.annual_grade/></div>
            </div>
            {reasons}
            {(!annual.is_empty()).then(|| view! {
                <p class="annual-history">
                    <span class="grade-caption">{tr.annual_history}</span>
                    {annual.into_iter().map(|r| view! {
                        <span class="annual-year" data-year=r.year>{r.year} " " <AnnualGradeBadge grade=Some(r.grade)/></span>
                    }).collect_view()}
                </p>
            })}
        </section>
    }
    .into_any()
}

/// Whether the venue's cameras really show the kitchen: online now, the 7-day online rate and
/// when a picture was last seen.
#[component]
fn HonestyBadge(honesty: StreamHonesty) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let h = honesty;
    let level = match h.online_rate_7d {
        None => "unknown",
        Some(r) if r >= ONLINE_RATE_TARGET => "good",
        Some(_) => "poor",
    };
    let rate = match h.online_rate_7d {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => tr.not_checked.to_string(),
    };
    let below = (level == "poor").then(|| view! { <span class="below-target">{tr.below_target}</span> });
    let last_seen = match h.last_seen_live.clone() {
        Some(at) => view! { <time datetime=at.clone()>{china_time(&at)}</time> }.into_any(),
        None => view! { <span>{tr.never_seen_live}</span> }.into_any(),
    };
    view! {
        <div class=format!("honesty honesty-{level}") data-online-now=h.online_now data-cameras=h.cameras
            data-rate=h.online_rate_7d.map(|r| format!("{r:.4}"))>
            <h3 class="honesty-title">{tr.honesty_title}</h3>
            <dl class="honesty-facts">
                <div><dt>{tr.online_now}</dt><dd class="online-now">{h.online_now} " / " {h.cameras}</dd></div>
                <div><dt>{tr.online_rate_7d}</dt><dd class="online-rate">{rate} " " {below}</dd></div>
                <div><dt>{tr.last_seen_live}</dt><dd class="last-seen">{last_seen}</dd></div>
            </dl>
            <p class="honesty-note">{tr.honesty_note}</p>
        </div>
    }
}

/// "2026-11-25T11:04:05+08:00" (the API gives China time) shown as "2026-11-25 11:04".
fn china_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}

#[component]
fn CamerasCard(cameras: Vec<CameraSummary>, honesty: StreamHonesty) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    // Public cameras play live above the list; the others are only named in it.
    let public: Vec<&CameraSummary> = cameras.iter().filter(|c| c.public).collect();
    let live = (!public.is_empty()).then(|| {
        view! {
            <div class="live-grid">
                {public.into_iter().map(|c| view! {
                    <LivePlayer camera=c.id name=c.name.clone() area=lang.kitchen_area(c.area)/>
                }).collect_view()}
            </div>
        }
    });
    view! {
        <section class="card cameras" aria-labelledby="cam-h">
            <h2 id="cam-h">{tr.cameras} " (" {cameras.len()} ")"</h2>
            {live}
            {(!cameras.is_empty()).then(|| view! { <HonestyBadge honesty/> })}
            <ul class="camera-list">
                {cameras.into_iter().map(|c| view! {
                    <li class="camera" data-camera-id=c.id.0>
                        <span class="camera-name">{c.name}</span>
                        <span class="camera-area">{lang.kitchen_area(c.area)}</span>
                        <span class="camera-visibility">{if c.public { tr.public_camera } else { tr.private_camera }}</span>
                        {c.health.filter(|h| h.is_problem()).map(|h| view! {
                            <span class=format!("camera-health camera-health-{}", h.code())>{lang.picture_health(h)}</span>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn InspectionsCard(inspections: Vec<Inspection>) -> impl IntoView {
    let tr = use_lang().tr();
    view! {
        <section class="card inspections" aria-labelledby="insp-h">
            <h2 id="insp-h">{tr.inspections}</h2>
            {if inspections.is_empty() {
                view! { <p>{tr.no_inspections}</p> }.into_any()
            } else {
                view! {
                    <ol class="inspection-list">
                        {inspections.into_iter().map(|i| view! { <InspectionItem inspection=i/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn LicenceCard(licence: Option<Licence>) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let Some(l) = licence else {
        return view! {
            <section class="card licence"><h2>{tr.licence}</h2><p>{tr.no_licence}</p></section>
        }
        .into_any();
    };
    view! {
        <section class="card licence" aria-labelledby="lic-h">
            <h2 id="lic-h">{tr.licence}</h2>
            <dl class="facts">
                <dt>{tr.licence_number}</dt><dd class="licence-number">{l.number}</dd>
                <dt>{tr.licence_holder}</dt><dd>{l.holder}</dd>
                <dt>{tr.legal_representative}</dt><dd>{l.legal_representative}</dd>
                <dt>{tr.premises}</dt><dd>{l.premises}</dd>
                <dt>{tr.business_items}</dt><dd>{l.business_items}</dd>
                <dt>{tr.issued_on}</dt><dd>{l.issued_on}</dd>
                <dt>{tr.valid_until}</dt>
                <dd>
                    {l.valid_until} " "
                    <span class=format!("validity validity-{:?}", l.validity).to_lowercase()>{lang.licence_validity(l.validity)}</span>
                </dd>
                <dt>{tr.issuing_authority}</dt><dd>{l.authority}</dd>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn InspectionItem(inspection: Inspection) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let i = inspection;
    view! {
        <li class="inspection">
            <div class="inspection-head">
                <time datetime=i.date.clone()>{i.date.clone()}</time>
                <span class="inspection-kind">{lang.inspection_kind(i.kind)}</span>
                <GradeFace grade=i.dynamic_grade/>
            </div>
            <p class="inspection-office">{i.office}</p>
            {if i.findings.is_empty() {
                view! { <p class="no-findings">{tr.no_findings}</p> }.into_any()
            } else {
                view! {
                    <ul class="findings">
                        {i.findings.into_iter().map(|f| view! {
                            <li class=format!("finding severity-{}", f.severity.code())>
                                <span class="finding-severity">{lang.severity(f.severity)}</span>
                                <span class="finding-item">{f.item}</span>
                                <span class="finding-points">{points_text(lang, f.points)}</span>
                                <p class="finding-remark">{f.remark}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!i.replies.is_empty()).then(|| view! {
                <div class="replies">
                    {i.replies.into_iter().map(|r| view! {
                        <blockquote class="venue-reply">
                            <p class="reply-head">
                                <strong>{tr.venue_reply}</strong>
                                {r.finding.map(|f| view! { " · " <span class="reply-finding">{f}</span> })}
                                " · " <time datetime=r.published_on.clone()>{r.published_on.clone()}</time>
                            </p>
                            <p class="reply-body">{r.body}</p>
                        </blockquote>
                    }).collect_view()}
                </div>
            })}
        </li>
    }
}

/// Deducted points: "扣4分" / "−4 points".
fn points_text(lang: crate::i18n::Lang, points: u32) -> String {
    match lang {
        crate::i18n::Lang::Zh => format!("扣{points}分"),
        crate::i18n::Lang::En => format!("−{points} points"),
    }
}

/// Complaining about the venue: the form, folded away until opened (a native `<details>`,
/// so it opens without JavaScript too).
#[component]
fn ComplaintCard(venue: VenueId) -> impl IntoView {
    let lang = use_lang();
    let (title, lead) = match lang {
        crate::i18n::Lang::Zh => ("投诉这家单位", "发现食品安全问题？在这里投诉，凭编号查询处理进度。"),
        crate::i18n::Lang::En => {
            ("Complain about this venue", "Seen a food-safety problem? Complain here and follow it by its reference.")
        }
    };
    view! {
        <section class="card complaint-card" id="complain" aria-labelledby="complain-h">
            <details>
                <summary><h2 id="complain-h">{title}</h2></summary>
                <p>{lead}</p>
                <crate::pages::VenueComplaintForm venue/>
            </details>
        </section>
    }
}

/// "Was this page useful?": two buttons of a plain form (no JavaScript); answered, thanks.
/// The programme's key figures count the answers.
#[component]
fn UsefulCard(venue: VenueId) -> impl IntoView {
    let lang = use_lang();
    let answered = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("useful")).is_some();
    let (question, yes, no, thanks) = match lang {
        crate::i18n::Lang::Zh => ("这个页面对您有用吗？", "有用", "没用", "谢谢您的反馈。"),
        crate::i18n::Lang::En => ("Was this page useful?", "Yes", "No", "Thank you for telling us."),
    };
    view! {
        <section class="card useful-card" id="useful" aria-label=question>
            {if answered {
                view! { <p class="success" role="status">{thanks}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=format!("/venues/{}/useful", venue.0) class="useful-form">
                        <span>{question}</span>
                        <button type="submit" name="useful" value="yes">{yes}</button>
                        <button type="submit" name="useful" value="no">{no}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
