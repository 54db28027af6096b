//! Mistakes in the arguments found before any request: a URL without a scheme, and
//! report files that cannot be written — not a run whose results are lost at the end.

use std::path::Path;

use anyhow::Context as _;

/// A URL must name its scheme: `127.0.0.1:3000` or `localhost:3000` is almost surely
/// `http://…` (the URL parser would take `localhost` for a scheme, or fail cryptically).
pub fn url_has_scheme(flag: &str, url: &str) -> anyhow::Result<()> {
    if url.contains("://") {
        return Ok(());
    }
    anyhow::bail!(
        "{flag} {url:?} names no scheme: did you mean http://{}?",
        url.trim_start_matches('/')
    )
}

/// Creates (or empties) a report file, so that an unwritable path is a harness error
/// before the target is contacted.
pub fn writable(flag: &str, path: &Path) -> anyhow::Result<()> {
    std::fs::File::create(path)
        .map(drop)
        .with_context(|| format!("{flag} {}: cannot write this file", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_less_url_gets_a_suggestion() {
        let e = url_has_scheme("--target", "127.0.0.1:3000").expect_err("no scheme");
        assert!(
            e.to_string()
                .contains("did you mean http://127.0.0.1:3000?"),
            "{e}"
        );
        assert!(url_has_scheme("--target", "localhost:3000").is_err());
        assert!(url_has_scheme("--target", "http://127.0.0.1:3000").is_ok());
    }
}
