//! Validates JSON against the schemas of an OpenAPI 3.1 document: the subset of JSON Schema
//! the document uses (`$ref`, `type` and type arrays, `properties`, `required`,
//! `additionalProperties: false`, `items`, `enum`, `oneOf`, `minimum`, `maximum`, `pattern`
//! for the simple patterns we write). Any other keyword fails loudly, so the document cannot
//! silently outgrow the checker.

use serde_json::Value;

pub struct Schemas<'a> {
    doc: &'a Value,
}

impl<'a> Schemas<'a> {
    pub fn new(doc: &'a Value) -> Schemas<'a> {
        Schemas { doc }
    }

    /// The schema of `path`'s GET response for `status`.
    pub fn response(&self, path: &str, status: &str) -> &'a Value {
        &self.doc["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    }

    /// All errors found, each with its JSON pointer.
    pub fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, "", &mut errors);
        errors
    }

    fn resolve(&self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/components/schemas/").expect("local schema reference");
                let target = &self.doc["components"]["schemas"][name];
                assert!(!target.is_null(), "unknown schema {r}");
                self.resolve(target)
            }
            None => schema,
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let obj = schema.as_object().expect("schema is an object");
        for key in obj.keys() {
            assert!(
                matches!(
                    key.as_str(),
                    "type"
                        | "properties"
                        | "required"
                        | "additionalProperties"
                        | "items"
                        | "enum"
                        | "oneOf"
                        | "minimum"
                        | "maximum"
                        | "pattern"
                        | "format"
                        | "description"
                        | "example"
                        | "default"
                ),
                "schema keyword {key:?} is not supported by this checker"
            );
        }
        if let Some(options) = obj.get("oneOf").and_then(Value::as_array) {
            let matching = options.iter().filter(|o| self.validate(o, value).is_empty()).count();
            if matching != 1 {
                errors.push(format!("{at}: matches {matching} of oneOf, expected exactly 1"));
            }
        }
        if let Some(t) = obj.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => panic!("bad type"),
            };
            if !types.iter().any(|t| type_matches(t, value)) {
                errors.push(format!("{at}: expected {types:?}, found {value}"));
                return;
            }
        }
        if let Some(allowed) = obj.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
        }
        if let (Some(min), Some(n)) = (obj.get("minimum").and_then(Value::as_f64), value.as_f64()) {
            if n < min {
                errors.push(format!("{at}: {n} < minimum {min}"));
            }
        }
        if let (Some(max), Some(n)) = (obj.get("maximum").and_then(Value::as_f64), value.as_f64()) {
            if n > max {
                errors.push(format!("{at}: {n} > maximum {max}"));
            }
        }
        if let (Some(p), Some(s)) = (obj.get("pattern").and_then(Value::as_str), value.as_str()) {
            if !simple_pattern(p, s) {
                errors.push(format!("{at}: {s:?} does not match {p}"));
            }
        }
        if let Some(map) = value.as_object() {
            let props = obj.get("properties").and_then(Value::as_object);
            for req in obj.get("required").and_then(Value::as_array).into_iter().flatten() {
                let req = req.as_str().unwrap();
                if !map.contains_key(req) {
                    errors.push(format!("{at}: missing required property {req:?}"));
                }
            }
            for (k, v) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(sub) => self.check(sub, v, &format!("{at}/{k}"), errors),
                    None if obj.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        errors.push(format!("{at}: property {k:?} is not in the document"))
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(arr)) = (obj.get("items"), value.as_array()) {
            for (i, v) in arr.iter().enumerate() {
                self.check(items, v, &format!("{at}/{i}"), errors);
            }
        }
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unknown type {other}"),
    }
}

/// The patterns the document uses: `^JY[0-9]{14}$`, `^([0-9]{6}|[0-9]{9})$`, and the audit
/// head's `^[0-9a-f]{64}$` and `^[0-9]+:[0-9a-f]{64}$`.
fn simple_pattern(pattern: &str, s: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let hash = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match pattern {
        "^JY[0-9]{14}$" => s.strip_prefix("JY").is_some_and(|d| digits(d, 14)),
        "^([0-9]{6}|[0-9]{9})$" => digits(s, 6) || digits(s, 9),
        "^[0-9a-f]{64}$" => hash(s),
        "^[0-9]+:[0-9a-f]{64}$" => {
            s.split_once(':').is_some_and(|(n, h)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && hash(h))
        }
        other => panic!("pattern {other} is not supported by this checker"),
    }
}
