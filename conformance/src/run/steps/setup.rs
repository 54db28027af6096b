//! What the setup exchanges (register, login) carry beyond their templates: the `before`
//! request a profile declares for them (a CSRF token fetched first), and, once one was
//! sent, the cookies the session's setup answers set so far — as a browser sends back
//! the `csrftoken` cookie a page set before it posts the login form.

use crate::plan::profile::Before;
use crate::plan::profile::values::Context;
use crate::run::request::{Cookies, Request};
use crate::run::steps::session::set_cookie_pairs;
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
    /// Whether a `before` request was sent: from then on, setup requests carry
    /// [`Self::cookies`].
    pub carrying: bool,
}

impl Setup {
    /// Takes in an answer's cookies (a name set again replaces its value).
    pub fn learn_cookies(&mut self, set: Vec<(String, String)>) {
        for (name, value) in set {
            self.cookies.retain(|(n, _)| *n != name);
            self.cookies.push((name, value));
        }
    }

    /// Makes `request` carry the setup's cookies: the browser-like jar for the session
    /// that lives in it, else a `Cookie` header of them — once a `before` was sent (a
    /// profile without one sends its setup requests as it always did).
    pub fn carry(&self, request: &mut Request, in_jar: bool) {
        if in_jar && self.carrying {
            request.cookies = Cookies::Jar;
        } else if self.carrying && !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            request.cookies = Cookies::Header(header.join("; "));
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
        in_jar: bool,
    ) -> Result<(), String> {
        let mut request =
            template::build(target, &format!("before: {table}"), &before.request(), ctx)
                .map_err(|e| format!("cannot send [{table}] before: {e}"))?;
        self.carrying = true;
        self.carry(&mut request, in_jar);
        let exchange = world.send_setup(request).await;
        let answer = exchange.response.as_ref().map_err(|e| {
            format!(
                "cannot send [{table}] before: {} {}: {e}",
                exchange.request.method, exchange.request.url
            )
        })?;
        self.learn_cookies(set_cookie_pairs(answer));
        self.previous = answer.json();
        Ok(())
    }
}
