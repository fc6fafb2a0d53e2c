//! Reply-level measures: how long the agent's text and its sentences are,
//! and whether a set of matches covers every sentence.

use crate::rule::Channel;
use crate::text::Prepared;
use std::ops::Range;

/// Limits of the `length` kind, resolved from a pack.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub sentence_words: usize,
    pub email: usize,
    pub chat: usize,
    pub social: usize,
}

/// Whether a token of the normalised text counts as a word: it holds a
/// letter or a digit.
fn is_word(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_alphanumeric()) || token.chars().any(char::is_alphanumeric)
}

/// The words of `norm[range]` that span rules read.
fn words_in(prep: &Prepared, range: Range<usize>) -> usize {
    let mut n = 0;
    let mut at = range.start;
    for token in prep.norm[range.clone()].split(' ') {
        let r = at..at + token.len();
        at += token.len() + 1;
        if is_word(token) && !prep.is_skipped(&r) {
            n += 1;
        }
    }
    n
}

/// Candidates of the `length` kind: each sentence over the sentence limit,
/// or the whole agent text when it is over its channel's limit.
pub(crate) fn length_candidates(
    prep: &Prepared,
    limits: &Limits,
    channel: Channel,
    out: &mut Vec<Range<usize>>,
) {
    // Words are at most one more than spaces: most replies are too short
    // to count.
    let spaces = prep.norm.bytes().filter(|&b| b == b' ').count();
    let max = match channel {
        Channel::Email => limits.email,
        Channel::Chat => limits.chat,
        Channel::Social => limits.social,
    };
    let short_enough = |limit: usize| limit == 0 || spaces < limit;
    if short_enough(limits.sentence_words) && short_enough(max) {
        return;
    }
    let mut total = 0;
    for s in &prep.sentences {
        let n = words_in(prep, s.clone());
        total += n;
        if limits.sentence_words > 0 && n > limits.sentence_words {
            out.push(s.clone());
        }
    }
    if out.is_empty() && max > 0 && total > max {
        if let (Some(first), Some(last)) = (prep.sentences.first(), prep.sentences.last()) {
            let end = prep.body_end.max(first.start).min(last.end);
            out.push(prep.first_start.min(first.start)..end);
        }
    }
}

/// Whether every sentence of the agent's text that has two words or more
/// in it (not skipped: a lone "Alright." or "- JT" says nothing) holds one
/// of `covers`.
pub(crate) fn every_sentence_holds(prep: &Prepared, covers: &[Range<usize>]) -> bool {
    prep.sentences.iter().all(|s| {
        if words_in(prep, s.clone()) < 2 {
            return true;
        }
        covers
            .iter()
            .any(|c| s.start <= c.start && c.start < s.end.max(s.start + 1))
    })
}
