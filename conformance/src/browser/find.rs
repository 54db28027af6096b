//! Where the browser is: named by the user, or found on `PATH`.

use std::path::{Path, PathBuf};

/// The names a Chromium goes by on `PATH`, in the order they are tried (Debian's package
/// installs `chromium`).
pub const NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The browser to use: `explicit` as given (even if nothing is there, so that the
/// reason it cannot run names it), else the first of [`NAMES`] on `PATH`.
pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    NAMES.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| usable(candidate).is_ok())
    })
}

/// Whether `path` is a file this process may execute; the error says why not.
pub fn usable(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(format!("{} is not executable", path.display()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_path_is_kept_even_when_nothing_is_there() {
        let path = Path::new("/nonexistent/chromium");
        assert_eq!(find(Some(path)), Some(path.to_path_buf()));
        let why = usable(path).expect_err("nothing there");
        assert!(why.contains("/nonexistent/chromium"), "{why}");
    }

    #[test]
    fn a_folder_or_a_plain_file_is_not_a_browser() {
        assert!(usable(Path::new("/")).is_err());
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let why = usable(Path::new(manifest)).expect_err("not executable");
        assert!(why.contains("not executable"), "{why}");
    }
}
