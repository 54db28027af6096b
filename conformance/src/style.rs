//! Terminal styles for the words a run prints: progress marks, clause statuses, the
//! verdict. The text carries ANSI styles; the CLI writes it through `anstream`, which
//! drops them off a terminal, under `NO_COLOR` or with `--color never`, so nothing here
//! decides whether colour is shown. Depends on nothing else in the crate, so the
//! progress line (run) and the reports can both use it.

use anstyle::{AnsiColor, Style};

const fn fg(color: AnsiColor) -> Style {
    Style::new().fg_color(Some(anstyle::Color::Ansi(color)))
}

/// A pass.
pub const GOOD: Style = fg(AnsiColor::Green);
/// A MUST clause broken, a root cause.
pub const BAD: Style = fg(AnsiColor::Red).bold();
/// A SHOULD clause broken.
pub const WARN: Style = fg(AnsiColor::Yellow);
/// Not judged: blocked, or could not run.
pub const BLOCKED: Style = fg(AnsiColor::Magenta);
/// Not run, waived: nothing to see.
pub const QUIET: Style = Style::new().dimmed();
/// What an INFO clause found.
pub const INFO: Style = fg(AnsiColor::Cyan);
/// Headings and the header's names.
pub const HEADING: Style = Style::new().bold();

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{style}{text}{style:#}")
}

/// The style of a status word, whichever report prints it: the scenario marks (`PASS`,
/// `FAIL`, `WARN`, `BLOCKED`, `ERROR`, `SKIP`, `INFO`), the clause labels (`passed`, `FAILED`,
/// `warned`, `BLOCKED`, `not run`, `waived`, `info`) and the verdicts.
pub fn of_status(word: &str) -> Style {
    match word.trim() {
        "PASS" | "passed" | "conformant" => GOOD,
        "FAIL" | "FAILED" | "non-conformant" => BAD,
        "WARN" | "warned" => WARN,
        "BLOCKED" | "ERROR" | "incomplete" => BLOCKED,
        "info" | "INFO" => INFO,
        _ => QUIET,
    }
}

/// A status word padded to `width`, then styled (padding first keeps columns aligned
/// whether or not the styles are shown).
pub fn status(word: &str, width: usize) -> String {
    paint(of_status(word), &format!("{word:<width$}"))
}

/// Text without its styles, for reports that are not a terminal.
pub fn strip(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_comes_before_the_style_and_strip_removes_it() {
        let painted = status("FAIL", 7);
        assert!(painted.starts_with('\u{1b}'), "{painted:?}");
        assert_eq!(strip(&painted), "FAIL   ");
    }

    #[test]
    fn every_mark_and_label_has_a_style_of_its_kind() {
        assert_eq!(of_status("PASS"), of_status("passed"));
        assert_eq!(of_status("FAIL"), of_status("FAILED"));
        assert_eq!(of_status("SKIP"), of_status("not run"));
        assert_ne!(of_status("FAIL"), of_status("PASS"));
    }
}
