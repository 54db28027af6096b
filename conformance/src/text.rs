//! Text helpers that depend on nothing else in the crate, so that the checks (a
//! problem's title) and the reports (a table row, a summary line) share one definition.

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
