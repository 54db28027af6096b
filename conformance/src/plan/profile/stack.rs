//! `[stack]`: what the profile describes, by name and version, so that every report
//! says which implementation it judged and a matrix of many runs can name its columns.

use serde::{Deserialize, Serialize};

/// The implementation a profile is for (`[stack] name = "Django", version = "5.2.19"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// The stack's name as people know it (`dj-rest-auth`).
    pub name: String,
    /// Its version, or the versions of its parts (`dj-rest-auth 7.2.0, Django 5.2.19`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}
