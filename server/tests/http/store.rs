use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use logout_server::{
    AccessRecord, AppState, Config, MemoryStore, SessionRecord, StoreError, TokenHash, TokenStore,
    async_trait, routes, spawn_routes,
};
use sha2::{Digest, Sha256};

use crate::util::{Session, TestServer};

/// A store that records every refresh hash it is given, then forwards.
#[derive(Default)]
struct Recording {
    inner: MemoryStore,
    seen: Mutex<Vec<TokenHash>>,
}

impl Recording {
    fn saw(&self, hash: &TokenHash) {
        self.seen.lock().unwrap().push(*hash);
    }
}

#[async_trait]
impl TokenStore for Recording {
    async fn insert_refresh(
        &self,
        hash: TokenHash,
        session: SessionRecord,
    ) -> Result<(), StoreError> {
        self.saw(&hash);
        self.inner.insert_refresh(hash, session).await
    }
    async fn refresh_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.refresh_session(hash, now).await
    }
    async fn remove_refresh(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.saw(hash);
        self.inner.remove_refresh(hash).await
    }
    async fn insert_access(&self, hash: TokenHash, record: AccessRecord) -> Result<(), StoreError> {
        self.inner.insert_access(hash, record).await
    }
    async fn access_session(
        &self,
        hash: &TokenHash,
        now: SystemTime,
    ) -> Result<Option<AccessRecord>, StoreError> {
        self.inner.access_session(hash, now).await
    }
    async fn remove_access(&self, hash: &TokenHash) -> Result<bool, StoreError> {
        self.inner.remove_access(hash).await
    }
    async fn evict_expired(&self, now: SystemTime) -> Result<usize, StoreError> {
        self.inner.evict_expired(now).await
    }
}

#[tokio::test]
async fn any_store_can_back_the_api_and_it_only_ever_sees_sha256_hashes() {
    let store = Arc::new(Recording::default());
    let state = AppState::with_store(Config::for_conformance(), store.clone());
    let server = spawn_routes("127.0.0.1:0".parse().unwrap(), routes(state))
        .await
        .unwrap();
    let t = TestServer {
        server,
        client: crate::util::client(),
    };

    let session: Session = t.session().await;
    t.logout(&session).await.assert_logged_out();
    let expected = TokenHash(Sha256::digest(session.refresh.as_bytes()).into());
    assert_eq!(
        *store.seen.lock().unwrap(),
        [expected, expected],
        "insert at login, remove at logout"
    );

    // The fault switch wraps any store, so the hooks work over it too.
    t.hook("/__conformance/store/fail").await;
    t.logout(&session).await.assert_error(
        reqwest::StatusCode::INTERNAL_SERVER_ERROR,
        "Error logging out",
    );
}
