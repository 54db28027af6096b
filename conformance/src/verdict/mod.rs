//! The verdict model: what a check found and which clause it belongs to ([`check`]), each
//! scenario's result ([`scenario`]), each clause's result ([`clause`]), the profile's known failures beside it
//! ([`known`], [`known_judged`]), every defect once
//! with the clauses it touched ([`root_cause`]), the run's one word ([`overall`]) and the
//! report that carries them all to the renderers ([`outcome`]). Steps make checks; the
//! collector turns cucumber's events into scenario results; everything after that is
//! judged here, without cucumber.

pub mod check;
pub mod clause;
pub mod known;
pub mod known_judged;
pub mod outcome;
pub mod overall;
pub mod root_cause;
pub mod scenario;
