//! The HTTP face: the filter tree and what it is made of. Requests come in through
//! [`routes`], reach one of the [`handlers`], and leave as a JSON answer ([`respond`],
//! [`error`]) with CORS headers ([`cors`]) and a request log line ([`request_log`]).

pub mod body;
pub mod cors;
pub mod endpoint;
pub mod error;
pub mod handlers;
pub mod limits;
pub mod recover;
pub mod request_log;
pub mod respond;
pub mod routes;
