//! The CLI's own parts, beside the argument definitions in `main.rs`: colour, checks
//! made before any request, tag expressions, `--list`, the run's header, how errors are
//! printed, and stopping what a run started.

pub mod checks;
pub mod color;
pub mod commands;
pub mod errors;
pub mod header;
pub mod lifecycle;
pub mod list;
pub mod outputs;
pub mod tags;
