//! `/console/disputes`: disputes (异议). A venue's operator contests a confirmed capture or a
//! violation within the period, with a note and photos; an inspector covering the venue, not
//! the one who made the finding, upholds or overturns it with a reason. Until then the public
//! timeline shows the finding as disputed; overturned, it leaves the timeline.

use super::{category_text, shown, ConsoleNav, CsrfField};
use crate::api::{get_dispute, get_dispute_form, get_disputes, DisputeEcho, DisputeForm, DisputeView};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn outcome_name(lang: Lang, outcome: Option<&str>) -> &'static str {
    match outcome {
        Some("upheld") => t(lang, "维持原认定", "Upheld"),
        Some("overturned") => t(lang, "撤销原认定", "Overturned"),
        _ => t(lang, "待处理", "Waiting"),
    }
}

fn problem_view(lang: Lang, err: crate::error::AppError) -> AnyView {
    use crate::error::AppError;
    let text = match err {
        AppError::NotFound => t(lang, "没有这项内容。", "There is no such thing."),
        AppError::Forbidden(_) => t(lang, "这不在您的权限范围内。", "This is outside what you may do."),
        _ => t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly."),
    };
    view! { <p class="error" role="alert">{text}</p> }.into_any()
}

#[component]
pub fn DisputeListPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new_blocking(|| (), |_| get_disputes());
    view! {
        <Title text=t(lang, "异议", "Disputes")/>
        <article class="console">
            <ConsoleNav current="disputes"/>
            <h1>{t(lang, "异议", "Disputes")}</h1>
            <p>{t(lang, "单位对已确认的问题有异议的，可在确认后15日内提出；由确认人以外的监管人员复核。", "A venue may dispute a confirmed finding within 15 days; an inspector other than the one who confirmed it decides.")}</p>
            <Suspense fallback=|| ()>
                {move || list.get().map(|list| match list {
                    Ok(items) if items.is_empty() => view! { <p class="desk-empty">{t(lang, "没有异议。", "No disputes.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <table class="console-sessions">
                            <thead><tr>
                                <th scope="col">{t(lang, "单位", "Venue")}</th>
                                <th scope="col">{t(lang, "问题", "Finding")}</th>
                                <th scope="col">{t(lang, "提出时间", "Raised")}</th>
                                <th scope="col">{t(lang, "结果", "Outcome")}</th>
                            </tr></thead>
                            <tbody>
                                {items.into_iter().map(|d| view! {
                                    <tr data-dispute=d.id>
                                        <td><a href=format!("/console/disputes/{}", d.id)>{d.venue.clone()}</a></td>
                                        <td>{category_text(lang, &d.category)}</td>
                                        <td>{shown(&d.raised_at)}</td>
                                        <td>{outcome_name(lang, d.outcome.as_deref())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

/// `/console/disputes/new?violation=V` or `?capture=C`.
#[component]
pub fn NewDisputePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let subject = query.with_untracked(|q| {
        ["violation", "capture"]
            .into_iter()
            .find_map(|k| q.get(k).and_then(|v| v.parse::<i64>().ok()).map(|id| (k.to_string(), id)))
    });
    let (kind, id) = subject.unwrap_or_default();
    let form = Resource::new_blocking(move || (kind.clone(), id), |(kind, id)| get_dispute_form(kind, id));
    view! {
        <Title text=t(lang, "提出异议", "Dispute a finding")/>
        <article class="console">
            <ConsoleNav current="disputes"/>
            <h1>{t(lang, "提出异议", "Dispute a finding")}</h1>
            <Suspense fallback=|| ()>
                {move || form.get().map(|form| match form {
                    Ok(form) => view! { <RaiseForm form lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn RaiseForm(form: DisputeForm, lang: Lang) -> impl IntoView {
    let echo = use_context::<DisputeEcho>().unwrap_or_default();
    view! {
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <dl class="desk-facts">
            <dt>{t(lang, "单位", "Venue")}</dt><dd>{form.venue.clone()}</dd>
            <dt>{t(lang, "问题", "Finding")}</dt><dd>{category_text(lang, &form.category)}</dd>
            <dt>{t(lang, "时间", "When")}</dt><dd>{shown(&form.observed_at)}</dd>
            <dt>{t(lang, "可提出至", "May be disputed until")}</dt><dd>{form.until.clone()}</dd>
        </dl>
        <form class="account-form" method="post" action="/console/disputes/new" enctype="multipart/form-data">
            <CsrfField/>
            <input type="hidden" name="kind" value=form.subject.0.clone()/>
            <input type="hidden" name="id" value=form.subject.1/>
            <label for="dp-note">{t(lang, "异议理由", "Why the finding is wrong")}</label>
            <textarea id="dp-note" name="note" rows="4" maxlength="2000" required>{echo.note.clone()}</textarea>
            <label for="dp-photos">{t(lang, "照片（最多5张）", "Photos (up to 5)")}</label>
            <input id="dp-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple=true/>
            <button class="primary" type="submit">{t(lang, "提交异议", "Send the dispute")}</button>
        </form>
    }
}

#[component]
pub fn DisputeCasePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let case = Resource::new_blocking(move || id, get_dispute);
    view! {
        <Title text=t(lang, "异议", "Dispute")/>
        <article class="console">
            <ConsoleNav current="disputes"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "已保存。", "Saved.")}</p> })}
            <Suspense fallback=|| ()>
                {move || case.get().map(|case| match case {
                    Ok(d) => view! { <Case d lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Case(d: DisputeView, lang: Lang) -> impl IntoView {
    let echo = use_context::<DisputeEcho>().unwrap_or_default();
    view! {
        <h1>{t(lang, "异议 #", "Dispute #")}{d.id}</h1>
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <section class="card">
            <dl class="desk-facts">
                <dt>{t(lang, "单位", "Venue")}</dt><dd>{d.venue.clone()}</dd>
                <dt>{t(lang, "问题", "Finding")}</dt><dd>{category_text(lang, &d.category)}" · "{shown(&d.observed_at)}</dd>
                <dt>{t(lang, "提出", "Raised")}</dt><dd>{d.raised_by.clone().unwrap_or_default()}" · "{shown(&d.raised_at)}</dd>
                <dt>{t(lang, "结果", "Outcome")}</dt><dd data-outcome=d.outcome.clone().unwrap_or_default()>{outcome_name(lang, d.outcome.as_deref())}</dd>
                {d.reason.clone().map(|r| view! { <dt>{t(lang, "理由", "Reason")}</dt><dd>{r}</dd> })}
                {d.decided_by.clone().map(|b| view! { <dt>{t(lang, "处理人", "Decided by")}</dt><dd>{b}" · "{d.decided_at.as_deref().map(shown).unwrap_or_default()}</dd> })}
            </dl>
            <p class="complaint-text">{d.note.clone()}</p>
            {d.snapshot.clone().map(|src| view! { <img src=src alt=t(lang, "抓拍图片", "The capture") width="320" height="180" loading="lazy"/> })}
            {(!d.photos.is_empty()).then(|| view! {
                <ul class="complaint-photos">
                    {d.photos.iter().map(|url| view! { <li><a href=url.clone()><img src=url.clone() alt=t(lang, "异议照片", "Photo") width="160" height="120" loading="lazy"/></a></li> }).collect_view()}
                </ul>
            })}
        </section>
        {d.may_decide.then(|| view! {
            <section class="card">
                <h2>{t(lang, "复核", "Decide")}</h2>
                <form class="account-form" method="post" action=format!("/console/disputes/{}/decide", d.id)>
                    <CsrfField/>
                    <label for="dd-reason">{t(lang, "处理理由", "Reason")}</label>
                    <textarea id="dd-reason" name="reason" rows="3" maxlength="2000" required>{echo.note.clone()}</textarea>
                    <div class="desk-decide">
                        <button class="primary" type="submit" name="outcome" value="upheld">{t(lang, "维持原认定", "Uphold")}</button>
                        <button type="submit" name="outcome" value="overturned">{t(lang, "撤销原认定", "Overturn")}</button>
                    </div>
                </form>
            </section>
        })}
    }
}
