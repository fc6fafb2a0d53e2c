//! What applying fixes must never do, checked on one reply: shared by the
//! property tests over generated text and the test over real replies.

use std::collections::BTreeMap;
use tactful::{Context, Report};

/// Whether a text has a gap for the agent to fill.
fn has_gap(s: &str) -> bool {
    s.contains('…')
        || s.contains("...")
        || s.contains("___")
        || [
            "<date>",
            "<time>",
            "<day>",
            "[X]",
            "<the problem>",
            "<what you need>",
        ]
        .iter()
        .any(|g| s.contains(g))
}

fn count(s: &str, pats: &[&str]) -> usize {
    pats.iter().map(|p| s.matches(p).count()).sum()
}

fn window(s: &str, start: usize, end: usize, pad: usize) -> &str {
    let mut a = start.saturating_sub(pad);
    while !s.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + pad).min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    &s[a..b]
}

const SPACE_BEFORE_PUNCT: &[&str] = &[" ,", " .", " !", " ?", " ;", " :"];
const BRACKETS: &[char] = &['(', ')', '[', ']', '{', '}', '"', '“', '”'];

/// The problems that applying `report`'s fixes brings into the text; the
/// re-check uses `context` (the one the report was made with).
pub fn problems(
    checker: &tactful::Checker,
    report: &Report<'_>,
    context: &Context<'_>,
) -> Vec<String> {
    let text = report.text();
    let fixes = report.fixes();
    let fixed = report.fixed();
    let mut out = Vec::new();
    // Rebuild from gaps and edits: nothing outside the spans changes.
    let mut rebuilt = String::new();
    let mut at = 0;
    let mut shift: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (span, new) in &fixes {
        if span.start < at {
            out.push(format!("overlapping fixes at {span:?}"));
            return out;
        }
        rebuilt.push_str(&text[at..span.start]);
        let new_start = rebuilt.len();
        rebuilt.push_str(new);
        shift.push((span.start, span.end, new_start, rebuilt.len()));
        at = span.end;
    }
    rebuilt.push_str(&text[at..]);
    if rebuilt != fixed {
        out.push("fixed text is not the text with its edits".into());
        return out;
    }
    for &(os, oe, ns, ne) in &shift {
        let old_w = window(text, os, oe, 2);
        let new_w = window(&fixed, ns, ne, 2);
        let old = &text[os..oe];
        let new = &fixed[ns..ne];
        if count(new_w, &["  "]) > count(old_w, &["  "]) {
            out.push(format!("double space: {old:?} -> {new:?}"));
        }
        if count(new_w, SPACE_BEFORE_PUNCT) > count(old_w, SPACE_BEFORE_PUNCT) {
            out.push(format!(
                "space before punctuation: {old:?} -> {new:?} in {new_w:?}"
            ));
        }
        if has_gap(new) && !has_gap(old) {
            out.push(format!("placeholder applied: {old:?} -> {new:?}"));
        }
        for b in BRACKETS {
            if new.matches(*b).count() != old.matches(*b).count() {
                out.push(format!("unbalanced {b:?}: {old:?} -> {new:?}"));
            }
        }
        // A sentence that the edit starts begins with a capital.
        let before = fixed[..ns].trim_end_matches([' ', '\t']);
        let starts = before.is_empty() || before.ends_with(['\n', '.', '!', '?']);
        if starts {
            if let Some(c) = new.trim_start().chars().next() {
                let was = old.trim_start().chars().next();
                if c.is_lowercase() && !was.is_some_and(char::is_lowercase) {
                    out.push(format!(
                        "sentence starts in lowercase: {old:?} -> {new:?} in {text:?}"
                    ));
                }
            }
        }
    }
    // Re-checked: each fixed finding gone, and nothing new.
    let mut before: BTreeMap<&str, isize> = BTreeMap::new();
    for f in report.findings() {
        let applied = f.fix().is_some_and(|s| {
            fixes
                .iter()
                .any(|(r, t)| *r == f.span() && *t == s.text.as_ref())
        });
        *before.entry(f.rule_id()).or_default() += if applied { 0 } else { 1 };
    }
    let again = checker.check_with(&fixed, context);
    let mut after: BTreeMap<&str, isize> = BTreeMap::new();
    // A finding with nothing to change stays as it was: a late reply is
    // still late once it apologises for the wait.
    for f in again
        .findings()
        .iter()
        .filter(|f| !f.suggestions().is_empty())
    {
        *after.entry(f.rule_id()).or_default() += 1;
    }
    for (rule, n) in after {
        // Spelling jargon out lengthens a sentence, which may then be long.
        if rule == "overload" {
            continue;
        }
        let allowed = before.get(rule).copied().unwrap_or(0);
        if n > allowed {
            out.push(format!(
                "re-check finds {n} `{rule}` (at most {allowed} expected) in {fixed:?} from {text:?}"
            ));
        }
    }
    out
}
