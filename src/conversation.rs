//! The conversation a reply belongs to: what the customer wrote, earlier
//! turns, and how long the reply took.
//!
//! Two generic pack features live here:
//!
//! * a rule's `conversation` table ([`Gate`]), which any rule may carry:
//!   the rule judges a reply only when the customer's message shows one of
//!   a set of phrases, patterns or capitals (a complaint, anger); it stays
//!   quiet when an earlier agent turn already said what the rule asks for,
//!   or when the reply shares a content word with the customer's message;
//!   and its insertion points move past a leading greeting;
//! * the `delay` match kind ([`Delay`]): the reply was sent more than a
//!   threshold (per channel) after the customer's message was received,
//!   with the delay in the message (`{delay}`, `{limit}`).
//!
//! The customer's words are read, never flagged: every finding's span is
//! in the reply.

use crate::checker::{caps_fire, Caps, Ctx};
use crate::context::{Context, Role, Timestamp};
use crate::error::{Error, ErrorKind};
use crate::matcher::{Hit, PhraseSet, PhraseSetBuilder};
use crate::pattern::Pattern as Regex;
use crate::rule::{Capitals, Channel, Counterexample, Rule};
use crate::text::{Prepared, ScopeConfig};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------
// The pack format.

/// Conditions on the conversation that a rule's findings must meet (the
/// `conversation` table of a rule).
///
/// ```toml
/// [rule.conversation]
/// customer = { phrases = ["never arrived", "still waiting"], capitals = { min-run = 2 } }
/// unless-customer = { phrases = ["thank you"] }
/// earlier-agent = { phrases = ["sorry"] }
/// fix-after = ["hi", "hello"]
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Gate {
    /// The rule judges a reply only when the customer's message shows one
    /// of these; without the customer's message the rule stays silent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<TextTest>,
    /// Customer messages that show one of these never trigger `customer`
    /// (checked only when `customer` matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless_customer: Option<TextTest>,
    /// Earlier customer turns count for `customer` too (default `false`).
    #[serde(default)]
    pub earlier_customer_turns: bool,
    /// An earlier agent turn that shows one of these keeps the rule quiet:
    /// what was said earlier in the conversation (an apology) holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_agent: Option<TextTest>,
    /// With the customer's message: the rule stays quiet when the reply
    /// shares a content word with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless_shared_words: Option<SharedWords>,
    /// A finding that is an insertion point at the start of the reply moves
    /// past a first sentence that opens with one of these phrases (a
    /// greeting: "Hi Ana!").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fix_after: Vec<String>,
}

/// Phrases, patterns and the capitals detector, run over a message other
/// than the reply (the customer's, an earlier turn). It holds when any of
/// them matches.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct TextTest {
    /// Phrase templates (as a rule's phrases; `{list}` inserts a list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// Regular expressions over the normalised message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// Word patterns (as a rule's `words`: inflections, gaps, any word).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// Words in capitals, as the `capitals` match kind finds them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capitals: Option<Capitals>,
    /// Phrases that open a hypothetical question ("will", "is there"):
    /// a phrase, pattern or word-pattern match inside a question that
    /// opens with one of them does not count ("Will these get cancelled
    /// too?" reports nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in_questions: Vec<String>,
}

/// What counts as sharing a word with the customer's message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct SharedWords {
    /// Words that say nothing of the customer's situation ("the", "help",
    /// "please"); `{list}` inserts a pack list.
    #[serde(default)]
    pub stop_words: Vec<String>,
    /// Shorter words never count (default 3).
    #[serde(default = "default_min_length")]
    pub min_length: usize,
}

fn default_min_length() -> usize {
    3
}

/// The `delay` match kind: fires when the reply was sent more than
/// `more-than` after the customer's message was received (both times
/// given).
///
/// ```toml
/// match.kind = "delay"
/// match.more-than = "24h"
/// match.by-channel = { chat = "10m" }
/// match.acknowledged = ["sorry for the wait"]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Delay {
    /// The longest delay that is not late: a number and a unit, `s`, `m`,
    /// `h` or `d` (`"24h"`, `"1h30m"`).
    #[serde(default = "default_more_than")]
    pub more_than: String,
    /// Thresholds for some channels, overriding `more-than`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_channel: BTreeMap<Channel, String>,
    /// Phrases that show the reply already acknowledges the wait ("sorry
    /// for the wait"): the finding then carries no suggestion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledged: Vec<String>,
    /// The finding (an insertion point) moves past a first sentence that
    /// opens with one of these phrases (a greeting).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fix_after: Vec<String>,
}

fn default_more_than() -> String {
    "24h".to_owned()
}

/// An earlier turn in a pack example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct ExampleTurn {
    /// `customer` or `agent`.
    pub role: Role,
    /// What they wrote.
    pub text: String,
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

// ---------------------------------------------------------------------
// Compiled forms.

/// How the checker hands compilation services to this module: phrase
/// expansion, regular expressions, the capitals detector, and errors that
/// name the rule and where in the pack.
pub(crate) struct Compiler<'a> {
    pub ctx: &'a Ctx<'a>,
}

impl Compiler<'_> {
    fn expand(&self, template: &str) -> Result<Vec<String>, Error> {
        self.ctx.expand(template)
    }

    fn regex(&self, pattern: &str) -> Result<Regex, Error> {
        self.ctx.regex(pattern)
    }

    fn caps(&self, c: &Capitals) -> Result<Caps, Error> {
        self.ctx.caps(c)
    }

    fn error(&self, kind: ErrorKind, message: String, needle: &str) -> Error {
        self.ctx.error(kind, message, needle)
    }
}

/// The phrases every conversation feature reads, in one automaton of
/// their own (the reply's automaton never sees the customer's message).
#[derive(Default)]
pub(crate) struct PhrasesBuilder {
    b: PhraseSetBuilder,
}

pub(crate) struct Phrases {
    set: PhraseSet,
    /// How other messages than the reply are read: every word of them
    /// counts (no signature, quotation or history is cut), links aside.
    scope: ScopeConfig,
}

impl PhrasesBuilder {
    fn slot(&mut self, c: &Compiler<'_>, templates: &[String]) -> Result<Option<u32>, Error> {
        if templates.is_empty() {
            return Ok(None);
        }
        let slot = self.b.slot();
        for (e, t) in templates.iter().enumerate() {
            for lit in c.expand(t)? {
                self.b.add(slot, e as u32, lit);
            }
        }
        Ok(Some(slot))
    }

    pub fn build(self, reply_scope: &ScopeConfig) -> Result<Phrases, Error> {
        let set = self
            .b
            .build()
            .map_err(|e| Error::new(ErrorKind::InvalidPhrase, e))?;
        let scope = ScopeConfig {
            skip_quoted_lines: false,
            skip_history: false,
            skip_double_quotes: false,
            skip_signature: false,
            closings: Vec::new(),
            ..reply_scope.clone()
        };
        Ok(Phrases { set, scope })
    }
}

pub(crate) struct CTest {
    slot: Option<u32>,
    questions: Option<u32>,
    /// Regular expressions, each with the phrases one of which must occur
    /// for it to run (word patterns).
    patterns: Vec<(Regex, Option<u32>, bool)>,
    caps: Option<Caps>,
}

impl CTest {
    fn compile(
        c: &Compiler<'_>,
        b: &mut PhrasesBuilder,
        t: &TextTest,
        what: &str,
    ) -> Result<CTest, Error> {
        if t.phrases.is_empty()
            && t.patterns.is_empty()
            && t.words.is_empty()
            && t.capitals.is_none()
        {
            return Err(c.error(
                ErrorKind::InvalidRule,
                format!("conversation.{what} needs phrases, patterns, words or capitals"),
                what,
            ));
        }
        Ok(CTest {
            slot: b.slot(c, &t.phrases)?,
            questions: b.slot(c, &t.not_in_questions)?,
            patterns: t
                .patterns
                .iter()
                .map(|p| c.regex(p).map(|re| (re, None, false)))
                .chain(t.words.iter().map(|w| {
                    c.ctx
                        .word_regex(&mut b.b, w)
                        .map(|(re, gate)| (re, gate, true))
                }))
                .collect::<Result<_, _>>()?,
            caps: t.capitals.as_ref().map(|k| c.caps(k)).transpose()?,
        })
    }

    fn holds(&self, m: &Read<'_>) -> bool {
        let prep = m.prep;
        let counts = |r: &std::ops::Range<usize>| {
            !prep.is_skipped(r) && !self.questions.is_some_and(|q| in_question(m, q, r.start))
        };
        self.slot.is_some_and(|s| {
            m.hits
                .get(s as usize)
                .is_some_and(|h| h.iter().any(|h| counts(&h.range)))
        }) || self.patterns.iter().any(|(re, gate, lowered)| {
            let gated = gate.is_some_and(|g| m.hits.get(g as usize).is_none_or(Vec::is_empty));
            // Word patterns read the lowercased text, the pack's own
            // regexes the normalised text (the same offsets).
            let text = if *lowered { &prep.lower } else { &prep.norm };
            !gated && re.find_iter(text).any(|r| !r.is_empty() && counts(&r))
        }) || self.caps.as_ref().is_some_and(|k| caps_fire(prep, k))
    }
}

/// Whether `at` lies in a question (a sentence ending in `?`) that opens
/// with a phrase of slot `q` (after any @handles).
fn in_question(m: &Read<'_>, q: u32, at: usize) -> bool {
    let prep = m.prep;
    let Some(i) = prep.sentence_of(at) else {
        return false;
    };
    let s = &prep.sentences[i];
    if !prep.norm[s.clone()].trim_end().ends_with('?') {
        return false;
    }
    // At the start of the question, or of its last clause ("…, but will
    // it get cancelled too?").
    let opens_at = |start: usize| {
        let before = &prep.norm[s.start..start];
        let clause = before.trim_end();
        clause.ends_with(',')
            || [" but", " and", " so", " or"].iter().any(|w| {
                let b = clause.as_bytes();
                b.len() > w.len() && b[b.len() - w.len()..].eq_ignore_ascii_case(w.as_bytes())
            })
            || before.split(' ').all(|w| {
                w.is_empty() || w.starts_with(['@', '#']) || !w.chars().any(char::is_alphanumeric)
            })
    };
    m.hits.get(q as usize).is_some_and(|h| {
        h.iter()
            .any(|h| h.range.start >= s.start && h.range.start < s.end && opens_at(h.range.start))
    })
}

pub(crate) struct CGate {
    customer: Option<CTest>,
    unless_customer: Option<CTest>,
    earlier_customer_turns: bool,
    /// What an earlier agent turn must hold to keep the rule quiet.
    earlier_agent: Option<CTest>,
    shared: Option<CShared>,
    fix_after: Option<u32>,
}

struct CShared {
    stop: Vec<String>,
    min_length: usize,
}

impl CGate {
    /// Compiles a rule's `conversation` table.
    pub fn compile(c: &Compiler<'_>, b: &mut PhrasesBuilder, g: &Gate) -> Result<CGate, Error> {
        let earlier_agent = g
            .earlier_agent
            .as_ref()
            .map(|t| CTest::compile(c, b, t, "earlier-agent"))
            .transpose()?;
        if g.earlier_customer_turns && g.customer.is_none() {
            return Err(c.error(
                ErrorKind::InvalidRule,
                "conversation.earlier-customer-turns needs conversation.customer".into(),
                "earlier-customer-turns",
            ));
        }
        if g.unless_customer.is_some() && g.customer.is_none() {
            return Err(c.error(
                ErrorKind::InvalidRule,
                "conversation.unless-customer needs conversation.customer".into(),
                "unless-customer",
            ));
        }
        let shared = match &g.unless_shared_words {
            None => None,
            Some(s) => {
                let mut stop = Vec::new();
                for w in &s.stop_words {
                    for lit in c.expand(w)? {
                        if lit.contains(' ') {
                            return Err(c.error(
                                ErrorKind::InvalidPhrase,
                                format!("stop word `{lit}` is more than one word"),
                                w,
                            ));
                        }
                        stop.push(lit.to_lowercase());
                    }
                }
                stop.sort_unstable();
                stop.dedup();
                Some(CShared {
                    stop,
                    min_length: s.min_length.max(1),
                })
            }
        };
        Ok(CGate {
            customer: g
                .customer
                .as_ref()
                .map(|t| CTest::compile(c, b, t, "customer"))
                .transpose()?,
            unless_customer: g
                .unless_customer
                .as_ref()
                .map(|t| CTest::compile(c, b, t, "unless-customer"))
                .transpose()?,
            earlier_customer_turns: g.earlier_customer_turns,
            earlier_agent,
            shared,
            fix_after: b.slot(c, &g.fix_after)?,
        })
    }

    /// Whether a rule with this gate keeps its findings on this reply.
    pub fn holds(&self, s: &mut Session<'_>, reply: &Prepared) -> bool {
        if let Some(test) = &self.customer {
            let Some(customer) = s.ctx.customer else {
                return false;
            };
            let mut complains = s.with_read(customer, |m| {
                test.holds(m) && !self.unless_customer.as_ref().is_some_and(|u| u.holds(m))
            });
            if !complains && self.earlier_customer_turns {
                complains = s.ctx.history.iter().any(|t| {
                    t.role == Role::Customer
                        && s.with_turn(t.text, |m| {
                            test.holds(m)
                                && !self.unless_customer.as_ref().is_some_and(|u| u.holds(m))
                        })
                });
            }
            if !complains {
                return false;
            }
        }
        if let Some(shared) = &self.shared {
            if let Some(customer) = s.ctx.customer {
                if s.with_read(customer, |m| shares_word(shared, m.prep, reply)) {
                    return false;
                }
            }
        }
        if let Some(test) = &self.earlier_agent {
            let history = &s.ctx.history;
            if history
                .iter()
                .any(|t| t.role == Role::Agent && s.with_turn(t.text, |m| test.holds(m)))
            {
                return false;
            }
        }
        true
    }

    /// Where an insertion point at the start of the reply goes.
    pub fn insertion_point(&self, s: &mut Session<'_>, reply: &Prepared, at: usize) -> usize {
        match self.fix_after {
            Some(slot) if at == reply.first_start => s.after_opening(reply, slot),
            _ => at,
        }
    }
}

pub(crate) struct CDelay {
    limit: i64,
    by_channel: Vec<(Channel, i64)>,
    acknowledged: Option<u32>,
    fix_after: Option<u32>,
}

impl CDelay {
    pub fn compile(
        c: &Compiler<'_>,
        b: &mut PhrasesBuilder,
        d: &Delay,
        message: &str,
    ) -> Result<CDelay, Error> {
        let dur = |s: &str| {
            parse_duration(s).ok_or_else(|| {
                c.error(
                    ErrorKind::InvalidRule,
                    format!(
                        "`{s}` is not a duration (a number and a unit, s, m, h or d: \"24h\", \"1h30m\")"
                    ),
                    s,
                )
            })
        };
        check_placeholders(c, message, &["delay", "limit"])?;
        Ok(CDelay {
            limit: dur(&d.more_than)?,
            by_channel: d
                .by_channel
                .iter()
                .map(|(ch, s)| Ok((*ch, dur(s)?)))
                .collect::<Result<_, Error>>()?,
            acknowledged: b.slot(c, &d.acknowledged)?,
            fix_after: b.slot(c, &d.fix_after)?,
        })
    }

    fn limit(&self, channel: Channel) -> i64 {
        self.by_channel
            .iter()
            .find(|(c, _)| *c == channel)
            .map_or(self.limit, |(_, l)| *l)
    }

    /// The finding, if the reply is late: its insertion point in `norm`
    /// and whether it keeps its suggestions.
    pub fn check(&self, s: &mut Session<'_>, reply: &Prepared) -> Option<(usize, bool)> {
        let took = s.ctx.response_seconds()?;
        if took <= self.limit(s.ctx.channel) {
            return None;
        }
        let at = match self.fix_after {
            Some(slot) => s.after_opening(reply, slot),
            None => reply.first_start,
        };
        let acknowledged = self.acknowledged.is_some_and(|slot| {
            s.reply_hits(reply, |hits| {
                hits.get(slot as usize)
                    .is_some_and(|h| h.iter().any(|h| !reply.is_skipped(&h.range)))
            })
        });
        Some((at, !acknowledged))
    }

    /// The rule's message with `{delay}` and `{limit}` filled in.
    pub fn message<'a>(&self, template: &'a str, ctx: &Context<'_>) -> Cow<'a, str> {
        if !template.contains('{') {
            return Cow::Borrowed(template);
        }
        let took = ctx.response_seconds().unwrap_or(0);
        let limit = self.limit(ctx.channel);
        Cow::Owned(
            template
                .replace("{delay}", &human_duration(took, limit))
                .replace("{limit}", &human_duration(limit, 0)),
        )
    }
}

/// Rejects example timestamps that are not RFC 3339.
pub(crate) fn check_examples(c: &Compiler<'_>, rule: &Rule) -> Result<(), Error> {
    let detailed = rule.counterexamples.iter().filter_map(|x| match x {
        Counterexample::Detailed(e) => Some(e),
        _ => None,
    });
    for ex in rule.examples.iter().chain(detailed) {
        for at in [&ex.received_at, &ex.sent_at].into_iter().flatten() {
            if let Err(e) = Timestamp::parse(at) {
                return Err(c.error(ErrorKind::InvalidRule, e.message().to_owned(), at));
            }
        }
    }
    Ok(())
}

/// Rejects `{name}` placeholders in a message other than `known`.
pub(crate) fn check_placeholders(
    c: &Compiler<'_>,
    message: &str,
    known: &[&str],
) -> Result<(), Error> {
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !known.contains(&name) {
            let what = if known.is_empty() {
                "this rule's messages take no placeholders".to_owned()
            } else {
                format!(
                    "its messages know {}",
                    known
                        .iter()
                        .map(|k| format!("{{{k}}}"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            };
            return Err(c.error(
                ErrorKind::InvalidRule,
                format!("unknown placeholder `{{{name}}}` in the message: {what}"),
                &format!("{{{name}}}"),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

// ---------------------------------------------------------------------
// Reading the conversation during one check.

/// A prepared message and its conversation phrase hits.
pub(crate) struct Read<'m> {
    prep: &'m Prepared,
    hits: &'m [Vec<Hit>],
}

#[derive(Default)]
struct Scratch {
    customer: Prepared,
    customer_hits: Vec<Vec<Hit>>,
    turn: Prepared,
    turn_hits: Vec<Vec<Hit>>,
    reply_hits: Vec<Vec<Hit>>,
    /// The slots a scan filled; reused so that reading a message does not
    /// allocate.
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The conversation of one check, read lazily: the customer's message is
/// prepared the first time a rule asks, and not at all when no rule does.
pub(crate) struct Session<'a> {
    ctx: &'a Context<'a>,
    phrases: &'a Phrases,
    scope: &'a ScopeConfig,
    customer_ready: bool,
    reply_ready: bool,
    local: Option<Box<Scratch>>,
}

impl<'a> Session<'a> {
    pub fn new(ctx: &'a Context<'a>, phrases: &'a Phrases) -> Self {
        Session {
            ctx,
            phrases,
            scope: &phrases.scope,
            customer_ready: false,
            reply_ready: false,
            local: None,
        }
    }

    fn scratch<R>(&mut self, f: impl FnOnce(&mut Scratch, &mut bool, &mut bool) -> R) -> R {
        let (cr, rr) = (&mut self.customer_ready, &mut self.reply_ready);
        if let Some(local) = &mut self.local {
            return f(local, cr, rr);
        }
        let mut f = Some(f);
        let out = SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => f.take().map(|f| f(&mut s, cr, rr)),
            Err(_) => None,
        });
        match (out, f) {
            (Some(r), _) => r,
            (None, Some(f)) => {
                // Checking from inside a check on this thread: use buffers
                // of this session's own.
                self.customer_ready = false;
                self.reply_ready = false;
                let local = self.local.insert(Box::default());
                f(local, &mut self.customer_ready, &mut self.reply_ready)
            }
            (None, None) => unreachable!("the closure runs at most once"),
        }
    }

    fn with_read<R>(&mut self, customer: &str, f: impl FnOnce(&Read<'_>) -> R) -> R {
        let (phrases, scope) = (self.phrases, self.scope);
        self.scratch(|s, ready, _| {
            if !*ready {
                read_into(
                    phrases,
                    scope,
                    customer,
                    &mut s.customer,
                    &mut s.customer_hits,
                    &mut s.touched,
                );
                *ready = true;
            }
            f(&Read {
                prep: &s.customer,
                hits: &s.customer_hits,
            })
        })
    }

    fn with_turn<R>(&mut self, text: &str, f: impl FnOnce(&Read<'_>) -> R) -> R {
        let (phrases, scope) = (self.phrases, self.scope);
        self.scratch(|s, _, _| {
            read_into(
                phrases,
                scope,
                text,
                &mut s.turn,
                &mut s.turn_hits,
                &mut s.touched,
            );
            f(&Read {
                prep: &s.turn,
                hits: &s.turn_hits,
            })
        })
    }

    fn reply_hits<R>(&mut self, reply: &Prepared, f: impl FnOnce(&[Vec<Hit>]) -> R) -> R {
        let phrases = self.phrases;
        self.scratch(|s, _, ready| {
            if !*ready {
                scan(phrases, reply, &mut s.reply_hits, &mut s.touched);
                *ready = true;
            }
            f(&s.reply_hits)
        })
    }

    /// The start of the reply's words after an opening sentence that starts
    /// with a phrase of `slot` (a greeting), if one is followed by another
    /// sentence.
    fn after_opening(&mut self, reply: &Prepared, slot: u32) -> usize {
        let start = reply.first_start;
        let Some(i) = reply.sentence_of(start) else {
            return start;
        };
        let Some(next) = reply.sentences.get(i + 1) else {
            return start;
        };
        let sentence_end = reply.sentences[i].end;
        let opens = self.reply_hits(reply, |hits| {
            hits.get(slot as usize)
                .is_some_and(|h| h.iter().any(|h| h.range.start == start))
        });
        let short = reply.norm[start..sentence_end].split(' ').count() <= 5;
        if opens && short {
            next.start
        } else {
            start
        }
    }
}

fn scan(phrases: &Phrases, prep: &Prepared, hits: &mut Vec<Vec<Hit>>, touched: &mut Vec<u32>) {
    let slots = phrases.set.slots();
    if hits.len() < slots {
        hits.resize_with(slots, Vec::new);
    }
    for h in hits.iter_mut() {
        h.clear();
    }
    touched.clear();
    phrases.set.scan(&prep.norm, &prep.lower, hits, touched);
}

fn read_into(
    phrases: &Phrases,
    scope: &ScopeConfig,
    text: &str,
    prep: &mut Prepared,
    hits: &mut Vec<Vec<Hit>>,
    touched: &mut Vec<u32>,
) {
    prep.prepare(text, scope);
    scan(phrases, prep, hits, touched);
}

// ---------------------------------------------------------------------
// Content words.

/// Whether the reply's own words share a content word with the customer's
/// message.
fn shares_word(shared: &CShared, customer: &Prepared, reply: &Prepared) -> bool {
    let theirs: Vec<String> = content_words(shared, customer).collect();
    if theirs.is_empty() {
        return false;
    }
    content_words(shared, reply).any(|w| theirs.iter().any(|t| same_word(t, &w)))
}

/// The words of a message that may say something of the situation: not
/// @handles, not links, not stop words, not shorter than the minimum.
fn content_words<'p>(shared: &'p CShared, prep: &'p Prepared) -> impl Iterator<Item = String> + 'p {
    let norm = &prep.norm;
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let rest = &norm[at..];
        let start = at + rest.find(|c: char| c.is_alphanumeric())?;
        let len = norm[start..]
            .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
            .unwrap_or(norm.len() - start);
        let word = norm[start..start + len].trim_end_matches(['\'', '-']);
        at = start + len.max(1);
        let handle = norm[..start].ends_with(['@', '#', '/']);
        if handle || prep.is_skipped(&(start..start + word.len())) {
            continue;
        }
        // "order's", "DM'd": the word before the apostrophe.
        let word = word.split('\'').next().unwrap_or(word);
        let lower = word.to_lowercase();
        if lower.chars().count() < shared.min_length
            || lower.chars().all(|c| c.is_ascii_digit())
            || shared.stop.binary_search(&lower).is_ok()
        {
            continue;
        }
        return Some(lower);
    })
}

/// Two words are the same word when one is the other with a plural `s`
/// ("DM", "DMs"), or, from four letters on, with an ending of up to three
/// letters ("order", "orders", "ordered"; "charge", "charged").
fn same_word(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if !long.starts_with(short) {
        return false;
    }
    let ending = &long[short.len()..];
    ending.is_empty() || ending == "s" || (short.len() >= 4 && ending.len() <= 3)
}

// ---------------------------------------------------------------------
// Durations.

/// Seconds in a duration such as `24h`, `90m`, `1h30m`, `2d`, `45s`.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: i64 = num.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        num.clear();
    }
    num.is_empty().then_some(total)
}

/// A delay in words: "45 minutes", "30 hours", "3 days 4 hours". Minutes
/// are added to hours when the hours alone would not show that `seconds`
/// is over `limit`.
pub(crate) fn human_duration(seconds: i64, limit: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    let seconds = seconds.max(0);
    if seconds < 120 {
        return plural(seconds, "second");
    }
    if seconds < 2 * 3600 {
        return plural(seconds / 60, "minute");
    }
    let hours = seconds / 3600;
    if hours < 72 {
        let minutes = seconds % 3600 / 60;
        if hours * 3600 <= limit && minutes > 0 {
            return format!("{} {}", plural(hours, "hour"), plural(minutes, "minute"));
        }
        return plural(hours, "hour");
    }
    let days = seconds / 86_400;
    let rest = seconds % 86_400 / 3600;
    if rest == 0 {
        plural(days, "day")
    } else {
        format!("{} {}", plural(days, "day"), plural(rest, "hour"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("24h"), Some(86_400));
        assert_eq!(parse_duration("1h30m"), Some(5_400));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("45s"), Some(45));
        for bad in [
            "",
            "24",
            "h",
            "24 hours",
            "1.5h",
            "-1h",
            "99999999999999999999d",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(human_duration(30 * 3600 + 59, 86_400), "30 hours");
        assert_eq!(human_duration(86_400 + 600, 86_400), "24 hours 10 minutes");
        assert_eq!(human_duration(86_400, 0), "24 hours");
        assert_eq!(human_duration(3 * 86_400 + 7200, 86_400), "3 days 2 hours");
        assert_eq!(human_duration(4 * 86_400, 86_400), "4 days");
        assert_eq!(human_duration(600, 0), "10 minutes");
        assert_eq!(human_duration(61, 0), "61 seconds");
    }

    #[test]
    fn words_match_with_short_endings() {
        assert!(same_word("order", "orders"));
        assert!(same_word("charged", "charge"));
        assert!(same_word("delivery", "deliver"));
        assert!(!same_word("car", "card"));
        assert!(same_word("dm", "dms"));
        assert!(!same_word("dm", "dmx"));
        assert!(!same_word("account", "accountability"));
        assert!(same_word("app", "app"));
    }
}
