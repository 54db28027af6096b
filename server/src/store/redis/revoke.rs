//! A logout's revocation: one script per slot tag among the presented tokens.

use futures::future::try_join_all;

use super::RedisStore;
use super::keys::Key;
use crate::store::{StoreError, TokenHash};

impl RedisStore {
    /// One revocation script per slot tag (one in all on a single server, or for one
    /// user's tokens), run concurrently; how many keys were there.
    pub(super) async fn revoke_all(
        &self,
        refresh: &[TokenHash],
        access: &[TokenHash],
    ) -> Result<usize, StoreError> {
        let mut tags = refresh.iter().chain(access).map(|hash| hash.0[0]);
        let first = tags.next();
        if !self.layout.tagged || tags.all(|tag| Some(tag) == first) {
            // The usual logout: one script, its keys on the stack.
            let tag = first.unwrap_or(0);
            let sessions: Vec<Key> = refresh.iter().map(|h| self.layout.refresh(h)).collect();
            let access: Vec<Key> = access.iter().map(|h| self.layout.access(h)).collect();
            let prefix = self.layout.index_prefix(tag);
            return Ok(self
                .scripts
                .revoke(&self.db, &sessions, &access, prefix)
                .await?);
        }
        let mut groups: Vec<Group> = Vec::new();
        let hashes = refresh.iter().map(|h| (h, true));
        for (hash, is_session) in hashes.chain(access.iter().map(|h| (h, false))) {
            let tag = hash.0[0];
            let at = match groups.iter().position(|group| group.tag == tag) {
                Some(at) => at,
                None => {
                    groups.push(Group {
                        tag,
                        sessions: Vec::new(),
                        access: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            if is_session {
                groups[at].sessions.push(self.layout.refresh(hash));
            } else {
                groups[at].access.push(self.layout.access(hash));
            }
        }
        let calls = groups.iter().map(|group| {
            let prefix = self.layout.index_prefix(group.tag);
            self.scripts
                .revoke(&self.db, &group.sessions, &group.access, prefix)
        });
        Ok(try_join_all(calls).await?.into_iter().sum())
    }
}

/// The keys of one revocation script: those of one slot tag.
struct Group {
    tag: u8,
    sessions: Vec<Key>,
    access: Vec<Key>,
}
