//! Which scenarios a run can judge, and for each that it cannot, why: waived, not
//! selected by `--tags`, not applying to this target, or needing a capability the target
//! (or the machine: a browser) does not offer.

use std::path::Path;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;

use crate::browser;
use crate::plan::catalogue::{Capability, Catalogue};
use crate::plan::features::{ScenarioInfo, ScenarioKey, Suite};
use crate::under_test::Target;
use crate::verdict::scenario::ScenarioResult;

/// Splits the scenarios into those to run and those that are not run, with the reason.
pub(super) fn select(
    target: &Target,
    suite: &Suite,
    tags: Option<&TagOperation>,
    browser: Option<&Path>,
) -> (Vec<ScenarioKey>, Vec<ScenarioResult>) {
    let mut to_run = Vec::new();
    let mut not_run = Vec::new();
    for info in &suite.scenarios {
        match why_not_run(target, info, tags, browser) {
            None => to_run.push(info.key.clone()),
            Some(reason) => not_run.push(ScenarioResult::not_run(info, reason)),
        }
    }
    (to_run, not_run)
}

fn why_not_run(
    target: &Target,
    info: &ScenarioInfo,
    tags: Option<&TagOperation>,
    browser: Option<&Path>,
) -> Option<String> {
    if target.profile.waives(info.clause) {
        return Some("waived in the profile".into());
    }
    if let Some(tags) = tags
        && !tags.eval(info.tags.iter())
    {
        return Some("not selected by --tags".into());
    }
    if let Some(reason) = target.profile.inapplicable(info.clause) {
        return Some(format!("does not apply to this target: {reason}"));
    }
    let applies_with = Catalogue::get()
        .clause(info.clause)
        .and_then(|c| c.applies_with);
    if let Some(c) = applies_with.filter(|c| !offers(target, browser, *c)) {
        if c == Capability::Browser {
            return no_browser(browser);
        }
        if c == Capability::RotatingRefresh {
            return Some(
                "does not apply: the profile declares no rotating refresh, and a target whose \
                 refresh never issues a new refresh token has no such race (declare \
                 [rotating_refresh] if yours does)"
                    .into(),
            );
        }
        return Some(format!(
            "applies only to a target that offers the {} capability (declare {})",
            c.name(),
            c.how_to_offer()
        ));
    }
    if info.needs.contains(&Capability::Browser)
        && let Some(why) = no_browser(browser)
    {
        return Some(why);
    }
    info.needs
        .iter()
        .filter(|c| **c != Capability::Browser)
        .find(|c| !target.profile.offers(**c))
        .map(|c| {
            format!(
                "the target offers no {} capability (declare {})",
                c.name(),
                c.how_to_offer()
            )
        })
}

/// Whether the run offers a capability: the machine's browser, or what the target's
/// profile declares.
pub(super) fn offers(target: &Target, browser: Option<&Path>, capability: Capability) -> bool {
    match capability {
        Capability::Browser => no_browser(browser).is_none(),
        other => target.profile.offers(other),
    }
}

/// Why the run has no browser to use, if it has none.
fn no_browser(browser: Option<&Path>) -> Option<String> {
    match browser {
        None => Some(format!(
            "no Chromium browser: none of {} is on PATH (install one, or give --browser PATH)",
            browser::NAMES.join(", ")
        )),
        Some(path) => browser::usable(path)
            .err()
            .map(|why| format!("no Chromium browser: {why} (give --browser PATH of a Chromium)")),
    }
}
