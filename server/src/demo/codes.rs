//! Check digits for the identifiers printed on licences.

/// The unified social credit code (统一社会信用代码, GB 32100-2015) with its check character:
/// `prefix` is the first 17 characters.
pub fn credit_code(prefix: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    assert_eq!(prefix.len(), 17, "a credit code prefix has 17 characters");
    let sum: u32 = prefix
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| {
            // Callers build prefixes from CHARS only; anything else is a bug in the generator.
            let value = CHARS.iter().position(|&x| x == c).expect("credit code character") as u32;
            value * w
        })
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{prefix}{}", CHARS[check as usize] as char)
}

/// A Luhn check digit over `digits`. The licence format ends in a check digit whose official
/// algorithm is not published; the demo uses Luhn so its numbers are at least self-consistent.
pub fn luhn_digit(digits: &str) -> char {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_code_check_character_matches_a_published_code() {
        // A code printed on a public business licence (Tencent's Shenzhen company).
        assert_eq!(credit_code("91440300708461136"), "91440300708461136T");
    }

    #[test]
    fn luhn_digit_validates() {
        assert_eq!(luhn_digit("7992739871"), '3');
    }
}
