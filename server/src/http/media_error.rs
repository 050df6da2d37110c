//! Why live media refuses a request, as the HTTP boundary ([`super::error`]) answers it: a
//! kind, a sentence a person understands and when to try again; never internal detail
//! (camera addresses, credentials, library errors).

use super::error::HttpError;
use app::error::ErrorKind;
use mingchu_media::sfu::SfuError;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("no public camera with id {0}")]
    UnknownCamera(String),
    #[error("no such viewing session (it ended or never existed)")]
    UnknownSession,
    #[error("send the offer with Content-Type: {0}")]
    ContentType(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("the offer must receive video as H.264 (packetization-mode=1)")]
    NoH264,
    #[error("this camera's codec is not playable in browsers ({0})")]
    Unplayable(String),
    #[error("the camera is offline; try again shortly")]
    Offline,
    #[error("the camera is connecting; try again in a moment")]
    Connecting,
    #[error("live video is unavailable right now")]
    Unavailable,
    #[error("the camera is moving to another media server; try again in a moment")]
    Moving,
    #[error("{0}")]
    TooManyViewers(mingchu_media::sfu::Limit),
}

impl MediaError {
    fn kind(&self) -> ErrorKind {
        match self {
            MediaError::UnknownCamera(_) | MediaError::UnknownSession => ErrorKind::NotFound,
            MediaError::ContentType(_) => ErrorKind::UnsupportedMediaType,
            MediaError::BadRequest(_) => ErrorKind::BadRequest,
            MediaError::NoH264 => ErrorKind::NotAcceptable,
            MediaError::Unplayable(_) => ErrorKind::Conflict,
            MediaError::Offline | MediaError::Connecting | MediaError::Unavailable | MediaError::Moving => {
                ErrorKind::Unavailable
            }
            MediaError::TooManyViewers(_) => ErrorKind::RateLimited,
        }
    }

    /// Seconds a client should wait before trying again.
    fn retry_after(&self) -> Option<u32> {
        match self {
            MediaError::Offline => Some(5),
            MediaError::Connecting => Some(1),
            MediaError::Moving => Some(2),
            MediaError::Unavailable => Some(10),
            MediaError::TooManyViewers(_) => Some(15),
            _ => None,
        }
    }
}

impl From<SfuError> for MediaError {
    fn from(e: SfuError) -> Self {
        match e {
            SfuError::BadOffer(reason) => MediaError::BadRequest(format!("the SDP offer could not be read: {reason}")),
            SfuError::BadCandidate(reason) => MediaError::BadRequest(format!("bad ICE candidate: {reason}")),
            SfuError::NoH264 => MediaError::NoH264,
            SfuError::NoPicture => MediaError::Connecting,
            SfuError::UnknownViewer => MediaError::UnknownSession,
            SfuError::Stopped => MediaError::Unavailable,
            SfuError::TooManyViewers(limit) => MediaError::TooManyViewers(limit),
            SfuError::TooManyCandidates => MediaError::BadRequest(SfuError::TooManyCandidates.to_string()),
        }
    }
}

impl From<SfuError> for HttpError {
    fn from(e: SfuError) -> Self {
        MediaError::from(e).into()
    }
}

impl From<MediaError> for HttpError {
    fn from(e: MediaError) -> Self {
        let error = HttpError::new(e.kind(), e.to_string());
        match e.retry_after() {
            Some(seconds) => error.retry_after(seconds),
            None => error,
        }
    }
}
