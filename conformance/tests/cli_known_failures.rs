//! `[[known_failure]]` through the real binary: a known failure that still happens passes
//! the run; one that stopped happening, or whose `until` date has passed, fails it. The
//! target is `common::broken`'s server, whose second logout with one token answers 500.

mod common;
use common::broken::second_logout_fails_server;
use common::cli;
use common::runs::{judge, profile, read_json, s, scratch, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_failures_pass_while_they_fail_and_fail_the_run_when_stale_or_expired() {
    let dir = scratch("known");
    let known = |until: &str| {
        ["LO-05", "LO-06", "LO-10"]
            .iter()
            .map(|id| {
                format!(
                    "[[known_failure]]\nclause = \"{id}\"\nreason = \"a second logout answers 500 (upstream #7)\"\n{until}\n"
                )
            })
            .collect::<String>()
    };
    let bad = second_logout_fails_server().await;
    // Known, and still failing: judged, shown as known, the run passes.
    let p = profile(&dir, "known", &known("until = \"2999-12-31\""));
    assert_eq!(judge(&dir, "known", &bad.url(), &p).await, Some(0));
    let report = read_json(&dir.join("known.json"));
    let lo05 = report["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "LO-05"))
        .expect("LO-05");
    assert_eq!(lo05["status"], "failed");
    assert_eq!(lo05["known"]["state"], "holds");
    assert!(
        lo05["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("known failure (until 2999-12-31)"))
    );
    let md = std::fs::read_to_string(dir.join("known.md")).expect("markdown");
    assert!(md.contains("3 failed (3 known)"), "{md}");
    let page = std::fs::read_to_string(dir.join("known.html")).expect("the HTML report");
    assert!(
        page.contains("failed (known)"),
        "the HTML report marks known failures"
    );
    // Past its date: the run fails.
    let p = profile(&dir, "expired", &known("until = \"2020-01-31\""));
    assert_eq!(judge(&dir, "expired", &bad.url(), &p).await, Some(1));
    let report = read_json(&dir.join("expired.json"));
    assert_eq!(report["verdict"], "non-conformant");
    bad.shutdown().await;

    // The same list against the reference server, where nothing fails: stale, the run
    // fails, and the console says which entry to remove.
    let good = logout_server::spawn(logout_server::Config::for_conformance())
        .await
        .expect("server starts");
    let p = profile(&dir, "stale", &known(""));
    let out = cli(&["-q", "--target", &good.url(), "--profile", s(&p)]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(
            "LO-05: known failure: a second logout answers 500 (upstream #7) — it no longer fails"
        ),
        "{said}"
    );
    good.shutdown().await;

    // A known failure must name a clause that can fail, once, with a readable date.
    let bad_date = profile(
        &dir,
        "bad-date",
        "[[known_failure]]\nclause = \"LO-05\"\nreason = \"r\"\nuntil = \"soon\"\n",
    );
    let out = cli(&["--profile", s(&bad_date), "--list"]).await;
    let _ = out;
    let out = cli(&["--target", "http://127.0.0.1:9", "--profile", s(&bad_date)]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("YYYY-MM-DD"), "{}", text(&out));
}
