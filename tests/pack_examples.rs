//! The default pack's own examples and counterexamples.

use tactful::pack::Match;
use tactful::{Category, Checker, Pack, Severity};

#[test]
fn default_pack_examples_hold() {
    let checker = Checker::new().expect("the default pack compiles");
    let failures = checker.check_examples();
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(failures.is_empty(), "{} example(s) failed", failures.len());
}

#[test]
fn default_pack_has_every_spec_rule() {
    use Category::*;
    use Severity::*;
    let spec = [
        ("not-my-job", Ownership, Error),
        ("blunt-no", Refusal, Warning),
        ("nothing-we-can-do", Refusal, Warning),
        ("policy-shield", Refusal, Warning),
        ("presumed-feelings", Empathy, Warning),
        ("dismissive", Empathy, Error),
        ("blame-customer", Blame, Warning),
        ("condescending", Tone, Warning),
        ("blame-colleagues", Blame, Warning),
        ("badmouth-competitor", Competition, Warning),
        ("overpromise", Promises, Warning),
        ("customer-interruption", Attention, Warning),
        ("i-dont-know", Knowledge, Warning),
        ("jargon", Clarity, Hint),
        ("shouting", Tone, Warning),
        ("exclamation-overuse", Tone, Hint),
        ("vague-follow-up", Promises, Hint),
        ("stiff-phrasing", Tone, Hint),
        ("missing-greeting", Structure, Hint),
        ("missing-thanks", Structure, Hint),
        ("missing-closing", Structure, Hint),
        ("generic-redirect", Attention, Hint),
        ("overload", Clarity, Hint),
        ("refusal-without-alternative", Refusal, Warning),
    ];
    let pack = Pack::default_pack().expect("the default pack parses");
    assert_eq!(pack.rules.len(), spec.len());
    for (id, category, severity) in spec {
        let rule = pack.rule(id).unwrap_or_else(|| panic!("missing rule {id}"));
        assert_eq!(rule.category, category, "{id}");
        assert_eq!(rule.severity, severity, "{id}");
        assert!(
            rule.examples.len() >= 3 || matches!(rule.matcher, Match::Requirement(_)),
            "{id} needs examples"
        );
        assert!(!rule.rationale.is_empty());
    }
}
