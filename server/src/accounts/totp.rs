//! Time-based one-time passwords (RFC 6238 over RFC 4226): SHA-1, 6 digits, 30-second steps,
//! as every authenticator app reads them from an `otpauth://` URI. A code is accepted for the
//! step before, the current one and the one after (clocks drift), and only once.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
const DIGITS: u32 = 6;

/// A fresh 160-bit secret (RFC 4226's recommended length).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The secret as people type it into an app: base32 without padding.
pub fn encode(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(text.trim().to_ascii_uppercase().as_bytes()).ok()
}

/// The HOTP value of `counter` with `digits` digits (RFC 4226, 5.3).
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
    binary % 10u32.pow(digits)
}

/// The step a Unix time falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP)
}

/// The step whose code `typed` is, among the one before, the current one and the one after,
/// if it is later than `last_used` (a code works once); `None` otherwise.
pub fn check(secret: &[u8], typed: &str, unix_seconds: i64, last_used: Option<i64>) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = typed.parse().ok()?;
    let now = step_of(unix_seconds);
    (now - 1..=now + 1)
        .filter(|step| *step >= 0 && last_used.is_none_or(|used| *step > used))
        .find(|step| hotp(secret, *step as u64, DIGITS) == value)
}

/// The code for a time (for tests and for people comparing with their app).
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    format!("{:06}", hotp(secret, step_of(unix_seconds) as u64, DIGITS))
}

/// The `otpauth://` URI an app scans: issuer and account label, the secret, the parameters.
pub fn uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        encode(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret and the 8-digit values.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        for (time, expected) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(RFC_SECRET, step_of(time) as u64, 8), expected, "T = {time}");
        }
        assert_eq!(code_at(RFC_SECRET, 1111111109), "081804", "six digits, leading zero kept");
    }

    #[test]
    fn a_code_works_in_its_window_and_only_once() {
        let secret = new_secret();
        let now = 1_796_140_000;
        let code = code_at(&secret, now);
        let step = step_of(now);
        assert_eq!(check(&secret, &code, now, None), Some(step));
        assert_eq!(check(&secret, &code, now + STEP, None), Some(step), "a step late: drift");
        assert_eq!(check(&secret, &code, now - STEP, None), Some(step), "a step early");
        assert_eq!(check(&secret, &code, now + 2 * STEP, None), None, "too late");
        assert_eq!(check(&secret, &code, now, Some(step)), None, "used already");
        assert_eq!(check(&secret, &format!("{} {}", &code[..3], &code[3..]), now, None), Some(step), "spaces are fine");
        assert_eq!(check(&secret, "12345", now, None), None);
        assert_eq!(check(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn secrets_round_trip_and_the_uri_is_what_apps_read() {
        let secret = new_secret();
        assert_eq!(decode(&encode(&secret)), Some(secret.clone()));
        assert_eq!(decode(&encode(&secret).to_lowercase()), Some(secret.clone()));
        let uri = uri("明厨", "wang.fang", RFC_SECRET);
        assert_eq!(
            uri,
            "otpauth://totp/%E6%98%8E%E5%8E%A8:wang.fang?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E6%98%8E%E5%8E%A8&algorithm=SHA1&digits=6&period=30"
        );
    }
}
