//! The header of every run: what is tested, with which profile, against which contract,
//! by which kit — so that a saved terminal log says what it is the verdict of.

use logout_conformance::Profile;
use logout_conformance::plan::contract::Contract;
use logout_conformance::style::{HEADING, paint};

/// The header's lines. `profile` is the profile file's name or what is used without
/// one.
pub fn render(url: &str, what: Option<&str>, profile_line: &str, profile: &Profile) -> String {
    let target = match what {
        Some(what) => format!("{url} ({what})"),
        None => url.to_owned(),
    };
    let mut out = format!(
        "{}\n  target:   {target}\n",
        paint(
            HEADING,
            &format!("logout-conformance {}", env!("CARGO_PKG_VERSION"))
        )
    );
    if let Some(also) = &profile.also {
        out.push_str(&format!("  also:     {also} (second instance)\n"));
    }
    out.push_str(&format!("  profile:  {profile_line}\n"));
    out.push_str(&format!(
        "  contract: {}\n",
        Contract::of(profile).summary()
    ));
    out
}
