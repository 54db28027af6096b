//! HTTP as the suite sees it: one policy for every exchange (time limits, size caps, no
//! redirects), exchanges recorded for transcripts with the reason when there was no
//! answer, requests written byte by byte, `Set-Cookie` headers and the browser-like jar,
//! the secrets to mask in every output, and
//! what makes two answers the same answer. Nothing here knows of scenarios or clauses.

pub mod cookies;
pub mod endpoint;
pub mod exchange;
pub mod limits;
pub mod no_answer;
pub mod policy;
pub mod raw;
pub mod record;
pub mod same_answer;
pub mod secrets;
