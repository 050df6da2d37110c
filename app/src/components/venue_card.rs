use super::{AnnualGradeBadge, GradeFace};
use crate::api::VenueSummary;
use crate::domain::VenueStatus;
use crate::i18n::use_lang;
use leptos::prelude::*;

/// One search result: name, type, address, grades and camera count.
#[component]
pub fn VenueCard(venue: VenueSummary) -> impl IntoView {
    let lang = use_lang();
    let tr = lang.tr();
    let status_class = format!("status status-{}", venue.status.code());
    let show_status = venue.status != VenueStatus::Operating;
    view! {
        <li class="venue-card" data-kind=venue.kind.code()>
            <a class="venue-link" href=format!("/venues/{}", venue.id)>
                <div class="venue-card-main">
                    <h2 class="venue-name">{venue.name.clone()}</h2>
                    <p class="venue-meta">
                        <span class="kind">{lang.venue_kind(venue.kind)}</span>
                        " · "
                        <span>{venue.jurisdiction.clone()}</span>
                        {show_status.then(|| view! { " · " <span class=status_class>{lang.venue_status(venue.status)}</span> })}
                    </p>
                    <p class="venue-address">{venue.address.clone()}</p>
                </div>
                <div class="venue-card-side">
                    <GradeFace grade=venue.dynamic_grade/>
                    <AnnualGradeBadge grade=venue.annual_grade/>
                    <span class="camera-count">{tr.camera_count} " " {venue.camera_count}</span>
                    {venue.distance_m.map(|m| view! { <span class="distance" data-distance-m=m>{format_distance(m)}</span> })}
                </div>
            </a>
        </li>
    }
}

/// "850 m" or "2.4 km".
fn format_distance(metres: u32) -> String {
    if metres < 1000 {
        format!("{metres} m")
    } else {
        format!("{:.1} km", metres as f64 / 1000.0)
    }
}
