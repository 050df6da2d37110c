//! The workspace's pages: signing in, setting a password from a one-time link, and the
//! console. Server-rendered forms that post to the server (they work without JavaScript);
//! every form carries the browser's CSRF field.

mod account;
mod captures;
mod complaints;
mod contracts;
mod disputes;
mod inbox;
mod kpis;
mod orders;
mod patrols;
mod report;
mod timeline;
mod timeline_video;
mod venues;

pub use account::{LoginPage, PasswordPage};
pub use captures::CapturesPage;
pub use complaints::{ComplaintCasePage, ComplaintDeskPage};
pub use contracts::ContractsPage;
pub use disputes::{DisputeCasePage, DisputeListPage, NewDisputePage};
pub use inbox::InboxPage;
pub use kpis::KpisPage;
pub(crate) use orders::{category_text, source_name};
pub use orders::{NewOrderPage, OrderCasePage, OrderListPage, OrderPrintPage};
pub(crate) use patrols::RiskCard;
pub use patrols::{PatrolListPage, PatrolTaskPage, PatrolVisitPage};
pub use report::ReportPage;
pub use timeline::TimelinePage;
pub use venues::{VenueDeskPage, VenueListPage};

use crate::api::{get_console_home, visitor, ConsoleHome, TotpView};
use crate::i18n::{use_lang, Lang};
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// A stored time as the console shows it: China time, to the minute.
pub(crate) fn shown(at: &str) -> String {
    shown_to(at, 16)
}

/// A stored time in China time, `YYYY-MM-DD HH:MM[:SS]` cut after `chars`.
pub(crate) fn shown_to(at: &str, chars: usize) -> String {
    mingchu_domain::china_time::format_stored(at)
        .and_then(|t| t.get(..chars).map(|s| s.replace('T', " ")))
        .unwrap_or_else(|| at.to_string())
}

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

/// The console's sections, as the signed-in person's role has them.
#[component]
pub(crate) fn ConsoleNav(current: &'static str) -> impl IntoView {
    let lang = use_lang();
    let role = visitor().user.map(|u| u.role).unwrap_or_default();
    let mut items = vec![("home", "/console", t(lang, "工作台", "Console"))];
    if role != "operator" {
        items.push(("captures", "/console/captures", t(lang, "抓拍审核", "Review desk")));
        items.push(("patrols", "/console/patrols", t(lang, "巡查", "Patrols")));
        items.push(("kpis", "/console/kpis", t(lang, "指标", "Figures")));
    }
    items.push(("venues", "/console/venues", t(lang, "单位", "Venues")));
    items.push(("orders", "/console/orders", t(lang, "整改", "Orders")));
    items.push(("disputes", "/console/disputes", t(lang, "异议", "Disputes")));
    items.push(("complaints", "/console/complaints", t(lang, "投诉处理", "Complaints")));
    items.push(("inbox", "/console/inbox", t(lang, "消息", "Inbox")));
    view! {
        <nav class="console-nav" aria-label=t(lang, "工作台栏目", "Console sections")>
            <ul>
                {items.into_iter().map(|(key, href, label)| view! {
                    <li><a href=href aria-current=(key == current).then_some("page")>{label}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
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
        <ConsoleNav current="home"/>
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
        <TotpSection totp=home.totp.clone() lang/>
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

/// Two-step sign-in: set up with an authenticator app (a QR code, or the secret typed), turned
/// on by a first code, turned off with a current one.
#[component]
fn TotpSection(totp: TotpView, lang: Lang) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let outcome = query.with_untracked(|q| q.get("totp"));
    let note = match outcome.as_deref() {
        Some("on") => Some(("success", t(lang, "两步验证已开启。", "Two-step sign-in is on."))),
        Some("off") => Some(("success", t(lang, "两步验证已关闭。", "Two-step sign-in is off."))),
        Some("wrong") => Some((
            "error",
            t(
                lang,
                "动态码不正确，请输入应用中当前的6位动态码。",
                "That code is not right; enter the app's current 6-digit code.",
            ),
        )),
        _ => None,
    };
    let code_input = move || {
        view! {
            <label for="totp-code">{t(lang, "6位动态码", "6-digit code")}</label>
            <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required/>
        }
    };
    let body = match totp {
        TotpView::Off => view! {
            <p>{t(lang, "登录时除密码外，再输入验证器应用（如 Google Authenticator、Microsoft Authenticator 等支持 TOTP 的应用）中的动态码。", "Sign in with a code from an authenticator app (Google Authenticator, Microsoft Authenticator or any TOTP app) as well as your password.")}</p>
            <form method="post" action="/console/totp/start">
                <CsrfField/>
                <button type="submit">{t(lang, "开启两步验证", "Set up two-step sign-in")}</button>
            </form>
        }.into_any(),
        TotpView::Pending { secret, qr_svg } => view! {
            <p>{t(lang, "用验证器应用扫描二维码，或手动输入密钥，然后输入应用显示的动态码。", "Scan the QR code with the app, or type the secret, then enter the code it shows.")}</p>
            <div class="totp-qr" role="img" aria-label=t(lang, "两步验证二维码", "Two-step sign-in QR code") inner_html=qr_svg></div>
            <p>{t(lang, "密钥：", "Secret: ")}<code class="totp-secret">{secret}</code></p>
            <form class="account-form" method="post" action="/console/totp/confirm">
                <CsrfField/>
                {code_input}
                <button class="primary" type="submit">{t(lang, "确认开启", "Turn on")}</button>
            </form>
        }.into_any(),
        TotpView::On => view! {
            <p data-totp="on">{t(lang, "已开启：登录时需要动态码。", "On: signing in needs a code.")}</p>
            <form class="account-form" method="post" action="/console/totp/off">
                <CsrfField/>
                {code_input}
                <button type="submit">{t(lang, "关闭两步验证", "Turn off")}</button>
            </form>
        }.into_any(),
    };
    view! {
        <section class="card" id="totp">
            <h2>{t(lang, "两步验证", "Two-step sign-in")}</h2>
            {note.map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            {body}
        </section>
    }
}
