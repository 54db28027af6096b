//! What went wrong inside the server: the cause behind a 500, which goes to the log and
//! never to the client (the client gets the API's 500 answer).

use crate::model::password::PasswordError;
use crate::model::token::RandomError;
use crate::model::users::RegistryError;
use crate::store::StoreError;

/// What went wrong inside the server; logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// The token store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The user registry failed.
    #[error(transparent)]
    Users(#[from] RegistryError),
    /// Password hashing failed.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// No random token could be drawn.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// A `Set-Cookie` value could not be built.
    #[error("invalid header value: {0}")]
    Header(#[from] warp::http::header::InvalidHeaderValue),
}
