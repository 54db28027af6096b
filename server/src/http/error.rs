//! The API's errors and their JSON answers.
//!
//! Each [`ApiError`] maps to one status and one `{"error": "…"}` body. An
//! [`ApiError::Internal`] answers 500 with its public message only; its cause goes to the
//! log, never to the client.

use serde_json::json;
use warp::http::StatusCode;
use warp::http::header::{ALLOW, HeaderValue, RETRY_AFTER};
use warp::reply::Response;

use crate::http::respond;
use crate::model::internal::InternalError;
use crate::model::password::PasswordError;

/// Every error answer of the API. `Display` is the public message, the body's `error`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with a message chosen by the handler.
    #[error("{0}")]
    BadRequest(&'static str),
    /// 401 from login.
    #[error("Invalid credentials")]
    InvalidCredentials,
    /// 401 from validate-session: no live access or refresh token.
    #[error("Invalid or expired refresh token")]
    InvalidSession,
    /// 403 to a CORS preflight from an origin that is not configured.
    #[error("Origin not allowed")]
    OriginNotAllowed,
    /// 404 for any path the API does not have.
    #[error("Not found")]
    NotFound,
    /// 405 on a known path; `allow` lists the methods it takes, when known.
    #[error("Method not allowed")]
    MethodNotAllowed {
        /// The `Allow` header value.
        allow: Option<&'static str>,
    },
    /// 411 when a body's length must be known.
    #[error("Length required")]
    LengthRequired,
    /// 413 when a body exceeds the configured limit.
    #[error("Payload too large")]
    PayloadTooLarge,
    /// 414 when the request target is longer than [`crate::http::limits::MAX_URI_BYTES`].
    #[error("URI too long")]
    UriTooLong,
    /// 415 when a JSON endpoint receives another content type.
    #[error("Content-Type must be application/json")]
    UnsupportedMediaType,
    /// 431 from logout when the request's `Cookie` headers exceed
    /// [`crate::model::cookies::MAX_COOKIE_BYTES`].
    #[error("Cookie header too large")]
    CookieHeaderTooLarge,
    /// 503 with `Retry-After: 1` when password hashing is saturated (register, login).
    #[error("Server busy, try again later")]
    Busy,
    /// 431 when the request's headers together exceed [`crate::http::limits::MAX_HEADER_BYTES`].
    #[error("Request header fields too large")]
    HeaderFieldsTooLarge,
    /// 500 with `public` as the message; `cause` is only logged.
    #[error("{public}")]
    Internal {
        /// The documented message, e.g. "Error logging out".
        public: &'static str,
        /// The real reason, for the log.
        #[source]
        cause: InternalError,
    },
}

impl ApiError {
    /// A 500 answering `public` caused by a password error, or 503 when hashing is busy.
    pub fn password(public: &'static str, cause: PasswordError) -> Self {
        match cause {
            PasswordError::Busy => Self::Busy,
            cause => Self::internal(public, cause),
        }
    }

    /// A 500 answering `public`, caused by `cause`.
    pub fn internal(public: &'static str, cause: impl Into<InternalError>) -> Self {
        Self::Internal {
            public,
            cause: cause.into(),
        }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidCredentials | Self::InvalidSession => StatusCode::UNAUTHORIZED,
            Self::OriginNotAllowed => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::LengthRequired => StatusCode::LENGTH_REQUIRED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::HeaderFieldsTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::CookieHeaderTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON answer; an internal error's cause is logged here, once.
    pub fn into_response(self) -> Response {
        if let Self::Internal { public, cause } = &self {
            tracing::error!(error = %cause, "{public}");
        }
        let mut response = respond::json(self.status(), &json!({ "error": self.to_string() }));
        if let Self::MethodNotAllowed { allow: Some(allow) } = self {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
        }
        if matches!(self, Self::Busy) {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn a_500_message_never_carries_its_cause() {
        let error = ApiError::internal("Error logging out", StoreError::Injected);
        assert_eq!(error.to_string(), "Error logging out");
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
