//! A tab of the browser, as the kit holds it: the DevTools session it is attached in.
//! Opening one is [`super::page`]'s; using one, the rest of the browser's.

/// A tab, attached in its own DevTools session.
#[derive(Debug, Clone)]
pub struct Page {
    session: String,
}

impl Page {
    /// The tab attached in `session`.
    pub(super) fn attached(session: String) -> Self {
        Self { session }
    }

    pub(super) fn session(&self) -> &str {
        &self.session
    }
}
