//! Reports across runs, through the real binary: `diff` of two runs (regressions, fixes,
//! a newer kit's clause listed as new), `matrix` of stacks (its HTML page read back by
//! headless Chromium, its README table checked), and the `--markdown` and `--badge`
//! files (`[[known_failure]]` is in `cli_known_failures.rs`). The targets are in-tree: the reference server and
//! `common::broken`'s server, whose second logout with one token answers 500 (LO-05,
//! LO-06 and LO-10 fail, LO-22 warns).

use std::path::Path;

use logout_conformance::report::matrix::readme;
use serde_json::Value;

mod common;
use common::broken::second_logout_fails_server;
use common::cli;
use common::runs::{judge, profile, read_json, s, scratch, text};

/// Two runs of in-tree targets: the reference (`good`) and the broken server (`bad`).
async fn two_runs(dir: &Path) {
    let good = logout_server::spawn(logout_server::Config::for_conformance())
        .await
        .expect("server starts");
    let p = profile(dir, "good", "");
    assert_eq!(judge(dir, "good", &good.url(), &p).await, Some(0));
    good.shutdown().await;
    let bad = second_logout_fails_server().await;
    let p = profile(dir, "bad", "");
    assert_eq!(judge(dir, "bad", &bad.url(), &p).await, Some(1));
    bad.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_matrix_markdown_and_badge_over_two_runs() {
    let dir = scratch("two-runs");
    two_runs(&dir).await;
    let (good, bad) = (dir.join("good.json"), dir.join("bad.json"));

    // Every report records the stack the profile names.
    assert_eq!(read_json(&bad)["stack"]["name"], "bad");
    assert_eq!(read_json(&bad)["stack"]["version"], "in-tree");
    let page = std::fs::read_to_string(dir.join("bad.html")).expect("the HTML report");
    assert!(
        page.contains("<dd id=\"stack\">bad in-tree</dd>"),
        "the HTML report names the stack"
    );

    // good → bad: LO-05, LO-06, LO-10 newly failed, LO-22 newly warned: exit 1.
    let out = cli(&["diff", s(&good), s(&bad)]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let section = said
        .split("newly failed or warned:")
        .nth(1)
        .unwrap_or_else(|| panic!("no regressions listed: {said}"));
    for id in ["LO-05", "LO-06", "LO-10", "LO-22"] {
        assert!(
            section.contains(&format!("{id}  ")),
            "{id} not listed: {said}"
        );
    }
    assert!(said.contains("4 regressions: exit 1"), "{said}");
    // bad → good: the same clauses fixed, nothing regressed.
    let out = cli(&["diff", s(&bad), s(&good)]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("fixed:") && said.contains("LO-05"), "{said}");
    assert!(said.contains("nothing regressed"), "{said}");

    // An older kit without LO-27: in the newer run the clause is new, not a regression,
    // though it failed.
    let mut older = read_json(&good);
    older["kit_version"] = Value::from("0.0.9");
    let clauses = older["clauses"].as_array_mut().expect("clauses");
    clauses.retain(|c| c["id"] != "LO-27");
    let older_path = dir.join("older.json");
    std::fs::write(&older_path, older.to_string()).expect("written");
    let mut newer = read_json(&good);
    for c in newer["clauses"].as_array_mut().expect("clauses") {
        if c["id"] == "LO-27" {
            c["status"] = Value::from("warned");
        }
    }
    let newer_path = dir.join("newer.json");
    std::fs::write(&newer_path, newer.to_string()).expect("written");
    let out = cli(&["diff", s(&older_path), s(&newer_path)]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("new clauses (not in OLD's kit):\n  LO-27"),
        "{said}"
    );
    assert!(!said.contains("REGRESSION"), "{said}");

    // The same clause failing for another reason: its root causes changed.
    let mut other = read_json(&bad);
    for c in other["clauses"].as_array_mut().expect("clauses") {
        if c["id"] == "LO-06" {
            c["root_causes"] = serde_json::json!([{ "clause": "LO-06", "key": "status 502" }]);
        }
    }
    let other_path = dir.join("other.json");
    std::fs::write(&other_path, other.to_string()).expect("written");
    let out = cli(&["diff", s(&bad), s(&other_path)]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("root causes changed:\n  LO-06") && said.contains("→ LO-06: status 502"),
        "{said}"
    );

    // --markdown: verdict, totals, the failed clauses with their root causes.
    let md = std::fs::read_to_string(dir.join("bad.md")).expect("markdown written");
    assert!(
        md.starts_with("### logout-conformance: non-conformant (exit 1)"),
        "{md}"
    );
    assert!(md.contains("**stack** bad in-tree"), "{md}");
    assert!(md.contains("| MUST | 11 passed, 3 failed,"), "{md}");
    for id in ["LO-05", "LO-06", "LO-10", "LO-22"] {
        assert!(md.contains(&format!("- **{id}**")), "{id}: {md}");
    }
    assert!(md.contains("root cause `LO-"), "{md}");
    assert!(
        !md.contains("- **LO-01**"),
        "a passed clause is not listed: {md}"
    );
    // --badge: shields.io's endpoint schema.
    assert_eq!(
        read_json(&dir.join("bad.badge.json")),
        serde_json::json!({"schemaVersion": 1, "label": "logout", "message": "11/14 MUST", "color": "red"})
    );
    assert_eq!(
        read_json(&dir.join("good.badge.json"))["message"],
        "14/14 MUST"
    );
    assert_eq!(
        read_json(&dir.join("good.badge.json"))["color"],
        "brightgreen"
    );

    // The matrix: JSON, HTML, and the README's table.
    let (page, json) = (dir.join("matrix.html"), dir.join("matrix.json"));
    let readme_path = dir.join("README.md");
    std::fs::write(
        &readme_path,
        format!(
            "# Stacks\n\n{}\nstale\n{}\n\nafter\n",
            readme::BEGIN,
            readme::END
        ),
    )
    .expect("written");
    let out = cli(&[
        "matrix",
        s(&good),
        s(&bad),
        "--html",
        s(&page),
        "--json",
        s(&json),
        "--readme",
        s(&readme_path),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let matrix = read_json(&json);
    assert_eq!(matrix["stacks"][1]["name"], "bad");
    assert_eq!(matrix["stacks"][1]["failed"], 3);
    assert_eq!(matrix["stacks"][1]["html_report"], "bad.html");
    let lo05 = matrix["clauses"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == "LO-05"))
        .expect("an LO-05 row");
    assert_eq!(lo05["cells"][0]["status"], "passed");
    assert_eq!(lo05["cells"][1]["status"], "failed");
    assert!(
        lo05["cells"][1]["root_causes"][0]
            .as_str()
            .is_some_and(|c| c.starts_with("LO-"))
    );

    let readme_text = std::fs::read_to_string(&readme_path).expect("README");
    assert!(
        readme_text.contains(
            "| bad | in-tree | non-conformant | documented | LO-05, LO-06, LO-10 | LO-22 |"
        ),
        "{readme_text}"
    );
    assert!(
        readme_text.ends_with("\nafter\n") && !readme_text.contains("stale"),
        "{readme_text}"
    );
    // --check: the README agrees with the matrix; changed by hand, it does not.
    let check = |args: Vec<String>| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli(&args).await.status.code()
    };
    let from = vec![
        "matrix".to_owned(),
        "--from".to_owned(),
        s(&json).to_owned(),
        "--readme".to_owned(),
        s(&readme_path).to_owned(),
        "--check".to_owned(),
    ];
    assert_eq!(check(from.clone()).await, Some(0));
    std::fs::write(&readme_path, readme_text.replace("LO-22 |", "— |")).expect("written");
    assert_eq!(check(from).await, Some(1), "a hand-edited table disagrees");

    browse_matrix(&page, &dir);
}

/// The matrix page in headless Chromium, as a separate process: the DOM it builds has a
/// column per stack and a row per clause; a failed cell opens (a `<details>`) onto its
/// root cause and links the stack's own report, which exists; nothing from a target
/// became markup.
fn browse_matrix(page: &Path, dir: &Path) {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            std::process::Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "no Chromium on PATH: the matrix page cannot be checked"
        );
        eprintln!("SKIPPED: no Chromium on PATH, the matrix page was not opened");
        return;
    };
    let profile = dir.join("chromium-profile");
    let shot = dir.join("matrix.png");
    let url = format!(
        "file://{}",
        page.canonicalize().expect("the page").display()
    );
    let run = |extra: &str| {
        std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--window-size=1280,900",
                &format!("--user-data-dir={}", profile.display()),
                extra,
                &url,
            ])
            .output()
            .expect("Chromium runs")
    };
    let dom = String::from_utf8_lossy(&run("--dump-dom").stdout).into_owned();
    let clauses = logout_conformance::Catalogue::get().clauses.len();
    assert_eq!(dom.matches("<tr id=\"row-").count(), clauses, "{dom}");
    assert_eq!(dom.matches("<th class=\"stack\"").count(), 2, "{dom}");
    let cell = dom
        .split("<tr id=\"row-LO-05\">")
        .nth(1)
        .and_then(|row| row.split("</tr>").next())
        .unwrap_or_else(|| panic!("no LO-05 row in {dom}"));
    let failed = cell
        .split("data-status=\"failed\"")
        .nth(1)
        .unwrap_or_else(|| panic!("LO-05 of the broken stack is not failed: {cell}"));
    assert!(
        failed.contains("<details><summary>failed</summary>"),
        "{failed}"
    );
    assert!(failed.contains("root cause <code>LO-"), "{failed}");
    assert!(
        failed.contains("href=\"bad.html#clause-LO-05\""),
        "{failed}"
    );
    assert!(dir.join("bad.html").is_file());
    assert!(!dom.contains("<script") && !dom.contains("<img"), "{dom}");
    let _ = run(&format!("--screenshot={}", shot.display()));
    eprintln!(
        "matrix page: {} (screenshot {})",
        page.display(),
        shot.display()
    );
}

/// The README's stacks table is the one the checked-in matrix of the zoo gives
/// (`scripts/zoo.sh`, then `matrix --from … --readme README.md`).
#[tokio::test]
async fn the_readme_stacks_table_is_the_checked_in_matrix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let matrix = root.join("profiles/matrix.json");
    let readme_path = root.join("README.md");
    let out = cli(&[
        "matrix",
        "--from",
        s(&matrix),
        "--readme",
        s(&readme_path),
        "--check",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
