//! Property tests of logout over arbitrary input, in-process (see `in_process`): any
//! Cookie header bytes, any body, any extra headers. Whatever arrives, the server never
//! panics and never answers 5xx unless its token store is failing, and it revokes only
//! the live tokens presented in the Cookie header — never one that was not presented,
//! never one named in a body or another header.

use logout_generators::body::{self as shared_body, BodyCase};
use logout_generators::cookie::{self, CookieCase, Names, garbage};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use warp::http::{Method, StatusCode};

use crate::in_process::{InProcess, Tokens};

/// Sessions each case starts with; the strategies pick among them by index.
const SESSIONS: usize = 4;

/// Cases per property: enough to find the shapes below, bounded so each property runs in
/// about a second.
const CASES: u32 = 96;

/// The reference server's cookie names, as the shared generators take them.
fn names() -> Names {
    Names::reference()
}

/// A Cookie header from the shared generators (the kit's LO-11 and LO-13 draw from the
/// same strategy): session tokens intact or mangled, generated pairs, garbage, many
/// pairs, padding around the 8 KiB cap; and whether the token store fails meanwhile.
fn cookie_case() -> impl Strategy<Value = (CookieCase, bool)> {
    (cookie::case(&names(), SESSIONS), prop::bool::weighted(0.2))
}

fn header(case: &CookieCase, sessions: &[Tokens]) -> Vec<u8> {
    let tokens: Vec<cookie::Tokens> = sessions
        .iter()
        .map(|t| cookie::Tokens {
            refresh: t.refresh.clone(),
            access: Some(t.access.clone()),
        })
        .collect();
    case.header(&names(), &tokens)
}

/// Runs `property` on `CASES` inputs, each against a fresh set of live sessions of one
/// in-process server.
fn check<S, F, Fut>(strategy: S, property: F)
where
    S: Strategy,
    S::Value: Clone + std::fmt::Debug,
    F: Fn(std::sync::Arc<InProcess>, Vec<Tokens>, S::Value) -> Fut,
    Fut: Future<Output = Result<(), TestCaseError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = std::sync::Arc::new(runtime.block_on(async { InProcess::start() }));
    let mut runner = TestRunner::new(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let outcome = runner.run(&strategy, |value| {
        runtime.block_on(async {
            let sessions = server.sessions(SESSIONS).await;
            property(server.clone(), sessions, value).await
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

#[test]
fn any_cookie_header_revokes_exactly_the_live_tokens_it_presents() {
    check(
        cookie_case(),
        |server, sessions, (case, fault)| async move {
            let header = header(&case, &sessions);
            server.state.faults().set_failing(fault);
            let answer = server.logout(&header).await;
            server.state.faults().set_failing(false);

            let oversized = header.len() > logout_server::cookies::MAX_COOKIE_BYTES;
            // A generated pair naming a token cookie may or may not reach the store (an
            // empty value does not): with a failing store, either answer is right.
            let maybe_store = fault && !case.asks_the_store() && case.names_ours(&names());
            let expected = match (oversized, fault && case.asks_the_store()) {
                (true, _) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                (false, true) => StatusCode::INTERNAL_SERVER_ERROR,
                (false, false) => StatusCode::OK,
            };
            if !(maybe_store && answer.status == StatusCode::INTERNAL_SERVER_ERROR) {
                prop_assert_eq!(answer.status, expected, "answer {:?}", answer);
            }
            for (i, tokens) in sessions.iter().enumerate() {
                let (refresh, access) = server.state_of(tokens).await;
                let revoked = answer.status == StatusCode::OK;
                if case.presents(i, true) {
                    prop_assert_eq!(refresh, !revoked, "session {}'s refresh token", i);
                }
                if case.presents(i, false) {
                    prop_assert_eq!(access, !revoked, "session {}'s access token", i);
                }
                if !case.presents(i, true) && !case.presents(i, false) {
                    prop_assert!(refresh && access, "session {} was not presented", i);
                }
            }
            Ok(())
        },
    );
}

/// A logout body: any body of the shared generators (the kit's LO-08 and LO-21 draw
/// from the same strategies), or JSON or form fields naming another session's tokens.
fn body() -> impl Strategy<Value = (Option<&'static str>, BodyShape)> {
    prop_oneof![
        shared_body::any_body()
            .prop_map(|case: BodyCase| (case.content_type, BodyShape::Bytes(case.shape.bytes()))),
        (1..SESSIONS).prop_map(|i| (Some("application/json"), BodyShape::OtherTokens(i))),
        (1..SESSIONS).prop_map(|i| (
            Some("application/x-www-form-urlencoded"),
            BodyShape::OtherTokensForm(i)
        )),
    ]
}

#[derive(Debug, Clone)]
enum BodyShape {
    Bytes(Vec<u8>),
    /// `{"refreshToken": …, "accessToken": …}` of session i (not presented as a cookie).
    OtherTokens(usize),
    /// The same as form fields.
    OtherTokensForm(usize),
}

#[test]
fn no_body_breaks_logout_or_revokes_a_session_it_names() {
    check(
        body(),
        |server, sessions, (content_type, shape)| async move {
            let bytes = match &shape {
                BodyShape::Bytes(bytes) => bytes.clone(),
                BodyShape::OtherTokens(i) => serde_json::json!({
                    "refreshToken": sessions[*i].refresh, "accessToken": sessions[*i].access
                })
                .to_string()
                .into_bytes(),
                BodyShape::OtherTokensForm(i) => format!(
                    "refreshToken={}&accessToken={}",
                    sessions[*i].refresh, sessions[*i].access
                )
                .into_bytes(),
            };
            let cookie = format!(
                "refreshToken={}; accessToken={}",
                sessions[0].refresh, sessions[0].access
            );
            let mut headers = vec![("cookie", cookie.into_bytes())];
            if let Some(content_type) = content_type {
                headers.push(("content-type", content_type.as_bytes().to_vec()));
            }
            let answer = server
                .send(Method::POST, "/auth/logout", &headers, bytes)
                .await;
            prop_assert_eq!(answer.status, StatusCode::OK, "answer {:?}", answer);
            prop_assert_eq!(server.state_of(&sessions[0]).await, (false, false));
            for (i, tokens) in sessions.iter().enumerate().skip(1) {
                prop_assert_eq!(server.state_of(tokens).await, (true, true), "session {}", i);
            }
            Ok(())
        },
    );
}

/// Extra request headers: well-known ones with arbitrary values, another session's token
/// as a bearer credential, and arbitrary token-character names.
fn extra_headers() -> impl Strategy<Value = Vec<(String, HeaderValue)>> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "origin",
            "referer",
            "authorization",
            "accept",
            "accept-encoding",
            "user-agent",
            "x-forwarded-for",
            "x-requested-with",
            "x-csrf-token",
            "content-type",
            "connection",
            "expect",
        ])
        .prop_map(str::to_owned),
        "[a-z][a-z0-9-]{0,20}",
    ];
    let value = prop_oneof![
        garbage(200).prop_map(HeaderValue::Bytes),
        (1..SESSIONS).prop_map(HeaderValue::BearerOf),
    ];
    prop::collection::vec((name, value), 0..8)
}

#[derive(Debug, Clone)]
enum HeaderValue {
    Bytes(Vec<u8>),
    /// `Bearer <session i's access token>`.
    BearerOf(usize),
}

#[test]
fn no_extra_header_breaks_logout_or_revokes_a_session_it_names() {
    check(extra_headers(), |server, sessions, extra| async move {
        let cookie = format!("refreshToken={}", sessions[0].refresh);
        let mut headers: Vec<(&str, Vec<u8>)> = vec![("cookie", cookie.into_bytes())];
        for (name, value) in &extra {
            let value = match value {
                HeaderValue::Bytes(bytes) => bytes.clone(),
                HeaderValue::BearerOf(i) => format!("Bearer {}", sessions[*i].access).into_bytes(),
            };
            headers.push((name.as_str(), value));
        }
        let answer = server
            .send(Method::POST, "/auth/logout", &headers, Vec::new())
            .await;
        prop_assert!(
            answer.status.is_success() || answer.status.is_client_error(),
            "answer {:?}",
            answer
        );
        let (refresh, _) = server.state_of(&sessions[0]).await;
        prop_assert_eq!(refresh, answer.status != StatusCode::OK);
        for (i, tokens) in sessions.iter().enumerate().skip(1) {
            prop_assert_eq!(server.state_of(tokens).await, (true, true), "session {}", i);
        }
        Ok(())
    });
}
