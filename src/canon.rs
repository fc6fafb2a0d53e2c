//! One spelling for every contraction.
//!
//! A pack's contraction groups (`["can't", "cannot", "can not"]`) say which
//! spellings mean the same. The reply's text and every phrase and pattern
//! are rewritten to the spelled-out form of each group (the one with the
//! most words: "can not", "is not", "I am"), scanning word starts left to
//! right and taking the longest spelling that ends a word. Spelled-out
//! forms compose ("that isn't" and "that's not" both become "that is
//! not"), and because both sides are rewritten by the same function, "I
//! cannot help" matches the phrase "I can't help" without the phrase list
//! growing with every spelling.

/// A spelling (lowercase bytes) and the spelled-out form it becomes; an
/// empty form drops the word (an ignored filler word, with its space).
type Entry = (Box<[u8]>, Box<str>);

/// Rewrites spellings to their group's spelled-out form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canon {
    /// Non-first spellings (lowercase) and their canonical spelling, longest
    /// first, indexed by first byte.
    by_first: Vec<Vec<Entry>>,
    /// A bit for each hash of the first three bytes (folded with `| 0x20`)
    /// that some spelling starts with, so that most words are ruled out by
    /// one lookup.
    starts: Vec<u64>,
    /// First bytes (lowercase) of spellings shorter than three bytes,
    /// which the hash cannot hold.
    short: Vec<bool>,
}

impl Canon {
    #[cfg(test)]
    pub fn new(groups: &[Vec<String>]) -> Canon {
        Canon::with_ignored(groups, &[])
    }

    /// Also drops `ignored` words ("really", "honestly") where they stand
    /// inside a clause: followed by a space and another word.
    pub fn with_ignored(groups: &[Vec<String>], ignored: &[String]) -> Canon {
        let mut by_first: Vec<Vec<Entry>> = vec![Vec::new(); 256];
        for word in ignored {
            let w = crate::fold::normalize_literal(word);
            if w.is_empty() || w.contains(' ') {
                continue;
            }
            let mut spelling = w.into_bytes();
            spelling.push(b' ');
            by_first[usize::from(spelling[0])].push((spelling.into(), "".into()));
        }
        for group in groups {
            let words = |s: &String| s.split_whitespace().count();
            let Some(full) = group
                .iter()
                .max_by(|a, b| words(a).cmp(&words(b)).then(a.len().cmp(&b.len())))
            else {
                continue;
            };
            let canonical = crate::fold::normalize_literal(full);
            for other in group {
                let spelling = crate::fold::normalize_literal(other);
                if spelling.is_empty() || spelling == canonical {
                    continue;
                }
                let key = spelling.as_bytes()[0];
                let list = &mut by_first[usize::from(key)];
                if !list.iter().any(|(s, _)| **s == *spelling.as_bytes()) {
                    list.push((spelling.into_bytes().into(), canonical.clone().into()));
                }
            }
        }
        let mut starts = vec![0u64; START_BITS / 64];
        let mut short = vec![false; 256];
        for list in &mut by_first {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
            for (spelling, _) in list.iter() {
                if spelling.len() < 3 {
                    short[usize::from(spelling[0])] = true;
                } else {
                    let key = start_key(spelling);
                    starts[key / 64] |= 1 << (key % 64);
                }
            }
        }
        Canon {
            by_first,
            starts,
            short,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.iter().all(Vec::is_empty)
    }

    /// The spelling that starts at `at` in `s` (which must be a word
    /// start), as (its length, the canonical spelling).
    #[inline]
    pub fn at(&self, s: &[u8], at: usize) -> Option<(usize, &str)> {
        let first = s[at].to_ascii_lowercase();
        let list = self.by_first.get(usize::from(first))?;
        for (spelling, canonical) in list {
            let end = at + spelling.len();
            // Spellings are lowercase letters, spaces, apostrophes and
            // hyphens, for which `| 0x20` folds ASCII case.
            if end > s.len()
                || !s[at + 1..end]
                    .iter()
                    .zip(&spelling[1..])
                    .all(|(a, b)| (a | 0x20) == *b)
            {
                continue;
            }
            let fits = if canonical.is_empty() {
                // A dropped word must be followed by another word, and be
                // written in lowercase (capitals stay for the shouting
                // detector): "I really can't", not "REALLY" or "Really?".
                s.get(end).is_some_and(u8::is_ascii_alphabetic)
                    && s[at + 1..end - 1].iter().all(u8::is_ascii_lowercase)
            } else {
                ends_word(s, end)
            };
            if fits {
                return Some((spelling.len(), canonical));
            }
        }
        None
    }

    /// Like [`Canon::at`], but a spelling yields to one that starts at a
    /// later word inside it and ends further on ("we will not" is "we
    /// won't", not "we'll not").
    #[inline]
    pub fn best_at(&self, s: &[u8], at: usize) -> Option<(usize, &str)> {
        let (len, canonical) = self.at(s, at)?;
        let end = at + len;
        for j in at + 1..end {
            if !is_word_byte(s[j - 1]) && s[j].is_ascii_alphabetic() && self.may_start(s, j) {
                if let Some((len2, _)) = self.at(s, j) {
                    if j + len2 > end {
                        return None;
                    }
                }
            }
        }
        Some((len, canonical))
    }

    /// Whether any spelling could start at `at`.
    #[inline]
    fn may_start(&self, s: &[u8], at: usize) -> bool {
        if self
            .short
            .get(usize::from(s[at].to_ascii_lowercase()))
            .is_some_and(|&b| b)
        {
            return true;
        }
        let Some(first3) = s.get(at..at + 3) else {
            return false;
        };
        let key = start_key(first3);
        self.starts
            .get(key / 64)
            .is_some_and(|w| w & (1 << (key % 64)) != 0)
    }

    /// The next rewrite in `s` at or after `from`, as (where, length, the
    /// canonical spelling): a spelling at a word start, written in one
    /// case. `from` counts as a word start when `from_starts_word`.
    pub fn next_in<'c>(
        &'c self,
        s: &str,
        from: usize,
        from_starts_word: bool,
    ) -> Option<(usize, usize, &'c str)> {
        let b = s.as_bytes();
        let n = b.len();
        let mut i = from;
        if !from_starts_word && i > 0 && i < n && is_word_byte(b[i - 1]) {
            // Inside a word: go to its end.
            while i < n && is_word_byte(b[i]) {
                i += 1;
            }
        }
        // `i` is never inside a word here.
        while i < n {
            let c = b[i];
            if !is_word_byte(c) {
                i += 1;
                continue;
            }
            if c.is_ascii_alphabetic() && self.may_start(b, i) {
                if let Some((len, canonical)) = self.best_at(b, i) {
                    if uniform_case(&s[i..i + len]) {
                        return Some((i, len, canonical));
                    }
                }
            }
            i += 1;
            while i < n && is_word_byte(b[i]) {
                i += 1;
            }
        }
        None
    }

    /// `s` with every spelling rewritten (case of the original kept: all
    /// capitals stay capitals, a leading capital stays).
    pub fn rewrite(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut copied = 0;
        while let Some((at, len, canonical)) = self.next_in(s, copied, copied == 0) {
            out.push_str(&s[copied..at]);
            push_cased(&mut out, canonical, &s[at..at + len]);
            copied = at + len;
        }
        out.push_str(&s[copied..]);
        out
    }
}

/// Whether `source` is written in one case: all lowercase, all capitals,
/// or a capital followed by lowercase. Only such text is rewritten, so that
/// "is NOT" keeps its capitals for the shouting detector.
pub(crate) fn uniform_case(source: &str) -> bool {
    let mut letters = source.bytes().filter(u8::is_ascii_alphabetic);
    let Some(first) = letters.next() else {
        return true;
    };
    let rest = letters;
    rest.clone().all(|b| b.is_ascii_lowercase())
        || (first.is_ascii_uppercase() && rest.clone().all(|b| b.is_ascii_uppercase()))
}

/// Pushes `canonical` in the case of `source`.
pub(crate) fn push_cased(out: &mut String, canonical: &str, source: &str) {
    let letters = source.bytes().filter(u8::is_ascii_alphabetic);
    let upper = letters.clone().filter(u8::is_ascii_uppercase).count();
    let total = letters.count();
    if total > 1 && upper == total {
        out.extend(canonical.chars().map(|c| c.to_ascii_uppercase()));
    } else if source
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_uppercase)
    {
        let mut chars = canonical.chars();
        if let Some(c) = chars.next() {
            out.push(c.to_ascii_uppercase());
        }
        out.push_str(chars.as_str());
    } else {
        out.push_str(canonical);
    }
}

const START_BITS: usize = 1 << 16;

/// A hash of the first three bytes of `s`, ASCII case folded.
fn start_key(s: &[u8]) -> usize {
    let [a, b, c] = [s[0] | 0x20, s[1] | 0x20, s[2] | 0x20].map(usize::from);
    (a.wrapping_mul(0x9E37) ^ b.wrapping_mul(0x85EB) ^ c.wrapping_mul(0xC2B3)) % START_BITS
}

/// Bytes that belong to a word: ASCII letters and digits, the apostrophe,
/// and every byte of a non-ASCII character.
static WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80 || c == b'\'';
        b += 1;
    }
    t
};

#[inline]
fn is_word_byte(b: u8) -> bool {
    WORD_BYTES[usize::from(b)]
}

/// Whether a word ends at `end`: the next byte is no letter, digit or
/// apostrophe.
fn ends_word(s: &[u8], end: usize) -> bool {
    end >= s.len() || !is_word_byte(s[end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon() -> Canon {
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Canon::new(&[
            g(&["that's not", "that is not", "that isn't"]),
            g(&["can't", "cannot", "can not"]),
            g(&["that's", "that is"]),
            g(&["isn't", "is not"]),
            g(&["i'm", "i am"]),
        ])
    }

    #[test]
    fn rewrites_to_the_first_spelling() {
        let c = canon();
        assert_eq!(c.rewrite("That's not my job"), "That is not my job");
        assert_eq!(c.rewrite("that isn't mine"), "that is not mine");
        assert_eq!(c.rewrite("that's nothing"), "that is nothing");
        assert_eq!(c.rewrite("I CAN'T, I'm sorry"), "I CAN NOT, I am sorry");
        assert_eq!(c.rewrite("it isn't"), "it is not");
        assert_eq!(c.rewrite("cannoted scannot"), "cannoted scannot");
        assert_eq!(Canon::default().rewrite("can't"), "can't");
        let short = Canon::with_ignored(&[], &["a".to_owned()]);
        assert_eq!(short.rewrite("a nice day, a"), "nice day, a");
        let c = Canon::new(&[
            vec!["we'll".to_owned(), "we will".into()],
            vec!["won't".to_owned(), "will not".into()],
        ]);
        assert_eq!(
            c.rewrite("we'll not go, we won't go"),
            "we will not go, we will not go"
        );
    }
}
