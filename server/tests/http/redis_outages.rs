//! Real Redis outages under the server: a crash, a freeze, and a frozen Redis at
//! start-up — each a bounded 500 or a clear start-up error, with recovery and nothing lost.

use std::time::{Duration, Instant};

use logout_server::store::redis::{COMMAND_TIMEOUT, CONNECT_TIMEOUT, RedisDb, RedisUrl};
use reqwest::StatusCode;
use serde_json::json;

use crate::redis_server::RedisServer;
use crate::redis_store::{BOUNDED, eventually, server_over};

#[tokio::test]
async fn a_redis_crash_is_a_prompt_500_and_the_server_recovers_when_redis_returns() {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let t = server_over(&redis, 0).await;
    let s = t.session().await;

    redis.crash().await;
    for _ in 0..2 {
        let start = Instant::now();
        let answer = t.logout(&s).await;
        answer.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
        assert_eq!(
            answer.set_cookies().len(),
            2,
            "the 500 clears the cookies too"
        );
        assert!(start.elapsed() < BOUNDED, "took {:?}", start.elapsed());
    }
    let login = t
        .post_json("/auth/login", &json!({"email": s.email, "password": "pw"}))
        .await;
    login.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging in");

    // Back, empty (no persistence): the same server serves again by itself.
    redis.restart().await;
    let took = eventually(Duration::from_secs(6), || async {
        let answer = t.logout(&s).await;
        match answer.status {
            StatusCode::OK => Ok(()),
            _ => Err(answer),
        }
    })
    .await
    .unwrap_or_else(|answer| panic!("no recovery: {answer:?}"));
    eprintln!("recovered {took:?} after Redis restarted");
    let again = t.session().await;
    assert!(t.refresh_is_live(&again.refresh).await);
    t.logout(&again).await.assert_logged_out();
    assert!(!t.refresh_is_live(&again.refresh).await);
}

#[tokio::test]
async fn a_frozen_redis_is_a_bounded_500_and_loses_nothing_written_before() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let t = server_over(&redis, 0).await;
    let tried = t.session().await;
    let untouched = t.session().await;

    // SIGSTOP: the TCP connection stays up and nothing answers, the worst case for a
    // client; the data stays in Redis's memory, unlike a restart without persistence.
    redis.pause().await;
    let start = Instant::now();
    let answer = t.logout(&tried).await;
    let waited = start.elapsed();
    redis.resume().await;
    answer.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
    assert!(
        waited >= COMMAND_TIMEOUT / 2,
        "failed before timing out? {waited:?}"
    );
    assert!(waited < BOUNDED, "took {waited:?}");

    eventually(Duration::from_secs(6), || async {
        let answer = t
            .validate(&format!("refreshToken={}", untouched.refresh))
            .await;
        match answer.status {
            StatusCode::OK => Ok(()),
            _ => Err(answer),
        }
    })
    .await
    .unwrap_or_else(|answer| panic!("the session written before the freeze: {answer:?}"));
    assert!(t.access_is_live(&untouched.access).await);
    // The timed-out removal may have run when Redis resumed (a 500 means "outcome
    // unknown"); either way, logging out again succeeds and the session is dead.
    t.logout(&tried).await.assert_logged_out();
    assert!(!t.refresh_is_live(&tried.refresh).await);
    t.logout(&untouched).await.assert_logged_out();
    assert!(!t.refresh_is_live(&untouched.refresh).await);
    t.login(&untouched.email).await;
    t.register().await;
}

#[tokio::test]
async fn start_up_gives_up_on_a_frozen_redis_within_its_timeout() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    redis.pause().await;
    let start = Instant::now();
    let error = RedisDb::connect(&RedisUrl::parse(&redis.url(0)).unwrap())
        .await
        .unwrap_err();
    let waited = start.elapsed();
    redis.resume().await;
    assert!(
        waited < CONNECT_TIMEOUT + Duration::from_secs(2),
        "took {waited:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("cannot connect to Redis at {}", redis.url(0))),
        "{message}"
    );
}
