//! Logout bodies: well-formed JSON of every shape (scalars, arrays, objects, nested up to
//! [`MAX_DEPTH`] levels, padded up to [`MAX_BYTES`]), malformed JSON, and other content
//! types carrying arbitrary bytes.

use proptest::prelude::*;
use serde_json::Value;

use crate::text::readable;

/// The largest generated body: past the 100 KiB limits of common body parsers
/// (Express's `express.json()` default `100kb`).
pub const MAX_BYTES: usize = 128 * 1024;

/// The deepest generated nesting: past the limits of common JSON readers (.NET's 64),
/// short of serde_json's default recursion limit (128), which a reader may keep.
pub const MAX_DEPTH: usize = 100;

/// The JSON content types a well-formed body is sent with.
pub const JSON_TYPES: [&str; 2] = ["application/json", "application/json; charset=utf-8"];

/// The other content types a body is sent with.
pub const OTHER_TYPES: [&str; 5] = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "application/xml",
];

/// A body and the `Content-Type` it is sent with (none: no header).
#[derive(Debug, Clone)]
pub struct BodyCase {
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'static str>,
    /// The body.
    pub shape: Shape,
}

/// What a body holds.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A JSON value of any shape, a few levels deep.
    Json(Value),
    /// `depth` levels (at least 1) of nested arrays (`[[[]]]`) or objects
    /// (`{"a":{"a":{}}}`).
    Nested {
        /// Levels of nesting.
        depth: usize,
        /// Arrays, or objects.
        arrays: bool,
    },
    /// `{"pad":"ppp…"}` of exactly this many bytes (at least 12).
    Padded(usize),
    /// Text that is not JSON: cut short, trailing garbage, single quotes, `NaN`.
    Malformed(String),
    /// Arbitrary bytes.
    Bytes(Vec<u8>),
}

impl Shape {
    /// The bytes sent.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Json(value) => value.to_string().into_bytes(),
            Self::Nested {
                depth,
                arrays: true,
            } => {
                let depth = (*depth).max(1);
                ["[".repeat(depth), "]".repeat(depth)].concat().into_bytes()
            }
            Self::Nested {
                depth,
                arrays: false,
            } => {
                let wrappers = depth.saturating_sub(1);
                [
                    r#"{"a":"#.repeat(wrappers),
                    "{}".into(),
                    "}".repeat(wrappers),
                ]
                .concat()
                .into_bytes()
            }
            Self::Padded(len) => {
                let pad = len.saturating_sub(r#"{"pad":""}"#.len());
                format!(r#"{{"pad":"{}"}}"#, "p".repeat(pad)).into_bytes()
            }
            Self::Malformed(text) => text.clone().into_bytes(),
            Self::Bytes(bytes) => bytes.clone(),
        }
    }
}

impl BodyCase {
    /// The body as a person reads it: its kind and size, and the bytes when short.
    pub fn describe(&self) -> String {
        let bytes = self.shape.bytes();
        let kind = match &self.shape {
            Shape::Json(_) => "JSON".to_owned(),
            Shape::Nested { depth, arrays } => format!(
                "{depth} nested {}",
                if *arrays { "arrays" } else { "objects" }
            ),
            Shape::Padded(_) => "a padded JSON object".to_owned(),
            Shape::Malformed(_) => "malformed JSON".to_owned(),
            Shape::Bytes(_) => "bytes".to_owned(),
        };
        let shown = if bytes.len() <= 120 {
            readable(&bytes)
        } else {
            let head = readable(&bytes[..60]);
            format!("{head}…")
        };
        format!(
            "{kind}, {} bytes, Content-Type {}: {shown}",
            bytes.len(),
            self.content_type.unwrap_or("(none)")
        )
    }
}

/// A JSON string: plain, escapes, non-ASCII, lone-surrogate-free.
fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_]{0,12}",
        "\\PC{0,16}",
        Just("refreshToken".to_owned()),
        Just("\u{0}\"\\\n".to_owned()),
    ]
}

/// A JSON value of any shape, up to four levels deep.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        json_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((json_string(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A nesting depth: a third shallow, a third anywhere up to [`MAX_DEPTH`], a third at it.
fn depth() -> impl Strategy<Value = usize> {
    prop_oneof![1usize..8, 8usize..=MAX_DEPTH, Just(MAX_DEPTH)]
}

/// A padded size: a third small, a third from half the bound up, a third at the bound.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![12usize..4096, MAX_BYTES / 2..MAX_BYTES, Just(MAX_BYTES)]
}

/// A well-formed JSON body sent as JSON: any value, deep nesting, or a large object, in
/// equal shares.
pub fn well_formed() -> impl Strategy<Value = BodyCase> {
    let shape = prop_oneof![
        json_value().prop_map(Shape::Json),
        (depth(), any::<bool>()).prop_map(|(depth, arrays)| Shape::Nested { depth, arrays }),
        size().prop_map(Shape::Padded),
    ];
    (prop::sample::select(JSON_TYPES.to_vec()), shape).prop_map(|(content_type, shape)| BodyCase {
        content_type: Some(content_type),
        shape,
    })
}

/// Malformed JSON text: a well-formed value cut short or followed by garbage, or a known
/// malformation.
fn malformed_json() -> impl Strategy<Value = String> {
    let known = vec![
        "{",
        "[",
        "{\"a\":",
        "{'a':1}",
        "{\"a\":1,}",
        "NaN",
        "undefined",
        "{} x",
        "\u{feff}{}",
        "{\"a\":\"\\ud800\"}",
        "nul",
        "--",
        "{\"a\" 1}",
    ];
    prop_oneof![
        prop::sample::select(known).prop_map(str::to_owned),
        (json_value(), any::<prop::sample::Index>(), "[,:}\\]x]{0,2}").prop_map(
            |(value, cut, tail)| {
                let text = value.to_string();
                let at = cut.index(text.len().max(1));
                let head: String = text.chars().take(at).collect();
                format!("{head}{tail}")
            }
        ),
    ]
    // Not empty either: an empty body is no body at all, LO-08's own fixed case, not
    // malformed JSON (a target refusing an empty body fails LO-08, on every seed).
    .prop_filter("not JSON", |text| {
        !text.is_empty() && serde_json::from_str::<Value>(text).is_err()
    })
}

/// A body a JSON endpoint cannot read as JSON: malformed JSON or arbitrary bytes sent as
/// JSON (never empty: no body is LO-08's case), or arbitrary bytes under another content
/// type or none. At most 4 KiB: size is [`well_formed`]'s dimension.
pub fn not_json() -> impl Strategy<Value = BodyCase> {
    let any_bytes = || prop::collection::vec(any::<u8>(), 0..4096);
    let some_bytes = || prop::collection::vec(any::<u8>(), 1..4096);
    prop_oneof![
        2 => (prop::sample::select(JSON_TYPES.to_vec()), malformed_json()).prop_map(
            |(content_type, text)| BodyCase {
                content_type: Some(content_type),
                shape: Shape::Malformed(text),
            }
        ),
        1 => (prop::sample::select(JSON_TYPES.to_vec()), some_bytes()).prop_map(
            |(content_type, bytes)| BodyCase {
                content_type: Some(content_type),
                shape: Shape::Bytes(bytes),
            }
        ),
        2 => (
            prop::option::of(prop::sample::select(OTHER_TYPES.to_vec())),
            any_bytes()
        )
            .prop_map(|(content_type, bytes)| BodyCase {
                content_type,
                shape: Shape::Bytes(bytes),
            }),
    ]
}

/// Any body: well-formed or not.
pub fn any_body() -> impl Strategy<Value = BodyCase> {
    prop_oneof![well_formed(), not_json()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_their_sizes_and_depths() {
        let padded = Shape::Padded(1000).bytes();
        assert_eq!(padded.len(), 1000);
        assert!(serde_json::from_slice::<Value>(&padded).is_ok());
        let nested = Shape::Nested {
            depth: 40,
            arrays: false,
        }
        .bytes();
        assert!(serde_json::from_slice::<Value>(&nested).is_ok());
        assert_eq!(nested.iter().filter(|b| **b == b'{').count(), 40);
        assert_eq!(
            Shape::Nested {
                depth: 3,
                arrays: true
            }
            .bytes(),
            b"[[[]]]"
        );
    }
}
