//! The Redis token store and user registry (`--store redis://…`) against a real
//! `redis-server`: the API over it, several instances sharing it, atomic removal, TTLs,
//! the per-user index, and real outages (a crash, a freeze) with recovery.
//!
//! Each test starts its own `redis-server` ([`RedisServer`]); without one installed the
//! tests are skipped, except under `CI=true`, where they fail.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::future::join_all;
use logout_server::store::redis::{COMMAND_TIMEOUT, RedisDb, RedisUrl};
use logout_server::{Config, RedisStore, SessionRecord, TokenHash, TokenStore};
use redis::AsyncCommands;
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::redis_server::RedisServer;
use crate::util::{Answer, TestServer};

/// Longest a request may take while Redis is down or frozen: the command bound plus
/// slack for a loaded machine.
pub(crate) const BOUNDED: Duration = Duration::from_secs(COMMAND_TIMEOUT.as_secs() + 3);

/// A conformance-configured server over database `db` of `redis`.
pub(crate) async fn server_over(redis: &RedisServer, db: u8) -> TestServer {
    TestServer::with(Config {
        store: redis.store(db),
        ..Config::for_conformance()
    })
    .await
}

/// A store over database `db` of `redis`, without a server.
pub(crate) async fn store_over(redis: &RedisServer, db: u8) -> RedisStore {
    let url = RedisUrl::parse(&redis.url(db)).unwrap();
    RedisStore::new(RedisDb::connect(&url).await.unwrap())
}

fn sha256(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn key(prefix: &str, token: &str) -> Vec<u8> {
    [prefix.as_bytes(), &sha256(token)].concat()
}

fn session(user: &str, expires_at: SystemTime) -> SessionRecord {
    SessionRecord {
        user_email: user.to_owned(),
        expires_at,
    }
}

/// Retries `attempt` every 100 ms for up to `within`; the last answer if none passed.
pub(crate) async fn eventually<F, Fut>(within: Duration, mut attempt: F) -> Result<Duration, Answer>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), Answer>>,
{
    let start = Instant::now();
    loop {
        match attempt().await {
            Ok(()) => return Ok(start.elapsed()),
            Err(answer) if start.elapsed() > within => return Err(answer),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[tokio::test]
async fn the_api_runs_over_redis_keeping_only_hashes_under_compact_keys_with_ttls() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let t = server_over(&redis, 1).await;
    let s = t.session().await;
    let mut db = redis.client(1).await;

    let mut keys: Vec<Vec<u8>> = db.keys("*").await.unwrap();
    keys.sort();
    let user = s.email.to_lowercase();
    let mut expected = vec![
        key("lo:a:", &s.access),
        key("lo:r:", &s.refresh),
        format!("lo:u:{user}").into_bytes(),
        format!("lo:user:{user}").into_bytes(),
    ];
    expected.sort();
    assert_eq!(keys, expected, "one key each, tokens only as SHA-256");
    assert_eq!(key("lo:r:", &s.refresh).len(), 37);
    for k in &keys {
        let value: Vec<u8> = redis::cmd("DUMP")
            .arg(k)
            .query_async(&mut db)
            .await
            .unwrap();
        for token in [&s.access, &s.refresh] {
            let (k, v) = (String::from_utf8_lossy(k), String::from_utf8_lossy(&value));
            assert!(!k.contains(token.as_str()) && !v.contains(token.as_str()));
        }
    }

    // TTLs from the records' expiries: 7 days, 15 minutes; the index at least as long as
    // the session; users do not expire.
    let day = 24 * 60 * 60 * 1000;
    // Read at one instant (MULTI), so that they compare.
    let (refresh_ttl, access_ttl, index_ttl, user_ttl): (i64, i64, i64, i64) = redis::pipe()
        .atomic()
        .pttl(key("lo:r:", &s.refresh))
        .pttl(key("lo:a:", &s.access))
        .pttl(format!("lo:u:{user}"))
        .pttl(format!("lo:user:{user}"))
        .query_async(&mut db)
        .await
        .unwrap();
    assert!(
        (7 * day - 60_000..=7 * day).contains(&refresh_ttl),
        "{refresh_ttl}"
    );
    assert!(
        (15 * 60_000 - 60_000..=15 * 60_000).contains(&access_ttl),
        "{access_ttl}"
    );
    assert!(index_ttl >= refresh_ttl, "{index_ttl} < {refresh_ttl}");
    assert_eq!(user_ttl, -1, "users persist");

    // Validation by access token, and by refresh token (which mints a new access token).
    assert!(t.access_is_live(&s.access).await);
    let refreshed = t.validate(&format!("refreshToken={}", s.refresh)).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{refreshed:?}");
    let minted = refreshed.cookie_value("accessToken");
    assert!(db.exists::<_, bool>(key("lo:a:", &minted)).await.unwrap());

    t.logout(&s).await.assert_logged_out();
    assert!(!t.refresh_is_live(&s.refresh).await);
    assert!(!t.access_is_live(&s.access).await);
    assert!(!t.access_is_live(&minted).await, "dies with its session");
    let left: Vec<Vec<u8>> = db.keys("lo:[rua]:*").await.unwrap();
    assert_eq!(
        left,
        [key("lo:a:", &minted)],
        "session, presented access token and index entry gone; the minted token expires by TTL"
    );
    // Other databases are untouched.
    let other: Vec<Vec<u8>> = redis.client(0).await.keys("*").await.unwrap();
    assert!(other.is_empty());
}

#[tokio::test]
async fn two_instances_sharing_redis_serve_each_others_users_and_revocations() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let a = server_over(&redis, 0).await;
    let b = server_over(&redis, 0).await;

    let email = a.register().await;
    let on_a = b.login(&email).await;
    assert!(a.access_is_live(&on_a.access).await);
    assert!(a.refresh_is_live(&on_a.refresh).await);
    b.post_json(
        "/auth/register",
        &json!({"name": "Dup", "email": email.to_uppercase(), "password": "x"}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "Email already in use");

    // A second session of the same user, opened on A, must survive B's logout.
    let other = a.login(&email).await;
    b.logout(&on_a).await.assert_logged_out();
    assert!(
        !a.refresh_is_live(&on_a.refresh).await,
        "revoked on B, dead on A"
    );
    assert!(!a.access_is_live(&on_a.access).await);
    assert!(a.refresh_is_live(&other.refresh).await);
    assert!(b.access_is_live(&other.access).await);
}

#[tokio::test]
async fn sixteen_concurrent_logouts_with_one_token_all_succeed_and_the_token_is_gone() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let t = server_over(&redis, 0).await;
    let s = t.session().await;
    let answers = join_all((0..16).map(|_| t.logout(&s))).await;
    for answer in &answers {
        answer.assert_logged_out();
    }
    assert!(!t.refresh_is_live(&s.refresh).await);
    let mut db = redis.client(0).await;
    let left: Vec<Vec<u8>> = db.keys("lo:[ra]:*").await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn concurrent_removals_of_one_token_see_it_there_exactly_once() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let store = Arc::new(store_over(&redis, 0).await);
    let hash = TokenHash([1; 32]);
    let later = SystemTime::now() + Duration::from_secs(600);
    store
        .insert_refresh(hash, session("u@example.com", later))
        .await
        .unwrap();
    let results = join_all((0..16).map(|_| {
        let store = Arc::clone(&store);
        async move { store.remove_refresh(&hash).await }
    }))
    .await;
    let removed: Vec<bool> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(removed.iter().filter(|r| **r).count(), 1, "{removed:?}");
    assert!(!store.remove_access(&hash).await.unwrap());
}

#[tokio::test]
async fn an_expired_record_is_missing_to_lookups_yet_still_found_by_removal() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let store = store_over(&redis, 0).await;
    let now = SystemTime::now();
    let hash = TokenHash([2; 32]);
    // As if this server's clock ran ahead of the one that wrote it: Redis keeps the key
    // (for the minimum TTL), the record says it is over.
    store
        .insert_refresh(hash, session("u@example.com", now - Duration::from_secs(1)))
        .await
        .unwrap();
    assert_eq!(store.refresh_session(&hash, now).await.unwrap(), None);
    let earlier = now - Duration::from_secs(10);
    assert!(
        store
            .refresh_session(&hash, earlier)
            .await
            .unwrap()
            .is_some(),
        "the record itself is intact"
    );
    let mut db = redis.client(0).await;
    let ttl: i64 = db.pttl([&b"lo:r:"[..], &hash.0].concat()).await.unwrap();
    assert!((50_000..=60_000).contains(&ttl), "{ttl}");
    assert!(store.remove_refresh(&hash).await.unwrap(), "it was there");
    assert_eq!(
        store.evict_expired(now).await.unwrap(),
        0,
        "Redis expires keys"
    );
}

#[tokio::test]
async fn the_user_index_finds_and_ends_every_live_session_of_a_user() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let store = store_over(&redis, 0).await;
    let now = SystemTime::now();
    let later = now + Duration::from_secs(600);
    let mine: Vec<TokenHash> = (10..13).map(|n| TokenHash([n; 32])).collect();
    for hash in &mine {
        store
            .insert_refresh(*hash, session("me@example.com", later))
            .await
            .unwrap();
    }
    let theirs = TokenHash([20; 32]);
    store
        .insert_refresh(theirs, session("them@example.com", later))
        .await
        .unwrap();
    let expired = TokenHash([30; 32]);
    store
        .insert_refresh(
            expired,
            session("me@example.com", now - Duration::from_secs(1)),
        )
        .await
        .unwrap();

    let found: HashSet<_> = store
        .sessions_of("me@example.com", SystemTime::now())
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(found, mine.iter().map(|h| h.0).collect(), "live ones only");

    // Logging one out drops it from the index too.
    assert!(store.remove_refresh(&mine[0]).await.unwrap());
    assert_eq!(
        store
            .sessions_of("me@example.com", SystemTime::now())
            .await
            .unwrap()
            .len(),
        2
    );

    let now = SystemTime::now();
    assert_eq!(
        store
            .remove_sessions_of("me@example.com", now)
            .await
            .unwrap(),
        2
    );
    for hash in &mine {
        assert_eq!(store.refresh_session(hash, now).await.unwrap(), None);
    }
    assert!(store.refresh_session(&theirs, now).await.unwrap().is_some());
    assert_eq!(
        store
            .remove_sessions_of("me@example.com", now)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_conformance_hooks_work_over_redis() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let t = server_over(&redis, 0).await;
    let s = t.session().await;
    t.hook("/__conformance/store/fail").await;
    t.logout(&s)
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "Error logging out");
    t.hook("/__conformance/store/recover").await;
    assert!(
        t.refresh_is_live(&s.refresh).await,
        "the switch kept Redis untouched"
    );
    t.logout(&s).await.assert_logged_out();

    let expired = t.hook("/__conformance/expired-session").await;
    let refresh = expired["refreshToken"].as_str().unwrap();
    assert!(!t.refresh_is_live(refresh).await);
    let cookie = format!("refreshToken={refresh}");
    t.logout_with_cookie(Some(cookie.as_bytes()))
        .await
        .assert_logged_out();
}
