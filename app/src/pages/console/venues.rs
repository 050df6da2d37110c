//! `/console/venues`: the venues someone covers, with their cameras' online rate against the
//! contract's 95 %; one venue with its status and history, its cameras' health, and (for
//! those allowed) a status change with its reason and effective date, making a camera private
//! or public, and the venue's replies to moderate. An operator sees their venues' cameras.

use super::{ConsoleNav, CsrfField};
use crate::api::{get_venue_desk, get_venue_list, VenueDesk, VenueEcho, VenueListRow};
use crate::domain::VenueStatus;
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_name(lang: Lang, s: VenueStatus) -> &'static str {
    match s {
        VenueStatus::Operating => t(lang, "营业中", "Operating"),
        VenueStatus::Suspended => t(lang, "停业整顿", "Suspended"),
        VenueStatus::Closed => t(lang, "已关闭", "Closed"),
        VenueStatus::Planned => t(lang, "待接入", "Planned"),
    }
}

fn health_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "ok" => t(lang, "画面正常", "Picture OK"),
        "offline" => t(lang, "离线", "Offline"),
        "dark" => t(lang, "画面过暗", "Too dark"),
        "covered" => t(lang, "镜头被遮挡", "Covered"),
        "frozen" => t(lang, "画面冻结", "Frozen"),
        "looped" => t(lang, "疑似循环录像", "Looped"),
        "blurred" => t(lang, "画面模糊", "Blurred"),
        "moved" => t(lang, "镜头被移动", "Moved"),
        _ => t(lang, "未知", "Unknown"),
    }
}

fn rate_text(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "–".into())
}

fn below_target(rate: Option<f64>) -> bool {
    rate.is_some_and(|r| r < mingchu_domain::programme::ONLINE_RATE_TARGET)
}

#[component]
pub fn VenueListPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new_blocking(|| (), |_| get_venue_list());
    view! {
        <Title text=t(lang, "单位", "Venues")/>
        <article class="console">
            <ConsoleNav current="venues"/>
            <h1>{t(lang, "单位与摄像头", "Venues and cameras")}</h1>
            <p>{t(lang, "近7日在线率（合同要求不低于95%）。", "Online rate over the last 7 days (the contract asks at least 95%).")}</p>
            <Suspense fallback=|| ()>
                {move || list.get().map(|list| match list {
                    Ok(rows) => view! { <VenueTable rows lang/> }.into_any(),
                    Err(_) => view! { <p class="error" role="alert">{t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly.")}</p> }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn VenueTable(rows: Vec<VenueListRow>, lang: Lang) -> impl IntoView {
    view! {
        <table class="console-sessions">
            <thead><tr>
                <th scope="col">{t(lang, "单位", "Venue")}</th>
                <th scope="col">{t(lang, "状态", "Status")}</th>
                <th scope="col">{t(lang, "摄像头", "Cameras")}</th>
                <th scope="col">{t(lang, "近7日在线率", "Online, 7 days")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|v| view! {
                    <tr data-venue=v.id class:overdue=below_target(v.rate)>
                        <td><a href=format!("/console/venues/{}", v.id)>{v.name.clone()}</a></td>
                        <td>{status_name(lang, v.status)}</td>
                        <td>{v.cameras}</td>
                        <td>{rate_text(v.rate)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn VenueDeskPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let desk = Resource::new_blocking(move || id, get_venue_desk);
    view! {
        <Title text=t(lang, "单位", "Venue")/>
        <article class="console">
            <ConsoleNav current="venues"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "已保存。", "Saved.")}</p> })}
            <Suspense fallback=|| ()>
                {move || desk.get().map(|desk| match desk {
                    Ok(desk) => view! { <Desk desk lang/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => view! { <p class="error" role="alert">{t(lang, "没有这个单位。", "There is no such venue.")}</p> }.into_any(),
                    Err(crate::error::AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert">{t(lang, "这个单位不在您的管辖范围内。", "This venue is outside what you cover.")}</p>
                    }.into_any(),
                    Err(_) => view! { <p class="error" role="alert">{t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly.")}</p> }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Desk(desk: VenueDesk, lang: Lang) -> impl IntoView {
    let echo = use_context::<VenueEcho>().unwrap_or_default();
    let id = desk.id;
    let statuses: Vec<VenueStatus> = VenueStatus::ALL.iter().copied().filter(|s| *s != desk.status).collect();
    view! {
        <h1>{desk.name.clone()}</h1>
        <p>{desk.address.clone()}" · "<a href=format!("/venues/{id}")>{t(lang, "公开页面", "Public page")}</a>
            {desk.may_enforce.then(|| view! {
                " · "<a href=format!("/console/orders/new?venue={id}")>{t(lang, "下达整改通知", "Issue a rectification order")}</a>
            })}</p>
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        {echo.issued.clone().map(|url| view! {
            <p class="success" role="status">{t(lang, "屏幕已登记。在屏幕的浏览器中打开此地址（只显示这一次）：", "The screen is registered. Open this address in the screen's browser (shown this once): ")}
                <code class="screen-url">{url}</code></p>
        })}
        {desk.risk.clone().map(|risk| view! { <super::RiskCard risk lang/> })}
        <section class="card">
            <h2>{t(lang, "经营状态", "Trading status")}</h2>
            <p data-venue-status=desk.status.code()><strong>{status_name(lang, desk.status)}</strong></p>
            <ol class="complaint-updates">
                {desk.history.iter().map(|h| view! {
                    <li>{status_name(lang, h.status)}" · "{h.since.clone()}
                        {h.reason.clone().map(|r| view! { " · "{r} })}
                    </li>
                }).collect_view()}
            </ol>
            {desk.may_change_status.then(|| view! {
                <form class="account-form" method="post" action=format!("/console/venues/{id}/status")>
                    <CsrfField/>
                    <label for="vs-status">{t(lang, "改为", "Change to")}</label>
                    <select id="vs-status" name="status">
                        {statuses.iter().map(|s| view! { <option value=s.code()>{status_name(lang, *s)}</option> }).collect_view()}
                    </select>
                    <label for="vs-since">{t(lang, "生效日期（可早于今天，如停业后才发现）", "Effective from (may be earlier than today, e.g. a closure found late)")}</label>
                    <input id="vs-since" name="since" type="date" required max=desk.today.clone() value=desk.today.clone()/>
                    <label for="vs-reason">{t(lang, "原因", "Reason")}</label>
                    <textarea id="vs-reason" name="reason" rows="2" maxlength="500" required>{echo.reason.clone()}</textarea>
                    <button class="primary" type="submit">{t(lang, "保存状态", "Save the status")}</button>
                </form>
            })}
        </section>
        <section class="card">
            <h2>{t(lang, "摄像头", "Cameras")}</h2>
            <table class="console-sessions">
                <thead><tr>
                    <th scope="col">{t(lang, "名称", "Name")}</th>
                    <th scope="col">{t(lang, "连接", "Connection")}</th>
                    <th scope="col">{t(lang, "画面", "Picture")}</th>
                    <th scope="col">{t(lang, "近7日在线率", "Online, 7 days")}</th>
                    <th scope="col">{t(lang, "公开", "Public")}</th>
                    <th scope="col">{t(lang, "录像", "Recording")}</th>
                </tr></thead>
                <tbody>
                    {desk.cameras.iter().map(|c| {
                        let toggle = desk.may_manage_cameras.then(|| view! {
                            <form method="post" action=format!("/console/cameras/{}/visibility", c.id)>
                                <CsrfField/>
                                <input type="hidden" name="public" value=if c.public { "0" } else { "1" }/>
                                <button type="submit">{if c.public { t(lang, "设为不公开", "Make private") } else { t(lang, "设为公开", "Make public") }}</button>
                            </form>
                            <form method="post" action=format!("/console/cameras/{}/always-on", c.id)>
                                <CsrfField/>
                                <input type="hidden" name="on" value=if c.always_on { "0" } else { "1" }/>
                                <button type="submit">{if c.always_on { t(lang, "改为按需连接", "Connect on demand") } else { t(lang, "改为常连", "Keep connected") }}</button>
                            </form>
                        });
                        view! {
                            <tr data-camera=c.id class:overdue=below_target(c.rate)>
                                <td>{c.name.clone()}{c.always_on.then(|| t(lang, "（常连）", " (always on)"))}</td>
                                <td>{c.connection.clone().map(|(state, since)| format!("{state} · {}", since.get(..16).unwrap_or(&since).replace('T', " ")))}</td>
                                <td>{c.health.as_deref().map(|h| health_name(lang, h))}</td>
                                <td>{rate_text(c.rate)}</td>
                                <td>{if c.public { t(lang, "公开", "Public") } else { t(lang, "不公开", "Private") }}{toggle}</td>
                                <td><RecordingCell camera=c.id recording=c.recording.clone() may_view=desk.may_view_recordings
                                    may_manage=desk.may_manage_recording lang/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {desk.may_manage_cameras.then(|| view! {
                <details class="add-camera">
                    <summary>{t(lang, "添加摄像头", "Add a camera")}</summary>
                    <form class="account-form" method="post" action=format!("/console/venues/{id}/cameras")>
                        <CsrfField/>
                        <label for="ac-name">{t(lang, "名称", "Name")}</label>
                        <input id="ac-name" name="name" required maxlength="40"/>
                        <label for="ac-area">{t(lang, "后厨区域", "Kitchen area")}</label>
                        <select id="ac-area" name="area">
                            {crate::domain::KitchenArea::ALL.iter().map(|a| view! { <option value=a.code()>{lang.kitchen_area(*a)}</option> }).collect_view()}
                        </select>
                        <label for="ac-url">{t(lang, "RTSP 地址（密码只存储、不显示）", "RTSP address (a password is stored, never shown)")}</label>
                        <input id="ac-url" name="url" required placeholder="rtsp://user:password@192.168.1.64:554/Streaming/Channels/101" autocomplete="off"/>
                        <label><input type="checkbox" name="public" value="1" checked/>" "{t(lang, "向公众直播", "Public live view")}</label>
                        <label><input type="checkbox" name="always_on" value="1"/>" "{t(lang, "常连（持续接入，用于分析与在线率）", "Keep connected (for analysis and the online rate)")}</label>
                        <button class="primary" type="submit">{t(lang, "添加", "Add")}</button>
                    </form>
                </details>
            })}
        </section>
        {(desk.may_reply && !desk.inspections.is_empty()).then(|| view! {
            <section class="card" id="reply">
                <h2>{t(lang, "回复检查结果", "Reply to an inspection")}</h2>
                <p>{t(lang, "回复经监管部门审核后在单位公开页面展示。", "A reply is shown on the venue's public page once the regulator has moderated it.")}</p>
                {desk.inspections.iter().map(|i| view! {
                    <form class="account-form" method="post" action=format!("/console/inspections/{}/replies", i.id) data-inspection=i.id>
                        <CsrfField/>
                        <label for=format!("rp-f-{}", i.id)>{t(lang, "检查日期 ", "Inspection of ")}{i.date.clone()}</label>
                        <select id=format!("rp-f-{}", i.id) name="finding">
                            <option value="">{t(lang, "整次检查", "The whole inspection")}</option>
                            {i.findings.iter().enumerate().map(|(n, item)| view! { <option value=(n + 1).to_string()>{item.clone()}</option> }).collect_view()}
                        </select>
                        <label for=format!("rp-b-{}", i.id)>{t(lang, "回复内容", "Your reply")}</label>
                        <textarea id=format!("rp-b-{}", i.id) name="body" rows="3" maxlength="2000" required></textarea>
                        <button class="primary" type="submit">{t(lang, "提交回复", "Send the reply")}</button>
                    </form>
                }).collect_view()}
            </section>
        })}
        <section class="card" id="screens">
            <h2>{t(lang, "餐厅展示屏", "Display screens")}</h2>
            <ul class="complaint-notes">
                {desk.screens.iter().map(|s| view! {
                    <li data-screen=s.id>
                        <strong>{s.name.clone()}</strong>" · "
                        {if s.online { t(lang, "在线", "online") } else { t(lang, "离线", "offline") }}
                        {s.low_bandwidth.then(|| t(lang, "（低带宽快照）", " (low-bandwidth snapshots)"))}
                        {s.last_heartbeat_at.clone().map(|at| format!(" · {}", at.get(..16).unwrap_or(&at).replace('T', " ")))}
                        {desk.may_manage_screens.then(|| view! {
                            <form method="post" action=format!("/console/screens/{}/revoke", s.id)>
                                <CsrfField/>
                                <button type="submit">{t(lang, "停用", "Revoke")}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            {desk.may_manage_screens.then(|| view! {
                <form class="desk-filters" method="post" action=format!("/console/venues/{id}/screens")>
                    <CsrfField/>
                    <label for="sc-name">{t(lang, "屏幕名称", "Screen name")}</label>
                    <input id="sc-name" name="name" maxlength="40"/>
                    <label><input type="checkbox" name="low_bandwidth" value="1"/>" "{t(lang, "低带宽（快照）", "Low bandwidth (snapshots)")}</label>
                    <button type="submit">{t(lang, "登记屏幕", "Register a screen")}</button>
                </form>
            })}
        </section>
        {(desk.may_moderate && !desk.replies.is_empty()).then(|| view! {
            <section class="card" id="replies">
                <h2>{t(lang, "待审核的单位回复", "Replies waiting for moderation")}</h2>
                <ol class="complaint-notes">
                    {desk.replies.iter().map(|r| view! {
                        <li data-reply=r.id>
                            <small>{t(lang, "检查日期：", "Inspection of ")}{r.inspected_on.clone()}{r.finding.clone().map(|f| format!(" · {f}"))}</small>
                            <p>{r.body.clone()}</p>
                            <form class="desk-decide" method="post" action=format!("/console/replies/{}/moderate", r.id)>
                                <CsrfField/>
                                <button class="primary" type="submit" name="decision" value="publish">{t(lang, "发布", "Publish")}</button>
                                <label class="visually-hidden" for=format!("rn-{}", r.id)>{t(lang, "不发布的理由", "Why not published")}</label>
                                <input id=format!("rn-{}", r.id) name="note" placeholder=t(lang, "不发布的理由", "Why not published")/>
                                <button type="submit" name="decision" value="reject">{t(lang, "不发布", "Reject")}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}

fn recording_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "continuous" => t(lang, "连续录像", "Continuous"),
        "events" => t(lang, "按事件录像", "On events"),
        _ => t(lang, "不录像", "Off"),
    }
}

/// A camera's recording: what and how long, the way to its recorded video, and for whoever
/// may set it, the form.
#[component]
fn RecordingCell(camera: i64, recording: (String, u32), may_view: bool, may_manage: bool, lang: Lang) -> impl IntoView {
    let (policy, days) = recording;
    let shown = match lang {
        Lang::Zh => format!("{}，保存 {days} 天", recording_name(lang, &policy)),
        Lang::En => format!("{}, kept {days} days", recording_name(lang, &policy)),
    };
    view! {
        <span class="camera-recording">{shown}</span>
        {may_view.then(|| view! {
            " · "<a href=format!("/console/cameras/{camera}/timeline")>{t(lang, "录像回放", "Recorded video")}</a>
        })}
        {may_manage.then(|| view! {
            <form method="post" action=format!("/console/cameras/{camera}/recording") class="recording-form">
                <CsrfField/>
                <label for=format!("rec-{camera}")>{t(lang, "录像方式", "Record")}</label>
                <select id=format!("rec-{camera}") name="policy">
                    {["continuous", "events", "off"].into_iter().map(|code| view! {
                        <option value=code selected=code == policy>{recording_name(lang, code)}</option>
                    }).collect_view()}
                </select>
                <label for=format!("rec-days-{camera}")>{t(lang, "保存天数", "Days kept")}</label>
                <input id=format!("rec-days-{camera}") name="retention_days" type="number" min="1" max="365" required
                    value=days.to_string()/>
                <button type="submit">{t(lang, "保存录像设置", "Save")}</button>
            </form>
        })}
    }
}
