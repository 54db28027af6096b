//! Tests of the memory store.

use std::time::Duration;

use super::*;

pub(super) fn hash(n: u8) -> TokenHash {
    TokenHash([n; 32])
}

pub(super) fn session(expires_at: SystemTime) -> SessionRecord {
    SessionRecord {
        user_email: "a@example.com".into(),
        expires_at,
    }
}

#[tokio::test]
async fn expired_sessions_are_never_live_and_are_removed_on_lookup() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    store
        .insert_refresh(hash(1), session(now - Duration::from_secs(1)))
        .await
        .unwrap();
    store
        .insert_refresh(hash(2), session(now + Duration::from_secs(60)))
        .await
        .unwrap();

    assert_eq!(store.refresh_session(&hash(1), now).await.unwrap(), None);
    assert!(
        !store.remove_refresh(&hash(1)).await.unwrap(),
        "lookup evicted it"
    );
    assert!(
        store
            .refresh_session(&hash(2), now)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn removing_twice_is_not_an_error() {
    let store = MemoryStore::new();
    let later = SystemTime::now() + Duration::from_secs(60);
    store.insert_refresh(hash(1), session(later)).await.unwrap();
    assert!(store.remove_refresh(&hash(1)).await.unwrap());
    assert!(!store.remove_refresh(&hash(1)).await.unwrap());
}

#[tokio::test]
async fn eviction_drops_expired_entries_and_orphaned_access_tokens() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let later = now + Duration::from_secs(60);
    store.insert_refresh(hash(1), session(now)).await.unwrap();
    store.insert_refresh(hash(2), session(later)).await.unwrap();
    let access = |session, expires_at| AccessRecord {
        user_email: "a@example.com".into(),
        session,
        expires_at,
    };
    store
        .insert_access(hash(3), access(hash(1), later))
        .await
        .unwrap();
    store
        .insert_access(hash(4), access(hash(2), later))
        .await
        .unwrap();

    assert_eq!(store.evict_expired(now).await.unwrap(), 2);
    assert!(store.access_session(&hash(4), now).await.unwrap().is_some());
    assert!(
        store
            .refresh_session(&hash(2), now)
            .await
            .unwrap()
            .is_some()
    );
}

pub(super) const REFRESH: Duration = Duration::from_secs(7 * 24 * 3600);

#[tokio::test]
async fn records_come_back_as_stored_and_users_are_dropped_with_their_last_record() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let later = now + REFRESH;
    let session = |user: &str| SessionRecord {
        user_email: user.into(),
        expires_at: later,
    };
    store.insert_refresh(hash(1), session("a")).await.unwrap();
    store.insert_refresh(hash(2), session("b")).await.unwrap();
    let access = AccessRecord {
        user_email: "a".into(),
        session: hash(1),
        expires_at: later,
    };
    store.insert_access(hash(3), access.clone()).await.unwrap();
    assert_eq!(
        store.refresh_session(&hash(1), now).await.unwrap(),
        Some(session("a"))
    );
    assert_eq!(
        store.access_session(&hash(3), now).await.unwrap(),
        Some(access)
    );
    assert_eq!(store.maps().users.ids.len(), 2);

    // Replacing a record releases the user it named.
    store.insert_refresh(hash(2), session("a")).await.unwrap();
    assert_eq!(store.maps().users.ids.len(), 1);
    for key in [1, 2] {
        assert!(store.remove_refresh(&hash(key)).await.unwrap());
    }
    assert_eq!(store.maps().users.ids.len(), 1, "the access record names a");
    assert!(store.remove_access(&hash(3)).await.unwrap());
    assert!(store.maps().users.ids.is_empty());
    // A freed id is reused.
    store.insert_refresh(hash(4), session("c")).await.unwrap();
    assert_eq!(store.maps().users.slots.len(), 2);
    assert_eq!(
        store.refresh_session(&hash(4), now).await.unwrap(),
        Some(session("c"))
    );
}

/// LO-14: a rotation replaces the token, refuses a token that is not live, and a removal
/// of any token the session was rotated from ends the session it was rotated into.
#[tokio::test]
async fn removing_a_rotated_token_ends_the_session_it_was_rotated_into() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let live = session(now + Duration::from_secs(60));
    store.insert_refresh(hash(1), live.clone()).await.unwrap();

    assert_eq!(
        store.rotate_refresh(&hash(1), hash(2), now).await.unwrap(),
        Some(live.clone())
    );
    assert_eq!(store.refresh_session(&hash(1), now).await.unwrap(), None);
    assert!(
        store
            .rotate_refresh(&hash(1), hash(9), now)
            .await
            .unwrap()
            .is_none()
    );
    store.rotate_refresh(&hash(2), hash(3), now).await.unwrap();
    assert_eq!(
        store.refresh_session(&hash(3), now).await.unwrap(),
        Some(live)
    );

    // A logout presenting the first token ends the session two rotations later.
    assert!(store.remove_refresh(&hash(1)).await.unwrap());
    assert_eq!(store.refresh_session(&hash(3), now).await.unwrap(), None);
    assert_eq!(store.refresh_session(&hash(9), now).await.unwrap(), None);
    assert_eq!(
        store.maps().users.ids.len(),
        0,
        "every user reference released"
    );
}

/// The store's own `revoke` (one lock) removes exactly what the trait's default (one call
/// per token) removes: every listed record, unknown and repeated hashes included, and
/// nothing else; users are released with their last record.
#[tokio::test]
async fn revoke_removes_the_listed_tokens_and_only_those() {
    let store = MemoryStore::new();
    let later = SystemTime::now() + Duration::from_secs(60);
    for n in 1..=3 {
        store.insert_refresh(hash(n), session(later)).await.unwrap();
        let record = AccessRecord {
            user_email: "a@example.com".into(),
            session: hash(n),
            expires_at: later,
        };
        store.insert_access(hash(10 + n), record).await.unwrap();
    }
    store
        .revoke(&[hash(1), hash(9), hash(1), hash(3)], &[hash(11), hash(99)])
        .await
        .unwrap();
    let now = SystemTime::now();
    for (n, live) in [(1, false), (2, true), (3, false)] {
        assert_eq!(
            store
                .refresh_session(&hash(n), now)
                .await
                .unwrap()
                .is_some(),
            live,
            "{n}"
        );
    }
    // The records themselves: an access token whose session went (13) is still stored,
    // though no longer accepted.
    for (n, kept) in [(11, false), (12, true), (13, true)] {
        assert_eq!(store.maps().access.find(&hash(n)).is_some(), kept, "{n}");
    }
    assert!(
        store
            .access_session(&hash(12), now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .access_session(&hash(13), now)
            .await
            .unwrap()
            .is_none()
    );
    store
        .revoke(&[hash(2)], &[hash(12), hash(13)])
        .await
        .unwrap();
    assert!(format!("{store:?}").contains("users: 0"), "{store:?}");
}

/// LO-14 through a logout: the store's own `revoke` follows rotations as `remove_refresh`
/// does (a logout presenting a token the session was rotated from ends the session).
#[tokio::test]
async fn revoking_a_rotated_token_ends_the_session_it_was_rotated_into() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let live = session(now + Duration::from_secs(60));
    store.insert_refresh(hash(1), live.clone()).await.unwrap();
    store.rotate_refresh(&hash(1), hash(2), now).await.unwrap();
    assert_eq!(
        store.refresh_session(&hash(2), now).await.unwrap(),
        Some(live)
    );
    store.revoke(&[hash(1)], &[]).await.unwrap();
    assert_eq!(store.refresh_session(&hash(2), now).await.unwrap(), None);
}

/// The store's own `live_access` (one lock) answers what the trait's default (the access
/// record, then its session) answers: the record while both are live, nothing once the
/// session has expired (which goes, as a lookup of it would remove it) or is gone.
#[tokio::test]
async fn live_access_needs_the_session_live_too() {
    let store = MemoryStore::new();
    let now = SystemTime::now();
    let later = now + Duration::from_secs(60);
    let access = |session: u8| AccessRecord {
        user_email: "a@example.com".into(),
        session: hash(session),
        expires_at: later,
    };
    store.insert_refresh(hash(1), session(later)).await.unwrap();
    store.insert_access(hash(11), access(1)).await.unwrap();
    store.insert_refresh(hash(2), session(now)).await.unwrap();
    store.insert_access(hash(12), access(2)).await.unwrap();
    store.insert_access(hash(13), access(3)).await.unwrap();

    assert_eq!(
        store.live_access(&hash(11), now).await.unwrap(),
        Some(access(1))
    );
    assert_eq!(
        store.live_access(&hash(12), now).await.unwrap(),
        None,
        "expired session"
    );
    assert!(
        !store.remove_refresh(&hash(2)).await.unwrap(),
        "the expired session went with the lookup"
    );
    assert_eq!(
        store.live_access(&hash(13), now).await.unwrap(),
        None,
        "no session"
    );
    assert_eq!(
        store.live_access(&hash(14), now).await.unwrap(),
        None,
        "no record"
    );
    store.remove_refresh(&hash(1)).await.unwrap();
    assert_eq!(
        store.live_access(&hash(11), now).await.unwrap(),
        None,
        "logged out"
    );
}
