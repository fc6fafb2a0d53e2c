//! One automaton for every literal phrase of every rule.
//!
//! Each phrase is tagged with the *slots* it feeds (a rule's phrase list, an
//! exception, a requirement, …). One overlapping scan of the normalised text
//! reports every occurrence; whole-word checks and plural endings are
//! applied after the literal match.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::ops::Range;

/// Which phrase set an occurrence belongs to, and which entry of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub slot: u32,
    pub entry: u32,
}

/// One occurrence of a phrase, in `norm` coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub range: Range<usize>,
    pub entry: u32,
}

#[derive(Default)]
pub(crate) struct PhraseSetBuilder {
    literals: Vec<String>,
    index: HashMap<String, usize>,
    targets: Vec<Vec<Target>>,
    slots: u32,
}

impl PhraseSetBuilder {
    /// A new slot for a phrase set.
    pub fn slot(&mut self) -> u32 {
        self.slots += 1;
        self.slots - 1
    }

    /// Adds a normalised literal to a slot. Literals match regardless of
    /// ASCII case: they are kept in lowercase and the scan reads a
    /// lowercased copy of the text.
    pub fn add(&mut self, slot: u32, entry: u32, mut literal: String) {
        literal.make_ascii_lowercase();
        let id = match self.index.get(&literal) {
            Some(&id) => id,
            None => {
                let id = self.literals.len();
                self.index.insert(literal.clone(), id);
                self.literals.push(literal);
                self.targets.push(Vec::new());
                id
            }
        };
        let t = &mut self.targets[id];
        if !t.iter().any(|x| x.slot == slot && x.entry == entry) {
            t.push(Target { slot, entry });
        }
    }

    pub fn build(self) -> Result<PhraseSet, String> {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            // Dense states (one transition per byte class) for the first
            // eight bytes of every phrase, where the scan spends its time:
            // fewer instructions per byte than sparse ones, for about 2 MB
            // more; a full DFA costs more to build than it saves.
            .dense_depth(8)
            .build(&self.literals)
            .map_err(|e| e.to_string())?;
        let bounds = self
            .literals
            .iter()
            .map(|l| {
                (
                    l.chars().next().is_some_and(is_word_char),
                    l.chars().next_back().is_some_and(is_word_char),
                )
            })
            .collect();
        Ok(PhraseSet {
            ac,
            targets: self.targets,
            bounds,
            slots: self.slots as usize,
            literals: self.literals,
        })
    }
}

pub(crate) struct PhraseSet {
    ac: AhoCorasick,
    targets: Vec<Vec<Target>>,
    /// Whether each literal needs a word boundary at its start and end.
    bounds: Vec<(bool, bool)>,
    slots: usize,
    literals: Vec<String>,
}

impl PhraseSet {
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The literal phrases, for export.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Scans `norm`, filling `hits[slot]` with whole-word occurrences.
    /// `lower` is `norm` with ASCII letters lowercased. Each slot that
    /// gets its first hit is added to `touched`, so that a caller clears
    /// and sorts only those (a pack has hundreds of slots, a reply hits
    /// a few).
    pub fn scan(&self, norm: &str, lower: &str, hits: &mut [Vec<Hit>], touched: &mut Vec<u32>) {
        debug_assert_eq!(norm.len(), lower.len());
        let bytes = norm.as_bytes();
        for m in self.ac.find_overlapping_iter(lower) {
            let id = m.pattern().as_usize();
            let (need_start, need_end) = self.bounds[id];
            let (start, mut end) = (m.start(), m.end());
            if need_start && start > 0 && word_before(norm, start) {
                continue;
            }
            if need_end && end < bytes.len() {
                match word_end(norm, end) {
                    Some(e) => end = e,
                    None => continue,
                }
            }
            for t in &self.targets[id] {
                let slot = &mut hits[t.slot as usize];
                if slot.is_empty() {
                    touched.push(t.slot);
                }
                slot.push(Hit {
                    range: start..end,
                    entry: t.entry,
                });
            }
        }
    }
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a word continues into `at` from the left. A hyphen between
/// letters joins words ("how-tos" holds no "tos").
fn word_before(norm: &str, at: usize) -> bool {
    let b = norm.as_bytes()[at - 1];
    if b == b'-' {
        return at >= 2 && norm.as_bytes()[at - 2].is_ascii_alphanumeric();
    }
    if b < 0x80 {
        return b.is_ascii_alphanumeric();
    }
    norm[..at].chars().next_back().is_some_and(is_word_char)
}

fn char_at(norm: &str, at: usize) -> Option<char> {
    let b = *norm.as_bytes().get(at)?;
    if b < 0x80 {
        return Some(b as char);
    }
    norm[at..].chars().next()
}

fn boundary_at(norm: &str, at: usize) -> bool {
    char_at(norm, at).is_none_or(|c| !is_word_char(c))
}

/// Where a match ending at `end` really ends, if it ends a word there:
/// directly, or after a plural `s`/`es` or a possessive `'s`.
fn word_end(norm: &str, end: usize) -> Option<usize> {
    match char_at(norm, end) {
        None => Some(end),
        Some('-') if char_at(norm, end + 1).is_some_and(|c| c.is_ascii_alphanumeric()) => None,
        Some('\'') => match char_at(norm, end + 1) {
            Some('s') | Some('S') if boundary_at(norm, end + 2) => Some(end + 2),
            Some(c) if is_word_char(c) => None,
            _ => Some(end),
        },
        Some('s') | Some('S') if boundary_at(norm, end + 1) => Some(end + 1),
        Some('e') | Some('E')
            if matches!(char_at(norm, end + 1), Some('s') | Some('S'))
                && boundary_at(norm, end + 2) =>
        {
            Some(end + 2)
        }
        Some(c) if is_word_char(c) => None,
        Some(_) => Some(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(phrases: &[&str], text: &str) -> Vec<String> {
        let mut b = PhraseSetBuilder::default();
        let slot = b.slot();
        for (i, p) in phrases.iter().enumerate() {
            b.add(slot, i as u32, (*p).to_owned());
        }
        let Ok(set) = b.build() else {
            return vec!["<build failed>".to_owned()];
        };
        let mut hits = vec![Vec::new(); set.slots()];
        set.scan(text, &text.to_ascii_lowercase(), &mut hits, &mut Vec::new());
        hits[0]
            .iter()
            .map(|h| text[h.range.clone()].to_owned())
            .collect()
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(scan(&["no"], "I know nobody, no."), vec!["no"]);
        assert_eq!(
            scan(&["rma"], "Two RMAs and an RMA's label"),
            vec!["RMAs", "RMA's"]
        );
        assert_eq!(scan(&["chill"], "chilled, chill!"), vec!["chill"]);
        assert!(scan(&["it"], "it'd").is_empty());
        assert!(scan(&["tos"], "how-tos").is_empty());
        assert!(scan(&["no"], "no-reply").is_empty());
    }

    #[test]
    fn reports_overlapping_phrases() {
        let got = scan(&["not my job", "that's not my job"], "that's not my job");
        assert_eq!(got.len(), 2);
    }
}
