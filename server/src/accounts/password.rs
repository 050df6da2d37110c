//! Password hashing: argon2id in PHC string form. The parameters are OWASP's first choice
//! (19 MiB, 2 passes, 1 lane); docs/benchmarks.md has the time one hash takes here.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    let params = Params::new(64 * 1024, 3, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt");
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

/// Whether `password` matches the PHC string `stored` (any argon2 parameters it names).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash to check against when the account does not exist, so that an unknown login takes
/// as long to refuse as a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash("厨房明亮干净卫生安全");
        assert!(stored.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{stored}");
        assert!(verify("厨房明亮干净卫生安全", &stored));
        assert!(!verify("厨房明亮干净卫生安全!", &stored));
        assert_ne!(hash("厨房明亮干净卫生安全"), stored, "salted");
        assert!(!verify("anything", "not a PHC string"));
        assert!(!verify("decoy password that matches nothing ", decoy()));
    }
}
