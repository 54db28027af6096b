//! The session model: tokens, the sessions they open, the users who own them, their
//! passwords, and the cookies that carry tokens to and from the client. It knows nothing
//! of routes or handlers; it keeps its tokens in a [`crate::store::TokenStore`].

pub mod cookies;
pub mod internal;
pub mod password;
pub mod sessions;
pub mod token;
pub mod users;
