//! The stacks' verdict tables: every clause's expected status on each stack of
//! `profiles/`, each row with the stack's behaviour that causes it. A stack's entry in
//! [`super::zoo::ZOO`] names its table.
//!
//! One file per ecosystem: [`python`] and [`node`].

mod node;
mod python;

pub use node::*;
pub use python::*;
