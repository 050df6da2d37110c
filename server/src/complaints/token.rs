//! Complaint-form tokens: `<issued unix seconds>.<nonce>.<HMAC-SHA256>`, signed with a key the
//! server keeps in its database. A token proves the form was served by this portal (with the
//! Origin check, the CSRF defence) and its nonce is the submission's idempotency key. Tokens
//! are stateless, so they survive restarts and need no session.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// How long a form may stay open before it must be reloaded.
pub const TOKEN_LIFETIME_SECS: i64 = 48 * 3600;

#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenCheck {
    /// Valid: the nonce is the idempotency key.
    Valid {
        nonce: String,
    },
    Expired {
        nonce: String,
    },
    Invalid,
}

impl TokenKey {
    pub fn from_bytes(bytes: &[u8]) -> Option<TokenKey> {
        bytes.try_into().ok().map(TokenKey)
    }

    pub fn random() -> TokenKey {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        TokenKey(key)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self, payload: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// A fresh token issued at `now` (unix seconds).
    pub fn issue(&self, now: i64) -> String {
        let mut nonce = [0u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        let payload = format!("{now}.{}", hex::encode(nonce));
        let mac = self.mac(&payload);
        format!("{payload}.{mac}")
    }

    pub fn check(&self, token: &str, now: i64) -> TokenCheck {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return TokenCheck::Invalid;
        };
        let Ok(issued_at) = issued.parse::<i64>() else { return TokenCheck::Invalid };
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return TokenCheck::Invalid;
        }
        let expected = self.mac(&format!("{issued}.{nonce}"));
        // Constant-time comparison of the MACs.
        let same = expected.len() == mac.len()
            && expected.bytes().zip(mac.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return TokenCheck::Invalid;
        }
        let nonce = nonce.to_ascii_lowercase();
        if now - issued_at > TOKEN_LIFETIME_SECS || issued_at - now > 300 {
            return TokenCheck::Expired { nonce };
        }
        TokenCheck::Valid { nonce }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_check_and_carry_their_nonce() {
        let key = TokenKey::random();
        let t = key.issue(1_000_000);
        let TokenCheck::Valid { nonce } = key.check(&t, 1_000_100) else { panic!("valid") };
        assert_eq!(nonce.len(), 32);
        assert!(t.contains(&nonce));
        assert_ne!(key.issue(1_000_000), t, "each form gets its own nonce");
    }

    #[test]
    fn tampered_foreign_and_old_tokens_are_refused() {
        let key = TokenKey::random();
        let t = key.issue(1_000_000);
        assert_eq!(TokenKey::random().check(&t, 1_000_000), TokenCheck::Invalid);
        let mut forged = t.clone();
        forged.replace_range(0..1, "2");
        assert_eq!(key.check(&forged, 1_000_000), TokenCheck::Invalid);
        assert_eq!(key.check("", 0), TokenCheck::Invalid);
        assert_eq!(key.check("1.2.3", 0), TokenCheck::Invalid);
        assert!(matches!(key.check(&t, 1_000_000 + TOKEN_LIFETIME_SECS + 1), TokenCheck::Expired { .. }));
    }
}
