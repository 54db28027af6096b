//! Which contract a run judges: the documented one (the API family's, as the logout
//! document states it) or a declared one, when the profile says the target spells some
//! answer differently. Every deviation is listed in every report, so a verdict never
//! hides what it was measured against.

use serde::Serialize;

use crate::plan::profile::Profile;

/// The contract a run judged, and how it differs from the documented one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contract {
    /// `documented`, or `declared` when the profile deviates from the document.
    pub judged: ContractKind,
    /// Each deviation from the documented contract, in words (`logout path /api/logout
    /// for /auth/logout`); empty for the documented contract.
    pub deviations: Vec<String>,
}

/// The two kinds of contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContractKind {
    #[default]
    Documented,
    Declared,
}

impl Contract {
    /// The contract `profile` declares: documented unless it deviates somewhere.
    pub fn of(profile: &Profile) -> Self {
        let deviations = profile.deviations();
        Self {
            judged: if deviations.is_empty() {
                ContractKind::Documented
            } else {
                ContractKind::Declared
            },
            deviations,
        }
    }

    /// One line for headers and verdicts: `documented contract`, or `declared contract
    /// (2 deviations from the documented contract: …)`.
    pub fn summary(&self) -> String {
        match self.judged {
            ContractKind::Documented => "documented contract".into(),
            ContractKind::Declared => {
                let n = self.deviations.len();
                format!(
                    "declared contract ({n} deviation{} from the documented contract: {})",
                    if n == 1 { "" } else { "s" },
                    self.deviations.join(", ")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_profile_judges_the_documented_contract() {
        let contract = Contract::of(&Profile::default());
        assert_eq!(contract.judged, ContractKind::Documented);
        assert_eq!(contract.summary(), "documented contract");
    }

    #[test]
    fn other_cookie_names_and_path_are_deviations() {
        let profile =
            Profile::parse("[cookies]\naccess = \"sid\"\n[logout]\npath = \"/api/logout\"\n")
                .expect("valid profile");
        let contract = Contract::of(&profile);
        assert_eq!(contract.judged, ContractKind::Declared);
        assert_eq!(
            contract.summary(),
            "declared contract (2 deviations from the documented contract: \
             access cookie \"sid\" for \"accessToken\", logout path /api/logout for /auth/logout)"
        );
    }
}
