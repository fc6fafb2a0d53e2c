//! Counting replies and findings, and the per-rule summary.

use crate::explain::id_width;
use crate::term::plural;
use std::io::{self, Write};
use std::time::Instant;
use tactful::{Checker, Report, Rule, Severity};

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) replies: u64,
    pub(crate) malformed: u64,
    pub(crate) internal: u64,
    pub(crate) failed: bool,
    /// Per rule, by index in `Checker::rules`: findings, replies affected.
    /// Empty unless `--summary` asked for it.
    rules: Vec<(u64, u64)>,
    /// Per rule: the last reply counted in `rules`, to count each reply
    /// once.
    stamp: Vec<u64>,
}

impl Tally {
    pub(crate) fn new(checker: &Checker, per_rule: bool) -> Tally {
        let n = if per_rule { checker.rules().len() } else { 0 };
        Tally {
            rules: vec![(0, 0); n],
            stamp: vec![0; n],
            ..Tally::default()
        }
    }

    /// Counts one checked reply.
    pub(crate) fn add(&mut self, checker: &Checker, report: &Report<'_>, fail_on: Severity) {
        self.replies += 1;
        for f in report.findings() {
            self.failed |= f.severity() >= fail_on;
        }
        if self.rules.is_empty() {
            return;
        }
        let rules = checker.rules();
        for f in report.findings() {
            let Some(i) = rules.iter().position(|r| std::ptr::eq(r, f.rule())) else {
                continue;
            };
            self.rules[i].0 += 1;
            if self.stamp[i] != self.replies {
                self.stamp[i] = self.replies;
                self.rules[i].1 += 1;
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Tally) {
        self.replies += other.replies;
        self.malformed += other.malformed;
        self.internal += other.internal;
        self.failed |= other.failed;
        for (a, b) in self.rules.iter_mut().zip(other.rules) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }
}

/// Per-rule counts on stderr, most replies first.
pub(crate) fn print_summary(checker: &Checker, tally: &Tally, started: Instant, batch: bool) {
    let secs = started.elapsed().as_secs_f64();
    let mut err = io::stderr().lock();
    let mut head = format!(
        "{} {} checked in {secs:.2}s",
        tally.replies,
        plural("reply", tally.replies as usize)
    );
    if batch {
        head.push_str(&format!(
            ", {} malformed {}",
            tally.malformed,
            plural("line", tally.malformed as usize)
        ));
    }
    if tally.internal > 0 {
        head.push_str(&format!(", {} internal errors", tally.internal));
    }
    let _ = writeln!(err, "{head}");
    let w = id_width(checker);
    let _ = writeln!(
        err,
        "{:<w$} {:<8} {:>9} {:>9} {:>10}",
        "rule", "severity", "findings", "replies", "per 1,000"
    );
    let mut rows: Vec<(&Rule, (u64, u64))> = checker
        .rules()
        .iter()
        .zip(tally.rules.iter().copied())
        .filter(|(_, (f, _))| *f > 0)
        .collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.id.cmp(&b.0.id)));
    for (rule, (findings, replies)) in rows {
        let rate = if tally.replies == 0 {
            0.0
        } else {
            replies as f64 * 1000.0 / tally.replies as f64
        };
        let _ = writeln!(
            err,
            "{:<w$} {:<8} {findings:>9} {replies:>9} {rate:>10.1}",
            rule.id,
            rule.severity.as_str()
        );
    }
}
