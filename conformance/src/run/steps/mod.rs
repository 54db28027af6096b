//! Step definitions, one file per domain concept. Every step text used in `features/`
//! must match exactly one definition here: an undefined step fails the scenario.

mod compare;
mod cookies;
mod logout;
mod report;
mod response;
mod session;
mod store;

pub use session::open_session;

use std::hash::BuildHasher as _;

/// A well-formed token the target never issued: 43 URL-safe characters, the length of a
/// 256-bit token.
pub(crate) fn unknown_token() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let mut token = String::new();
    let mut n = 0u64;
    while token.len() < 43 {
        token.push_str(&format!("{:016x}", state.hash_one(n)));
        n += 1;
    }
    token.truncate(43);
    token
}
