//! Recorded video for staff: the recorders (mingchu_media::record) and the signed links that
//! let a standard HLS player fetch a recorded range without the caller's credentials. A link
//! names exactly one playlist or one file and expires; the page or API that hands it out asks
//! the policy first.

use hmac::{Hmac, Mac};
use mingchu_media::record::Recordings;
use sha2::Sha256;

/// How long a handed-out link plays.
pub const LINK_LIFETIME: chrono::Duration = chrono::Duration::hours(2);

#[derive(Clone)]
pub struct Playback {
    pub recordings: Recordings,
    key: std::sync::Arc<[u8]>,
}

impl Playback {
    pub fn new(recordings: Recordings, key: Vec<u8>) -> Playback {
        Playback { recordings, key: key.into() }
    }

    fn mac(&self, what: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{what}|{expires}").as_bytes());
        mac
    }

    /// `path` with an expiry and the signature over `what` (what the link allows).
    pub fn link(&self, path: &str, what: &str, expires: i64) -> String {
        let sig = hex::encode(self.mac(what, expires).finalize().into_bytes());
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}exp={expires}&sig={sig}")
    }

    /// Whether a link's signature over `what` holds and it has not expired.
    pub fn check(&self, what: &str, expires: i64, sig: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
        let Ok(sig) = hex::decode(sig) else { return false };
        expires >= now.timestamp() && self.mac(what, expires).verify_slice(&sig).is_ok()
    }
}
