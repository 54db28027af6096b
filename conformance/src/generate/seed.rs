//! The run's seed and case count, and each scenario's own seed derived from them: the
//! scenarios run concurrently and in any order, so each draws from its own stream,
//! which depends only on the run's seed and the scenario's name.

use std::hash::{BuildHasher as _, Hasher as _};

use serde::Serialize;

/// Cases per generated scenario unless `--generate` says otherwise: enough that each
/// dimension's far end (the size bound, forty-odd pairs or levels) is reached in every
/// run, few enough that the suite against the embedded server stays fast.
pub const DEFAULT_CASES: u32 = 48;

/// How a run generates inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Generation {
    /// Cases per generated scenario; 0 turns generation off (the scenarios are not run).
    pub cases: u32,
    /// The run's seed.
    pub seed: u64,
}

impl Generation {
    /// `cases` cases per scenario, from `seed` or else a fresh random seed.
    pub fn new(cases: u32, seed: Option<u64>) -> Self {
        Self {
            cases,
            seed: seed.unwrap_or_else(random_seed),
        }
    }

    /// The generation in one line, with the arguments that replay it; every report
    /// shows it.
    pub fn summary(&self) -> String {
        if self.cases == 0 {
            return "off (--generate 0)".to_owned();
        }
        format!(
            "{} cases per generated scenario, seed {} (--seed {} --generate {} replays them)",
            self.cases, self.seed, self.seed, self.cases
        )
    }

    /// Generation off.
    pub fn off() -> Self {
        Self { cases: 0, seed: 0 }
    }

    /// What the scenario named `name` generates from.
    pub fn for_scenario(&self, name: &str) -> Seeded {
        Seeded {
            cases: self.cases,
            seed: self.scenario_seed(name),
            run_seed: self.seed,
        }
    }

    /// The seed of the scenario named `name`: the run's seed mixed with the name's
    /// FNV-1a hash (stable across platforms and Rust versions, unlike `DefaultHasher`).
    pub fn scenario_seed(&self, name: &str) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in name.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        splitmix(self.seed ^ hash)
    }
}

/// What one scenario generates from: the run's case count and seed, and the scenario's
/// own seed derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub cases: u32,
    pub seed: u64,
    pub run_seed: u64,
}

impl Default for Generation {
    fn default() -> Self {
        Self::new(DEFAULT_CASES, None)
    }
}

/// A seed nobody chose: std's per-process random hasher keys.
fn random_seed() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    // Seeds a person retypes: keep them to 48 bits.
    hasher.finish() & 0xffff_ffff_ffff
}

/// SplitMix64's finaliser: spreads a seed's bits.
pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 32 bytes proptest's ChaCha generator is seeded with.
pub(crate) fn rng_bytes(seed: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut state = seed;
    for chunk in out.chunks_mut(8) {
        state = splitmix(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_seeds_depend_on_the_run_seed_and_the_name_only() {
        let a = Generation::new(8, Some(7));
        let b = Generation::new(99, Some(7));
        assert_eq!(a.scenario_seed("x"), b.scenario_seed("x"));
        assert_ne!(a.scenario_seed("x"), a.scenario_seed("y"));
        assert_ne!(
            a.scenario_seed("x"),
            Generation::new(8, Some(8)).scenario_seed("x")
        );
        assert_ne!(rng_bytes(1), rng_bytes(2));
    }
}
