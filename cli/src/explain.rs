//! Listing the rules and phrases of the pack, and explaining one rule.

use crate::ignore_broken_pipe;
use std::io::{self, BufWriter, Write};
use tactful::Checker;

pub(crate) fn id_width(checker: &Checker) -> usize {
    checker
        .rules()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(4)
        .max(4)
}

pub(crate) fn list_rules(checker: &Checker) -> Result<u8, String> {
    let mut out = BufWriter::new(io::stdout().lock());
    let w = id_width(checker);
    let result = (|| -> io::Result<()> {
        writeln!(
            out,
            "{:<w$}  {:<11}  {:<8}  {:<7}  CHANNELS",
            "RULE", "CATEGORY", "SEVERITY", "ENABLED"
        )?;
        for r in checker.rules() {
            let channels = channel_list(r, ",", "all");
            writeln!(
                out,
                "{:<w$}  {:<11}  {:<8}  {:<7}  {channels}",
                r.id,
                r.category.as_str(),
                r.severity.as_str(),
                if r.enabled { "yes" } else { "no" },
            )?;
        }
        out.flush()
    })();
    result.map(|()| 0).or_else(ignore_broken_pipe)
}

pub(crate) fn list_phrases(checker: &Checker) -> Result<u8, String> {
    let mut out = BufWriter::new(io::stdout().lock());
    let result = (|| -> io::Result<()> {
        for p in checker.literal_phrases() {
            writeln!(out, "{p}")?;
        }
        out.flush()
    })();
    result.map(|()| 0).or_else(ignore_broken_pipe)
}

/// A rule's channels joined by `sep`, or `all` when it judges every one.
pub(crate) fn channel_list(rule: &tactful::Rule, sep: &str, all: &str) -> String {
    if rule.channels.is_empty() {
        return all.to_owned();
    }
    let names: Vec<&str> = rule.channels.iter().map(|c| c.as_str()).collect();
    names.join(sep)
}

pub(crate) fn explain(checker: &Checker, id: &str) -> Result<u8, String> {
    let Some(rule) = checker.rules().iter().find(|r| r.id == id) else {
        let near = checker
            .pack()
            .closest_rule(id)
            .map(|r| format!("; did you mean `{r}`?"))
            .unwrap_or_default();
        return Err(format!("no rule `{id}`{near} (see --list-rules)"));
    };
    let channels = channel_list(rule, ", ", "every channel");
    println!(
        "{} ({}, {}; {channels}{})",
        rule.id,
        rule.category,
        rule.severity,
        if rule.enabled { "" } else { "; disabled" }
    );
    if let Some(loc) = checker.pack().rule_location(&rule.id) {
        println!("defined at {loc}");
    }
    println!();
    println!("{}", rule.message);
    println!();
    println!("Why: {}", rule.rationale);
    if !rule.suggestions.is_empty() {
        println!();
        println!("Suggests:");
        for s in &rule.suggestions {
            println!("  {} ({})", s.text.trim(), s.kind().as_str());
        }
    }
    if !rule.examples.is_empty() {
        println!();
        println!("Flags:");
        for e in &rule.examples {
            println!("  - {}", e.text.replace('\n', "\n    "));
            if let Some(f) = &e.fixed {
                println!("    → {}", f.replace('\n', "\n      "));
            }
        }
    }
    if !rule.counterexamples.is_empty() {
        println!();
        println!("Leaves alone:");
        for c in &rule.counterexamples {
            println!("  - {}", c.replace('\n', "\n    "));
        }
    }
    Ok(0)
}
