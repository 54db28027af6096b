//! What every layer above the model shares: the server's settings ([`config`]) and the
//! state the handlers hold ([`state`]: settings, token store, users, password hasher).

pub mod config;
pub mod state;
