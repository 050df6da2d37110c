//! Open311's XML: the same documents as the JSON answers, with each list item named after
//! its list (`<services><service>…`). XML is the format the GeoReport v2 spec requires.

use serde_json::Value;

/// The element name of an item in a list element named `list`.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        "attributes" => "attribute",
        "values" => "value",
        "keywords" => "keyword",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// Escapes text for element content, dropping characters XML 1.0 does not allow.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn write(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {
            out.push_str(&format!("<{name}/>"));
        }
        Value::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
        Value::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            let item = item_name(name);
            for v in items {
                write(out, item, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in map {
                write(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// A whole document with `root` as its root element.
pub fn document(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write(&mut out, root, value);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_name_their_items_and_text_is_escaped() {
        let doc = document(
            "service_requests",
            &json!([{"service_request_id": "MC-1", "description": "<b>汤 & 面</b>\u{1}", "lat": 22.5, "media_url": null}]),
        );
        assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"));
        assert!(doc.contains("<description>&lt;b&gt;汤 &amp; 面&lt;/b&gt;</description>"));
        assert!(doc.contains("<lat>22.5</lat>"));
        assert!(doc.contains("<media_url/>"));
        assert!(doc.trim_end().ends_with("</request></service_requests>"));
    }
}
