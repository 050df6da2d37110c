//! Reusable pieces of the pages.

mod grade;
mod layout;
mod live_player;
mod snapshot_tile;
mod venue_card;

pub use grade::{AnnualGradeBadge, GradeFace};
pub use layout::{SiteFooter, SiteHeader};
pub use live_player::{LivePlayer, PlayerState};
pub use snapshot_tile::SnapshotTile;
pub use venue_card::VenueCard;
