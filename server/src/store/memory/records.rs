//! The memory store's records: a refresh token's and an access token's, each a few
//! bytes beside its 32-byte key (see [`super`]'s layout), and where a rotated token went.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::store::TokenHash;

/// Where a rotated refresh token went.
#[derive(Clone, Copy)]
pub(super) struct Rotated {
    pub(super) next: TokenHash,
    pub(super) expires: Nanos,
}

/// A refresh token's record: 12 bytes, 4-aligned.
#[derive(Clone, Copy)]
pub(super) struct Session {
    pub(super) user: u32,
    pub(super) expires: Nanos,
}

/// An access token's record: 24 bytes, 4-aligned.
#[derive(Clone, Copy)]
pub(super) struct Access {
    pub(super) user: u32,
    pub(super) session: SessionRef,
    pub(super) expires: Nanos,
}

/// The session an access token belongs to: the first 12 bytes of its refresh token's
/// hash (see the module docs), found in the refresh table through the same index.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct SessionRef(pub(super) [u8; 12]);

impl SessionRef {
    pub(super) fn of(hash: &TokenHash) -> Self {
        let mut first = [0u8; 12];
        first.copy_from_slice(&hash.0[..12]);
        Self(first)
    }
}

/// A record's user id, for releasing it.
pub(super) trait Record: Copy {
    fn user(&self) -> u32;
    fn expires(&self) -> Nanos;
}

impl Record for Session {
    fn user(&self) -> u32 {
        self.user
    }
    fn expires(&self) -> Nanos {
        self.expires
    }
}

impl Record for Access {
    fn user(&self) -> u32 {
        self.user
    }
    fn expires(&self) -> Nanos {
        self.expires
    }
}

/// An instant as nanoseconds since the Unix epoch, in two `u32` halves so that a record
/// needs 4-byte alignment only (no padding after the 32-byte key).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Nanos([u32; 2]);

impl Nanos {
    pub(super) fn from_time(time: SystemTime) -> Self {
        let nanos = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        // Most significant half first, so that the derived order is the numeric one.
        Self([(nanos >> 32) as u32, nanos as u32])
    }

    pub(super) fn to_time(self) -> SystemTime {
        let nanos = (u64::from(self.0[0]) << 32) | u64::from(self.0[1]);
        UNIX_EPOCH + Duration::from_nanos(nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_compact() {
        assert_eq!(std::mem::size_of::<(TokenHash, Session)>(), 44);
        assert_eq!(std::mem::size_of::<(TokenHash, Access)>(), 56);
    }

    #[test]
    fn expiries_round_trip_to_the_nanosecond() {
        let now = SystemTime::now();
        for time in [
            now,
            now + Duration::from_secs(7 * 24 * 3600),
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1, 1),
        ] {
            assert_eq!(Nanos::from_time(time).to_time(), time);
        }
        assert!(Nanos::from_time(now) < Nanos::from_time(now + Duration::from_nanos(1)));
        let before_epoch = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(Nanos::from_time(before_epoch).to_time(), UNIX_EPOCH);
    }
}
