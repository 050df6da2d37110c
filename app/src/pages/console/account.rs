//! Signing in, and setting a password from a one-time link.

use super::CsrfField;
use crate::api::AccountEcho;
use crate::i18n::use_lang;
use crate::pages::complaints::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where to go after signing in: a local path from `?next=`, else the console.
fn next_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/console".into())
}

/// `/account/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let next = next_path(query.with_untracked(|q| q.get("next")));
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

/// `/account/password/{secret}`: the page a one-time link opens.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let secret = params.with_untracked(|p| p.get("secret").unwrap_or_default());
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    view! {
        <Title text=t(lang, "设置密码", "Set your password")/>
        <article class="account">
            <h1>{t(lang, "设置密码", "Set your password")}</h1>
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
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::next_path;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(next_path(Some("/console/captures".into())), "/console/captures");
        assert_eq!(next_path(Some("//evil.example".into())), "/console");
        assert_eq!(next_path(Some("https://evil.example".into())), "/console");
        assert_eq!(next_path(None), "/console");
    }
}
