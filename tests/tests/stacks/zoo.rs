//! The zoo's entries: every stack of `profiles/`, how many instances it runs, the
//! contract it is judged by, the verdict it must reach and its verdict table
//! ([`super::tables`]).

use logout_conformance::{ClauseStatus, RunReport, Verdict};

use super::tables::*;

/// One stack of the zoo.
pub(super) struct Entry {
    /// Its folder in `profiles/`, and its column in the matrix (the profile's `[stack]`
    /// name is the same).
    pub(super) name: &'static str,
    pub(super) instances: Instances,
    /// What each clause must come to.
    pub(super) table: Table,
    pub(super) contract: Contract,
    pub(super) verdict: Verdict,
    /// Anything else the stack is held to: one line per problem.
    pub(super) more: Option<fn(&RunReport) -> Vec<String>>,
}

/// How many instances of a stack to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Instances {
    One,
    /// Two behind one store (`start.sh PORT ALSO_PORT`), the second given as the
    /// profile's `also`: LO-28 is judged.
    Two,
}

/// A stack's verdict table.
pub(super) enum Table {
    /// Every clause passes (INFO clauses report, LO-28 needs a second instance): the
    /// control.
    EveryClausePasses,
    /// Clause by clause, each row's comment the stack's behaviour behind it.
    Clauses(&'static [(&'static str, Expect)]),
}

/// The contract a stack is judged by.
pub(super) enum Contract {
    Documented,
    /// The profile's declared contract, with this many deviations from the documented
    /// one.
    Declared {
        deviations: usize,
    },
}

/// What a stack's clause must come to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expect {
    /// This status, from the stack's own behaviour.
    Is(ClauseStatus),
    /// This status from a clause that needs Chromium (LO-40): a machine without one
    /// (outside CI) may leave it not run.
    InBrowser(ClauseStatus),
}

/// The zoo, by name (the order of the matrix's columns and of the README's table).
pub(super) const ZOO: &[Entry] = &[
    // django-allauth headless (browser client) on Django's database sessions. DELETE,
    // the session endpoint's path, X-CSRFToken, 401, its JSON body, the failing store's
    // HTML 500 (body and content type), one cookie for two.
    Entry {
        name: "allauth-headless",
        instances: Instances::One,
        table: Table::Clauses(ALLAUTH_HEADLESS),
        contract: Contract::Declared { deviations: 8 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Express 5 with Auth.js (@auth/express 0.12, @auth/core 0.41): the Credentials
    // provider, the default JWT session strategy, Auth.js's CSRF-checked sign-out. Path
    // /auth/signout, the GET /auth/csrf fetched first, the csrfToken form, status 302, an
    // empty body, any content type, the Location of a success, one cookie.
    Entry {
        name: "authjs-express",
        instances: Instances::One,
        table: Table::Clauses(AUTHJS_EXPRESS),
        contract: Contract::Declared { deviations: 8 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // dj-rest-auth 7.2 with simplejwt 5.5, cookie JWT mode, refresh blacklist. Path
    // /auth/logout/, its success body, the invalid-token status and body, the failing
    // store's answer (its body and content type), both cookie names.
    Entry {
        name: "dj-rest-auth",
        instances: Instances::One,
        table: Table::Clauses(DJ_REST_AUTH),
        contract: Contract::Declared { deviations: 8 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Django 5.2's own LoginView and LogoutView on database sessions. Path
    // /accounts/logout/, the X-CSRFToken header, 302, an empty body of any content type,
    // the failing store's HTML 500 (body and content type), one cookie for two.
    Entry {
        name: "django-session",
        instances: Instances::One,
        table: Table::Clauses(DJANGO_SESSION),
        contract: Contract::Declared { deviations: 8 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Express 5 with express-session on connect-redis and passport, two instances on one
    // Redis. Express's HTML 500 for the failing store (its body and content type), one
    // cookie `connect.sid` for two; the logout itself is the documented one.
    Entry {
        name: "express-passport",
        instances: Instances::Two,
        table: Table::Clauses(EXPRESS_PASSPORT),
        contract: Contract::Declared { deviations: 3 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // fastapi-users 15.0, cookie transport, database strategy. Path /auth/cookie/logout,
    // 204, an empty body of any content type, the invalid-token status and body, the
    // failing store's answer (body and content type), one cookie for two.
    Entry {
        name: "fastapi-users",
        instances: Instances::One,
        table: Table::Clauses(FASTAPI_USERS),
        contract: Contract::Declared { deviations: 9 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Fastify 5 with @fastify/session on its server-side store. Fastify's JSON 500 for
    // the failing store (its body), one cookie `sessionId` for two; the logout itself is
    // the documented one.
    Entry {
        name: "fastify-session",
        instances: Instances::One,
        table: Table::Clauses(FASTIFY_SESSION),
        contract: Contract::Declared { deviations: 2 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Flask-Security-Too 5.9 with its JSON API on Flask's signed-cookie session. Path
    // /logout, its JSON envelope for a body, the failing store's HTML 500 (body and
    // content type), one cookie for two.
    Entry {
        name: "flask-security",
        instances: Instances::One,
        table: Table::Clauses(FLASK_SECURITY),
        contract: Contract::Declared { deviations: 5 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // Express 5 with iron-session 8: a sealed, stateless session cookie. One cookie
    // `session` for two; the logout itself is the documented one.
    Entry {
        name: "iron-session",
        instances: Instances::One,
        table: Table::Clauses(IRON_SESSION),
        contract: Contract::Declared { deviations: 1 },
        verdict: Verdict::NonConformant,
        more: None,
    },
    // The control: the reference server, started like any stack, passes every clause.
    Entry {
        name: "reference",
        instances: Instances::One,
        table: Table::EveryClausePasses,
        contract: Contract::Documented,
        verdict: Verdict::Conformant,
        more: None,
    },
];

/// The stacks to judge: every one, or those `LOGOUT_ZOO_STACKS` names (comma-separated,
/// to rerun a few; the README's table is then not compared).
pub(super) fn chosen() -> impl Iterator<Item = &'static Entry> {
    let only: Vec<String> = std::env::var("LOGOUT_ZOO_STACKS")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(unknown) = only
        .iter()
        .find(|n| !ZOO.iter().any(|e| e.name == n.as_str()))
    {
        panic!("LOGOUT_ZOO_STACKS names {unknown}, which is not in the zoo");
    }
    ZOO.iter()
        .filter(move |e| only.is_empty() || only.iter().any(|n| n == e.name))
}
