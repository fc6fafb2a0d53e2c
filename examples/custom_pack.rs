//! A house rule pack layered over the default pack: a competitor list, an
//! extra jargon term and a rule of the house's own (see
//! `examples/house-pack.toml`). The pack's examples are run first, and the
//! example fails loudly if any does not hold; then a few drafts are checked.
//!
//! ```text
//! cargo run --example custom_pack
//! cargo run --example custom_pack -- path/to/another-pack.toml
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use tactful::{Checker, Pack};

const DRAFTS: &[&str] = &[
    "Hi Dana,\n\nPer our records, your contract ends in June. Honestly, Globex is a \
     rip-off, so I'd stay put. Our SLA for faults is four hours.\n\nThanks,\nSam",
    "Hi Dana,\n\nThanks for your patience. I can see that your contract ends in June, \
     and I've attached a quote for renewing it. Let me know if you have any questions.\n\n\
     Best,\nSam",
];

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/house-pack.toml"),
        PathBuf::from,
    );
    // Pack errors name the file, line, column and rule.
    let checker = match Pack::from_path(&path).and_then(|p| Checker::builder().layer(p).build()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    // A pack is tested by its own examples and counterexamples.
    let failures = checker.check_examples();
    if !failures.is_empty() {
        eprintln!(
            "error: {} example(s) of {} do not hold:",
            failures.len(),
            path.display()
        );
        for f in &failures {
            eprintln!("  {f}");
        }
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} rules, every example holds",
        path.display(),
        checker.rules().len()
    );

    for draft in DRAFTS {
        let report = checker.check(draft);
        println!("\n{draft}\n");
        if report.is_clean() {
            println!("  no findings");
        }
        for f in report.findings() {
            let at = report.position(f);
            let fix = match f.suggestions().first() {
                Some(s) => format!(" -> {:?}", s.text.trim()),
                None => String::new(),
            };
            println!(
                "  {}:{} {}[{}] {:?}{fix}",
                at.line,
                at.column,
                f.severity(),
                f.rule_id(),
                f.matched()
            );
        }
        println!("  score {}/100", report.score());
        if !report.fixes().is_empty() {
            println!("\nfixed:\n{}", report.fixed());
        }
    }
    ExitCode::SUCCESS
}
