//! Property tests of logout over arbitrary input, in-process (see `in_process`): any
//! Cookie header bytes, any body, any extra headers. Whatever arrives, the server never
//! panics and never answers 5xx unless its token store is failing, and it revokes only
//! the live tokens presented in the Cookie header — never one that was not presented,
//! never one named in a body or another header.

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use warp::http::{Method, StatusCode};

use crate::in_process::{InProcess, Tokens};

/// Sessions each case starts with; the strategies pick among them by index.
const SESSIONS: usize = 4;

/// Cases per property: enough to find the shapes below, bounded so each property runs in
/// about a second.
const CASES: u32 = 96;

/// One `;`-separated part of a generated Cookie header.
#[derive(Debug, Clone)]
enum Part {
    /// `refreshToken=<session i's refresh token>`, intact: presented.
    Refresh(usize),
    /// `accessToken=<session i's access token>`, intact: presented.
    Access(usize),
    /// Session i's refresh token with its last byte dropped or a byte appended: a value
    /// that is not the token, so not presented.
    Mangled(usize, bool),
    /// Arbitrary bytes a header value may carry (tab, visible ASCII, space, obs-text).
    Garbage(Vec<u8>),
}

/// Bytes `HeaderValue` accepts: what can reach a handler at all.
fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff]
}

fn garbage(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(header_byte(), 0..max)
}

fn part() -> impl Strategy<Value = Part> {
    prop_oneof![
        1 => (0..SESSIONS).prop_map(Part::Refresh),
        1 => (0..SESSIONS).prop_map(Part::Access),
        1 => ((0..SESSIONS), any::<bool>()).prop_map(|(i, drop)| Part::Mangled(i, drop)),
        3 => garbage(48).prop_map(Part::Garbage),
    ]
}

/// A Cookie header: parts joined by `;` with or without a space, now and then padded to
/// past the 8 KiB cap, and what it presents.
#[derive(Debug, Clone)]
struct CookieCase {
    parts: Vec<Part>,
    tight: bool,
    pad_to: Option<usize>,
    fault: bool,
}

fn cookie_case() -> impl Strategy<Value = CookieCase> {
    (
        prop::collection::vec(part(), 0..12),
        any::<bool>(),
        prop::option::weighted(0.1, 7_000usize..10_000),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(parts, tight, pad_to, fault)| CookieCase {
            parts,
            tight,
            pad_to,
            fault,
        })
}

impl CookieCase {
    fn header(&self, sessions: &[Tokens]) -> Vec<u8> {
        let mut pieces: Vec<Vec<u8>> = self
            .parts
            .iter()
            .map(|part| match part {
                Part::Refresh(i) => format!("refreshToken={}", sessions[*i].refresh).into_bytes(),
                Part::Access(i) => format!("accessToken={}", sessions[*i].access).into_bytes(),
                Part::Mangled(i, drop) => {
                    let mut value = sessions[*i].refresh.clone().into_bytes();
                    if *drop {
                        value.pop();
                    } else {
                        value.push(b'x');
                    }
                    [b"refreshToken=".as_slice(), &value].concat()
                }
                Part::Garbage(bytes) => bytes.clone(),
            })
            .collect();
        if let Some(len) = self.pad_to {
            let so_far: usize = pieces.iter().map(|p| p.len() + 2).sum();
            pieces.push(vec![b'p'; len.saturating_sub(so_far)]);
        }
        pieces.join(if self.tight { &b";"[..] } else { &b"; "[..] })
    }

    /// Whether session `i`'s refresh (or access) token is presented intact.
    fn presents(&self, i: usize, refresh: bool) -> bool {
        self.parts.iter().any(|part| match part {
            Part::Refresh(j) => refresh && *j == i,
            Part::Access(j) => !refresh && *j == i,
            _ => false,
        })
    }

    /// Whether the header names a token cookie with a value, live or not: logout must
    /// ask the store about it, and a failing store makes that a 500.
    fn asks_the_store(&self) -> bool {
        self.parts
            .iter()
            .any(|part| !matches!(part, Part::Garbage(_)))
    }
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
    check(cookie_case(), |server, sessions, case| async move {
        let header = case.header(&sessions);
        server.state.faults().set_failing(case.fault);
        let answer = server.logout(&header).await;
        server.state.faults().set_failing(false);

        let oversized = header.len() > logout_server::cookies::MAX_COOKIE_BYTES;
        let expected = match (oversized, case.fault && case.asks_the_store()) {
            (true, _) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            (false, true) => StatusCode::INTERNAL_SERVER_ERROR,
            (false, false) => StatusCode::OK,
        };
        prop_assert_eq!(answer.status, expected, "answer {:?}", answer);
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
    });
}

/// A logout body: arbitrary bytes, or JSON naming another session's tokens.
fn body() -> impl Strategy<Value = (Option<&'static str>, BodyShape)> {
    let content_type = prop::option::of(prop::sample::select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
    ]));
    let shape = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096).prop_map(BodyShape::Bytes),
        (1..SESSIONS).prop_map(BodyShape::OtherTokens),
        (1..SESSIONS).prop_map(BodyShape::OtherTokensForm),
    ];
    (content_type, shape)
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
