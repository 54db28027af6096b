//! The Redis store's writes in one round trip (issue 19): a logout is one `EVALSHA` of the
//! revocation script, a login one `EVALSHA` of the session script, and nothing else is
//! sent for them; and `?replicas=N` on a Redis without replicas answers 500, never a 200
//! that a failover could undo.

use std::collections::BTreeMap;

use logout_server::store::redis::RedisUrl;
use logout_server::{AppState, Config, PasswordCost, StoreConfig};
use warp::http::{Method, StatusCode};

use crate::in_process::InProcess;
use crate::redis_server::RedisServer;

/// The reference routes over database `db` of `redis`, with `query` after the URL.
pub(crate) async fn over(redis: &RedisServer, db: u8, query: &str) -> InProcess {
    let url = RedisUrl::parse(&format!("{}{query}", redis.url(db))).unwrap();
    let config = Config {
        store: StoreConfig::Redis(url),
        password_cost: PasswordCost::fast_for_tests(),
        ..Config::for_conformance()
    };
    InProcess::over(AppState::connect(config).await.unwrap())
}

/// Commands Redis ran since the last reset (those run by scripts included), by name, with
/// their call counts; the test's own `INFO` and `CONFIG` left out.
async fn commands_since_reset(
    conn: &mut redis::aio::MultiplexedConnection,
) -> BTreeMap<String, u64> {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(conn)
        .await
        .unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query_async(conn)
        .await
        .unwrap();
    info.lines()
        .filter_map(|line| {
            let (name, rest) = line.strip_prefix("cmdstat_")?.split_once(":calls=")?;
            let calls = rest.split(',').next()?.parse().ok()?;
            Some((name.to_owned(), calls))
        })
        .filter(|(name, _)| !matches!(name.as_str(), "info" | "config|resetstat"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_and_a_login_are_one_script_call_each() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = over(&redis, 4, "").await;
    let mut conn = redis.client(4).await;
    // The first calls load the scripts (NOSCRIPT, then EVAL): warm up.
    let sessions = server.sessions(3).await;
    let cookie = |i: usize| {
        format!(
            "refreshToken={}; accessToken={}",
            sessions[i].refresh, sessions[i].access
        )
    };
    assert_eq!(
        server.logout(cookie(0).as_bytes()).await.status,
        StatusCode::OK
    );
    commands_since_reset(&mut conn).await;

    assert_eq!(
        server.logout(cookie(1).as_bytes()).await.status,
        StatusCode::OK
    );
    let seen = commands_since_reset(&mut conn).await;
    let expected = [("del", 1), ("evalsha", 1), ("getdel", 1), ("zrem", 1)];
    let expected: BTreeMap<String, u64> = expected.map(|(n, c)| (n.to_owned(), c)).into();
    assert_eq!(seen, expected, "a logout: one script, run inside Redis");
    assert_eq!(server.state_of(&sessions[1]).await, (false, false));
    assert_eq!(server.state_of(&sessions[2]).await, (true, true));
    commands_since_reset(&mut conn).await;

    // Tokens no store holds: the same one script (Redis alone can tell a token of another
    // instance from an unknown one), which finds nothing; the answer is LO-05's, cookies
    // cleared.
    let answer = server
        .logout(b"refreshToken=unknown-refresh; accessToken=unknown-access")
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        &answer.body[..],
        br#"{"message":"Logged out successfully"}"#
    );
    let cleared: Vec<_> = answer.headers.get_all("set-cookie").iter().collect();
    assert_eq!(cleared.len(), 2, "{answer:?}");
    let seen = commands_since_reset(&mut conn).await;
    let expected = [("del", 1), ("evalsha", 1), ("getdel", 1)];
    let expected: BTreeMap<String, u64> = expected.map(|(n, c)| (n.to_owned(), c)).into();
    assert_eq!(
        seen, expected,
        "an unknown token's logout: one script, nothing else"
    );
    assert_eq!(server.state_of(&sessions[2]).await, (true, true));
    commands_since_reset(&mut conn).await;

    // A login: the user's record is read, then one script writes the session.
    let email = sessions_user(&server).await;
    commands_since_reset(&mut conn).await;
    let body = format!(r#"{{"email":"{email}","password":"pw"}}"#);
    let answer = server
        .send(
            Method::POST,
            "/auth/login",
            &[("content-type", b"application/json".to_vec())],
            body.into_bytes(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let seen = commands_since_reset(&mut conn).await;
    assert_eq!(seen.get("evalsha"), Some(&1), "{seen:?}");
    for transaction in ["multi", "exec"] {
        assert!(!seen.contains_key(transaction), "{seen:?}");
    }
}

/// Registers a user with password `pw` and returns the email.
async fn sessions_user(server: &InProcess) -> String {
    let email = format!("rt{}@example.com", std::process::id());
    let body = format!(r#"{{"name":"R","email":"{email}","password":"pw"}}"#);
    let answer = server
        .send(
            Method::POST,
            "/auth/register",
            &[("content-type", b"application/json".to_vec())],
            body.into_bytes(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
    email
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_for_a_replica_that_does_not_exist_answers_500_never_200() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let plain = over(&redis, 5, "").await;
    let sessions = plain.sessions(1).await;
    let waiting = over(&redis, 5, "?replicas=1").await;
    let cookie = format!(
        "refreshToken={}; accessToken={}",
        sessions[0].refresh, sessions[0].access
    );
    let answer = waiting.logout(cookie.as_bytes()).await;
    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{answer:?}"
    );
    assert_eq!(&answer.body[..], br#"{"error":"Error logging out"}"#);
    // The same logout without the wait: 200, and the session is gone.
    assert_eq!(plain.logout(cookie.as_bytes()).await.status, StatusCode::OK);
    assert_eq!(plain.state_of(&sessions[0]).await, (false, false));
}

/// A validate-session with a live access token is one script call, which reads the
/// token and its session inside Redis, once the instance knows the user (user records
/// never change: `SET NX` at registration): one round trip, not three. With its session's
/// refresh token beside it, one `MGET` instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validate_session_reads_only_its_token_once_the_user_is_known() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = over(&redis, 6, "").await;
    let mut conn = redis.client(6).await;
    let sessions = server.sessions(2).await;
    let validate = |i: usize| {
        let cookie = format!("accessToken={}", sessions[i].access);
        let server = &server;
        async move { server.validate(cookie.as_bytes()).await }
    };
    // The first answer may read the user's record.
    assert_eq!(validate(0).await.status, StatusCode::OK);
    commands_since_reset(&mut conn).await;

    let answer = validate(1).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert!(
        String::from_utf8_lossy(&answer.body).contains(r#""authenticated":true"#),
        "{answer:?}"
    );
    let seen = commands_since_reset(&mut conn).await;
    let expected: BTreeMap<String, u64> = [("evalsha".to_owned(), 1), ("get".to_owned(), 2)].into();
    assert_eq!(
        seen, expected,
        "a validate-session: one script reading two records"
    );

    // With the session's refresh token beside the access token, as a browser sends them:
    // one plain read of both records, no script.
    let beside = |access: usize, refresh: usize| {
        let cookie = format!(
            "refreshToken={}; accessToken={}",
            sessions[refresh].refresh, sessions[access].access
        );
        let server = &server;
        async move { server.validate(cookie.as_bytes()).await }
    };
    let answer = beside(1, 1).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let expected: BTreeMap<String, u64> = [("mget".to_owned(), 1)].into();
    assert_eq!(commands_since_reset(&mut conn).await, expected, "one MGET");
    // Another session's refresh token beside it: the read finds the access record names
    // another session, and the script answers.
    let answer = beside(1, 0).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let expected: BTreeMap<String, u64> = [
        ("mget".to_owned(), 1),
        ("evalsha".to_owned(), 1),
        ("get".to_owned(), 2),
    ]
    .into();
    assert_eq!(
        commands_since_reset(&mut conn).await,
        expected,
        "MGET, then the script"
    );

    // A second instance on the same database knows the user from Redis: register on one,
    // validate on the other.
    let other = over(&redis, 6, "").await;
    let cookie = format!("accessToken={}", sessions[1].access);
    let answer = other.validate(cookie.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
}

/// Commands of concurrent requests, written to Redis together (the store's batcher: its
/// unit tests count the writes), each get their own answer, and an error answer fails
/// only its own command. A hundred tasks wait at a barrier on the runtime's one worker, so
/// that the last to arrive wakes the others there, as a burst of connections becomes
/// ready in one turn of a server's worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn concurrent_commands_each_get_their_own_answer() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let url = RedisUrl::parse(&redis.url(7)).unwrap();
    let db = logout_server::store::redis::RedisDb::connect(&url)
        .await
        .unwrap();
    let mut conn = redis.client(7).await;
    for i in 0..100 {
        let _: () = redis::cmd("SET")
            .arg(format!("k{i}"))
            .arg(format!("v{i}"))
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    let burst = db.clone();
    let answers = tokio::spawn(async move {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(100));
        let gets: Vec<_> = (0..100)
            .map(|i| {
                let (db, barrier) = (burst.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    let mut get = redis::cmd("GET");
                    get.arg(format!("k{i}"));
                    db.query::<Option<String>>("GET", &mut get).await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for get in gets {
            answers.push(get.await.unwrap());
        }
        answers
    })
    .await
    .unwrap();
    for (i, answer) in answers.into_iter().enumerate() {
        assert_eq!(answer.unwrap(), Some(format!("v{i}")));
    }

    // An error answer fails its own command only.
    let mut wrong = redis::cmd("INCR");
    wrong.arg("k0");
    let mut right = redis::cmd("GET");
    right.arg("k1");
    let (wrong, right) = tokio::join!(
        db.query::<i64>("INCR", &mut wrong),
        db.query::<Option<String>>("GET", &mut right)
    );
    assert!(wrong.is_err(), "{wrong:?}");
    assert_eq!(right.unwrap(), Some("v1".to_owned()));
}

/// A Redis that does not know the scripts (a fresh server, a replica just promoted, or
/// `SCRIPT FLUSH`) answers `NOSCRIPT`; the store sends the script's body then, and the
/// logout and validate-session answer as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_forgot_the_scripts_still_logs_out_and_validates() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = over(&redis, 8, "").await;
    let mut conn = redis.client(8).await;
    let sessions = server.sessions(3).await;
    for session in &sessions {
        let _: () = redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(server.state_of(session).await, (true, true));
        let _: () = redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async(&mut conn)
            .await
            .unwrap();
        let cookie = format!(
            "refreshToken={}; accessToken={}",
            session.refresh, session.access
        );
        let answer = server.logout(cookie.as_bytes()).await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        assert_eq!(server.state_of(session).await, (false, false));
    }
}
