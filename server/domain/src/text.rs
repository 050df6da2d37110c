//! Small text rules shared by the server and the pages.

/// Percent-encodes `value` for a URL's query, keeping ASCII letters, digits, `-_.~` and the
/// bytes in `keep` (e.g. `/` for a path given as a query value).
pub fn percent_encode(value: &str, keep: &[u8]) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(super::percent_encode("a b+/无", b""), "a%20b%2B%2F%E6%97%A0");
        assert_eq!(super::percent_encode("/console?x=1", b"/"), "/console%3Fx%3D1");
    }
}
