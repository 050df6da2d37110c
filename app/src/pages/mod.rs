//! One module per route.

mod complaints;
mod console;
mod display;
mod home;
mod not_found;
mod programme;
mod programme_year;
mod venue;

pub use complaints::{ComplaintPage, ComplaintsHome, NewComplaintPage, VenueComplaintForm};
pub use console::{
    CapturesPage, ComplaintCasePage, ComplaintDeskPage, ConsolePage, ContractsPage, DisputeCasePage, DisputeListPage,
    InboxPage, KpisPage, LoginPage, NewDisputePage, NewOrderPage, OrderCasePage, OrderListPage, OrderPrintPage,
    PasswordPage, PatrolListPage, PatrolTaskPage, PatrolVisitPage, ReportPage, TimelinePage, VenueDeskPage,
    VenueListPage,
};
pub use display::DisplayPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use programme::ProgrammePage;
pub use venue::VenuePage;

/// Marks the current server response as 404 (the page itself still renders).
pub(crate) fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}
