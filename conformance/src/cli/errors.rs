//! How a harness error is printed: its chain of causes on one line, each cause once. A
//! library error whose message already quotes its source (`cannot read profile x: No
//! such file …`) would otherwise print that source twice.

/// `error`'s chain, `: `-joined, without causes its previous message already says.
pub fn describe(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|last| last.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read profile x.toml: {source}")]
    struct Quoting {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_the_message_already_quotes_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let error = anyhow::Error::new(Quoting { source: io });
        assert_eq!(describe(&error), "cannot read profile x.toml: No such file");
    }

    #[test]
    fn context_and_a_new_cause_are_both_said() {
        let error = anyhow::anyhow!("refused").context("cannot start");
        assert_eq!(describe(&error), "cannot start: refused");
    }
}
