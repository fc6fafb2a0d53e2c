//! Suggestions: what a rule offers to write instead, whether it is a fix
//! or advice, and how it is fitted into the reply.
//!
//! A pack writes a suggestion as a string (a fix, unless it has a gap for
//! the agent to fill, which makes it advice) or as a table:
//! `{ fix = "…" }`, `{ advice = "…" }`, optionally with
//! `scope = "sentence"` or `"clause"` (the suggestion replaces the whole
//! sentence or clause that holds the match, and the finding's span says
//! so). Templates fill `{matched}`, `{sentence-case}`, `{lower}`,
//! `{first-char}`, `{drop-first}`, `{drop-last}` and the named groups of
//! the pattern that matched (`{thing}` for `(?P<thing>…)`).
//!
//! Fitting a suggestion in place: the first letter follows the sentence
//! position, names and acronyms keep their case, a removal swallows the
//! space it leaves, an insertion gets its spaces and a full stop before it,
//! punctuation is not doubled, and a word that ended a sentence before the
//! edit but no longer does is lowered when it is an ordinary word.

use once_cell::sync::Lazy;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

/// Whether a suggestion may be applied without a person reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SuggestionKind {
    /// Reads as correct English in place and keeps the meaning: "fix all"
    /// applies it.
    Fix,
    /// Shown to the agent, never applied automatically (a better way to
    /// say it, possibly with a gap to fill).
    Advice,
}

impl SuggestionKind {
    /// The stable key used in packs and output: `fix` or `advice`.
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Fix => "fix",
            SuggestionKind::Advice => "advice",
        }
    }
}

/// What a suggestion replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SuggestionScope {
    /// The matched words (the default).
    #[default]
    Match,
    /// The clause that holds the match: up to the nearest `,` `;` `:` or
    /// dash on each side, within the sentence.
    Clause,
    /// The sentence that holds the match, without its closing punctuation
    /// (and without leading `@handle`s).
    Sentence,
}

/// A suggestion as a pack writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SuggestionEntry {
    /// The template.
    pub text: String,
    /// The kind the pack declared (`{ fix = … }` or `{ advice = … }`);
    /// `None` for a plain string.
    pub declared: Option<SuggestionKind>,
    /// What it replaces.
    pub scope: SuggestionScope,
}

impl SuggestionEntry {
    /// A plain suggestion: a fix unless it has a gap.
    pub fn new(text: impl Into<String>) -> Self {
        SuggestionEntry {
            text: text.into(),
            declared: None,
            scope: SuggestionScope::Match,
        }
    }

    /// Advice.
    pub fn advice(text: impl Into<String>) -> Self {
        SuggestionEntry {
            declared: Some(SuggestionKind::Advice),
            ..SuggestionEntry::new(text)
        }
    }

    /// A fix.
    pub fn fix(text: impl Into<String>) -> Self {
        SuggestionEntry {
            declared: Some(SuggestionKind::Fix),
            ..SuggestionEntry::new(text)
        }
    }

    /// The same suggestion with another scope.
    pub fn with_scope(mut self, scope: SuggestionScope) -> Self {
        self.scope = scope;
        self
    }

    /// Fix or advice: as declared, else advice when the text has a gap
    /// for the agent to fill, else a fix.
    pub fn kind(&self) -> SuggestionKind {
        match self.declared {
            Some(k) => k,
            None if has_gap(&self.text) => SuggestionKind::Advice,
            None => SuggestionKind::Fix,
        }
    }
}

impl From<&str> for SuggestionEntry {
    fn from(s: &str) -> Self {
        SuggestionEntry::new(s)
    }
}

impl Serialize for SuggestionEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.declared.is_none() && self.scope == SuggestionScope::Match {
            return s.serialize_str(&self.text);
        }
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(self.kind().as_str(), &self.text)?;
        if self.scope != SuggestionScope::Match {
            map.serialize_entry("scope", &self.scope)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SuggestionEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SuggestionEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a suggestion: a string, or a table with `fix` or `advice` and an optional `scope`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SuggestionEntry::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut text: Option<(SuggestionKind, String)> = None;
                let mut scope = None;
                while let Some(key) = map.next_key::<String>()? {
                    let kind = match key.as_str() {
                        "fix" => SuggestionKind::Fix,
                        "advice" => SuggestionKind::Advice,
                        "scope" => {
                            if scope.is_some() {
                                return Err(de::Error::duplicate_field("scope"));
                            }
                            scope = Some(map.next_value::<SuggestionScope>()?);
                            continue;
                        }
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["fix", "advice", "scope"],
                            ))
                        }
                    };
                    if text.is_some() {
                        return Err(de::Error::custom(
                            "a suggestion is either `fix` or `advice`, not both",
                        ));
                    }
                    text = Some((kind, map.next_value::<String>()?));
                }
                let Some((kind, text)) = text else {
                    return Err(de::Error::custom(
                        "a suggestion table needs `fix = \"…\"` or `advice = \"…\"`",
                    ));
                };
                Ok(SuggestionEntry {
                    text,
                    declared: Some(kind),
                    scope: scope.unwrap_or_default(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Whether a text has a gap for the agent to fill: `…` or `...`, a word
/// in square or angle brackets (`[X]`, `<date>`), or `___`.
pub fn has_gap(s: &str) -> bool {
    // Byte windows rather than substring searches: this runs for every
    // suggestion of every finding, on short texts.
    if s.contains('…') || s.as_bytes().windows(3).any(|w| w == b"..." || w == b"___") {
        return true;
    }
    for (open, close) in [('[', ']'), ('<', '>')] {
        let mut rest = s;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + 1..];
            match after.find(close) {
                Some(j) if j > 0 && j <= 40 && !after[..j].contains(open) => return true,
                _ => rest = after,
            }
        }
    }
    false
}

/// The template placeholders every suggestion may use.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "matched",
    "sentence-case",
    "lower",
    "first-char",
    "drop-first",
    "drop-last",
];

/// The `{name}`s in a template that look like placeholders (lowercase
/// letters, digits, `-` and `_`).
pub(crate) fn template_names(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                out.push(name);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------
// Ordinary words.

static WORDS: Lazy<HashSet<String>> = Lazy::new(|| {
    include_str!("words.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect()
});

/// Whether `word` (any case) is an ordinary English word: listed, or a
/// listed word with a common ending. `extra` are a pack's additions.
pub(crate) fn is_ordinary(word: &str, extra: &[String]) -> bool {
    let w = word.to_lowercase().replace('’', "'");
    let known = |s: &str| !s.is_empty() && (WORDS.contains(s) || extra.iter().any(|e| e == s));
    if known(&w) {
        return true;
    }
    let stems = [
        w.strip_suffix("'s"),
        w.strip_suffix("n't"),
        w.strip_suffix("es"),
        w.strip_suffix('s'),
        w.strip_suffix("ed"),
        w.strip_suffix('d'),
        w.strip_suffix("ing"),
        w.strip_suffix("ly"),
        w.strip_suffix("er"),
        w.strip_suffix("ies").map(|_| ""),
    ];
    if stems.iter().flatten().any(|s| known(s)) {
        return true;
    }
    // "stopped" → "stop", "making" → "make".
    if let Some(stem) = w.strip_suffix("ing").or_else(|| w.strip_suffix("ed")) {
        let b = stem.as_bytes();
        if b.len() >= 2
            && b[b.len() - 1].is_ascii()
            && b[b.len() - 1] == b[b.len() - 2]
            && known(&stem[..stem.len() - 1])
        {
            return true;
        }
        if known(&format!("{stem}e")) {
            return true;
        }
    }
    if let Some(stem) = w.strip_suffix("ies").or_else(|| w.strip_suffix("ied")) {
        if known(&format!("{stem}y")) {
            return true;
        }
    }
    false
}

/// Whether a word is written in capitals (two letters or more, no
/// lowercase).
fn in_capitals(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
}

/// "I" and its contractions, which keep their capital anywhere.
fn is_first_person(word: &str) -> bool {
    let w = word.replace('’', "'");
    w == "I" || w.starts_with("I'")
}

// ---------------------------------------------------------------------
// Templates.

/// The text without its first (or last) word and the punctuation and
/// space that join it to the rest.
pub(crate) fn drop_word(s: &str, first: bool) -> &str {
    let is_sep = |c: char| c.is_whitespace() || c == ',';
    if first {
        match s.find(is_sep) {
            Some(i) => s[i..].trim_start_matches(is_sep),
            None => "",
        }
    } else {
        match s.rfind(is_sep) {
            Some(i) => s[..i].trim_end_matches(is_sep),
            None => "",
        }
    }
}

/// Lowers words written in capitals when they are ordinary words; names,
/// acronyms (`keep`) and anything that is not a plain word (links,
/// addresses, codes with digits) keep their case. Returns the text and
/// whether some word in capitals that is not an acronym was left as it is
/// (then the result may still shout, or lower a name: it is advice).
pub(crate) fn sentence_case(s: &str, keep: &[String], ordinary: &[String]) -> (String, bool) {
    let (out, unsure) = sentence_case_with(s, keep, ordinary, false);
    // Words in capitals, and how many of them are ordinary words.
    let caps: Vec<&str> = s
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| in_capitals(w) && !keep.iter().any(|k| k == w))
        .collect();
    let known = caps.iter().filter(|w| is_ordinary(w, ordinary)).count();
    if unsure && known * 2 >= caps.len() {
        // Advice for a person to read: every word but acronyms lowered,
        // and the person puts the names back.
        (sentence_case_with(s, keep, ordinary, true).0, true)
    } else {
        (out, unsure)
    }
}

fn sentence_case_with(
    s: &str,
    keep: &[String],
    ordinary: &[String],
    lower_all: bool,
) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut unsure = false;
    for chunk in s.split_inclusive(char::is_whitespace) {
        let plain = !(chunk.contains("://")
            || chunk.starts_with("www.")
            || chunk.contains('@')
            || chunk.chars().any(|c| c.is_ascii_digit()));
        if !plain {
            out.push_str(chunk);
            continue;
        }
        let mut word = String::new();
        let mut flush = |word: &mut String, out: &mut String| {
            let core = word.strip_suffix('s').unwrap_or(word);
            if keep.iter().any(|k| k == core || k == word) {
                out.push_str(word);
            } else if lower_all || !in_capitals(word) || is_ordinary(word, ordinary) {
                if word == "I" || word.starts_with("I'") || word.starts_with("I’") {
                    out.push('I');
                    out.push_str(&word[1..].to_lowercase());
                } else {
                    out.push_str(&word.to_lowercase());
                }
            } else {
                unsure = true;
                out.push_str(word);
            }
            word.clear();
        };
        for ch in chunk.chars() {
            if ch.is_alphanumeric() || ch == '\'' || ch == '’' || ch == '&' {
                word.push(ch);
            } else {
                flush(&mut word, &mut out);
                out.push(ch);
            }
        }
        flush(&mut word, &mut out);
    }
    (out, unsure)
}

/// What a template is filled from.
pub(crate) struct Fill<'t> {
    /// The matched words.
    pub matched: &'t str,
    /// Named groups of the pattern that matched, as original text.
    pub captures: &'t [(String, Range<usize>)],
    /// The original text the captures point into.
    pub text: &'t str,
    /// Words never to lower (acronyms).
    pub keep_case: &'t [String],
    /// A pack's ordinary words, beyond the built-in list.
    pub ordinary: &'t [String],
}

/// A filled template: the text, whether its first character is the
/// template's own (not the reply's), and whether it is unsure (advice).
pub(crate) struct Filled {
    pub text: String,
    pub literal_start: bool,
    pub unsure: bool,
    /// A group the template names took no part in the match.
    pub missing: bool,
    /// The ranges of the reply that the template copies (its groups).
    pub used: Vec<Range<usize>>,
}

/// Fills a suggestion template.
pub(crate) fn render(template: &str, fill: &Fill<'_>) -> Filled {
    let mut out = String::with_capacity(template.len() + fill.matched.len());
    let mut unsure = false;
    let mut missing = false;
    let mut used = Vec::new();
    let mut literal_start = true;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let name_end = rest.find('}').map_or(0, |e| e + 1);
        let name = if name_end > 1 {
            &rest[1..name_end - 1]
        } else {
            ""
        };
        let at_start = out.is_empty();
        let value: Option<String> = match name {
            "matched" => Some(fill.matched.to_owned()),
            "sentence-case" => {
                let (s, u) = sentence_case(fill.matched, fill.keep_case, fill.ordinary);
                unsure |= u;
                Some(s)
            }
            "lower" => Some(fill.matched.to_lowercase()),
            "drop-first" => Some(drop_word(fill.matched, true).to_owned()),
            "drop-last" => Some(drop_word(fill.matched, false).to_owned()),
            "first-char" => Some(
                fill.matched
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default(),
            ),
            _ => fill.captures.iter().find(|(n, _)| n == name).map(|(_, r)| {
                used.push(r.clone());
                fill.text.get(r.clone()).unwrap_or("").to_owned()
            }),
        };
        match value {
            Some(v) => {
                if at_start && !v.is_empty() {
                    literal_start = false;
                }
                out.push_str(&v);
                rest = &rest[name_end..];
            }
            None if template_names(&rest[..name_end]).len() == 1 => {
                // A group that took no part in this match.
                missing = true;
                rest = &rest[name_end..];
            }
            None => {
                // Not a placeholder: the brace stands for itself.
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Filled {
        text: out,
        literal_start,
        unsure,
        missing,
        used,
    }
}

// ---------------------------------------------------------------------
// Fitting a suggestion in place.

/// A pack's word lists that fitting reads.
pub(crate) struct Words<'w> {
    /// Words that sentence case may lower, beyond the built-in list.
    pub ordinary: &'w [String],
    /// Words a wider fix may drop, beyond the built-in list.
    pub fillers: &'w [String],
}

/// Where a finding stands in the reply, in original bytes.
pub(crate) struct Site<'t> {
    /// The reply.
    pub text: &'t str,
    /// The matched words (empty for an insertion point).
    pub span: Range<usize>,
    /// The sentence that holds the match, trimmed, if any.
    pub sentence: Option<Range<usize>>,
    /// Whether the match starts its sentence (leading punctuation aside).
    pub starts_sentence: bool,
}

/// A suggestion fitted in place: the bytes it replaces and the new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placed {
    pub span: Range<usize>,
    pub text: String,
    pub kind: SuggestionKind,
}

const TERMINATORS: &[char] = &['.', '!', '?', '…'];
const DETERMINERS: &[&str] = &[
    "the", "our", "your", "a", "an", "my", "their", "this", "that", "its",
];

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}'
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// The word that starts at `at` (letters, digits, apostrophes).
fn word_at(text: &str, at: usize) -> &str {
    let end = text[at..]
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map_or(text.len(), |(i, _)| at + i);
    &text[at..end]
}

/// The range a scope covers around the match.
fn scope_range(site: &Site<'_>, scope: SuggestionScope) -> Range<usize> {
    let span = site.span.clone();
    let (Some(sentence), false) = (site.sentence.clone(), span.is_empty()) else {
        return span;
    };
    if scope == SuggestionScope::Match {
        return span;
    }
    let text = site.text;
    let mut start = sentence.start;
    // Leading @handles are not the sentence's words.
    while text[start..sentence.end].starts_with('@') {
        match text[start..sentence.end].find(char::is_whitespace) {
            Some(sp) => {
                start += sp;
                start +=
                    text[start..sentence.end].len() - text[start..sentence.end].trim_start().len();
            }
            None => break,
        }
    }
    let mut end = sentence.end;
    let body =
        text[start..end].trim_end_matches(|c: char| TERMINATORS.contains(&c) || c.is_whitespace());
    end = start + body.len();
    if scope == SuggestionScope::Clause {
        let is_boundary = |c: char| matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')');
        if start < span.start {
            if let Some((i, c)) = text[start..span.start]
                .char_indices()
                .rev()
                .find(|&(_, c)| is_boundary(c))
            {
                let after = start + i + c.len_utf8();
                start = after + (text[after..].len() - text[after..].trim_start().len());
            }
        }
        if span.end < end {
            if let Some((i, _)) = text[span.end..end]
                .char_indices()
                .find(|&(_, c)| is_boundary(c))
            {
                end = span.end + text[span.end..span.end + i].trim_end().len();
            }
        }
    }
    start.min(span.start)..end.max(span.end)
}

/// Words that a sentence- or clause-wide fix may drop along with the
/// match: they carry no content of their own ("Sorry, no.", "As I said
/// before,"). A pack's `fillers` list adds to them.
const FILLERS: &[&str] = &[
    "sorry",
    "honestly",
    "unfortunately",
    "sadly",
    "afraid",
    "i'm",
    "i",
    "am",
    "well",
    "ok",
    "okay",
    "so",
    "but",
    "and",
    "oh",
    "hi",
    "hey",
    "hello",
    "really",
    "just",
    "though",
    "anyway",
    "then",
    "now",
    "yes",
    "please",
    "look",
    "listen",
    "again",
    "already",
    "before",
    "earlier",
    "previously",
    "once",
    "twice",
    "totally",
    "very",
    "truly",
    "frankly",
    "simply",
    "quite",
    "exactly",
    "obviously",
    "clearly",
    "um",
    "uh",
    "hmm",
    "ah",
    "alas",
];

/// Whether the words of `range` outside the match and the copied groups
/// are all fillers.
fn only_fillers(
    text: &str,
    range: &Range<usize>,
    covered: &[Range<usize>],
    fillers: &[String],
) -> bool {
    let mut at = range.start;
    let mut rest = String::new();
    let mut cov: Vec<&Range<usize>> = covered.iter().filter(|r| !r.is_empty()).collect();
    cov.sort_by_key(|r| r.start);
    for r in cov {
        if r.start > at {
            rest.push_str(&text[at..r.start.min(range.end)]);
            rest.push(' ');
        }
        at = at.max(r.end);
    }
    if at < range.end {
        rest.push_str(&text[at..range.end]);
    }
    rest.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '@'))
        .filter(|w| !w.is_empty() && !w.starts_with('@'))
        .all(|w| {
            let w = w.to_lowercase().replace('’', "'");
            FILLERS.contains(&w.as_str()) || fillers.contains(&w)
        })
}

/// Fits a filled suggestion into the reply.
pub(crate) fn place(
    site: &Site<'_>,
    scope: SuggestionScope,
    filled: Filled,
    kind: SuggestionKind,
    words: &Words<'_>,
) -> Placed {
    let text = site.text;
    let ordinary = words.ordinary;
    let mut kind = if filled.unsure || has_gap_in_template_output(&filled.text, text, &site.span) {
        SuggestionKind::Advice
    } else {
        kind
    };
    let mut range = scope_range(site, scope);
    if scope != SuggestionScope::Match && !range.is_empty() {
        // A wider fix must not drop words that say something.
        let mut covered = filled.used.clone();
        covered.push(site.span.clone());
        if !only_fillers(text, &range, &covered, words.fillers) {
            kind = SuggestionKind::Advice;
        }
    }
    if range.is_empty() {
        return insert(text, range.start, filled, kind);
    }
    let starts = if scope == SuggestionScope::Match {
        site.starts_sentence
    } else {
        site.starts_sentence || sentence_starts_at(site, range.start)
    };
    // A capital right after a full stop with no space ("caused.We") starts
    // a sentence the sentence splitter does not see.
    let prev = text[..range.start].trim_end_matches(is_space);
    let prev_token = prev.rsplit(char::is_whitespace).next().unwrap_or("");
    let starts = starts
        || (text[range.start..].starts_with(|c: char| c.is_uppercase())
            && (prev.ends_with(['.', '!', '?', '\n'])
                // After a link, a capital starts a sentence too.
                || prev_token.contains("://")
                || prev_token.starts_with("www.")));
    let mut new = filled.text.trim_matches(is_space).to_owned();

    // Advice is read, not applied: it keeps its own wording and
    // punctuation, with a capital where a sentence starts.
    if kind == SuggestionKind::Advice {
        if new.ends_with(['.', '!', '?'])
            && !new.ends_with("...")
            && char_at(text, range.end).is_some_and(|c| TERMINATORS.contains(&c))
        {
            new.pop();
        }
        if let Some(first) = new.chars().next() {
            if starts && first.is_lowercase() {
                new.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
            }
        }
        return Placed {
            span: range,
            text: new,
            kind,
        };
    }

    // Removal: swallow the space left behind, keep the sentence's capital.
    if new.is_empty() {
        let before = char_before(text, range.start);
        let after_len =
            text[range.end..].len() - text[range.end..].trim_start_matches(is_space).len();
        let after = char_at(text, range.end + after_len);
        if starts && matches!(after, Some(',' | ';' | ':')) {
            // "Please be advised, the office …": the comma goes too.
            range.end += after_len + 1;
            range.end +=
                text[range.end..].len() - text[range.end..].trim_start_matches(is_space).len();
        } else if after_len > 0 && (before.is_none_or(|c| c.is_whitespace()) || starts) {
            range.end += after_len;
        } else {
            let before_len =
                text[..range.start].len() - text[..range.start].trim_end_matches(is_space).len();
            range.start -= before_len;
        }
        // ", ." or ",," left behind: drop the comma before.
        let prev = text[..range.start].trim_end_matches(is_space);
        if prev.ends_with(',')
            && after.is_some_and(|c| matches!(c, ',' | '.' | ';' | ':' | '!' | '?'))
        {
            range.start = prev.len() - 1;
        }
        if starts {
            if let Some(c) = char_at(text, range.end) {
                if c.is_lowercase() {
                    let up: String = c.to_uppercase().collect();
                    return Placed {
                        span: range.start..range.end + c.len_utf8(),
                        text: up,
                        kind,
                    };
                }
            }
        }
        return Placed {
            span: range,
            text: String::new(),
            kind,
        };
    }

    // A determiner right before the span when the new text brings its own:
    // "on the backend" → "on our systems", not "on the our systems".
    let first_word = new
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    if DETERMINERS.contains(&first_word.to_lowercase().as_str()) {
        let before = text[..range.start].trim_end_matches(is_space);
        if before.len() < range.start {
            let word_start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let prev = &before[word_start..];
            if DETERMINERS.contains(&prev.to_lowercase().as_str()) {
                let absorbed_start = sentence_starts_at(site, word_start);
                range.start = word_start;
                return finish(
                    site,
                    range,
                    new,
                    filled.literal_start,
                    absorbed_start,
                    kind,
                    ordinary,
                );
            }
        }
    }
    // A trailing full stop where one already follows.
    if new.ends_with(['.', '!', '?']) && !new.ends_with("...") {
        if let Some(c) = char_at(text, range.end) {
            if TERMINATORS.contains(&c) {
                new.pop();
            }
        }
    }
    if new.ends_with(',') {
        if let Some(c) = char_at(text, range.end) {
            if matches!(c, ',' | '.' | ';' | ':' | '!' | '?') {
                new.pop();
            }
        }
    }
    finish(
        site,
        range,
        new,
        filled.literal_start,
        starts,
        kind,
        ordinary,
    )
}

/// Whether `at` is where the words of the site's sentence start.
fn sentence_starts_at(site: &Site<'_>, at: usize) -> bool {
    match &site.sentence {
        Some(s) if s.start <= at && at <= s.end => {
            let lead = &site.text[s.start..at];
            // Leading @handles and punctuation only.
            lead.split_whitespace()
                .all(|w| w.starts_with('@') || !w.chars().any(char::is_alphanumeric))
        }
        _ => false,
    }
}

/// The first letter by sentence position; the word after the span by what
/// now ends before it.
fn finish(
    site: &Site<'_>,
    mut range: Range<usize>,
    mut new: String,
    literal_start: bool,
    starts: bool,
    kind: SuggestionKind,
    ordinary: &[String],
) -> Placed {
    let text = site.text;
    if let Some(first) = new.chars().next() {
        let first_word = new
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .next()
            .unwrap_or("");
        if starts {
            if first.is_lowercase() {
                new.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
            }
        } else if literal_start
            && first.is_uppercase()
            && !is_first_person(first_word)
            && !first_word.chars().skip(1).any(char::is_uppercase)
        {
            new.replace_range(..first.len_utf8(), &first.to_lowercase().to_string());
        }
    }
    // "a" or "an" before the new words.
    if let Some(first) = new
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .filter(|w| !w.is_empty())
    {
        let before = &text[..range.start];
        if let Some(art_start) = before.strip_suffix(' ').and_then(|b| {
            let ws = b
                .char_indices()
                .rev()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(0, |(i, c)| i + c.len_utf8());
            matches!(&b[ws..], "a" | "an" | "A" | "An").then_some(ws)
        }) {
            let article = &before[art_start..before.len() - 1];
            let want_an = wants_an(first);
            let is_an = article.len() == 2;
            if want_an != is_an {
                let capital = article.starts_with('A');
                let fixed = match (want_an, capital) {
                    (true, true) => "An",
                    (true, false) => "an",
                    (false, true) => "A",
                    (false, false) => "a",
                };
                new = format!("{fixed} {new}");
                range.start = art_start;
            }
        }
    }
    // The words after the span: a sentence that ended inside the span and
    // no longer does goes on in lowercase; one that now ends starts with a
    // capital.
    let old = &text[range.clone()];
    let ends_old = old.trim_end().ends_with(TERMINATORS);
    // A gap ("…") ends nothing.
    let ends_new = new.ends_with(['.', '!', '?']) && !new.ends_with("...");
    let gap = text[range.end..].len() - text[range.end..].trim_start_matches(is_space).len();
    let next_at = range.end + gap;
    if gap > 0 && next_at < text.len() {
        let next = word_at(text, next_at);
        if let Some(c) = next.chars().next() {
            let change = if ends_old && !ends_new {
                c.is_uppercase()
                    && !is_first_person(next)
                    && !next.chars().skip(1).any(char::is_uppercase)
                    && is_ordinary(next, ordinary)
            } else {
                ends_new && !ends_old && c.is_lowercase()
            };
            if change {
                let flipped: String = if c.is_uppercase() {
                    c.to_lowercase().collect()
                } else {
                    c.to_uppercase().collect()
                };
                new.push_str(&text[range.end..next_at]);
                new.push_str(&flipped);
                range.end = next_at + c.len_utf8();
            }
        }
    }
    Placed {
        span: range,
        text: new,
        kind,
    }
}

/// Whether a word takes "an": a vowel sound, as far as spelling tells.
fn wants_an(word: &str) -> bool {
    let lower = word.to_lowercase();
    if word.len() > 1 && in_capitals(word) {
        // Acronyms said letter by letter.
        return lower.starts_with(['a', 'e', 'f', 'h', 'i', 'l', 'm', 'n', 'o', 'r', 's', 'x']);
    }
    if ["uni", "use", "usu", "eu", "one", "once", "ur"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return false;
    }
    if ["hour", "honest", "honour", "honor", "heir"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return true;
    }
    lower.starts_with(['a', 'e', 'i', 'o', 'u'])
}

/// A gap the template brought in (a gap already in the reply's own words,
/// copied through a capture, does not count).
fn has_gap_in_template_output(new: &str, text: &str, span: &Range<usize>) -> bool {
    has_gap(new) && !has_gap(&text[span.clone()])
}

/// An insertion at `at`: spaces around it, a full stop before a sentence
/// that follows words, the first letter by position.
fn insert(text: &str, at: usize, filled: Filled, kind: SuggestionKind) -> Placed {
    let raw = filled.text.trim_matches(is_space);
    if raw.trim().is_empty() {
        return Placed {
            span: at..at,
            text: String::new(),
            kind,
        };
    }
    let before = text[..at].trim_end_matches(is_space);
    let after = &text[at..];
    let last = before.chars().next_back();
    let mut new = String::new();
    // Nothing but @handles before it (a social reply's addressees) ends
    // no sentence either.
    let only_handles = before.split_whitespace().all(|w| w.starts_with('@'));
    let starts = last.is_none_or(|c| c == '\n' || TERMINATORS.contains(&c))
        || only_handles
        || before.ends_with(".\"")
        || before.ends_with(".)");
    let sentence = raw.ends_with(TERMINATORS) || raw.ends_with('\n') || raw.ends_with(',');
    if let Some(c) = last {
        if sentence && !starts && c.is_alphanumeric() && !raw.starts_with('\n') {
            new.push('.');
        }
    }
    let ws_before = text[..at].ends_with(char::is_whitespace);
    if last.is_some() && !ws_before && !raw.starts_with('\n') {
        new.push(' ');
    }
    let mut body = raw.to_owned();
    if let Some(first) = body.chars().next() {
        let first_word = body
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let sentence_start = starts || new.starts_with('.');
        if sentence_start && first.is_lowercase() {
            body.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
        } else if !sentence_start
            && filled.literal_start
            && first.is_uppercase()
            && !is_first_person(first_word)
            && !first_word.chars().skip(1).any(char::is_uppercase)
        {
            body.replace_range(..first.len_utf8(), &first.to_lowercase().to_string());
        }
    }
    new.push_str(&body);
    if let Some(c) = after.chars().next() {
        if !c.is_whitespace()
            && !body.ends_with(char::is_whitespace)
            && !matches!(c, ',' | '.' | ';' | ':' | '!' | '?')
        {
            // At the start of a line, the inserted sentence is a line of
            // its own (a closing line after it stays one).
            if text[..at].ends_with('\n') {
                new.push('\n');
            } else {
                new.push(' ');
            }
        }
    }
    Placed {
        span: at..at,
        text: new,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_WORDS: Words<'static> = Words {
        ordinary: &[],
        fillers: &[],
    };

    #[test]
    fn articles_agree() {
        assert_eq!(
            fix(
                "Send us an RMA today.",
                "RMA",
                "return authorisation",
                SuggestionScope::Match
            ),
            "Send us a return authorisation today."
        );
    }

    #[test]
    fn wider_fixes_keep_content_or_become_advice() {
        let text = "That's not my job, but Sam can help.";
        let s = site(text, "That's not my job");
        let filled = render(
            "Let me find the right person.",
            &fill("That's not my job", text, &[]),
        );
        let p = place(
            &s,
            SuggestionScope::Sentence,
            filled,
            SuggestionKind::Fix,
            &NO_WORDS,
        );
        assert_eq!(p.kind, SuggestionKind::Advice);
        let text = "Sorry, that's not my job.";
        let s = site(text, "that's not my job");
        let filled = render(
            "Let me find the right person.",
            &fill("that's not my job", text, &[]),
        );
        let p = place(
            &s,
            SuggestionScope::Sentence,
            filled,
            SuggestionKind::Fix,
            &NO_WORDS,
        );
        assert_eq!(p.kind, SuggestionKind::Fix);
        assert_eq!(apply(text, &p), "Let me find the right person.");
    }

    fn site<'t>(text: &'t str, word: &str) -> Site<'t> {
        let start = text.find(word).expect("word in text");
        let sentence_start = text[..start].rfind(['.', '!', '?']).map_or(0, |i| {
            i + 1 + text[i + 1..].len() - text[i + 1..].trim_start().len()
        });
        let sentence_end = text[start..]
            .find(['.', '!', '?'])
            .map_or(text.len(), |i| start + i + 1);
        Site {
            text,
            span: start..start + word.len(),
            sentence: Some(sentence_start..sentence_end),
            starts_sentence: text[sentence_start..start].trim().is_empty(),
        }
    }

    fn apply(text: &str, p: &Placed) -> String {
        format!("{}{}{}", &text[..p.span.start], p.text, &text[p.span.end..])
    }

    fn fill<'a>(matched: &'a str, text: &'a str, caps: &'a [(String, Range<usize>)]) -> Fill<'a> {
        Fill {
            matched,
            captures: caps,
            text,
            keep_case: &[],
            ordinary: &[],
        }
    }

    fn fix(text: &str, word: &str, template: &str, scope: SuggestionScope) -> String {
        let s = site(text, word);
        let filled = render(template, &fill(word, text, &[]));
        apply(
            text,
            &place(&s, scope, filled, SuggestionKind::Fix, &NO_WORDS),
        )
    }

    #[test]
    fn gaps_make_advice() {
        assert!(has_gap("Here's what I can do: …"));
        assert!(has_gap("I'll update you by <time>."));
        assert!(has_gap("Sorry about [the problem]."));
        assert!(!has_gap("Let me find out for you."));
        assert_eq!(
            SuggestionEntry::new("Here's what I can do: ...").kind(),
            SuggestionKind::Advice
        );
        assert_eq!(
            SuggestionEntry::new("To recap,").kind(),
            SuggestionKind::Fix
        );
    }

    #[test]
    fn first_letter_follows_position() {
        assert_eq!(
            fix(
                "That's not my job.",
                "That's not my job",
                "let me find the right person",
                SuggestionScope::Match
            ),
            "Let me find the right person."
        );
        assert_eq!(
            fix(
                "Well, As I said, it ships today.",
                "As I said",
                "To recap",
                SuggestionScope::Match
            ),
            "Well, to recap, it ships today."
        );
    }

    #[test]
    fn removal_swallows_space() {
        assert_eq!(
            fix(
                "It will definitely arrive today.",
                "definitely",
                "",
                SuggestionScope::Match
            ),
            "It will arrive today."
        );
        assert_eq!(
            fix(
                "Obviously you need to sign in.",
                "Obviously",
                "",
                SuggestionScope::Match
            ),
            "You need to sign in."
        );
    }

    #[test]
    fn sentence_scope_replaces_the_sentence() {
        assert_eq!(
            fix(
                "Thanks. Honestly, I don't know. Sorry.",
                "I don't know",
                "Let me find out for you.",
                SuggestionScope::Sentence
            ),
            "Thanks. Let me find out for you. Sorry."
        );
    }

    #[test]
    fn determiners_are_not_doubled() {
        assert_eq!(
            fix(
                "The issue is on the backend today.",
                "backend",
                "our systems",
                SuggestionScope::Match
            ),
            "The issue is on our systems today."
        );
    }

    #[test]
    fn captures_fill_templates() {
        let text = "You must be really annoyed by all these texts.";
        let at = text.find("all these texts").expect("in text");
        let caps = vec![("thing".to_owned(), at..at + "all these texts".len())];
        let s = site(text, "You must be really annoyed by all these texts");
        let filled = render(
            "I can see how {thing} would be annoying",
            &fill("", text, &caps),
        );
        let p = place(
            &s,
            SuggestionScope::Sentence,
            filled,
            SuggestionKind::Fix,
            &NO_WORDS,
        );
        assert_eq!(
            apply(text, &p),
            "I can see how all these texts would be annoying."
        );
    }

    #[test]
    fn sentence_case_keeps_names() {
        let (s, unsure) = sentence_case("PLEASE DO NOT REPLY", &[], &[]);
        assert_eq!(s, "please do not reply");
        assert!(!unsure);
        let (s, unsure) = sentence_case("LONGBRIDGE, MANCHESTER, MARBLE ARCH", &[], &[]);
        assert_eq!(s, "LONGBRIDGE, MANCHESTER, MARBLE ARCH");
        assert!(unsure);
    }

    #[test]
    fn insertion_gets_a_full_stop_and_a_space() {
        let text = "Your plan is active";
        let p = insert(
            text,
            text.len(),
            Filled {
                text: " Thank you for your patience.".into(),
                literal_start: true,
                unsure: false,
                missing: false,
                used: Vec::new(),
            },
            SuggestionKind::Fix,
        );
        assert_eq!(
            apply(text, &p),
            "Your plan is active. Thank you for your patience."
        );
    }
}
