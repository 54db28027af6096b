//! The record of a visit: what a page fetched and what the browser's cookie store held,
//! in order, for checks made after the browser is gone. Cookie values are not kept: they
//! are secrets, and the checks need only names and attributes.

use std::fmt;

use super::cookie::Cookie;

/// The answer a page's `fetch` got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// An HTTP answer: its status (0 for a redirect, which is not followed) and body
    /// (which may hold secrets: it is never shown).
    Answer { status: u16, body: String },
    /// No answer: the fetch was rejected (network error, time limit).
    Failed(String),
}

impl fmt::Display for Fetched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fetched::Answer { status: 0, .. } => f.write_str("a redirect (not followed)"),
            Fetched::Answer { status, .. } => write!(f, "status {status}"),
            Fetched::Failed(why) => write!(f, "no answer ({why})"),
        }
    }
}

/// A cookie as the browser holds it, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCookie {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub http_only: bool,
    pub secure: bool,
    pub same_site: Option<String>,
    /// Kept in a partitioned (CHIPS) jar, apart from unpartitioned cookies.
    pub partitioned: bool,
}

impl From<&Cookie> for HeldCookie {
    fn from(c: &Cookie) -> Self {
        Self {
            name: c.name.clone(),
            domain: c.domain.clone(),
            path: c.path.clone(),
            http_only: c.http_only,
            secure: c.secure,
            same_site: c.same_site.clone(),
            partitioned: c.partitioned(),
        }
    }
}

impl fmt::Display for HeldCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (Domain={}; Path={}",
            self.name, self.domain, self.path
        )?;
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        if let Some(same_site) = &self.same_site {
            write!(f, "; SameSite={same_site}")?;
        }
        if self.partitioned {
            f.write_str("; partitioned")?;
        }
        f.write_str(")")
    }
}

/// One thing that happened in the visit.
#[derive(Debug, Clone)]
pub enum Event {
    /// The page fetched `request` (e.g. `POST /auth/login`).
    Fetch {
        label: String,
        request: String,
        outcome: Fetched,
    },
    /// The cookie store held these cookies.
    Held {
        label: String,
        cookies: Vec<HeldCookie>,
    },
}

/// Everything that happened, in order.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub events: Vec<Event>,
}

impl Visit {
    /// The answer of the fetch labelled `label`, if the visit made it.
    pub fn fetched(&self, label: &str) -> Option<&Fetched> {
        self.events.iter().find_map(|e| match e {
            Event::Fetch {
                label: l, outcome, ..
            } if l == label => Some(outcome),
            _ => None,
        })
    }

    /// The cookies held at the snapshot labelled `label`, if the visit took it.
    pub fn held(&self, label: &str) -> Option<&[HeldCookie]> {
        self.events.iter().find_map(|e| match e {
            Event::Held { label: l, cookies } if l == label => Some(cookies.as_slice()),
            _ => None,
        })
    }
}

impl fmt::Display for Visit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for event in &self.events {
            match event {
                Event::Fetch {
                    label,
                    request,
                    outcome,
                } => writeln!(f, "  fetch {request} ({label}): {outcome}")?,
                Event::Held { label, cookies } if cookies.is_empty() => {
                    writeln!(f, "  cookie store {label}: empty")?;
                }
                Event::Held { label, cookies } => {
                    let held: Vec<String> = cookies.iter().map(ToString::to_string).collect();
                    writeln!(f, "  cookie store {label}: {}", held.join(", "))?;
                }
            }
        }
        Ok(())
    }
}
