//! The complaint form. A plain multipart POST, so it works without JavaScript; once hydrated,
//! it checks photo sizes before sending, submits in the background, retries a dropped
//! connection with the same token (the server stores one complaint per token), and shows
//! problems without a page load.

use super::t;
use crate::api::{
    category_description, category_name, field_label, ComplaintForm, Field, FormProblem, Problem, HONEYPOT_FIELD,
    MAX_CONTACT_CHARS, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_PHOTOS, MIN_DESCRIPTION_CHARS, SUBMIT_PATH,
};
use crate::domain::ComplaintCategory;
use crate::i18n::use_lang;
use leptos::prelude::*;

/// What the background submission is doing.
#[cfg_attr(not(feature = "hydrate-base"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub enum SendState {
    Idle,
    Sending,
    /// The connection failed; retrying (attempt n).
    Retrying(u32),
    /// Gave up after retries; the text is kept and a new press retries safely.
    Offline,
}

/// An island: the only part of a complaint page that runs in the browser.
#[cfg_attr(feature = "island-complaint", island)]
#[cfg_attr(not(feature = "island-complaint"), component)]
pub fn ComplaintFormView(form: ComplaintForm) -> impl IntoView {
    let lang = use_lang();
    let problems = RwSignal::new(form.problems.clone());
    let token = RwSignal::new(form.token.clone());
    let sending = RwSignal::new(SendState::Idle);
    let description_len = RwSignal::new(form.draft.description.chars().count());
    let d = form.draft.clone();
    let venue = form.venue.clone();
    let invalid = move |f: Field| move || problems.with(|p| p.iter().any(|p| p.field == f)).then_some("true");

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate-base")]
        super::submit::enhanced_submit(ev, problems, token, sending, lang);
        #[cfg(not(feature = "hydrate-base"))]
        let _ = ev;
    };
    let on_photos = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate-base")]
        super::submit::check_photos(ev, problems, lang);
        #[cfg(not(feature = "hydrate-base"))]
        let _ = ev;
    };

    let summary = move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="form-problems" role="alert" tabindex="-1">
                    <p>{t(lang, "投诉尚未提交，请修改以下问题：", "Your complaint was not submitted yet. Please fix:")}</p>
                    <ul>
                        {list.into_iter().map(|p| view! {
                            <li data-field=p.field.name() data-kind=p.kind>{p.message}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };
    let status_line = move || {
        match sending.get() {
        SendState::Idle => None,
        SendState::Sending => Some(t(lang, "正在提交…", "Submitting…").to_string()),
        SendState::Retrying(n) => Some(match lang {
            crate::i18n::Lang::Zh => format!("网络不稳定，正在第 {n} 次重试…（不会重复提交）"),
            crate::i18n::Lang::En => format!("The connection dropped; retrying ({n})… (it will not be submitted twice)"),
        }),
        SendState::Offline => Some(
            t(
                lang,
                "网络连接失败，投诉尚未提交。您填写的内容仍在页面上，请稍后再按“提交投诉”（不会重复提交）。",
                "No connection: the complaint is not submitted yet. What you typed is still here; press Submit again later (it will not be submitted twice).",
            )
            .to_string(),
        ),
    }
    };
    let cameras = venue.as_ref().map(|v| v.cameras.clone()).unwrap_or_default();
    let chosen_camera = d.camera.clone();
    let category = d.category.clone();

    view! {
        <form class="complaint-form" method="post" action=SUBMIT_PATH enctype="multipart/form-data"
            on:submit=on_submit data-enhanced="false">
            {summary}
            <input type="hidden" name="token" prop:value=move || token.get() value=form.token.clone()/>
            {venue.as_ref().map(|v| view! { <input type="hidden" name="venue" value=v.id.0/> })}
            <div class="hp" aria-hidden="true">
                <label>"Website" <input type="text" name=HONEYPOT_FIELD tabindex="-1" autocomplete="off"/></label>
            </div>

            <label for="c-category">{field_label(Field::Category, lang)} <span class="req">"*"</span></label>
            <select id="c-category" name="category" required aria-invalid=invalid(Field::Category)>
                <option value="" selected=category.is_empty()>{t(lang, "请选择", "Choose one")}</option>
                {ComplaintCategory::ALL.iter().map(|c| view! {
                    <option value=c.code() selected=category == c.code() title=category_description(*c, lang)>
                        {category_name(*c, lang)}
                    </option>
                }).collect_view()}
            </select>

            <label for="c-description">{field_label(Field::Description, lang)} <span class="req">"*"</span></label>
            <textarea id="c-description" name="description" rows="6" required
                minlength=MIN_DESCRIPTION_CHARS maxlength=MAX_DESCRIPTION_CHARS
                aria-invalid=invalid(Field::Description) aria-describedby="c-description-hint"
                on:input=move |ev| description_len.set(event_target_value(&ev).chars().count())>
                {d.description.clone()}
            </textarea>
            <p class="hint" id="c-description-hint">
                {t(lang, "请写清楚时间、菜品和经过。", "Say what you ate, what you saw and what happened.")}
                " " <span class="counter">{move || description_len.get()} " / " {MAX_DESCRIPTION_CHARS}</span>
            </p>

            <label for="c-occurred">{field_label(Field::OccurredAt, lang)} <span class="req">"*"</span></label>
            <input id="c-occurred" type="datetime-local" name="occurred_at" required value=d.occurred_at.clone()
                aria-invalid=invalid(Field::OccurredAt)/>

            {(!cameras.is_empty()).then(|| view! {
                <fieldset class="camera-pick">
                    <legend>{t(lang, "摄像头画面（选填，便于监管人员调取录像）", "In the camera footage (optional, so inspectors can check it)")}</legend>
                    <label for="c-camera">{field_label(Field::Camera, lang)}</label>
                    <select id="c-camera" name="camera" aria-invalid=invalid(Field::Camera)>
                        <option value="">{t(lang, "不指定", "None")}</option>
                        {cameras.into_iter().map(|(id, name)| view! {
                            <option value=id selected=chosen_camera == id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                    <label for="c-camera-time">{field_label(Field::CameraTime, lang)}</label>
                    <input id="c-camera-time" type="datetime-local" name="camera_time" value=d.camera_time.clone()
                        aria-invalid=invalid(Field::CameraTime)/>
                </fieldset>
            })}

            <fieldset class="contact">
                <legend>{t(lang, "联系方式（选填，仅监管部门可见）", "Contact (optional, seen only by the regulator)")}</legend>
                <label for="c-contact">{field_label(Field::Contact, lang)}</label>
                <input id="c-contact" type="text" name="contact" inputmode="email" autocomplete="tel"
                    maxlength=MAX_CONTACT_CHARS value=d.contact.clone() aria-invalid=invalid(Field::Contact)
                    placeholder=t(lang, "手机号码或电子邮箱", "Mobile number or email")/>
                <label for="c-name">{field_label(Field::Name, lang)}</label>
                <input id="c-name" type="text" name="name" autocomplete="name" maxlength=MAX_NAME_CHARS
                    value=d.name.clone() aria-invalid=invalid(Field::Name)/>
                <label class="check">
                    <input type="checkbox" name="show_name" checked=d.show_name/>
                    {t(lang, "允许在投诉公开页面显示我的姓名（默认不显示）", "Show my name on the public complaint page (off by default)")}
                </label>
            </fieldset>

            <label for="c-photos">{field_label(Field::Photos, lang)}</label>
            <input id="c-photos" type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp,image/heic,image/*"
                aria-invalid=invalid(Field::Photos) aria-describedby="c-photos-hint" on:change=on_photos/>
            <p class="hint" id="c-photos-hint">
                {match lang {
                    crate::i18n::Lang::Zh => format!("最多 {MAX_PHOTOS} 张，每张不超过 10 MB（JPEG、PNG、WebP）。照片中的位置等信息会被删除。"),
                    crate::i18n::Lang::En => format!("Up to {MAX_PHOTOS} photos of at most 10 MB each (JPEG, PNG, WebP). Location and other metadata are removed."),
                }}
            </p>

            <button type="submit" class="primary" disabled=move || matches!(sending.get(), SendState::Sending | SendState::Retrying(_))>
                {t(lang, "提交投诉", "Submit complaint")}
            </button>
            <p class="sending" role="status" aria-live="polite">{status_line}</p>
            <p class="hint privacy">
                {t(
                    lang,
                    "提交后您会得到投诉编号，可凭编号查询处理进度。监管部门应在7个工作日内决定是否受理。持有编号的人可以看到描述和照片；受理后，投诉会列入公开数据。联系方式始终不公开。",
                    "You will get a reference to follow your complaint. The regulator must decide within 7 working days whether to accept it. Anyone with the reference can see the description and photos; once accepted, the complaint is listed in the open data. Contact details are never published.",
                )}
            </p>
        </form>
    }
}

/// Problems found in the browser before sending (photo count and sizes).
#[cfg_attr(not(feature = "hydrate-base"), allow(dead_code))]
pub fn photo_problems(files: &[(String, f64)], lang: crate::i18n::Lang) -> Vec<FormProblem> {
    let mut problems = Vec::new();
    if files.len() > MAX_PHOTOS {
        problems.push(Problem::TooManyPhotos);
    }
    for (name, size) in files {
        if *size > crate::api::MAX_PHOTO_BYTES as f64 {
            problems.push(Problem::Photo { file: name.clone(), fault: crate::api::PhotoFault::TooBig });
        }
    }
    problems.iter().map(|p| FormProblem::new(p, lang)).collect()
}
