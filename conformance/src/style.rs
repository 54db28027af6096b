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

/// What a status word says, whichever status it renders (a scenario's mark, a clause's
/// label, the verdict): each status names its tone once, beside its word, and the tone
/// alone decides the style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Passed, conformant.
    Good,
    /// A MUST broken, non-conformant.
    Bad,
    /// A SHOULD broken.
    Warn,
    /// Not judged: blocked, could not run, incomplete.
    Blocked,
    /// Not run, waived.
    Quiet,
    /// What an INFO clause found.
    Info,
}

impl Tone {
    /// The tone's style.
    pub fn style(self) -> Style {
        match self {
            Tone::Good => GOOD,
            Tone::Bad => BAD,
            Tone::Warn => WARN,
            Tone::Blocked => BLOCKED,
            Tone::Quiet => QUIET,
            Tone::Info => INFO,
        }
    }
}

/// A status word padded to `width`, then styled (padding first keeps columns aligned
/// whether or not the styles are shown).
pub fn status(word: &str, tone: Tone, width: usize) -> String {
    paint(tone.style(), &format!("{word:<width$}"))
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
        let painted = status("FAIL", Tone::Bad, 7);
        assert!(painted.starts_with('\u{1b}'), "{painted:?}");
        assert_eq!(strip(&painted), "FAIL   ");
    }

    #[test]
    fn each_tone_has_a_style_of_its_own() {
        let all = [
            Tone::Good,
            Tone::Bad,
            Tone::Warn,
            Tone::Blocked,
            Tone::Quiet,
            Tone::Info,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.style(), b.style(), "{a:?} and {b:?}");
            }
        }
    }
}
