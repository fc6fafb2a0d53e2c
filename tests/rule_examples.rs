//! Each default-pack rule's examples and counterexamples, as a test named
//! after the rule, so that a failure says which rule broke.
//!
//! Adding a rule to `src/default.toml` without adding it to the list below
//! fails `every_rule_has_a_test`.

use std::sync::OnceLock;
use tactful::{Checker, ExampleFailure, Pack};

/// The default checker's self-test, run once and shared.
fn default_failures() -> &'static [ExampleFailure] {
    static FAILURES: OnceLock<Vec<ExampleFailure>> = OnceLock::new();
    FAILURES.get_or_init(|| {
        Checker::new()
            .expect("the default pack compiles")
            .check_examples()
    })
}

/// Runs one rule's examples and counterexamples (turning it on first if
/// the default pack ships it off) and fails with each that does not hold.
fn check_rule(id: &str) {
    let pack = Pack::default_pack().expect("the default pack parses");
    let rule = pack
        .rule(id)
        .unwrap_or_else(|| panic!("rule `{id}` is not in the default pack"));
    assert!(
        !rule.examples.is_empty() || !rule.counterexamples.is_empty(),
        "rule `{id}` has no examples or counterexamples to test"
    );
    let failures: Vec<ExampleFailure> = if rule.enabled {
        default_failures().to_vec()
    } else {
        let on =
            Pack::from_toml(&format!("[rules.{id}]\nenabled = true\n")).expect("an override pack");
        Checker::builder()
            .layer(on)
            .build()
            .expect("the default pack compiles")
            .check_examples()
    };
    let mine: Vec<String> = failures
        .iter()
        .filter(|f| f.rule == id)
        .map(ToString::to_string)
        .collect();
    assert!(
        mine.is_empty(),
        "rule `{id}`: {} of its examples do not hold:\n  {}",
        mine.len(),
        mine.join("\n  ")
    );
}

macro_rules! rule_tests {
    ($($name:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $name() {
                check_rule($id);
            }
        )*

        /// The rule ids that have a test above.
        const TESTED: &[&str] = &[$($id),*];
    };
}

rule_tests! {
    not_my_job => "not-my-job",
    blunt_no => "blunt-no",
    nothing_we_can_do => "nothing-we-can-do",
    policy_shield => "policy-shield",
    presumed_feelings => "presumed-feelings",
    dismissive => "dismissive",
    blame_customer => "blame-customer",
    condescending => "condescending",
    blame_colleagues => "blame-colleagues",
    badmouth_competitor => "badmouth-competitor",
    overpromise => "overpromise",
    customer_interruption => "customer-interruption",
    i_dont_know => "i-dont-know",
    jargon => "jargon",
    shouting => "shouting",
    exclamation_overuse => "exclamation-overuse",
    missing_greeting => "missing-greeting",
    missing_thanks => "missing-thanks",
    missing_closing => "missing-closing",
    refusal_without_alternative => "refusal-without-alternative",
    vague_follow_up => "vague-follow-up",
    stiff_phrasing => "stiff-phrasing",
    generic_redirect => "generic-redirect",
    overload => "overload",
    missing_apology => "missing-apology",
    late_reply => "late-reply",
}

#[test]
fn every_rule_has_a_test() {
    let pack = Pack::default_pack().expect("the default pack parses");
    let mut in_pack: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    let mut tested = TESTED.to_vec();
    in_pack.sort_unstable();
    tested.sort_unstable();
    let missing: Vec<&&str> = in_pack.iter().filter(|id| !tested.contains(id)).collect();
    let stale: Vec<&&str> = tested.iter().filter(|id| !in_pack.contains(id)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/rule_examples.rs lists the default pack's rules: add a line to \
         `rule_tests!` for each of {missing:?} and remove {stale:?}"
    );
}
