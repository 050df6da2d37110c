//! CSRF protection for every workspace form: a signed double-submit token. The browser holds
//! a random secret in an HttpOnly, SameSite=Strict cookie; each form carries the HMAC of that
//! secret under the server's key. Another site can make the browser post, but cannot read the
//! cookie or the page, so it cannot write the field.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The cookie holding the browser's secret.
pub const COOKIE: &str = "mc_csrf";

#[derive(Clone)]
pub struct CsrfKey(Vec<u8>);

impl CsrfKey {
    pub fn new(key: Vec<u8>) -> CsrfKey {
        CsrfKey(key)
    }

    fn mac(&self, browser_secret: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"mingchu-csrf-v1:");
        mac.update(browser_secret.as_bytes());
        mac
    }

    /// The form field for a browser with this secret.
    pub fn token(&self, browser_secret: &str) -> String {
        hex::encode(self.mac(browser_secret).finalize().into_bytes())
    }

    /// Whether a posted field matches the browser's secret (in constant time).
    pub fn check(&self, browser_secret: &str, field: &str) -> bool {
        let Ok(bytes) = hex::decode(field.trim()) else { return false };
        !browser_secret.is_empty() && self.mac(browser_secret).verify_slice(&bytes).is_ok()
    }
}

/// A fresh browser secret.
pub fn browser_secret() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_fits_its_browser_only() {
        let key = CsrfKey::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let (mine, theirs) = (browser_secret(), browser_secret());
        let token = key.token(&mine);
        assert!(key.check(&mine, &token));
        assert!(!key.check(&theirs, &token), "another browser's token");
        assert!(!key.check(&mine, "00"), "a made-up token");
        assert!(!key.check("", &key.token("")), "no cookie, no form");
        assert!(!CsrfKey::new(b"another key".to_vec()).check(&mine, &token), "another server's key");
    }
}
