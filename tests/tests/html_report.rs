//! The HTML report as a person sees it: a run against a broken target whose logout answers
//! with markup, rendered to a file under `target/`, opened in headless Chromium over CDP (the kit's own client).
//! Asserted: one row per clause, a failed clause's transcript hidden until its row is
//! clicked, the "passed" filter hiding passed rows, and the target's `<script>` shown as
//! text, never run. A screenshot is left at `target/html-report.png`.
//!
//! Without Chromium the test prints why and returns, except under `CI=true`, where it
//! fails.

use std::path::PathBuf;
use std::time::Duration;

use conformance_tests::harness::{run_against, strict, suite};
use conformance_tests::routes::{rewrite_logout, set_body};
use logout_conformance::browser::{self, Chromium, Page};
use logout_conformance::report::html;
use logout_conformance::{Catalogue, ClauseStatus, Profile, RunReport};
use serde_json::Value;

/// What the broken target answers every logout with: a script and an image whose
/// `onerror` runs script, each of which would mark the page if the report let it run.
const PLANTED: &str = "<script>window.pwned = 'script'; document.title = 'pwned'</script>\
                       <img src=x onerror=\"window.pwned = 'img'\">";

/// The time limit of each browser command.
const LIMIT: Duration = Duration::from_secs(30);

/// The workspace's `target/` (or `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")),
        PathBuf::from,
    )
}

/// The browser, or `None` with the reason printed (a failure under `CI=true`).
fn chromium_path() -> Option<PathBuf> {
    let found = browser::find(None);
    if let Some(path) = found {
        return Some(path);
    }
    let reason = format!(
        "no Chromium on PATH (looked for {}): the HTML report's browser test did not run",
        browser::NAMES.join(", ")
    );
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{reason}");
    eprintln!("SKIPPED: {reason}");
    None
}

/// Evaluates `expression` in the page, panicking with what it was for.
async fn eval(chromium: &Chromium, page: &Page, what: &str, expression: &str) -> Value {
    match chromium.eval(page, what, expression).await {
        Ok(value) => value,
        Err(e) => panic!("{what}: {e}"),
    }
}

/// How many clause rows a person sees.
const VISIBLE_ROWS: &str =
    "[...document.querySelectorAll('details.clause')].filter(r => r.checkVisibility()).length";

/// Whether the first transcript of a clause is on screen (not inside a closed row).
fn transcript_visible(id: &str) -> String {
    format!(
        "(() => {{ const t = document.querySelector('#clause-{id} pre.transcript'); \
         return t === null ? null : t.checkVisibility(); }})()"
    )
}

/// Clicks `selector` with the mouse, as a person would.
async fn click(chromium: &Chromium, page: &Page, selector: &str) {
    if let Err(e) = chromium.click(page, selector).await {
        panic!("cannot click {selector} in the report: {e}");
    }
}

/// The run the page shows: the reference server whose logout answers with [`PLANTED`].
async fn report_with_planted_markup() -> RunReport {
    let routes = rewrite_logout(|r| set_body(r, "text/html", PLANTED));
    match run_against(routes, Profile::reference(), suite(), &strict()).await {
        Ok(report) => report,
        Err(e) => panic!("the run reached no report: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_reads_in_a_real_browser() {
    let Some(path) = chromium_path() else { return };
    let report = report_with_planted_markup().await;
    let failed = report
        .clauses
        .iter()
        .find(|c| {
            c.status == ClauseStatus::Failed && c.scenarios.iter().any(|s| s.transcript.is_some())
        })
        .unwrap_or_else(|| panic!("no failed clause with a transcript: {:#?}", report.clauses));
    let passed = report
        .clauses
        .iter()
        .filter(|c| c.status == ClauseStatus::Passed)
        .count();
    assert!(passed > 0, "the run has passed clauses to filter");

    let dir = target_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    let dir = dir.canonicalize().unwrap_or(dir);
    let file = dir.join("html-report.html");
    if let Err(e) = html::write_with(&report, Some(&suite()), &file) {
        panic!("cannot write {}: {e}", file.display());
    }
    let size = std::fs::metadata(&file)
        .map(|m| m.len())
        .unwrap_or_default();
    eprintln!("{} ({size} bytes)", file.display());

    let chromium = match browser::launch(&path, LIMIT).await {
        Ok(chromium) => chromium,
        Err(e) => panic!("Chromium did not start: {e}"),
    };
    let page = match chromium.open(&format!("file://{}", file.display())).await {
        Ok(page) => page,
        Err(e) => panic!("the report did not open: {e}"),
    };

    // A laptop's width, so that the matrix's columns sit side by side.
    if let Err(e) = chromium.set_window(&page, 1280, 900).await {
        panic!("cannot set the page's width: {e}");
    }

    // One row per clause of the catalogue, every one visible.
    let clauses = Catalogue::get().clauses.len();
    let rows = eval(
        &chromium,
        &page,
        "count rows",
        "document.querySelectorAll('details.clause').length",
    )
    .await;
    assert_eq!(rows, Value::from(clauses), "one row per clause");
    assert_eq!(
        eval(&chromium, &page, "count visible rows", VISIBLE_ROWS).await,
        Value::from(clauses)
    );

    // The failed clause's transcript is hidden until its row is clicked.
    let visible = transcript_visible(&failed.id.to_string());
    assert_eq!(
        eval(&chromium, &page, "look at the transcript", &visible).await,
        Value::Bool(false),
        "{}'s transcript is visible before its row is clicked",
        failed.id
    );
    click(
        &chromium,
        &page,
        &format!("#clause-{} > summary .id", failed.id),
    )
    .await;
    assert_eq!(
        eval(&chromium, &page, "look at the transcript", &visible).await,
        Value::Bool(true),
        "{}'s transcript is not visible after a click on its row",
        failed.id
    );

    // None of the target's markup ran, and it is text on the page.
    let ran = eval(
        &chromium,
        &page,
        "look for planted script",
        "[window.pwned ?? null, document.title]",
    )
    .await;
    assert_eq!(ran[0], Value::Null, "the target's markup ran in the report");
    assert!(
        !ran[1].as_str().unwrap_or_default().contains("pwned"),
        "the target's markup ran in the report: {ran}"
    );

    let shown = format!(
        "document.querySelector('#clause-{} pre.transcript').innerText",
        failed.id
    );
    let text = eval(&chromium, &page, "read the transcript", &shown).await;
    assert!(
        text.as_str()
            .is_some_and(|t| t.contains("<script>window.pwned")),
        "the planted script is not shown as text: {text}"
    );

    // The "passed" filter hides passed rows and only them.
    click(&chromium, &page, "#filter-passed").await;
    assert_eq!(
        eval(&chromium, &page, "count visible rows", VISIBLE_ROWS).await,
        Value::from(clauses - passed),
        "unticking \"passed\" hides the {passed} passed rows"
    );
    let passed_shown = "[...document.querySelectorAll('details.clause[data-status=passed]')]\
                        .filter(r => r.checkVisibility()).length";
    assert_eq!(
        eval(&chromium, &page, "count passed rows", passed_shown).await,
        Value::from(0)
    );
    click(&chromium, &page, "#filter-passed").await;
    assert_eq!(
        eval(&chromium, &page, "count visible rows", VISIBLE_ROWS).await,
        Value::from(clauses)
    );

    // What a person sees: the header, the root causes and the opened failed clause.
    let shot = dir.join("html-report.png");
    let png = match chromium.screenshot(&page).await {
        Ok(png) => png,
        Err(e) => panic!("cannot take a screenshot: {e}"),
    };
    chromium.close().await;
    if let Err(e) = std::fs::write(&shot, &png) {
        panic!("cannot save {}: {e}", shot.display());
    }
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
}
