//! The workspace's pages: signing in, setting a password from a one-time link, and the
//! console. Server-rendered forms that post to the server (they work without JavaScript);
//! every form carries the browser's CSRF field.

mod account;

pub use account::{LoginPage, PasswordPage};

use crate::api::{get_console_home, visitor, ConsoleHome};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// A role's name.
fn role_name(lang: Lang, code: &str) -> &'static str {
    match code {
        "administrator" => t(lang, "管理员", "Administrator"),
        "inspector" => t(lang, "监管人员", "Inspector"),
        _ => t(lang, "餐饮单位经营者", "Venue operator"),
    }
}

/// The hidden CSRF field of a form.
#[component]
pub(crate) fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=visitor().csrf/> }
}

/// `/console`: who you are, what you may act on, and your sessions (each can be ended).
#[component]
pub fn ConsolePage() -> impl IntoView {
    let lang = use_lang();
    // The server sends whoever is not signed in to the sign-in page before this renders.
    let home = Resource::new_blocking(|| (), |_| get_console_home());
    view! {
        <Title text=t(lang, "工作台", "Console")/>
        <article class="console">
            <Suspense fallback=|| ()>
                {move || home.get().map(|home| match home {
                    Ok(home) => view! { <ConsoleHomeView home lang/> }.into_any(),
                    Err(_) => view! {
                        <p class="error" role="alert">{t(lang, "请先登录。", "Please sign in first.")}</p>
                        <a class="button primary" href="/account/login?next=/console">{t(lang, "登录", "Sign in")}</a>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}

#[component]
fn ConsoleHomeView(home: ConsoleHome, lang: Lang) -> impl IntoView {
    let scope = match (&home.office, home.venues.is_empty()) {
        (Some(office), _) => {
            let area = home.jurisdiction.clone().unwrap_or_default();
            view! { <p>{t(lang, "所属监管所：", "Supervision office: ")}{office.clone()}" · "{area}</p> }.into_any()
        }
        (None, false) => view! {
            <p>{t(lang, "您的单位：", "Your venues: ")}</p>
            <ul class="console-venues">
                {home.venues.iter().map(|(id, name)| view! {
                    <li><a href=format!("/venues/{id}")>{name.clone()}</a></li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
        (None, true) => {
            view! { <p>{t(lang, "可管理整个项目。", "You may act on the whole programme.")}</p> }.into_any()
        }
    };
    view! {
        <header class="console-head">
            <h1>{t(lang, "工作台", "Console")}</h1>
            <p class="console-who">
                <strong>{home.display_name.clone()}</strong>" ("{home.login.clone()}") · "{role_name(lang, &home.role)}
            </p>
            <form method="post" action="/account/logout">
                <CsrfField/>
                <button type="submit">{t(lang, "退出登录", "Sign out")}</button>
            </form>
        </header>
        <section class="card">
            <h2>{t(lang, "权限范围", "What you may act on")}</h2>
            {scope}
        </section>
        <section class="card">
            <h2>{t(lang, "登录会话", "Your sessions")}</h2>
            <table class="console-sessions">
                <thead><tr>
                    <th scope="col">{t(lang, "登录时间", "Signed in")}</th>
                    <th scope="col">{t(lang, "最近使用", "Last used")}</th>
                    <th scope="col">{t(lang, "地址", "Address")}</th>
                    <th scope="col">{t(lang, "浏览器", "Browser")}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, "操作", "Action")}</span></th>
                </tr></thead>
                <tbody>
                    {home.sessions.into_iter().map(|s| view! {
                        <tr data-session=s.id>
                            <td>{s.created_at}</td>
                            <td>{s.last_seen_at}</td>
                            <td>{s.address.unwrap_or_default()}</td>
                            <td>{s.user_agent.unwrap_or_default()}</td>
                            <td>{if s.current {
                                view! { <span>{t(lang, "当前会话", "This session")}</span> }.into_any()
                            } else {
                                view! {
                                    <form method="post" action=format!("/console/sessions/{}/end", s.id)>
                                        <CsrfField/>
                                        <button type="submit">{t(lang, "结束", "End")}</button>
                                    </form>
                                }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
