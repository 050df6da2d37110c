use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    super::set_not_found_status();
    let tr = use_lang().tr();
    view! {
        <Title text=tr.not_found_title/>
        <section class="not-found">
            <h1>{tr.not_found_title}</h1>
            <p>{tr.not_found_body}</p>
            <p><a href="/">{tr.back_home}</a></p>
        </section>
    }
}
