//! The compiled checker.

use crate::canon::Canon;
use crate::context::Context;
use crate::conversation as conv;
use crate::error::{Error, ErrorKind};
use crate::expand::Vocabulary;
use crate::matcher::{Hit, PhraseSet, PhraseSetBuilder};
use crate::pack::Pack;
use crate::pattern::Pattern as Regex;
use crate::report::{Edit, Finding, Report, Suggestion};
use crate::rule::{Capitals, Channel, Match, Near, PatternScope, PhraseEntry, Place, Rule};
use crate::suggest::{
    has_gap, place, render, template_names, Fill, Placed, Site, SuggestionEntry, SuggestionKind,
    Words, PLACEHOLDERS,
};
use crate::text::{Prepared, ScopeConfig};
use crate::words::WordCompiler;
use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

/// Largest compiled size of one pattern.
const PATTERN_SIZE_LIMIT: usize = 2 << 20;

/// Builds a [`Checker`] from the default pack, another base pack, and
/// packs layered over it.
#[derive(Debug, Clone, Default)]
pub struct CheckerBuilder {
    base: Option<Pack>,
    layers: Vec<Pack>,
}

impl CheckerBuilder {
    /// Uses `pack` as the base instead of the default pack.
    pub fn base(mut self, pack: Pack) -> Self {
        self.base = Some(pack);
        self
    }

    /// Layers `pack` over the base (and over earlier layers).
    pub fn layer(mut self, pack: Pack) -> Self {
        self.layers.push(pack);
        self
    }

    /// Resolves the packs and compiles them.
    ///
    /// # Errors
    ///
    /// Any error of [`Pack::layer`], and patterns, phrases or references
    /// that do not compile.
    pub fn build(self) -> Result<Checker, Error> {
        let mut pack = match self.base {
            Some(p) => p,
            None => Pack::default_pack()?,
        };
        for layer in self.layers {
            pack.layer(layer)?;
        }
        Checker::from_pack(pack)
    }
}

/// A rule pack compiled for checking: immutable, `Send + Sync`, and cheap
/// to clone (it is an `Arc` inside).
///
/// Build it once and check many replies with it; building compiles every
/// phrase into one automaton and every pattern into a regex.
#[derive(Clone)]
pub struct Checker {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("rules", &self.inner.defs.len())
            .field("phrases", &self.inner.phrases.literals().len())
            .finish()
    }
}

struct Inner {
    pack: Pack,
    defs: Vec<Rule>,
    rules: Vec<Compiled>,
    phrases: PhraseSet,
    scope: ScopeConfig,
    /// The phrases that conversation features read.
    conv: conv::Phrases,
    /// The pack's `ordinary-words`: words that sentence case may lower.
    ordinary: Vec<String>,
    /// The pack's `fillers`: words a sentence-wide fix may drop.
    fillers: Vec<String>,
}

struct Compiled {
    /// Reports findings.
    report: bool,
    /// Runs (reports, or feeds an enabled condition).
    active: bool,
    channels: Vec<Channel>,
    kind: Kind,
    exceptions: Vec<CException>,
    phrase_suggest: Vec<Vec<SuggestionEntry>>,
    /// Phrase entries that match only in capitals.
    phrase_caps: Vec<bool>,
    keep_case: Vec<String>,
    /// Conditions on the conversation.
    gate: Option<conv::CGate>,
}

enum Kind {
    Span {
        slot: u32,
        patterns: Vec<CPattern>,
        requires: Option<u32>,
    },
    Requirement {
        slot: u32,
        patterns: Vec<Regex>,
        min_sentences: usize,
        at: Place,
        fix_at: Place,
    },
    Condition {
        if_rules: Vec<usize>,
        if_slot: u32,
        if_patterns: Vec<Regex>,
        requires: Option<u32>,
        unless_slot: u32,
        unless_patterns: Vec<Regex>,
        /// Word patterns: triggers, what keeps the rule quiet, and what
        /// may fill a sentence besides a trigger.
        words: [Vec<CPattern>; 3],
        /// Phrases that may fill a sentence, when every sentence must be
        /// covered, and patterns for a whole sentence that needs no trigger.
        every_sentence: Option<(u32, Vec<Regex>)>,
    },
    Capitals(Caps),
    Delay(conv::CDelay),
    Length(crate::reply::Limits),
}

struct CPattern {
    re: Regex,
    scope: PatternScope,
    suggest: Vec<SuggestionEntry>,
    /// Whether the pattern has named groups that suggestions fill in.
    has_named: bool,
    /// A word pattern's own pre-filter (`Some(None)`: none can be made);
    /// `None` for a regular expression, which the rule's `requires` gates.
    gate: Option<Option<u32>>,
}

struct CException {
    slot: u32,
    patterns: Vec<Regex>,
    /// Word patterns, each skipped when its pre-filter words are absent.
    words: Vec<CPattern>,
    near: Near,
    required: bool,
}

pub(crate) struct Caps {
    min_run: usize,
    min_sentence_words: usize,
    acronyms: Vec<String>,
    label_words: Vec<String>,
    single_quotes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Rule,
    Phrase(u32),
    Pattern(u32),
    /// The rule's finding, without suggestions.
    Bare,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cand {
    range: Range<usize>,
    source: Source,
}

#[derive(Default)]
struct Scratch {
    prep: Prepared,
    hits: Vec<Vec<Hit>>,
    /// The slots of `hits` that hold something.
    touched: Vec<u32>,
    cands: Vec<Vec<Cand>>,
    occurrences: Vec<Range<usize>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Checker {
    /// A checker for the default service pack.
    ///
    /// # Errors
    ///
    /// Only if the embedded pack were broken; its own tests rule that out.
    pub fn new() -> Result<Checker, Error> {
        Checker::builder().build()
    }

    /// A builder, starting from the default pack.
    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::default()
    }

    /// Compiles a resolved pack (no default pack underneath).
    ///
    /// # Errors
    ///
    /// A pattern that does not compile or is too large, a phrase template
    /// that is malformed, a reference to an unknown list or rule.
    pub fn from_pack(pack: Pack) -> Result<Checker, Error> {
        compile(pack).map(|inner| Checker {
            inner: Arc::new(inner),
        })
    }

    /// The resolved pack this checker was built from.
    pub fn pack(&self) -> &Pack {
        &self.inner.pack
    }

    /// The rules, in pack order.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.defs
    }

    /// The rule with this id, for its metadata (message, rationale,
    /// examples).
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.inner.defs.iter().find(|r| r.id == id)
    }

    /// Every literal phrase in the automaton (after expansion), sorted.
    pub fn literal_phrases(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .inner
            .phrases
            .literals()
            .iter()
            .map(String::as_str)
            .collect();
        v.sort_unstable();
        v
    }

    /// Checks an email reply.
    ///
    /// # Examples
    ///
    /// ```
    /// let checker = tactful::Checker::new()?;
    /// let report = checker.check("That's not my job.");
    /// assert_eq!(report.findings()[0].rule_id(), "not-my-job");
    /// # Ok::<(), tactful::Error>(())
    /// ```
    pub fn check<'a>(&'a self, text: &'a str) -> Report<'a> {
        self.check_with(text, &Context::default())
    }

    /// Checks a reply in its context: the channel, the conversation, and
    /// which rules report.
    ///
    /// # Examples
    ///
    /// ```
    /// use tactful::{Channel, Checker, Context};
    ///
    /// let checker = Checker::new()?;
    /// let context = Context::channel(Channel::Chat).disable_rule("dismissive");
    /// let report = checker.check_with("Calm down, that's not my job.", &context);
    /// let ids: Vec<_> = report.findings().iter().map(|f| f.rule_id()).collect();
    /// assert_eq!(ids, ["not-my-job"]);
    /// # Ok::<(), tactful::Error>(())
    /// ```
    pub fn check_with<'a>(&'a self, text: &'a str, options: &Context<'_>) -> Report<'a> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.run(text, options, &mut scratch),
            Err(_) => self.run(text, options, &mut Scratch::default()),
        })
    }

    fn run<'a>(&'a self, text: &'a str, options: &Context<'_>, s: &mut Scratch) -> Report<'a> {
        let inner = &*self.inner;
        let Scratch {
            prep,
            hits,
            touched,
            cands,
            occurrences,
        } = s;
        prep.prepare(text, &inner.scope);
        let slots = inner.phrases.slots();
        if hits.len() < slots {
            hits.resize_with(slots, Vec::new);
        }
        for &t in touched.iter() {
            hits[t as usize].clear();
        }
        touched.clear();
        if cands.len() < inner.rules.len() {
            cands.resize_with(inner.rules.len(), Vec::new);
        }
        for c in cands.iter_mut() {
            c.clear();
        }
        inner.phrases.scan(&prep.norm, &prep.lower, hits, touched);
        let mut session = conv::Session::new(options, &inner.conv);
        for &t in touched.iter() {
            let h = &mut hits[t as usize];
            if h.len() > 1 {
                h.sort_unstable_by_key(|h| (h.range.start, h.range.end));
            }
        }

        // Which rules report in this check: the pack's choice, unless the
        // caller selects otherwise; then every rule runs, so that a
        // condition can read rules that do not report.
        let selected = !options.rules.is_empty();
        let reports = |i: usize| {
            if selected {
                options.rules.reports(&inner.defs[i], inner.rules[i].report)
            } else {
                inner.rules[i].report
            }
        };
        let channel_ok = |i: usize| {
            let r = &inner.rules[i];
            (r.active || selected)
                && (r.channels.is_empty() || r.channels.contains(&options.channel))
        };

        // Span rules, detectors and requirements.
        for (i, rule) in inner.rules.iter().enumerate() {
            if !channel_ok(i) {
                continue;
            }
            let mut found = std::mem::take(&mut cands[i]);
            match &rule.kind {
                Kind::Span {
                    slot,
                    patterns,
                    requires,
                } => {
                    for h in &hits[*slot as usize] {
                        let words = &prep.norm[h.range.clone()];
                        let caps_ok = !rule
                            .phrase_caps
                            .get(h.entry as usize)
                            .copied()
                            .unwrap_or(false)
                            || in_capitals(words);
                        // "You Need To Calm Down" in mid-sentence names a
                        // song or a product, not the customer.
                        let title = is_title(words) && !prep.starts_sentence(h.range.start);
                        if caps_ok && !title && !prep.is_skipped(&h.range) {
                            found.push(Cand {
                                range: h.range.clone(),
                                source: Source::Phrase(h.entry),
                            });
                        }
                    }
                    for (k, p) in patterns.iter().enumerate() {
                        let gate = p.gate.unwrap_or(*requires);
                        let required = gate.is_none_or(|r| {
                            hits[r as usize].iter().any(|h| !prep.is_skipped(&h.range))
                        });
                        if required {
                            let near = gate.map(|r| hits[r as usize].as_slice());
                            pattern_matches(prep, p, near, |range| {
                                found.push(Cand {
                                    range,
                                    source: Source::Pattern(k as u32),
                                })
                            });
                        }
                    }
                }
                Kind::Capitals(caps) => caps_candidates(prep, caps, &mut found),
                Kind::Length(limits) => {
                    occurrences.clear();
                    crate::reply::length_candidates(prep, limits, options.channel, occurrences);
                    found.extend(occurrences.drain(..).map(|range| Cand {
                        range,
                        source: Source::Rule,
                    }));
                }
                Kind::Requirement {
                    slot,
                    patterns,
                    min_sentences,
                    at,
                    fix_at,
                } => {
                    if prep.sentences.len() >= *min_sentences
                        && !requirement_met(prep, &hits[*slot as usize], patterns, *at)
                    {
                        let at = match fix_at {
                            Place::End => prep.body_end,
                            _ => prep.first_start,
                        };
                        found.push(Cand {
                            range: at..at,
                            source: Source::Rule,
                        });
                    }
                }
                Kind::Delay(d) => {
                    if let Some((at, fix)) = d.check(&mut session, prep) {
                        found.push(Cand {
                            range: at..at,
                            source: if fix { Source::Rule } else { Source::Bare },
                        });
                    }
                }
                Kind::Condition { .. } => {}
            }
            apply_exceptions(prep, hits, rule, &mut found, occurrences);
            dedupe(&mut found);
            cands[i] = found;
        }

        gate_findings(&inner.rules, cands, prep, &mut session, false);

        // Conditions, which may read the findings above.
        for (i, rule) in inner.rules.iter().enumerate() {
            let Kind::Condition {
                if_rules,
                if_slot,
                if_patterns,
                requires,
                unless_slot,
                unless_patterns,
                words,
                every_sentence,
            } = &rule.kind
            else {
                continue;
            };
            if !channel_ok(i) {
                continue;
            }
            let mut triggers: Vec<Cand> = Vec::new();
            for &r in if_rules {
                triggers.extend(cands[r].iter().map(|c| Cand {
                    range: c.range.clone(),
                    source: Source::Rule,
                }));
            }
            for h in &hits[*if_slot as usize] {
                if !prep.is_skipped(&h.range) {
                    triggers.push(Cand {
                        range: h.range.clone(),
                        source: Source::Rule,
                    });
                }
            }
            let required = requires
                .is_none_or(|r| hits[r as usize].iter().any(|h| !prep.is_skipped(&h.range)));
            for re in if_patterns.iter().filter(|_| required) {
                for range in re.find_iter(&prep.norm) {
                    if !range.is_empty() && !prep.is_skipped(&range) {
                        triggers.push(Cand {
                            range,
                            source: Source::Rule,
                        });
                    }
                }
            }
            words_matches(prep, hits, &words[0], |range| {
                triggers.push(Cand {
                    range,
                    source: Source::Rule,
                })
            });
            apply_exceptions(prep, hits, rule, &mut triggers, occurrences);
            if triggers.is_empty() {
                continue;
            }
            let mut unless_words = false;
            words_matches(prep, hits, &words[1], |_| unless_words = true);
            let unless = unless_words
                || hits[*unless_slot as usize]
                    .iter()
                    .any(|h| !prep.is_skipped(&h.range))
                || unless_patterns.iter().any(|re| {
                    re.find_iter(&prep.norm)
                        .any(|m| !m.is_empty() && !prep.is_skipped(&m))
                });
            if unless {
                continue;
            }
            if let Some((also, also_patterns)) = every_sentence {
                occurrences.clear();
                occurrences.extend(triggers.iter().map(|c| c.range.clone()));
                occurrences.extend(hits[*also as usize].iter().map(|h| h.range.clone()));
                for s in &prep.sentences {
                    if also_patterns
                        .iter()
                        .any(|re| re.is_match(&prep.norm[s.clone()]))
                    {
                        occurrences.push(s.start..s.start + 1);
                    }
                }
                words_matches(prep, hits, &words[2], |r| occurrences.push(r));
                if !crate::reply::every_sentence_holds(prep, occurrences) {
                    continue;
                }
            }
            triggers.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end)));
            triggers.truncate(1);
            cands[i] = triggers;
        }

        gate_findings(&inner.rules, cands, prep, &mut session, true);

        // Findings.
        let words = Words {
            ordinary: &inner.ordinary,
            fillers: &inner.fillers,
        };
        let mut findings = Vec::new();
        for (i, rule) in inner.rules.iter().enumerate() {
            if !reports(i) {
                continue;
            }
            let def = &inner.defs[i];
            for c in &cands[i] {
                findings.push(make_finding(text, prep, def, rule, c, i, options, &words));
            }
        }
        findings.sort_by_key(|(f, i): &(Finding<'a>, usize)| (f.span.start, f.span.end, *i));
        Report {
            text,
            findings: findings.into_iter().map(|(f, _)| f).collect(),
        }
    }
}

/// Several words, each starting with a capital and going on in lowercase
/// ("Calm Down"): the name of something.
fn is_title(s: &str) -> bool {
    let mut words = 0;
    for w in s.split(' ') {
        let mut chars = w.chars();
        match chars.next() {
            Some(c) if c.is_uppercase() => {}
            _ => return false,
        }
        if !chars.clone().any(char::is_lowercase) || chars.any(char::is_uppercase) {
            return false;
        }
        words += 1;
    }
    words >= 2
}

/// Written in capitals, a plural `s` aside ("RMAs").
fn in_capitals(s: &str) -> bool {
    let s = s.strip_suffix('s').unwrap_or(s);
    s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
}

/// Drops the findings of rules whose conversation conditions do not hold,
/// and moves their insertion points past an opening greeting. Conditions
/// are gated after they run (`conditions`), other rules before, so that a
/// condition reads gated findings.
fn gate_findings(
    rules: &[Compiled],
    cands: &mut [Vec<Cand>],
    prep: &Prepared,
    session: &mut conv::Session<'_>,
    conditions: bool,
) {
    for (i, rule) in rules.iter().enumerate() {
        let Some(gate) = &rule.gate else { continue };
        if matches!(rule.kind, Kind::Condition { .. }) != conditions || cands[i].is_empty() {
            continue;
        }
        if !gate.holds(session, prep) {
            cands[i].clear();
            continue;
        }
        for c in &mut cands[i] {
            if c.range.is_empty() {
                let at = gate.insertion_point(session, prep, c.range.start);
                c.range = at..at;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn make_finding<'a>(
    text: &'a str,
    prep: &Prepared,
    def: &'a Rule,
    rule: &'a Compiled,
    c: &Cand,
    index: usize,
    options: &Context<'_>,
    words: &Words<'_>,
) -> (Finding<'a>, usize) {
    let ordinary = words.ordinary;
    let span = prep.original(c.range.clone());
    let span = if span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
    {
        span
    } else {
        0..0
    };
    let (templates, pattern): (&[SuggestionEntry], Option<&CPattern>) = match c.source {
        Source::Phrase(e) => (
            rule.phrase_suggest
                .get(e as usize)
                .filter(|s| !s.is_empty())
                .unwrap_or(&def.suggestions),
            None,
        ),
        Source::Pattern(k) => match &rule.kind {
            Kind::Span { patterns, .. } => match patterns.get(k as usize) {
                Some(p) if !p.suggest.is_empty() => (p.suggest.as_slice(), Some(p)),
                _ => (&def.suggestions, None),
            },
            _ => (&def.suggestions, None),
        },
        Source::Rule => (&def.suggestions, None),
        Source::Bare => (&[], None),
    };
    let message = match &rule.kind {
        Kind::Delay(d) => d.message(&def.message, options),
        _ => Cow::Borrowed(def.message.as_str()),
    };
    let captures = match pattern {
        Some(p) if p.has_named => captures_for(prep, p, &c.range, text),
        _ => Vec::new(),
    };
    let sentence = if c.range.is_empty() {
        None
    } else {
        prep.sentence_of(c.range.start)
            .map(|i| prep.original(prep.sentences[i].clone()))
            .filter(|r| r.start <= span.start && span.end <= r.end && r.end <= text.len())
    };
    let site = Site {
        text,
        span: span.clone(),
        sentence,
        starts_sentence: !c.range.is_empty() && prep.starts_sentence(c.range.start),
    };
    let fill = Fill {
        matched: &text[span.clone()],
        captures: &captures,
        text,
        keep_case: &rule.keep_case,
        ordinary,
    };
    let placed: Vec<Placed> = templates
        .iter()
        .filter_map(|t| {
            let filled = render(&t.text, &fill);
            if filled.missing {
                return None;
            }
            Some(place(&site, t.scope, filled, t.kind(), words))
        })
        .collect();
    // One span for all: the match, widened to what any fix replaces.
    // Advice is never applied, so it does not widen the span; advice for a
    // wider stretch is shown as it is.
    let wide = placed
        .iter()
        .filter(|p| p.kind == SuggestionKind::Fix)
        .fold(span.clone(), |w, p| {
            w.start.min(p.span.start)..w.end.max(p.span.end)
        });
    let mut suggestions: Vec<Suggestion<'a>> = placed
        .into_iter()
        .map(|p| {
            let new = if p.span == wide || !(wide.start <= p.span.start && p.span.end <= wide.end) {
                p.text
            } else {
                format!(
                    "{}{}{}",
                    &text[wide.start..p.span.start],
                    p.text,
                    &text[p.span.end..wide.end]
                )
            };
            let edit = if wide.is_empty() {
                Edit::Insert
            } else if new.is_empty() {
                Edit::Remove
            } else {
                Edit::Replace
            };
            Suggestion {
                edit,
                text: Cow::Owned(new),
                kind: p.kind,
            }
        })
        .collect();
    // Fixes first; a suggestion that changes nothing is no fix.
    for s in &mut suggestions {
        if s.text == text[wide.clone()] {
            s.kind = SuggestionKind::Advice;
        }
    }
    suggestions.sort_by_key(|s| !s.is_fix());
    // Advice that says what a fix already does is said once.
    let mut seen: Vec<Cow<'a, str>> = Vec::new();
    suggestions.retain(|s| {
        let new = !seen.contains(&s.text);
        if new {
            seen.push(s.text.clone());
        }
        new
    });
    (
        Finding {
            rule: def,
            severity: def.severity,
            span: wide.clone(),
            matched: &text[wide],
            message,
            suggestions,
        },
        index,
    )
}

/// The named groups of the pattern match that found `range` (a range of
/// `norm`), as original byte ranges.
fn captures_for(
    prep: &Prepared,
    p: &CPattern,
    range: &Range<usize>,
    text: &str,
) -> Vec<(String, Range<usize>)> {
    let (base, hay) = match p.scope {
        PatternScope::Sentence => match prep.sentence_of(range.start) {
            Some(i) => {
                let s = prep.sentences[i].clone();
                (s.start, &prep.norm[s])
            }
            None => return Vec::new(),
        },
        _ => (0, prep.norm.as_str()),
    };
    let mut out = Vec::new();
    p.re.spans_named(hay, |m, named| {
        if out.is_empty() && base + m.start == range.start && base + m.end == range.end {
            out = named
                .into_iter()
                .filter(|(_, r)| !r.is_empty())
                .map(|(n, r)| (n, prep.original(base + r.start..base + r.end)))
                .filter(|(_, r)| {
                    r.end <= text.len()
                        && text.is_char_boundary(r.start)
                        && text.is_char_boundary(r.end)
                })
                .collect();
        }
    });
    out
}

/// Runs a pattern; a sentence-scope pattern with required phrases runs
/// only on the sentences that contain one.
fn pattern_matches(
    prep: &Prepared,
    p: &CPattern,
    required: Option<&[Hit]>,
    mut push: impl FnMut(Range<usize>),
) {
    // Word patterns read the lowercased text.
    let text = if p.gate.is_some() {
        &prep.lower
    } else {
        &prep.norm
    };
    let mut one = |base: usize, hay: &str| {
        p.re.spans(hay, |m| {
            let r = base + m.start..base + m.end;
            if !r.is_empty() && !prep.is_skipped(&r) {
                push(r);
            }
        });
    };
    match p.scope {
        PatternScope::Text => match required.filter(|hits| hits_in_sentences(prep, hits)) {
            // Only the sentences that hold a required phrase, each once.
            Some(hits) => {
                let mut last = None;
                for h in hits {
                    let i = prep.sentence_of(h.range.start);
                    if i != last {
                        last = i;
                        if let Some(w) = i.map(|i| prep.sentences[i].clone()) {
                            one(w.start, &text[w]);
                        }
                    }
                }
            }
            None => one(0, text),
        },
        PatternScope::Sentence => {
            for s in &prep.sentences {
                // Hits are sorted by start (see `run`).
                let wanted = required.is_none_or(|hits| {
                    let i = hits.partition_point(|h| h.range.start < s.start);
                    hits[i..]
                        .iter()
                        .take_while(|h| h.range.start < s.end)
                        .any(|h| h.range.end <= s.end)
                });
                if wanted {
                    one(s.start, &text[s.clone()]);
                }
            }
        }
    }
}

/// Runs word patterns, each on the sentences that hold its pre-filter words.
fn words_matches(
    prep: &Prepared,
    hits: &[Vec<Hit>],
    patterns: &[CPattern],
    mut push: impl FnMut(Range<usize>),
) {
    for p in patterns {
        let gate = p.gate.flatten();
        if gate.is_some_and(|r| hits[r as usize].iter().all(|h| prep.is_skipped(&h.range))) {
            continue;
        }
        pattern_matches(
            prep,
            p,
            gate.map(|r| hits[r as usize].as_slice()),
            &mut push,
        );
    }
}

/// Whether every hit lies inside a sentence (else the whole text is
/// searched).
fn hits_in_sentences(prep: &Prepared, hits: &[Hit]) -> bool {
    hits.iter().all(|h| {
        prep.sentence_of(h.range.start).is_some_and(|i| {
            let s = &prep.sentences[i];
            s.start <= h.range.start && h.range.end <= s.end
        })
    })
}

fn requirement_met(prep: &Prepared, hits: &[Hit], patterns: &[Regex], at: Place) -> bool {
    match at {
        Place::Start => {
            let start = prep.first_start;
            if hits.iter().any(|h| h.range.start == start) {
                return true;
            }
            let Some(first) = prep.sentences.first() else {
                return true;
            };
            let sentence = &prep.norm[start.min(first.end)..first.end];
            patterns.iter().any(|re| re.is_match(sentence))
        }
        Place::Anywhere | Place::End => {
            hits.iter().any(|h| !prep.is_skipped(&h.range))
                || patterns
                    .iter()
                    .any(|re| re.find_iter(&prep.norm).any(|m| !prep.is_skipped(&m)))
        }
    }
}

/// Drops candidates that an exception cancels.
fn apply_exceptions(
    prep: &Prepared,
    hits: &[Vec<Hit>],
    rule: &Compiled,
    found: &mut Vec<Cand>,
    occ: &mut Vec<Range<usize>>,
) {
    if found.is_empty() {
        return;
    }
    for ex in &rule.exceptions {
        occ.clear();
        occ.extend(hits[ex.slot as usize].iter().map(|h| h.range.clone()));
        for re in &ex.patterns {
            occ.extend(re.find_iter(&prep.norm));
        }
        for p in &ex.words {
            if p.gate
                .flatten()
                .is_none_or(|slot| !hits[slot as usize].is_empty())
            {
                occ.extend(p.re.find_iter(&prep.lower));
            }
        }
        if occ.is_empty() {
            if ex.required {
                found.clear();
                return;
            }
            continue;
        }
        found.retain(|c| occ.iter().any(|o| near(prep, &c.range, o, ex.near)) == ex.required);
        if found.is_empty() {
            return;
        }
    }
}

fn gap_is_blank(prep: &Prepared, a: usize, b: usize) -> bool {
    a <= b && !prep.norm[a..b].chars().any(char::is_alphanumeric)
}

fn near(prep: &Prepared, c: &Range<usize>, o: &Range<usize>, how: Near) -> bool {
    let overlaps = o.start < c.end.max(c.start + 1) && c.start < o.end;
    match how {
        Near::Overlap => overlaps,
        Near::Before => o.end <= c.start && gap_is_blank(prep, o.end, c.start),
        Near::After => o.start >= c.end && gap_is_blank(prep, c.end, o.start),
        Near::Sentence | Near::NextSentence | Near::PreviousSentence => {
            let (Some(sc), Some(so)) = (prep.sentence_of(c.start), prep.sentence_of(o.start))
            else {
                return overlaps;
            };
            so == sc
                || (how == Near::NextSentence && so == sc + 1)
                || (how == Near::PreviousSentence && so + 1 == sc)
        }
        Near::Reply => true,
    }
}

/// Sorts candidates and drops any that overlaps one kept before it
/// (longest first at the same start; at the same range a pattern, which is
/// the more specific and may carry its own suggestions, before a phrase).
fn dedupe(found: &mut Vec<Cand>) {
    if found.len() < 2 {
        return;
    }
    found.sort_by_key(|c| {
        (
            c.range.start,
            std::cmp::Reverse(c.range.end),
            !matches!(c.source, Source::Pattern(_)),
        )
    });
    let mut end = 0;
    let mut first = true;
    found.retain(|c| {
        let keep = first || c.range.start >= end;
        if keep {
            end = c.range.end.max(c.range.start);
            first = false;
        }
        keep
    });
}

/// The first byte of the placeholder's UTF-8 form.
const PLACEHOLDER_LEAD: u8 = 0xEF;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Counted,
    Neutral,
    Break,
}

/// Whether two capital letters follow each other somewhere in `s`.
fn has_capital_pair(s: &str) -> bool {
    let b = s.as_bytes();
    if b.windows(2)
        .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
    {
        return true;
    }
    if s.is_ascii() {
        return false;
    }
    let mut prev = false;
    s.chars().any(|c| {
        let upper = c.is_uppercase();
        let pair = upper && prev;
        prev = upper;
        pair
    })
}

/// Whether the capitals detector finds anything in a prepared text.
pub(crate) fn caps_fire(prep: &Prepared, caps: &Caps) -> bool {
    let mut out = Vec::new();
    caps_candidates(prep, caps, &mut out);
    !out.is_empty()
}

fn caps_candidates(prep: &Prepared, caps: &Caps, out: &mut Vec<Cand>) {
    let norm = &prep.norm;
    let in_quotes = |r: &Range<usize>| {
        caps.single_quotes
            && prep
                .single_quoted
                .iter()
                .any(|q| q.start <= r.start && r.end <= q.end)
    };
    for s in &prep.sentences {
        let sentence = &norm[s.clone()];
        // A capitalised word has two capitals in a row; most sentences
        // have none.
        if !has_capital_pair(sentence) {
            continue;
        }
        // Current run: (start of first token, first counted, last counted, count).
        let mut run: Option<(usize, Range<usize>, Range<usize>, usize)> = None;
        let mut lead: Option<usize> = None;
        let mut prev_word: Option<Range<usize>> = None;
        let mut lower_words = 0;
        let mut caps_words = 0;
        let mut counted_words = 0;
        let mut first_caps: Option<usize> = None;
        let mut last_caps = 0;
        let finish = |run: &mut Option<(usize, Range<usize>, Range<usize>, usize)>,
                      before: Option<Range<usize>>,
                      out: &mut Vec<Cand>| {
            if let Some((start, first, last, count)) = run.take() {
                if count >= caps.min_run {
                    let range = first.start..last.end;
                    if !is_label(norm, start, before.as_ref(), &caps.label_words)
                        && !in_quotes(&range)
                    {
                        out.push(Cand {
                            range,
                            source: Source::Rule,
                        });
                    }
                }
            }
        };
        let mut run_before: Option<Range<usize>> = None;
        let mut last_orig: Option<usize> = None;
        let mut prev_end = s.start;
        for tok in tokens(sentence) {
            let range = s.start + tok.start..s.start + tok.end;
            // A link or quotation between words ends a run.
            // So does a comma: capitals in a list are names ("LEEDS, YORK").
            let gap = &norm.as_bytes()[prev_end..range.start];
            if gap.contains(&PLACEHOLDER_LEAD) || gap.contains(&b',') {
                finish(&mut run, run_before.take(), out);
                lead = None;
            }
            prev_end = range.end;
            let kind = classify(&norm[range.clone()], caps, prep.is_skipped(&range));
            let word = &norm[range.clone()];
            // Lowercase, or a script without case: not a sentence in capitals.
            if word
                .chars()
                .any(|c| c.is_lowercase() || (c.is_alphabetic() && !c.is_uppercase()))
            {
                lower_words += 1;
            }
            match kind {
                Tok::Break => {
                    finish(&mut run, run_before.take(), out);
                    lead = None;
                }
                Tok::Neutral => {
                    if word.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                        caps_words += 1;
                        first_caps.get_or_insert(range.start);
                        last_caps = range.end;
                    }
                    if run.is_none() && lead.is_none() {
                        lead = Some(range.start);
                        run_before = prev_word.clone();
                    }
                }
                Tok::Counted => {
                    // Words spelled out from one contraction ("CAN'T" read
                    // as "CAN NOT") count once, as written.
                    let orig = prep.original(range.clone());
                    let weight = usize::from(last_orig != Some(orig.start));
                    last_orig = Some(orig.start);
                    caps_words += weight;
                    counted_words += weight;
                    first_caps.get_or_insert(range.start);
                    last_caps = range.end;
                    match &mut run {
                        Some((_, _, last, count)) => {
                            *last = range.clone();
                            *count += weight;
                        }
                        None => {
                            let start = lead.take().unwrap_or(range.start);
                            if start == range.start {
                                run_before = prev_word.clone();
                            }
                            run = Some((start, range.clone(), range.clone(), weight));
                        }
                    }
                }
            }
            prev_word = Some(range);
        }
        finish(&mut run, run_before.take(), out);
        if caps.min_sentence_words > 0
            && lower_words == 0
            && counted_words >= 1
            && caps_words >= caps.min_sentence_words
        {
            if let Some(first) = first_caps {
                let range = first..last_caps;
                if !in_quotes(&range) && !prep.is_skipped(&range) {
                    out.push(Cand {
                        range,
                        source: Source::Rule,
                    });
                }
            }
        }
    }
}

/// Whether a run starting at `start` names something on screen: it follows
/// a label word ("tap", "click") or a `>`.
fn is_label(
    norm: &str,
    start: usize,
    before: Option<&Range<usize>>,
    label_words: &[String],
) -> bool {
    let prefix = norm[..start].trim_end();
    if prefix.ends_with('>') && label_words.iter().any(|w| w == ">") {
        return true;
    }
    let Some(prev) = before else {
        return false;
    };
    if !norm[prev.end..start].trim().is_empty() {
        return false;
    }
    let w = &norm[prev.clone()];
    label_words.iter().any(|l| l.eq_ignore_ascii_case(w))
}

fn classify(word: &str, caps: &Caps, skipped: bool) -> Tok {
    if skipped {
        return Tok::Break;
    }
    // Only letters with case can be capitals: text in scripts without case
    // is never shouting.
    let cased = word
        .chars()
        .filter(|c| c.is_uppercase() || c.is_lowercase())
        .count();
    if cased == 0 || word.chars().any(|c| c.is_ascii_digit()) {
        return Tok::Break;
    }
    let is_acronym = |w: &str| caps.acronyms.iter().any(|a| a == w);
    if word.chars().any(char::is_lowercase) {
        // An acronym's plural: "PDFs".
        if let Some(base) = word.strip_suffix('s') {
            if !base.chars().any(char::is_lowercase) && is_acronym(base) {
                return Tok::Neutral;
            }
        }
        return Tok::Break;
    }
    // One-letter words, "U.S.A." included.
    if word
        .split(|c: char| !c.is_alphabetic() && c != '\'')
        .all(|seg| seg.chars().filter(|c| c.is_alphabetic()).count() <= 1)
    {
        return Tok::Neutral;
    }
    if is_acronym(word) {
        return Tok::Neutral;
    }
    // No vowel: an abbreviation or a credential ("MBBS", "NCMP").
    if !word.bytes().any(|b| b"AEIOUY".contains(&b)) {
        return Tok::Neutral;
    }
    // "USB-C": every part an acronym or a single letter.
    if word.contains(['-', '/'])
        && word
            .split(['-', '/'])
            .all(|p| p.chars().count() <= 1 || is_acronym(p))
    {
        return Tok::Neutral;
    }
    // "KUL-SIN", "LHR-JFK": places or routes joined by `-`, every part of
    // two or three letters, are codes.
    if word.contains('-')
        && word
            .split('-')
            .all(|p| (2..=3).contains(&p.chars().count()))
    {
        return Tok::Neutral;
    }
    Tok::Counted
}

/// Word tokens: letters and digits, joined by `'`, `-`, `/`, `.` or `&`
/// between them.
fn tokens(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let is_word_at =
            |i: usize| -> bool { text[i..].chars().next().is_some_and(char::is_alphanumeric) };
        while i < b.len() && !is_word_at(i) {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while let Some(c) = text[i..].chars().next() {
            if c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
            if matches!(c, '\'' | '-' | '/' | '.' | '&') && i + 1 < b.len() && is_word_at(i + 1) {
                i += 1;
                continue;
            }
            break;
        }
        Some(start..i)
    })
}

// ---------------------------------------------------------------------
// Compilation.

fn compile(pack: Pack) -> Result<Inner, Error> {
    let settings = &pack.settings;
    let scope = ScopeConfig {
        skip_quoted_lines: settings.skip_quoted_lines.unwrap_or(true),
        skip_history: settings.skip_quoted_history.unwrap_or(true),
        skip_double_quotes: settings.skip_double_quotes.unwrap_or(true),
        skip_signature: settings.skip_signature.unwrap_or(true),
        skip_links: settings.skip_links_and_code.unwrap_or(true),
        closings: settings
            .closings
            .iter()
            .map(|c| c.trim().to_lowercase())
            .collect(),
        abbreviations: settings
            .abbreviations
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect(),
        canon: Canon::with_ignored(&settings.contractions, &settings.ignore_words),
    };
    let vocab = Vocabulary::new(&pack.lists, &scope.canon);
    let word_compiler = WordCompiler::new(&pack.lists, &scope.canon);
    let mut phrases = PhraseSetBuilder::default();
    let mut conv_phrases = conv::PhrasesBuilder::default();
    let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();

    // Which rules run: enabled ones and those an enabled condition reads.
    let mut active: Vec<bool> = pack.rules.iter().map(|r| r.enabled).collect();
    for rule in &pack.rules {
        if let (true, Match::Condition(c)) = (rule.enabled, &rule.matcher) {
            for id in &c.if_rules {
                if let Some(j) = ids.iter().position(|x| x == id) {
                    active[j] = true;
                }
            }
        }
    }

    let mut rules = Vec::with_capacity(pack.rules.len());
    for (i, rule) in pack.rules.iter().enumerate() {
        let ctx = Ctx {
            pack: &pack,
            rule,
            vocab: &vocab,
            words: &word_compiler,
        };
        let add_phrases = |b: &mut PhraseSetBuilder, slot: u32, templates: &[&str]| {
            for (e, t) in templates.iter().enumerate() {
                for lit in ctx.expand(t)? {
                    b.add(slot, e as u32, lit);
                }
            }
            Ok::<(), Error>(())
        };
        // A new slot holding a list of phrase templates.
        let list_slot = |b: &mut PhraseSetBuilder, list: &[String]| {
            let slot = b.slot();
            let t: Vec<&str> = list.iter().map(String::as_str).collect();
            add_phrases(b, slot, &t)?;
            Ok::<u32, Error>(slot)
        };
        // A pre-filter slot, if the list has any phrases.
        let requires_slot = |b: &mut PhraseSetBuilder, list: &[String]| {
            if list.is_empty() {
                Ok(None)
            } else {
                list_slot(b, list).map(Some)
            }
        };
        let mut phrase_suggest = Vec::new();
        let mut phrase_caps = Vec::new();
        let mut keep_case = pack.lists.get("acronyms").cloned().unwrap_or_default();
        let kind = match &rule.matcher {
            Match::Phrases(m) | Match::Pattern(m) | Match::Words(m) => {
                let slot = phrases.slot();
                let templates: Vec<&str> = m.phrases.iter().map(|p| p.phrase()).collect();
                add_phrases(&mut phrases, slot, &templates)?;
                phrase_suggest = m.phrases.iter().map(|p| p.suggest().to_vec()).collect();
                for p in &m.phrases {
                    ctx.check_suggestions(p.suggest(), &[])?;
                }
                phrase_caps = m.phrases.iter().map(PhraseEntry::capitals).collect();
                let requires = requires_slot(&mut phrases, &m.requires)?;
                let mut patterns = Vec::new();
                for p in &m.patterns {
                    let re = ctx.regex(p.pattern())?;
                    let groups = re.group_names();
                    ctx.check_suggestions(p.suggest(), &groups)?;
                    patterns.push(CPattern {
                        has_named: !groups.is_empty(),
                        re,
                        scope: p.scope(),
                        suggest: p.suggest().to_vec(),
                        gate: None,
                    });
                }
                for w in &m.words {
                    patterns.push(ctx.words(&mut phrases, w.words(), w.suggest())?);
                }
                Kind::Span {
                    slot,
                    patterns,
                    requires,
                }
            }
            Match::Requirement(m) => {
                let slot = list_slot(&mut phrases, &m.phrases)?;
                Kind::Requirement {
                    slot,
                    patterns: m
                        .patterns
                        .iter()
                        .map(|p| ctx.regex(p))
                        .collect::<Result<_, _>>()?,
                    min_sentences: m.min_sentences,
                    at: m.at,
                    fix_at: m.fix_at,
                }
            }
            Match::Condition(m) => {
                let mut if_rules = Vec::new();
                for id in &m.if_rules {
                    let Some(j) = ids.iter().position(|x| x == id) else {
                        return Err(ctx.error(
                            ErrorKind::UnknownRule,
                            format!("if-rules names `{id}`, which is not in the pack"),
                            id,
                        ));
                    };
                    if matches!(pack.rules[j].matcher, Match::Condition(_)) || j == i {
                        return Err(ctx.error(
                            ErrorKind::InvalidRule,
                            format!("if-rules names `{id}`, which is a condition itself"),
                            id,
                        ));
                    }
                    if_rules.push(j);
                }
                let if_slot = list_slot(&mut phrases, &m.if_phrases)?;
                let unless_slot = list_slot(&mut phrases, &m.unless_phrases)?;
                let requires = requires_slot(&mut phrases, &m.requires)?;
                Kind::Condition {
                    if_rules,
                    if_slot,
                    requires,
                    if_patterns: m
                        .if_patterns
                        .iter()
                        .map(|p| ctx.regex(p))
                        .collect::<Result<_, _>>()?,
                    unless_slot,
                    unless_patterns: m
                        .unless_patterns
                        .iter()
                        .map(|p| ctx.regex(p))
                        .collect::<Result<_, _>>()?,
                    words: [
                        ctx.all_words(&mut phrases, &m.if_words)?,
                        ctx.all_words(&mut phrases, &m.unless_words)?,
                        ctx.all_words(&mut phrases, &m.also_words)?,
                    ],
                    every_sentence: match m.every_sentence {
                        true => Some((
                            list_slot(&mut phrases, &m.also_phrases)?,
                            m.also_patterns
                                .iter()
                                .map(|p| ctx.regex(p))
                                .collect::<Result<_, _>>()?,
                        )),
                        false => None,
                    },
                }
            }
            Match::Length(l) => Kind::Length(crate::reply::Limits {
                sentence_words: l.max_sentence_words,
                email: l.max_words.email,
                chat: l.max_words.chat,
                social: l.max_words.social,
            }),
            Match::Capitals(c) => {
                let caps = ctx.caps(c)?;
                keep_case = caps.acronyms.clone();
                Kind::Capitals(caps)
            }
            Match::Delay(d) => Kind::Delay(conv::CDelay::compile(
                &ctx.conv(),
                &mut conv_phrases,
                d,
                &rule.message,
            )?),
        };
        if !matches!(rule.matcher, Match::Delay(_)) {
            conv::check_placeholders(&ctx.conv(), &rule.message, &[])?;
        }
        conv::check_examples(&ctx.conv(), rule)?;
        let gate = match &rule.conversation {
            None => None,
            Some(g) => Some(conv::CGate::compile(&ctx.conv(), &mut conv_phrases, g)?),
        };
        ctx.check_suggestions(&rule.suggestions, &[])?;
        let mut exceptions = Vec::new();
        for ex in &rule.exceptions {
            let slot = list_slot(&mut phrases, &ex.phrases)?;
            let patterns: Vec<Regex> = ex
                .patterns
                .iter()
                .map(|p| ctx.regex(p))
                .collect::<Result<_, _>>()?;
            exceptions.push(CException {
                slot,
                patterns,
                words: ctx.all_words(&mut phrases, &ex.words)?,
                near: ex.near,
                required: ex.required,
            });
        }
        rules.push(Compiled {
            report: rule.enabled,
            active: active[i],
            channels: rule.channels.clone(),
            kind,
            exceptions,
            phrase_suggest,
            phrase_caps,
            keep_case,
            gate,
        });
    }
    let phrases = phrases
        .build()
        .map_err(|e| Error::new(ErrorKind::InvalidPhrase, e))?;
    let defs = pack.rules.clone();
    let conv = conv_phrases.build(&scope)?;
    let ordinary = pack
        .lists
        .get("ordinary-words")
        .map(|l| l.iter().map(|w| w.to_lowercase()).collect())
        .unwrap_or_default();
    let fillers = pack
        .lists
        .get("fillers")
        .map(|l| l.iter().map(|w| w.to_lowercase()).collect())
        .unwrap_or_default();
    Ok(Inner {
        pack,
        defs,
        rules,
        phrases,
        scope,
        conv,
        ordinary,
        fillers,
    })
}

pub(crate) struct Ctx<'p> {
    pack: &'p Pack,
    rule: &'p Rule,
    vocab: &'p Vocabulary<'p>,
    words: &'p WordCompiler<'p>,
}

impl Ctx<'_> {
    pub(crate) fn error(&self, kind: ErrorKind, message: String, needle: &str) -> Error {
        Error::new(kind, message)
            .with_rule(self.rule.id.clone())
            .with_location(self.pack.locate_in_rule(&self.rule.id, needle))
    }

    pub(crate) fn expand(&self, template: &str) -> Result<Vec<String>, Error> {
        let out = self.vocab.expand(template).map_err(|e| {
            let kind = if e.starts_with("unknown list") {
                ErrorKind::UnknownList
            } else {
                ErrorKind::InvalidPhrase
            };
            self.error(kind, e, template)
        })?;
        if out.is_empty() && !template.contains('{') {
            return Err(self.error(
                ErrorKind::InvalidPhrase,
                format!("phrase `{template}` is empty"),
                template,
            ));
        }
        Ok(out)
    }

    /// The capitals detector's settings, with `{list}`s expanded.
    pub(crate) fn caps(&self, c: &Capitals) -> Result<Caps, Error> {
        let mut acronyms = Vec::new();
        for a in &c.acronyms {
            match a.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                Some(name) => match self.pack.lists.get(name) {
                    Some(items) => acronyms.extend(items.iter().map(|s| s.to_uppercase())),
                    None => {
                        return Err(self.error(
                            ErrorKind::UnknownList,
                            format!("unknown list `{name}`"),
                            a,
                        ))
                    }
                },
                None => acronyms.push(a.to_uppercase()),
            }
        }
        acronyms.sort_unstable();
        acronyms.dedup();
        Ok(Caps {
            min_run: c.min_run.max(1),
            min_sentence_words: c.min_sentence_words,
            acronyms,
            label_words: c.label_words.iter().map(|w| w.to_lowercase()).collect(),
            single_quotes: c.single_quotes_are_labels,
        })
    }

    /// This rule's compilation services, for the conversation features.
    fn conv(&self) -> conv::Compiler<'_> {
        conv::Compiler { ctx: self }
    }

    /// Suggestions must name only placeholders and the pattern's groups,
    /// and a declared fix must have no gap.
    fn check_suggestions(&self, list: &[SuggestionEntry], groups: &[String]) -> Result<(), Error> {
        for s in list {
            for name in template_names(&s.text) {
                if !PLACEHOLDERS.contains(&name) && !groups.iter().any(|g| g == name) {
                    let known = if groups.is_empty() {
                        String::new()
                    } else {
                        format!(" or one of the pattern's groups ({})", groups.join(", "))
                    };
                    return Err(self.error(
                        ErrorKind::InvalidRule,
                        format!(
                            "suggestion {:?} uses `{{{name}}}`, which is not a placeholder ({}){known}",
                            s.text,
                            PLACEHOLDERS.join(", ")
                        ),
                        &s.text,
                    ));
                }
            }
            if s.declared == Some(SuggestionKind::Fix) && has_gap(&s.text) {
                return Err(self.error(
                    ErrorKind::InvalidRule,
                    format!(
                        "suggestion {:?} has a gap for the agent to fill, so it cannot be a fix: \
                         write it as `{{ advice = \"…\" }}`",
                        s.text
                    ),
                    &s.text,
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn regex(&self, pattern: &str) -> Result<Regex, Error> {
        let expanded = self.vocab.expand_pattern(pattern).map_err(|e| {
            let kind = if e.starts_with("unknown list") {
                ErrorKind::UnknownList
            } else {
                ErrorKind::InvalidPhrase
            };
            self.error(kind, e, pattern)
        })?;
        Regex::new(&expanded, PATTERN_SIZE_LIMIT)
            .map_err(|msg| self.error(ErrorKind::InvalidPattern, msg, pattern))
    }

    /// Compiles a word pattern, its pre-filter words added to the automaton.
    fn words(
        &self,
        b: &mut PhraseSetBuilder,
        pattern: &str,
        suggest: &[SuggestionEntry],
    ) -> Result<CPattern, Error> {
        let compiled = self.words.compile(pattern).map_err(|e| {
            let kind = if e.starts_with("unknown list") {
                ErrorKind::UnknownList
            } else {
                ErrorKind::InvalidPattern
            };
            self.error(kind, e, pattern)
        })?;
        let re = Regex::new_lowered(&compiled.regex, PATTERN_SIZE_LIMIT)
            .map_err(|msg| self.error(ErrorKind::InvalidPattern, msg, pattern))?;
        let groups = re.group_names();
        self.check_suggestions(suggest, &groups)?;
        let gate = (!compiled.anchors.is_empty()).then(|| {
            let slot = b.slot();
            for a in compiled.anchors {
                b.add(slot, 0, a);
            }
            slot
        });
        Ok(CPattern {
            re,
            scope: PatternScope::Text,
            suggest: suggest.to_vec(),
            has_named: !groups.is_empty(),
            gate: Some(gate),
        })
    }

    /// A word pattern's regular expression alone, for texts the reply's
    /// automaton does not scan (the customer's message).
    /// Its pre-filter words go to `b`'s automaton: the expression runs only
    /// on texts that hold one of them.
    pub(crate) fn word_regex(
        &self,
        b: &mut PhraseSetBuilder,
        pattern: &str,
    ) -> Result<(Regex, Option<u32>), Error> {
        self.words(b, pattern, &[])
            .map(|p| (p.re, p.gate.flatten()))
    }

    fn all_words(&self, b: &mut PhraseSetBuilder, list: &[String]) -> Result<Vec<CPattern>, Error> {
        list.iter().map(|w| self.words(b, w, &[])).collect()
    }
}
