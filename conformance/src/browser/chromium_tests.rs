use std::path::PathBuf;

use super::*;
use crate::browser::find;

/// The browser on this machine; under `CI=true` its absence is a failure.
fn browser() -> Option<PathBuf> {
    let found = find(None);
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and no Chromium on PATH: the browser tests must run in CI"
        );
        println!("skipped: no Chromium on PATH (apt-get install chromium)");
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launched_browser_evaluates_reads_cookies_and_is_gone_after_close() {
    let Some(path) = browser() else { return };
    let chromium = launch(&path, Duration::from_secs(20))
        .await
        .expect("the browser starts");
    let (_, profile) = chromium.process().expect("running");
    assert!(profile.is_dir(), "a fresh profile folder while it runs");
    let page = chromium
        .open("data:text/html,<p>hello</p>")
        .await
        .expect("a page opens");
    let text = chromium
        .eval(
            &page,
            "read the page",
            "document.querySelector('p').textContent",
        )
        .await
        .expect("evaluates");
    assert_eq!(text, serde_json::json!("hello"));
    let sum = chromium
        .eval(&page, "await a promise", "Promise.resolve(40 + 2)")
        .await
        .expect("awaits");
    assert_eq!(sum, serde_json::json!(42));
    let cookies = chromium.cookies().await.expect("the cookie store reads");
    assert!(
        cookies.is_empty(),
        "a fresh profile holds no cookie: {cookies:?}"
    );
    chromium.close().await;
    assert!(!profile.exists(), "the profile folder is removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_that_is_no_browser_fails_to_launch_and_leaves_nothing() {
    let err = launch(Path::new("/nonexistent/chromium"), Duration::from_secs(5))
        .await
        .expect_err("no browser there");
    assert!(
        err.to_string().contains("/nonexistent/chromium"),
        "the error names the path: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_exits_at_once_fails_to_launch_with_what_it_said() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("logout-conformance-fake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let fake = dir.join("chromium");
    std::fs::write(&fake, "#!/bin/sh\necho 'no display here' >&2\nexit 1\n").expect("written");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let err = launch(&fake, Duration::from_secs(5))
        .await
        .expect_err("not a browser");
    let _ = std::fs::remove_dir_all(&dir);
    let said = err.to_string();
    assert!(
        said.contains("did not start") && said.contains("no display here"),
        "the error says what the program said: {said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_dropped_without_close_is_killed_and_its_profile_removed() {
    let Some(path) = browser() else { return };
    let chromium = launch(&path, Duration::from_secs(20))
        .await
        .expect("the browser starts");
    let (pid, profile) = chromium.process().expect("running");
    let pid = pid.expect("a child process");
    drop(chromium);
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while (proc_dir.exists() || profile.exists()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!proc_dir.exists(), "the browser process {pid} is gone");
    assert!(!profile.exists(), "the profile folder is removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_that_gets_no_answer_gives_up_within_the_limit() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Some(path) = browser() else { return };
    // Answers a GET with a page, and never answers anything else.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = [0u8; 4];
            if socket.read_exact(&mut head).await.is_ok() && &head == b"GET " {
                let page = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                            Content-Length: 4\r\nConnection: close\r\n\r\npage";
                let _ = socket.write_all(page.as_bytes()).await;
            } else {
                open.push(socket);
            }
        }
    });
    let chromium = launch(&path, Duration::from_secs(3))
        .await
        .expect("the browser starts");
    let page = chromium
        .open(&format!("{origin}/"))
        .await
        .expect("a page opens");
    let request = crate::browser::FetchRequest {
        method: "POST".into(),
        path: format!("{origin}/auth/logout"),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let got = chromium.fetch(&page, &request).await;
    let elapsed = started.elapsed();
    let (_, profile) = chromium.process().expect("running");
    chromium.close().await;
    held.abort();
    // A browser that has loaded an http page has helpers that write into the profile
    // after it exits: the folder must stay gone.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!profile.exists(), "the profile folder stays removed");
    assert!(
        matches!(&got, Ok(crate::browser::Fetched::Failed(why)) if why.contains("TimeoutError")),
        "the page's own limit ends the fetch: {got:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kits_page_opens_on_an_origin_whose_server_never_sees_the_navigation() {
    let Some(path) = browser() else { return };
    // A port nothing listens on: the server's answer cannot matter.
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let origin = format!("http://{}", free.local_addr().expect("addr"));
    drop(free);
    let chromium = launch(&path, Duration::from_secs(20))
        .await
        .expect("the browser starts");
    let refused = chromium.open(&format!("{origin}/")).await;
    let page = chromium.open_blank_at(&format!("{origin}/")).await;
    let seen = match &page {
        Ok(page) => chromium
            .eval(page, "look", "[location.origin, document.title]")
            .await
            .ok(),
        Err(_) => None,
    };
    chromium.close().await;
    assert!(
        matches!(&refused, Err(e) if e.to_string().contains("ERR_CONNECTION_REFUSED")),
        "a plain tab on it gets no answer: {refused:?}"
    );
    assert!(page.is_ok(), "{page:?}");
    assert_eq!(
        seen,
        Some(serde_json::json!([origin, "logout-conformance"])),
        "the kit's own page, on the origin"
    );
}

/// What the LO-40 visit does after a sign-up that logs in: the credential cookies go, the
/// others (a CSRF cookie) stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgetting_cookies_removes_those_named_and_keeps_the_others() {
    let Some(path) = browser() else { return };
    let chromium = launch(&path, Duration::from_secs(20))
        .await
        .expect("the browser starts");
    // The kit's own page at a loopback origin: nothing needs to listen there.
    let page = chromium
        .open_blank_at("http://127.0.0.1:9/")
        .await
        .expect("its own page opens");
    chromium
        .eval(
            &page,
            "set cookies",
            "document.cookie = 'session=1; path=/'; document.cookie = 'XSRF-TOKEN=2; path=/'; 0",
        )
        .await
        .expect("the page sets cookies");
    let names = |cookies: Vec<Cookie>| {
        let mut names: Vec<String> = cookies.into_iter().map(|c| c.name).collect();
        names.sort();
        names
    };
    let held = chromium.cookies().await.expect("the store reads");
    assert_eq!(names(held), ["XSRF-TOKEN", "session"]);
    chromium
        .forget_cookies(
            &page,
            "http://127.0.0.1:9/",
            &["session".to_owned(), "absent".to_owned()],
        )
        .await
        .expect("deletes");
    let held = chromium.cookies().await.expect("the store reads");
    assert_eq!(names(held), ["XSRF-TOKEN"]);
    chromium.close().await;
}
