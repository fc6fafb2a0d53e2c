//! Typed rule definitions, as they appear in a rule pack.
//!
//! Every type here is `serde`-loadable with kebab-case keys and rejects
//! unknown keys, so a typo in a pack is an error rather than a rule that
//! silently does nothing.

pub use crate::suggest::{SuggestionEntry, SuggestionKind, SuggestionScope};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Severity {
    /// Could be better; worth a look.
    Hint,
    /// A rewrite is advised.
    Warning,
    /// Should not be sent as written.
    Error,
}

impl Severity {
    /// The stable key used in packs and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// How many points a finding of this severity takes off a reply's score.
    pub fn penalty(self) -> u32 {
        match self {
            Severity::Hint => 3,
            Severity::Warning => 10,
            Severity::Error => 25,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hint" => Ok(Severity::Hint),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or hint)"
            )),
        }
    }
}

/// What kind of courtesy problem a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Category {
    /// Disowning the customer's problem.
    Ownership,
    /// Refusing without softening or offering another way.
    Refusal,
    /// Failing to acknowledge, or presuming, the customer's feelings.
    Empathy,
    /// Blaming the customer or colleagues.
    Blame,
    /// Tone: condescension, shouting, excessive punctuation.
    Tone,
    /// Talking about competitors.
    Competition,
    /// Promising what may not be delivered.
    Promises,
    /// Making the customer feel like an interruption.
    Attention,
    /// Not knowing, without committing to find out.
    Knowledge,
    /// Jargon and shorthand the customer may not know.
    Clarity,
    /// The shape of a reply: greeting, thanks, closing.
    Structure,
    /// A house rule that fits none of the above.
    Custom,
}

impl Category {
    /// The stable key used in packs and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Ownership => "ownership",
            Category::Refusal => "refusal",
            Category::Empathy => "empathy",
            Category::Blame => "blame",
            Category::Tone => "tone",
            Category::Competition => "competition",
            Category::Promises => "promises",
            Category::Attention => "attention",
            Category::Knowledge => "knowledge",
            Category::Clarity => "clarity",
            Category::Structure => "structure",
            Category::Custom => "custom",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a reply is sent. Structure rules usually judge email only.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Channel {
    /// An email (the default).
    #[default]
    Email,
    /// A live-chat message.
    Chat,
    /// A social-media post or direct message.
    Social,
}

impl Channel {
    /// The stable key used in packs and JSON input.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Social => "social",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "email" => Ok(Channel::Email),
            "chat" => Ok(Channel::Chat),
            "social" => Ok(Channel::Social),
            other => Err(format!(
                "unknown channel `{other}` (expected email, chat or social)"
            )),
        }
    }
}

/// One service rule: what it flags, why, and what to write instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Stable kebab-case id, unique within a pack.
    pub id: String,
    /// What kind of problem the rule is about.
    pub category: Category,
    /// Default severity of its findings.
    pub severity: Severity,
    /// Whether the rule reports findings (default `true`).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// What a finding says to the agent.
    pub message: String,
    /// The service guideline the rule enforces.
    pub rationale: String,
    /// Channels the rule judges; empty means every channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// What the rule matches.
    #[serde(rename = "match")]
    pub matcher: Match,
    /// Matches that cancel a finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Exception>,
    /// What to write instead, best first: fixes and advice (see
    /// [`SuggestionEntry`]). Templates: `{matched}`, `{sentence-case}`,
    /// `{lower}`, `{first-char}`, `{drop-first}` and `{drop-last}` (the
    /// match without its first or last word), and a pattern's named groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<SuggestionEntry>,
    /// Texts the rule must flag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// Texts the rule must leave alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counterexamples: Vec<Counterexample>,
    /// Conditions on the conversation: the customer's message, earlier
    /// turns (see `crate::conversation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<crate::conversation::Gate>,
}

pub(crate) fn default_true() -> bool {
    true
}

/// A text a rule must flag, and optionally the text its fixes must produce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Example {
    /// The reply.
    pub text: String,
    /// The reply after applying this rule's first suggestions, if it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The channel to check it on (default email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The customer's message the reply answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Earlier turns of the conversation, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<crate::conversation::ExampleTurn>,
    /// When the customer's message was received (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// When the reply was sent (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

/// A text a rule must leave alone: just the text, or an [`Example`] table
/// when it needs a channel or a conversation (its `fixed` is not used).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Counterexample {
    /// Just the reply, checked as an email with no conversation.
    Plain(String),
    /// A reply with its channel and conversation.
    Detailed(Example),
}

impl Counterexample {
    /// The reply.
    pub fn text(&self) -> &str {
        match self {
            Counterexample::Plain(t) => t,
            Counterexample::Detailed(e) => &e.text,
        }
    }

    /// The channel to check it on.
    pub fn channel(&self) -> Channel {
        match self {
            Counterexample::Plain(_) => Channel::Email,
            Counterexample::Detailed(e) => e.channel.unwrap_or_default(),
        }
    }

    /// The reply with its channel and conversation.
    pub fn example(&self) -> Example {
        match self {
            Counterexample::Plain(t) => Example {
                text: t.clone(),
                fixed: None,
                channel: None,
                customer: None,
                history: Vec::new(),
                received_at: None,
                sent_at: None,
            },
            Counterexample::Detailed(e) => e.clone(),
        }
    }
}

impl From<&str> for Counterexample {
    fn from(text: &str) -> Self {
        Counterexample::Plain(text.to_owned())
    }
}

impl From<String> for Counterexample {
    fn from(text: String) -> Self {
        Counterexample::Plain(text)
    }
}

impl std::ops::Deref for Counterexample {
    type Target = str;
    fn deref(&self) -> &str {
        self.text()
    }
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// What a rule matches. The `kind` key selects the variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Match {
    /// A list of literal phrases (with optional words and alternatives),
    /// matched as whole words after normalisation. Patterns may be added.
    Phrases(SpanMatch),
    /// Regular expressions over the agent's text or one sentence at a time.
    /// Phrases may be added.
    Pattern(SpanMatch),
    /// Word patterns (`words`); phrases and patterns may be added.
    Words(SpanMatch),
    /// A reply-level requirement: a reply of at least `min-sentences`
    /// sentences must contain one of the phrases or patterns.
    Requirement(Requirement),
    /// Fires when a trigger (another rule's finding, a phrase or a pattern)
    /// occurs and no phrase or pattern of `unless` occurs in the reply.
    Condition(Condition),
    /// Runs of words in capitals.
    Capitals(Capitals),
    /// How long the reply took: fires when it was sent more than a
    /// threshold after the customer's message was received.
    Delay(crate::conversation::Delay),
    /// Sentences, or a whole reply, longer than a limit.
    Length(Length),
}

/// The detector for long sentences and long replies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Length {
    /// A sentence of more words than this is a finding (0: no limit).
    #[serde(default)]
    pub max_sentence_words: usize,
    /// Most words in the agent's text, per channel (0: no limit).
    #[serde(default)]
    pub max_words: ChannelLimits,
}

/// A limit for each channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct ChannelLimits {
    /// For email replies.
    #[serde(default)]
    pub email: usize,
    /// For chat replies.
    #[serde(default)]
    pub chat: usize,
    /// For social replies.
    #[serde(default)]
    pub social: usize,
}

/// The span matcher shared by the `phrases` and `pattern` kinds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct SpanMatch {
    /// Phrase templates. See the crate docs for the syntax.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<PhraseEntry>,
    /// Regular expressions. `{list}` inserts a pack list as an alternation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<PatternEntry>,
    /// Phrases one of which must occur in the reply before patterns run
    /// (a pre-filter; empty means patterns always run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Word patterns (see the crate's README): `{list}`, inflections
    /// (`mess~`), gaps (`...`), any word (`_`). Each runs only on the
    /// sentences that hold its rarest required word; `requires` does not
    /// apply to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordsEntry>,
}

/// A word pattern, optionally with suggestions of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
#[non_exhaustive]
pub enum WordsEntry {
    /// Just the word pattern.
    Plain(String),
    /// A word pattern with its own suggestions (used before the rule's).
    Detailed {
        /// The word pattern.
        words: String,
        /// Suggestions for this pattern, best first.
        #[serde(default)]
        suggest: Vec<SuggestionEntry>,
    },
}

impl WordsEntry {
    /// The word pattern.
    pub fn words(&self) -> &str {
        match self {
            WordsEntry::Plain(w) => w,
            WordsEntry::Detailed { words, .. } => words,
        }
    }

    /// The entry's own suggestions.
    pub fn suggest(&self) -> &[SuggestionEntry] {
        match self {
            WordsEntry::Plain(_) => &[],
            WordsEntry::Detailed { suggest, .. } => suggest,
        }
    }
}

/// A phrase template, optionally with suggestions of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
#[non_exhaustive]
pub enum PhraseEntry {
    /// Just the phrase.
    Plain(String),
    /// A phrase with its own suggestions (used before the rule's).
    Detailed {
        /// The phrase template.
        phrase: String,
        /// Suggestions for this phrase, best first.
        #[serde(default)]
        suggest: Vec<SuggestionEntry>,
        /// Match only when written in capitals (a plural `s` aside):
        /// "OOO" but not "Ooo".
        #[serde(default)]
        capitals: bool,
    },
}

impl PhraseEntry {
    /// The phrase template.
    pub fn phrase(&self) -> &str {
        match self {
            PhraseEntry::Plain(p) => p,
            PhraseEntry::Detailed { phrase, .. } => phrase,
        }
    }

    /// The entry's own suggestions.
    pub fn suggest(&self) -> &[SuggestionEntry] {
        match self {
            PhraseEntry::Plain(_) => &[],
            PhraseEntry::Detailed { suggest, .. } => suggest,
        }
    }

    /// Whether the phrase must be written in capitals.
    pub fn capitals(&self) -> bool {
        matches!(self, PhraseEntry::Detailed { capitals: true, .. })
    }
}

/// Whether a pattern searches the whole text or one sentence at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PatternScope {
    /// The agent's whole text (the default).
    #[default]
    Text,
    /// Each sentence on its own; `^` and `$` anchor to the sentence.
    Sentence,
}

/// A regular expression, optionally with a scope and suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
#[non_exhaustive]
pub enum PatternEntry {
    /// Just the pattern, over the whole text.
    Plain(String),
    /// A pattern with options.
    Detailed {
        /// The regular expression. A group named `m` marks the span.
        pattern: String,
        /// Where it searches.
        #[serde(default)]
        scope: PatternScope,
        /// Suggestions for this pattern, best first.
        #[serde(default)]
        suggest: Vec<SuggestionEntry>,
    },
}

impl PatternEntry {
    /// The regular expression.
    pub fn pattern(&self) -> &str {
        match self {
            PatternEntry::Plain(p) => p,
            PatternEntry::Detailed { pattern, .. } => pattern,
        }
    }

    /// Where the pattern searches.
    pub fn scope(&self) -> PatternScope {
        match self {
            PatternEntry::Plain(_) => PatternScope::Text,
            PatternEntry::Detailed { scope, .. } => *scope,
        }
    }

    /// The entry's own suggestions.
    pub fn suggest(&self) -> &[SuggestionEntry] {
        match self {
            PatternEntry::Plain(_) => &[],
            PatternEntry::Detailed { suggest, .. } => suggest,
        }
    }
}

/// Where an exception must stand, relative to a match, to cancel it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Near {
    /// Overlapping the match (the default).
    #[default]
    Overlap,
    /// Ending right before the match (only spaces or punctuation between).
    Before,
    /// Starting right after the match (only spaces or punctuation between).
    After,
    /// Anywhere in the same sentence.
    Sentence,
    /// In the same sentence or the next one.
    NextSentence,
    /// In the same sentence or the one before.
    PreviousSentence,
    /// Anywhere in the agent's text.
    Reply,
}

/// Phrases or patterns that cancel a match when they stand `near` it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Exception {
    /// Phrase templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// Regular expressions over the agent's text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// Word patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// Where they must stand.
    #[serde(default)]
    pub near: Near,
    /// Turns the exception round: a match stands only if one of these
    /// stands `near` it ("a bare No, when a refusal follows").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// Where a requirement looks, and where its fix goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Place {
    /// The start of the first sentence (after any leading `@handle`s).
    Start,
    /// Anywhere in the agent's text (the default).
    #[default]
    Anywhere,
    /// The end of the agent's text, before the sign-off.
    End,
}

/// A reply-level requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Requirement {
    /// Replies with fewer sentences are not judged.
    #[serde(default)]
    pub min_sentences: usize,
    /// Where a phrase or pattern must occur.
    #[serde(default)]
    pub at: Place,
    /// Phrase templates that satisfy the requirement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// Regular expressions that satisfy it (with `at = "start"`, matched
    /// against the first sentence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// Where the finding (an insertion point) goes.
    #[serde(default = "default_fix_at")]
    pub fix_at: Place,
}

fn default_fix_at() -> Place {
    Place::Start
}

/// A reply-level condition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Condition {
    /// Rules whose findings are triggers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub if_rules: Vec<String>,
    /// Phrases that are triggers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub if_phrases: Vec<String>,
    /// Patterns that are triggers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub if_patterns: Vec<String>,
    /// Word patterns that are triggers (not subject to `requires`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub if_words: Vec<String>,
    /// Phrases one of which must occur before `if-patterns` run (a
    /// pre-filter; empty means they always run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Phrases that, anywhere in the reply, keep the rule quiet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_phrases: Vec<String>,
    /// Patterns that, anywhere in the reply, keep the rule quiet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_patterns: Vec<String>,
    /// Word patterns that, anywhere in the reply, keep the rule quiet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_words: Vec<String>,
    /// Fire only when every sentence of the agent's text holds a trigger
    /// or one of `also-phrases` / `also-words` (a greeting, say): the reply
    /// does nothing else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub every_sentence: bool,
    /// Phrases that may fill a sentence besides the triggers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_phrases: Vec<String>,
    /// Word patterns that may fill a sentence besides the triggers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_words: Vec<String>,
    /// Patterns matched against each sentence on its own (`^` and `$`
    /// anchor to it): a sentence they match needs no trigger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_patterns: Vec<String>,
}

/// The detector for words written in capitals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Capitals {
    /// How many capitalised words in a row make a finding.
    #[serde(default = "default_min_run")]
    pub min_run: usize,
    /// A sentence of at least this many words, all in capitals, is a
    /// finding too (0 turns that off).
    #[serde(default = "default_min_sentence")]
    pub min_sentence_words: usize,
    /// Words that never count and never break a run. `{list}` inserts a
    /// pack list.
    #[serde(default)]
    pub acronyms: Vec<String>,
    /// Words after which a run of capitals is a screen label.
    #[serde(default)]
    pub label_words: Vec<String>,
    /// Whether text in single quotes is a label (default `true`).
    #[serde(default = "default_true")]
    pub single_quotes_are_labels: bool,
}

fn default_min_run() -> usize {
    3
}

fn default_min_sentence() -> usize {
    2
}
