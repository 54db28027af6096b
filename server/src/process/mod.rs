//! The process: its command line ([`args`]), serving connections ([`serve`],
//! [`connection`], [`idle`], [`signal`]), stopping ([`shutdown`]) and its log ([`logging`]).

pub mod args;
pub mod connection;
pub mod idle;
pub mod logging;
pub mod serve;
pub mod shutdown;
pub mod signal;
