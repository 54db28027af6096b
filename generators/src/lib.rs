//! One definition of "malformed" logout input: the [proptest] strategies that both the
//! reference server's property tests and the conformance kit's generated scenarios draw
//! from, so that what the server is proven to survive in-process is what the kit throws
//! at any other server over the wire.
//!
//! - [`cookie`]: `Cookie` headers — live tokens (by session index), mangled tokens,
//!   generated pairs (the contract's cookie names and others, non-ASCII names, values
//!   with `%00`, quotes, separators, obs-text bytes), raw garbage, many pairs, padding up
//!   to and past the header limit;
//! - [`token`]: unknown tokens shaped like a live one;
//! - [`body`]: logout bodies — well-formed JSON of every shape, nested deep or up to a
//!   size bound, malformed JSON, and other content types with arbitrary bytes.
//!
//! Every strategy shrinks with proptest's own shrinking: fewer pairs, shorter values,
//! shallower nesting, smaller bodies. The distributions put a fixed share of cases at the
//! far end of each dimension (the bound itself, forty-odd pairs, forty-odd levels), so
//! that a few dozen cases reach the sizes where servers break.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod body;
pub mod cookie;
mod text;
pub mod token;

pub use proptest;
