//! A pack's regular expressions, compiled for short haystacks.
//!
//! Patterns run on a reply's sentences, mostly only on those that hold a
//! required phrase, so a haystack is a few hundred bytes at most. Literal
//! prefilters (which the `regex` facade always extracts and builds) do not
//! pay for themselves there, and extracting them is most of the cost of
//! compiling a pattern; so patterns are built with `regex-automata`'s meta
//! engine with prefilters off. Matching is ASCII and Unicode case-blind.

use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use std::ops::Range;

/// One compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    re: Regex,
    /// Whether the pattern has a group named `m`, which narrows a match
    /// to the part that is reported.
    has_m: bool,
    /// Whether it has named groups other than `m`, which suggestions may
    /// fill in.
    has_named: bool,
}

impl Pattern {
    /// Compiles `pattern` (already expanded), case-insensitively, with an
    /// upper bound on its compiled size in bytes. The error is a message
    /// for the pack's author.
    pub fn new(pattern: &str, size_limit: usize) -> Result<Pattern, String> {
        Pattern::build(pattern, size_limit, true)
    }

    /// Compiles a pattern that runs on text whose ASCII letters are
    /// lowercased (the checker's `lower`): it is case-sensitive, so its
    /// ASCII words are plain literals, which compile to a far smaller
    /// expression than case-blind ones; it asks for case-blindness itself
    /// where it needs it (`(?i:…)` around words beyond ASCII).
    pub fn new_lowered(pattern: &str, size_limit: usize) -> Result<Pattern, String> {
        Pattern::build(pattern, size_limit, false)
    }

    fn build(pattern: &str, size_limit: usize, case_insensitive: bool) -> Result<Pattern, String> {
        let re = meta::Builder::new()
            .syntax(syntax::Config::new().case_insensitive(case_insensitive))
            .configure(
                meta::Config::new()
                    .auto_prefilter(false)
                    .nfa_size_limit(Some(size_limit)),
            )
            .build(pattern)
            .map_err(|e| match e.size_limit() {
                Some(limit) => format!("pattern is too large (over {limit} bytes compiled)"),
                None => {
                    let detail = std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), |s| s.to_string());
                    format!("invalid pattern: {}", detail.trim())
                }
            })?;
        let has_m = re
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .any(|n| n == Some("m"));
        let has_named = re
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .any(|n| n.is_some_and(|n| n != "m"));
        Ok(Pattern {
            re,
            has_m,
            has_named,
        })
    }

    /// The names of the groups other than `m`.
    pub fn group_names(&self) -> Vec<String> {
        self.re
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .flatten()
            .filter(|n| *n != "m")
            .map(str::to_owned)
            .collect()
    }

    /// Like [`Pattern::spans`], with the named groups (other than `m`)
    /// that took part in each match.
    pub fn spans_named(
        &self,
        hay: &str,
        mut f: impl FnMut(Range<usize>, Vec<(String, Range<usize>)>),
    ) {
        if !self.has_named {
            self.spans(hay, |r| f(r, Vec::new()));
            return;
        }
        let names = self.group_names();
        for caps in self.re.captures_iter(hay) {
            let Some(span) = caps
                .get_group_by_name("m")
                .or_else(|| caps.get_match().map(|m| m.span()))
            else {
                continue;
            };
            let named = names
                .iter()
                .filter_map(|n| caps.get_group_by_name(n).map(|s| (n.clone(), s.range())))
                .collect();
            f(span.range(), named);
        }
    }

    /// Whether the pattern matches anywhere in `hay`.
    pub fn is_match(&self, hay: &str) -> bool {
        self.re.is_match(hay)
    }

    /// The ranges of the leftmost-first, non-overlapping matches in `hay`.
    pub fn find_iter<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = Range<usize>> + 'h {
        self.re.find_iter(hay).map(|m| m.range())
    }

    /// Like [`Pattern::find_iter`], but each match narrowed to its group
    /// `m` where the pattern has one (and that group took part).
    pub fn spans(&self, hay: &str, mut f: impl FnMut(Range<usize>)) {
        if !self.has_m {
            self.find_iter(hay).for_each(f);
            return;
        }
        for caps in self.re.captures_iter(hay) {
            if let Some(span) = caps
                .get_group_by_name("m")
                .or_else(|| caps.get_match().map(|m| m.span()))
            {
                f(span.range());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_case_blind_and_narrows_to_m() {
        let p = Pattern::new(r"\bcalm (?P<m>down)\b", 1 << 20).expect("valid");
        let mut got = Vec::new();
        p.spans("CALM DOWN, calm down", |r| got.push(r));
        assert_eq!(got, vec![5..9, 16..20]);
        assert!(p.is_match("Calm Down"));
        assert_eq!(p.find_iter("calm down").collect::<Vec<_>>(), vec![0..9]);
    }

    #[test]
    fn reports_syntax_and_size_errors() {
        let e = Pattern::new("(unclosed", 1 << 20).expect_err("invalid");
        assert!(e.starts_with("invalid pattern: "), "{e}");
        assert!(e.contains("unclosed group"), "{e}");
        let e = Pattern::new(r"\w{1000}\w{1000}", 1 << 20).expect_err("too big");
        assert!(e.contains("too large"), "{e}");
    }
}
