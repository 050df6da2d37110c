//! `/console/orders`: rectification orders (整改通知). The office's list (open, overdue,
//! closed); the form issuing an order against a venue from its confirmed captures and what was
//! found on the spot; one order with its violations, every step taken, and the steps its
//! reader may take (the venue replies or asks for more time; the inspector accepts or rejects
//! the reply, grants or refuses the time); and the notice as printed on A4 and handed over at
//! the counter, with a QR code to the venue's public timeline.

use super::{shown, ConsoleNav, CsrfField};
use crate::api::{
    get_order_case, get_order_form, get_order_list, OrderCase, OrderEcho, OrderForm, OrderList, OrderStanding,
};
use crate::domain::{ViolationCategory, ViolationSource};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// An order's state in words, overdue first.
pub(crate) fn standing_text(lang: Lang, s: &OrderStanding) -> &'static str {
    match (s.state.as_str(), s.overdue) {
        ("closed", _) if s.on_time == Some(false) => t(lang, "已整改（逾期完成）", "Rectified (late)"),
        ("closed", _) => t(lang, "已整改", "Rectified"),
        (_, true) => t(lang, "已逾期", "Overdue"),
        ("replied", _) => t(lang, "待验收", "Reply to verify"),
        ("extension_asked", _) => t(lang, "申请延期中", "Extension asked"),
        _ => t(lang, "整改中", "Being put right"),
    }
}

fn step_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "issue" => t(lang, "下达整改通知", "Order issued"),
        "reply" => t(lang, "单位回复整改情况", "The venue replied"),
        "ask_extension" => t(lang, "单位申请延期", "The venue asked for more time"),
        "grant_extension" => t(lang, "同意延期", "Extension granted"),
        "refuse_extension" => t(lang, "不同意延期", "Extension refused"),
        "accept" => t(lang, "验收通过，整改完成", "Verified and closed"),
        "reject" => t(lang, "验收不通过，退回整改", "Reply rejected, back to the venue"),
        _ => t(lang, "其他", "Other"),
    }
}

pub(crate) fn source_name(lang: Lang, s: ViolationSource) -> &'static str {
    match s {
        ViolationSource::Capture => t(lang, "智能抓拍", "AI capture"),
        ViolationSource::Patrol => t(lang, "巡查发现", "Patrol"),
        ViolationSource::Inspection => t(lang, "现场检查", "Inspection"),
        ViolationSource::Complaint => t(lang, "投诉查实", "Complaint"),
    }
}

fn category_label(lang: Lang, c: ViolationCategory) -> &'static str {
    match c {
        ViolationCategory::StaffHygiene => t(lang, "从业人员卫生（未戴帽、口罩等）", "Staff hygiene (no hat, mask…)"),
        ViolationCategory::PremisesHygiene => t(lang, "环境卫生", "Premises hygiene"),
        ViolationCategory::Pests => t(lang, "虫鼠害", "Pests"),
        ViolationCategory::Storage => t(lang, "原料贮存", "Storage"),
        ViolationCategory::Disinfection => t(lang, "餐饮具清洗消毒", "Cleaning and disinfection"),
        ViolationCategory::Records => t(lang, "台账记录", "Records"),
        ViolationCategory::Licence => t(lang, "证照与健康证明", "Licences and health certificates"),
        ViolationCategory::Other => t(lang, "其他", "Other"),
    }
}

/// A violation's category in words: a person's category, or the AI rule's own name.
pub(crate) fn category_text(lang: Lang, code: &str) -> String {
    ViolationCategory::from_code(code).map(|c| category_label(lang, c).to_string()).unwrap_or_else(|| code.to_string())
}

fn problem_view(lang: Lang, err: crate::error::AppError) -> AnyView {
    use crate::error::AppError;
    let text = match err {
        AppError::NotFound => t(lang, "没有这份整改通知。", "There is no such order."),
        AppError::Forbidden(_) => t(lang, "这不在您的管辖范围内。", "This is outside what you cover."),
        _ => t(lang, "暂时无法读取，请稍后再试。", "It cannot be read just now; try again shortly."),
    };
    view! { <p class="error" role="alert">{text}</p> }.into_any()
}

#[component]
pub fn OrderListPage() -> impl IntoView {
    let lang = use_lang();
    let view_code = use_query_map().with_untracked(|q| q.get("view")).unwrap_or_else(|| "open".into());
    let list = Resource::new_blocking(move || view_code.clone(), get_order_list);
    view! {
        <Title text=t(lang, "整改", "Orders")/>
        <article class="console">
            <ConsoleNav current="orders"/>
            <h1>{t(lang, "整改通知", "Rectification orders")}</h1>
            <Suspense fallback=|| ()>
                {move || list.get().map(|list| match list {
                    Ok(list) => view! { <OrderTable list lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn OrderTable(list: OrderList, lang: Lang) -> impl IntoView {
    let tabs = [
        ("open", t(lang, "整改中", "Open")),
        ("overdue", t(lang, "已逾期", "Overdue")),
        ("closed", t(lang, "已整改", "Closed")),
    ];
    let empty = list.items.is_empty();
    view! {
        <nav class="desk-tabs" aria-label=t(lang, "整改通知范围", "Which orders")><ul>
            {tabs.into_iter().map(|(code, label)| view! {
                <li><a href=format!("/console/orders?view={code}") aria-current=(code == list.view).then_some("page")>{label}</a></li>
            }).collect_view()}
        </ul></nav>
        {list.may_issue.then(|| view! {
            <p>{t(lang, "下达整改通知：在“单位”或“抓拍审核”中选择单位。", "To issue an order, open the venue from Venues or the review desk.")}</p>
        })}
        {if empty {
            view! { <p class="desk-empty">{t(lang, "没有整改通知。", "No orders here.")}</p> }.into_any()
        } else {
            view! {
                <table class="console-sessions order-list">
                    <thead><tr>
                        <th scope="col">{t(lang, "文号", "Number")}</th>
                        <th scope="col">{t(lang, "单位", "Venue")}</th>
                        <th scope="col">{t(lang, "问题", "Violations")}</th>
                        <th scope="col">{t(lang, "期限", "Due")}</th>
                        <th scope="col">{t(lang, "状态", "Standing")}</th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|o| view! {
                            <tr data-order=o.id class:overdue=o.standing.overdue>
                                <td><a href=format!("/console/orders/{}", o.id)>{o.number.clone()}</a></td>
                                <td>{o.venue.clone()}</td>
                                <td>{o.violations}</td>
                                <td>{o.standing.due_on.clone()}</td>
                                <td data-state=o.standing.state.clone()>{standing_text(lang, &o.standing)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// `/console/orders/new?venue=V[&capture=N]`: issue an order.
#[component]
pub fn NewOrderPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let venue = query.with_untracked(|q| q.get("venue")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let ticked = query.with_untracked(|q| q.get("capture")).and_then(|c| c.parse::<i64>().ok());
    let form = Resource::new_blocking(move || venue, get_order_form);
    view! {
        <Title text=t(lang, "下达整改通知", "Issue an order")/>
        <article class="console">
            <ConsoleNav current="orders"/>
            <h1>{t(lang, "下达整改通知", "Issue a rectification order")}</h1>
            <Suspense fallback=|| ()>
                {move || form.get().map(|form| match form {
                    Ok(form) => view! { <IssueForm form ticked lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn IssueForm(form: OrderForm, ticked: Option<i64>, lang: Lang) -> impl IntoView {
    let echo = use_context::<OrderEcho>().unwrap_or_default();
    view! {
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <form class="account-form order-form" method="post" action="/console/orders/new">
            <CsrfField/>
            <input type="hidden" name="venue" value=form.venue_id/>
            <p>{t(lang, "被检查单位：", "Venue: ")}<a href=format!("/console/venues/{}", form.venue_id)>{form.venue.clone()}</a></p>
            <fieldset>
                <legend>{t(lang, "已确认的智能抓拍", "Confirmed AI captures")}</legend>
                {if form.findings.is_empty() {
                    view! { <p>{t(lang, "没有尚未下达整改的抓拍。", "No confirmed capture waits for an order.")}</p> }.into_any()
                } else {
                    form.findings.iter().map(|(id, rule, at, camera)| {
                        let checked = ticked == Some(*id);
                        view! {
                            <label class="check">
                                <input type="checkbox" name="capture" value=id.to_string() checked=checked/>
                                "#"{*id}" "{rule.clone()}" · "{camera.clone()}" · "{shown(at)}
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            {(!form.violations.is_empty()).then(|| view! {
                <fieldset>
                    <legend>{t(lang, "巡查、检查中发现的问题", "Found on patrols and inspections")}</legend>
                    {form.violations.iter().map(|(id, category, description, at)| view! {
                        <label class="check">
                            <input type="checkbox" name="violation" value=id.to_string() checked=true/>
                            {category_text(lang, category)}" · "{description.clone()}" · "{shown(at)}
                        </label>
                    }).collect_view()}
                </fieldset>
            })}
            <fieldset>
                <legend>{t(lang, "现场发现的问题（可选）", "A finding recorded now (optional)")}</legend>
                <label for="of-source">{t(lang, "来源", "Found by")}</label>
                <select id="of-source" name="source">
                    {[ViolationSource::Inspection, ViolationSource::Patrol, ViolationSource::Complaint].into_iter().map(|s| view! {
                        <option value=s.code()>{source_name(lang, s)}</option>
                    }).collect_view()}
                </select>
                <label for="of-category">{t(lang, "问题类别", "Category")}</label>
                <select id="of-category" name="category">
                    {ViolationCategory::ALL.iter().map(|c| view! { <option value=c.code()>{category_label(lang, *c)}</option> }).collect_view()}
                </select>
                <label for="of-finding">{t(lang, "问题描述", "What was found")}</label>
                <textarea id="of-finding" name="finding" rows="3" maxlength="2000"></textarea>
                <label for="of-complaint">{t(lang, "投诉编号（来源为投诉时）", "Complaint reference (for a complaint)")}</label>
                <input id="of-complaint" name="complaint" placeholder="MC-XXXX-XXXX"/>
            </fieldset>
            <label for="of-requirement">{t(lang, "整改要求", "What must be put right")}</label>
            <textarea id="of-requirement" name="requirement" rows="4" maxlength="2000" required>{echo.note.clone()}</textarea>
            <fieldset>
                <legend>{t(lang, "法律依据", "Legal basis")}</legend>
                {form.clauses.iter().map(|c| view! {
                    <label class="check" title=c.summary.clone()>
                        <input type="checkbox" name="clause" value=c.code.clone()/>
                        {c.citation.clone()}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="of-due">{t(lang, "整改期限", "Due by")}</label>
            <input id="of-due" name="due" type="date" value=form.suggested_due.clone() min=form.earliest_due.clone() required/>
            <label class="check">
                <input type="checkbox" name="evidence_public" value="1" checked=true/>
                {t(lang, "在单位公示页面展示抓拍证据图片", "Show the capture pictures on the venue's public page")}
            </label>
            <button class="primary" type="submit">{t(lang, "下达整改通知", "Issue the order")}</button>
        </form>
    }
}

/// `/console/orders/:id`: one order.
#[component]
pub fn OrderCasePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let done = use_query_map().with_untracked(|q| q.get("done"));
    let case = Resource::new_blocking(move || id, get_order_case);
    view! {
        <Title text=t(lang, "整改通知", "Order")/>
        <article class="console">
            <ConsoleNav current="orders"/>
            {done.map(|_| view! { <p class="success" role="status">{t(lang, "已保存。", "Saved.")}</p> })}
            <Suspense fallback=|| ()>
                {move || case.get().map(|case| match case {
                    Ok(case) => view! { <Case case lang/> }.into_any(),
                    Err(e) => problem_view(lang, e),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn Case(case: OrderCase, lang: Lang) -> impl IntoView {
    let echo = use_context::<OrderEcho>().unwrap_or_default();
    let action = format!("/console/orders/{}/step", case.id);
    let s = case.standing.clone();
    let state = s.state.clone();
    let venue_may_reply = case.may_reply && state == "issued";
    let may_verify = case.may_verify && state == "replied";
    let may_decide_time = case.may_verify && state == "extension_asked";
    view! {
        <h1>{t(lang, "整改通知 ", "Order ")}{case.number.clone()}</h1>
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <p><a class="button" href=format!("/console/orders/{}/print", case.id)>{t(lang, "打印整改通知书", "Print the notice")}</a>
           " "<a href=case.public_path.clone()>{t(lang, "公示页面", "Public page")}</a></p>
        <section class="card">
            <dl class="desk-facts">
                <dt>{t(lang, "单位", "Venue")}</dt><dd><a href=format!("/console/venues/{}", case.venue_id)>{case.venue.clone()}</a></dd>
                <dt>{t(lang, "监管所", "Office")}</dt><dd>{case.office.clone()}</dd>
                <dt>{t(lang, "状态", "Standing")}</dt><dd data-state=state.clone() class:overdue=s.overdue>{standing_text(lang, &s)}</dd>
                <dt>{t(lang, "下达日期", "Issued")}</dt><dd>{s.issued_on.clone()}</dd>
                <dt>{t(lang, "整改期限", "Due by")}</dt><dd data-due=s.due_on.clone()>{s.due_on.clone()}
                    {(s.extensions > 0).then(|| match lang {
                        Lang::Zh => format!("（已延期{}次）", s.extensions),
                        Lang::En => format!(" (extended {} times)", s.extensions),
                    })}</dd>
                {s.asked_until.clone().map(|d| view! { <dt>{t(lang, "申请延期至", "Asked until")}</dt><dd>{d}</dd> })}
                {s.closed_on.clone().map(|d| view! { <dt>{t(lang, "整改完成", "Rectified on")}</dt><dd>{d}</dd> })}
                <dt>{t(lang, "整改要求", "Requirement")}</dt><dd class="order-requirement">{case.requirement.clone()}</dd>
                <dt>{t(lang, "法律依据", "Legal basis")}</dt><dd>{case.legal_basis.clone()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t(lang, "违法违规问题", "Violations")}</h2>
            <ul class="order-violations">
                {case.violations.iter().map(|v| view! {
                    <li data-violation=v.id>
                        <strong>{category_text(lang, &v.category)}</strong>" · "{source_name(lang, v.source)}" · "{shown(&v.observed_at)}
                        {v.camera.clone().map(|c| view! { " · "{c} })}
                        {(!v.description.is_empty()).then(|| view! { <br/>{v.description.clone()} })}
                        {v.complaint.clone().map(|c| view! { <br/>{t(lang, "投诉编号：", "Complaint: ")}{c} })}
                        {v.disputed.then(|| view! { <br/><span class="badge">{t(lang, "有异议，复核中", "Disputed, under review")}</span> })}
                        {(case.may_reply && !v.disputed).then(|| view! {
                            <br/><a href=format!("/console/disputes/new?violation={}", v.id)>{t(lang, "对此提出异议", "Dispute this")}</a>
                        })}
                        {v.evidence.clone().map(|src| { let href = src.clone(); view! {
                            <br/><a href=href><img src=src alt=t(lang, "证据图片", "Evidence picture") width="240" height="135" loading="lazy"/></a>
                        }})}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card">
            <h2>{t(lang, "办理记录", "Steps")}</h2>
            <ol class="order-steps">
                {case.steps.iter().map(|st| view! {
                    <li data-step=st.step.clone()><strong>{step_name(lang, &st.step)}</strong>" · "{shown(&st.at)}
                        {st.by.clone().map(|b| view! { " · "{b} })}
                        {st.until.clone().filter(|_| st.step != "issue").map(|u| view! { <br/>{t(lang, "期限：", "Until: ")}{u} })}
                        {st.note.clone().map(|n| view! { <br/>{n} })}
                        {(!st.photos.is_empty()).then(|| view! {
                            <ul class="complaint-photos">
                                {st.photos.iter().map(|url| view! {
                                    <li><a href=url.clone()><img src=url.clone() alt=t(lang, "整改照片", "Photo") width="160" height="120" loading="lazy"/></a></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {venue_may_reply.then(|| view! {
            <section class="card" id="reply">
                <h2>{t(lang, "回复整改情况", "Reply")}</h2>
                <form class="account-form" method="post" action=action.clone() enctype="multipart/form-data">
                    <CsrfField/>
                    <label for="os-note">{t(lang, "整改情况（将在单位公示页面展示）", "What was put right (shown on the venue's public page)")}</label>
                    <textarea id="os-note" name="note" rows="4" maxlength="2000">{echo.note.clone()}</textarea>
                    <label for="os-until">{t(lang, "申请延期至（仅申请延期时填写）", "More time until (only when asking for more time)")}</label>
                    <input id="os-until" name="until" type="date" min=s.due_on.clone()/>
                    <label for="os-photos">{t(lang, "整改照片（最多5张，JPEG、PNG 或 WebP）", "Photos (up to 5: JPEG, PNG or WebP)")}</label>
                    <input id="os-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple=true/>
                    <div class="desk-decide">
                        <button class="primary" type="submit" name="step" value="reply">{t(lang, "提交整改回复", "Send the reply")}</button>
                        <button type="submit" name="step" value="ask_extension">{t(lang, "申请延期（写明理由）", "Ask for more time (with the reason)")}</button>
                    </div>
                </form>
            </section>
        })}
        {may_verify.then(|| view! {
            <section class="card" id="verify">
                <h2>{t(lang, "验收", "Verify")}</h2>
                <form class="account-form" method="post" action=action.clone()>
                    <CsrfField/>
                    {(!case.cameras.is_empty()).then(|| view! {
                        <label for="ov-camera">{t(lang, "远程验收：抓取摄像头当前画面作为证据", "Verify remotely: keep a camera's current frame as evidence")}</label>
                        <select id="ov-camera" name="camera">
                            <option value="">{t(lang, "不抓取（现场验收）", "None (verified on site)")}</option>
                            {case.cameras.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                        </select>
                    })}
                    <label for="ov-note">{t(lang, "不通过的理由（退回时必填）", "Why it does not do (needed to reject)")}</label>
                    <textarea id="ov-note" name="note" rows="3" maxlength="2000">{echo.note.clone()}</textarea>
                    <div class="desk-decide">
                        <button class="primary" type="submit" name="step" value="accept">{t(lang, "验收通过", "Accept: rectified")}</button>
                        <button type="submit" name="step" value="reject">{t(lang, "不通过，退回整改", "Reject: back to the venue")}</button>
                    </div>
                </form>
            </section>
        })}
        {may_decide_time.then(|| view! {
            <section class="card" id="extension">
                <h2>{t(lang, "延期申请", "Extension")}</h2>
                <form class="account-form" method="post" action=action.clone()>
                    <CsrfField/>
                    <label for="oe-note">{t(lang, "不同意的理由（不同意时必填）", "Why not (needed to refuse)")}</label>
                    <textarea id="oe-note" name="note" rows="3" maxlength="2000"></textarea>
                    <div class="desk-decide">
                        <button class="primary" type="submit" name="step" value="grant_extension">{t(lang, "同意延期", "Grant")}</button>
                        <button type="submit" name="step" value="refuse_extension">{t(lang, "不同意", "Refuse")}</button>
                    </div>
                </form>
            </section>
        })}
    }
}

/// `/console/orders/:id/print`: the notice as handed over, laid out for A4.
#[component]
pub fn OrderPrintPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map().with_untracked(|p| p.get("id")).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let case = Resource::new_blocking(move || id, get_order_case);
    view! {
        <Title text=t(lang, "整改通知书", "Rectification notice")/>
        <Suspense fallback=|| ()>
            {move || case.get().map(|case| match case {
                Ok(case) => view! { <Notice case/> }.into_any(),
                Err(e) => problem_view(lang, e),
            })}
        </Suspense>
    }
}

/// The printed notice is a legal document in Chinese, whatever the console's language.
#[component]
fn Notice(case: OrderCase) -> impl IntoView {
    let addressee = case.holder.clone().unwrap_or_else(|| case.venue.clone());
    let issued = case.standing.issued_on.clone();
    view! {
        <div class="print-bar no-print">
            <p>"用浏览器的“打印”（Ctrl+P，手机上“分享 → 打印”）打印，或存为 PDF；纸张选 A4。"</p>
            <a href=format!("/console/orders/{}", case.id)>"返回整改通知"</a>
        </div>
        <article class="notice-a4" lang="zh-CN">
            <header>
                <p class="notice-office">{case.office.clone()}</p>
                <h1>"责令改正通知书"</h1>
                <p class="notice-number">{case.number.clone()}</p>
            </header>
            <p class="notice-to">{addressee}"："</p>
            <dl class="notice-facts">
                <dt>"单位名称"</dt><dd>{case.venue.clone()}</dd>
                <dt>"经营地址"</dt><dd>{case.address.clone()}</dd>
                {case.licence.clone().map(|l| view! { <dt>"许可证编号"</dt><dd>{l}</dd> })}
            </dl>
            <p>"经查，你单位存在下列问题："</p>
            <ol class="notice-violations">
                {case.violations.iter().map(|v| view! {
                    <li>{category_text(Lang::Zh, &v.category)}"（"{source_name(Lang::Zh, v.source)}"，"{shown(&v.observed_at)}
                        {v.camera.clone().map(|c| format!("，{c}"))}"）"
                        {(!v.description.is_empty()).then(|| format!("：{}", v.description))}
                    </li>
                }).collect_view()}
            </ol>
            <p>"上述行为违反了"{case.legal_basis.clone()}"的规定。"</p>
            <p>"现责令你单位于"<strong>{case.standing.due_on.clone()}</strong>"前改正，整改要求如下："</p>
            <p class="notice-requirement">{case.requirement.clone()}</p>
            <p>"请于整改完成后通过“明厨亮灶”工作台回复整改情况（可附照片）。逾期不改正的，本机关将依法处理。"</p>
            <footer class="notice-foot">
                <div class="notice-qr">
                    <div inner_html=case.qr_svg.clone() role="img" aria-label="公示页面二维码"></div>
                    <p>"扫码查看公示"</p>
                </div>
                <div class="notice-signatures">
                    <p>"监管人员（签名）：＿＿＿＿＿＿　＿＿＿＿＿＿"</p>
                    <p>"当事人（签收）：＿＿＿＿＿＿　日期：＿＿＿＿＿＿"</p>
                    <p class="notice-seal">{case.office.clone()}"（印章）"</p>
                    <p class="notice-date">{issued}</p>
                </div>
            </footer>
        </article>
    }
}
