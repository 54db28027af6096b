//! Version 1 profiles (a file without `version`): `[cookies]`, `[probe]` and JSON
//! `body` keys. They keep working: each is read as it always was and turned into the
//! version 2 model the run uses.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::plan::profile::Profile;
use crate::plan::profile::actions::{Cors, ExpiredSession, StoreFault, post};
use crate::plan::profile::exchange::{Login, Logout, Register};
use crate::plan::profile::probe::{Predicate, ProbeSpec, Probes};
use crate::plan::profile::session::SessionSpec;
use crate::plan::profile::stack::Stack;
use crate::plan::profile::values::Values;

/// A version 1 profile, as read from TOML (every table optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct V1 {
    /// `[stack]`, read in version 1 files too: it changes nothing the run does.
    stack: Option<Stack>,
    base_url: Option<String>,
    cookies: Cookies,
    register: V1Register,
    login: V1Login,
    logout: V1Logout,
    probe: V1Probe,
    store_fault: Option<StoreFault>,
    expired_session: Option<ExpiredSession>,
    cors: Option<Cors>,
    waive: Vec<String>,
    also: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Cookies {
    access: String,
    refresh: String,
}

impl Default for Cookies {
    fn default() -> Self {
        Self {
            access: "accessToken".into(),
            refresh: "refreshToken".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct V1Register {
    enabled: bool,
    method: String,
    path: String,
    body: Option<serde_json::Value>,
    headers: BTreeMap<String, String>,
    expect_status: Vec<u16>,
    email: Option<String>,
    password: Option<String>,
}

impl Default for V1Register {
    fn default() -> Self {
        let r = Register::default();
        Self {
            enabled: r.enabled,
            method: r.method,
            path: r.path,
            body: None,
            headers: r.headers,
            expect_status: r.expect_status,
            email: None,
            password: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct V1Login {
    method: String,
    path: String,
    body: Option<serde_json::Value>,
    headers: BTreeMap<String, String>,
    expect_status: Vec<u16>,
}

impl Default for V1Login {
    fn default() -> Self {
        let l = Login::default();
        Self {
            method: l.method,
            path: l.path,
            body: None,
            headers: l.headers,
            expect_status: l.expect_status,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct V1Logout {
    path: String,
}

impl Default for V1Logout {
    fn default() -> Self {
        Self {
            path: Logout::default().path,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct V1Probe {
    refresh: bool,
    access: bool,
    method: String,
    path: String,
    live_status: Vec<u16>,
    gone_status: Vec<u16>,
}

impl Default for V1Probe {
    fn default() -> Self {
        Self {
            refresh: true,
            access: true,
            method: "GET".into(),
            path: "/auth/validate-session".into(),
            live_status: vec![200],
            gone_status: vec![401],
        }
    }
}

impl From<V1> for Profile {
    fn from(v1: V1) -> Self {
        let probe = ProbeSpec {
            method: v1.probe.method.clone(),
            path: v1.probe.path.clone(),
            live: Predicate::status(v1.probe.live_status.clone()),
            dead: Predicate::status(v1.probe.gone_status.clone()),
            ..ProbeSpec::validate_session()
        };
        Profile {
            version: 1,
            base_url: v1.base_url,
            values: Values::v1(),
            defaults: Default::default(),
            session: SessionSpec::cookies(&v1.cookies.access, &v1.cookies.refresh),
            rotating_refresh: None,
            register: Register {
                enabled: v1.register.enabled,
                method: v1.register.method,
                path: v1.register.path,
                headers: v1.register.headers,
                json: v1.register.body,
                form: None,
                expect_status: v1.register.expect_status,
                email: v1.register.email,
                password: v1.register.password,
                before: None,
            },
            login: Login {
                method: v1.login.method,
                path: v1.login.path,
                headers: v1.login.headers,
                json: v1.login.body,
                form: None,
                expect_status: v1.login.expect_status,
                before: None,
            },
            logout: Logout {
                method: post(),
                path: v1.logout.path,
                ..Logout::default()
            },
            probes: Probes {
                access: v1.probe.access.then(|| probe.clone()),
                refresh: v1.probe.refresh.then_some(probe),
            },
            store_fault: v1.store_fault,
            expired_session: v1.expired_session,
            cors: v1.cors,
            waive: v1.waive,
            known_failures: Vec::new(),
            stack: v1.stack,
            also: v1.also,
        }
    }
}
