//! `/console/captures`: the review desk for AI captures. Server-rendered forms (no script):
//! a queue per office, oldest first; confirm, dismiss with a reason, merge into an open
//! capture of the same venue, or put back; many at once with the ticked boxes; one at a time
//! with keyboard shortcuts (the browser's access keys); and per rule and camera, the share
//! dismissed, so thresholds can be tuned from evidence.

use super::{ConsoleNav, CsrfField};
use crate::api::{get_review_desk, CaptureCard, DeskEcho, DeskQuery, ReviewDesk, TallyRow};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use mingchu_domain::review::DismissReason;

fn state_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "pending" => t(lang, "待审核", "Waiting"),
        "confirmed" => t(lang, "已确认", "Confirmed"),
        "dismissed" => t(lang, "已排除", "Dismissed"),
        _ => t(lang, "已合并", "Merged"),
    }
}

fn reason_name(lang: Lang, reason: DismissReason) -> &'static str {
    match reason {
        DismissReason::FalsePet => t(lang, "误报：宠物或动物图片", "False: a pet or a picture"),
        DismissReason::FalseReflection => t(lang, "误报：反光、阴影或海报", "False: reflection, shadow or poster"),
        DismissReason::FalseStaffOnBreak => t(lang, "误报：员工休息，非操作中", "False: staff on a break"),
        DismissReason::FalseOther => t(lang, "误报：其他", "False: other"),
        DismissReason::NotAViolation => t(lang, "识别正确但不属违规", "Seen right, not a violation"),
    }
}

/// A stored UTC time as China time, to the second.
/// A stored time in China time to the second (captures are seconds apart).
fn shown(at: &str) -> String {
    super::shown_to(at, 19)
}

fn percent(share: Option<f64>) -> String {
    share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "–".into())
}

/// The desk's query from the page's address.
fn desk_query(get: impl Fn(&str) -> Option<String>) -> DeskQuery {
    DeskQuery {
        state: get("state").filter(|s| !s.is_empty()),
        mine: get("mine").is_some_and(|v| v == "1"),
        camera: get("camera").and_then(|c| c.parse().ok()),
        category: get("category").filter(|c| !c.is_empty()),
        after: get("after").filter(|a| !a.is_empty()),
        one: get("one").is_some_and(|v| v == "1"),
    }
}

/// The address of the desk for `query`.
fn desk_href(query: &DeskQuery) -> String {
    let mut parts = Vec::new();
    if let Some(state) = &query.state {
        parts.push(format!("state={state}"));
    }
    if query.mine {
        parts.push("mine=1".into());
    }
    if let Some(camera) = query.camera {
        parts.push(format!("camera={camera}"));
    }
    if let Some(category) = &query.category {
        parts.push(format!("category={}", encode(category)));
    }
    if query.one {
        parts.push("one=1".into());
    }
    if let Some(after) = &query.after {
        parts.push(format!("after={}", encode(after)));
    }
    if parts.is_empty() {
        "/console/captures".into()
    } else {
        format!("/console/captures?{}", parts.join("&"))
    }
}

fn encode(value: &str) -> String {
    mingchu_domain::text::percent_encode(value, b"")
}

#[component]
pub fn CapturesPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let query = params.with_untracked(|q| desk_query(|k| q.get(k)));
    let outcome = params.with_untracked(|q| (q.get("done"), q.get("skipped")));
    let echo = use_context::<DeskEcho>();
    let desk = Resource::new_blocking(
        {
            let query = query.clone();
            move || query.clone()
        },
        get_review_desk,
    );
    view! {
        <Title text=t(lang, "抓拍审核", "Review desk")/>
        <article class="console desk">
            <ConsoleNav current="captures"/>
            <h1>{t(lang, "AI抓拍审核", "Review of AI captures")}</h1>
            <Outcome lang done=outcome.0 skipped=outcome.1 echo/>
            <Suspense fallback=|| ()>
                {move || desk.get().map(|desk| match desk {
                    Ok(desk) => view! { <Desk desk query=query.clone() lang/> }.into_any(),
                    Err(crate::error::AppError::Forbidden(_)) => view! {
                        <p class="error" role="alert">{t(lang, "您的账号没有审核抓拍的权限。审核由监管人员进行；餐饮单位可在“消息”中查看已确认的问题。", "Your account may not review captures. Inspectors review them; a venue sees confirmed findings in its inbox.")}</p>
                    }.into_any(),
                    Err(crate::error::AppError::BadRequest(why)) => view! {
                        <p class="error" role="alert">{t(lang, "无法识别此页面地址：", "This page's address is not one the desk knows: ")}{why}</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "暂时无法读取抓拍，请稍后再试。", "The captures cannot be read just now; try again shortly.")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

/// What the last form did, or why it could not.
#[component]
fn Outcome(lang: Lang, done: Option<String>, skipped: Option<String>, echo: Option<DeskEcho>) -> impl IntoView {
    let done = done.and_then(|d| {
        let (what, n) = d.rsplit_once('-')?;
        let n: i64 = n.parse().ok()?;
        Some(match (lang, what) {
            (Lang::Zh, "confirmed") => format!("已确认抓拍 #{n}，已推送给餐饮单位。"),
            (Lang::Zh, "dismissed") => format!("已排除抓拍 #{n}。"),
            (Lang::Zh, "merged") => format!("已将抓拍 #{n} 合并。"),
            (Lang::Zh, _) => format!("已撤回抓拍 #{n} 的审核，重新进入待审核队列。"),
            (Lang::En, "confirmed") => format!("Capture #{n} confirmed and pushed to the venue."),
            (Lang::En, "dismissed") => format!("Capture #{n} dismissed."),
            (Lang::En, "merged") => format!("Capture #{n} merged."),
            (Lang::En, _) => format!("Capture #{n} is back in the queue."),
        })
    });
    // Bulk outcomes carry a count rather than an id.
    let skipped = skipped.and_then(|s| s.parse::<u32>().ok()).map(|n| match lang {
        Lang::Zh => format!("{n}条未处理：已被审核过或不在您的辖区内。"),
        Lang::En => format!("{n} were left as they were: decided already or outside your jurisdictions."),
    });
    view! {
        {done.map(|text| view! { <p class="success" role="status">{text}</p> })}
        {skipped.map(|text| view! { <p class="error" role="status">{text}</p> })}
        {echo.map(|echo| view! {
            <p class="error" role="alert">
                {echo.capture.map(|id| format!("#{id}: "))}{echo.problem}
            </p>
        })}
    }
}

#[component]
fn Desk(desk: ReviewDesk, query: DeskQuery, lang: Lang) -> impl IntoView {
    let pending = desk.state == "pending";
    let back = desk_href(&query);
    let tabs = desk
        .counts
        .iter()
        .map(|(state, count)| {
            let href = desk_href(&DeskQuery {
                state: (state != "pending").then(|| state.clone()),
                after: None,
                one: false,
                ..query.clone()
            });
            let current = *state == desk.state;
            view! {
                <li><a href=href aria-current=current.then_some("page")>
                    {state_name(lang, state)}" "<span class="count">{*count}</span>
                </a></li>
            }
        })
        .collect_view();
    let mine_href = desk_href(&DeskQuery { mine: !query.mine, after: None, ..query.clone() });
    let one_href = desk_href(&DeskQuery { one: !query.one, after: None, ..query.clone() });
    let next_href = desk.next.as_ref().map(|next| desk_href(&DeskQuery { after: Some(next.clone()), ..query.clone() }));
    let empty = desk.captures.is_empty();
    let one_view = query.one && pending;
    let skip_href = (one_view && !empty).then(|| {
        let c = &desk.captures[0];
        desk_href(&DeskQuery { after: Some(format!("{}|{}", c.at, c.id)), ..query.clone() })
    });
    let filters = view! { <Filters desk=desk.clone() query=query.clone() lang/> };
    let body = if empty {
        view! {
            <p class="desk-empty">{if pending {
                t(lang, "待审核队列已清空。", "The queue is empty.")
            } else {
                t(lang, "没有符合条件的抓拍。", "No captures match.")
            }}</p>
        }
        .into_any()
    } else if one_view {
        let card = desk.captures[0].clone();
        view! { <OneAtATime card back=back.clone() skip=skip_href.unwrap_or_default() lang/> }.into_any()
    } else {
        view! { <CaptureList captures=desk.captures.clone() pending back=back.clone() lang/> }.into_any()
    };
    view! {
        <nav class="desk-tabs" aria-label=t(lang, "审核状态", "Review state")><ul>{tabs}</ul></nav>
        <p class="desk-modes">
            <a href=mine_href>{if query.mine {
                t(lang, "显示全部人员的审核", "Show everyone's decisions")
            } else {
                t(lang, "只看我审核的", "Only my decisions")
            }}</a>
            {pending.then(|| view! {
                " · "<a href=one_href.clone()>{if query.one {
                    t(lang, "列表审核", "Review as a list")
                } else {
                    t(lang, "逐条审核（快捷键）", "One at a time (shortcuts)")
                }}</a>
            })}
        </p>
        {filters}
        {body}
        {next_href.map(|href| view! {
            <p class="desk-more"><a class="button" href=href>{t(lang, "下一页", "Next page")}</a></p>
        })}
        <Tuning rules=desk.rules cameras=desk.cameras lang/>
    }
}

/// Narrowing the desk to one camera or one rule (a plain GET form).
#[component]
fn Filters(desk: ReviewDesk, query: DeskQuery, lang: Lang) -> impl IntoView {
    view! {
        <form class="desk-filters" method="get" action="/console/captures">
            {query.state.clone().map(|s| view! { <input type="hidden" name="state" value=s/> })}
            {query.mine.then(|| view! { <input type="hidden" name="mine" value="1"/> })}
            {query.one.then(|| view! { <input type="hidden" name="one" value="1"/> })}
            <label for="desk-camera">{t(lang, "摄像头", "Camera")}</label>
            <select id="desk-camera" name="camera">
                <option value="">{t(lang, "全部", "All")}</option>
                {desk.cameras.iter().map(|row| {
                    let id = row.id.unwrap_or_default();
                    view! { <option value=id.to_string() selected=query.camera == Some(id)>{row.name.clone()}" #"{id}</option> }
                }).collect_view()}
            </select>
            <label for="desk-rule">{t(lang, "规则", "Rule")}</label>
            <select id="desk-rule" name="category">
                <option value="">{t(lang, "全部", "All")}</option>
                {desk.rules.iter().map(|row| {
                    let selected = query.category.as_deref() == Some(row.name.as_str());
                    view! { <option value=row.name.clone() selected=selected>{row.name.clone()}</option> }
                }).collect_view()}
            </select>
            <button type="submit">{t(lang, "筛选", "Filter")}</button>
        </form>
    }
}

/// The camera's recorded video around the capture, attached to it as its case.
fn recording_href(card: &CaptureCard) -> String {
    format!("/console/cameras/{}/timeline?at={}&case=capture:{}", card.camera_id, encode(&card.at), card.id)
}

/// What a capture is: picture, rule, confidence, camera, venue, time, detections.
#[component]
fn Evidence(card: CaptureCard, lang: Lang, large: bool) -> impl IntoView {
    let (width, height) = if large { (960, 540) } else { (480, 270) };
    let alt = match lang {
        Lang::Zh => format!("抓拍 #{}：{}，{}", card.id, card.category, card.camera),
        Lang::En => format!("Capture #{}: {} on {}", card.id, card.category, card.camera),
    };
    view! {
        <a href=format!("/console/captures/{}/snapshot.jpg", card.id) class="desk-snapshot">
            <img src=format!("/console/captures/{}/snapshot.jpg", card.id) alt=alt width=width height=height
                loading=if large { "eager" } else { "lazy" }/>
        </a>
        <dl class="desk-facts">
            <dt>{t(lang, "规则", "Rule")}</dt><dd class="desk-rule">{card.category.clone()}</dd>
            <dt>{t(lang, "置信度", "Confidence")}</dt><dd>{format!("{:.0}%", card.confidence * 100.0)}</dd>
            <dt>{t(lang, "单位", "Venue")}</dt><dd><a href=format!("/venues/{}", card.venue_id)>{card.venue.clone()}</a></dd>
            <dt>{t(lang, "摄像头", "Camera")}</dt><dd>{card.camera.clone()}</dd>
            <dt>{t(lang, "时间", "Time")}</dt><dd><time datetime=card.at.clone()>{shown(&card.at)}</time>
                " · "<a class="desk-recording" href=recording_href(&card)>{t(lang, "录像回放", "Recorded video")}</a></dd>
            <dt>{t(lang, "识别结果", "Detections")}</dt>
            <dd>{card.detections.iter().map(|(label, score)| format!("{label} {:.0}%", score * 100.0)).collect::<Vec<_>>().join("，")}</dd>
            {(card.merged > 0).then(|| view! {
                <dt>{t(lang, "并入的抓拍", "Merged into it")}</dt><dd>{card.merged}</dd>
            })}
        </dl>
    }
}

/// Who decided and how, with the way back to the queue.
#[component]
fn Decided(card: CaptureCard, back: String, lang: Lang) -> impl IntoView {
    let how = match (card.review.as_str(), card.dismiss_reason.as_deref().and_then(DismissReason::from_code)) {
        ("dismissed", Some(reason)) => match lang {
            Lang::Zh => format!("已排除（{}）", reason_name(lang, reason)),
            Lang::En => format!("Dismissed ({})", reason_name(lang, reason)),
        },
        ("merged", _) => match lang {
            Lang::Zh => format!("已并入抓拍 #{}", card.merged_into.unwrap_or_default()),
            Lang::En => format!("Merged into capture #{}", card.merged_into.unwrap_or_default()),
        },
        (state, _) => state_name(lang, state).to_string(),
    };
    let by = card.reviewed_by.clone().unwrap_or_else(|| t(lang, "系统", "the system").to_string());
    view! {
        <p class="desk-decided">
            <strong>{how}</strong>" · "{by}{card.reviewed_by_me.then(|| t(lang, "（我）", " (me)"))}
            {card.reviewed_at.as_deref().map(|at| view! { " · "<time datetime=at.to_string()>{shown(at)}</time> })}
        </p>
        <form method="post" action=format!("/console/captures/{}/review", card.id)>
            <CsrfField/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" name="decision" value="unreview">{t(lang, "撤回审核", "Put back in the queue")}</button>
        </form>
        {(card.review == "confirmed").then(|| view! {
            <p><a class="button primary" href=format!("/console/orders/new?venue={}&capture={}", card.venue_id, card.id)>
                {t(lang, "下达整改通知", "Issue a rectification order")}
            </a></p>
        })}
    }
}

/// The decision form of one waiting capture. With `keys`, the buttons carry access keys.
#[component]
fn DecisionForm(card: CaptureCard, back: String, lang: Lang, keys: bool) -> impl IntoView {
    let id = card.id;
    let key = move |k: &'static str| keys.then_some(k);
    view! {
        <form class="desk-decide" method="post" action=format!("/console/captures/{id}/review")>
            <CsrfField/>
            <input type="hidden" name="back" value=back/>
            <button class="primary" type="submit" name="decision" value="confirm" accesskey=key("c")>
                {t(lang, "确认违规", "Confirm")}{keys.then(|| view! { " "<kbd>"C"</kbd> })}
            </button>
            {if keys {
                // One button per reason, so that each has its key.
                DismissReason::ALL.iter().enumerate().map(|(i, reason)| {
                    let n = ["1", "2", "3", "4", "5"][i];
                    view! {
                        <button type="submit" name="decision" value=format!("dismiss:{}", reason.code()) accesskey=n>
                            {t(lang, "排除：", "Dismiss: ")}{reason_name(lang, *reason)}" "<kbd>{n}</kbd>
                        </button>
                    }
                }).collect_view().into_any()
            } else {
                view! {
                    <label class="visually-hidden" for=format!("reason-{id}")>{t(lang, "排除原因", "Why dismissed")}</label>
                    <select id=format!("reason-{id}") name="reason">
                        <option value="">{t(lang, "选择排除原因…", "Why dismissed…")}</option>
                        {DismissReason::ALL.iter().map(|r| view! { <option value=r.code()>{reason_name(lang, *r)}</option> }).collect_view()}
                    </select>
                    <button type="submit" name="decision" value="dismiss">{t(lang, "排除", "Dismiss")}</button>
                }.into_any()
            }}
            {(!card.merge_candidates.is_empty()).then(|| view! {
                <label class="visually-hidden" for=format!("into-{id}")>{t(lang, "并入的抓拍", "Merge into")}</label>
                <select id=format!("into-{id}") name="into">
                    {card.merge_candidates.iter().map(|(other, category, at)| view! {
                        <option value=other.to_string()>"#"{*other}" "{category.clone()}" "{shown(at)}</option>
                    }).collect_view()}
                </select>
                <button type="submit" name="decision" value="merge" accesskey=key("m")>
                    {t(lang, "合并为同一事件", "Merge: same event")}{keys.then(|| view! { " "<kbd>"M"</kbd> })}
                </button>
            })}
        </form>
    }
}

/// The queue one capture at a time, large, with keys for every decision.
#[component]
fn OneAtATime(card: CaptureCard, back: String, skip: String, lang: Lang) -> impl IntoView {
    let id = card.id;
    view! {
        <section class="card desk-one" id=format!("c{id}") data-capture=id>
            <h2>{t(lang, "抓拍", "Capture")}" #"{id}</h2>
            <Evidence card=card.clone() lang large=true/>
            <DecisionForm card back lang keys=true/>
            <p><a href=skip accesskey="n">{t(lang, "跳过，看下一条", "Skip to the next")}" "<kbd>"N"</kbd></a></p>
            <p class="desk-keys">{t(
                lang,
                "快捷键：在 Chrome/Edge 中按 Alt+键（macOS 为 Control+Option+键），Firefox 为 Alt+Shift+键。",
                "Shortcuts: Alt+key in Chrome and Edge (Control+Option+key on macOS), Alt+Shift+key in Firefox.",
            )}</p>
        </section>
    }
}

/// A page of captures, with boxes to tick for a decision on many at once.
#[component]
fn CaptureList(captures: Vec<CaptureCard>, pending: bool, back: String, lang: Lang) -> impl IntoView {
    let bulk = pending.then(|| {
        view! {
            <form id="bulk" class="card desk-bulk" method="post" action="/console/captures/bulk">
                <CsrfField/>
                <input type="hidden" name="back" value=back.clone()/>
                <label for="bulk-decision">{t(lang, "对勾选的抓拍：", "For the ticked captures:")}</label>
                <select id="bulk-decision" name="decision">
                    <option value="confirm">{t(lang, "确认违规", "Confirm")}</option>
                    {DismissReason::ALL.iter().map(|r| view! {
                        <option value=format!("dismiss:{}", r.code())>{t(lang, "排除：", "Dismiss: ")}{reason_name(lang, *r)}</option>
                    }).collect_view()}
                </select>
                <button type="submit">{t(lang, "批量处理", "Decide all ticked")}</button>
            </form>
        }
    });
    view! {
        {bulk}
        <ol class="desk-list">
            {captures.into_iter().map(|card| {
                let id = card.id;
                let decided = card.review != "pending";
                let review = card.review.clone();
                view! {
                    <li class="card desk-card" id=format!("c{id}") data-capture=id data-review=review>
                        <h2>
                            {(!decided).then(|| view! {
                                <input type="checkbox" form="bulk" name="id" value=id.to_string() id=format!("tick-{id}")/>
                                <label for=format!("tick-{id}") class="visually-hidden">{t(lang, "勾选", "Tick")}" #"{id}</label>
                            })}
                            {t(lang, "抓拍", "Capture")}" #"{id}
                        </h2>
                        <Evidence card=card.clone() lang large=false/>
                        {if decided {
                            view! { <Decided card back=back.clone() lang/> }.into_any()
                        } else {
                            view! { <DecisionForm card back=back.clone() lang keys=false/> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Per rule and per camera: how captures were decided, and the share dismissed.
#[component]
fn Tuning(rules: Vec<TallyRow>, cameras: Vec<TallyRow>, lang: Lang) -> impl IntoView {
    let table = move |caption: &'static str, first: &'static str, rows: Vec<TallyRow>| {
        view! {
            <table class="desk-tuning">
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">{first}</th>
                    <th scope="col">{t(lang, "待审核", "Waiting")}</th>
                    <th scope="col">{t(lang, "确认", "Confirmed")}</th>
                    <th scope="col">{t(lang, "合并", "Merged")}</th>
                    <th scope="col">{t(lang, "误报", "False positives")}</th>
                    <th scope="col">{t(lang, "非违规", "Not violations")}</th>
                    <th scope="col">{t(lang, "排除占比", "Share dismissed")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.name}{row.id.map(|id| format!(" #{id}"))}</th>
                            <td>{row.tally.pending}</td>
                            <td>{row.tally.confirmed}</td>
                            <td>{row.tally.merged}</td>
                            <td>{row.tally.false_positives}</td>
                            <td>{row.tally.not_violations}</td>
                            <td class="share">{percent(row.tally.dismissed_share())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="card" id="tuning">
            <h2>{t(lang, "规则调优依据", "Evidence for tuning the rules")}</h2>
            <p>{t(lang, "已审核抓拍中被排除的比例。比例高的规则或摄像头，应提高阈值或调整检测区域。", "The share of reviewed captures that were dismissed. Where it is high, raise the rule's threshold or move its zone.")}</p>
            {table(t(lang, "按规则", "Per rule"), t(lang, "规则", "Rule"), rules)}
            {table(t(lang, "按摄像头", "Per camera"), t(lang, "摄像头", "Camera"), cameras)}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_address_keeps_its_filters() {
        let query = DeskQuery {
            state: Some("dismissed".into()),
            mine: true,
            camera: Some(4),
            category: Some("无帽 hat".into()),
            after: None,
            one: false,
        };
        let href = desk_href(&query);
        assert_eq!(href, "/console/captures?state=dismissed&mine=1&camera=4&category=%E6%97%A0%E5%B8%BD%20hat");
        let query_of = |href: &str| {
            let q = href.split_once('?').map(|(_, q)| q).unwrap_or("");
            let pairs: Vec<(String, String)> = q
                .split('&')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_string(), percent_decode(v)))
                .collect();
            desk_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        };
        assert_eq!(query_of(&href), query);
        assert_eq!(desk_href(&DeskQuery::default()), "/console/captures");
    }

    fn percent_decode(v: &str) -> String {
        let bytes = v.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn times_are_shown_in_china_time() {
        assert_eq!(shown("2026-12-01T02:03:04.500Z"), "2026-12-01 10:03:04");
    }
}
