//! Reusable pieces of the pages.

mod grade;
mod layout;
mod venue_card;

pub use grade::{AnnualGradeBadge, GradeFace};
pub use layout::{SiteFooter, SiteHeader};
pub use venue_card::VenueCard;
