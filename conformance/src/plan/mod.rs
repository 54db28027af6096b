//! What to run and against what description: the clause catalogue, the feature files
//! whose scenarios check those clauses, and the profile that says how to talk to a
//! target and which optional capabilities it offers.

pub mod catalogue;
pub mod clause_id;
pub mod contract;
pub mod features;
pub mod profile;
