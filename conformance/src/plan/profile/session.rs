//! Where the session lives after login (`[session]`): cookies, each with its role, or
//! tokens in the login answer's JSON body that the client sends back as a cookie, a
//! bearer header or a body field.

use serde::Deserialize;

/// What a cookie or token is to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A short-lived token that authorises requests.
    Access,
    /// The token that renews the session; logout must revoke it.
    Refresh,
    /// One token that is both (a server-side session id).
    Session,
    /// A CSRF double-submit cookie: not a credential, so LO-02 does not ask for it, but
    /// LO-29 does (a companion cookie), unless `[session] outlives` names it.
    Csrf,
}

impl Role {
    /// Whether it is a credential that logout must end.
    pub fn is_credential(self) -> bool {
        self != Role::Csrf
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Access => "access",
            Role::Refresh => "refresh",
            Role::Session => "session",
            Role::Csrf => "csrf",
        }
    }
}

/// A cookie login sets.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionCookie {
    pub name: String,
    pub role: Role,
}

/// How the client sends a token back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum SendAs {
    /// `Authorization: Bearer TOKEN`.
    Bearer,
    /// A cookie of this name.
    Cookie(String),
    /// A field of the logout's JSON (or form) body.
    Body(String),
}

impl TryFrom<String> for SendAs {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.split_once(':') {
            None if text == "bearer" => Ok(Self::Bearer),
            Some(("cookie", name)) if !name.is_empty() => Ok(Self::Cookie(name.into())),
            Some(("body", field)) if !field.is_empty() => Ok(Self::Body(field.into())),
            _ => Err(format!(
                "send_as {text:?} is not \"bearer\", \"cookie:NAME\" or \"body:FIELD\""
            )),
        }
    }
}

/// A token in the login answer's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyToken {
    /// A JSON pointer into the login answer (`/access`).
    pub pointer: String,
    pub role: Role,
    pub send_as: SendAs,
}

/// Where the session lives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    #[serde(default)]
    pub cookies: Vec<SessionCookie>,
    #[serde(default)]
    pub tokens: Vec<BodyToken>,
    /// Cookies the login sets that are meant to outlive the session (a CSRF cookie the
    /// framework keeps across logins): LO-29 does not ask the logout to clear them, and
    /// each is listed as a deviation.
    #[serde(default)]
    pub outlives: Vec<String>,
}

impl Default for SessionSpec {
    /// The document's two cookies.
    fn default() -> Self {
        Self::cookies("accessToken", "refreshToken")
    }
}

impl SessionSpec {
    /// An access and a refresh cookie.
    pub fn cookies(access: &str, refresh: &str) -> Self {
        Self {
            cookies: vec![
                SessionCookie {
                    name: access.into(),
                    role: Role::Access,
                },
                SessionCookie {
                    name: refresh.into(),
                    role: Role::Refresh,
                },
            ],
            tokens: Vec::new(),
            outlives: Vec::new(),
        }
    }

    /// The cookie name a role's token travels in: a cookie of that role, or a body
    /// token sent as a cookie. `Refresh` finds a `session` cookie too (it is both).
    pub fn cookie_for(&self, role: Role) -> Option<&str> {
        let fits = |r: Role| r == role || (r == Role::Session && role != Role::Csrf);
        self.cookies
            .iter()
            .find(|c| c.role == role)
            .or_else(|| self.cookies.iter().find(|c| fits(c.role)))
            .map(|c| c.name.as_str())
            .or_else(|| {
                self.tokens.iter().find_map(|t| match &t.send_as {
                    SendAs::Cookie(name) if fits(t.role) => Some(name.as_str()),
                    _ => None,
                })
            })
    }

    /// The credential cookies login sets and logout must clear (never CSRF cookies).
    pub fn cleared(&self) -> Vec<&str> {
        self.cookies
            .iter()
            .filter(|c| c.role.is_credential())
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The names of the cookies that carry a credential: the credential cookies and the
    /// body tokens sent back as a cookie. Every other cookie of a session goes with each
    /// of its requests whatever token the request presents.
    pub fn credential_cookies(&self) -> Vec<&str> {
        let mut names = self.cleared();
        for token in &self.tokens {
            if let SendAs::Cookie(name) = &token.send_as
                && token.role.is_credential()
            {
                names.push(name.as_str());
            }
        }
        names
    }

    /// The CSRF cookies the client keeps and sends back.
    pub fn csrf(&self) -> Vec<&str> {
        self.cookies
            .iter()
            .filter(|c| c.role == Role::Csrf)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Whether an access token is separate from the refresh token (LO-12's stale
    /// access token beside a live refresh token needs one).
    pub fn has_separate_access(&self) -> bool {
        let role_of = |r: Role| {
            self.cookies.iter().any(|c| c.role == r) || self.tokens.iter().any(|t| t.role == r)
        };
        role_of(Role::Access) && role_of(Role::Refresh)
    }

    /// The body token of a role, if the session keeps it in the login body.
    pub fn token_for(&self, role: Role) -> Option<&BodyToken> {
        self.tokens
            .iter()
            .find(|t| t.role == role || (t.role == Role::Session && role != Role::Csrf))
    }

    /// Checks the roles: one refresh or session credential, at most one access, no
    /// session beside refresh or access.
    pub fn check(&self) -> Result<(), String> {
        let roles: Vec<Role> = self
            .cookies
            .iter()
            .map(|c| c.role)
            .chain(self.tokens.iter().map(|t| t.role))
            .collect();
        let count = |r: Role| roles.iter().filter(|x| **x == r).count();
        let (access, refresh, session) = (
            count(Role::Access),
            count(Role::Refresh),
            count(Role::Session),
        );
        if refresh + session != 1 {
            return Err(format!(
                "[session] needs exactly one credential with role \"refresh\" or \"session\" \
                 (found {refresh} refresh and {session} session)"
            ));
        }
        if access > 1 || (session == 1 && access == 1) {
            return Err(
                "[session] takes at most one \"access\" credential, and none beside a \
                 \"session\" one (a session credential is both)"
                    .into(),
            );
        }
        if let Some(name) = self
            .outlives
            .iter()
            .find(|n| self.cleared().contains(&n.as_str()))
        {
            return Err(format!(
                "[session] outlives names {name:?}, a credential: the logout must end it \
                 (outlives is for companion cookies such as a CSRF cookie)"
            ));
        }
        if self.tokens.iter().any(|t| t.role == Role::Csrf) {
            return Err("[session] tokens cannot have the role \"csrf\"".into());
        }
        for t in &self.tokens {
            if !matches!(t.send_as, SendAs::Cookie(_)) {
                return Err(format!(
                    "[session] token at {:?}: send_as {:?} is not supported by this version of \
                     the kit, whose clauses present tokens in cookies (use \"cookie:NAME\")",
                    t.pointer, t.send_as
                ));
            }
            if !t.pointer.is_empty() && !t.pointer.starts_with('/') {
                return Err(format!(
                    "[session] token pointer {:?} must start with '/'",
                    t.pointer
                ));
            }
        }
        Ok(())
    }
}
