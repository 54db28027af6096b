//! Why a run could not reach a verdict: the runner's and the execution's one error type.

use crate::under_test::TargetError;

/// Why a run could not reach a verdict.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("invalid --tags expression {0:?}: {1}")]
    Tags(String, String),
    #[error("cucumber could not read the features: {0}")]
    Parse(String),
    #[error("no scenario ran{0}")]
    NothingRan(String),
    #[error("the store fault could not be switched off again: {0}")]
    FaultLeftOn(String),
}
