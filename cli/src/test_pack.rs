//! `tactful test-pack PACK.toml`: a pack's own examples and
//! counterexamples, layered over the default pack.

use crate::config::report_pack_error;
use crate::term::{plural, Style, BOLD, GREEN_BOLD, RED_BOLD};
use std::io::{self, IsTerminal};
use std::path::Path;
use tactful::{Checker, Pack};

/// Runs the test; the exit status: 0 when every example holds, 1 when one
/// does not, 2 when the pack cannot be read or built.
pub(crate) fn run(path: &Path, style: &Style) -> u8 {
    let err_style = Style::new(None, io::stderr().is_terminal());
    let checker = match Pack::from_path(path).and_then(|p| Checker::builder().layer(p).build()) {
        Ok(c) => c,
        Err(e) => {
            report_pack_error(&err_style, &e);
            return 2;
        }
    };
    let failures = checker.check_examples();
    let rules: Vec<_> = checker.rules().iter().filter(|r| r.enabled).collect();
    let examples: usize = rules.iter().map(|r| r.examples.len()).sum();
    let counter: usize = rules.iter().map(|r| r.counterexamples.len()).sum();
    for f in &failures {
        println!(
            "{} [{}] {}: {:?}",
            style.paint(RED_BOLD, "FAIL"),
            style.paint(BOLD, &f.rule),
            f.problem,
            f.text
        );
    }
    let totals = format!(
        "{} {}, {examples} {}, {counter} {}",
        rules.len(),
        plural("rule", rules.len()),
        plural("example", examples),
        plural("counterexample", counter)
    );
    if failures.is_empty() {
        println!(
            "{} {}: {totals}, all hold",
            style.paint(GREEN_BOLD, "ok"),
            path.display()
        );
        0
    } else {
        println!(
            "{} {}: {} {} in {totals}",
            style.paint(RED_BOLD, "failed"),
            path.display(),
            failures.len(),
            plural("failure", failures.len())
        );
        1
    }
}
