//! Targets whose sessions are more than one token cookie, built as [`shim`](crate::shim)s
//! in front of the reference server, with the profile that declares each: a CSRF
//! double-submit stack, a signed cookie pair (`koa.sess` + `koa.sess.sig`), a session
//! cookie under another name, a logout that needs the access cookie; and two answer
//! rewrites (a clearing cookie dated a year back, a logout answer echoing the token).
//!
//! One file per target: `csrf`, `signed`, `renamed`, `rewrites`.

mod csrf;
mod renamed;
mod rewrites;
mod signed;

pub use csrf::*;
pub use renamed::*;
pub use rewrites::*;
pub use signed::*;

use std::hash::BuildHasher as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use warp::http::Method;

use crate::routes::LOGOUT;

/// The hooks and CORS origin of the reference, for every profile here.
const CAPABILITIES: &str = reference_capabilities!();

/// A fresh value no two calls share (a CSRF token).
fn fresh() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    format!(
        "{:016x}{:016x}",
        state.hash_one(COUNT.fetch_add(1, Ordering::Relaxed)),
        state.hash_one(SystemTime::now())
    )
}

fn is(method: &Method, path: &str, wanted: (&Method, &str)) -> bool {
    method == wanted.0 && path == wanted.1
}

const LOGIN: (&Method, &str) = (&Method::POST, "/auth/login");
const VALIDATE: (&Method, &str) = (&Method::GET, "/auth/validate-session");
const LOGOUT_ROUTE: (&Method, &str) = (&Method::POST, LOGOUT);
const REFRESH: (&Method, &str) = (&Method::POST, "/auth/refresh");
