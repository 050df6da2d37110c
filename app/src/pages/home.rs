use crate::api::{list_jurisdictions, search_venues, SearchPage, VenueQuery, MAX_QUERY_CHARS};
use crate::components::VenueCard;
use crate::domain::{DynamicGrade, VenueKind};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The home page: search venues by name or address and filter by type.
///
/// The search is a plain GET form, so it works without JavaScript. Once hydrated, every
/// keystroke replaces the URL's query string, which drives the results.
#[component]
pub fn HomePage() -> impl IntoView {
    let tr = use_lang().tr();
    let query_map = use_query_map();
    // Values the page cannot understand are ignored here; the JSON API reports them.
    let initial =
        query_map.with_untracked(|m| VenueQuery::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))).0);
    view! {
        // The site's name and what it is for (the title formatter adds the name to every page).
        <Title text=tr.tagline/>
        <Search initial/>
    }
}

/// An island: the search form and its results, updated in place as the reader types.
#[cfg_attr(feature = "island-search", island)]
#[cfg_attr(not(feature = "island-search"), component)]
fn Search(initial: VenueQuery) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let query = RwSignal::new(initial);
    let results = Resource::new(move || query.get(), search_venues);
    let jurisdictions = Resource::new(|| (), |_| list_jurisdictions());

    // The URL follows the query (shareable, and the back button leaves the page as it was).
    let go = move |next: VenueQuery| {
        #[cfg(feature = "hydrate-base")]
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&next.to_url()));
        }
        query.set(next);
    };
    let update = {
        move |change: &dyn Fn(&mut VenueQuery)| {
            let mut next = query.get_untracked();
            change(&mut next);
            next.page = 1;
            go(next);
        }
    };
    // While an input method is composing (typing pinyin for 食堂, say), wait for the
    // characters: searching for half-typed Latin letters would flash useless results.
    let on_input = {
        move |ev: leptos::ev::Event| {
            use leptos::wasm_bindgen::JsCast;
            if ev.dyn_ref::<leptos::web_sys::InputEvent>().is_some_and(|e| e.is_composing()) {
                return;
            }
            update(&|q| q.q = event_target_value(&ev));
        }
    };
    let on_composition_end = { move |ev: leptos::ev::CompositionEvent| update(&|q| q.q = event_target_value(&ev)) };
    let on_kind = { move |ev| update(&|q| q.kind = VenueKind::from_code(&event_target_value(&ev))) };
    let on_jurisdiction = {
        move |ev| {
            let code = event_target_value(&ev);
            update(&|q| q.jurisdiction = (!code.is_empty()).then(|| code.clone()));
        }
    };
    let on_grade = { move |ev| update(&|q| q.grade = DynamicGrade::from_code(&event_target_value(&ev))) };
    let on_camera = { move |ev| update(&|q| q.camera = event_target_checked(&ev)) };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        update(&|_| {});
    };

    view! {
        <section class="search-panel">
            <form class="search" method="get" action="/" role="search" on:submit=on_submit>
                <label class="search-label" for="q">{tr.search_label}</label>
                <div class="search-row">
                    <input id="q" name="q" type="search" autocomplete="off" enterkeyhint="search"
                        maxlength=MAX_QUERY_CHARS
                        placeholder=tr.search_placeholder
                        prop:value=move || query.read().q.clone()
                        on:input=on_input
                        on:compositionend=on_composition_end/>
                    <button type="submit">{tr.search_button}</button>
                </div>
                <div class="filters">
                    <label>
                        <span>{tr.kind_label}</span>
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
                    </label>
                    <label>
                        <span>{tr.jurisdiction}</span>
                        <select id="jurisdiction" name="jurisdiction" on:change=on_jurisdiction>
                            <option value="" selected=move || query.read().jurisdiction.is_none()>{tr.all_areas}</option>
                            <Suspense fallback=|| ()>
                                {move || jurisdictions.get().and_then(Result::ok).map(|list| list.into_iter().map(|j| {
                                    let code = j.code.clone();
                                    let label = if j.is_street { format!("\u{2003}{}", j.name) } else { j.name };
                                    view! {
                                        <option value=j.code selected=move || query.read().jurisdiction.as_deref() == Some(code.as_str())>
                                            {label}
                                        </option>
                                    }
                                }).collect_view())}
                            </Suspense>
                        </select>
                    </label>
                    <label>
                        <span>{tr.grade}</span>
                        <select id="grade" name="grade" on:change=on_grade>
                            <option value="" selected=move || query.read().grade.is_none()>{tr.all_grades}</option>
                            {DynamicGrade::ALL.iter().map(|g| {
                                let g = *g;
                                view! {
                                    <option value=g.code() selected=move || query.read().grade == Some(g)>
                                        {lang.dynamic_grade(g)}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="check">
                        <input id="camera" type="checkbox" name="camera" value="1"
                            prop:checked=move || query.read().camera on:change=on_camera/>
                        <span>{tr.has_camera}</span>
                    </label>
                    <NearMe query go=go/>
                </div>
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

/// "Near me": asks the browser for its position and sorts by distance. It needs JavaScript,
/// so the button appears only once the page is hydrated; the hidden field keeps a chosen point
/// when the form is submitted.
#[component]
fn NearMe<F>(query: RwSignal<VenueQuery>, go: F) -> impl IntoView
where
    F: Fn(VenueQuery) + Clone + Send + Sync + 'static,
{
    let tr = use_lang().tr();
    let (hydrated, set_hydrated) = signal(false);
    let (status, set_status) = signal(None::<&'static str>);
    Effect::new(move |_| set_hydrated.set(true));
    let near_value = move || query.read().near.map(|p| format!("{:.6},{:.6}", p.lat(), p.lng()));
    let locate = {
        let go = go.clone();
        move |_| {
            set_status.set(Some(tr.locating));
            let go = go.clone();
            crate::geo::current_position(move |result| match result {
                Ok(point) => {
                    set_status.set(None);
                    go(VenueQuery { near: Some(point), page: 1, ..query.get_untracked() });
                }
                Err(()) => set_status.set(Some(tr.location_unavailable)),
            });
        }
    };
    let clear = move |_| go(VenueQuery { near: None, page: 1, ..query.get_untracked() });
    view! {
        {move || near_value().map(|v| view! { <input type="hidden" name="near" value=v/> })}
        <Show when=move || hydrated.get()>
            <div class="near-me">
                {
                    let locate = locate.clone();
                    let clear = clear.clone();
                    move || if query.read().near.is_some() {
                        view! { <button type="button" class="secondary" on:click=clear.clone()>{tr.near_me_clear}</button> }.into_any()
                    } else {
                        view! { <button type="button" class="secondary" id="near-me" on:click=locate.clone()>{tr.near_me}</button> }.into_any()
                    }
                }
                <span class="near-status" role="status">{move || status.get()}</span>
            </div>
        </Show>
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
    let next = (page.page < page.page_count
        || (page.total_capped && page.venues.len() as u32 == crate::api::PAGE_SIZE))
        .then(|| VenueQuery { page: page.page + 1, ..query.clone() }.to_url());
    let (prev_label, next_label, page_label) = match lang {
        crate::i18n::Lang::Zh if page.total_capped => ("上一页", "下一页", format!("第 {} 页", page.page)),
        crate::i18n::Lang::En if page.total_capped => ("Previous", "Next", format!("Page {}", page.page)),
        crate::i18n::Lang::Zh => ("上一页", "下一页", format!("第 {} / {} 页", page.page, page.page_count)),
        crate::i18n::Lang::En => ("Previous", "Next", format!("Page {} of {}", page.page, page.page_count)),
    };
    view! {
        <p class="result-count" role="status" data-total=page.total>{page.total} {page.total_capped.then_some("+")} " " {tr.results_count}</p>
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
