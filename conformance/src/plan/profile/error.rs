//! Errors in a profile, each with the file, line and column to fix: TOML's own errors
//! (an unknown key, a bad type) carry the byte offset; the kit's checks find the key
//! they are about.

use std::fmt;
use std::path::PathBuf;

/// Errors in a profile file: each names the file and what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid profile {}{}: {}", path.display(), .invalid.place(), .invalid.message)]
    Invalid { path: PathBuf, invalid: Invalid },
}

/// What is wrong with profile text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// 1-based line and column, when the mistake has a place.
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl Invalid {
    /// A mistake at a byte offset of `text`.
    pub fn at_offset(text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let line = offset.map(|o| {
            let before = &text[..o.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        });
        Self {
            line,
            message: message.into(),
        }
    }

    /// A TOML error (unknown key, bad type, bad syntax).
    pub fn from_toml(text: &str, error: &toml::de::Error) -> Self {
        Self::at_offset(
            text,
            error.span().map(|s| s.start),
            error.message().trim().to_owned(),
        )
    }

    /// A mistake about `key` of `[table]` (the table's header when the key is not
    /// written; no place when neither is).
    pub fn at_key(text: &str, table: &str, key: Option<&str>, message: impl Into<String>) -> Self {
        let offset = locate(text, table, key);
        Self::at_offset(text, offset, message)
    }

    /// `:LINE:COLUMN`, or nothing.
    pub fn place(&self) -> String {
        self.line
            .map(|(l, c)| format!(":{l}:{c}"))
            .unwrap_or_default()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some((l, c)) => write!(f, "line {l}, column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The byte offset of `key` in `[table]` (or of the header, or of `table = …` at the top
/// level, or of `table.key = …`), found line by line.
fn locate(text: &str, table: &str, key: Option<&str>) -> Option<usize> {
    let mut current = String::new();
    let mut header = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.split(']').next()) {
            current = name.trim_matches('[').trim().to_owned();
            if current == table {
                header.get_or_insert(offset);
            }
        } else if let Some((lhs, _)) = trimmed.split_once('=') {
            let lhs = lhs.trim();
            let full = if current.is_empty() {
                lhs.to_owned()
            } else {
                format!("{current}.{lhs}")
            };
            let wanted = match key {
                Some(key) if table.is_empty() => key.to_owned(),
                Some(key) => format!("{table}.{key}"),
                None => table.to_owned(),
            };
            if full == wanted || (key.is_some() && full == table) {
                let indent = line.len() - line.trim_start().len();
                return Some(offset + indent);
            }
        }
        offset += line.len();
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_tables_and_dotted() {
        let text = "version = 2\n[login]\npath = \"x\"\n[logout.success]\nstatus = [204]\n";
        let at = |t, k| Invalid::at_key(text, t, k, "m").line;
        assert_eq!(at("login", Some("path")), Some((3, 1)));
        assert_eq!(at("logout.success", Some("status")), Some((5, 1)));
        assert_eq!(at("logout.success", Some("body")), Some((4, 1)));
        assert_eq!(at("", Some("version")), Some((1, 1)));
        assert_eq!(at("probes", None), None);
    }
}
