//! The broken targets: each breaks one behaviour the way implementers in Express, Django,
//! Spring, Go or Rust commonly do, and declares the clauses the suite must catch it on.
//!
//! Every check belongs to one clause. A clause whose own text demands another's answer
//! (LO-05…07, LO-10, LO-11, LO-12 "answer as LO-01"; LO-05…07 and LO-11 "both cookies
//! cleared") fails with it, under that clause's root cause; such declarations say so in a
//! comment. Clauses whose text a defect leaves intact pass, or — when the defect keeps a
//! precondition from holding (a refused logout) — are declared as blocked.
//!
//! One module per area of the contract; each declares its cases with `catalogue!`.

mod answer;
mod body;
mod clearing;
mod headers;
mod invalid_tokens;
mod methods_cors;
mod revocation;
mod support;

/// Every broken target, area by area.
pub fn all() -> Vec<conformance_tests::Case> {
    [
        clearing::all(),
        answer::all(),
        invalid_tokens::all(),
        body::all(),
        revocation::all(),
        headers::all(),
        methods_cors::all(),
    ]
    .concat()
}
