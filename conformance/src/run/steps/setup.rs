//! What the setup exchanges (register, login) carry beyond their templates: the `before`
//! request a profile declares for them (a CSRF token fetched first), and, once one was
//! sent, the cookies the session's setup answers set so far — as a browser sends back
//! the `csrftoken` cookie a page set before it posts the login form. Credential cookies
//! a register answer sets are not carried: the login opens the session under test (a
//! stack whose sign-up logs in answers a second login with 409 otherwise).

use reqwest::Url;

use crate::plan::profile::Before;
use crate::plan::profile::values::Context;
use crate::run::request::{Cookies, Request};
use crate::run::template;
use crate::run::world::LogoutWorld;
use crate::under_test::Target;

/// The cookies and previous answer a session's setup has gathered.
#[derive(Debug, Default)]
pub(crate) struct Setup {
    /// Every cookie the setup answers set, the latest value of each name.
    pub cookies: Vec<(String, String)>,
    /// The JSON body of the latest setup answer, for `{response:…}`.
    pub previous: Option<serde_json::Value>,
    /// Whether a `before` request was sent: from then on, setup requests carry the
    /// cookies that are not credentials.
    pub carrying: bool,
    /// The profile's credential cookies (access, refresh, session), never carried.
    credentials: Vec<String>,
}

impl Setup {
    /// Nothing gathered yet, for a session of `target`.
    pub fn new(target: &Target) -> Self {
        Self {
            credentials: target
                .profile
                .cleared_cookies()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            ..Self::default()
        }
    }

    /// Takes in an answer's cookies (a name set again replaces its value).
    pub fn learn_cookies(&mut self, set: Vec<(String, String)>) {
        for (name, value) in set {
            self.cookies.retain(|(n, _)| *n != name);
            self.cookies.push((name, value));
        }
    }

    /// The gathered cookies a setup request carries.
    fn carried(&self) -> impl Iterator<Item = &(String, String)> {
        self.cookies
            .iter()
            .filter(|(n, _)| self.carrying && !self.credentials.contains(n))
    }

    /// Makes `request` carry the setup's cookies as a `Cookie` header, once a `before`
    /// was sent (a profile without one sends its setup requests as it always did).
    pub fn carry(&self, request: &mut Request) {
        let header: Vec<String> = self.carried().map(|(n, v)| format!("{n}={v}")).collect();
        if !header.is_empty() {
            request.cookies = Cookies::Header(header.join("; "));
        }
    }

    /// Puts the carried cookies in the browser-like jar of a session that lives there,
    /// before its login is sent through the jar.
    pub fn seed_jar(&self, world: &LogoutWorld, url: &Url) {
        for (name, value) in self.carried() {
            world.add_to_jar(name, value, url);
        }
    }

    /// Sends the `before` request of the `table` exchange ("register", "login") and
    /// takes in its answer: its cookies, its JSON body. Any answer is taken (a page that
    /// sets the cookie may answer 404); no answer at all is an error.
    pub async fn send_before(
        &mut self,
        world: &mut LogoutWorld,
        target: &Target,
        table: &str,
        before: &Before,
        ctx: &Context<'_>,
    ) -> Result<(), String> {
        let mut request =
            template::build(target, &format!("before: {table}"), &before.request(), ctx)
                .map_err(|e| format!("cannot send [{table}] before: {e}"))?;
        self.carrying = true;
        self.carry(&mut request);
        let exchange = world.send_setup(request).await;
        let answer = exchange.response.as_ref().map_err(|e| {
            format!(
                "cannot send [{table}] before: {} {}: {e}",
                exchange.request.method, exchange.request.url
            )
        })?;
        self.learn_cookies(answer.set_cookie_pairs());
        self.previous = answer.json();
        Ok(())
    }
}
