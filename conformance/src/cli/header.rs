//! The header of every run: what is tested, with which profile, against which contract,
//! by which kit — so that a saved terminal log says what it is the verdict of.

use std::path::Path;

use logout_conformance::Profile;
use logout_conformance::generate::Generation;
use logout_conformance::launch::Launched;
use logout_conformance::plan::contract::Contract;
use logout_conformance::style::{HEADING, paint};

/// What the arguments said about the launched target.
pub struct About<'a> {
    pub launched: &'a Launched,
    /// `--image`.
    pub image: Option<&'a str>,
    /// `--profile`.
    pub profile_file: Option<&'a Path>,
    /// Whether `--target` named the URL (else the profile's `base_url` did).
    pub target_given: bool,
    /// `--generate` and `--seed` (or the seed drawn for this run).
    pub generation: Generation,
}

impl About<'_> {
    /// What the target is, beside its URL.
    fn kind(&self) -> Option<String> {
        match self.launched {
            Launched::Url(_) if self.target_given => None,
            Launched::Url(_) => Some("the profile's base_url".into()),
            Launched::Container(_) => self.image.map(|i| format!("a container of {i}")),
            Launched::Embedded(_) => Some("the embedded reference server: no --target".into()),
        }
    }

    /// The profile file, or what is used without one.
    fn profile_line(&self) -> String {
        match (self.profile_file, self.launched) {
            (Some(path), _) => path.display().to_string(),
            (None, Launched::Embedded(_)) => "none: the reference server's own".to_owned(),
            (None, _) => "none: the API family's endpoints, no optional capabilities".to_owned(),
        }
    }
}

/// The header's lines.
pub fn render(about: &About<'_>, profile: &Profile) -> String {
    let url = about.launched.url();
    let target = match about.kind() {
        Some(kind) => format!("{url} ({kind})"),
        None => url,
    };
    let kit = format!("logout-conformance {}", env!("CARGO_PKG_VERSION"));
    let mut out = format!("{}\n  target:   {target}\n", paint(HEADING, &kit));
    if let Some(also) = &profile.also {
        out.push_str(&format!("  also:     {also} (second instance)\n"));
    }
    if let Some(stack) = &profile.stack {
        let version = stack
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        out.push_str(&format!("  stack:    {}{version}\n", stack.name));
    }
    out.push_str(&format!("  profile:  {}\n", about.profile_line()));
    out.push_str(&format!(
        "  contract: {}\n",
        Contract::of(profile).summary()
    ));
    out.push_str(&format!("  generate: {}\n", about.generation.summary()));
    out
}
