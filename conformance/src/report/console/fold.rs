//! Long failures folded: a failure that repeats one kind of line or one kind of HTTP
//! exchange (LO-10's 16 concurrent logouts refused alike printed about 220 lines) shows
//! that kind once, with a count and three examples. The reports in files keep every
//! line; only the terminal folds.

/// Runs of at least this many alike lines are folded (below it the fold saves nothing).
const MIN_LINES: usize = 4;
/// Runs of at least this many alike exchanges are folded.
const MIN_EXCHANGES: usize = 2;
/// How many members of a folded run are named.
const EXAMPLES: usize = 3;

/// `text` with its runs of alike lines and alike exchanges folded.
pub fn fold(text: &str) -> String {
    fold_exchanges(&fold_lines(text))
}

/// A line split into what names it (`concurrent logout 7`) and what it says.
fn split_line(line: &str) -> Option<(&str, &str)> {
    let (name, said) = line.split_once(": ")?;
    (!name.trim().is_empty() && name.len() <= 60).then_some((name, said))
}

/// A name with its numbers taken out: `concurrent logout #`.
fn shape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_digits = false;
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// Folds consecutive lines that say the same under names of one shape:
/// `concurrent logout 2, 3, 4 and 12 more (15 in all): status 500 …`.
fn fold_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((name, said)) = split_line(lines[i]) else {
            out.push(lines[i].to_owned());
            i += 1;
            continue;
        };
        let key = (shape(name), said);
        let run = lines[i..]
            .iter()
            .take_while(|l| split_line(l).is_some_and(|(n, s)| (shape(n), s) == key))
            .count();
        if run < MIN_LINES {
            out.extend(lines[i..i + run].iter().map(|l| (*l).to_owned()));
        } else {
            let names: Vec<&str> = lines[i..i + run]
                .iter()
                .filter_map(|l| split_line(l).map(|(n, _)| n.trim()))
                .collect();
            let indent = &name[..name.len() - name.trim_start().len()];
            out.push(format!(
                "{indent}{} ({run} alike): {said}",
                examples(&names, run)
            ));
        }
        i += run;
    }
    let mut folded = out.join("\n");
    if text.ends_with('\n') {
        folded.push('\n');
    }
    folded
}

/// `a, b, c and N more`.
fn examples(names: &[&str], total: usize) -> String {
    let shown = names[..EXAMPLES.min(names.len())].join(", ");
    match total.saturating_sub(EXAMPLES) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// One exchange of a transcript: its lines, from `--- label (N ms)` on.
struct Block<'a> {
    lines: Vec<&'a str>,
}

impl Block<'_> {
    /// The label, without its time.
    fn label(&self) -> &str {
        let head = self.lines[0].trim_start().trim_start_matches("--- ");
        head.rsplit_once(" (").map_or(head, |(label, _)| label)
    }

    /// What makes two exchanges alike: everything but the label's numbers, the time it
    /// took and the `date` header.
    fn kind(&self) -> Vec<String> {
        let mut kind = vec![shape(self.label())];
        kind.extend(
            self.lines[1..]
                .iter()
                .filter(|l| !l.trim_start().to_ascii_lowercase().starts_with("< date:"))
                .map(|l| (*l).to_owned()),
        );
        kind
    }
}

fn is_exchange_start(line: &str) -> bool {
    line.trim_start().starts_with("--- ")
}

/// Folds consecutive exchanges that are alike: the first is shown in full, then one
/// line with the count and three examples.
fn fold_exchanges(text: &str) -> String {
    let mut before: Vec<&str> = Vec::new();
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for line in text.lines() {
        match blocks.last_mut() {
            _ if is_exchange_start(line) => blocks.push(Block { lines: vec![line] }),
            // An exchange ends where its indentation does.
            Some(block) if indent_of(line) >= indent_of(block.lines[0]) => block.lines.push(line),
            Some(_) => blocks.push(Block { lines: vec![line] }),
            None => before.push(line),
        }
    }
    let mut out: Vec<String> = before.iter().map(|l| (*l).to_owned()).collect();
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        if !is_exchange_start(block.lines[0]) {
            out.extend(block.lines.iter().map(|l| (*l).to_owned()));
            i += 1;
            continue;
        }
        let kind = block.kind();
        let run = blocks[i..]
            .iter()
            .take_while(|b| is_exchange_start(b.lines[0]) && b.kind() == kind)
            .count();
        out.extend(block.lines.iter().map(|l| (*l).to_owned()));
        if run >= MIN_EXCHANGES {
            let names: Vec<&str> = blocks[i..i + run].iter().map(Block::label).collect();
            let indent = &block.lines[0][..indent_of(block.lines[0])];
            out.push(format!(
                "{indent}… this exchange {run} times alike: {}",
                examples(&names, run)
            ));
        }
        i += run;
    }
    let mut folded = out.join("\n");
    if text.ends_with('\n') {
        folded.push('\n');
    }
    folded
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(n: usize, status: u16) -> String {
        format!(
            "  --- concurrent logout {n} ({n} ms)\n  > POST http://x/auth/logout\n  < {status}\n  < date: Sun, 29 Nov 2026 20:25:{n:02} GMT\n"
        )
    }

    #[test]
    fn alike_lines_fold_to_one_with_a_count_and_three_examples() {
        let mut text = String::from("actual:   15 are not:\n");
        for n in 2..=16 {
            text.push_str(&format!("    concurrent logout {n}: status 500 {{}}\n"));
        }
        let folded = fold(&text);
        assert_eq!(
            folded,
            "actual:   15 are not:\n    concurrent logout 2, concurrent logout 3, \
             concurrent logout 4 and 12 more (15 alike): status 500 {}\n"
        );
    }

    #[test]
    fn lines_that_say_different_things_stay() {
        let text =
            "    a 1: status 500\n    a 2: status 502\n    a 3: status 500\n    a 4: status 500\n";
        assert_eq!(fold(text), text);
    }

    #[test]
    fn alike_exchanges_show_once_and_different_ones_stay() {
        let mut text = String::from("HTTP exchanges:\n");
        text.push_str(&exchange(1, 200));
        for n in 2..=16 {
            text.push_str(&exchange(n, 500));
        }
        text.push_str("  --- probe (1 ms)\n  < 401\n");
        let folded = fold(&text);
        assert_eq!(folded.matches("< 500").count(), 1, "{folded}");
        assert_eq!(folded.matches("< 200").count(), 1, "{folded}");
        assert!(folded.contains("--- probe (1 ms)\n  < 401"), "{folded}");
        assert!(
            folded.contains(
                "  … this exchange 15 times alike: concurrent logout 2, concurrent logout 3, \
                 concurrent logout 4 and 12 more\n"
            ),
            "{folded}"
        );
    }
}
