//! Signing in to the workspace on the real server: a one-time link sets the password, the
//! login form starts a session behind an HttpOnly cookie, every form refuses a missing or
//! foreign CSRF field, failed sign-ins are limited per account, signing out ends it, and a
//! second factor (RFC 6238) set up from the console is needed from then on.

use crate::support;

use reqwest::header::{LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use support::cli::{mingchu, ok};
use support::workspace::{client, csrf_field, link_secret, set_cookie, value, Browser};
use support::Server;

#[tokio::test]
async fn a_link_sets_the_password_and_the_person_signs_in_and_out_with_csrf_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(mingchu(&data, &["seed-demo"]).status.success());
    let office = server::demo::generate(server::demo::SEED).offices[0].clone();
    let inspector = link_secret(
        &data,
        &["user", "add", "--login", "wang.fang", "--name", "王芳", "--role", "inspector", "--office", &office],
    );
    let operator = link_secret(
        &data,
        &["user", "add", "--login", "canteen", "--name", "食堂经理", "--role", "operator", "--venue", "3"],
    );
    let server = Server::start_on(&data);
    let mut browser = Browser::new(&server.base);

    // The link's page, with the browser's CSRF field.
    let (status, html) = browser.open(&format!("/account/password/{inspector}")).await;
    assert_eq!(status, 200);
    let csrf = csrf_field(&html);
    assert!(html.contains("wang.fang"), "the page names the account");
    let path = format!("/account/password/{inspector}");
    let good = "明厨亮灶-守护舌尖安全";

    // Without the field, or with another browser's: refused, nothing changed.
    let response = browser.post(&path, &[("password", good), ("again", good)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("表单已过期或来自其他网站"));
    let other = Browser {
        http: client(),
        base: server.base.clone(),
        csrf_cookie: "0123456789abcdef0123456789abcdef".into(),
        session: None,
    };
    assert_eq!(
        other.post(&path, &[("password", good), ("again", good), ("csrf", &csrf)]).await.status(),
        StatusCode::FORBIDDEN
    );
    // A weak password is refused with a reason.
    let response =
        browser.post(&path, &[("password", "wang.fang-1234"), ("again", "wang.fang-1234"), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("密码不能包含登录名"));
    // A good one: set, and the link is used up.
    let response = browser.post(&path, &[("password", good), ("again", good), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/account/login?password=set");
    let response = browser.post(&path, &[("password", good), ("again", good), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::GONE);
    // Opened again, the used link says so before anyone types a password.
    let (status, html) = browser.open(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("此链接无效") && !html.contains(r#"name="password""#), "no form for a used link");

    // Signing in: a wrong password, then the right one.
    let (_, html) = browser.open("/account/login?password=set").await;
    assert!(html.contains("密码已设置"));
    let csrf = csrf_field(&html);
    let response = browser
        .post("/account/login", &[("login", "wang.fang"), ("password", "wrong password!"), ("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(html.contains("登录名或密码错误") && html.contains(r#"value="wang.fang""#), "the login is shown again");
    let response = browser.post("/account/login", &[("login", "nobody"), ("password", good), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "an unknown login reads the same");
    let response = browser
        .post(
            "/account/login",
            &[("login", "wang.fang"), ("password", good), ("csrf", &csrf), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/console", "only local paths are followed");
    let cookie = set_cookie(&response, "mc_session").expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here; Secure behind https");
    browser.session = Some(value(&cookie));

    // The console knows who this is and what they cover.
    let (status, html) = browser.open("/console").await;
    assert_eq!(status, 200);
    assert!(html.contains("王芳") && html.contains(&office) && html.contains("监管人员"), "{html}");
    assert!(html.contains("当前会话"));
    // Signed out (by someone without the cookie): sent to sign in.
    let anonymous = client().get(format!("{}/console", server.base)).send().await.unwrap();
    assert!(anonymous.status().is_redirection(), "{}", anonymous.status());
    assert!(anonymous.headers()[LOCATION].to_str().unwrap().starts_with("/account/login"));

    // Signing out needs the field too; then the session is gone.
    let csrf = csrf_field(&html);
    assert_eq!(browser.post("/account/logout", &[]).await.status(), StatusCode::FORBIDDEN);
    let response = browser.post("/account/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "mc_session").unwrap().contains("Max-Age=0"));
    let (status, _) = browser.open("/console").await;
    assert!(status.is_redirection(), "the old cookie no longer works: {status}");
    browser.session = None;

    // Five failures lock the account for a while, even for the right password next.
    let (_, html) = browser.open(&format!("/account/password/{operator}")).await;
    let csrf = csrf_field(&html);
    let operator_password = "后厨干净整洁每一天都好";
    let response = browser
        .post(
            &format!("/account/password/{operator}"),
            &[("password", operator_password), ("again", operator_password), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for _ in 0..5 {
        let response = browser
            .post("/account/login", &[("login", "canteen"), ("password", "guess-guess-guess"), ("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response =
        browser.post("/account/login", &[("login", "canteen"), ("password", operator_password), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[RETRY_AFTER], "900");
    assert!(response.text().await.unwrap().contains("登录失败次数过多"));
    // Another account from the same address is not locked by that.
    let response = browser.post("/account/login", &[("login", "wang.fang"), ("password", good), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser.session = Some(value(&set_cookie(&response, "mc_session").unwrap()));

    // Two-step sign-in: set up from the console with a secret and a QR code, confirmed by a
    // first code, then needed at every sign-in, each code once.
    let (_, html) = browser.open("/console").await;
    let csrf = csrf_field(&html);
    assert_eq!(browser.post("/console/totp/start", &[("csrf", &csrf)]).await.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.open("/console").await;
    assert!(html.contains("<svg"), "a QR code to scan");
    let at =
        html.find(r#"<code class="totp-secret">"#).expect("the secret to type") + r#"<code class="totp-secret">"#.len();
    let secret = server::accounts::totp::decode(html[at..].split('<').next().unwrap()).expect("base32");
    let now = chrono::Utc::now().timestamp();
    let wrong = if server::accounts::totp::code_at(&secret, now) == "000000" { "111111" } else { "000000" };
    let response = browser.post("/console/totp/confirm", &[("csrf", &csrf), ("code", wrong)]).await;
    assert_eq!(response.headers()[LOCATION], "/console?totp=wrong#totp");
    let first = server::accounts::totp::code_at(&secret, now);
    let response = browser.post("/console/totp/confirm", &[("csrf", &csrf), ("code", &first)]).await;
    assert_eq!(response.headers()[LOCATION], "/console?totp=on#totp");
    let (_, html) = browser.open("/console?totp=on").await;
    assert!(html.contains(r#"data-totp="on""#) && html.contains("两步验证已开启"));
    let response = browser.post("/account/login", &[("login", "wang.fang"), ("password", good), ("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.text().await.unwrap().contains("6位动态码"), "asks for the code");
    let response = browser
        .post("/account/login", &[("login", "wang.fang"), ("password", good), ("csrf", &csrf), ("code", &first)])
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the confirming code was used already");
    let next = server::accounts::totp::code_at(&secret, now + server::accounts::totp::STEP);
    let response = browser
        .post("/account/login", &[("login", "wang.fang"), ("password", good), ("csrf", &csrf), ("code", &next)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "a fresh code signs in");
    drop(server);

    // Everything above is in the audit log, and the chain holds.
    let log = ok(mingchu(&data, &["audit", "list", "--limit", "100"]));
    for action in ["user.set_password", "session.start", "session.end", "user.totp_on"] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(!log.contains(good) && !log.contains(operator_password), "no password in the log");
    assert!(ok(mingchu(&data, &["audit", "verify"])).starts_with("intact:"));
}
