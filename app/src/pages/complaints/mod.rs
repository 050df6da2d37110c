//! Complaints: the standalone form (venue chosen by search), the public tracking page, and
//! the reference lookup. The venue page embeds the same form.

mod form;
#[cfg(feature = "hydrate-base")]
mod submit;
mod track;

pub use form::ComplaintFormView;
pub use track::ComplaintPage;

use crate::api::{get_complaint_form, search_venues, VenueQuery};
use crate::domain::VenueId;
use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Picks the text for `lang`.
pub(crate) fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The form for one venue, loaded with a fresh token (used by the venue page).
#[component]
pub fn VenueComplaintForm(venue: VenueId) -> impl IntoView {
    let lang = use_lang();
    let form = Resource::new(move || venue, |v| get_complaint_form(Some(v)));
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t(lang, "加载中…", "Loading…")}</p> }>
            {move || form.get().map(|r| match r {
                Ok(form) => view! { <ComplaintFormView form/> }.into_any(),
                Err(_) => view! { <p class="error" role="alert">{t(lang, "投诉表单暂时无法加载。", "The complaint form cannot be loaded just now.")}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// `/complaints/new` (and `/complaints/submit`, where a refused submission comes back): the
/// form once a venue is chosen, else a venue search.
#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let venue = move || query.with(|q| q.get("venue").and_then(|v| v.trim().parse::<i64>().ok()).map(VenueId));
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let form = Resource::new(venue, get_complaint_form);
    view! {
        <Title text=t(lang, "投诉举报", "Make a complaint")/>
        <article class="complaint-new">
            <h1>{t(lang, "食品安全投诉", "Food-safety complaint")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t(lang, "加载中…", "Loading…")}</p> }>
                {move || form.get().map(|r| match r {
                    Ok(form) if form.venue.is_some() => {
                        let v = form.venue.clone().expect("checked");
                        view! {
                            <section class="card">
                                <p class="complaint-venue">
                                    {t(lang, "投诉对象：", "About: ")}
                                    <a href=format!("/venues/{}", v.id.0)><strong>{v.name.clone()}</strong></a>
                                    " · " {v.address.clone()} " "
                                    <a class="change" href="/complaints/new">{t(lang, "更换", "change")}</a>
                                </p>
                                <ComplaintFormView form/>
                            </section>
                        }.into_any()
                    }
                    Ok(form) => {
                        let problems = form.problems.clone();
                        view! {
                            {(!problems.is_empty()).then(|| view! {
                                <div class="form-problems" role="alert">
                                    <ul>{problems.into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}</ul>
                                </div>
                            })}
                            <VenuePicker search=search()/>
                        }.into_any()
                    }
                    Err(_) => view! { <p class="error" role="alert">{t(lang, "暂时无法加载，请稍后重试。", "Unavailable just now; please try again later.")}</p> }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

/// Step one of the standalone form: find the venue (a GET form, so it works without JS).
#[component]
fn VenuePicker(search: String) -> impl IntoView {
    let lang = use_lang();
    let q = search.trim().to_string();
    let results = Resource::new(
        move || q.clone(),
        |q| async move {
            if q.is_empty() {
                return Ok(None);
            }
            search_venues(VenueQuery { q, page: 1, ..Default::default() }).await.map(Some)
        },
    );
    view! {
        <section class="card venue-picker">
            <h2>{t(lang, "第一步：选择投诉对象", "Step 1: find the venue")}</h2>
            <form method="get" action="/complaints/new" role="search">
                <label for="pick-q">{t(lang, "单位名称或地址", "Venue name or address")}</label>
                <input id="pick-q" type="search" name="q" value=search.clone() required maxlength="100"/>
                <button type="submit">{t(lang, "搜索", "Search")}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || results.get().map(|r| match r {
                    Ok(Some(page)) if page.venues.is_empty() => view! {
                        <p class="empty">{t(lang, "没有找到，请换个关键词。", "Nothing found; try other words.")}</p>
                    }.into_any(),
                    Ok(Some(page)) => view! {
                        <ul class="pick-list">
                            {page.venues.into_iter().map(|v| view! {
                                <li>
                                    <a href=format!("/complaints/new?venue={}", v.id.0)>
                                        <strong>{v.name}</strong> <span class="address">{v.address}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(_) => view! { <p class="error" role="alert">{t(lang, "搜索暂时不可用。", "Search is unavailable just now.")}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// `/complaints`: follow a complaint by its reference, or start a new one.
#[component]
pub fn ComplaintsHome() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let typed = move || query.with(|q| q.get("ref").unwrap_or_default());
    let invalid = move || query.with(|q| q.get("invalid").is_some());
    view! {
        <Title text=t(lang, "投诉查询", "Follow a complaint")/>
        <article class="complaints-home">
            <h1>{t(lang, "投诉举报", "Complaints")}</h1>
            <section class="card">
                <h2>{t(lang, "查询投诉进度", "Follow a complaint")}</h2>
                <form method="get" action="/complaints/lookup">
                    <label for="lookup-ref">{t(lang, "投诉编号", "Reference")}</label>
                    <input id="lookup-ref" name="ref" required placeholder="MC-XXXX-XXXX-XXXX" value=typed autocapitalize="characters"/>
                    <button type="submit">{t(lang, "查询", "Look up")}</button>
                </form>
                {move || invalid().then(|| view! {
                    <p class="error" role="alert">
                        {match lang {
                            Lang::Zh => format!("“{}”不是有效的投诉编号（格式：MC-XXXX-XXXX-XXXX）。", typed()),
                            Lang::En => format!("“{}” is not a complaint reference (they look like MC-XXXX-XXXX-XXXX).", typed()),
                        }}
                    </p>
                })}
            </section>
            <section class="card">
                <h2>{t(lang, "我要投诉", "Make a complaint")}</h2>
                <p>{t(
                    lang,
                    "也可以在单位页面直接投诉。监管部门应在7个工作日内决定是否受理；受理后调解一般在45个工作日内完成。",
                    "You can also complain from a venue's page. The regulator must decide within 7 working days whether to accept a complaint; mediation then ends within 45 working days.",
                )}</p>
                <a class="button primary" href="/complaints/new">{t(lang, "开始投诉", "Start a complaint")}</a>
            </section>
        </article>
    }
}
