//! HTTP as the suite sees it: exchanges recorded for transcripts, requests written byte
//! by byte, `Set-Cookie` headers and the browser-like jar, and the secrets to mask in
//! every output. Nothing here knows of scenarios or clauses.

pub mod cookies;
pub mod endpoint;
pub mod exchange;
pub mod raw;
pub mod secrets;
