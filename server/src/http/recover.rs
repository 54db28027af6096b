//! Turns every rejection that reaches the top into a JSON answer.
//!
//! The routes answer their own errors, so what arrives here is warp's: an unknown path
//! (404) and little else. Nothing a client sends may become a 5xx, so an unexpected
//! rejection is a 400 (and a warning in the log).

use std::convert::Infallible;

use warp::Rejection;
use warp::reject::{
    InvalidHeader, InvalidQuery, LengthRequired, MethodNotAllowed, MissingCookie, MissingHeader,
    PayloadTooLarge, UnsupportedMediaType,
};
use warp::reply::Response;

use crate::http::error::ApiError;

/// The recover handler of [`crate::routes()`].
pub async fn handle(rejection: Rejection) -> Result<Response, Infallible> {
    Ok(to_api_error(&rejection).into_response())
}

fn to_api_error(rejection: &Rejection) -> ApiError {
    if rejection.is_not_found() {
        ApiError::NotFound
    } else if rejection.find::<MethodNotAllowed>().is_some() {
        ApiError::MethodNotAllowed { allow: None }
    } else if rejection.find::<PayloadTooLarge>().is_some() {
        ApiError::PayloadTooLarge
    } else if rejection.find::<LengthRequired>().is_some() {
        ApiError::LengthRequired
    } else if rejection.find::<UnsupportedMediaType>().is_some() {
        ApiError::UnsupportedMediaType
    } else if rejection
        .find::<warp::body::BodyDeserializeError>()
        .is_some()
    {
        ApiError::BadRequest("Invalid JSON body")
    } else if rejection.find::<InvalidHeader>().is_some()
        || rejection.find::<MissingHeader>().is_some()
        || rejection.find::<MissingCookie>().is_some()
        || rejection.find::<InvalidQuery>().is_some()
    {
        ApiError::BadRequest("Bad request")
    } else {
        tracing::warn!(?rejection, "unexpected rejection answered as 400");
        ApiError::BadRequest("Bad request")
    }
}
