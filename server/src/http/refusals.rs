//! The refusals several endpoints share, worded once.

use super::error::HttpError;
use app::error::ErrorKind;

impl HttpError {
    pub fn no_venue(id: &str) -> HttpError {
        HttpError::not_found(format!("no venue with id {id:?}"))
    }

    pub fn no_camera(id: &str) -> HttpError {
        HttpError::not_found(format!("no public camera with id {id:?}"))
    }

    pub fn no_event(id: &str) -> HttpError {
        HttpError::not_found(format!("no capture event with id {id:?}"))
    }

    pub fn no_order() -> HttpError {
        HttpError::not_found("there is no such rectification order")
    }

    pub fn no_complaint(reference: &str) -> HttpError {
        HttpError::not_found(format!("no complaint with reference {reference:?}"))
    }

    pub fn no_screen() -> HttpError {
        HttpError::not_found(
            "no active screen at this address: it was revoked or given a new address, or the link is mistyped",
        )
    }
}

impl From<crate::complaints::LookupError> for HttpError {
    fn from(e: crate::complaints::LookupError) -> Self {
        match e {
            crate::complaints::LookupError::RateLimited(minutes) => {
                HttpError::new(ErrorKind::RateLimited, e.to_string()).retry_after((minutes * 60) as u32)
            }
            crate::complaints::LookupError::Db(db) => db.into(),
        }
    }
}
