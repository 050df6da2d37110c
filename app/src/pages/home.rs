use crate::api::{search_venues, SearchPage, VenueQuery};
use crate::components::VenueCard;
use crate::domain::VenueKind;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// The home page: search venues by name or address and filter by type.
///
/// The search is a plain GET form, so it works without JavaScript. Once hydrated, every
/// keystroke replaces the URL's query string, which drives the results.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|m| VenueQuery {
            q: m.get("q").unwrap_or_default(),
            kind: m.get("type").as_deref().and_then(VenueKind::from_code),
            page: m.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        })
    });
    let results = Resource::new(move || query.get(), search_venues);

    let navigate = use_navigate();
    let go = move |next: VenueQuery| {
        navigate(&next.to_url(), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    // While an input method is composing (typing pinyin for 食堂, say), wait for the
    // characters: searching for half-typed Latin letters would flash useless results.
    let on_input = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            use leptos::wasm_bindgen::JsCast;
            if ev.dyn_ref::<leptos::web_sys::InputEvent>().is_some_and(|e| e.is_composing()) {
                return;
            }
            go(VenueQuery { q: event_target_value(&ev), page: 1, ..query.get_untracked() })
        }
    };
    let on_composition_end = {
        let go = go.clone();
        move |ev: leptos::ev::CompositionEvent| {
            go(VenueQuery { q: event_target_value(&ev), page: 1, ..query.get_untracked() })
        }
    };
    let on_kind = {
        let go = go.clone();
        move |ev| {
            let kind = VenueKind::from_code(&event_target_value(&ev));
            go(VenueQuery { kind, page: 1, ..query.get_untracked() })
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(query.get_untracked());
    };

    view! {
        <section class="search-panel">
            <form class="search" method="get" action="/" role="search" on:submit=on_submit>
                <label class="search-label" for="q">{tr.search_label}</label>
                <div class="search-row">
                    <input id="q" name="q" type="search" autocomplete="off" enterkeyhint="search"
                        placeholder=tr.search_placeholder
                        prop:value=move || query.read().q.clone()
                        on:input=on_input
                        on:compositionend=on_composition_end/>
                    <button type="submit">{tr.search_button}</button>
                </div>
                <label class="kind-label" for="type">{tr.kind_label}</label>
                <select id="type" name="type" on:change=on_kind>
                    <option value="" selected=move || query.read().kind.is_none()>{tr.all_kinds}</option>
                    {VenueKind::ALL.iter().map(|k| {
                        let k = *k;
                        view! {
                            <option value=k.code() selected=move || query.read().kind == Some(k)>
                                {lang.venue_kind(k)}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </form>
        </section>
        <Transition fallback=move || view! { <p class="loading">{tr.loading}</p> }>
            {move || results.get().map(|result| match result {
                Ok(page) => view! { <Results page query=query.get_untracked()/> }.into_any(),
                Err(_) => view! { <p class="error" role="alert">{tr.error_unavailable}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Results(page: SearchPage, query: VenueQuery) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    if page.venues.is_empty() {
        return view! { <p class="no-results" role="status">{tr.no_results}</p> }.into_any();
    }
    let prev = (page.page > 1).then(|| VenueQuery { page: page.page - 1, ..query.clone() }.to_url());
    let next = (page.page < page.page_count).then(|| VenueQuery { page: page.page + 1, ..query.clone() }.to_url());
    let (prev_label, next_label, page_label) = match lang {
        crate::i18n::Lang::Zh => ("上一页", "下一页", format!("第 {} / {} 页", page.page, page.page_count)),
        crate::i18n::Lang::En => ("Previous", "Next", format!("Page {} of {}", page.page, page.page_count)),
    };
    view! {
        <p class="result-count" role="status" data-total=page.total>{page.total} " " {tr.results_count}</p>
        <ul class="venue-list">
            {page.venues.into_iter().map(|venue| view! { <VenueCard venue/> }).collect_view()}
        </ul>
        <nav class="pager">
            {prev.map(|href| view! { <a rel="prev" href=href>{prev_label}</a> })}
            <span>{page_label}</span>
            {next.map(|href| view! { <a rel="next" href=href>{next_label}</a> })}
        </nav>
    }
    .into_any()
}
