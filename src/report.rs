//! Findings, reports, fixes and scores.

use crate::rule::{Category, Rule, Severity};
use crate::suggest::SuggestionKind;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;

/// What applying a suggestion does to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Edit {
    /// Replaces the span with the text.
    Replace,
    /// Inserts the text at an empty span.
    Insert,
    /// Removes the span.
    Remove,
}

/// A suggested rewrite of a finding's span. The text borrows from the
/// rule where it can.
///
/// A suggestion is a fix (applied by [`Report::fixed`] without a person
/// reading it) or advice (shown, never applied); a finding's fixes come
/// before its advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Suggestion<'a> {
    /// What it does.
    pub edit: Edit,
    /// The new text (empty for a removal).
    pub text: Cow<'a, str>,
    /// Fix or advice.
    pub kind: SuggestionKind,
}

impl Suggestion<'_> {
    /// Whether "fix all" may apply it.
    pub fn is_fix(&self) -> bool {
        self.kind == SuggestionKind::Fix
    }
}

/// One problem found in a reply.
///
/// The span is a half-open byte range into the checked text; the finding
/// borrows both the text and the checker's rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding<'a> {
    pub(crate) rule: &'a Rule,
    pub(crate) severity: Severity,
    pub(crate) span: Range<usize>,
    pub(crate) matched: &'a str,
    pub(crate) message: Cow<'a, str>,
    pub(crate) suggestions: Vec<Suggestion<'a>>,
}

impl<'a> Finding<'a> {
    /// The rule that found it.
    pub fn rule(&self) -> &'a Rule {
        self.rule
    }

    /// The rule id.
    pub fn rule_id(&self) -> &'a str {
        &self.rule.id
    }

    /// The rule's category.
    pub fn category(&self) -> Category {
        self.rule.category
    }

    /// The severity, after any override.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The byte span in the checked text (empty for an insertion point).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The text at the span.
    pub fn matched(&self) -> &'a str {
        self.matched
    }

    /// What the finding says: the rule's message, with what the finding
    /// knows filled in (how late a late reply was).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Suggested rewrites, fixes first, each kind best first; may be empty.
    pub fn suggestions(&self) -> &[Suggestion<'a>] {
        &self.suggestions
    }

    /// The fix that fixing the reply applies over the span, if any.
    pub fn fix(&self) -> Option<&Suggestion<'a>> {
        self.suggestions.iter().find(|s| s.is_fix())
    }

    /// The suggestions that are advice.
    pub fn advice(&self) -> impl Iterator<Item = &Suggestion<'a>> {
        self.suggestions.iter().filter(|s| !s.is_fix())
    }
}

/// A 1-based line and column (in characters), with UTF-16 offsets for
/// editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Position {
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, in Unicode scalar values.
    pub column: usize,
    /// Start of the span in UTF-16 code units.
    pub utf16_start: usize,
    /// End of the span in UTF-16 code units.
    pub utf16_end: usize,
}

/// Positions of increasing offsets in one text, each found from the last
/// rather than from the start, so that many findings in a long reply cost
/// one pass.
pub(crate) struct Positions<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    line_start: usize,
    utf16: usize,
}

impl<'t> Positions<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Positions {
            text,
            at: 0,
            line: 1,
            line_start: 0,
            utf16: 0,
        }
    }

    pub(crate) fn of(&mut self, span: Range<usize>) -> Position {
        if span.start < self.at {
            *self = Positions::new(self.text);
        }
        let gap = &self.text[self.at..span.start];
        for (i, b) in gap.bytes().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.at + i + 1;
            }
        }
        self.utf16 += gap.encode_utf16().count();
        self.at = span.start;
        Position {
            line: self.line,
            column: self.text[self.line_start..span.start].chars().count() + 1,
            utf16_start: self.utf16,
            utf16_end: self.utf16 + self.text[span].encode_utf16().count(),
        }
    }
}

impl Position {
    /// The position of `span` in `text`.
    pub fn of(text: &str, span: Range<usize>) -> Position {
        Positions::new(text).of(span)
    }
}

/// A finding that owns its data, for serialising or keeping after the
/// text is gone. It serialises to a finding of the batch output
/// (`spec/batch-output.md`), field for field and in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnedFinding {
    /// Rule id.
    pub rule: String,
    /// Rule category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Byte offset of the span's start.
    pub start: usize,
    /// Byte offset of the span's end (exclusive).
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
    /// The span's start in UTF-16 code units.
    pub utf16_start: usize,
    /// The span's end in UTF-16 code units.
    pub utf16_end: usize,
    /// The text at the span.
    pub matched: String,
    /// The message.
    pub message: String,
    /// Replacement texts, best first.
    pub suggestions: Vec<String>,
    /// The replacement that fixing the reply applies over the span, if the
    /// finding has one.
    pub fix: Option<String>,
    /// Suggestions shown to the agent but never applied automatically.
    pub advice: Vec<String>,
}

/// A reply's id in batch input: a string or a number, written back as it
/// came.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ReplyId {
    /// A whole number.
    Integer(i64),
    /// Any other number.
    Number(f64),
    /// A string.
    Text(String),
}

impl<'de> Deserialize<'de> for ReplyId {
    /// Reads the id by its JSON type directly: a whole number that fits an
    /// `i64`, any other number, or a string. (An untagged derive would try
    /// each variant in turn and build an error for every miss, on every
    /// line of a batch.)
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = ReplyId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<ReplyId, E> {
                Ok(ReplyId::Integer(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ReplyId, E> {
                Ok(i64::try_from(v).map_or(ReplyId::Number(v as f64), ReplyId::Integer))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ReplyId, E> {
                Ok(ReplyId::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<ReplyId, E> {
                Ok(ReplyId::Text(v.to_owned()))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A report that owns its data: what a request handler returns, what a
/// batch run writes. It serialises to the per-reply object of the batch
/// output (`spec/batch-output.md`) and deserialises back.
///
/// # Examples
///
/// ```
/// let checker = tactful::Checker::new()?;
/// let owned = checker.check("That's not my job.").to_owned_report();
/// assert_eq!(owned.findings[0].rule, "not-my-job");
/// assert_eq!(owned.score, 75);
/// # Ok::<(), tactful::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnedReport {
    /// The reply's id, when it came with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ReplyId>,
    /// The findings, in the report's order.
    pub findings: Vec<OwnedFinding>,
    /// 0–100.
    pub score: u8,
    /// The reply with every fix applied, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
}

impl OwnedReport {
    /// Sets the reply's id.
    pub fn with_id(mut self, id: Option<ReplyId>) -> Self {
        self.id = id;
        self
    }
}

/// The findings for one reply, in a deterministic order (by span start,
/// then end, then pack order).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report<'a> {
    pub(crate) text: &'a str,
    pub(crate) findings: Vec<Finding<'a>>,
}

impl<'a> Report<'a> {
    /// The checked text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The findings.
    pub fn findings(&self) -> &[Finding<'a>] {
        &self.findings
    }

    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The most severe finding's severity.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Where a finding is, as line, column and UTF-16 offsets.
    pub fn position(&self, finding: &Finding<'_>) -> Position {
        Position::of(self.text, finding.span.clone())
    }

    /// 0–100: 100 with no findings; each error takes 25 points, each
    /// warning 10, each hint 3, down to 0.
    pub fn score(&self) -> u8 {
        let penalty: u32 = self.findings.iter().map(|f| f.severity.penalty()).sum();
        100u32.saturating_sub(penalty) as u8
    }

    /// The findings in owned form.
    pub fn to_owned_findings(&self) -> Vec<OwnedFinding> {
        let mut positions = Positions::new(self.text);
        self.findings
            .iter()
            .map(|f| {
                let pos = positions.of(f.span.clone());
                let suggestions: Vec<String> =
                    f.suggestions.iter().map(|s| s.text.to_string()).collect();
                OwnedFinding {
                    rule: f.rule.id.clone(),
                    category: f.rule.category,
                    severity: f.severity,
                    start: f.span.start,
                    end: f.span.end,
                    line: pos.line,
                    column: pos.column,
                    utf16_start: pos.utf16_start,
                    utf16_end: pos.utf16_end,
                    matched: f.matched.to_owned(),
                    message: f.message.to_string(),
                    fix: f.fix().map(|s| s.text.to_string()),
                    advice: f.advice().map(|s| s.text.to_string()).collect(),
                    suggestions,
                }
            })
            .collect()
    }

    /// The report in owned form, without the fixed text.
    pub fn to_owned_report(&self) -> OwnedReport {
        OwnedReport {
            id: None,
            findings: self.to_owned_findings(),
            score: self.score(),
            fixed: None,
        }
    }

    /// The report in owned form, with the reply as fixing gives it.
    pub fn to_owned_report_fixed(&self) -> OwnedReport {
        OwnedReport {
            fixed: Some(self.fixed()),
            ..self.to_owned_report()
        }
    }

    /// The edits that [`Report::fixed`] applies: the fix of each finding
    /// that has one (advice is never applied), in text order, leaving out
    /// any that overlaps an edit already taken (the earlier, then more
    /// severe, finding wins).
    pub fn fixes(&self) -> Vec<(Range<usize>, &str)> {
        let mut order: Vec<&Finding<'_>> =
            self.findings.iter().filter(|f| f.fix().is_some()).collect();
        // At one offset, insertions go first so that a replacement there
        // does not shut them out.
        order.sort_by_key(|f| {
            (
                f.span.start,
                !f.span.is_empty(),
                std::cmp::Reverse(f.severity),
                f.span.end,
            )
        });
        let mut out: Vec<(Range<usize>, &str)> = Vec::new();
        for f in order {
            let Some(s) = f.fix() else { continue };
            if out.last().is_some_and(|(last, _)| {
                f.span.start < last.end || (f.span.is_empty() && f.span.start == last.start)
            }) {
                continue;
            }
            out.push((f.span.clone(), s.text.as_ref()));
        }
        out
    }

    /// How many findings have advice and no fix: what fixing leaves for
    /// the agent to rewrite.
    pub fn advice_only(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.fix().is_none() && !f.suggestions.is_empty())
            .count()
    }

    /// The reply with every fix applied (advice is never applied).
    pub fn fixed(&self) -> String {
        apply_edits(self.text, &self.fixes())
    }
}

/// Applies sorted, non-overlapping edits.
pub(crate) fn apply_edits(text: &str, edits: &[(Range<usize>, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (span, new) in edits {
        out.push_str(&text[at..span.start]);
        out.push_str(new);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}
