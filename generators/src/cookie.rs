//! `Cookie` headers as browsers, proxies, attackers and broken clients send them: the
//! session's own tokens (by index, since each run has its own), mangled tokens, generated
//! `name=value` pairs, raw garbage, many pairs, and padding up to and past the header
//! limit.

use proptest::prelude::*;
use proptest::strategy::Union;

use crate::text::readable;

/// The most pairs a generated header carries (before any padding).
pub const MAX_PAIRS: usize = 64;

/// The header limit the contract allows a server to enforce (LO-11: a header block over
/// 8 KiB may instead get 431).
pub const HEADER_LIMIT: usize = 8 * 1024;

/// The separators a generated header joins its parts with: the browser's `"; "` first,
/// so that shrinking reaches it.
const SEPARATORS: [&[u8]; 5] = [b"; ", b";", b" ; ", b";;", b"; ;"];

/// The cookie names a target uses: the ones a generated pair names most often, and the
/// ones a session part stands for.
#[derive(Debug, Clone)]
pub struct Names {
    /// The cookie the refresh (or the one session) token travels in.
    pub refresh: String,
    /// The access token's cookie, if the session has one.
    pub access: Option<String>,
    /// Any other cookie of the contract (CSRF, companions).
    pub others: Vec<String>,
}

impl Names {
    /// The reference server's names: `refreshToken`, `accessToken`.
    pub fn reference() -> Self {
        Self {
            refresh: "refreshToken".into(),
            access: Some("accessToken".into()),
            others: Vec::new(),
        }
    }

    fn all(&self) -> Vec<String> {
        std::iter::once(self.refresh.clone())
            .chain(self.access.clone())
            .chain(self.others.iter().cloned())
            .collect()
    }
}

/// One session's tokens, which a [`Part`] refers to by index.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The refresh (or session) token.
    pub refresh: String,
    /// The access token, if the session has one.
    pub access: Option<String>,
}

/// One part of a generated `Cookie` header.
#[derive(Debug, Clone)]
pub enum Part {
    /// `<refresh>=<session i's refresh token>`, intact: presented.
    Refresh(usize),
    /// `<access>=<session i's access token>`, intact: presented.
    Access(usize),
    /// Session i's refresh token with its last byte dropped (`true`) or a byte appended:
    /// a value that is not the token, so not presented.
    Mangled(usize, bool),
    /// A generated `name=value` pair.
    Pair {
        /// The name: one of the target's, a token-like ASCII name, a non-ASCII name, or
        /// an odd one (`$Version`, a quote, a space, nothing).
        name: Vec<u8>,
        /// The value: runs of token characters, `%`-escapes (`%00`), quotes, commas,
        /// non-ASCII text, obs-text bytes, long runs; sometimes in double quotes.
        value: Vec<u8>,
    },
    /// Bytes a header value may carry (tab, visible ASCII, space, obs-text), without `=`
    /// structure.
    Garbage(Vec<u8>),
}

/// A generated `Cookie` header: its parts, the separator between them, and whether it is
/// padded to a given length (around and past [`HEADER_LIMIT`]).
#[derive(Debug, Clone)]
pub struct CookieCase {
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// Index into the separators (`"; "`, `";"`, `" ; "`, `";;"`, `"; ;"`).
    pub separator: usize,
    /// Pad the header with a last part of `p`s to this many bytes.
    pub pad_to: Option<usize>,
}

/// Bytes `HeaderValue` accepts: what can reach a handler at all (no CR, LF, NUL, DEL).
pub fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff]
}

/// Up to `max` header bytes.
pub fn garbage(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(header_byte(), 0..max)
}

/// A cookie name.
fn name(names: &Names) -> BoxedStrategy<Vec<u8>> {
    let ours: Vec<Vec<u8>> = names.all().into_iter().map(String::into_bytes).collect();
    let odd: Vec<&[u8]> = vec![b"$Version", b"", b"\"q\"", b"na me", b" lead", b"a,b"];
    prop_oneof![
        4 => prop::sample::select(ours),
        2 => "[A-Za-z0-9_.-]{1,12}".prop_map(String::into_bytes),
        1 => (
            "[a-z]{0,3}",
            prop::sample::select(vec!["é", "ñ", "名前", "ключ", "🍪", "\u{a0}"]),
            "[a-z]{0,3}",
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}").into_bytes()),
        1 => prop::sample::select(odd).prop_map(<[u8]>::to_vec),
    ]
    .boxed()
}

/// A piece of a cookie value.
fn value_piece() -> BoxedStrategy<Vec<u8>> {
    let escapes = vec!["%00", "%0a", "%ff", "%", "%zz", "%2525", "%c3%28", "%u0000"];
    let specials = vec!["\"", "\\", ",", "=", " ", "\t", ";", "'", "\\0"];
    let text = vec!["é", "💥", "\u{feff}", "\u{2028}"];
    prop_oneof![
        6 => "[A-Za-z0-9._~+/=-]{1,16}".prop_map(String::into_bytes),
        2 => prop::sample::select(escapes).prop_map(|s| s.as_bytes().to_vec()),
        2 => prop::sample::select(specials).prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::sample::select(text).prop_map(|s| s.as_bytes().to_vec()),
        1 => (0x80u8..=0xff).prop_map(|b| vec![b]),
        1 => prop_oneof![1usize..64, 1024usize..=4096].prop_map(|n| vec![b'a'; n]),
    ]
    .boxed()
}

/// A cookie value: a few pieces, sometimes in double quotes.
fn value() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(value_piece(), 0..4),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(pieces, quoted)| {
            let inner = pieces.concat();
            if quoted {
                [b"\"".as_slice(), &inner, b"\""].concat()
            } else {
                inner
            }
        })
}

/// One part. With no sessions, no part refers to one.
fn part(names: &Names, sessions: usize) -> BoxedStrategy<Part> {
    let pair = (name(names), value())
        .prop_map(|(name, value)| Part::Pair { name, value })
        .boxed();
    let garbage = garbage(48).prop_map(Part::Garbage).boxed();
    if sessions == 0 {
        return Union::new_weighted(vec![(6, pair), (2, garbage)]).boxed();
    }
    let mut arms = vec![
        (2, (0..sessions).prop_map(Part::Refresh).boxed()),
        (
            1,
            ((0..sessions), any::<bool>())
                .prop_map(|(i, drop)| Part::Mangled(i, drop))
                .boxed(),
        ),
        (6, pair),
        (2, garbage),
    ];
    if names.access.is_some() {
        arms.push((1, (0..sessions).prop_map(Part::Access).boxed()));
    }
    Union::new_weighted(arms).boxed()
}

/// A whole header: up to [`MAX_PAIRS`] parts (half the cases eight or fewer, half up to
/// the maximum), a separator, and now and then padding to around [`HEADER_LIMIT`].
/// `sessions` is how many sessions parts may present (0: none, for malformed input
/// alone).
pub fn case(names: &Names, sessions: usize) -> impl Strategy<Value = CookieCase> + use<> {
    let parts = part(names, sessions);
    let many = prop_oneof![
        prop::collection::vec(parts.clone(), 0..=8),
        prop::collection::vec(parts, 8..=MAX_PAIRS),
    ];
    (
        many,
        0..SEPARATORS.len(),
        prop::option::weighted(0.1, HEADER_LIMIT - 1024..HEADER_LIMIT + 2048),
    )
        .prop_map(|(parts, separator, pad_to)| CookieCase {
            parts,
            separator,
            pad_to,
        })
}

impl CookieCase {
    fn separator(&self) -> &'static [u8] {
        SEPARATORS.get(self.separator).copied().unwrap_or(b"; ")
    }

    /// The header's bytes, with session `i`'s tokens from `sessions[i]` (indices wrap).
    pub fn header(&self, names: &Names, sessions: &[Tokens]) -> Vec<u8> {
        let token = |i: &usize| sessions.get(i % sessions.len().max(1));
        let mut pieces: Vec<Vec<u8>> = self
            .parts
            .iter()
            .map(|part| match part {
                Part::Refresh(i) => {
                    let value = token(i).map(|t| t.refresh.as_str()).unwrap_or_default();
                    format!("{}={value}", names.refresh).into_bytes()
                }
                Part::Access(i) => {
                    let name = names.access.as_deref().unwrap_or("accessToken");
                    let value = token(i).and_then(|t| t.access.as_deref());
                    format!("{name}={}", value.unwrap_or_default()).into_bytes()
                }
                Part::Mangled(i, drop) => {
                    let mut value = token(i)
                        .map(|t| t.refresh.clone().into_bytes())
                        .unwrap_or_default();
                    if *drop {
                        value.pop();
                    } else {
                        value.push(b'x');
                    }
                    [names.refresh.as_bytes(), b"=", &value].concat()
                }
                Part::Pair { name, value } => [name.as_slice(), b"=", value].concat(),
                Part::Garbage(bytes) => bytes.clone(),
            })
            .collect();
        let separator = self.separator();
        if let Some(len) = self.pad_to {
            let so_far: usize = pieces.iter().map(|p| p.len() + separator.len()).sum();
            pieces.push(vec![b'p'; len.saturating_sub(so_far)]);
        }
        pieces.join(separator)
    }

    /// Whether session `i`'s refresh (`refresh`) or access token is presented intact.
    pub fn presents(&self, i: usize, refresh: bool) -> bool {
        self.parts.iter().any(|part| match part {
            Part::Refresh(j) => refresh && *j == i,
            Part::Access(j) => !refresh && *j == i,
            _ => false,
        })
    }

    /// Whether the header certainly names a token cookie with a value the server must
    /// look up (a session's token, intact or mangled).
    pub fn asks_the_store(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Refresh(_) | Part::Access(_) | Part::Mangled(..)))
    }

    /// Whether a generated pair names one of the target's cookies: the server may or may
    /// not look its value up.
    pub fn names_ours(&self, names: &Names) -> bool {
        let ours = names.all();
        self.parts.iter().any(|part| match part {
            Part::Pair { name, .. } => ours.iter().any(|n| n.as_bytes() == name.as_slice()),
            _ => false,
        })
    }

    /// The header as a person reads it: each part readable (bytes escaped, long runs
    /// folded), a run of equal parts folded to `part (×N)`, tokens as `<refresh token i>`.
    pub fn describe(&self, names: &Names) -> String {
        let shown: Vec<String> = self
            .parts
            .iter()
            .map(|part| match part {
                Part::Refresh(i) => format!("{}=<live refresh token {i}>", names.refresh),
                Part::Access(i) => format!(
                    "{}=<live access token {i}>",
                    names.access.as_deref().unwrap_or("accessToken")
                ),
                Part::Mangled(i, true) => {
                    format!("{}=<refresh token {i} minus its last byte>", names.refresh)
                }
                Part::Mangled(i, false) => {
                    format!("{}=<refresh token {i} plus \"x\">", names.refresh)
                }
                Part::Pair { name, value } => readable(&[name.as_slice(), b"=", value].concat()),
                Part::Garbage(bytes) => readable(bytes),
            })
            .collect();
        let mut folded: Vec<String> = Vec::new();
        let mut i = 0;
        while let Some(first) = shown.get(i) {
            let run = shown[i..].iter().take_while(|s| *s == first).count();
            folded.push(if run > 1 {
                format!("{first} (×{run})")
            } else {
                first.clone()
            });
            i += run;
        }
        let separator = String::from_utf8_lossy(self.separator()).into_owned();
        let mut text = format!(
            "{} part{} joined by {separator:?}: {}",
            self.parts.len(),
            if self.parts.len() == 1 { "" } else { "s" },
            folded.join(&separator)
        );
        if let Some(len) = self.pad_to {
            text.push_str(&format!(", padded with p… to {len} bytes"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_folded_runs_and_escapes() {
        let pair = Part::Pair {
            name: b"refreshToken".to_vec(),
            value: Vec::new(),
        };
        let case = CookieCase {
            parts: vec![pair; 40],
            separator: 0,
            pad_to: None,
        };
        let names = Names::reference();
        assert_eq!(
            case.describe(&names),
            "40 parts joined by \"; \": refreshToken= (×40)"
        );
        let header = case.header(&names, &[]);
        assert_eq!(header.len(), 40 * "refreshToken=".len() + 39 * 2);
    }

    #[test]
    fn presents_only_intact_tokens() {
        let case = CookieCase {
            parts: vec![Part::Refresh(1), Part::Mangled(0, true)],
            separator: 1,
            pad_to: None,
        };
        let sessions = [
            Tokens {
                refresh: "r0".into(),
                access: None,
            },
            Tokens {
                refresh: "r1".into(),
                access: None,
            },
        ];
        assert_eq!(
            case.header(&Names::reference(), &sessions),
            b"refreshToken=r1;refreshToken=r"
        );
        assert!(case.presents(1, true) && !case.presents(0, true));
    }
}
