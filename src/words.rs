//! Word patterns: patterns written over words rather than characters.
//!
//! A word pattern is a sequence of tokens separated by spaces:
//!
//! * `word`, `can't`: that word (every contraction spelling, as phrases);
//! * `(a|b c)`: one of the alternatives, each itself a sequence;
//! * `[a|b]`: optionally one of the alternatives;
//! * `{list}`: an item of a pack list (each item is a word pattern);
//! * `word~`: any inflected form ("interrupt~" matches "interrupts",
//!   "interrupted", "interrupting"; "mess~" matches "messed"); `word~ed`
//!   the past forms (for the passive: "refund~ed", "give~ed" = "given",
//!   "gave"), `word~ing` the -ing form, `word~s` the -s form. A suffix
//!   after a group or a list inflects the first word of each alternative
//!   (`{refusal-verbs}~ed`);
//! * `_`: any one word;
//! * `...`: up to three words (`...5`: up to five).
//!
//! Between tokens a comma or a dash may stand. A pattern never crosses a
//! sentence. It compiles to one regular expression over the normalised
//! text, and to the literal words one of which every match must hold (the
//! rarest of its required tokens): the checker runs the expression only on
//! the sentences that hold one of them.

use crate::canon::Canon;
use crate::expand::normalize_literal;
use std::collections::{BTreeMap, BTreeSet};

/// What a word pattern compiles to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Compiled {
    /// A regular expression for [`crate::pattern::Pattern`]; a group `m`
    /// holds the words between `<` and `>` when the pattern marks them.
    pub regex: String,
    /// Literal phrases (normalised) one of which every match contains.
    pub anchors: Vec<String>,
}

/// How many words `...` skips when no number follows.
const DEFAULT_GAP: usize = 3;
const MAX_GAP: usize = 12;
const MAX_DEPTH: usize = 8;
/// Most alternatives one token may have.
const MAX_ALTERNATIVES: usize = 5_000;

/// A word between tokens: anything but white space and sentence or clause
/// punctuation.
const WORD: &str = r#"[^\s.!?;:,"]+"#;
/// What may stand between two tokens.
const SEP: &str = "(?:,|;| -| \u{2013}| \u{2014})? ";

/// Which inflected forms a `~` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// The base and every inflected form.
    All,
    /// Past tense and past participle.
    Past,
    /// The -ing form.
    Ing,
    /// The -s form (and a noun's plural).
    S,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Normalised words.
    Lit(String),
    /// Alternatives, each a sequence.
    Alt(Vec<Vec<El>>),
    /// Any one word.
    Any,
    /// Up to this many words.
    Gap(usize),
}

#[derive(Debug, Clone, PartialEq)]
struct El {
    node: Node,
    optional: bool,
}

/// Compiles word patterns against a pack's lists and contractions.
pub(crate) struct WordCompiler<'a> {
    lists: &'a BTreeMap<String, Vec<String>>,
    canon: &'a Canon,
}

impl<'a> WordCompiler<'a> {
    pub fn new(lists: &'a BTreeMap<String, Vec<String>>, canon: &'a Canon) -> Self {
        WordCompiler { lists, canon }
    }

    /// Compiles one pattern. The error is a message for the pack's author.
    pub fn compile(&self, pattern: &str) -> Result<Compiled, String> {
        let needs_word = |seq: &[El]| {
            seq.iter()
                .any(|e| !e.optional && !matches!(e.node, Node::Gap(_)))
        };
        // `<` and `>` mark the part that is reported.
        let (before, marked, after) = match (pattern.find('<'), pattern.find('>')) {
            (Some(a), Some(b)) if a < b => (&pattern[..a], &pattern[a + 1..b], &pattern[b + 1..]),
            (None, None) => ("", pattern, ""),
            _ => {
                return Err(format!(
                    "word pattern `{pattern}`: `<` and `>` mark the reported words, \
                     `<` first"
                ))
            }
        };
        let mut parts = Vec::new();
        for (i, part) in [before, marked, after].into_iter().enumerate() {
            let seq = self.parse(part, 0)?;
            if (i == 1 || !part.trim().is_empty()) && !needs_word(&seq) {
                return Err(format!(
                    "word pattern `{pattern}` has no word that must be there{}",
                    if i == 1 { "" } else { " outside `<` `>`" }
                ));
            }
            parts.push(seq);
        }
        let mut regex = String::new();
        if !parts[0].is_empty() {
            regex.push_str(&seq_regex(&parts[0]));
            regex.push_str(SEP);
        }
        if parts[0].is_empty() && parts[2].is_empty() {
            // The whole match is reported: no group, so the search needs no
            // capture engine.
            regex.push_str(&seq_regex(&parts[1]));
        } else {
            regex.push_str(&format!("(?P<m>{})", seq_regex(&parts[1])));
        }
        if !parts[2].is_empty() {
            regex.push_str(SEP);
            regex.push_str(&seq_regex(&parts[2]));
        }
        let all: Vec<El> = parts.into_iter().flatten().collect();
        let anchors = seq_anchors(&all)
            .map(|(_, set)| set.into_iter().collect())
            .unwrap_or_default();
        Ok(Compiled { regex, anchors })
    }

    fn parse(&self, pattern: &str, depth: usize) -> Result<Vec<El>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("lists nest too deeply in `{pattern}`"));
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let seq = self.sequence(&chars, &mut pos, depth, pattern)?;
        if pos < chars.len() {
            return Err(format!(
                "unexpected `{}` in word pattern `{pattern}`",
                chars[pos]
            ));
        }
        Ok(seq)
    }

    /// A sequence up to `)`, `]`, `|` or the end.
    fn sequence(
        &self,
        chars: &[char],
        pos: &mut usize,
        depth: usize,
        src: &str,
    ) -> Result<Vec<El>, String> {
        let mut out: Vec<El> = Vec::new();
        loop {
            while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
                *pos += 1;
            }
            let Some(&c) = chars.get(*pos) else { break };
            let (mut node, optional) = match c {
                ')' | ']' | '|' => break,
                '(' | '[' => {
                    let close = if c == '(' { ')' } else { ']' };
                    *pos += 1;
                    let mut alts = Vec::new();
                    loop {
                        alts.push(self.sequence(chars, pos, depth, src)?);
                        match chars.get(*pos) {
                            Some('|') => *pos += 1,
                            Some(&x) if x == close => {
                                *pos += 1;
                                break;
                            }
                            _ => return Err(format!("unclosed `{c}` in word pattern `{src}`")),
                        }
                    }
                    if alts.iter().any(Vec::is_empty) {
                        return Err(format!("an empty alternative in word pattern `{src}`"));
                    }
                    (Node::Alt(alts), c == '[')
                }
                '{' => {
                    let end = chars[*pos..]
                        .iter()
                        .position(|&x| x == '}')
                        .ok_or_else(|| format!("unclosed `{{` in word pattern `{src}`"))?;
                    let name: String = chars[*pos + 1..*pos + end].iter().collect();
                    *pos += end + 1;
                    let items = self
                        .lists
                        .get(&name)
                        .ok_or_else(|| format!("unknown list `{name}`"))?;
                    let mut alts = Vec::new();
                    for item in items {
                        let seq = self.parse(item, depth + 1)?;
                        if !seq.is_empty() {
                            alts.push(seq);
                        }
                    }
                    (Node::Alt(alts), false)
                }
                _ => {
                    let start = *pos;
                    while chars
                        .get(*pos)
                        .is_some_and(|&x| !x.is_whitespace() && !"()[]{}|~".contains(x))
                    {
                        *pos += 1;
                    }
                    let word: String = chars[start..*pos].iter().collect();
                    if word == "_" {
                        (Node::Any, false)
                    } else if let Some(n) = word.strip_prefix("...") {
                        let n = if n.is_empty() {
                            DEFAULT_GAP
                        } else {
                            n.parse::<usize>()
                                .ok()
                                .filter(|&n| (1..=MAX_GAP).contains(&n))
                                .ok_or_else(|| {
                                    format!(
                                        "`{word}` in word pattern `{src}`: a gap is `...` \
                                         or `...N` with N from 1 to {MAX_GAP}"
                                    )
                                })?
                        };
                        (Node::Gap(n), false)
                    } else {
                        let lit = self.canon.rewrite(&normalize_literal(&word));
                        (Node::Lit(lit), false)
                    }
                }
            };
            if chars.get(*pos) == Some(&'~') {
                *pos += 1;
                let start = *pos;
                while chars.get(*pos).is_some_and(char::is_ascii_alphabetic) {
                    *pos += 1;
                }
                let suffix: String = chars[start..*pos].iter().collect();
                let form = match suffix.as_str() {
                    "" => Form::All,
                    "ed" => Form::Past,
                    "ing" => Form::Ing,
                    "s" => Form::S,
                    other => {
                        return Err(format!(
                            "`~{other}` in word pattern `{src}`: inflections are `~`, \
                             `~ed`, `~ing` and `~s`"
                        ))
                    }
                };
                node = inflect_node(node, form)
                    .ok_or_else(|| format!("only words and groups inflect, in `{src}`"))?;
            }
            if let Node::Alt(a) = &node {
                if a.len() > MAX_ALTERNATIVES {
                    return Err(format!("word pattern `{src}` has too many alternatives"));
                }
            }
            // Words in a row are one literal ("look into"), which keeps
            // the compiled expression small.
            if let (Node::Lit(next), false) = (&node, optional) {
                if let Some(El {
                    node: Node::Lit(prev),
                    optional: false,
                }) = out.last_mut()
                {
                    prev.push(' ');
                    prev.push_str(next);
                    continue;
                }
            }
            out.push(El { node, optional });
        }
        Ok(out)
    }
}

/// Inflects the first word of a node.
fn inflect_node(node: Node, form: Form) -> Option<Node> {
    match node {
        Node::Lit(words) => {
            let (first, rest) = match words.split_once(' ') {
                Some((f, r)) => (f.to_owned(), format!(" {r}")),
                None => (words.clone(), String::new()),
            };
            let alts = inflect(&first, form)
                .into_iter()
                .map(|w| {
                    vec![El {
                        node: Node::Lit(format!("{w}{rest}")),
                        optional: false,
                    }]
                })
                .collect();
            Some(Node::Alt(alts))
        }
        Node::Alt(alts) => {
            let mut out = Vec::with_capacity(alts.len());
            for mut seq in alts {
                if let Some(first) = seq.first_mut() {
                    let n = std::mem::replace(&mut first.node, Node::Any);
                    first.node = inflect_node(n, form)?;
                }
                out.push(seq);
            }
            Some(Node::Alt(out))
        }
        Node::Any | Node::Gap(_) => None,
    }
}

/// Irregular verbs: base, past, past participle.
const IRREGULAR: &[(&str, &str, &str)] = &[
    ("be", "was were", "been"),
    ("am", "was", "been"),
    ("is", "was", "been"),
    ("are", "were", "been"),
    ("have", "had", "had"),
    ("do", "did", "done"),
    ("go", "went", "gone"),
    ("give", "gave", "given"),
    ("make", "made", "made"),
    ("take", "took", "taken"),
    ("get", "got", "got gotten"),
    ("send", "sent", "sent"),
    ("resend", "resent", "resent"),
    ("pay", "paid", "paid"),
    ("say", "said", "said"),
    ("tell", "told", "told"),
    ("know", "knew", "known"),
    ("let", "let", "let"),
    ("put", "put", "put"),
    ("set", "set", "set"),
    ("keep", "kept", "kept"),
    ("find", "found", "found"),
    ("buy", "bought", "bought"),
    ("bring", "brought", "brought"),
    ("think", "thought", "thought"),
    ("come", "came", "come"),
    ("see", "saw", "seen"),
    ("write", "wrote", "written"),
    ("speak", "spoke", "spoken"),
    ("break", "broke", "broken"),
    ("forget", "forgot", "forgotten"),
    ("leave", "left", "left"),
    ("lose", "lost", "lost"),
    ("mean", "meant", "meant"),
    ("hear", "heard", "heard"),
    ("run", "ran", "run"),
    ("sell", "sold", "sold"),
    ("feel", "felt", "felt"),
    ("deal", "dealt", "dealt"),
    ("understand", "understood", "understood"),
    ("read", "read", "read"),
    ("hold", "held", "held"),
    ("stand", "stood", "stood"),
    ("win", "won", "won"),
    ("begin", "began", "begun"),
    ("choose", "chose", "chosen"),
    ("drive", "drove", "driven"),
    ("fall", "fell", "fallen"),
    ("fly", "flew", "flown"),
    ("grow", "grew", "grown"),
    ("hide", "hid", "hidden"),
    ("meet", "met", "met"),
    ("ride", "rode", "ridden"),
    ("ring", "rang", "rung"),
    ("rise", "rose", "risen"),
    ("show", "showed", "shown showed"),
    ("shut", "shut", "shut"),
    ("sit", "sat", "sat"),
    ("sleep", "slept", "slept"),
    ("spend", "spent", "spent"),
    ("steal", "stole", "stolen"),
    ("swear", "swore", "sworn"),
    ("teach", "taught", "taught"),
    ("throw", "threw", "thrown"),
    ("wear", "wore", "worn"),
    ("lend", "lent", "lent"),
    ("build", "built", "built"),
    ("catch", "caught", "caught"),
    ("cost", "cost", "cost"),
    ("cut", "cut", "cut"),
    ("hurt", "hurt", "hurt"),
    ("lead", "led", "led"),
    ("mislead", "misled", "misled"),
    ("quit", "quit", "quit"),
    ("shake", "shook", "shaken"),
    ("sink", "sank", "sunk"),
    ("undo", "undid", "undone"),
    ("withdraw", "withdrew", "withdrawn"),
    ("forgive", "forgave", "forgiven"),
    ("foresee", "foresaw", "foreseen"),
    ("overdo", "overdid", "overdone"),
    ("mistake", "mistook", "mistaken"),
    ("rebuild", "rebuilt", "rebuilt"),
];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether a word ends consonant-vowel-consonant (not w, x or y), so that
/// a stressed last syllable doubles its consonant ("stop" → "stopped").
fn ends_cvc(w: &[u8]) -> bool {
    let n = w.len();
    n >= 3
        && !is_vowel(w[n - 1])
        && !matches!(w[n - 1], b'w' | b'x' | b'y')
        && is_vowel(w[n - 2])
        && !is_vowel(w[n - 3])
}

/// The forms of an English verb (or noun: its plural is the `-s` form).
/// Overgenerating is harmless: a form that is no word matches nothing, so
/// both "cancelled" and "canceled", "offered" and "offerred" are made.
pub(crate) fn inflect(word: &str, form: Form) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let w = word.as_bytes();
    let n = w.len();
    if n == 0 || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return vec![word.to_owned()];
    }
    let irregular = IRREGULAR.iter().find(|(base, ..)| *base == word);
    let last = w[n - 1];
    let stem_e = last == b'e' && n > 2 && !matches!(w[n - 2], b'e' | b'y' | b'o');
    let cons_y = last == b'y' && n > 1 && !is_vowel(w[n - 2]);
    let double = ends_cvc(w) || (n >= 2 && last == b'l' && is_vowel(w[n - 2]));
    if matches!(form, Form::All | Form::S) {
        if word == "be" {
            out.extend(["am", "is", "are"].map(String::from));
        } else if word == "have" {
            out.insert("has".into());
        } else if cons_y {
            out.insert(format!("{}ies", &word[..n - 1]));
        } else if word.ends_with(['s', 'x', 'z', 'o'])
            || word.ends_with("ch")
            || word.ends_with("sh")
        {
            out.insert(format!("{word}es"));
            if last == b'o' {
                out.insert(format!("{word}s"));
            }
        } else {
            out.insert(format!("{word}s"));
        }
    }
    if matches!(form, Form::All | Form::Past) {
        if let Some((_, past, part)) = irregular {
            out.extend(past.split(' ').map(String::from));
            out.extend(part.split(' ').map(String::from));
        } else if last == b'e' {
            out.insert(format!("{word}d"));
        } else if cons_y {
            out.insert(format!("{}ied", &word[..n - 1]));
        } else {
            out.insert(format!("{word}ed"));
            if double {
                out.insert(format!("{word}{}ed", last as char));
            }
        }
    }
    if matches!(form, Form::All | Form::Ing) {
        if word.ends_with("ie") {
            out.insert(format!("{}ying", &word[..n - 2]));
        } else if stem_e {
            out.insert(format!("{}ing", &word[..n - 1]));
        } else {
            out.insert(format!("{word}ing"));
            if double {
                out.insert(format!("{word}{}ing", last as char));
            }
        }
        if word == "be" {
            out.insert("being".into());
        }
    }
    if form == Form::All {
        out.insert(word.to_owned());
        if word == "be" {
            out.extend(["was", "were", "been"].map(String::from));
        }
    }
    out.into_iter().collect()
}

/// Words in a row, escaped; a comma may follow each ("no, we can't").
/// ASCII words match ASCII-case-blind (`(?-u)`), which keeps the compiled
/// expression small: no Kelvin sign for `k`, no long s for `s`.
fn escape_words(words: &str) -> String {
    let escaped = regex::escape(words).replace(' ', ",? ");
    if words.is_ascii() {
        format!("(?-u:{escaped})")
    } else {
        escaped
    }
}

fn escape_lit(lit: &str) -> String {
    let mut s = String::new();
    let starts_word = lit.chars().next().is_some_and(char::is_alphanumeric);
    let ends_word = lit.chars().next_back().is_some_and(char::is_alphanumeric);
    if starts_word {
        s.push_str("(?-u:\\b)");
    }
    s.push_str(&escape_words(lit));
    if ends_word {
        s.push_str("(?-u:\\b)");
    }
    s
}

fn node_regex(node: &Node) -> String {
    match node {
        Node::Lit(l) => escape_lit(l),
        Node::Any => WORD.to_owned(),
        Node::Gap(_) => String::new(),
        Node::Alt(alts) => {
            // Whole words only: one pair of boundaries around them all.
            let words: Option<Vec<&str>> = alts
                .iter()
                .map(|s| match s.as_slice() {
                    [El {
                        node: Node::Lit(l),
                        optional: false,
                    }] if l.starts_with(char::is_alphanumeric)
                        && l.ends_with(char::is_alphanumeric) =>
                    {
                        Some(l.as_str())
                    }
                    _ => None,
                })
                .collect();
            if let Some(mut words) = words.filter(|w| !w.is_empty()) {
                words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                words.dedup();
                let escaped: Vec<String> = words.iter().map(|w| escape_words(w)).collect();
                return format!("(?-u:\\b)(?:{})(?-u:\\b)", escaped.join("|"));
            }
            let mut parts: Vec<String> = alts.iter().map(|s| seq_regex(s)).collect();
            // Longer alternatives first, so that a match takes the most.
            parts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            parts.dedup();
            if parts.is_empty() {
                return "[^\\s\\S]".to_owned();
            }
            format!("(?:{})", parts.join("|"))
        }
    }
}

/// A sequence: elements before the last required one carry the separator
/// after them, those after it before them, so that a match neither starts
/// nor ends with a space.
fn seq_regex(seq: &[El]) -> String {
    let required = |e: &El| !e.optional && !matches!(e.node, Node::Gap(_));
    let Some(last) = seq.iter().rposition(required) else {
        // Only optional parts (inside a group): any of them, or nothing is
        // not allowed there, so take them as written.
        return seq
            .iter()
            .map(|e| node_regex(&e.node))
            .collect::<Vec<_>>()
            .join(SEP);
    };
    let mut out = String::new();
    for (i, e) in seq.iter().enumerate() {
        let r = node_regex(&e.node);
        match (&e.node, i.cmp(&last)) {
            (Node::Gap(n), std::cmp::Ordering::Less) => {
                out.push_str(&format!("(?:{WORD}{SEP}){{0,{n}}}"));
            }
            (Node::Gap(_), _) => {}
            (_, std::cmp::Ordering::Less) => {
                if e.optional {
                    out.push_str(&format!("(?:{r}{SEP})?"));
                } else {
                    out.push_str(&format!("{r}{SEP}"));
                }
            }
            (_, std::cmp::Ordering::Equal) => out.push_str(&r),
            (_, std::cmp::Ordering::Greater) => {
                if e.optional {
                    out.push_str(&format!("(?:{SEP}{r})?"));
                } else {
                    out.push_str(&format!("{SEP}{r}"));
                }
            }
        }
    }
    out
}

/// Words so common that they make a poor pre-filter.
const COMMON: &[&str] = &[
    "a", "an", "the", "i", "we", "you", "it", "is", "are", "am", "be", "to", "do", "can", "will",
    "that", "this", "and", "or", "of", "in", "on", "for", "our", "your", "my", "have", "has",
    "with", "at", "by", "so", "but", "if", "me", "us", "they", "them",
];

fn weight(lit: &str) -> usize {
    lit.split(' ')
        .filter(|w| !COMMON.contains(w))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// The best set of literals one of which every match of `seq` holds: the
/// required element whose rarest-looking member is least common.
fn seq_anchors(seq: &[El]) -> Option<(usize, BTreeSet<String>)> {
    let mut best: Option<(usize, BTreeSet<String>)> = None;
    for e in seq.iter().filter(|e| !e.optional) {
        let Some(cand) = node_anchors(&e.node) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((w, set)) => cand.0 > *w || (cand.0 == *w && cand.1.len() < set.len()),
        };
        if better {
            best = Some(cand);
        }
    }
    best
}

fn node_anchors(node: &Node) -> Option<(usize, BTreeSet<String>)> {
    match node {
        Node::Lit(l) => Some((weight(l), BTreeSet::from([l.clone()]))),
        Node::Any | Node::Gap(_) => None,
        Node::Alt(alts) => {
            let mut set = BTreeSet::new();
            let mut w = usize::MAX;
            for seq in alts {
                let (sw, s) = seq_anchors(seq)?;
                w = w.min(sw);
                set.extend(s);
            }
            Some((if set.is_empty() { 0 } else { w }, set))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Pattern;

    fn canon() -> Canon {
        let groups: Vec<Vec<String>> = [
            vec!["can't", "cannot", "can not"],
            vec!["isn't", "is not"],
            vec!["won't", "will not"],
            vec!["we're", "we are"],
        ]
        .iter()
        .map(|g| g.iter().map(|s| s.to_string()).collect())
        .collect();
        Canon::new(&groups)
    }

    fn lists() -> BTreeMap<String, Vec<String>> {
        let mut l = BTreeMap::new();
        l.insert(
            "cannot".to_owned(),
            vec![
                "can't".to_owned(),
                "(am|is|are) [not] unable to".to_owned(),
                "(am|is|are) not able to".to_owned(),
                "won't be able to".to_owned(),
            ],
        );
        l.insert(
            "verbs".to_owned(),
            vec![
                "refund".to_owned(),
                "give".to_owned(),
                "look into".to_owned(),
            ],
        );
        l
    }

    /// The matches of `pattern` in `text`, normalised as the checker does.
    fn find(pattern: &str, text: &str) -> Vec<String> {
        let (l, c) = (lists(), canon());
        let w = WordCompiler::new(&l, &c);
        let compiled = w.compile(pattern).expect("compiles");
        let re = Pattern::new(&compiled.regex, 1 << 22).expect("valid regex");
        let norm = c.rewrite(&normalize_literal(text));
        let mut out = Vec::new();
        re.spans(&norm, |r| out.push(norm[r].to_owned()));
        out
    }

    #[test]
    fn inflects_regular_and_irregular_verbs() {
        let all = |w| inflect(w, Form::All);
        assert_eq!(all("mess"), ["mess", "messed", "messes", "messing"]);
        assert!(all("interrupt").contains(&"interrupting".to_owned()));
        assert!(all("stop").contains(&"stopped".to_owned()));
        assert!(all("stop").contains(&"stopping".to_owned()));
        assert!(all("cancel").contains(&"cancelled".to_owned()));
        assert!(all("cancel").contains(&"canceled".to_owned()));
        assert!(all("change").contains(&"changing".to_owned()));
        assert!(all("change").contains(&"changed".to_owned()));
        assert!(all("apply").contains(&"applied".to_owned()));
        assert!(all("apply").contains(&"applies".to_owned()));
        assert!(all("reach").contains(&"reaches".to_owned()));
        assert_eq!(inflect("give", Form::Past), ["gave", "given"]);
        assert_eq!(inflect("be", Form::S), ["am", "are", "is"]);
        assert_eq!(inflect("tie", Form::Ing), ["tying"]);
        assert!(all("be").contains(&"being".to_owned()));
    }

    #[test]
    fn matches_inflections_gaps_and_particles() {
        assert_eq!(
            find("mess~ ...2 up", "The team really messed things up."),
            ["messed things up"]
        );
        assert_eq!(
            find("interrupt~ me", "you keep interrupting me"),
            ["interrupting me"]
        );
        assert!(find("mess~ ...2 up", "a mess of things that went up").is_empty());
        assert_eq!(find("we _ you", "we thank you"), ["we thank you"]);
        assert!(find("we _ you", "we you").is_empty());
    }

    #[test]
    fn matches_negation_in_every_spelling() {
        let p = "(we|I) {cannot} {verbs}";
        for text in [
            "We can't refund it",
            "we cannot refund it",
            "we can not refund it",
            "We're unable to give a date",
            "we are not able to give a date",
            "we won't be able to refund",
            "we are not unable to look into it",
        ] {
            assert_eq!(find(p, text).len(), 1, "{text}");
        }
        assert!(find(p, "we can refund it").is_empty());
        assert!(find(p, "we can't wait").is_empty());
    }

    #[test]
    fn matches_the_passive() {
        let p = "(can't be|is not|isn't) {verbs}~ed";
        assert_eq!(
            find(p, "Tickets can't be refunded."),
            ["can not be refunded"]
        );
        assert_eq!(find(p, "A receipt isn't given."), ["is not given"]);
        assert!(find(p, "It can be refunded.").is_empty());
        assert_eq!(
            find("{verbs}~ it", "we're looking into it"),
            ["looking into it"]
        );
    }

    #[test]
    fn reports_the_marked_words() {
        assert_eq!(
            find("< I promise > ...3 will", "I promise it will be there"),
            ["i promise"]
        );
        assert!(find("< I promise > ...3 will", "I promise we care").is_empty());
        assert_eq!(find("no < we can't >", "no, we can't"), ["we can not"]);
    }

    #[test]
    fn allows_a_comma_between_words_and_never_crosses_sentences() {
        assert_eq!(find("no we can't", "No, we can't."), ["no, we can not"]);
        assert!(find("mess~ ... up", "It's a mess. Look up.").is_empty());
    }

    #[test]
    fn anchors_on_the_rarest_required_word() {
        let (l, c) = (lists(), canon());
        let w = WordCompiler::new(&l, &c);
        let got = w.compile("we [really] mess~ up").expect("compiles").anchors;
        assert_eq!(got, ["mess", "messed", "messes", "messing"]);
        let got = w
            .compile("(we|I) {cannot} {verbs}")
            .expect("compiles")
            .anchors;
        assert!(got.contains(&"unable to".to_owned()) || got.contains(&"refund".to_owned()));
    }

    #[test]
    fn reports_authoring_errors() {
        let (l, c) = (lists(), canon());
        let w = WordCompiler::new(&l, &c);
        for (bad, says) in [
            ("we (can|", "unclosed"),
            ("{nope} here", "unknown list"),
            ("[maybe]", "no word that must"),
            ("we ...99 go", "a gap is"),
            ("go~past", "inflections are"),
            ("_~", "only words and groups inflect"),
            ("we > go <", "`<` first"),
            ("< [we] > go", "no word that must"),
        ] {
            let e = w.compile(bad).expect_err(bad);
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
