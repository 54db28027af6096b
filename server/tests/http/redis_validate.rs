//! A validate-session over Redis with the refresh token beside the access token (as
//! browsers send them) reads both records with one `MGET`; its answer must be the
//! script's for every pair of tokens: the same session or another, live or revoked or
//! expired, on both sides.

use std::time::{Duration, SystemTime};

use logout_server::store::redis::{RedisDb, RedisUrl};
use logout_server::token::user_tag;
use logout_server::{AccessRecord, RedisStore, SessionRecord, TokenHash, TokenStore};

use warp::http::StatusCode;

use crate::redis_cluster::RedisCluster;
use crate::redis_round_trips::over;
use crate::redis_server::RedisServer;
use crate::redis_store::store_over;

/// Opens a session of user `n` expiring at `session_ends`, its access token at
/// `access_ends`; returns the hashes of its refresh and access tokens. Each starts with
/// the user's slot tag, as the server draws them (on a cluster, the session, its access
/// token and the user's index must share a slot).
async fn open(
    store: &dyn TokenStore,
    n: u8,
    session_ends: SystemTime,
    access_ends: SystemTime,
) -> (TokenHash, TokenHash) {
    let user_email = format!("user{n}@example.com");
    let tag = user_tag(&user_email);
    let (mut refresh, mut access) = ([n; 32], [n + 100; 32]);
    (refresh[0], access[0]) = (tag, tag);
    let (refresh, access) = (TokenHash(refresh), TokenHash(access));
    let session = SessionRecord {
        user_email: user_email.clone(),
        expires_at: session_ends,
    };
    let record = AccessRecord {
        user_email,
        session: refresh,
        expires_at: access_ends,
    };
    store
        .open_session(refresh, session, access, record)
        .await
        .unwrap();
    (refresh, access)
}

#[tokio::test]
async fn a_read_beside_the_refresh_token_answers_as_the_script_for_every_pair() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let store = store_over(&redis, 9).await;
    every_pair(&store).await;
}

/// On a cluster too every pair gets the script's answer, including an access token and a
/// refresh token of users with different slot tags (forged or mixed cookies), whose keys
/// are in two slots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_a_pair_from_two_slots_answers_as_the_script() {
    let Some(cluster) = RedisCluster::start().await else {
        return;
    };
    let url = RedisUrl::parse(&cluster.url(Some(0))).unwrap();
    let store = RedisStore::new(RedisDb::connect(&url).await.unwrap());
    every_pair(&store).await;
}

/// Sessions live, expired and revoked, asked with every kind of refresh token beside.
async fn every_pair(store: &RedisStore) {
    assert!(store.reads_beside());
    let now = SystemTime::now();
    let (later, past) = (now + Duration::from_secs(600), now - Duration::from_secs(1));
    let (r1, a1) = open(store, 1, later, later).await;
    let (r2, a2) = open(store, 2, later, later).await;
    assert_ne!(r1.0[0], r2.0[0], "two slot tags");
    // Expired by their records, still kept by Redis (MIN_TTL): dead to a lookup.
    let (r3, a3) = open(store, 3, past, later).await;
    let (r4, a4) = open(store, 4, later, past).await;
    let unknown = TokenHash([99; 32]);

    // Asks both ways; they must agree. Returns whose session the access token is in.
    let ask = |access: TokenHash, beside: Option<TokenHash>| async move {
        let scripted = store.live_access(&access, now).await.unwrap();
        let read = store
            .live_access_beside(&access, beside.as_ref(), now)
            .await
            .unwrap();
        assert_eq!(read, scripted, "{access:?} beside {beside:?}");
        read.map(|record| record.session)
    };
    assert_eq!(ask(a1, Some(r1)).await, Some(r1), "its own session, live");
    assert_eq!(
        ask(a1, Some(r2)).await,
        Some(r1),
        "another live session beside"
    );
    assert_eq!(ask(a1, Some(unknown)).await, Some(r1), "garbage beside");
    assert_eq!(ask(a1, None).await, Some(r1), "nothing beside");
    assert_eq!(ask(a3, Some(r3)).await, None, "its session expired");
    assert_eq!(ask(a4, Some(r4)).await, None, "the access token expired");
    assert_eq!(ask(unknown, Some(r1)).await, None, "no such access token");

    // Session 1 logged out with its refresh token only: its access token dies with it,
    // whatever is presented beside it, a live session's refresh token included.
    assert!(store.remove_refresh(&r1).await.unwrap());
    assert_eq!(ask(a1, Some(r1)).await, None);
    assert_eq!(ask(a1, Some(r2)).await, None);
    assert_eq!(
        ask(a2, Some(r2)).await,
        Some(r2),
        "the other session lives on"
    );
    // An access token revoked alone: dead beside its live session.
    assert!(store.remove_access(&a2).await.unwrap());
    assert_eq!(ask(a2, Some(r2)).await, None);
}

/// Over Redis a validate-session hashes the first refresh token early, to read beside the
/// access token; when the access token is dead, every refresh token presented is still
/// tried in turn, each by its own hash: garbage first, then the live one, answers 200
/// with a new access token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_access_token_dead_each_refresh_token_is_tried_by_its_own_hash() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let server = over(&redis, 10, "").await;
    let session = &server.sessions(1).await[0];
    let cookie = format!(
        "refreshToken=garbage; refreshToken={}; accessToken=dead",
        session.refresh
    );
    let answer = server.validate(cookie.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert!(
        answer.sets_cookie("accessToken").is_some(),
        "a new access token: {answer:?}"
    );
}
