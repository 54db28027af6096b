//! The zoo's matrix page as a person sees it, in headless Chromium over the kit's own
//! DevTools client: every stack a column (in order, by name), every clause of the
//! catalogue a row, each cell the status the matrix holds, a failed cell's root cause
//! hidden until a click on the cell and shown after it with a link into that stack's own
//! report, and nothing the page or the browser reports as an error. A screenshot is left
//! beside the page (`matrix.png`).

use std::path::Path;
use std::time::Duration;

use logout_conformance::Catalogue;
use logout_conformance::browser::{self, Chromium, Page};
use logout_conformance::report::matrix::Matrix;
use serde_json::Value;

/// The time limit of each browser command.
const LIMIT: Duration = Duration::from_secs(30);

/// What is wrong with the page at `file` showing `matrix`, one line each. Without
/// Chromium: nothing outside CI (the reason printed), a problem under `CI=true`.
pub async fn look(file: &Path, matrix: &Matrix) -> Vec<String> {
    let Some(path) = browser::find(None) else {
        let reason = format!(
            "no Chromium on PATH (looked for {}): the matrix page was not looked at",
            browser::NAMES.join(", ")
        );
        if super::in_ci() {
            return vec![reason];
        }
        eprintln!("SKIPPED: {reason}");
        return Vec::new();
    };
    let chromium = match browser::launch(&path, LIMIT).await {
        Ok(chromium) => chromium,
        Err(e) => return vec![format!("Chromium did not start: {e}")],
    };
    let problems = match checks(&chromium, file, matrix).await {
        Ok(problems) => problems,
        Err(e) => vec![e],
    };
    chromium.close().await;
    problems
}

async fn checks(chromium: &Chromium, file: &Path, matrix: &Matrix) -> Result<Vec<String>, String> {
    let page = chromium
        .open(&format!("file://{}", file.display()))
        .await
        .map_err(|e| format!("the page did not open: {e}"))?;
    chromium
        .set_window(&page, 1280, 900)
        .await
        .map_err(|e| format!("cannot set the page's width: {e}"))?;
    let mut problems = Vec::new();
    let eval = async |what: &str, script: &str| -> Result<Value, String> {
        chromium
            .eval(&page, what, script)
            .await
            .map_err(|e| format!("{what}: {e}"))
    };

    // Every stack a column, in the matrix's order.
    let names: Vec<&str> = matrix.stacks.iter().map(|s| s.name.as_str()).collect();
    let shown = eval(
        "read the columns",
        "[...document.querySelectorAll('thead th.stack .name')].map(e => e.textContent.trim())",
    )
    .await?;
    if shown != Value::from(names.clone()) {
        problems.push(format!("the columns are {shown}, not {names:?}"));
    }

    // Every clause of the catalogue a row, each with one cell per stack whose status is
    // the matrix's.
    let ids: Vec<String> = Catalogue::get()
        .clauses
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let rows = eval(
        "read the rows",
        "[...document.querySelectorAll('tbody tr')].map(r => [r.querySelector('th.clause')\
         .textContent.trim(), [...r.querySelectorAll('td.cell')].map(c => c.dataset.status)])",
    )
    .await?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    let row_ids: Vec<&str> = rows.iter().filter_map(|r| r[0].as_str()).collect();
    if row_ids != ids {
        problems.push(format!(
            "the rows are {row_ids:?}, not the catalogue's {ids:?}"
        ));
    }
    for (row, want) in rows.iter().zip(&matrix.clauses) {
        let want: Vec<&str> = want.cells.iter().map(|c| c.status.as_str()).collect();
        if row[1] != Value::from(want.clone()) {
            problems.push(format!(
                "row {} shows {} (the matrix: {want:?})",
                row[0], row[1]
            ));
        }
    }

    // A failed cell's root cause: hidden, then one click away, with a link into the
    // stack's report that exists.
    let any_failed = matrix
        .clauses
        .iter()
        .any(|r| r.cells.iter().any(|c| c.status == "failed"));
    match failed_cell(matrix) {
        Some((id, stack)) => {
            problems.extend(open_failed_cell(chromium, &page, file, matrix, &id, stack).await?);
        }
        // Only conformant stacks (a run of the reference alone): nothing to open.
        None if !any_failed => eprintln!("zoo: no failed cell in the matrix to open"),
        None => problems.push("no failed cell names its root cause: nothing to open".into()),
    }
    // Nothing went wrong in the page: no exception, no console error, nothing the
    // browser refused (its CSP forbids every fetch and script).
    match chromium.page_errors(&page).await {
        Ok(errors) => problems.extend(errors.into_iter().map(|e| format!("the page reported {e}"))),
        Err(e) => problems.push(format!("cannot read the page's errors: {e}")),
    }

    match chromium.screenshot(&page).await {
        Ok(png) => {
            let shot = file.with_extension("png");
            if let Err(e) = std::fs::write(&shot, &png) {
                problems.push(format!("cannot save {}: {e}", shot.display()));
            }
        }
        Err(e) => problems.push(format!("cannot take a screenshot: {e}")),
    }
    Ok(problems)
}

/// The first failed cell with a root cause: its clause and its stack's column (from 1).
fn failed_cell(matrix: &Matrix) -> Option<(String, usize)> {
    matrix.clauses.iter().find_map(|row| {
        row.cells
            .iter()
            .position(|c| c.status == "failed" && !c.root_causes.is_empty())
            .map(|i| (row.id.clone(), i + 1))
    })
}

async fn open_failed_cell(
    chromium: &Chromium,
    page: &Page,
    file: &Path,
    matrix: &Matrix,
    id: &str,
    stack: usize,
) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let cell = format!("#row-{id} td.cell[data-stack=\"{stack}\"]");
    let why = format!(
        "(() => {{ const w = document.querySelector({}); return w === null ? null : \
         [w.checkVisibility(), w.innerText, w.querySelector('a.report')?.getAttribute('href') ?? null]; }})()",
        Value::from(format!("{cell} .why"))
    );
    let name = &matrix.stacks[stack - 1].name;
    let before = chromium
        .eval(page, "look at the cell", &why)
        .await
        .map_err(|e| e.to_string())?;
    if before[0] != Value::Bool(false) {
        problems.push(format!(
            "{id} of {name}: its root cause is not hidden before a click ({before})"
        ));
    }
    chromium
        .click(page, &format!("{cell} summary"))
        .await
        .map_err(|e| format!("cannot click {id} of {name}: {e}"))?;
    let after = chromium
        .eval(page, "look at the opened cell", &why)
        .await
        .map_err(|e| e.to_string())?;
    let cause = &matrix
        .clauses
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.cells[stack - 1].root_causes[0].clone())
        .unwrap_or_default();
    let text = after[1].as_str().unwrap_or_default();
    if after[0] != Value::Bool(true) || !text.contains(cause.as_str()) {
        problems.push(format!(
            "{id} of {name}: a click does not show its root cause {cause:?} ({after})"
        ));
    }
    let want = format!("{name}.html#clause-{id}");
    match after[2].as_str() {
        Some(href) if href == want => {
            let report = file.with_file_name(format!("{name}.html"));
            if !report.is_file() {
                problems.push(format!("{id} of {name}: its link {href} leads nowhere"));
            }
        }
        other => problems.push(format!(
            "{id} of {name}: the link into its report is {other:?}, not {want}"
        )),
    }
    Ok(problems)
}
