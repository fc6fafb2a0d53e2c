//! Phrase templates and pattern references.
//!
//! A phrase template is literal text with three kinds of group:
//!
//! * `(a|b c)`: one of the alternatives;
//! * `[a|b]`: optionally one of the alternatives;
//! * `{name}`: one item of the pack list `name` (each item a template).
//!
//! Each literal phrase is then spelled in every way its contractions can be
//! written (`can't` / `cannot` / `can not`), as the pack's contraction
//! groups say. Patterns may use `{name}` too: it becomes a non-capturing
//! alternation of the list's expanded phrases.

use crate::canon::Canon;
pub(crate) use crate::fold::normalize_literal;
use std::collections::{BTreeMap, BTreeSet};

/// Most literal phrases one template may expand to.
pub(crate) const MAX_EXPANSIONS: usize = 20_000;
const MAX_DEPTH: usize = 8;

pub(crate) struct Vocabulary<'a> {
    lists: &'a BTreeMap<String, Vec<String>>,
    canon: &'a Canon,
}

impl<'a> Vocabulary<'a> {
    pub fn new(lists: &'a BTreeMap<String, Vec<String>>, canon: &'a Canon) -> Self {
        Vocabulary { lists, canon }
    }

    /// Every literal spelling of a phrase template, normalised (lowercase,
    /// straight quotes, single spaces).
    pub fn expand(&self, template: &str) -> Result<Vec<String>, String> {
        let raw = self.expand_template(template, 0)?;
        let mut out = BTreeSet::new();
        for phrase in raw {
            let phrase = self.canon.rewrite(&normalize_literal(&phrase));
            if phrase.is_empty() {
                continue;
            }
            out.insert(phrase);
            if out.len() > MAX_EXPANSIONS {
                return Err(format!(
                    "phrase `{template}` expands to more than {MAX_EXPANSIONS} phrases"
                ));
            }
        }
        Ok(out.into_iter().collect())
    }

    fn expand_template(&self, template: &str, depth: usize) -> Result<Vec<String>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("lists nest too deeply in `{template}`"));
        }
        let chars: Vec<char> = template.chars().collect();
        let mut pos = 0;
        let out = self.sequence(&chars, &mut pos, depth, template)?;
        if pos < chars.len() {
            return Err(format!(
                "unexpected `{}` in phrase `{template}`",
                chars[pos]
            ));
        }
        Ok(out)
    }

    /// A sequence up to `)`, `]`, `|` or the end.
    fn sequence(
        &self,
        chars: &[char],
        pos: &mut usize,
        depth: usize,
        template: &str,
    ) -> Result<Vec<String>, String> {
        let mut acc = vec![String::new()];
        while *pos < chars.len() {
            let c = chars[*pos];
            let alternatives = match c {
                ')' | ']' | '|' => break,
                '(' | '[' => {
                    let close = if c == '(' { ')' } else { ']' };
                    *pos += 1;
                    let mut alts = Vec::new();
                    loop {
                        alts.extend(self.sequence(chars, pos, depth, template)?);
                        match chars.get(*pos) {
                            Some('|') => *pos += 1,
                            Some(&x) if x == close => {
                                *pos += 1;
                                break;
                            }
                            _ => return Err(format!("unclosed `{c}` in phrase `{template}`")),
                        }
                    }
                    if c == '[' {
                        alts.push(String::new());
                    }
                    alts
                }
                '{' => {
                    let end = chars[*pos..]
                        .iter()
                        .position(|&x| x == '}')
                        .ok_or_else(|| format!("unclosed `{{` in phrase `{template}`"))?;
                    let name: String = chars[*pos + 1..*pos + end].iter().collect();
                    *pos += end + 1;
                    let items = self
                        .lists
                        .get(&name)
                        .ok_or_else(|| format!("unknown list `{name}`"))?;
                    let mut alts = Vec::new();
                    for item in items {
                        alts.extend(self.expand_template(item, depth + 1)?);
                    }
                    alts
                }
                _ => {
                    for a in &mut acc {
                        a.push(c);
                    }
                    *pos += 1;
                    continue;
                }
            };
            if acc.len() * alternatives.len().max(1) > MAX_EXPANSIONS {
                return Err(format!(
                    "phrase `{template}` expands to more than {MAX_EXPANSIONS} phrases"
                ));
            }
            let mut next = Vec::with_capacity(acc.len() * alternatives.len());
            for a in &acc {
                for alt in &alternatives {
                    let mut s = a.clone();
                    s.push_str(alt);
                    next.push(s);
                }
            }
            acc = next;
        }
        Ok(acc)
    }

    /// A pattern with `{list}` references replaced by alternations.
    pub fn expand_pattern(&self, pattern: &str) -> Result<String, String> {
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut rest = pattern;
        while let Some(p) = rest.find(['{', '\\']) {
            out.push_str(&self.canon.rewrite(&rest[..p]));
            let tail = &rest[p..];
            if let Some(after) = tail.strip_prefix('\\') {
                // Keep escapes; make word boundaries ASCII so that
                // non-ASCII text stays on the fast path.
                let mut it = after.chars();
                match it.next() {
                    Some('b') => out.push_str("(?-u:\\b)"),
                    Some('B') => out.push_str("(?-u:\\B)"),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => out.push('\\'),
                }
                rest = &after[after.chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
            let end = tail.find('}');
            let name = end.map(|e| &tail[1..e]);
            match name {
                Some(n) if is_list_name(n) => {
                    let items = self
                        .lists
                        .get(n)
                        .ok_or_else(|| format!("unknown list `{n}`"))?;
                    let mut phrases = BTreeSet::new();
                    for item in items {
                        phrases.extend(self.expand(item)?);
                    }
                    let mut phrases: Vec<String> = phrases.into_iter().collect();
                    // Longest first, so that alternation prefers them.
                    phrases.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                    out.push_str("(?:");
                    if phrases.is_empty() {
                        // An empty list matches nothing.
                        out.push_str("[^\\s\\S]");
                    }
                    for (i, ph) in phrases.iter().enumerate() {
                        if i > 0 {
                            out.push('|');
                        }
                        out.push_str(&regex::escape(ph));
                    }
                    out.push(')');
                    rest = &tail[end.map_or(1, |e| e + 1)..];
                }
                _ => {
                    out.push('{');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(&self.canon.rewrite(rest));
        Ok(out)
    }
}

fn is_list_name(n: &str) -> bool {
    n.starts_with(|c: char| c.is_ascii_lowercase())
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon() -> Canon {
        Canon::new(&[
            vec![
                "that's not".to_owned(),
                "that is not".into(),
                "that isn't".into(),
            ],
            vec!["can't".to_owned(), "cannot".into(), "can not".into()],
            vec!["that's".to_owned(), "that is".into()],
        ])
    }

    #[test]
    fn expands_groups_and_contractions() {
        let lists = BTreeMap::new();
        let c = canon();
        let v = Vocabulary::new(&lists, &c);
        let got = v.expand("That is not my (job|problem)").unwrap_or_default();
        assert_eq!(got, ["that is not my job", "that is not my problem"]);
        let got = v.expand("we [really] cannot help").unwrap_or_default();
        assert_eq!(got, ["we can not help", "we really can not help"]);
    }

    #[test]
    fn expands_lists_and_rejects_unknown_ones() {
        let mut lists = BTreeMap::new();
        lists.insert("who".to_owned(), vec!["I".to_owned(), "we".to_owned()]);
        let c = canon();
        let v = Vocabulary::new(&lists, &c);
        assert_eq!(v.expand("{who} can not").map(|v| v.len()).unwrap_or(0), 2);
        assert!(v.expand("{nobody} knows").is_err());
        assert!(v.expand("(a|b").is_err());
        let p = v
            .expand_pattern(r"\b{who} x{2} (that's|cannot)")
            .unwrap_or_default();
        assert_eq!(p, r"(?-u:\b)(?:we|i) x{2} (that is|can not)");
    }
}
