//! Check characters of the identifiers printed on licences.

/// The characters of a unified social credit code (no I, O, S, V, Z).
pub const CREDIT_CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The check character (GB 32100-2015) for the first 17 characters of a unified social credit
/// code (统一社会信用代码); `None` if `prefix` is not 17 valid characters.
pub fn credit_code_check(prefix: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    if prefix.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in prefix.bytes().zip(WEIGHTS) {
        sum += CREDIT_CODE_CHARS.iter().position(|&x| x == c)? as u32 * w;
    }
    Some(CREDIT_CODE_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// Checks a full 18-character credit code, explaining what is wrong.
pub fn validate_credit_code(code: &str) -> Result<(), String> {
    if code.chars().count() != 18 {
        return Err(format!("a unified social credit code has 18 characters, {code:?} has {}", code.chars().count()));
    }
    let (prefix, check) = code.split_at(17);
    match credit_code_check(prefix) {
        None => Err(format!("{code:?} contains characters not used in credit codes (I, O, S, V, Z or lower case)")),
        Some(c) if check.starts_with(c) => Ok(()),
        Some(c) => Err(format!("{code:?} has check character {check:?}, expected {c:?}: probably mistyped")),
    }
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
        assert_eq!(credit_code_check("91440300708461136"), Some('T'));
        assert!(validate_credit_code("91440300708461136T").is_ok());
        assert!(validate_credit_code("91440300708461136X").unwrap_err().contains("expected 'T'"));
        assert!(validate_credit_code("9144030070846113").is_err());
        assert!(validate_credit_code("91440300708461I36T").is_err());
    }

    #[test]
    fn luhn_digit_validates() {
        assert_eq!(luhn_digit("7992739871"), '3');
    }
}
