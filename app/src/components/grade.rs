use crate::domain::{AnnualGrade, DynamicGrade};
use crate::i18n::use_lang;
use leptos::prelude::*;

/// The dynamic grade as a face (大笑/微笑/平脸) with its words, or "not yet graded".
/// Faces are drawn as SVG so they look the same on every phone (emoji fonts differ).
#[component]
pub fn GradeFace(grade: Option<DynamicGrade>) -> impl IntoView {
    let lang = use_lang();
    let (class, label, mouth) = match grade {
        // A wide open smile, a smile, a straight line.
        Some(DynamicGrade::Excellent) => {
            ("grade grade-excellent", lang.dynamic_grade(DynamicGrade::Excellent), "M9 19 Q16 28 23 19 Z")
        }
        Some(DynamicGrade::Good) => ("grade grade-good", lang.dynamic_grade(DynamicGrade::Good), "M10 20 Q16 25 22 20"),
        Some(DynamicGrade::Fair) => ("grade grade-fair", lang.dynamic_grade(DynamicGrade::Fair), "M10 21 L22 21"),
        None => ("grade grade-pending", lang.tr().grade_pending, "M11 21 L13 21 M15 21 L17 21 M19 21 L21 21"),
    };
    view! {
        <span class=class data-grade=grade.map(|g| g.code()).unwrap_or("pending")>
            <svg class="grade-face" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                <circle cx="16" cy="16" r="14" fill="currentColor" fill-opacity="0.14" stroke="currentColor" stroke-width="2"/>
                <circle cx="11" cy="13" r="2" fill="currentColor"/>
                <circle cx="21" cy="13" r="2" fill="currentColor"/>
                <path d=mouth fill=if grade == Some(DynamicGrade::Excellent) { "currentColor" } else { "none" }
                    stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
            </svg>
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
