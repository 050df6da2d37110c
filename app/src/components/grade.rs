use crate::domain::{AnnualGrade, DynamicGrade};
use crate::i18n::use_lang;
use leptos::prelude::*;

/// The dynamic grade as a face (大笑/微笑/平脸) with its words, or "not yet graded".
#[component]
pub fn GradeFace(grade: Option<DynamicGrade>) -> impl IntoView {
    let lang = use_lang();
    let (face, class, label) = match grade {
        Some(DynamicGrade::Excellent) => ("😄", "grade grade-excellent", lang.dynamic_grade(DynamicGrade::Excellent)),
        Some(DynamicGrade::Good) => ("🙂", "grade grade-good", lang.dynamic_grade(DynamicGrade::Good)),
        Some(DynamicGrade::Fair) => ("😐", "grade grade-fair", lang.dynamic_grade(DynamicGrade::Fair)),
        None => ("…", "grade grade-pending", lang.tr().grade_pending),
    };
    view! {
        <span class=class data-grade=grade.map(|g| g.code()).unwrap_or("pending")>
            <span class="grade-face" aria-hidden="true">{face}</span>
            <span class="grade-label">{label}</span>
        </span>
    }
}

/// The annual grade (A/B/C) as a letter badge.
#[component]
pub fn AnnualGradeBadge(grade: Option<AnnualGrade>) -> impl IntoView {
    let lang = use_lang();
    match grade {
        Some(g) => view! {
            <span class=format!("annual annual-{}", g.code().to_ascii_lowercase()) title=lang.tr().annual_grade>
                {lang.annual_grade(g)}
            </span>
        }
        .into_any(),
        None => view! { <span class="annual annual-none">{lang.tr().grade_pending}</span> }.into_any(),
    }
}
