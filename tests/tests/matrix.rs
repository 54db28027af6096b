//! The detection matrix: every broken target and benign variant against every MUST and
//! SHOULD clause, printed in `cargo test`'s output.

use conformance_tests::harness::{expected_status, matrix, outcome};
use conformance_tests::{Case, harness::Outcome};
use logout_conformance::{Catalogue, Grade, ScenarioStatus, Suite};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_must_and_should_clause_and_scenario_is_caught_by_a_broken_target() {
    // The browser's cases (LO-40) count as broken targets like the others.
    let broken: Vec<Case> = crate::broken::all()
        .into_iter()
        .chain(crate::browser::all())
        .chain(crate::generated::all())
        .chain(crate::broken_field::all())
        .collect();
    let benign: Vec<Case> = crate::benign::all()
        .into_iter()
        .chain(crate::benign_field::all())
        .collect();
    let mut names: Vec<&str> = broken.iter().chain(&benign).map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        broken.len() + benign.len(),
        "case names are unique"
    );

    let mut rows: Vec<(Case, Outcome)> = Vec::new();
    for case in broken.iter().chain(&benign) {
        rows.push((*case, outcome(case).await));
    }
    // Straight to the process's stdout, past libtest's capture: `cargo test` shows the
    // matrix in its output without --nocapture.
    let text = format!(
        "\nDetection matrix (F failed, W warned, B blocked, . passed, - not run)\n\n{}\n",
        matrix(&rows)
    );
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());

    let uncaught: Vec<String> = Catalogue::get()
        .clauses
        .iter()
        .filter(|c| c.grade != Grade::Info)
        .filter(|clause| {
            !rows[..broken.len()].iter().any(|(case, outcome)| {
                case.declares.iter().any(|d| clause.id == *d)
                    && outcome.as_ref().is_ok_and(|report| {
                        report.clause_result(clause.id).map(|c| c.status)
                            == Some(expected_status(clause.grade, true, false))
                    })
            })
        })
        .map(|c| c.id.to_string())
        .collect();
    assert!(
        uncaught.is_empty(),
        "no broken target is caught on {uncaught:?}"
    );

    // Finer than clauses: every MUST and SHOULD scenario (each outline row) must have
    // been seen failing against some broken target, or it is a check that cannot fail.
    let suite = Suite::embedded().expect("built-in features");
    let never_failed: Vec<String> = suite
        .scenarios
        .iter()
        .filter(|s| s.grade != Grade::Info)
        .filter(|s| {
            !rows[..broken.len()].iter().any(|(_, outcome)| {
                outcome.as_ref().is_ok_and(|report| {
                    report.scenarios().any(|r| {
                        r.key == s.key
                            && matches!(r.status, ScenarioStatus::Failed | ScenarioStatus::Warned)
                    })
                })
            })
        })
        .map(|s| format!("{} {} ({})", s.clause, s.name, s.key))
        .collect();
    assert!(
        never_failed.is_empty(),
        "no broken target fails these scenarios:\n  {}",
        never_failed.join("\n  ")
    );
    assert!(
        broken.len() >= 20,
        "at least 20 broken targets ({})",
        broken.len()
    );
    assert!(
        benign.len() >= 5,
        "at least 5 benign variants ({})",
        benign.len()
    );
}
