//! Signing in, and setting a password from a one-time link.

use super::CsrfField;
use crate::api::{get_password_link, AccountEcho};
use crate::i18n::use_lang;
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/account/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let next = crate::api::after_sign_in(query.with_untracked(|q| q.get("next")).as_deref()).to_string();
    let password_set = query.with_untracked(|q| q.get("password").is_some());
    view! {
        <Title text=t(lang, "登录", "Sign in")/>
        <article class="account">
            <h1>{t(lang, "工作人员登录", "Staff sign-in")}</h1>
            <p class="account-who">{t(
                lang,
                "供监管人员与餐饮单位经营者使用。公众查看与投诉无需登录。",
                "For inspectors and venue operators. The public needs no account to watch or complain.",
            )}</p>
            {password_set.then(|| view! {
                <p class="success" role="status">{t(lang, "密码已设置，请登录。", "Your password is set; please sign in.")}</p>
            })}
            {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
            <form class="card account-form" method="post" action="/account/login">
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <label for="login">{t(lang, "登录名", "Login")}</label>
                <input id="login" name="login" required autocomplete="username" autocapitalize="none" value=echo.login/>
                <label for="password">{t(lang, "密码", "Password")}</label>
                <input id="password" name="password" type="password" required autocomplete="current-password"/>
                <label for="code">{t(lang, "动态码（已开启两步验证时）", "Code (with two-step sign-in on)")}</label>
                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}"/>
                <button class="primary" type="submit">{t(lang, "登录", "Sign in")}</button>
            </form>
        </article>
    }
}

/// `/account/password/{secret}`: the page a one-time link opens. A link that no longer works
/// says so at once (410), before anyone types a password.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let secret = params.with_untracked(|p| p.get("secret").unwrap_or_default());
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let link = Resource::new_blocking(move || secret.clone(), get_password_link);
    view! {
        <Title text=t(lang, "设置密码", "Set your password")/>
        <article class="account">
            <h1>{t(lang, "设置密码", "Set your password")}</h1>
            <Suspense fallback=|| ()>
                {move || link.get().map(|found| match found {
                    Ok(login) => {
                        let echo = echo.clone();
                        let secret = params.with_untracked(|p| p.get("secret").unwrap_or_default());
                        view! {
                            <p>{t(lang, "账号：", "Account: ")}<strong>{login}</strong></p>
                            <p>{t(
                                lang,
                                "此链接只能使用一次。密码至少10个字符，且不能包含登录名。",
                                "This link works once. The password needs at least 10 characters and must not contain your login.",
                            )}</p>
                            {(!echo.problem.is_empty()).then(|| view! { <p class="error" role="alert">{echo.problem.clone()}</p> })}
                            <form class="card account-form" method="post" action=format!("/account/password/{secret}")>
                                <CsrfField/>
                                <label for="password">{t(lang, "新密码", "New password")}</label>
                                <input id="password" name="password" type="password" required minlength="10" autocomplete="new-password"/>
                                <label for="again">{t(lang, "再次输入", "Again")}</label>
                                <input id="again" name="again" type="password" required minlength="10" autocomplete="new-password"/>
                                <button class="primary" type="submit">{t(lang, "设置密码", "Set password")}</button>
                            </form>
                        }.into_any()
                    }
                    Err(crate::error::AppError::NotFound) => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::GONE);
                        }
                        view! {
                            <p class="error" role="alert">{t(
                                lang,
                                "此链接无效：已使用、已过期或已被新链接取代。请联系管理员重新发送。",
                                "This link is not valid: it was used, it expired, or a newer one was sent. Ask an administrator for a new one.",
                            )}</p>
                        }.into_any()
                    }
                    Err(_) => view! {
                        <p class="error" role="alert">{t(
                            lang,
                            "暂时无法打开此链接，请稍后再试。",
                            "This link cannot be opened right now; please try again shortly.",
                        )}</p>
                    }.into_any(),
                })}
            </Suspense>
        </article>
    }
}
