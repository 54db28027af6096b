//! A bounded soak: thousands of logouts in flight, with liveness probes of the same
//! tokens among them, while the token store's fault switch flips on and off every few
//! hundred microseconds; then every token's state is checked. Nothing is lost (a logout
//! answered 200 ended its session; one answered 500 ends it when retried; a session no
//! one logged out is still live) and nothing is resurrected (a dead token stays dead).
//! In-process, over the memory store and over a real Redis.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt as _;
use warp::http::StatusCode;

use crate::in_process::{InProcess, Tokens};

/// Sessions logged out while the fault flips.
const LOGOUTS: usize = 4_000;
/// Sessions no one logs out: each must still be live at the end.
const CONTROLS: usize = 1_000;
/// Requests in flight at once.
const IN_FLIGHT: usize = 256;
/// How long the fault stays in each position.
const FLIP_EVERY: Duration = Duration::from_micros(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logouts_while_the_store_flips_lose_and_resurrect_nothing_memory() {
    soak(InProcess::start()).await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logouts_while_the_store_flips_lose_and_resurrect_nothing_redis() {
    use logout_server::{AppState, Config, PasswordCost};

    let Some(redis) = crate::redis_server::RedisServer::start().await else {
        return;
    };
    let config = Config {
        store: redis.store(7),
        password_cost: PasswordCost::fast_for_tests(),
        ..Config::for_conformance()
    };
    let state = AppState::connect(config).await.unwrap();
    soak(InProcess::over(state)).await;
}

async fn soak(server: InProcess) {
    let server = Arc::new(server);
    let sessions = server.sessions(LOGOUTS).await;
    let controls = server.sessions(CONTROLS).await;

    let stop = Arc::new(AtomicBool::new(false));
    let flipper = tokio::spawn({
        let (server, stop) = (server.clone(), stop.clone());
        async move {
            let mut failing = false;
            let mut flips = 0usize;
            while !stop.load(Ordering::Relaxed) {
                failing = !failing;
                server.state.faults().set_failing(failing);
                flips += 1;
                tokio::time::sleep(FLIP_EVERY).await;
            }
            server.state.faults().set_failing(false);
            flips
        }
    });

    // Each logout is preceded by a probe of the same session and of a control, so reads
    // of live and dying tokens interleave with the revocations.
    let answers: Vec<(usize, StatusCode, Option<String>)> =
        futures::stream::iter(sessions.iter().enumerate())
            .map(|(i, tokens)| {
                let server = server.clone();
                let control = controls[i % CONTROLS].clone();
                let tokens = tokens.clone();
                async move {
                    let minted = probe(&server, &tokens).await;
                    probe(&server, &control).await;
                    (i, logout(&server, &tokens).await, minted)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
    stop.store(true, Ordering::Relaxed);
    let flips = flipper.await.unwrap();

    let mut by_status: HashMap<StatusCode, usize> = HashMap::new();
    for (_, status, _) in &answers {
        *by_status.entry(*status).or_default() += 1;
    }
    let ok = by_status.get(&StatusCode::OK).copied().unwrap_or(0);
    let failed = by_status
        .get(&StatusCode::INTERNAL_SERVER_ERROR)
        .copied()
        .unwrap_or(0);
    assert_eq!(ok + failed, LOGOUTS, "only 200 or 500: {by_status:?}");
    // Both outcomes must occur many times, or the fault never met a logout in flight.
    assert!(
        ok >= LOGOUTS / 20 && failed >= LOGOUTS / 20,
        "{flips} flips, answers {by_status:?}"
    );

    // Nothing lost: a 200 ended its session; a 500 is retried and then ends it.
    // An access token a probe minted from the session dies with it too.
    let mut minted_count = 0;
    for (i, status, minted) in &answers {
        let tokens = &sessions[*i];
        if *status == StatusCode::INTERNAL_SERVER_ERROR {
            assert_eq!(
                logout(&server, tokens).await,
                StatusCode::OK,
                "retry of {i}"
            );
        }
        assert_eq!(server.state_of(tokens).await, (false, false), "session {i}");
        if let Some(access) = minted {
            minted_count += 1;
            let cookie = format!("accessToken={access}");
            assert!(!server.is_live(&cookie).await, "access minted for {i}");
        }
    }
    assert!(minted_count > 0, "no probe minted an access token");
    for (i, control) in controls.iter().enumerate() {
        assert_eq!(server.state_of(control).await, (true, true), "control {i}");
    }
    // Nothing resurrected: every ended session is still dead once everything settled.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for (i, tokens) in sessions.iter().enumerate() {
        assert_eq!(server.state_of(tokens).await, (false, false), "later, {i}");
    }
    println!(
        "soak: {LOGOUTS} logouts, {flips} flips, answers {by_status:?}, {minted_count} minted"
    );
}

async fn logout(server: &InProcess, tokens: &Tokens) -> StatusCode {
    let cookie = format!(
        "refreshToken={}; accessToken={}",
        tokens.refresh, tokens.access
    );
    server.logout(cookie.as_bytes()).await.status
}

/// A probe with the refresh token alone while the fault flips: 200 (with a newly minted
/// access token, returned), 401, or 500 while the store fails — never anything else.
async fn probe(server: &InProcess, tokens: &Tokens) -> Option<String> {
    let cookie = format!("refreshToken={}", tokens.refresh);
    let answer = server.validate(cookie.as_bytes()).await;
    assert!(
        matches!(answer.status.as_u16(), 200 | 401 | 500),
        "probe answered {answer:?}"
    );
    answer.sets_cookie("accessToken")
}
