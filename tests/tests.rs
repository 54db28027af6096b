//! The cross-crate tests, one binary: the conformance suite against the reference server,
//! against deliberately broken servers and against benign variants, and the suite's own
//! sanity. The kit they use is this package's library (`lib.rs`).

// The suite against the plain reference server: every clause passes.
#[path = "tests/reference.rs"]
mod reference;

// Broken targets: each is caught on exactly the clauses it declares.
#[path = "tests/broken/mod.rs"]
mod broken;

// Broken targets only generated inputs reach, caught across seeds; benign variants pass
// across a hundred seeds.
#[path = "tests/generated.rs"]
mod generated;
// Broken targets for the field's defects behind LO-15, LO-25's OPTIONS rows and LO-29.
#[path = "tests/broken_field.rs"]
mod broken_field;

// Benign variants: each passes every clause.
#[path = "tests/benign.rs"]
mod benign;

// Benign variants for the newer clauses (companion cookies cleared, Clear-Site-Data).
#[path = "tests/benign_field.rs"]
mod benign_field;

// LO-31: no logout-CSRF exposure where the declared logout needs a custom header.
#[path = "tests/csrf_header.rs"]
mod csrf_header;

// The detection matrix of all targets, and every clause caught at least once.
#[path = "tests/matrix.rs"]
mod matrix;

// A throwaway redis-server per test: the server crate's own helper, shared rather than
// copied.
#[path = "../server/tests/http/redis_server.rs"]
#[allow(clippy::unwrap_used, dead_code)]
mod redis_server;

// A throwaway Redis Cluster (three primaries, one replica each): the server crate's helper.
#[path = "../server/tests/http/redis_cluster.rs"]
#[allow(clippy::unwrap_used, dead_code)]
mod redis_cluster;

// Two reference instances sharing one Redis or one Redis Cluster (LO-28), with a real
// store fault.
#[path = "tests/instances.rs"]
mod instances;

// The reports: one root cause once, every format agreeing, secrets masked by value.
#[path = "tests/reports.rs"]
mod reports;

// A declared contract: an Origin-checking, one-cookie target passes by its profile,
// cannot pass without it, and a logout that does not revoke is still caught.
#[path = "tests/declared.rs"]
mod declared;

// The suite's own sanity: nothing ran, undefined steps, missing capabilities.
#[path = "tests/sanity.rs"]
mod sanity;

// Hostile targets: silent, stalling, endless, gigantic, redirecting, garbage; each judged,
// none hangs the run or fills its memory.
#[path = "tests/hostile.rs"]
mod hostile;

// The HTML report in headless Chromium: rows, a click that opens a transcript, the
// status filter, and a target's markup shown as text.
#[path = "tests/html_report.rs"]
mod html_report;

// The zoo: every example stack of profiles/ (the reference as the control) started by its
// start.sh, two at a time, each held to its verdict table; their matrix in Chromium and
// the README's stacks table generated from it.
#[path = "tests/stacks/mod.rs"]
mod stacks;

// LO-40 in headless Chromium: passes on the reference, catches clearings only a browser
// rejects, blocked when the browser never held the cookies, not run without a browser.
#[path = "tests/browser.rs"]
mod browser;

#[path = "tests/sessions.rs"]
mod sessions;
