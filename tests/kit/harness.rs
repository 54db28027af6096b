//! Running the suite against a catalogue entry and judging the result against what the
//! entry declares: exactly the declared clauses fail (MUST) or warn (SHOULD), exactly the
//! clauses it blocks are blocked, every other MUST and SHOULD clause passes, every INFO
//! clause reports — and every failure and blockage names its root cause.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use logout_conformance::catalogue::Capability;
use logout_conformance::{
    Catalogue, ClauseStatus, Grade, Profile, RunError, RunOptions, RunReport, Suite, Target,
};
use tokio::sync::OnceCell;

use crate::routes::{Routes, serve};

/// One target of a catalogue: what it is and the clauses the suite must catch it on.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Unique across catalogues; also the name of its `#[test]`.
    pub name: &'static str,
    /// What it does differently, in one line.
    pub what: &'static str,
    /// The clauses it must fail (MUST) or warn (SHOULD); empty for a benign variant.
    pub declares: &'static [&'static str],
    /// The clauses its defect keeps from being judged (a refused logout blocks LO-04).
    pub blocks: &'static [&'static str],
    /// Its routes.
    pub build: fn() -> Routes,
    /// The routes of its second instance (LO-28); by default the same routes, whose
    /// state both instances share.
    pub second: Option<fn() -> Routes>,
    /// The profile it is judged with; by default [`Profile::reference`] (which declares
    /// no rotating refresh: LO-14 does not apply).
    pub profile: Option<fn() -> Profile>,
}

/// A run's report, or why the run reached no report.
pub type Outcome = Result<Arc<RunReport>, String>;

/// The time limit of each request the suite sends.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The embedded features, parsed once.
pub fn suite() -> Arc<Suite> {
    static SUITE: LazyLock<Arc<Suite>> = LazyLock::new(|| match Suite::embedded() {
        Ok(suite) => Arc::new(suite),
        Err(e) => panic!("the embedded features do not load: {e}"),
    });
    SUITE.clone()
}

/// The suite's options for the catalogue: strict, so that SHOULD clauses count.
pub fn strict() -> RunOptions {
    RunOptions {
        strict: true,
        ..RunOptions::default()
    }
}

/// `options` with this machine's Chromium, for runs that judge LO-40. Under `CI=true` a
/// missing browser fails the test; elsewhere the run goes on without one (LO-40 not run,
/// and the run's report says why).
pub fn with_browser(options: RunOptions) -> RunOptions {
    let browser = logout_conformance::browser::find(None);
    if browser.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and no Chromium on PATH: the browser tests must run in CI"
        );
        eprintln!("no Chromium on PATH (apt-get install chromium): LO-40 is not run");
    }
    RunOptions { browser, ..options }
}

/// Whether a case's run gets a browser: only the cases about a browser clause (LO-40),
/// so that every other case costs no browser start. The others' browser clauses are
/// expected not run.
pub fn gives_browser(case: &Case) -> bool {
    case.declares
        .iter()
        .chain(case.blocks)
        .any(|id| needs_browser(id))
}

fn needs_browser(id: &str) -> bool {
    Catalogue::get()
        .clause_named(id)
        .is_some_and(|c| c.needs.contains(&Capability::Browser))
}

/// Serves `routes`, runs `suite` against them with `profile`, and stops the server.
pub async fn run_against(
    routes: Routes,
    profile: Profile,
    suite: Arc<Suite>,
    options: &RunOptions,
) -> Result<RunReport, RunError> {
    run_on(routes, None, profile, suite, options).await
}

/// Like [`run_against`], with a second instance serving `second` (the profile's `also`,
/// for LO-28). Two servers of clones of one `Routes` share its state, as two instances
/// share one token store.
pub async fn run_on(
    routes: Routes,
    second: Option<Routes>,
    mut profile: Profile,
    suite: Arc<Suite>,
    options: &RunOptions,
) -> Result<RunReport, RunError> {
    let start = |routes| async move {
        match serve(routes).await {
            Ok(server) => server,
            Err(e) => panic!("cannot start the target: {e}"),
        }
    };
    let server = start(routes).await;
    let also = match second {
        Some(routes) => Some(start(routes).await),
        None => None,
    };
    profile.also = also.as_ref().map(|s| s.url());
    let report = match Target::new(&server.url(), profile, REQUEST_TIMEOUT) {
        Ok(target) => logout_conformance::run(target, suite, options).await,
        Err(e) => Err(e.into()),
    };
    // Graceful shutdown waits for open connections; a target that keeps one open must not
    // hang the test.
    for server in std::iter::once(server).chain(also) {
        let _ = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    }
    report
}

/// The outcome of running the strict suite against a case, computed once per process and
/// shared by the case's own test and the matrix test.
pub async fn outcome(case: &Case) -> Outcome {
    type Runs = Mutex<HashMap<&'static str, Arc<OnceCell<Outcome>>>>;
    static RUNS: LazyLock<Runs> = LazyLock::new(Mutex::default);
    let cell = RUNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(case.name)
        .or_default()
        .clone();
    cell.get_or_init(|| async {
        let routes = (case.build)();
        let second = case.second.map_or_else(|| routes.clone(), |build| build());
        let options = if gives_browser(case) {
            with_browser(strict())
        } else {
            strict()
        };
        run_on(
            routes,
            Some(second),
            case.profile
                .map_or_else(Profile::reference, |profile| profile()),
            suite(),
            &options,
        )
        .await
        .map(Arc::new)
        .map_err(|e| e.to_string())
    })
    .await
    .clone()
}

/// What a clause must show for a case: its grade's "broken" status if declared,
/// blocked if the case blocks it, else passed (INFO clauses: info).
pub fn expected_status(grade: Grade, declared: bool, blocked: bool) -> ClauseStatus {
    match (grade, declared, blocked) {
        (Grade::Info, _, true) => ClauseStatus::Blocked,
        (Grade::Info, ..) => ClauseStatus::Info,
        (Grade::Must, true, _) => ClauseStatus::Failed,
        (Grade::Should, true, _) => ClauseStatus::Warned,
        (_, false, true) => ClauseStatus::Blocked,
        (_, false, false) => ClauseStatus::Passed,
    }
}

/// Every way a report differs from a case's declaration; empty when it matches.
pub fn discrepancies(case: &Case, report: &RunReport) -> Vec<String> {
    let catalogue = Catalogue::get();
    let mut problems = Vec::new();
    for id in case.declares.iter().chain(case.blocks) {
        match catalogue.clause_named(id) {
            None => problems.push(format!("declares {id}, which is not a clause")),
            Some(c) if c.grade == Grade::Info && case.declares.contains(id) => {
                problems.push(format!("declares {id}, an INFO clause, which never fails"));
            }
            Some(_) => {}
        }
    }
    let mut unexpected = Vec::new();
    let mut missing = Vec::new();
    for clause in &report.clauses {
        let declared = case.declares.iter().any(|d| clause.id == *d);
        let blocked = case.blocks.iter().any(|b| clause.id == *b);
        let wanted = if needs_browser(&clause.id.to_string()) && !gives_browser(case) {
            ClauseStatus::NotRun
        } else if !clause.applies && !declared && !blocked {
            // Applies only with what the case's profile does not declare (LO-14 without
            // a rotating refresh): not run, and it does not make the run incomplete.
            ClauseStatus::NotRun
        } else {
            expected_status(clause.grade, declared, blocked)
        };
        let broken = matches!(
            clause.status,
            ClauseStatus::Failed | ClauseStatus::Warned | ClauseStatus::Blocked
        );
        if broken && clause.root_causes.is_empty() {
            problems.push(format!(
                "{} {} names no root cause",
                clause.id,
                clause.status.label()
            ));
        }
        if clause.status == wanted {
            continue;
        }
        let reason = clause
            .reason
            .as_deref()
            .map(|r| format!(": {}", r.replace('\n', "\n      ")))
            .unwrap_or_default();
        let line = format!(
            "{} {} {} (expected {}){reason}{}",
            clause.id,
            clause.grade,
            clause.status.label(),
            wanted.label(),
            first_failed_step(clause),
        );
        if declared || blocked {
            missing.push(line);
        } else {
            unexpected.push(line);
        }
    }
    problems.extend(unexpected.into_iter().map(|l| format!("unexpected: {l}")));
    problems.extend(missing.into_iter().map(|l| format!("missing:    {l}")));
    problems
}

fn first_failed_step(clause: &logout_conformance::ClauseResult) -> String {
    clause
        .scenarios
        .iter()
        .find(|s| s.step.is_some())
        .map(|s| {
            format!(
                "\n      in scenario {:?} at {}, step {}",
                s.name,
                s.key,
                s.step.as_deref().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Runs a case and panics, naming it, unless the suite's results match its declaration.
pub async fn assert_case(case: &Case) {
    let report = match outcome(case).await {
        Ok(report) => report,
        Err(e) => panic!(
            "target `{}` ({}): the suite reached no verdict: {e}",
            case.name, case.what
        ),
    };
    let problems = discrepancies(case, &report);
    assert!(
        problems.is_empty(),
        "target `{}` ({})\n  declares: [{}], blocks: [{}]\n  the suite's results differ:\n    {}",
        case.name,
        case.what,
        case.declares.join(", "),
        case.blocks.join(", "),
        problems.join("\n    ")
    );
}

/// One letter per clause status: `F` failed, `W` warned, `B` blocked, `.` passed,
/// `-` not run, `i` info, `w` waived.
pub fn letter(status: ClauseStatus) -> char {
    match status {
        ClauseStatus::Failed => 'F',
        ClauseStatus::Warned => 'W',
        ClauseStatus::Blocked => 'B',
        ClauseStatus::Passed => '.',
        ClauseStatus::NotRun => '-',
        ClauseStatus::Info => 'i',
        ClauseStatus::Waived => 'w',
    }
}

/// The detection matrix: a row per case, a column per MUST and SHOULD clause (the two
/// grades apart by a `|`), and whether the row matches the case's declaration.
pub fn matrix(rows: &[(Case, Outcome)]) -> String {
    let columns: Vec<(String, Grade)> = Catalogue::get()
        .clauses
        .iter()
        .filter(|c| c.grade != Grade::Info)
        .map(|c| (c.id.to_string(), c.grade))
        .collect();
    // Before each column: a grade separator where the grade changes.
    let gap = |i: usize| match i.checked_sub(1).map(|p| columns[p].1) {
        Some(previous) if previous != columns[i].1 => "| ",
        _ => "",
    };
    let width = rows.iter().map(|(c, _)| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for line in 0..2 {
        let _ = write!(out, "{:width$}  ", ["LO-", ""][line]);
        for (i, (id, _)) in columns.iter().enumerate() {
            let ch = id.chars().nth(3 + line).unwrap_or(' ');
            let _ = write!(out, "{}{ch} ", gap(i));
        }
        out.push('\n');
    }
    for (case, outcome) in rows {
        let _ = write!(out, "{:width$}  ", case.name);
        match outcome {
            Ok(report) => {
                for (i, (id, _)) in columns.iter().enumerate() {
                    let ch = report.clause(id).map_or('?', |c| letter(c.status));
                    let _ = write!(out, "{}{ch} ", gap(i));
                }
                let verdict = if discrepancies(case, report).is_empty() {
                    "as declared"
                } else {
                    "DIFFERS FROM DECLARATION"
                };
                let _ = write!(out, " {verdict}");
            }
            Err(e) => {
                let _ = write!(out, "no verdict: {e}");
            }
        }
        out.push('\n');
    }
    out
}
