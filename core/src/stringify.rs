//! How API Gateway turns JSON values into text in selection expressions and templates: strings as they are,
//! numbers and booleans as their JSON text, lists as `[a, b]` and maps as `{k=v}` (Java's `toString`).

use serde_json::Value;

/// Stringifies a value; `null` on its own is `""` (a missing value), inside a collection it is `null`.
pub fn stringify(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        other => {
            let mut out = String::new();
            write_java(other, &mut out);
            out
        }
    }
}

/// Appends a value's text to `out` (`null` as `null`); [`stringify`] without a `String` of its own.
pub(crate) fn write_java(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(v, out);
            }
            out.push('}');
        }
    }
}
