//! Counting replies and findings, and the per-rule summary.

use crate::explain::id_width;
use crate::group::{human_delay, threshold, Groups, NO_GROUP};
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
    /// Per-group counts, for `--group-by` and `--report`.
    pub(crate) groups: Option<Box<Groups>>,
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

    /// Also counts per group (for `--group-by` and `--report`), a reply
    /// late when sent more than `late_after` seconds after the message.
    pub(crate) fn with_groups(mut self, checker: &Checker, late_after: Option<u64>) -> Tally {
        self.groups = late_after.map(|l| Box::new(Groups::new(checker, l)));
        self
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
        if let (Some(mine), Some(theirs)) = (&mut self.groups, &other.groups) {
            mine.merge(theirs);
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

/// Per group: an overview line each, then each group's rules.
pub(crate) fn print_groups(checker: &Checker, groups: &Groups, field: &str) {
    let mut err = io::stderr().lock();
    let ordered = groups.ordered();
    let name_w = ordered
        .iter()
        .map(|(n, _)| n.chars().count())
        .chain([field.len(), NO_GROUP.len()])
        .max()
        .unwrap_or(5)
        .min(40);
    let _ = writeln!(
        err,
        "\nby {field}: {} {}, late = sent more than {} after the message",
        ordered.len(),
        plural("group", ordered.len()),
        threshold(groups.late_after())
    );
    let _ = writeln!(
        err,
        "{field:<name_w$} {:>8} {:>8} {:>9} {:>10} {:>7} {:>8}  top rules (per 1,000)",
        "replies", "flagged", "per 1,000", "median", "late", "timed"
    );
    for (name, g) in &ordered {
        let median = g.delays.median().map_or("-".into(), human_delay);
        let late = g
            .late_share()
            .map_or("-".into(), |s| format!("{:.1}%", s * 100.0));
        let top: Vec<String> = g
            .rules_by_rate(checker)
            .into_iter()
            .take(3)
            .map(|(i, id)| format!("{id} {:.0}", g.rate(i)))
            .collect();
        let _ = writeln!(
            err,
            "{name:<name_w$} {:>8} {:>7.1}% {:>9.0} {median:>10} {late:>7} {:>8}  {}",
            g.replies,
            crate::group::per_thousand(g.flagged, g.replies) / 10.0,
            crate::group::per_thousand(g.findings, g.replies),
            g.timed,
            top.join(", ")
        );
    }
    let w = id_width(checker);
    let rules = checker.rules();
    for (name, g) in &ordered {
        let _ = writeln!(
            err,
            "\n{field} = {name}: {} {}",
            g.replies,
            plural("reply", g.replies as usize)
        );
        let rows = g.rules_by_rate(checker);
        if rows.is_empty() {
            let _ = writeln!(err, "  no findings");
            continue;
        }
        let _ = writeln!(
            err,
            "  {:<w$} {:<8} {:>9} {:>9} {:>10}",
            "rule", "severity", "findings", "replies", "per 1,000"
        );
        for (i, id) in rows {
            let sev = rules.get(i).map_or("", |r| r.severity.as_str());
            let _ = writeln!(
                err,
                "  {id:<w$} {sev:<8} {:>9} {:>9} {:>10.1}",
                g.rules[i].0,
                g.rules[i].1,
                g.rate(i)
            );
        }
    }
}
