//! Tests of the memory store's tables through the store: positions, holes, the sweep.

use std::time::Duration;

use super::tests::{REFRESH, hash, session};
use super::*;

/// Many inserts and removals in a scrambled order against a `HashMap` model: removals
/// leave holes that later inserts fill, and every position in the index must stay right.
#[tokio::test]
async fn the_index_follows_every_moved_record() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let mut model = std::collections::HashMap::new();
    let key = |n: u32| {
        let mut bytes = [0u8; 32];
        // Keys that share their first 8 bytes too: same index hash, told apart by eq.
        bytes[8..12].copy_from_slice(&n.to_le_bytes());
        bytes[0] = (n % 3) as u8;
        TokenHash(bytes)
    };
    let mut x: u32 = 7;
    for step in 0..20_000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (x >> 8) % 500;
        let expires_at = now + Duration::from_secs(u64::from(n) + 1);
        if x.is_multiple_of(3) {
            let removed = store.remove_refresh(&key(n)).await.unwrap();
            assert_eq!(removed, model.remove(&n).is_some(), "step {step}");
        } else {
            let user_email = format!("user{}", n % 7);
            let record = SessionRecord {
                user_email,
                expires_at,
            };
            store.insert_refresh(key(n), record.clone()).await.unwrap();
            model.insert(n, record);
        }
    }
    for n in 0..500 {
        assert_eq!(
            store.refresh_session(&key(n), now).await.unwrap().as_ref(),
            model.get(&n),
            "key {n}"
        );
    }
    let users: std::collections::HashSet<_> =
        model.values().map(|r| r.user_email.clone()).collect();
    assert_eq!(store.maps().users.ids.len(), users.len());
    // Expire the first half by time: the sweep removes exactly those.
    let cut = now + Duration::from_secs(251);
    let expected = model.values().filter(|r| r.expires_at <= cut).count();
    assert_eq!(store.evict_expired(cut).await.unwrap(), expected);
    assert_eq!(store.maps().refresh.len(), model.len() - expected);
}

#[tokio::test]
async fn a_sweep_of_many_steps_evicts_exactly_the_dead() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let n = 3 * SWEEP_STEP as u32 + 17;
    let key = |tag: u8, i: u32| {
        let mut bytes = [tag; 32];
        bytes[..4].copy_from_slice(&i.to_le_bytes());
        TokenHash(bytes)
    };
    for i in 0..n {
        // Every third session expired; every session has an access token, live.
        let expires_at = if i % 3 == 0 { now } else { now + REFRESH };
        let record = SessionRecord {
            user_email: format!("u{}", i % 5),
            expires_at,
        };
        store.insert_refresh(key(1, i), record).await.unwrap();
        let access = AccessRecord {
            user_email: format!("u{}", i % 5),
            session: key(1, i),
            expires_at: now + REFRESH,
        };
        store.insert_access(key(2, i), access).await.unwrap();
    }
    let dead = n.div_ceil(3) as usize;
    // The dead sessions, and their access tokens as orphans.
    assert_eq!(store.evict_expired(now).await.unwrap(), 2 * dead);
    for i in 0..n {
        let live = i % 3 != 0;
        assert_eq!(
            store
                .refresh_session(&key(1, i), now)
                .await
                .unwrap()
                .is_some(),
            live
        );
        assert_eq!(
            store
                .access_session(&key(2, i), now)
                .await
                .unwrap()
                .is_some(),
            live
        );
    }
    assert_eq!(store.evict_expired(now).await.unwrap(), 0);
}

/// A removal leaves a hole and the next insert fills it: sessions that come and go do
/// not grow the table.
#[tokio::test]
async fn inserts_fill_the_holes_removals_leave() {
    let store = MemoryStore::new();
    let later = SystemTime::now() + Duration::from_secs(60);
    for round in 0..3u8 {
        for n in 0..100u8 {
            store.insert_refresh(hash(n), session(later)).await.unwrap();
        }
        assert_eq!(store.maps().refresh.positions(), 100, "round {round}");
        let all: Vec<_> = (0..100).map(hash).collect();
        store.revoke(&all, &[]).await.unwrap();
        assert_eq!(store.maps().refresh.len(), 0);
    }
    assert_eq!(store.maps().users.ids.len(), 0);
}

/// A hole still holds the bytes of the record that left it, expired or not: the sweep
/// must skip it, not count it or release its user a second time.
#[tokio::test]
async fn a_sweep_skips_the_holes() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    for n in 0..10u8 {
        store.insert_refresh(hash(n), session(now)).await.unwrap();
    }
    store.revoke(&[hash(2), hash(5)], &[]).await.unwrap();
    assert_eq!(store.evict_expired(now).await.unwrap(), 8);
    assert_eq!(store.maps().users.ids.len(), 0);
    assert_eq!(store.evict_expired(now).await.unwrap(), 0);
}

/// Once a sweep leaves the table mostly holes, the records close up and the memory goes
/// back: every record left is still found, under its own key, and nothing else is.
#[tokio::test]
async fn a_mostly_empty_table_closes_up_and_finds_what_is_left() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let key = |i: u32| {
        let mut bytes = [7u8; 32];
        bytes[..4].copy_from_slice(&i.to_le_bytes());
        TokenHash(bytes)
    };
    let n = 20_000u32;
    for i in 0..n {
        let record = SessionRecord {
            user_email: format!("u{}", i % 3),
            expires_at: now + REFRESH,
        };
        store.insert_refresh(key(i), record).await.unwrap();
    }
    let gone: Vec<_> = (0..n).filter(|i| i % 100 != 0).map(key).collect();
    store.revoke(&gone, &[]).await.unwrap();
    assert_eq!(store.evict_expired(now).await.unwrap(), 0);
    {
        let maps = store.maps();
        assert_eq!(maps.refresh.positions(), 200, "closed up");
        assert!(maps.refresh.entries.capacity() < 1000, "memory given back");
    }
    for i in 0..n {
        let found = store.refresh_session(&key(i), now).await.unwrap();
        assert_eq!(
            found.map(|s| s.user_email),
            (i % 100 == 0).then(|| format!("u{}", i % 3)),
            "{i}"
        );
    }
}
