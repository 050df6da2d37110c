//! `/console/inbox`: what was pushed to the venues someone covers (confirmed findings, cameras
//! offline too long), read per person, with how each delivery to a group robot or webhook went;
//! and where these are pushed (add and remove webhooks).

use super::{shown, ConsoleNav, CsrfField};
use crate::api::{get_inbox, Inbox, InboxEcho, InboxItem};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;

fn delivery_state(lang: Lang, state: &str) -> &'static str {
    match state {
        "delivered" => t(lang, "已送达", "delivered"),
        "queued" => t(lang, "等待重试", "waiting to retry"),
        "failed" => t(lang, "未能送达", "failed"),
        _ => t(lang, "已取消", "cancelled"),
    }
}

fn channel_name(lang: Lang, channel: &str) -> &'static str {
    match channel {
        "wecom" => t(lang, "企业微信群机器人", "WeCom group robot"),
        "dingtalk" => t(lang, "钉钉机器人", "DingTalk robot"),
        _ => t(lang, "JSON 接口", "JSON webhook"),
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = use_lang();
    let inbox = Resource::new_blocking(|| (), |_| get_inbox());
    let added = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("webhook"));
    view! {
        <Title text=t(lang, "消息", "Inbox")/>
        <article class="console inbox">
            <ConsoleNav current="inbox"/>
            <h1>{t(lang, "消息", "Inbox")}</h1>
            {added.map(|what| view! {
                <p class="success" role="status">{if what == "removed" {
                    t(lang, "已停止向该地址推送。", "Pushing there has stopped.")
                } else {
                    t(lang, "已添加推送地址。新的消息会推送到这里。", "Added: new notices are pushed there.")
                }}</p>
            })}
            <Suspense fallback=|| ()>
                {move || inbox.get().map(|inbox| match inbox {
                    Ok(inbox) => view! { <InboxView inbox lang/> }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法读取消息，请稍后再试。", "The inbox cannot be read just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn InboxView(inbox: Inbox, lang: Lang) -> impl IntoView {
    let empty = inbox.notices.is_empty();
    let echo = use_context::<InboxEcho>().unwrap_or_default();
    view! {
        {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
        <section class="card">
            <h2>{t(lang, "推送给单位的消息", "Notices to the venues")}</h2>
            {if empty {
                view! { <p>{t(lang, "暂无消息。监管人员确认的问题、长时间离线的摄像头会出现在这里。", "Nothing yet. Findings an inspector confirms and cameras offline too long appear here.")}</p> }.into_any()
            } else {
                view! {
                    <ol class="inbox-list">
                        {inbox.notices.into_iter().map(|item| view! { <Notice item lang/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <Webhooks inbox_webhooks=inbox.webhooks owners=inbox.owners lang/>
    }
}

#[component]
fn Notice(item: InboxItem, lang: Lang) -> impl IntoView {
    let id = item.id;
    let title = match (item.kind.as_str(), lang) {
        ("finding", Lang::Zh) => format!("监管人员确认问题：{}", item.category.clone().unwrap_or_default()),
        ("finding", Lang::En) => format!("Finding confirmed: {}", item.category.clone().unwrap_or_default()),
        ("order_issued", Lang::Zh) => format!("整改通知：{}", item.order.clone().map(|o| o.1).unwrap_or_default()),
        ("order_issued", Lang::En) => {
            format!("Rectification order: {}", item.order.clone().map(|o| o.1).unwrap_or_default())
        }
        ("order_overdue", Lang::Zh) => format!("整改逾期：{}", item.order.clone().map(|o| o.1).unwrap_or_default()),
        ("order_overdue", Lang::En) => {
            format!("Order overdue: {}", item.order.clone().map(|o| o.1).unwrap_or_default())
        }
        (_, Lang::Zh) => format!("摄像头离线：{}", item.camera),
        (_, Lang::En) => format!("Camera offline: {}", item.camera),
    };
    let when = match item.kind.as_str() {
        "finding" => t(lang, "抓拍时间", "Captured"),
        "order_issued" | "order_overdue" => t(lang, "通知时间", "Sent"),
        _ => t(lang, "离线开始", "Offline since"),
    };
    let class = if item.read { "card inbox-item read" } else { "card inbox-item unread" };
    view! {
        <li class=class id=format!("n{id}") data-notice=id data-kind=item.kind.clone()>
            <h3>
                {(!item.read).then(|| view! { <span class="badge">{t(lang, "未读", "New")}</span>" " })}
                {title}
                {item.withdrawn.then(|| view! { " "<span class="badge muted">{t(lang, "已撤回", "Withdrawn")}</span> })}
            </h3>
            {item.capture.map(|capture| view! {
                <a href=format!("/console/captures/{capture}/snapshot.jpg") class="inbox-snapshot">
                    <img src=format!("/console/captures/{capture}/snapshot.jpg") width="320" height="180" loading="lazy"
                        alt=match lang { Lang::Zh => format!("抓拍 #{capture}"), Lang::En => format!("Capture #{capture}") }/>
                </a>
            })}
            <dl class="desk-facts">
                <dt>{t(lang, "单位", "Venue")}</dt><dd><a href=format!("/venues/{}", item.venue_id)>{item.venue.clone()}</a></dd>
                {(!item.camera.is_empty()).then(|| view! { <dt>{t(lang, "摄像头", "Camera")}</dt><dd>{item.camera.clone()}</dd> })}
                {item.order.clone().map(|(order, _, due)| view! {
                    <dt>{t(lang, "整改期限", "Due by")}</dt><dd>{due}</dd>
                    <dt>{t(lang, "整改通知", "Order")}</dt>
                    <dd><a href=format!("/console/orders/{order}")>{t(lang, "查看并回复", "Open and reply")}</a></dd>
                })}
                <dt>{when}</dt><dd><time datetime=item.at.clone()>{shown(&item.at)}</time></dd>
                <dt>{t(lang, "推送时间", "Pushed")}</dt><dd><time datetime=item.created_at.clone()>{shown(&item.created_at)}</time></dd>
                {(!item.deliveries.is_empty()).then(|| view! {
                    <dt>{t(lang, "推送状态", "Deliveries")}</dt>
                    <dd><ul class="inbox-deliveries">
                        {item.deliveries.iter().map(|d| {
                            let label = if d.webhook.is_empty() { channel_name(lang, &d.channel).to_string() } else { d.webhook.clone() };
                            view! {
                                <li data-delivery=d.state.clone()>
                                    {label}"："{delivery_state(lang, &d.state)}
                                    {(d.attempts > 1).then(|| match lang {
                                        Lang::Zh => format!("（已尝试{}次）", d.attempts),
                                        Lang::En => format!(" ({} attempts)", d.attempts),
                                    })}
                                    {(d.state != "delivered").then(|| d.last_outcome.clone().map(|o| format!(" · {o}"))).flatten()}
                                </li>
                            }
                        }).collect_view()}
                    </ul></dd>
                })}
            </dl>
            {(!item.responses.is_empty()).then(|| view! {
                <h4>{t(lang, "单位回复", "The venue's responses")}</h4>
                <ol class="complaint-notes">
                    {item.responses.iter().map(|(at, by, text)| view! {
                        <li><small>{shown(at)}" · "{by.clone()}</small><br/>{text.clone()}</li>
                    }).collect_view()}
                </ol>
            })}
            {(item.may_respond && item.kind == "finding").then(|| item.capture.map(|capture| view! {
                <p><a href=format!("/console/disputes/new?capture={capture}")>{t(lang, "对此认定有异议", "Dispute this finding")}</a></p>
            })).flatten()}
            {item.may_respond.then(|| view! {
                <form class="account-form" method="post" action=format!("/console/inbox/{id}/respond")>
                    <CsrfField/>
                    <label for=format!("rs-{id}")>{t(lang, "回复监管部门（如整改情况）", "Respond to the regulator (e.g. what was put right)")}</label>
                    <textarea id=format!("rs-{id}") name="body" rows="2" maxlength="2000" required></textarea>
                    <button type="submit">{t(lang, "提交回复", "Send")}</button>
                </form>
            })}
            {(!item.read).then(|| view! {
                <form method="post" action=format!("/console/inbox/{id}/read")>
                    <CsrfField/>
                    <button type="submit">{t(lang, "标记为已读", "Mark as read")}</button>
                </form>
            })}
        </li>
    }
}

#[component]
fn Webhooks(inbox_webhooks: Vec<crate::api::WebhookView>, owners: Vec<(String, String)>, lang: Lang) -> impl IntoView {
    let echo = use_context::<InboxEcho>().unwrap_or_default();
    let may_add = !owners.is_empty();
    view! {
        <section class="card" id="webhooks">
            <h2>{t(lang, "推送地址", "Where notices are pushed")}</h2>
            <p>{t(lang, "消息可推送到企业微信群机器人、钉钉机器人（加签）或贵单位系统的 JSON 接口（HMAC-SHA256 签名）。送达失败会自动重试。", "Notices can be pushed to a WeCom group robot, a DingTalk robot (signed) or your own system's JSON endpoint (HMAC-SHA256 signed). Failed deliveries are retried.")}</p>
            {(!inbox_webhooks.is_empty()).then(|| view! {
                <table class="console-sessions">
                    <thead><tr>
                        <th scope="col">{t(lang, "名称", "Name")}</th>
                        <th scope="col">{t(lang, "类型", "Kind")}</th>
                        <th scope="col">{t(lang, "地址", "Address")}</th>
                        <th scope="col">{t(lang, "送达/等待/失败", "Delivered / waiting / failed")}</th>
                        <th scope="col"><span class="visually-hidden">{t(lang, "操作", "Action")}</span></th>
                    </tr></thead>
                    <tbody>
                        {inbox_webhooks.into_iter().map(|w| view! {
                            <tr data-webhook=w.id>
                                <td>{w.label.clone()}" · "{w.owner.clone()}</td>
                                <td>{channel_name(lang, &w.channel)}</td>
                                <td><code>{w.url.clone()}</code></td>
                                <td>{w.delivered}" / "{w.queued}" / "{w.failed}</td>
                                <td>
                                    <form method="post" action=format!("/console/webhooks/{}/remove", w.id)>
                                        <CsrfField/>
                                        <button type="submit">{t(lang, "停止推送", "Stop")}</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {may_add.then(|| view! {
                <form class="account-form" method="post" action="/console/webhooks">
                    <CsrfField/>
                    <label for="wh-owner">{t(lang, "推送谁的消息", "Whose notices")}</label>
                    <select id="wh-owner" name="owner">
                        {owners.iter().map(|(code, name)| view! { <option value=code.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <label for="wh-channel">{t(lang, "类型", "Kind")}</label>
                    <select id="wh-channel" name="channel">
                        <option value="wecom">{channel_name(lang, "wecom")}</option>
                        <option value="dingtalk">{channel_name(lang, "dingtalk")}</option>
                        <option value="json">{channel_name(lang, "json")}</option>
                    </select>
                    <label for="wh-url">{t(lang, "Webhook 地址", "Webhook address")}</label>
                    <input id="wh-url" name="url" type="url" required value=echo.url.clone()
                        placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"/>
                    <label for="wh-secret">{t(lang, "签名密钥（钉钉加签密钥或 JSON 接口密钥；企业微信留空）", "Signing secret (DingTalk's or your JSON endpoint's; empty for WeCom)")}</label>
                    <input id="wh-secret" name="secret" type="password" autocomplete="off"/>
                    <label for="wh-label">{t(lang, "名称（如群名）", "Name (e.g. the group's)")}</label>
                    <input id="wh-label" name="label" maxlength="60" value=echo.label.clone()/>
                    <button class="primary" type="submit">{t(lang, "添加推送地址", "Add")}</button>
                </form>
            })}
        </section>
    }
}
