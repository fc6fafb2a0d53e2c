//! Rule packs: parsing, validation and layering.
//!
//! A pack is a TOML file with four parts, all optional:
//!
//! * `[settings]`: what counts as the agent's own text, sign-off closings,
//!   abbreviations that do not end a sentence, contraction spellings;
//! * `[lists]`: named word lists that phrases and patterns refer to as
//!   `{name}` (competitor names, acronyms, refusal verbs, …);
//! * `[[rule]]`: rule definitions ([`Rule`]);
//! * `[rules.<id>]`: changes to a rule defined in a pack below this one
//!   ([`RuleOverride`]): turn it off, change its severity, extend it.
//!
//! The default pack is embedded in the crate ([`Pack::default_pack`]); user
//! packs are layered over it with [`Pack::layer`].

pub use crate::conversation::{Delay, ExampleTurn, Gate, TextTest};
use crate::error::{Error, ErrorKind, Location};
pub use crate::rule::{
    Capitals, Category, Channel, ChannelLimits, Condition, Counterexample, Example, Exception,
    Length, Match, Near, PatternEntry, PatternScope, PhraseEntry, Place, Requirement, Rule,
    Severity, SpanMatch, SuggestionEntry, SuggestionKind, SuggestionScope, WordsEntry,
};
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const DEFAULT_PACK: &str = include_str!("default.toml");

/// Pack-wide settings. Unset values keep the value of the pack below.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    /// Skip lines that start with `>` (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_quoted_lines: Option<bool>,
    /// Skip everything below a quoted-history header (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_quoted_history: Option<bool>,
    /// Skip text inside double quotation marks (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_double_quotes: Option<bool>,
    /// Skip the lines after a closing line, and a trailing initials tag,
    /// for span rules (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_signature: Option<bool>,
    /// Skip URLs, email addresses and `code spans` (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_links_and_code: Option<bool>,
    /// Closing lines that start a sign-off ("best", "kind regards", …).
    /// Extended by packs above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closings: Vec<String>,
    /// Abbreviations whose full stop does not end a sentence ("e.g.").
    /// Extended by packs above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abbreviations: Vec<String>,
    /// Groups of spellings that mean the same ("can't", "cannot",
    /// "can not"): a phrase written with one matches all. Extended by
    /// packs above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contractions: Vec<Vec<String>>,
    /// Filler words that may stand inside any phrase without stopping it
    /// matching ("I really can't help"). Extended by packs above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_words: Vec<String>,
}

impl Settings {
    fn layer(&mut self, over: Settings) {
        fn set(a: &mut Option<bool>, b: Option<bool>) {
            if b.is_some() {
                *a = b;
            }
        }
        set(&mut self.skip_quoted_lines, over.skip_quoted_lines);
        set(&mut self.skip_quoted_history, over.skip_quoted_history);
        set(&mut self.skip_double_quotes, over.skip_double_quotes);
        set(&mut self.skip_signature, over.skip_signature);
        set(&mut self.skip_links_and_code, over.skip_links_and_code);
        extend_unique(&mut self.closings, over.closings);
        extend_unique(&mut self.abbreviations, over.abbreviations);
        extend_unique(&mut self.contractions, over.contractions);
        extend_unique(&mut self.ignore_words, over.ignore_words);
    }
}

fn extend_unique<T: PartialEq>(base: &mut Vec<T>, more: Vec<T>) {
    for item in more {
        if !base.contains(&item) {
            base.push(item);
        }
    }
}

/// Changes to a rule defined in a pack below.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleOverride {
    /// Turn the rule on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// A new severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// A new message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// New suggestions, replacing the rule's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<SuggestionEntry>>,
    /// New channels, replacing the rule's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Phrases added to the rule's phrase list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_phrases: Vec<PhraseEntry>,
    /// Patterns added to the rule's patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_patterns: Vec<PatternEntry>,
    /// Word patterns added to the rule's word patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_words: Vec<WordsEntry>,
    /// Exceptions added to the rule's exceptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_exceptions: Vec<Exception>,
    /// Texts added to the rule's examples of what it must leave alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_counterexamples: Vec<Counterexample>,
}

/// Where a rule was defined, for error messages.
#[derive(Debug, Clone, PartialEq)]
struct Origin {
    source: Option<Arc<str>>,
    text: Arc<str>,
    offset: usize,
}

impl Origin {
    fn location(&self) -> Location {
        Location::of_offset(self.source.as_deref(), &self.text, self.offset)
    }

    /// The location of `needle` in this rule's part of the file, or of the
    /// rule itself.
    fn locate(&self, needle: &str) -> Location {
        let first_line = needle.lines().next().unwrap_or("");
        let found = if first_line.is_empty() {
            None
        } else {
            self.text[self.offset..].find(first_line)
        };
        match found {
            Some(at) => Location::of_offset(self.source.as_deref(), &self.text, self.offset + at),
            None => self.location(),
        }
    }
}

/// A rule pack: settings, lists and rules.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pack {
    /// Pack-wide settings.
    #[serde(default)]
    pub settings: Settings,
    /// Named lists, referred to as `{name}` in phrases and patterns.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Rule definitions, in order.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Changes to rules of the packs below, by id.
    #[serde(default, rename = "rules", skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, RuleOverride>,
    #[serde(skip)]
    origins: BTreeMap<String, Origin>,
}

impl Pack {
    /// The default service pack embedded in the crate (parsed once per
    /// process, then cloned).
    pub fn default_pack() -> Result<Pack, Error> {
        static PARSED: Lazy<Result<Pack, Error>> =
            Lazy::new(|| Pack::from_toml_named(DEFAULT_PACK, Some("default.toml")));
        PARSED.clone()
    }

    /// The TOML text of the default pack, for users to read and copy.
    pub fn default_pack_source() -> &'static str {
        DEFAULT_PACK
    }

    /// Parses a pack from TOML text.
    ///
    /// # Errors
    ///
    /// A syntax error, an unknown key, a duplicate rule id or a malformed
    /// rule, with the rule id and line and column where they can be found.
    pub fn from_toml(text: &str) -> Result<Pack, Error> {
        Pack::from_toml_named(text, None)
    }

    /// Reads and parses a pack file; errors carry the file's path.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Pack, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot read {}: {e}", path.display()),
            )
            .with_source(e)
        })?;
        Pack::from_toml_named(&text, Some(&path.display().to_string()))
    }

    /// Parses a pack from TOML text, naming it `source` in errors.
    pub fn from_toml_named(text: &str, source: Option<&str>) -> Result<Pack, Error> {
        let mut pack: Pack = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let mut err = Error::new(ErrorKind::Syntax, e.message().trim().to_owned())
                .with_location(Some(Location::of_offset(source, text, offset)))
                .with_source(e.clone());
            if let Some(id) = enclosing_rule_id(text, offset) {
                err = err.with_rule(id);
            }
            err
        })?;
        let shared_text: Arc<str> = Arc::from(text);
        let shared_source: Option<Arc<str>> = source.map(Arc::from);
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for rule in &pack.rules {
            let nth = seen.entry(rule.id.as_str()).or_insert(0);
            let offset = find_id(text, &rule.id, *nth).unwrap_or(0);
            *nth += 1;
            let origin = Origin {
                source: shared_source.clone(),
                text: shared_text.clone(),
                offset,
            };
            if *nth > 1 {
                return Err(Error::new(
                    ErrorKind::DuplicateRule,
                    "this id is already used by an earlier rule in the pack",
                )
                .with_rule(rule.id.clone())
                .with_location(Some(origin.location())));
            }
            pack.origins.insert(rule.id.clone(), origin);
        }
        for id in pack.overrides.keys() {
            let offset = text.find(&format!("[rules.{id}]")).unwrap_or(0);
            pack.origins
                .entry(format!("[rules.{id}]"))
                .or_insert(Origin {
                    source: shared_source.clone(),
                    text: shared_text.clone(),
                    offset,
                });
        }
        pack.validate_shape()?;
        Ok(pack)
    }

    /// The location of a rule's definition, if it came from a file.
    pub fn rule_location(&self, id: &str) -> Option<Location> {
        self.origins.get(id).map(Origin::location)
    }

    /// The location of `needle` within rule `id`'s definition.
    pub(crate) fn locate_in_rule(&self, id: &str, needle: &str) -> Option<Location> {
        self.origins.get(id).map(|o| o.locate(needle))
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The id of this pack's rule nearest to `id`, a mistyped one, if any
    /// is near (at most three edits away, or containing it).
    ///
    /// ```
    /// let pack = tactful::Pack::default_pack()?;
    /// assert_eq!(pack.closest_rule("not-my-jb"), Some("not-my-job"));
    /// assert_eq!(pack.closest_rule("refund-policy"), None);
    /// # Ok::<(), tactful::Error>(())
    /// ```
    pub fn closest_rule(&self, id: &str) -> Option<&str> {
        self.rules
            .iter()
            .map(|r| (edit_distance(&r.id, id), r.id.as_str()))
            .filter(|(d, r)| *d <= 3 || r.contains(id))
            .min()
            .map(|(_, r)| r)
    }

    /// Layers `over` on top of this pack: its settings replace or extend
    /// these, its lists extend these lists, its `[rules.<id>]` tables change
    /// rules of this pack, and its `[[rule]]`s are added.
    ///
    /// # Errors
    ///
    /// A new rule whose id is already taken, or a change to a rule that
    /// does not exist or cannot take it.
    pub fn layer(&mut self, over: Pack) -> Result<(), Error> {
        let Pack {
            settings,
            lists,
            rules,
            overrides,
            origins,
        } = over;
        self.settings.layer(settings);
        for (name, items) in lists {
            extend_unique(self.lists.entry(name).or_default(), items);
        }
        for rule in rules {
            if self.rule(&rule.id).is_some() {
                return Err(Error::new(
                    ErrorKind::DuplicateRule,
                    "a rule with this id already exists in the pack below; \
                     change it with a [rules.<id>] table instead",
                )
                .with_rule(rule.id.clone())
                .with_location(origins.get(&rule.id).map(Origin::location)));
            }
            if let Some(origin) = origins.get(&rule.id) {
                self.origins.insert(rule.id.clone(), origin.clone());
            }
            self.rules.push(rule);
        }
        for (id, change) in overrides {
            let location = origins.get(&format!("[rules.{id}]")).map(Origin::location);
            self.apply_override(&id, change)
                .map_err(|e| e.with_rule(id.clone()).with_location(location))?;
        }
        Ok(())
    }

    fn apply_override(&mut self, id: &str, change: RuleOverride) -> Result<(), Error> {
        let Some(rule) = self.rules.iter_mut().find(|r| r.id == id) else {
            let near = self
                .closest_rule(id)
                .map(|r| format!("; did you mean `{r}`?"))
                .unwrap_or_default();
            return Err(Error::new(
                ErrorKind::UnknownRule,
                format!("no rule with this id in the packs below{near}"),
            ));
        };
        let RuleOverride {
            enabled,
            severity,
            message,
            suggestions,
            channels,
            add_phrases,
            add_patterns,
            add_words,
            add_exceptions,
            add_counterexamples,
        } = change;
        if let Some(v) = enabled {
            rule.enabled = v;
        }
        if let Some(v) = severity {
            rule.severity = v;
        }
        if let Some(v) = message {
            rule.message = v;
        }
        if let Some(v) = suggestions {
            rule.suggestions = v;
        }
        if let Some(v) = channels {
            rule.channels = v;
        }
        if !add_phrases.is_empty() || !add_patterns.is_empty() {
            match &mut rule.matcher {
                Match::Phrases(m) | Match::Pattern(m) | Match::Words(m) => {
                    m.phrases.extend(add_phrases);
                    m.patterns.extend(add_patterns);
                }
                Match::Requirement(m) => {
                    if !add_patterns.is_empty() {
                        m.patterns
                            .extend(add_patterns.iter().map(|p| p.pattern().to_owned()));
                    }
                    m.phrases
                        .extend(add_phrases.iter().map(|p| p.phrase().to_owned()));
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidRule,
                        "add-phrases and add-patterns apply to phrases, pattern and \
                         requirement rules only",
                    ))
                }
            }
        }
        if !add_words.is_empty() {
            match &mut rule.matcher {
                Match::Phrases(m) | Match::Pattern(m) | Match::Words(m) => {
                    m.words.extend(add_words)
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidRule,
                        "add-words applies to phrases, pattern and words rules only",
                    ))
                }
            }
        }
        rule.exceptions.extend(add_exceptions);
        rule.counterexamples.extend(add_counterexamples);
        Ok(())
    }

    /// Checks what can be checked without compiling: ids, empty lists.
    fn validate_shape(&self) -> Result<(), Error> {
        for rule in &self.rules {
            let fail = |kind, msg: &str| {
                Err(Error::new(kind, msg)
                    .with_rule(rule.id.clone())
                    .with_location(self.rule_location(&rule.id)))
            };
            if !is_kebab(&rule.id) {
                return fail(
                    ErrorKind::InvalidRule,
                    "rule ids are kebab-case: lowercase letters, digits and `-`",
                );
            }
            match &rule.matcher {
                Match::Phrases(m) if m.phrases.is_empty() && m.words.is_empty() => {
                    return fail(ErrorKind::InvalidRule, "a phrases rule needs phrases")
                }
                Match::Pattern(m) if m.patterns.is_empty() && m.words.is_empty() => {
                    return fail(ErrorKind::InvalidRule, "a pattern rule needs patterns")
                }
                Match::Words(m) if m.words.is_empty() => {
                    return fail(ErrorKind::InvalidRule, "a words rule needs words")
                }
                Match::Requirement(m) if m.phrases.is_empty() && m.patterns.is_empty() => {
                    return fail(
                        ErrorKind::InvalidRule,
                        "a requirement needs phrases or patterns",
                    )
                }
                Match::Condition(m)
                    if m.if_rules.is_empty()
                        && m.if_phrases.is_empty()
                        && m.if_patterns.is_empty()
                        && m.if_words.is_empty() =>
                {
                    return fail(
                        ErrorKind::InvalidRule,
                        "a condition needs if-rules, if-phrases, if-patterns or if-words",
                    )
                }
                _ => {}
            }
            for exception in &rule.exceptions {
                if exception.phrases.is_empty()
                    && exception.patterns.is_empty()
                    && exception.words.is_empty()
                {
                    return fail(
                        ErrorKind::InvalidRule,
                        "an exception needs phrases, patterns or words",
                    );
                }
            }
        }
        Ok(())
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Byte offset of the `nth` line of the form `id = "…"` naming `id`.
fn find_id(text: &str, id: &str, nth: usize) -> Option<usize> {
    let mut count = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("id") {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                if value == id {
                    if count == nth {
                        return Some(offset + (line.len() - trimmed.len()));
                    }
                    count += 1;
                }
            }
        }
        offset += line.len();
    }
    None
}

/// The id of the `[[rule]]` (or `[rules.<id>]`) table that contains byte
/// `offset`, for errors that toml reports without one.
fn enclosing_rule_id(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let mut header_end = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            if trimmed == "[[rule]]" {
                header_end = Some(pos + line.len());
            } else if let Some(id) = trimmed
                .strip_prefix("[rules.")
                .and_then(|r| r.strip_suffix(']'))
            {
                if !id.contains('.') {
                    return (pos <= offset).then(|| id.trim_matches('"').to_owned());
                }
            } else if !trimmed.starts_with("[rule.") && !trimmed.starts_with("[[rule.") {
                header_end = None;
            }
        }
        pos += line.len();
    }
    let start = header_end?;
    for line in text[start..].lines() {
        let trimmed = line.trim();
        if trimmed == "[[rule]]" {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix("id") {
            if let Some(value) = rest.trim_start().strip_prefix('=') {
                return Some(
                    value
                        .trim()
                        .trim_matches(|c| c == '"' || c == '\'')
                        .to_owned(),
                );
            }
        }
    }
    None
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
