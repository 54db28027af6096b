//! The kit behind the cross-crate tests: deliberately broken and benign variants of the
//! reference server, and a harness that runs the conformance suite against each and
//! compares the clauses it fails with the clauses the variant declares.
//!
//! - [`routes`]: the reference routes with one thing changed (answers rewritten on the way
//!   out, or one route answered by another handler);
//! - [`store`]: a token store that misbehaves in one way;
//! - [`harness`]: running a [`Case`], judging it, printing the detection matrix;
//! - [`catalogue!`]: declares cases as data and generates one `#[test]` per case.
//! - [`declared`]: a target testable only by declaring its contract in a profile;
//! - [`shim`], [`sessions`]: targets whose sessions are more than one token cookie
//!   (CSRF double-submit, a signed pair, a renamed cookie), with their profiles;
//! - [`stack`]: an example stack of `profiles/`, installed and run by its `start.sh`.

#![forbid(unsafe_code)]

/// The reference server's hooks and CORS origin, as the kit's profiles declare them: a
/// macro, so that a profile written as one literal can `concat!` it.
macro_rules! reference_capabilities {
    () => {
        r#"
[store_fault]
on = { method = "POST", path = "/__conformance/store/fail" }
off = { method = "POST", path = "/__conformance/store/recover" }

[expired_session]
source = { method = "POST", path = "/__conformance/expired-session" }

[cors]
origin = "http://localhost:5173"
"#
    };
}

#[path = "kit/declared.rs"]
pub mod declared;
#[path = "kit/harness.rs"]
pub mod harness;
#[path = "kit/hostile.rs"]
pub mod hostile;
#[path = "kit/routes.rs"]
pub mod routes;
#[path = "kit/sessions/mod.rs"]
pub mod sessions;
#[path = "kit/shim.rs"]
pub mod shim;
#[path = "kit/stack.rs"]
pub mod stack;
#[path = "kit/store.rs"]
pub mod store;

pub use harness::{Case, assert_case, outcome};

/// Declares a catalogue of cases as data, with `pub fn all() -> Vec<Case>` in the calling
/// module and one `#[test]` per case, named after it (so `cargo test NAME` runs one).
///
/// ```text
/// catalogue! {
///     /// Express `res.clearCookie(name)` in a router mounted on /auth.
///     wrong_path {
///         what: "clears both cookies with Path=/auth",
///         declares: ["LO-02", "LO-03"],
///         blocks: [],          // optional: clauses it keeps from being judged
///         build: || rewrite_logout(|r| ...),
///         second: || …,        // optional: its second instance's own routes (LO-28)
///         profile: || …,       // optional: the profile it is judged with (LO-14)
///     }
/// }
/// ```
#[macro_export]
macro_rules! catalogue {
    ($(
        $(#[$meta:meta])*
        $name:ident {
            what: $what:expr,
            declares: [$($id:expr),* $(,)?],
            $(blocks: [$($blocked:expr),* $(,)?],)?
            build: $build:expr
            $(, second: $second:expr)?
            $(, profile: $profile:expr)? $(,)?
        }
    )*) => {
        /// Every case of this catalogue, in order.
        pub fn all() -> Vec<$crate::Case> {
            vec![$(
                $crate::Case {
                    name: stringify!($name),
                    what: $what,
                    declares: &[$($id),*],
                    blocks: &[$($($blocked),*)?],
                    build: $build,
                    second: {
                        #[allow(unused_mut)]
                        let mut second: Option<fn() -> $crate::routes::Routes> = None;
                        $(second = Some($second);)?
                        second
                    },
                    profile: {
                        #[allow(unused_mut)]
                        let mut profile: Option<fn() -> logout_conformance::Profile> = None;
                        $(profile = Some($profile);)?
                        profile
                    },
                }
            ),*]
        }

        /// One test per case.
        mod case {
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let all = super::all();
                    let Some(case) = all.iter().find(|c| c.name == stringify!($name)) else {
                        panic!("{} is not in its catalogue", stringify!($name));
                    };
                    $crate::assert_case(case).await;
                }
            )*
        }
    };
}
