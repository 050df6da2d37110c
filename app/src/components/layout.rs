use crate::api::encode_query_value;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Whether the current page is a display screen's, which fills the screen without the site's
/// header and footer.
fn on_display_screen() -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let location = use_location();
    move || location.pathname.with(|p| p.starts_with("/display/"))
}

/// The top bar: the site name and the language switch.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let location = use_location();
    let display = on_display_screen();
    // `rel="external"` makes the router leave this link to the browser: the server sets the
    // cookie and sends the reader back to the page they were on, now in the other language.
    let switch_href = move || {
        let search = location.search.get();
        let search = match search.as_str() {
            "" | "?" => String::new(),
            s if s.starts_with('?') => s.to_string(),
            s => format!("?{s}"),
        };
        let here = format!("{}{search}", location.pathname.get());
        format!("/lang/{}?next={}", lang.other().tag(), encode_query_value(&here))
    };
    let header = move || {
        view! {
            <header class="site-header">
                <a class="skip-link" href="#main">{match lang { crate::i18n::Lang::Zh => "跳到正文", crate::i18n::Lang::En => "Skip to content" }}</a>
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"明"</span>
                    <span class="brand-name">{tr.site_name}</span>
                    <span class="brand-tagline">{tr.tagline}</span>
                </a>
                <nav class="site-nav" aria-label=tr.programme>
                    <a href="/programme">{tr.programme}</a>
                    <a href="/complaints">{match lang { crate::i18n::Lang::Zh => "投诉", crate::i18n::Lang::En => "Complaints" }}</a>
                </nav>
                <a class="lang-switch" href=switch_href rel="external" hreflang=lang.other().tag() lang=lang.other().tag()>
                    {tr.switch_to}
                </a>
            </header>
        }
    };
    move || (!display()).then(header)
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let lang = use_lang();
    let text = match lang {
        crate::i18n::Lang::Zh => "明厨 · 互联网+明厨亮灶 公开平台 · 数据为演示数据",
        crate::i18n::Lang::En => "Mingchu · Internet + Bright Kitchen open portal · demo data",
    };
    let display = on_display_screen();
    move || (!display()).then(|| view! { <footer class="site-footer"><p>{text}</p></footer> })
}
