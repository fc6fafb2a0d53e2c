//! Running a pack's own examples and counterexamples.

use crate::checker::Checker;
use crate::context::{Context, Timestamp};
use crate::report::apply_edits;
use crate::rule::{Channel, Counterexample, Example};
use std::fmt;

/// One example or counterexample that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule whose example failed.
    pub rule: String,
    /// The example text.
    pub text: String,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule `{}`: {}: {:?}", self.rule, self.problem, self.text)
    }
}

impl Checker {
    /// Runs every enabled rule's examples (each must be flagged by its rule,
    /// and applying that rule's fixes, never its advice, must give
    /// `fixed`, which the rule must leave alone) and counterexamples (which the rule must leave
    /// alone). Returns what failed; an empty list means the pack holds.
    ///
    /// This is how a user's own pack is tested: build a checker from it and
    /// assert that this returns nothing.
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        for rule in self.rules().iter().filter(|r| r.enabled) {
            let fail = |text: &str, problem: String| ExampleFailure {
                rule: rule.id.clone(),
                text: text.to_owned(),
                problem,
            };
            for ex in &rule.examples {
                let options = example_context(ex);
                let report = self.check_with(&ex.text, &options);
                let own: Vec<_> = report
                    .findings()
                    .iter()
                    .filter(|f| f.rule_id() == rule.id)
                    .collect();
                if own.is_empty() {
                    failures.push(fail(&ex.text, "example is not flagged".into()));
                    continue;
                }
                let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
                for f in &own {
                    if let Some(s) = f.fix() {
                        if edits
                            .last()
                            .is_none_or(|(last, _)| f.span().start >= last.end)
                        {
                            edits.push((f.span(), s.text.as_ref()));
                        }
                    }
                }
                if edits.is_empty() {
                    if ex.fixed.is_some() {
                        failures.push(fail(
                            &ex.text,
                            "example has `fixed` but its findings have no fix, only advice".into(),
                        ));
                    }
                    continue;
                }
                let fixed = apply_edits(&ex.text, &edits);
                if let Some(want) = &ex.fixed {
                    if &fixed != want {
                        failures.push(fail(
                            &ex.text,
                            format!("fix gives {fixed:?}, the example says {want:?}"),
                        ));
                    }
                }
                // Findings left as advice may stay; the fixed ones must go.
                let unfixed = own.len() - edits.len();
                let again = self.check_with(&fixed, &options);
                // Fixed means the fixed findings are gone: findings left as
                // advice may stay, and a finding with nothing to change (a
                // late reply stays late) needs no second fix.
                if again
                    .findings()
                    .iter()
                    .filter(|f| f.rule_id() == rule.id && !f.suggestions().is_empty())
                    .count()
                    > unfixed
                {
                    failures.push(fail(
                        &ex.text,
                        format!("the fixed text {fixed:?} is flagged again"),
                    ));
                }
            }
            for counter in &rule.counterexamples {
                let text = counter.text();
                let report = match counter {
                    Counterexample::Detailed(ex) => self.check_with(text, &example_context(ex)),
                    _ => self.check(text),
                };
                if let Some(f) = report.findings().iter().find(|f| f.rule_id() == rule.id) {
                    failures.push(fail(
                        text,
                        format!("counterexample is flagged at {:?}", f.matched()),
                    ));
                }
            }
        }
        failures
    }
}

/// The context an example is checked in: its channel and conversation.
/// (Timestamps were validated when the checker was built.)
pub(crate) fn example_context(ex: &Example) -> Context<'_> {
    let mut ctx = Context::channel(ex.channel.unwrap_or(Channel::Email));
    if let Some(c) = &ex.customer {
        ctx = ctx.customer(c);
    }
    for t in &ex.history {
        ctx = ctx.turn(t.role, &t.text);
    }
    if let Some(at) = ex
        .received_at
        .as_deref()
        .and_then(|s| Timestamp::parse(s).ok())
    {
        ctx = ctx.received_at(at);
    }
    if let Some(at) = ex.sent_at.as_deref().and_then(|s| Timestamp::parse(s).ok()) {
        ctx = ctx.sent_at(at);
    }
    ctx
}
