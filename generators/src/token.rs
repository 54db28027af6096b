//! Unknown tokens shaped like a live one: what an attacker probing for live sessions
//! sends, and what LO-22 says must get the live token's answer.

use proptest::prelude::*;

/// A test of one character class.
type CharClass = fn(&char) -> bool;

/// An unknown token shaped like `live`: as long, drawn from the character classes it
/// uses (digits, lower and upper case, `-` and `_`), with any other character (a JWT's
/// dots) kept where it stands. A target that answers a token of another shape apart
/// (400 for a malformed one) is LO-05's business; this one is not told apart from a
/// live token by its shape.
pub fn token_shaped(live: &str) -> impl Strategy<Value = String> + use<> {
    let mut alphabet: Vec<char> = Vec::new();
    let classes: [(CharClass, &str); 4] = [
        (char::is_ascii_digit, "0123456789"),
        (char::is_ascii_lowercase, "abcdefghijklmnopqrstuvwxyz"),
        (char::is_ascii_uppercase, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        (|c| matches!(c, '-' | '_'), "-_"),
    ];
    for (is, members) in classes {
        if live.chars().any(|c| is(&c)) {
            alphabet.extend(members.chars());
        }
    }
    if alphabet.is_empty() {
        alphabet.extend("abcdef0123456789".chars());
    }
    let template: Vec<Option<char>> = live
        .chars()
        .map(|c| (!c.is_ascii_alphanumeric() && !matches!(c, '-' | '_')).then_some(c))
        .collect();
    prop::collection::vec(prop::sample::select(alphabet), template.len()).prop_map(move |drawn| {
        template
            .iter()
            .zip(drawn)
            .map(|(kept, drawn)| kept.unwrap_or(drawn))
            .collect()
    })
}
