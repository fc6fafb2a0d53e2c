//! Embedding tactful: build a checker once, check a draft, print what it
//! found and the draft with the fixes applied.
//!
//! ```text
//! cargo run --example quickstart
//! ```

#![allow(clippy::print_stdout)]

fn main() -> Result<(), tactful::Error> {
    let checker = tactful::Checker::new()?; // compile once, reuse for every draft
    let draft = "Calm down, that's not my job. The refund steps are in the KB article!!";
    let report = checker.check(draft);
    for f in report.findings() {
        let at = report.position(f);
        println!(
            "{}:{} {}[{}] {:?}: {}",
            at.line,
            at.column,
            f.severity(),
            f.rule_id(),
            f.matched(),
            f.message()
        );
    }
    println!("score {}/100\nfixed: {}", report.score(), report.fixed());
    Ok(())
}
