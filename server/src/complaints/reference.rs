//! Public complaint references: `MC-` and twelve characters of Crockford base-32 (60 random
//! bits), grouped in fours. The reference is the key to a complaint's page, so it must not be
//! guessable: with 60 bits and lookups of unknown references rate-limited per address, even a
//! million stored complaints leave a guesser about one hit per 10^12 tries. Still short enough
//! to read over the phone, and free of the letters people confuse (I, L, O, U). References of
//! eight characters (40 bits), issued before, still read.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh random reference.
pub fn generate() -> String {
    let mut rng = rand::rng();
    let chars: String = (0..12).map(|_| ALPHABET[rng.random_range(0..32)] as char).collect();
    grouped(&chars)
}

/// Reads a reference as a person may type it (any case, with or without the prefix and
/// dashes, O for 0, I or L for 1); `None` when it cannot be one.
pub fn normalize(input: &str) -> Option<String> {
    let mut body: String =
        input.trim().chars().filter(|c| !matches!(c, '-' | ' ' | '_')).map(|c| c.to_ascii_uppercase()).collect();
    if matches!(body.len(), 10 | 14) && body.starts_with("MC") {
        body.drain(..2);
    }
    if !matches!(body.len(), 8 | 12) {
        return None;
    }
    let mapped: Option<String> = body
        .chars()
        .map(|c| match c {
            'O' => Some('0'),
            'I' | 'L' => Some('1'),
            c if ALPHABET.contains(&(c as u8)) => Some(c),
            _ => None,
        })
        .collect();
    Some(grouped(&mapped?))
}

/// `MC-` and the characters in groups of four.
fn grouped(chars: &str) -> String {
    let groups: Vec<&str> = chars.as_bytes().chunks(4).map(|g| std::str::from_utf8(g).unwrap_or("")).collect();
    format!("MC-{}", groups.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_references_read_back() {
        for _ in 0..100 {
            let r = generate();
            assert_eq!(r.len(), 17);
            assert_eq!(normalize(&r).as_deref(), Some(r.as_str()));
        }
    }

    #[test]
    fn typed_variants_are_understood() {
        assert_eq!(normalize(" mc-7k3m-9qxd ").as_deref(), Some("MC-7K3M-9QXD"));
        assert_eq!(normalize("7K3M9QXD").as_deref(), Some("MC-7K3M-9QXD"));
        assert_eq!(normalize("MC-OK3M-9QXL").as_deref(), Some("MC-0K3M-9QX1"));
        assert_eq!(normalize("MC-7K3M-9QX"), None);
        assert_eq!(normalize("MC-7K3M-9QXU"), None);
        assert_eq!(normalize("<script>"), None);
        assert_eq!(normalize("mc 7k3m 9qxd 2bfa").as_deref(), Some("MC-7K3M-9QXD-2BFA"));
        assert_eq!(normalize("MC-7K3M-9QXD-2BF"), None);
    }

    #[test]
    fn references_do_not_repeat() {
        let set: std::collections::HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(set.len(), 10_000);
    }
}
