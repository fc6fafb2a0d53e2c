//! Precision and recall of the default pack on labelled replies: the shared
//! dev set (read where it lies, never copied) and the crate's own
//! paraphrase set. Scored as `../shared/eval/score.py` scores: per reply and
//! rule, structure rules only on replies marked `structure`.

#![allow(clippy::print_stderr)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tactful::{Channel, Checker, Context};

const STRUCTURE: [&str; 3] = ["missing-greeting", "missing-thanks", "missing-closing"];

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Scores a labelled file; returns per-rule counts and the mistakes.
fn score(path: &Path) -> (BTreeMap<String, Counts>, Vec<String>) {
    let checker = Checker::new().expect("the default pack compiles");
    let all: Vec<String> = checker.rules().iter().map(|r| r.id.clone()).collect();
    let text = std::fs::read_to_string(path).expect("labelled file is readable");
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut mistakes = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let item: Value = serde_json::from_str(line).expect("labelled line is JSON");
        let id = item["id"].as_str().unwrap_or("?");
        let reply = item["text"].as_str().expect("text");
        let channel = match item["channel"].as_str() {
            Some("chat") => Channel::Chat,
            Some("social") => Channel::Social,
            _ => Channel::Email,
        };
        let structure = item["structure"].as_bool().unwrap_or(false);
        let expect: BTreeSet<&str> = item["expect"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let report = checker.check_with(reply, &Context::channel(channel));
        let fired: BTreeSet<&str> = report.findings().iter().map(|f| f.rule_id()).collect();
        for rule in &all {
            if !structure && STRUCTURE.contains(&rule.as_str()) {
                continue;
            }
            let c = counts.entry(rule.clone()).or_default();
            match (
                fired.contains(rule.as_str()),
                expect.contains(rule.as_str()),
            ) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fp += 1;
                    mistakes.push(format!("false positive {id} {rule}: {reply:?}"));
                }
                (false, true) => {
                    c.fn_ += 1;
                    mistakes.push(format!("missed         {id} {rule}: {reply:?}"));
                }
                (false, false) => {}
            }
        }
    }
    (counts, mistakes)
}

fn check_thresholds(path: &Path, overall_p: f64, overall_r: f64, per_rule: f64) {
    let (counts, mistakes) = score(path);
    for m in &mistakes {
        eprintln!("{m}");
    }
    let mut total = Counts::default();
    let mut failures = Vec::new();
    for (rule, c) in &counts {
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
        let (p, r) = (ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn_));
        eprintln!(
            "{rule:30} tp {:3} fp {:3} fn {:3}  precision {p:.3}  recall {r:.3}",
            c.tp, c.fp, c.fn_
        );
        if p < per_rule || r < per_rule {
            failures.push(format!("{rule}: precision {p:.3}, recall {r:.3}"));
        }
    }
    let (p, r) = (
        ratio(total.tp, total.tp + total.fp),
        ratio(total.tp, total.tp + total.fn_),
    );
    eprintln!("overall: precision {p:.3}, recall {r:.3}");
    assert!(p >= overall_p, "overall precision {p:.3} < {overall_p}");
    assert!(r >= overall_r, "overall recall {r:.3} < {overall_r}");
    assert!(failures.is_empty(), "rules below {per_rule}: {failures:?}");
}

fn shared_dev_set() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.jsonl");
    if path.exists() {
        return Some(path);
    }
    // CI always has ../shared; anywhere else the set may be absent.
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing on CI",
        path.display()
    );
    eprintln!("skipped: {} not found", path.display());
    None
}

#[test]
fn shared_dev_set_meets_the_bar() {
    if let Some(path) = shared_dev_set() {
        check_thresholds(&path, 0.97, 0.95, 0.90);
    }
}

#[test]
fn own_paraphrase_sets_meet_the_bar() {
    for name in ["paraphrases.jsonl", "paraphrases-2.jsonl"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        check_thresholds(&path, 0.95, 0.90, 0.75);
    }
}
