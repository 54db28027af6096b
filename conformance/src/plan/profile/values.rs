//! Generated values and the placeholders that use them. Every template string of a
//! profile (a path, a header, a JSON or form field) may name `{email}`, `{password}`,
//! `{name}`, `{uuid}`, `{run}`, `{origin}`, `{cookie:NAME}` and `{response:/pointer}`;
//! a probe may also name `{token}`, the token it asks about. Unknown placeholders are
//! rejected when the profile is read, so a typo cannot send a literal `{emial}`.

use std::hash::BuildHasher as _;

use serde::Deserialize;

/// How fresh users' values are made (`[values]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// The domain of `{email}`; the default is one e-mail validators accept.
    #[serde(default = "default_domain")]
    pub email_domain: String,
    /// `"generated"` (24 characters with an upper- and a lower-case letter, a digit and a
    /// symbol, new for each user) or a literal password every user gets.
    #[serde(default = "generated")]
    pub password: String,
    /// The local part's prefix: `lo` in version 2, `conformance` in version 1.
    #[serde(skip_deserializing, default = "v2_prefix")]
    pub email_prefix: String,
}

fn default_domain() -> String {
    "example.com".into()
}

fn generated() -> String {
    "generated".into()
}

fn v2_prefix() -> String {
    "lo".into()
}

impl Values {
    /// Version 2's defaults: `lo-{run}-{n}@example.com`, a generated password.
    pub fn v2() -> Self {
        Self {
            email_domain: default_domain(),
            password: generated(),
            email_prefix: v2_prefix(),
        }
    }

    /// Version 1's values (`conformance-{run}-{n}@example.test`), kept so that a version 1
    /// profile sends what it always sent.
    pub fn v1() -> Self {
        Self {
            email_domain: "example.test".into(),
            password: generated(),
            email_prefix: "conformance".into(),
        }
    }

    /// The values of a fresh user; `id` is unique within the run (`{run}-{n}`).
    pub fn user(&self, id: &str) -> User {
        User {
            email: format!("{}-{id}@{}", self.email_prefix, self.email_domain),
            password: if self.password == "generated" {
                generated_password()
            } else {
                self.password.clone()
            },
            name: format!("Conformance {id}"),
        }
    }
}

impl Default for Values {
    fn default() -> Self {
        Self::v1()
    }
}

/// One user's values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub email: String,
    pub password: String,
    pub name: String,
}

/// The one symbol a generated password holds: those that the most common policy
/// pattern (`(?=.*[@$!%*?&])[A-Za-z\d@$!%*?&]{8,}`) and its stricter cousins accept,
/// without `$` and `&`, which templates and shells mangle.
pub const PASSWORD_SYMBOLS: &str = "!%*?@";

/// 16 characters that the usual policies accept: upper- and lower-case letters and
/// digits (at least one of each, no look-alikes) and exactly one symbol of
/// [`PASSWORD_SYMBOLS`], at a random place. More symbols, or others (`#+-=_`), are
/// refused by some policies; a password a target refuses ends the run before any clause.
pub fn generated_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const LENGTH: usize = 16;
    let alnum: Vec<u8> = [UPPER, LOWER, DIGIT].concat();
    let bytes = random_bytes(LENGTH + 1);
    let mut password: Vec<u8> = bytes[..LENGTH - 1]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let set: &[u8] = match i {
                0 => UPPER,
                1 => LOWER,
                2 => DIGIT,
                _ => &alnum,
            };
            set[usize::from(*b) % set.len()]
        })
        .collect();
    let symbols = PASSWORD_SYMBOLS.as_bytes();
    let symbol = symbols[usize::from(bytes[LENGTH - 1]) % symbols.len()];
    // Anywhere but first: a few policies refuse a leading symbol.
    let at = 1 + usize::from(bytes[LENGTH]) % (LENGTH - 1);
    password.insert(at, symbol);
    password.into_iter().map(char::from).collect()
}

/// A random version 4 UUID, written the usual way.
pub fn uuid() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Bytes from the process's randomly keyed hasher: not for keys, enough for throwaway
/// passwords and names.
fn random_bytes(n: usize) -> Vec<u8> {
    let state = std::collections::hash_map::RandomState::new();
    (0..n.div_ceil(8) as u64)
        .flat_map(|i| state.hash_one(i).to_le_bytes())
        .take(n)
        .collect()
}

/// A placeholder in a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    Email,
    Password,
    Name,
    Uuid,
    Run,
    Origin,
    /// The token a probe asks about.
    Token,
    /// The value of a cookie in the client's jar (a CSRF double-submit header).
    Cookie(String),
    /// The JSON value at a pointer in the previous setup answer of the session.
    Response(String),
}

impl Placeholder {
    fn parse(inner: &str) -> Option<Self> {
        Some(match inner {
            "email" => Self::Email,
            "password" => Self::Password,
            "name" => Self::Name,
            "uuid" => Self::Uuid,
            "run" => Self::Run,
            "origin" => Self::Origin,
            "token" => Self::Token,
            _ => match inner.split_once(':') {
                Some(("cookie", name)) if !name.is_empty() => Self::Cookie(name.into()),
                Some(("response", p)) if p.is_empty() || p.starts_with('/') => {
                    Self::Response(p.into())
                }
                _ => return None,
            },
        })
    }
}

/// The placeholders of a template string, or the first one that is not known.
pub fn placeholders(text: &str) -> Result<Vec<Placeholder>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(format!("{text:?} opens a placeholder it does not close"));
        };
        let inner = &rest[start + 1..start + len];
        found.push(Placeholder::parse(inner).ok_or_else(|| {
            format!(
                "unknown placeholder {{{inner}}} in {text:?} (known: {{email}} {{password}} \
                 {{name}} {{uuid}} {{run}} {{origin}} {{token}} {{cookie:NAME}} \
                 {{response:/pointer}})"
            )
        })?);
        rest = &rest[start + len + 1..];
    }
    Ok(found)
}

/// Whether a filled string still holds a placeholder filled only when it is sent
/// (`{cookie:…}`, `{response:…}`).
pub fn has_late(text: &str) -> bool {
    placeholders(text).is_ok_and(|found| {
        found
            .iter()
            .any(|p| matches!(p, Placeholder::Cookie(_) | Placeholder::Response(_)))
    })
}

/// What placeholders are filled from.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub user: Option<&'a User>,
    pub run: &'a str,
    /// The target's `scheme://host:port`.
    pub origin: &'a str,
    pub token: Option<&'a str>,
    /// The cookies the client holds: name and value.
    pub cookies: Vec<(String, String)>,
    /// The previous setup answer's JSON body.
    pub previous: Option<&'a serde_json::Value>,
    /// Leave `{cookie:…}` and `{response:…}` as written, for [`fill_late`] when the
    /// request is sent and its cookies are known.
    pub defer: bool,
}

/// A template string with its placeholders filled; the error names what is missing.
pub fn fill(text: &str, ctx: &Context<'_>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        let user = ctx.user.cloned().unwrap_or_default();
        let value = match Placeholder::parse(inner) {
            None => format!("{{{inner}}}"),
            Some(Placeholder::Cookie(_) | Placeholder::Response(_)) if ctx.defer => {
                format!("{{{inner}}}")
            }
            Some(Placeholder::Email) => user.email,
            Some(Placeholder::Password) => user.password,
            Some(Placeholder::Name) => user.name,
            Some(Placeholder::Uuid) => uuid(),
            Some(Placeholder::Run) => ctx.run.to_owned(),
            Some(Placeholder::Origin) => ctx.origin.to_owned(),
            Some(Placeholder::Token) => ctx.token.unwrap_or_default().to_owned(),
            Some(Placeholder::Cookie(name)) => ctx
                .cookies
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("{{cookie:{name}}}: the client holds no {name} cookie"))?,
            Some(Placeholder::Response(pointer)) => {
                let value = ctx
                    .previous
                    .and_then(|p| p.pointer(&pointer))
                    .ok_or_else(|| {
                        format!("{{response:{pointer}}}: the previous answer has nothing there")
                    })?;
                match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }
            }
        };
        out.push_str(&value);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Fills what [`fill`] deferred: `{cookie:NAME}` from the cookies the request carries,
/// `{response:/pointer}` from the previous answer. What is missing becomes empty: the
/// request is sent as a client without that cookie would send it.
pub fn fill_late(
    text: &str,
    cookies: &[(String, String)],
    previous: Option<&serde_json::Value>,
) -> String {
    if !text.contains('{') {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        match Placeholder::parse(inner) {
            Some(Placeholder::Cookie(name)) => {
                if let Some((_, v)) = cookies.iter().rev().find(|(n, _)| *n == name) {
                    out.push_str(v);
                }
            }
            Some(Placeholder::Response(pointer)) => {
                match previous.and_then(|p| p.pointer(&pointer)) {
                    Some(serde_json::Value::String(s)) => out.push_str(s),
                    Some(other) => out.push_str(&other.to_string()),
                    None => {}
                }
            }
            _ => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A JSON template with every string filled (object keys stay as written).
pub fn fill_json(
    value: &serde_json::Value,
    ctx: &Context<'_>,
) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    Ok(match value {
        Value::String(s) => Value::String(fill(s, ctx)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| fill_json(v, ctx))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), fill_json(v, ctx)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// Every string of a JSON template, to check its placeholders.
pub fn strings(value: &serde_json::Value) -> Vec<&str> {
    use serde_json::Value;
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}
