//! From a raw reply to the text the rules read.
//!
//! [`Prepared`] holds the agent's own text, normalised (character
//! references decoded, curly quotes straightened, runs of white space
//! folded to one space), with a byte map back to the original. Text that is
//! not the agent's (quoted lines, quoted history) is left out; inline text
//! that is not theirs (double-quoted words, links, code) is replaced by a
//! placeholder. Line breaks and the sign-off block are remembered, and
//! sentences are cut from the result.

use crate::canon::{push_cased, Canon};
use crate::offsets::OffsetMap;
use std::ops::Range;

/// ASCII bytes copied as they are: all but white space and `&`.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x80 {
        t[c] = !matches!(c as u8, b' ' | b'\t' | b'\r' | 0x0b | 0x0c | b'&' | b'<');
        c += 1;
    }
    t
};

/// Stands in for masked inline text: not a letter, digit or space.
pub(crate) const PLACEHOLDER: char = '\u{FFFC}';

/// Scope settings resolved from a pack.
#[derive(Debug, Clone)]
pub(crate) struct ScopeConfig {
    pub skip_quoted_lines: bool,
    pub skip_history: bool,
    pub skip_double_quotes: bool,
    pub skip_signature: bool,
    pub skip_links: bool,
    /// Lowercase closing words ("best", "kind regards").
    pub closings: Vec<String>,
    /// Lowercase abbreviations including their final dot ("e.g.").
    pub abbreviations: Vec<String>,
    /// Contraction spellings.
    pub canon: Canon,
}

/// A reply made ready for matching. Reused across replies to save
/// allocations.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Normalised agent text.
    pub norm: String,
    /// `norm` with ASCII letters lowercased, for case-blind matching.
    pub lower: Vec<u8>,
    /// Where each byte of `norm` came from.
    map: OffsetMap,
    /// Offsets in `norm` of spaces that stand for a line break.
    pub breaks: Vec<usize>,
    /// Ranges of `norm` that span rules skip (sign-off block, initials tag).
    pub skipped: Vec<Range<usize>>,
    /// Ranges of `norm` inside single quotes (screen labels).
    pub single_quoted: Vec<Range<usize>>,
    /// Sentences: trimmed ranges of `norm`.
    pub sentences: Vec<Range<usize>>,
    /// Where the body ends (before the closing line), in `norm`.
    pub body_end: usize,
    /// Where the first sentence's words start (after `@handle`s).
    pub first_start: usize,
    line_buf: Vec<Range<usize>>,
    masks: Vec<(usize, usize, Option<char>)>,
    tail: String,
    tail_map: OffsetMap,
}

impl Prepared {
    /// The original byte range of a range of `norm`.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end {
            // A point: just after what comes before it.
            let at = match range.start.checked_sub(1) {
                Some(prev) => self.map.end(prev),
                None => self.map.start(0),
            };
            return at..at;
        }
        self.map.start(range.start)..self.map.end(range.end - 1)
    }

    /// Whether a range of `norm` touches text that span rules skip.
    pub fn is_skipped(&self, range: &Range<usize>) -> bool {
        self.skipped
            .iter()
            .any(|s| range.start < s.end && s.start < range.end.max(range.start + 1))
    }

    /// The index of the sentence containing `norm` offset `at`.
    pub fn sentence_of(&self, at: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= at);
        // A position between sentences belongs to the next one.
        (i < self.sentences.len()).then_some(i)
    }

    /// Whether `at` is where a sentence's words start.
    pub fn starts_sentence(&self, at: usize) -> bool {
        let i = self.sentences.partition_point(|s| s.start < at);
        if i < self.sentences.len() && self.sentences[i].start == at {
            return true;
        }
        // Leading punctuation such as an opening quote or bracket.
        self.sentence_of(at).is_some_and(|i| {
            let s = &self.sentences[i];
            let (a, b) = if s.start <= at {
                (s.start, at)
            } else {
                (at, s.start)
            };
            !self.norm[a..b].chars().any(char::is_alphanumeric)
        })
    }

    /// Fills `self` from `text`.
    pub fn prepare(&mut self, text: &str, cfg: &ScopeConfig) {
        self.norm.clear();
        self.map.clear();
        self.breaks.clear();
        self.skipped.clear();
        self.single_quoted.clear();
        self.sentences.clear();
        self.line_buf.clear();

        // 1. The agent's own lines.
        let mut lines = std::mem::take(&mut self.line_buf);
        let mut pos = 0;
        let mut line_iter = text.split_inclusive('\n').peekable();
        // Email headers on the very first line: the body starts after the
        // first blank line.
        if starts_with_header(text) {
            for raw in line_iter.by_ref() {
                pos += raw.len();
                if raw.trim().is_empty() {
                    break;
                }
            }
        }
        while let Some(raw) = line_iter.next() {
            let start = pos;
            pos += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let content = line.trim_start();
            if cfg.skip_history && is_history_header(content, line_iter.peek().copied()) {
                break;
            }
            if cfg.skip_quoted_lines && (content.starts_with('>') || content.starts_with("&gt;")) {
                continue;
            }
            lines.push(start..start + line.len());
        }

        // 2. The sign-off: the last closing line with only a few short
        //    lines after it.
        let mut closing: Option<usize> = None;
        if !cfg.closings.is_empty() {
            let n = lines.len();
            for (i, r) in lines.iter().enumerate().rev() {
                let after = lines[i + 1..n]
                    .iter()
                    .filter(|r| !text[(*r).clone()].trim().is_empty())
                    .count();
                if after > 6 {
                    break;
                }
                if is_closing_line(&text[r.clone()], &cfg.closings) {
                    closing = Some(i);
                    break;
                }
            }
        }

        // 3. Normalise line by line.
        let mut pending_space: Option<(usize, usize, bool)> = None;
        let mut sig_start: Option<usize> = None;
        let mut body_end: Option<usize> = None;
        for (i, r) in lines.iter().enumerate() {
            if closing == Some(i) {
                body_end = Some(self.norm.len());
            }
            let line = &text[r.clone()];
            if line.trim().is_empty() {
                // A blank line is a break like any other.
                match &mut pending_space {
                    Some(p) => p.2 = true,
                    None => pending_space = Some((r.start, r.end.max(r.start + 1), true)),
                }
                continue;
            }
            // Each line starts after a line break, except the first.
            if !self.norm.is_empty() {
                let (s, e) = pending_space.map_or((r.start, r.start), |p| (p.0, p.1));
                self.push_break(s.min(r.start), e.max(s));
                pending_space = None;
            } else {
                pending_space = None;
            }
            if closing.is_some_and(|c| i > c) && sig_start.is_none() {
                sig_start = Some(self.norm.len());
            }
            self.push_line(text, r.clone(), cfg);
        }
        let end = self.norm.len();
        let body_end = body_end.unwrap_or(end);
        self.body_end = trim_end_at(&self.norm, body_end);
        if cfg.skip_signature {
            if let Some(s) = sig_start {
                self.skipped.push(s..end);
            }
            if let Some(tag) = initials_tag(&self.norm) {
                self.skipped.push(tag);
            }
        }
        self.line_buf = lines;

        self.lower.clear();
        self.lower
            .extend(self.norm.bytes().map(|b| b.to_ascii_lowercase()));

        // 4. Sentences and single-quoted labels.
        self.split_sentences(cfg);
        find_single_quoted(&self.norm, &mut self.single_quoted);
        self.first_start = self.first_words_start();
        // Leading @handles belong to no sentence.
        if let Some(first) = self.sentences.first_mut() {
            if self.first_start > first.start {
                if self.first_start < first.end {
                    first.start = self.first_start;
                } else {
                    self.sentences.remove(0);
                }
            }
        }
    }

    fn push_unit(&mut self, s: &str, orig: Range<usize>) {
        self.map.push_unit(self.norm.len(), orig);
        self.norm.push_str(s);
    }

    /// Pushes plain ASCII that starts at original offset `orig`.
    fn push_ascii_run(&mut self, run: &str, orig: usize) {
        self.map.push_linear(self.norm.len(), orig);
        self.norm.push_str(run);
    }

    fn push_break(&mut self, orig_start: usize, orig_end: usize) {
        if self.norm.ends_with(' ') {
            // Fold into the space already there.
            let at = self.norm.len() - 1;
            if self.breaks.last() != Some(&at) {
                self.breaks.push(at);
            }
            let end = self.map.end(at).max(orig_end);
            self.map.set_last_end(at, end);
            return;
        }
        self.breaks.push(self.norm.len());
        self.push_unit(" ", orig_start..orig_end.max(orig_start));
    }

    fn push_space(&mut self, orig: Range<usize>) {
        if self.norm.ends_with(' ') {
            self.map.set_last_end(self.norm.len() - 1, orig.end);
            return;
        }
        self.push_unit(" ", orig);
    }

    /// Normalises one line of the agent's text into `norm`.
    fn push_line(&mut self, text: &str, line: Range<usize>, cfg: &ScopeConfig) {
        let seg_start = self.norm.len();
        self.push_line_raw(text, line, cfg);
        if !cfg.canon.is_empty() {
            self.canonicalize_from(seg_start, &cfg.canon);
        }
    }

    /// Rewrites contraction spellings in `norm[from..]` to one spelling.
    fn canonicalize_from(&mut self, from: usize, canon: &Canon) {
        let Some(mut next) = canon.next_in(&self.norm, from, true) else {
            return;
        };
        // The text from the first rewrite on is moved aside and copied
        // back piece by piece, so that many rewrites cost one pass.
        let first = next.0;
        let mut seg = std::mem::take(&mut self.tail);
        let mut seg_map = std::mem::take(&mut self.tail_map);
        seg.clear();
        seg.push_str(&self.norm[first..]);
        self.map.split_off(first, &mut seg_map);
        self.norm.truncate(first);
        next.0 = 0;
        let mut cursor = 0;
        let mut copied = 0;
        loop {
            let (at, len, canonical) = next;
            if copied < at {
                self.map
                    .copy_from(&seg_map, &mut cursor, copied..at, self.norm.len());
                self.norm.push_str(&seg[copied..at]);
            }
            let (start, _) = seg_map.bounds_at(&mut cursor, at);
            let (_, end) = seg_map.bounds_at(&mut cursor, at + len - 1);
            self.map.push_unit(self.norm.len(), start..end);
            push_cased(&mut self.norm, canonical, &seg[at..at + len]);
            copied = at + len;
            match canon.next_in(&seg, copied, false) {
                Some(n) => next = n,
                None => break,
            }
        }
        if copied < seg.len() {
            self.map
                .copy_from(&seg_map, &mut cursor, copied..seg.len(), self.norm.len());
            self.norm.push_str(&seg[copied..]);
        }
        self.tail = seg;
        self.tail_map = seg_map;
    }

    fn push_line_raw(&mut self, text: &str, line: Range<usize>, cfg: &ScopeConfig) {
        let mut masks = std::mem::take(&mut self.masks);
        masks.clear();
        let s = &text[line.clone()];
        find_masks(s, cfg, &mut masks);
        let base = line.start;
        let mut mi = 0;
        let mut i = 0;
        let b = s.as_bytes();
        while i < b.len() {
            if mi < masks.len() && masks[mi].0 == i {
                let (ms, me, term) = masks[mi];
                mi += 1;
                let mut buf = [0u8; 4];
                self.push_unit(PLACEHOLDER.encode_utf8(&mut buf), base + ms..base + me);
                if let Some(t) = term {
                    self.push_unit(t.encode_utf8(&mut buf), base + me - 1..base + me);
                }
                i = me;
                continue;
            }
            let c = b[i];
            if c == b'<' {
                // Inline markup is not text; some tags end a line.
                if let Some((len, breaks)) = html_tag(&s[i..]) {
                    let more = || s[i + len..].bytes().any(|c| !c.is_ascii_whitespace());
                    if breaks && !self.norm.is_empty() && more() {
                        self.push_break(base + i, base + i + len);
                    }
                    i += len;
                    while mi < masks.len() && masks[mi].0 < i {
                        mi += 1;
                    }
                    continue;
                }
            }
            if c < 0x80 && !matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c | b'&' | b'<') {
                // A run of plain ASCII: copied as it is, up to the next
                // space, reference, non-ASCII byte or masked region.
                let stop = if mi < masks.len() {
                    masks[mi].0
                } else {
                    b.len()
                };
                // A single space between two such bytes stays in the run.
                let mut j = i + 1;
                while j < stop {
                    let c = b[j];
                    if PLAIN[usize::from(c)] {
                        j += 1;
                    } else if c == b' ' && j + 1 < stop && PLAIN[usize::from(b[j + 1])] {
                        j += 2;
                    } else {
                        break;
                    }
                }
                self.push_ascii_run(&s[i..j], base + i);
                i = j;
                continue;
            }
            if c < 0x80 {
                let orig = base + i..base + i + 1;
                if c == b'<' {
                    self.push_unit("<", orig);
                } else if c == b'&' {
                    if let Some((ch, len)) = decode_entity(&s[i..]) {
                        self.push_char(ch, base + i..base + i + len);
                        i += len;
                        continue;
                    }
                    self.push_unit("&", orig);
                } else {
                    self.push_space(orig);
                }
                i += 1;
            } else {
                let ch = s[i..].chars().next().unwrap_or(PLACEHOLDER);
                let len = ch.len_utf8();
                self.push_char(ch, base + i..base + i + len);
                i += len;
            }
        }
        self.masks = masks;
    }

    fn push_char(&mut self, ch: char, orig: Range<usize>) {
        let ch = match ch {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            c if c.is_whitespace() => {
                self.push_space(orig);
                return;
            }
            c => c,
        };
        let mut buf = [0u8; 4];
        self.push_unit(ch.encode_utf8(&mut buf), orig);
    }

    fn split_sentences(&mut self, cfg: &ScopeConfig) {
        let norm = self.norm.as_bytes();
        let n = norm.len();
        let mut start = 0;
        let mut bi = 0;
        let mut i = 0;
        while i < n {
            // A line break ends a sentence; up to it, look for terminators.
            while self.breaks.get(bi).is_some_and(|&b| b < i) {
                bi += 1;
            }
            let limit = self.breaks.get(bi).copied().unwrap_or(n);
            let Some(p) = norm[i..limit]
                .iter()
                .position(|&c| matches!(c, b'.' | b'!' | b'?' | 0xE2))
            else {
                if limit < n {
                    push_sentence(&self.norm, &mut self.sentences, start, limit);
                    start = limit + 1;
                    bi += 1;
                }
                i = limit + 1;
                continue;
            };
            i += p;
            let c = norm[i];
            if c == 0xE2 && !is_ellipsis(norm, i) {
                i += 1;
                continue;
            }
            // The run of terminators and closing marks.
            let mut j = i;
            while j < n {
                match norm[j] {
                    b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']' => j += 1,
                    0xE2 if is_ellipsis(norm, j) => j += 3,
                    _ => break,
                }
            }
            let at_end = j == n || norm[j] == b' ';
            if at_end && !(c == b'.' && j == i + 1 && self.is_abbreviation(i, cfg)) {
                push_sentence(&self.norm, &mut self.sentences, start, j);
                start = j;
            }
            i = j;
        }
        push_sentence(&self.norm, &mut self.sentences, start, n);
    }

    /// Whether the full stop at `dot` belongs to an abbreviation.
    fn is_abbreviation(&self, dot: usize, cfg: &ScopeConfig) -> bool {
        let before = &self.norm[..dot + 1];
        let word_start = before.rfind([' ', '(', PLACEHOLDER]).map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
        let word = &before[word_start..];
        if word.eq_ignore_ascii_case("no.") {
            // "No. 5": only before a number.
            let after = self.norm[dot + 1..].trim_start();
            return after.starts_with(|c: char| c.is_ascii_digit());
        }
        cfg.abbreviations
            .iter()
            .any(|a| a.eq_ignore_ascii_case(word))
    }

    fn first_words_start(&self) -> usize {
        let Some(first) = self.sentences.first() else {
            return 0;
        };
        let mut at = first.start;
        let s = &self.norm[..first.end];
        // Skip leading @handles.
        while s[at..].starts_with('@') {
            match s[at..].find(' ') {
                Some(sp) => at += sp + 1,
                None => return first.end,
            }
        }
        at
    }
}

/// Text in single quotes: an opening `'` not preceded by a letter or digit
/// and followed by one, up to a closing `'` not followed by one.
fn find_single_quoted(norm: &str, out: &mut Vec<Range<usize>>) {
    let b = norm.as_bytes();
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80)
    };
    let mut i = 0;
    while let Some(p) = norm[i..].find('\'') {
        let open = i + p;
        i = open + 1;
        if (open > 0 && word(open - 1)) || !word(open + 1) {
            continue;
        }
        let mut j = open + 1;
        while let Some(q) = norm[j..].find('\'') {
            let close = j + q;
            if close - open > 120 {
                break;
            }
            if !word(close + 1) && b[close - 1] != b' ' {
                out.push(open..close + 1);
                i = close + 1;
                break;
            }
            j = close + 1;
        }
    }
}

/// Whether an ellipsis character (U+2026) starts at `i`.
fn is_ellipsis(norm: &[u8], i: usize) -> bool {
    norm.get(i..i + 3) == Some(&[0xE2, 0x80, 0xA6][..])
}

fn trim_end_at(norm: &str, end: usize) -> usize {
    norm[..end].trim_end().len()
}

fn push_sentence(norm: &str, out: &mut Vec<Range<usize>>, start: usize, end: usize) {
    let slice = &norm[start..end];
    let trimmed_start = start + (slice.len() - slice.trim_start().len());
    let trimmed_end = start + slice.trim_end().len();
    if trimmed_start < trimmed_end
        && norm[trimmed_start..trimmed_end]
            .chars()
            .any(char::is_alphanumeric)
    {
        out.push(trimmed_start..trimmed_end);
    }
}

/// Whether a line starts quoted history (`On … wrote:`, `-----Original
/// Message-----`, or a `From:` line followed by a `Sent:` line).
fn is_history_header(line: &str, next: Option<&str>) -> bool {
    let l = line.trim_end();
    if contains_from(l.as_bytes(), b'-', b"-----Original Message-----") {
        return true;
    }
    if l.starts_with("From:") {
        return next.is_some_and(|n| n.trim_start().starts_with("Sent:"));
    }
    if let Some(rest) = l.strip_prefix("On ") {
        if rest.ends_with("wrote:") {
            return true;
        }
        // Gmail wraps long headers: "On …, Name <address>" / "wrote:".
        if let Some(n) = next {
            return n.trim() == "wrote:" && (rest.contains(',') || rest.contains('<'));
        }
    }
    false
}

/// Whether `hay` contains `needle`, which starts with `first`: a search
/// that costs little on short lines, where most never hold `first`.
fn contains_from(hay: &[u8], first: u8, needle: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = hay[i..].iter().position(|&c| c == first) {
        if hay[i + p..].starts_with(needle) {
            return true;
        }
        i += p + 1;
    }
    false
}

fn is_closing_line(line: &str, closings: &[String]) -> bool {
    let l = line.trim();
    let l = l.trim_end_matches([',', '!', '.', ' ']);
    if l.is_empty() || l.len() > 40 {
        return false;
    }
    closings.iter().any(|c| c.eq_ignore_ascii_case(l))
}

/// A trailing initials tag (`^NO`, `-L.O`, `/AR`, `*AFC`, `~JT`) at the very
/// end of the text or just before a final link placeholder.
fn initials_tag(norm: &str) -> Option<Range<usize>> {
    let mut end = norm.trim_end().len();
    let t = &norm[..end];
    if t.ends_with(PLACEHOLDER) {
        end = t[..t.len() - PLACEHOLDER.len_utf8()].trim_end().len();
    }
    let t = &norm[..end];
    // Up to four letters or dots, after one of ^ - / * ~.
    let body_start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphabetic() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let body = &t[body_start..];
    let letters = body.chars().filter(char::is_ascii_alphabetic).count();
    if letters == 0 || letters > 4 || body.len() > 5 {
        return None;
    }
    let mark_at = body_start.checked_sub(1)?;
    if !matches!(t.as_bytes()[mark_at], b'^' | b'-' | b'/' | b'*' | b'~') {
        return None;
    }
    // The mark follows a space, the start, punctuation or text in another
    // script ("….-PR", "ください。^HM"), not a letter of a hyphenated word.
    let before = t[..mark_at].chars().next_back();
    if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(mark_at..end)
}

/// Whether a reply opens, on its first line, with an email header.
fn starts_with_header(text: &str) -> bool {
    [
        "From:",
        "To:",
        "Subject:",
        "Date:",
        "Cc:",
        "Sent:",
        "Reply-To:",
    ]
    .iter()
    .any(|h| text.starts_with(h))
}

/// An HTML tag at the start of `s` (`<b>`, `</p>`, `<a href="…">`,
/// `<br/>`): its length, and whether it ends a line.
fn html_tag(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let name_at = if b.get(1) == Some(&b'/') { 2 } else { 1 };
    if !b.get(name_at)?.is_ascii_alphabetic() {
        return None;
    }
    let end = b.iter().take(400).position(|&c| c == b'>')?;
    if b[1..end].contains(&b'<') {
        return None;
    }
    let name_len = b[name_at..end]
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(end - name_at);
    let name = &s[name_at..name_at + name_len];
    const KNOWN: &[&str] = &[
        "a",
        "b",
        "i",
        "u",
        "s",
        "em",
        "strong",
        "span",
        "font",
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "small",
        "big",
        "sup",
        "sub",
        "mark",
        "code",
        "blockquote",
        "table",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "center",
        "section",
        "article",
        "header",
        "footer",
        "html",
        "body",
        "head",
        "meta",
        "style",
        "o",
    ];
    if !KNOWN.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        return None;
    }
    let closing = name_at == 2;
    let lower = name.to_ascii_lowercase();
    let breaks = match lower.as_str() {
        "br" | "hr" | "tr" => true,
        "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" => closing,
        _ => false,
    };
    Some((end + 1, breaks))
}

/// HTML named character references beyond the five of XML.
fn named_reference(name: &str) -> Option<char> {
    const NAMED: &[(&str, char)] = &[
        ("rsquo", '\u{2019}'),
        ("lsquo", '\u{2018}'),
        ("rdquo", '\u{201D}'),
        ("ldquo", '\u{201C}'),
        ("sbquo", '\u{201A}'),
        ("bdquo", '\u{201E}'),
        ("hellip", '\u{2026}'),
        ("mdash", '\u{2014}'),
        ("ndash", '\u{2013}'),
        ("bull", '\u{2022}'),
        ("middot", '\u{B7}'),
        ("copy", '\u{A9}'),
        ("reg", '\u{AE}'),
        ("trade", '\u{2122}'),
        ("euro", '\u{20AC}'),
        ("pound", '\u{A3}'),
        ("yen", '\u{A5}'),
        ("cent", '\u{A2}'),
        ("deg", '\u{B0}'),
        ("times", '\u{D7}'),
        ("divide", '\u{F7}'),
        ("laquo", '\u{AB}'),
        ("raquo", '\u{BB}'),
        ("lsaquo", '\u{2039}'),
        ("rsaquo", '\u{203A}'),
        ("prime", '\u{2032}'),
        ("Prime", '\u{2033}'),
        ("sect", '\u{A7}'),
        ("para", '\u{B6}'),
        ("iexcl", '\u{A1}'),
        ("iquest", '\u{BF}'),
        ("shy", '\u{AD}'),
        ("ensp", '\u{2002}'),
        ("emsp", '\u{2003}'),
        ("thinsp", '\u{2009}'),
        ("zwnj", '\u{200C}'),
        ("zwj", '\u{200D}'),
        ("larr", '\u{2190}'),
        ("rarr", '\u{2192}'),
        ("uarr", '\u{2191}'),
        ("darr", '\u{2193}'),
        ("frac12", '\u{BD}'),
        ("frac14", '\u{BC}'),
        ("frac34", '\u{BE}'),
        ("plusmn", '\u{B1}'),
        ("micro", '\u{B5}'),
        ("szlig", '\u{DF}'),
        ("dagger", '\u{2020}'),
        ("permil", '\u{2030}'),
        ("Agrave", 'À'),
        ("Aacute", 'Á'),
        ("Acirc", 'Â'),
        ("Atilde", 'Ã'),
        ("Auml", 'Ä'),
        ("Aring", 'Å'),
        ("AElig", 'Æ'),
        ("Ccedil", 'Ç'),
        ("Egrave", 'È'),
        ("Eacute", 'É'),
        ("Ecirc", 'Ê'),
        ("Euml", 'Ë'),
        ("Igrave", 'Ì'),
        ("Iacute", 'Í'),
        ("Icirc", 'Î'),
        ("Iuml", 'Ï'),
        ("Ntilde", 'Ñ'),
        ("Ograve", 'Ò'),
        ("Oacute", 'Ó'),
        ("Ocirc", 'Ô'),
        ("Otilde", 'Õ'),
        ("Ouml", 'Ö'),
        ("Oslash", 'Ø'),
        ("Ugrave", 'Ù'),
        ("Uacute", 'Ú'),
        ("Ucirc", 'Û'),
        ("Uuml", 'Ü'),
        ("Yacute", 'Ý'),
        ("agrave", 'à'),
        ("aacute", 'á'),
        ("acirc", 'â'),
        ("atilde", 'ã'),
        ("auml", 'ä'),
        ("aring", 'å'),
        ("aelig", 'æ'),
        ("ccedil", 'ç'),
        ("egrave", 'è'),
        ("eacute", 'é'),
        ("ecirc", 'ê'),
        ("euml", 'ë'),
        ("igrave", 'ì'),
        ("iacute", 'í'),
        ("icirc", 'î'),
        ("iuml", 'ï'),
        ("ntilde", 'ñ'),
        ("ograve", 'ò'),
        ("oacute", 'ó'),
        ("ocirc", 'ô'),
        ("otilde", 'õ'),
        ("ouml", 'ö'),
        ("oslash", 'ø'),
        ("ugrave", 'ù'),
        ("uacute", 'ú'),
        ("ucirc", 'û'),
        ("uuml", 'ü'),
        ("yacute", 'ý'),
        ("yuml", 'ÿ'),
        ("oelig", 'œ'),
        ("OElig", 'Œ'),
        ("scaron", 'š'),
        ("Scaron", 'Š'),
        ("check", '\u{2713}'),
        ("hearts", '\u{2665}'),
        ("star", '\u{2606}'),
    ];
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
}

/// Decodes an HTML character reference at the start of `s`.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let ch = match name {
        "gt" => '>',
        "lt" => '<',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ if !name.starts_with('#') => named_reference(name)?,
        _ => {
            let num = name.strip_prefix('#')?;
            let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                num.parse::<u32>().ok()?
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

const CODE: u8 = 1;
const COLON: u8 = 2;
const DOT: u8 = 4;
const AT: u8 = 8;
const QUOTE: u8 = 16;

/// Bytes that may start or mark a masked region, by kind.
static MASK_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'`' as usize] = CODE;
    t[b':' as usize] = COLON;
    t[b'.' as usize] = DOT;
    t[b'@' as usize] = AT;
    t[b'"' as usize] = QUOTE;
    t[b'&' as usize] = QUOTE;
    t[0xE2] = QUOTE;
    t
};

/// The longest double-quoted text that is taken for a quotation.
const MAX_QUOTE: usize = 600;

/// Finds inline regions of one line that are not the agent's prose:
/// double-quoted text, links, email addresses, code spans. Each is
/// `(start, end, terminator)`, where the terminator is a sentence-ending
/// mark that closed the quoted text.
fn find_masks(s: &str, cfg: &ScopeConfig, out: &mut Vec<(usize, usize, Option<char>)>) {
    let b = s.as_bytes();
    // One pass decides which of the searches below can find anything.
    let mut seen = 0u8;
    let mut www = false;
    for (i, &c) in b.iter().enumerate() {
        let class = MASK_CLASS[usize::from(c)];
        if class != 0 {
            seen |= class;
            www = www || (c == b'.' && i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www"));
        }
    }
    let code = seen & CODE != 0;
    let colon = seen & COLON != 0;
    let at = seen & AT != 0;
    let quote = seen & QUOTE != 0;
    if cfg.skip_links && (code || colon || www || at) {
        // Code spans.
        if code {
            let mut i = 0;
            while let Some(p) = s[i..].find('`') {
                let open = i + p;
                match s[open + 1..].find('`') {
                    Some(q) => {
                        out.push((open, open + 1 + q + 1, None));
                        i = open + q + 2;
                    }
                    None => break,
                }
            }
        }
        // Links: "http://", "https://" and "www.", found in one pass.
        if colon || www {
            let mut i = 0;
            while i < b.len() {
                // Only ':' and 'w' can be where a link is recognised.
                match b[i..]
                    .iter()
                    .position(|&c| c == b':' || c == b'w' || c == b'W')
                {
                    Some(p) => i += p,
                    None => break,
                }
                let start = if b[i] == b':' && b[i + 1..].starts_with(b"//") {
                    if i >= 5 && b[i - 5..i].eq_ignore_ascii_case(b"https") {
                        Some(i - 5)
                    } else if i >= 4 && b[i - 4..i].eq_ignore_ascii_case(b"http") {
                        Some(i - 4)
                    } else {
                        None
                    }
                } else if (b[i] == b'w' || b[i] == b'W')
                    && b.len() >= i + 4
                    && b[i..i + 4].eq_ignore_ascii_case(b"www.")
                {
                    Some(i)
                } else {
                    None
                };
                match start {
                    Some(start) if start == 0 || !b[start - 1].is_ascii_alphanumeric() => {
                        let end = link_end(s, start);
                        out.push((start, end, None));
                        i = end.max(i + 1);
                    }
                    _ => i += 1,
                }
            }
        }
        // Email addresses.
        let mut i = 0;
        while let Some(p) = s[i..].find('@').filter(|_| at) {
            let at = i + p;
            i = at + 1;
            let left = s[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || "._%+-".contains(c)))
                .map_or(0, |q| q + 1);
            if left == at {
                continue;
            }
            let right_len = s[at + 1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                .unwrap_or(s.len() - at - 1);
            let domain = s[at + 1..at + 1 + right_len].trim_end_matches('.');
            if domain.contains('.') {
                out.push((left, at + 1 + domain.len(), None));
                i = at + 1 + domain.len();
            }
        }
    }
    if cfg.skip_double_quotes && quote {
        let mut i = 0;
        while i < b.len() {
            let rest = &b[i..];
            let (open_len, close): (usize, &[&str]) = if rest[0] == b'"' {
                (1, &["\"", "\u{201D}", "&quot;", "&rdquo;"])
            } else if rest.starts_with("\u{201C}".as_bytes()) {
                (3, &["\u{201D}", "\"", "&rdquo;"])
            } else if rest.starts_with(b"&quot;") {
                (6, &["&quot;", "\""])
            } else if rest.starts_with(b"&ldquo;") {
                (7, &["&rdquo;", "\u{201D}", "\""])
            } else {
                i += 1;
                continue;
            };
            let inner_start = i + open_len;
            // A quotation closes within a few hundred bytes; searching
            // further would make a long line cost quadratic time.
            let mut window_end = (inner_start + MAX_QUOTE).min(s.len());
            while !s.is_char_boundary(window_end) {
                window_end -= 1;
            }
            let window = &s[inner_start..window_end];
            let found = close
                .iter()
                .filter_map(|c| window.find(c).map(|p| (p, c.len())))
                .min();
            match found {
                Some((p, clen)) if p > 0 => {
                    let inner = s[inner_start..inner_start + p].trim_end();
                    let term = inner
                        .chars()
                        .next_back()
                        .filter(|c| matches!(c, '.' | '!' | '?'))
                        .map(|_| '.');
                    out.push((i, inner_start + p + clen, term));
                    i = inner_start + p + clen;
                }
                _ => i += open_len,
            }
        }
    }
    if out.len() > 1 {
        out.sort_unstable();
        // Drop regions nested in or overlapping an earlier one.
        let mut w = 0;
        for r in 0..out.len() {
            if w == 0 || out[r].0 >= out[w - 1].1 {
                out[w] = out[r];
                w += 1;
            }
        }
        out.truncate(w);
    }
}

fn link_end(s: &str, start: usize) -> usize {
    let rest = &s[start..];
    let len = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == '\u{201D}')
        .unwrap_or(rest.len());
    let link = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']);
    start + link.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ScopeConfig {
        ScopeConfig {
            skip_quoted_lines: true,
            skip_history: true,
            skip_double_quotes: true,
            skip_signature: true,
            skip_links: true,
            closings: vec!["best".into(), "kind regards".into(), "thanks".into()],
            abbreviations: vec!["e.g.".into(), "mr.".into()],
            canon: Canon::new(&[vec!["can't".into(), "cannot".into(), "can not".into()]]),
        }
    }

    fn sentences(text: &str) -> Vec<String> {
        let mut p = Prepared::default();
        p.prepare(text, &cfg());
        p.sentences
            .iter()
            .map(|r| p.norm[r.clone()].to_owned())
            .collect()
    }

    #[test]
    fn folds_white_space_and_maps_back() {
        let text = "That’s   not\nmy job.";
        let mut p = Prepared::default();
        p.prepare(text, &cfg());
        assert_eq!(p.norm, "That's not my job.");
        let at = p.norm.find("not my").unwrap_or(0);
        let orig = p.original(at..at + "not my".len());
        assert_eq!(&text[orig], "not\nmy");
        assert_eq!(p.breaks.len(), 1);
    }

    #[test]
    fn decodes_character_references() {
        let mut p = Prepared::default();
        p.prepare("that&#39;s not my job &amp; more", &cfg());
        assert_eq!(p.norm, "that's not my job & more");
        p.prepare("We CAN'T help", &cfg());
        assert_eq!(p.norm, "We CAN NOT help");
        assert_eq!(p.original(3..10), 3..8);
    }

    #[test]
    fn drops_markup_and_email_headers() {
        let mut p = Prepared::default();
        p.prepare(
            "<p>that&rsquo;s <b>not</b> my job</p><p>Bye &hellip;</p>",
            &cfg(),
        );
        assert_eq!(p.norm, "that's not my job Bye \u{2026}");
        assert_eq!(p.breaks, [17]);
        let text = "From: A <a@example.com>\nSubject: No refund?\n\nHi Jo,\nDone.";
        p.prepare(text, &cfg());
        assert_eq!(p.norm, "Hi Jo, Done.");
        assert_eq!(&text[p.original(0..2)], "Hi");
        p.prepare("Hi,\nFrom: me\nSent: today\n\nold", &cfg());
        assert_eq!(p.norm, "Hi,");
        p.prepare(
            "a <3 b and <a href=\"https://x.example\">link</a> 1 < 2",
            &cfg(),
        );
        assert_eq!(p.norm, "a <3 b and link 1 < 2");
    }

    #[test]
    fn cuts_sentences() {
        assert_eq!(
            sentences("Hi Ana,\nNo. 5 is ready, e.g. today. Done! Mr. Lee said \"no.\" Fine"),
            vec![
                "Hi Ana,",
                "No. 5 is ready, e.g. today.",
                "Done!",
                "Mr. Lee said \u{FFFC}.",
                "Fine"
            ]
        );
    }

    #[test]
    fn line_breaks_folded_together_still_cut_sentences() {
        // Two breaks around a line of white space fold into one space; the
        // breaks after it still count.
        assert_eq!(
            sentences("Done\n&nbsp;\nNext line\nLast\none"),
            vec!["Done", "Next line", "Last", "one"]
        );
    }

    #[test]
    fn skips_quotes_history_and_signature() {
        let text =
            "> rude words\nHello,\nAll done.\n\nBest,\nMIRA SMITH\n\nOn Mon, Ana wrote:\n> more";
        let mut p = Prepared::default();
        p.prepare(text, &cfg());
        assert_eq!(p.norm, "Hello, All done. Best, MIRA SMITH");
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(&p.norm[p.skipped[0].clone()], "MIRA SMITH");
        assert_eq!(&p.norm[..p.body_end], "Hello, All done.");
    }

    #[test]
    fn finds_initials_tag() {
        let mut p = Prepared::default();
        p.prepare("Sorry for the wait! ^NO", &cfg());
        assert_eq!(&p.norm[p.skipped[0].clone()], "^NO");
    }
}
