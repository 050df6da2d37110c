//! `/console/complaints`: the complaint desk. The list of complaints someone covers, with the
//! 12315 deadline in working days; and one complaint: accept or reject with a reason, move it
//! on, mark it a duplicate, close it, assign it to an inspector whose office covers the venue,
//! public progress notes and private notes. Updates reach the public tracking page and Open311.
//! A venue's operator sees the complaints about their venues without who made them.

use super::{shown, ConsoleNav, CsrfField};
use crate::api::{
    category_name, get_complaint_case, get_complaint_list, status_name, CaseEcho, ComplaintCase, ComplaintList,
};
use crate::domain::ComplaintStatus;
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// "3 working days left", "due today", "2 working days overdue".
fn due_text(lang: Lang, due: &str, days: Option<i64>) -> String {
    match (lang, days) {
        (Lang::Zh, Some(0)) => format!("{due}（今天到期）"),
        (Lang::Zh, Some(n)) if n > 0 => format!("{due}（剩{n}个工作日）"),
        (Lang::Zh, Some(n)) => format!("{due}（已超期{}个工作日）", -n),
        (Lang::En, Some(0)) => format!("{due} (due today)"),
        (Lang::En, Some(n)) if n > 0 => format!("{due} ({n} working days left)"),
        (Lang::En, Some(n)) => format!("{due} ({} working days overdue)", -n),
        (_, None) => due.to_string(),
    }
}

#[component]
pub fn ComplaintDeskPage() -> impl IntoView {
    let lang = use_lang();
    let view_code = use_query_map().with_untracked(|q| q.get("view")).unwrap_or_else(|| "open".into());
    let list = Resource::new_blocking(move || view_code.clone(), get_complaint_list);
    view! {
        <Title text=t(lang, "投诉处理", "Complaints")/>
        <article class="console">
            <ConsoleNav current="complaints"/>
            <h1>{t(lang, "投诉处理", "Complaints")}</h1>
            <Suspense fallback=|| ()>
                {move || list.get().map(|list| match list {
                    Ok(list) => view! { <ComplaintTable list lang/> }.into_any(),
                    Err(crate::error::AppError::BadRequest(why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法读取投诉，请稍后再试。", "The complaints cannot be read just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn ComplaintTable(list: ComplaintList, lang: Lang) -> impl IntoView {
    let tabs = [
        ("open", t(lang, "处理中", "Open")),
        ("mine", t(lang, "分配给我", "Assigned to me")),
        ("closed", t(lang, "已办结", "Closed")),
    ];
    let empty = list.items.is_empty();
    view! {
        <nav class="desk-tabs" aria-label=t(lang, "投诉范围", "Which complaints")><ul>
            {tabs.into_iter().map(|(code, label)| view! {
                <li><a href=format!("/console/complaints?view={code}") aria-current=(code == list.view).then_some("page")>{label}</a></li>
            }).collect_view()}
        </ul></nav>
        {if empty {
            view! { <p class="desk-empty">{t(lang, "没有投诉。", "No complaints here.")}</p> }.into_any()
        } else {
            view! {
                <table class="console-sessions complaint-desk">
                    <thead><tr>
                        <th scope="col">{t(lang, "编号", "Reference")}</th>
                        <th scope="col">{t(lang, "单位", "Venue")}</th>
                        <th scope="col">{t(lang, "类别", "Category")}</th>
                        <th scope="col">{t(lang, "状态", "Status")}</th>
                        <th scope="col">{t(lang, "期限", "Due")}</th>
                        <th scope="col">{t(lang, "承办人", "Handled by")}</th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|c| {
                            let overdue = c.days_left.is_some_and(|d| d < 0);
                            view! {
                                <tr data-complaint=c.reference.clone() class:overdue=overdue>
                                    <td><a href=format!("/console/complaints/{}", c.reference)>{c.reference.clone()}</a><br/>
                                        <small>{shown(&c.submitted_at)}</small></td>
                                    <td>{c.venue.clone()}</td>
                                    <td>{category_name(c.category, lang)}</td>
                                    <td>{status_name(c.status, lang)}</td>
                                    <td>{c.due.as_deref().map(|d| due_text(lang, d, c.days_left))}</td>
                                    <td>{c.assigned.clone().unwrap_or_else(|| t(lang, "未分配", "nobody").to_string())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
pub fn ComplaintCasePage() -> impl IntoView {
    let lang = use_lang();
    let reference = use_params_map().with_untracked(|p| p.get("reference")).unwrap_or_default();
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let case = Resource::new_blocking(move || reference.clone(), get_complaint_case);
    view! {
        <Title text=t(lang, "投诉详情", "Complaint")/>
        <article class="console">
            <ConsoleNav current="complaints"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "已保存，公众查询页面与 Open311 已同步更新。", "Saved; the public tracking page and Open311 show it.")}</p> })}
            <Suspense fallback=|| ()>
                {move || case.get().map(|case| match case {
                    Ok(case) => view! { <Case case lang/> }.into_any(),
                    Err(crate::error::AppError::NotFound) => view! {
                        <p class="error" role="alert">{t(lang, "没有这个编号的投诉。", "There is no complaint with this reference.")}</p>
                    }.into_any(),
                    Err(crate::error::AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert">{t(lang, "这件投诉不在您的管辖范围内。", "This complaint is outside what you cover.")}</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Case(case: ComplaintCase, lang: Lang) -> impl IntoView {
    let echo = use_context::<CaseEcho>().unwrap_or_default();
    let c = case.public.clone();
    let reference = c.reference.clone();
    let action = move |what: &str| format!("/console/complaints/{reference}/{what}");
    let due = c.expected().map(|d| due_text(lang, d, case.days_left));
    view! {
        <h1>{t(lang, "投诉 ", "Complaint ")}{c.reference.clone()}</h1>
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <section class="card">
            <dl class="desk-facts">
                <dt>{t(lang, "单位", "Venue")}</dt><dd><a href=format!("/venues/{}", c.venue.0)>{c.venue_name.clone()}</a></dd>
                <dt>{t(lang, "类别", "Category")}</dt><dd>{category_name(c.category, lang)}</dd>
                <dt>{t(lang, "状态", "Status")}</dt><dd data-status=c.status.code()>{status_name(c.status, lang)}</dd>
                {due.map(|d| view! { <dt>{t(lang, "期限", "Due")}</dt><dd>{d}</dd> })}
                <dt>{t(lang, "提交时间", "Submitted")}</dt><dd>{shown(&c.submitted_at)}</dd>
                {c.occurred_at.clone().map(|o| view! { <dt>{t(lang, "发生时间", "When it happened")}</dt><dd>{o.replace('T', " ")}</dd> })}
                {case.complainant.clone().map(|(contact, name)| view! {
                    <dt>{t(lang, "投诉人", "Complainant")}</dt>
                    <dd class="complainant">{name.unwrap_or_else(|| t(lang, "（未留姓名）", "(no name)").into())}" · "
                        {contact.unwrap_or_else(|| t(lang, "（未留联系方式）", "(no contact)").into())}</dd>
                })}
                {case.feedback_request.clone().map(|r| view! {
                    <dt>{t(lang, "评价邀请", "Asked to rate")}</dt>
                    <dd class="feedback-request" data-state=r.state.clone()>{request_line(&r, lang)}</dd>
                })}
                <dt>{t(lang, "承办人", "Handled by")}</dt>
                <dd>{case.assigned.clone().map(|(_, n)| n).unwrap_or_else(|| t(lang, "未分配", "nobody").to_string())}</dd>
            </dl>
            <p class="complaint-text">{c.description.clone()}</p>
            {(!c.photos.is_empty()).then(|| view! {
                <ul class="complaint-photos">
                    {c.photos.iter().map(|url| view! { <li><a href=url.clone()><img src=url.clone() alt=t(lang, "投诉照片", "Complaint photo") width="160" height="120" loading="lazy"/></a></li> }).collect_view()}
                </ul>
            })}
        </section>
        <section class="card">
            <h2>{t(lang, "处理记录（公开）", "Updates (public)")}</h2>
            <ol class="complaint-updates">
                {c.updates.iter().map(|u| view! {
                    <li><strong>{status_name(u.status, lang)}</strong>" · "{shown(&u.at)}
                        {(!u.note.is_empty()).then(|| view! { <br/>{u.note.clone()} })}
                        {u.duplicate_of.clone().map(|d| view! { <br/>{t(lang, "与此投诉重复：", "Duplicates: ")}{d} })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!case.responses.is_empty() || case.may_respond).then(|| view! {
            <section class="card" id="responses">
                <h2>{t(lang, "单位回复（不公开）", "The venue's responses (not public)")}</h2>
                <ol class="complaint-notes">
                    {case.responses.iter().map(|(at, by, text)| view! {
                        <li><small>{shown(at)}" · "{by.clone()}</small><br/>{text.clone()}</li>
                    }).collect_view()}
                </ol>
                {case.may_respond.then(|| view! {
                    <form class="account-form" method="post" action=format!("/console/complaints/{}/respond", c.reference)>
                        <CsrfField/>
                        <label for="cr-body">{t(lang, "向监管部门说明情况", "Tell the regulator what happened")}</label>
                        <textarea id="cr-body" name="body" rows="3" maxlength="2000" required></textarea>
                        <button class="primary" type="submit">{t(lang, "提交说明", "Send")}</button>
                    </form>
                })}
            </section>
        })}
        {case.may_handle.then(|| {
            let next = case.next.clone();
            view! {
                {(!next.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>{t(lang, "办理", "Decide")}</h2>
                        <form class="account-form" method="post" action=action("status")>
                            <CsrfField/>
                            <label for="cs-status">{t(lang, "改为", "Change to")}</label>
                            <select id="cs-status" name="status">
                                {next.iter().map(|s| view! { <option value=s.code()>{status_name(*s, lang)}</option> }).collect_view()}
                            </select>
                            <label for="cs-note">{t(lang, "公开说明（不予受理须写明理由）", "Public note (a rejection needs its reason)")}</label>
                            <textarea id="cs-note" name="note" rows="3" maxlength="2000">{echo.note.clone()}</textarea>
                            {next.contains(&ComplaintStatus::Duplicate).then(|| view! {
                                <label for="cs-dup">{t(lang, "重复投诉的原编号（标记为重复时）", "The reference it duplicates (for a duplicate)")}</label>
                                <input id="cs-dup" name="duplicate_of" placeholder="MC-XXXX-XXXX"/>
                            })}
                            <button class="primary" type="submit">{t(lang, "保存", "Save")}</button>
                        </form>
                    </section>
                })}
                <section class="card">
                    <h2>{t(lang, "分配承办人", "Assign")}</h2>
                    <form class="desk-filters" method="post" action=action("assign")>
                        <CsrfField/>
                        <label for="cs-assign" class="visually-hidden">{t(lang, "承办人", "Handled by")}</label>
                        <select id="cs-assign" name="assignee">
                            <option value="">{t(lang, "不分配", "Nobody")}</option>
                            {case.assignees.iter().map(|(id, name, office)| {
                                let selected = case.assigned.as_ref().is_some_and(|(a, _)| a == id);
                                view! { <option value=id.to_string() selected=selected>{name.clone()}" · "{office.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit">{t(lang, "分配", "Assign")}</button>
                    </form>
                </section>
                <section class="card">
                    <h2>{t(lang, "备注", "Notes")}</h2>
                    <ol class="complaint-notes">
                        {case.notes.iter().map(|(at, by, text)| view! {
                            <li><small>{shown(at)}" · "{by.clone()}</small><br/>{text.clone()}</li>
                        }).collect_view()}
                    </ol>
                    <form class="account-form" method="post" action=action("note")>
                        <CsrfField/>
                        <label for="cs-text">{t(lang, "备注内容", "Note")}</label>
                        <textarea id="cs-text" name="text" rows="3" maxlength="2000" required></textarea>
                        <div class="desk-decide">
                            <button type="submit" name="kind" value="private">{t(lang, "添加内部备注（不公开）", "Add a private note")}</button>
                            <button type="submit" name="kind" value="public">{t(lang, "发布进展（公开）", "Publish progress (public)")}</button>
                        </div>
                    </form>
                </section>
            }
        })}
    }
}

/// How asking the complainant went, in a line.
fn request_line(r: &crate::api::FeedbackRequestView, lang: Lang) -> String {
    let by = if r.reach == "email" { t(lang, "邮件", "email") } else { t(lang, "短信", "SMS") };
    let state = match r.state.as_str() {
        "sent" => t(lang, "已发送", "sent"),
        "queued" if r.attempts > 0 => t(lang, "发送失败，将重试", "not taken yet, will retry"),
        "queued" => t(lang, "待发送", "waiting to be sent"),
        "failed" => t(lang, "发送失败，已放弃", "not taken, given up"),
        _ => t(lang, "未发送", "not sent"),
    };
    let outcome = r.outcome.as_deref().map(|o| format!("（{o}）")).unwrap_or_default();
    format!("{by} · {state}{outcome}")
}
