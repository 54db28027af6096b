//! The feature files: parsed, outlines expanded, and each scenario's tags read as a
//! clause, a grade and the capabilities it needs.
//!
//! The features of `features/` are compiled into the harness; `--features DIR` runs
//! another directory instead (for people editing the scenarios).

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};

use crate::plan::catalogue::{Capability, Catalogue, Grade};
use crate::plan::clause_id::ClauseId;

/// The feature files of `features/`, compiled in: (file name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "logout_success.feature",
        include_str!("../../../features/logout_success.feature"),
    ),
    (
        "invalid_tokens.feature",
        include_str!("../../../features/invalid_tokens.feature"),
    ),
    (
        "request_body.feature",
        include_str!("../../../features/request_body.feature"),
    ),
    (
        "store_failure.feature",
        include_str!("../../../features/store_failure.feature"),
    ),
    (
        "concurrency.feature",
        include_str!("../../../features/concurrency.feature"),
    ),
    (
        "session_scope.feature",
        include_str!("../../../features/session_scope.feature"),
    ),
    (
        "indistinguishable.feature",
        include_str!("../../../features/indistinguishable.feature"),
    ),
    (
        "response_headers.feature",
        include_str!("../../../features/response_headers.feature"),
    ),
    (
        "methods.feature",
        include_str!("../../../features/methods.feature"),
    ),
    (
        "cors.feature",
        include_str!("../../../features/cors.feature"),
    ),
    (
        "instances.feature",
        include_str!("../../../features/instances.feature"),
    ),
    (
        "informational.feature",
        include_str!("../../../features/informational.feature"),
    ),
    (
        "browser.feature",
        include_str!("../../../features/browser.feature"),
    ),
    (
        "generated.feature",
        include_str!("../../../features/generated.feature"),
    ),
];

/// Problems with the feature files themselves.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("cannot read features from {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{location}: {message}")]
    Tags { location: String, message: String },
    #[error("no feature files in {0}")]
    Empty(PathBuf),
}

/// Where a scenario stands: its file and line (an outline row has the row's line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ScenarioKey {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for ScenarioKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What the tags of one scenario say.
#[derive(Debug, Clone)]
pub struct ScenarioInfo {
    pub key: ScenarioKey,
    pub name: String,
    pub clause: ClauseId,
    pub grade: Grade,
    pub needs: Vec<Capability>,
    pub tags: Vec<String>,
}

/// The parsed, expanded features and what their scenarios are.
#[derive(Debug, Clone)]
pub struct Suite {
    pub features: Vec<gherkin::Feature>,
    pub scenarios: Vec<ScenarioInfo>,
}

impl Suite {
    /// The features compiled into the harness.
    pub fn embedded() -> Result<Self, FeatureError> {
        let features = EMBEDDED
            .iter()
            .map(|(name, text)| parse(Path::new("features").join(name), text))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_features(features)
    }

    /// The `.feature` files of a directory.
    pub fn from_dir(dir: &Path) -> Result<Self, FeatureError> {
        let read_err = |source| FeatureError::Read {
            path: dir.to_owned(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "feature"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(FeatureError::Empty(dir.to_owned()));
        }
        let features = paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).map_err(|source| FeatureError::Read {
                    path: path.clone(),
                    source,
                })?;
                parse(path, &text)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_features(features)
    }

    fn from_features(features: Vec<gherkin::Feature>) -> Result<Self, FeatureError> {
        let catalogue = Catalogue::get();
        let mut scenarios = Vec::new();
        for feature in &features {
            let file = display_path(feature);
            let all = feature
                .scenarios
                .iter()
                .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
            for scenario in all {
                let key = ScenarioKey {
                    file: file.clone(),
                    line: scenario.position.line,
                };
                let tags: Vec<String> = feature
                    .tags
                    .iter()
                    .chain(scenario.tags.iter())
                    .cloned()
                    .collect();
                scenarios.push(read_tags(catalogue, key, &scenario.name, tags)?);
            }
        }
        Ok(Self {
            features,
            scenarios,
        })
    }

    /// The scenario at a key.
    pub fn scenario(&self, key: &ScenarioKey) -> Option<&ScenarioInfo> {
        self.scenarios.iter().find(|s| &s.key == key)
    }
}

/// The file name a feature is reported under: `features/NAME.feature`.
pub fn display_path(feature: &gherkin::Feature) -> String {
    feature
        .path
        .as_ref()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            format!("features/{}", name.unwrap_or_default())
        })
        .unwrap_or_else(|| feature.name.clone())
}

fn parse(path: PathBuf, text: &str) -> Result<gherkin::Feature, FeatureError> {
    let parse_err = |message: String| FeatureError::Parse {
        path: path.clone(),
        message,
    };
    let mut feature = gherkin::Feature::parse(text, GherkinEnv::default())
        .map_err(|e| parse_err(e.to_string()))?;
    feature.path = Some(path.clone());
    feature
        .expand_examples()
        .map_err(|e| parse_err(e.to_string()))
}

fn read_tags(
    catalogue: &Catalogue,
    key: ScenarioKey,
    name: &str,
    tags: Vec<String>,
) -> Result<ScenarioInfo, FeatureError> {
    let err = |message: String| FeatureError::Tags {
        location: key.to_string(),
        message,
    };
    let ids: Vec<&String> = tags.iter().filter(|t| t.starts_with("LO-")).collect();
    let [id] = ids.as_slice() else {
        return Err(err(format!(
            "a scenario needs exactly one clause tag (@LO-NN), found {}",
            ids.len()
        )));
    };
    let clause = catalogue
        .clause_named(id)
        .ok_or_else(|| err(format!("@{id} is not a clause of the catalogue")))?;
    let grades: Vec<&String> = tags
        .iter()
        .filter(|t| ["must", "should", "info"].contains(&t.as_str()))
        .collect();
    if grades.len() != 1 || grades[0] != clause.grade.tag() {
        return Err(err(format!(
            "{id} is graded {} in the catalogue: tag the scenario @{} (and no other grade)",
            clause.grade,
            clause.grade.tag()
        )));
    }
    let mut needs = Vec::new();
    for tag in &tags {
        if let Some(name) = tag.strip_prefix("needs-") {
            needs.push(
                Capability::from_name(name)
                    .ok_or_else(|| err(format!("@{tag} names no known capability")))?,
            );
        }
    }
    Ok(ScenarioInfo {
        key,
        name: name.to_owned(),
        clause: clause.id,
        grade: clause.grade,
        needs,
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../features")
    }

    #[test]
    fn every_clause_has_a_scenario_and_every_scenario_a_clause() {
        // Parsing checks the second half: a scenario tagged with an ID the catalogue
        // lacks, or with the wrong grade, is an error.
        let suite = Suite::embedded().expect("the built-in features are valid");
        for clause in &Catalogue::get().clauses {
            assert!(
                suite.scenarios.iter().any(|s| s.clause == clause.id),
                "{} has no scenario in features/",
                clause.id
            );
        }
    }

    #[test]
    fn every_feature_file_is_built_in() {
        let on_disk = Suite::from_dir(&features_dir()).expect("features/ parses");
        let built_in = Suite::embedded().expect("built-in features parse");
        let keys = |s: &Suite| {
            s.scenarios
                .iter()
                .map(|i| i.key.clone())
                .collect::<Vec<_>>()
        };
        let (mut disk, mut embedded) = (keys(&on_disk), keys(&built_in));
        disk.sort();
        embedded.sort();
        assert_eq!(
            disk, embedded,
            "add new .feature files to features::EMBEDDED"
        );
    }

    #[test]
    fn a_clause_the_catalogue_lacks_is_rejected() {
        let text =
            "Feature: f\n  @LO-99 @must\n  Scenario: s\n    Given a user with a live session\n";
        let feature = parse(PathBuf::from("x.feature"), text).expect("valid gherkin");
        let err = Suite::from_features(vec![feature]).expect_err("unknown clause rejected");
        assert!(err.to_string().contains("LO-99"), "{err}");
    }

    #[test]
    fn a_wrong_grade_or_capability_is_rejected() {
        let wrong_grade = "Feature: f\n  @LO-05 @should\n  Scenario: s\n    Given x\n";
        let feature = parse(PathBuf::from("x.feature"), wrong_grade).expect("valid gherkin");
        let err = Suite::from_features(vec![feature]).expect_err("wrong grade rejected");
        assert!(err.to_string().contains("@must"), "{err}");
        let bad_need = "Feature: f\n  @LO-05 @must @needs-telepathy\n  Scenario: s\n    Given x\n";
        let feature = parse(PathBuf::from("x.feature"), bad_need).expect("valid gherkin");
        let err = Suite::from_features(vec![feature]).expect_err("unknown capability rejected");
        assert!(err.to_string().contains("telepathy"), "{err}");
    }

    #[test]
    fn scenarios_declare_what_their_clause_needs() {
        let suite = Suite::embedded().expect("valid");
        for s in &suite.scenarios {
            let clause = Catalogue::get().clause(s.clause).expect("known clause");
            for need in &clause.needs {
                assert!(
                    s.needs.contains(need),
                    "{} needs @needs-{}",
                    s.key,
                    need.name()
                );
            }
        }
    }
}
