//! The implementation under test: where it is, the profile that describes it, and the
//! state the whole run shares (fresh user names, a store fault that must be switched off
//! again). Also how the CLI starts one: a URL, the embedded reference server or a
//! container ([`launch`]: a [`launch::Launched`] target), and the profile's capability actions ([`action`]).

pub mod action;
pub mod container;
pub mod embedded;
pub mod launch;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::http::endpoint::Endpoint;
use crate::http::exchange::Exchange;
use crate::http::policy::Policy;
use crate::http::secrets::Secrets;
use crate::plan::profile::Profile;
use action::ActionError;

/// Which instance of the target a request goes to (two only for LO-28).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Instance {
    #[default]
    First,
    Second,
}

/// Problems with the target itself, found before any scenario runs.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("invalid target URL {url:?}: {message}")]
    Url { url: String, message: String },
    #[error(
        "target {url} is unreachable: {tried} failed: {cause}\n\
         Is the server running and listening on that address?"
    )]
    Unreachable {
        url: String,
        tried: String,
        cause: String,
    },
    #[error("cannot open a session on {url}: {message}")]
    NoSession { url: String, message: String },
}

/// The target of a run, shared by every scenario.
#[derive(Debug)]
pub struct Target {
    /// Where requests go, and how long each may take.
    pub endpoint: Endpoint,
    /// A second instance behind the same token store (LO-28), when the profile names one.
    pub second: Option<Endpoint>,
    pub profile: Profile,
    /// Every credential seen so far, to mask in every output.
    pub secrets: Secrets,
    run_id: String,
    counter: AtomicU64,
    fault_on: AtomicBool,
}

impl Target {
    /// A target at `url` described by `profile`, each exchange within `timeout` and with
    /// the default body cap.
    pub fn new(url: &str, profile: Profile, timeout: Duration) -> Result<Arc<Self>, TargetError> {
        Self::with_policy(url, profile, Policy::new(timeout))
    }

    /// A target at `url` described by `profile`, every exchange under `policy`.
    pub fn with_policy(
        url: &str,
        profile: Profile,
        policy: Policy,
    ) -> Result<Arc<Self>, TargetError> {
        let endpoint = Endpoint::new(url, policy).map_err(|message| TargetError::Url {
            url: url.to_owned(),
            message,
        })?;
        let second = match &profile.also {
            Some(also) => {
                Some(
                    Endpoint::new(also, policy).map_err(|message| TargetError::Url {
                        url: also.clone(),
                        message: format!("(the second instance) {message}"),
                    })?,
                )
            }
            None => None,
        };
        let run_id = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| format!("{:x}", d.as_millis()))
            .unwrap_or_default();
        Ok(Arc::new(Self {
            endpoint,
            second,
            profile,
            secrets: Secrets::default(),
            run_id,
            counter: AtomicU64::new(0),
            fault_on: AtomicBool::new(false),
        }))
    }

    /// The endpoint of one of the target's instances; `None` for a second instance the
    /// profile does not name.
    pub fn endpoint_of(&self, instance: Instance) -> Option<&Endpoint> {
        match instance {
            Instance::First => Some(&self.endpoint),
            Instance::Second => self.second.as_ref(),
        }
    }

    /// This run's id (`{run}` in a profile's templates).
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// A number unique within the run, for fresh user names.
    pub fn next_id(&self) -> String {
        format!(
            "{}-{}",
            self.run_id,
            self.counter.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Switches the store fault on; the run remembers to switch it off. When the `on`
    /// action fails, the fault may be half on: `off` is tried once, and the failure is
    /// the check's (it could not run), not the run's.
    ///
    /// The actions it ran come back for the scenario's transcript.
    pub async fn store_fault_on(&self) -> (Result<(), ActionError>, Vec<Exchange>) {
        let Some(fault) = self.profile.store_fault.as_ref() else {
            return (Err(ActionError::NotOffered), Vec::new());
        };
        self.fault_on.store(true, Ordering::SeqCst);
        let (result, on) = action::run_recorded(
            &self.endpoint,
            &fault.on,
            "store fault on (capability action)",
        )
        .await;
        let mut ran = vec![on];
        if result.is_err() && self.fault_on.swap(false, Ordering::SeqCst) {
            let label = "store fault off after a failed on (capability action)";
            ran.push(
                action::run_recorded(&self.endpoint, &fault.off, label)
                    .await
                    .1,
            );
        }
        (result.map(drop), ran)
    }

    /// Switches the store fault off if it is on. Safe to call any number of times: the
    /// after-scenario hook and the interrupt handler both call it.
    pub async fn store_fault_off(&self) -> Result<(), ActionError> {
        if !self.fault_on.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let fault = self
            .profile
            .store_fault
            .as_ref()
            .ok_or(ActionError::NotOffered)?;
        let result = action::run(&self.endpoint, &fault.off).await.map(drop);
        if result.is_err() {
            // Keep it marked, so the next caller tries again.
            self.fault_on.store(true, Ordering::SeqCst);
        }
        result
    }

    /// Checks before any scenario that the target (and its second instance, if any)
    /// answers at all, so that an unreachable target is one clear error rather than
    /// every scenario failing.
    pub async fn check_reachable(&self) -> Result<(), TargetError> {
        for endpoint in std::iter::once(&self.endpoint).chain(&self.second) {
            Self::reachable(endpoint, &self.profile.logout.path).await?;
        }
        Ok(())
    }

    async fn reachable(endpoint: &Endpoint, path: &str) -> Result<(), TargetError> {
        let url = endpoint.url(path);
        let addr = endpoint.socket_addr();
        let timeout = endpoint.timeout();
        let tried = format!("a TCP connection to {addr}");
        tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr))
            .await
            .map_err(|_| format!("no connection within {timeout:?}"))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|cause| TargetError::Unreachable {
                url: url.to_string(),
                tried,
                cause,
            })?;
        Ok(())
    }
}
