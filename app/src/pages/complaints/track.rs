//! `/complaints/:reference`: a complaint's public page. Its status, the 12315 deadline, its
//! public updates and photos; never the complainant's contact details.

use super::t;
use crate::api::{category_name, get_complaint, status_name, PublicComplaint};
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let just_made = move || query.with(|q| q.get("new").is_some());
    let complaint = Resource::new(move || params.with(|p| p.get("reference").unwrap_or_default()), get_complaint);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t(lang, "加载中…", "Loading…")}</p> }>
            {move || complaint.get().map(|r| match r {
                Ok(c) => view! { <ComplaintView c just_made=just_made()/> }.into_any(),
                Err(AppError::NotFound) => {
                    crate::pages::set_not_found_status();
                    view! {
                        <Title text=t(lang, "找不到投诉", "Complaint not found")/>
                        <article class="card not-found">
                            <h1>{t(lang, "找不到这个投诉编号", "No complaint with this reference")}</h1>
                            <p>{t(lang, "请核对编号（格式：MC-XXXX-XXXX-XXXX）。", "Check the reference (it looks like MC-XXXX-XXXX-XXXX).")}</p>
                            <a href="/complaints">{t(lang, "重新查询", "Look up another")}</a>
                        </article>
                    }.into_any()
                }
                Err(AppError::RateLimited { minutes }) => view! {
                    <p class="error" role="alert">{match lang {
                        Lang::Zh => format!("查询过于频繁，请 {minutes} 分钟后再试。"),
                        Lang::En => format!("Too many look-ups from your network; please try again in {minutes} minutes."),
                    }}</p>
                }.into_any(),
                Err(_) => view! { <p class="error" role="alert">{t(lang, "暂时无法加载，请稍后重试。", "Unavailable just now; please try again later.")}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// "2026-11-25T11:04:05+08:00" as "2026-11-25 11:04".
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|s| s.replace('T', " ")).unwrap_or_else(|| rfc3339.to_string())
}

#[component]
fn ComplaintView(c: PublicComplaint, just_made: bool) -> impl IntoView {
    let lang = use_lang();
    let expected = c.expected().map(str::to_string);
    let due_label = match c.status {
        crate::domain::ComplaintStatus::Submitted => t(lang, "受理决定期限", "Acceptance decided by"),
        _ => t(lang, "调解期限", "Mediation ends by"),
    };
    let reference = c.reference.clone();
    view! {
        <Title text=format!("{} {}", t(lang, "投诉", "Complaint"), c.reference)/>
        <article class="complaint" data-reference=c.reference.clone() data-status=c.status.code()>
            {just_made.then(|| view! {
                <div class="card success" role="status">
                    <p><strong>{t(lang, "投诉已提交并保存。", "Your complaint is submitted and stored.")}</strong></p>
                    <p>
                        {t(lang, "投诉编号：", "Reference: ")} <strong class="reference">{reference.clone()}</strong>
                    </p>
                    <p>{t(lang, "请记下编号或收藏本页，以便查询处理进度。", "Note the reference or bookmark this page to follow your complaint.")}</p>
                </div>
            })}
            <header class="card complaint-header">
                <h1>{t(lang, "投诉 ", "Complaint ")} <span class="reference">{c.reference.clone()}</span></h1>
                <p class="complaint-status">
                    <span class=format!("status complaint-status-{}", c.status.code())>{status_name(c.status, lang)}</span>
                </p>
                <dl class="facts">
                    <dt>{t(lang, "投诉对象", "Venue")}</dt>
                    <dd><a href=format!("/venues/{}", c.venue.0)>{c.venue_name.clone()}</a></dd>
                    <dt>{t(lang, "类别", "Category")}</dt><dd>{category_name(c.category, lang)}</dd>
                    <dt>{t(lang, "提交时间", "Submitted")}</dt><dd><time datetime=c.submitted_at.clone()>{short_time(&c.submitted_at)}</time></dd>
                    {c.occurred_at.clone().map(|o| view! { <dt>{t(lang, "发生时间", "Happened")}</dt><dd>{o.replace('T', " ")}</dd> })}
                    {c.camera_name.clone().map(|n| view! {
                        <dt>{t(lang, "摄像头", "Camera")}</dt>
                        <dd>{n} {c.camera_time.clone().map(|t| format!(" · {}", t.replace('T', " ")))}</dd>
                    })}
                    {c.shown_name.clone().map(|n| view! { <dt>{t(lang, "投诉人", "By")}</dt><dd>{n}</dd> })}
                    {expected.map(|d| view! { <dt>{due_label}</dt><dd class="due"><time datetime=d.clone()>{d.clone()}</time></dd> })}
                </dl>
            </header>
            <section class="card">
                <h2>{t(lang, "情况描述", "What happened")}</h2>
                <p class="complaint-text">{c.description.clone()}</p>
                {(!c.photos.is_empty()).then(|| view! {
                    <ul class="complaint-photos">
                        {c.photos.iter().enumerate().map(|(i, url)| view! {
                            <li><a href=url.clone()><img src=url.clone() loading="lazy" alt=format!("{} {}", t(lang, "照片", "Photo"), i + 1)/></a></li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
            <section class="card">
                <h2>{t(lang, "处理进度", "Progress")}</h2>
                <ol class="complaint-updates">
                    {c.updates.iter().rev().map(|u| view! {
                        <li data-status=u.status.code()>
                            <time datetime=u.at.clone()>{short_time(&u.at)}</time> " "
                            <strong>{status_name(u.status, lang)}</strong>
                            {(!u.note.is_empty()).then(|| view! { <p class="note">{u.note.clone()}</p> })}
                            {u.duplicate_of.clone().map(|d| view! {
                                <p class="note">{t(lang, "与以下投诉重复：", "Duplicate of ")} <a href=format!("/complaints/{d}")>{d.clone()}</a></p>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
                <p class="hint">{rules(lang)}</p>
            </section>
        </article>
    }
}

fn rules(lang: Lang) -> &'static str {
    t(
        lang,
        "依据《市场监督管理投诉举报处理暂行办法》：市场监督管理部门应当自收到投诉之日起7个工作日内作出受理或者不予受理的决定；受理后调解一般在45个工作日内终结。",
        "Under the market-supervision complaint rules, the regulator decides within 7 working days of receipt whether to accept a complaint; mediation after acceptance ends within 45 working days.",
    )
}
