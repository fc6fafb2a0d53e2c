//! Precision and recall of the default pack on labelled replies: the three
//! shared sets (read where they lie, never copied) and the crate's own
//! paraphrase sets. Scored as `../shared/eval/score.py` scores: per reply
//! and rule, each rule judged only where the specification applies it —
//! span rules, `refusal-without-alternative` and `overload` on every reply,
//! `generic-redirect` on social and chat replies, the structure rules on
//! email replies marked `structure`. The conversation rules
//! (`missing-apology`, `late-reply`) are not in the pack yet and are left
//! out, as `score.py --skip missing-apology,late-reply` does.

#![allow(clippy::print_stderr)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tactful::{Channel, Checker, Context};

const STRUCTURE: [&str; 3] = ["missing-greeting", "missing-thanks", "missing-closing"];
const SOCIAL_AND_CHAT: [&str; 1] = ["generic-redirect"];
const SKIPPED: [&str; 2] = ["missing-apology", "late-reply"];

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

/// The bar a labelled set must clear.
struct Bar {
    precision: f64,
    recall: f64,
    /// Every rule with at least `min_positives` labelled positives must
    /// reach this in both precision and recall.
    per_rule: f64,
    min_positives: u32,
}

/// Whether the specification judges `rule` on a reply.
fn judged(rule: &str, channel: Channel, structure: bool) -> bool {
    if SKIPPED.contains(&rule) {
        return false;
    }
    if STRUCTURE.contains(&rule) {
        return channel == Channel::Email && structure;
    }
    if SOCIAL_AND_CHAT.contains(&rule) {
        return channel != Channel::Email;
    }
    true
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
        for rule in all.iter().filter(|r| judged(r, channel, structure)) {
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

fn check_bar(path: &Path, bar: &Bar) {
    let (counts, mistakes) = score(path);
    eprintln!("== {}", path.display());
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
        if c.tp + c.fn_ >= bar.min_positives && (p < bar.per_rule || r < bar.per_rule) {
            failures.push(format!("{rule}: precision {p:.3}, recall {r:.3}"));
        }
    }
    let (p, r) = (
        ratio(total.tp, total.tp + total.fp),
        ratio(total.tp, total.tp + total.fn_),
    );
    eprintln!("overall: precision {p:.3}, recall {r:.3}");
    let name = path.display();
    assert!(
        p >= bar.precision,
        "{name}: precision {p:.3} < {}",
        bar.precision
    );
    assert!(r >= bar.recall, "{name}: recall {r:.3} < {}", bar.recall);
    assert!(
        failures.is_empty(),
        "{name}: rules below {}: {failures:?}",
        bar.per_rule
    );
}

/// A shared labelled set, if it is there.
fn shared_set(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(name);
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
fn real_replies_meet_the_bar() {
    if let Some(path) = shared_set("real-dev.jsonl") {
        let bar = Bar {
            precision: 0.95,
            recall: 0.85,
            per_rule: 0.80,
            min_positives: 5,
        };
        check_bar(&path, &bar);
    }
}

#[test]
fn second_version_set_meets_the_bar() {
    if let Some(path) = shared_set("dev2.jsonl") {
        let bar = Bar {
            precision: 0.97,
            recall: 0.95,
            per_rule: 0.80,
            min_positives: 5,
        };
        check_bar(&path, &bar);
    }
}

#[test]
fn first_set_meets_the_bar() {
    if let Some(path) = shared_set("dev.jsonl") {
        let bar = Bar {
            precision: 0.97,
            recall: 0.95,
            per_rule: 0.80,
            min_positives: 5,
        };
        check_bar(&path, &bar);
    }
}

#[test]
fn own_paraphrase_sets_meet_the_bar() {
    for name in ["paraphrases.jsonl", "paraphrases-2.jsonl"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let bar = Bar {
            precision: 0.95,
            recall: 0.90,
            per_rule: 0.75,
            min_positives: 1,
        };
        check_bar(&path, &bar);
    }
}
