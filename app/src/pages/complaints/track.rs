//! `/complaints/:reference`: a complaint's public page. Its status, the 12315 deadline, its
//! public updates and photos; never the complainant's contact details.

use super::t;
use crate::api::{category_name, get_complaint, status_name, FeedbackEcho, PublicComplaint};
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
            <Feedback c=c.clone() lang/>
        </article>
    }
}

fn feedback_problem(lang: Lang, code: &str) -> &'static str {
    match code {
        "not_closed" => t(lang, "投诉办结后才能评价。", "A complaint can be rated once it is closed."),
        "answered" => t(lang, "这件投诉已经评价过了。", "This complaint has been rated already."),
        "score" => t(lang, "请选择满意度（1–5）。", "Choose how satisfied you are (1–5)."),
        "resolved" => t(lang, "请选择问题是否已解决。", "Say whether the problem was resolved."),
        "too_long" => t(lang, "补充意见最多500字。", "A comment may have at most 500 characters."),
        _ => t(lang, "评价未能保存，请重试。", "The answer was not saved; try again."),
    }
}

/// Once the complaint is closed: was it resolved, and how satisfied is the complainant (1–5).
#[component]
fn Feedback(c: PublicComplaint, lang: Lang) -> impl IntoView {
    let echo = use_context::<FeedbackEcho>().unwrap_or_default();
    let rated = use_query_map().with_untracked(|q| q.get("rated").is_some());
    if let Some(f) = &c.feedback {
        return view! {
            <section class="card" id="feedback" data-feedback=f.satisfaction data-resolved=f.resolved.to_string()>
                <h2>{t(lang, "您的评价", "Your answer")}</h2>
                {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{feedback_problem(lang, &echo.problem)}</p> })}
                {rated.then(|| view! { <p role="status">{t(lang, "谢谢，评价已保存。", "Thank you, your answer is saved.")}</p> })}
                <p>
                    {if f.resolved { t(lang, "问题已解决", "The problem was resolved") } else { t(lang, "问题未解决", "The problem was not resolved") }}
                    " · " {t(lang, "满意度 ", "Satisfaction ")} {f.satisfaction} "/5"
                </p>
            </section>
        }
        .into_any();
    }
    if !c.asks_feedback {
        return (!echo.problem.is_empty())
            .then(|| view! { <p class="error" id="feedback" role="alert">{feedback_problem(lang, &echo.problem)}</p> })
            .into_any();
    }
    let scores = [
        (1, t(lang, "很不满意", "Very dissatisfied")),
        (2, t(lang, "不满意", "Dissatisfied")),
        (3, t(lang, "一般", "Neither")),
        (4, t(lang, "满意", "Satisfied")),
        (5, t(lang, "很满意", "Very satisfied")),
    ];
    view! {
        <section class="card" id="feedback">
            <h2>{t(lang, "请评价处理结果", "How was your complaint handled?")}</h2>
            {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{feedback_problem(lang, &echo.problem)}</p> })}
            <form class="feedback-form" method="post" action=format!("/complaints/{}/feedback", c.reference)>
                <fieldset>
                    <legend>{t(lang, "问题是否已解决？", "Was the problem resolved?")}</legend>
                    <label><input type="radio" name="resolved" value="yes" required/>{t(lang, "已解决", "Yes")}</label>
                    <label><input type="radio" name="resolved" value="no"/>{t(lang, "未解决", "No")}</label>
                </fieldset>
                <fieldset>
                    <legend>{t(lang, "满意度", "How satisfied are you?")}</legend>
                    {scores.into_iter().map(|(n, name)| view! {
                        <label><input type="radio" name="satisfaction" value=n required={n == 1}/>{format!("{n} ")}{name}</label>
                    }).collect_view()}
                </fieldset>
                <label for="fb-comment">{t(lang, "补充意见（选填）", "Anything to add (optional)")}</label>
                <textarea id="fb-comment" name="comment" rows="3" maxlength="500"></textarea>
                <button class="primary" type="submit">{t(lang, "提交评价", "Send")}</button>
            </form>
        </section>
    }
    .into_any()
}

fn rules(lang: Lang) -> &'static str {
    t(
        lang,
        "依据《市场监督管理投诉举报处理暂行办法》：市场监督管理部门应当自收到投诉之日起7个工作日内作出受理或者不予受理的决定；受理后调解一般在45个工作日内终结。",
        "Under the market-supervision complaint rules, the regulator decides within 7 working days of receipt whether to accept a complaint; mediation after acceptance ends within 45 working days.",
    )
}
