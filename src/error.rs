//! The crate's error type.

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// Where in a pack file something went wrong (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The pack's name, usually its file path.
    pub source: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`.
    pub(crate) fn of_offset(source: Option<&str>, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let at = crate::report::Position::of(text, offset..offset);
        Location {
            source: source.map(str::to_owned),
            line: at.line,
            column: at.column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}:")?;
        }
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What kind of error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The pack is not valid TOML, or does not have the pack's shape
    /// (including unknown keys).
    Syntax,
    /// Two rules share an id.
    DuplicateRule,
    /// A reference to a rule id that does not exist.
    UnknownRule,
    /// A reference to a list that the pack does not define.
    UnknownList,
    /// A regular expression that does not compile or is too large.
    InvalidPattern,
    /// A phrase template that is malformed, empty or expands too far.
    InvalidPhrase,
    /// A rule that is well-formed TOML but makes no sense (an empty phrase
    /// list, a bad id, an option its kind does not have).
    InvalidRule,
    /// A rule's own examples do not hold.
    ExampleFailed,
    /// Reading a pack file failed.
    Io,
    /// A reply's context is not valid (a timestamp that is not RFC 3339,
    /// an unknown channel or role).
    InvalidInput,
}

/// An error from loading a pack or building a checker.
///
/// The message names the rule id and, for a pack file, the line and column.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    rule: Option<String>,
    location: Option<Location>,
    /// The error this one was made from. Errors are only read, never
    /// changed, after a panic, so the wrapper's promise holds.
    source: Option<Arc<AssertUnwindSafe<Box<dyn std::error::Error + Send + Sync>>>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            rule: None,
            location: None,
            source: None,
        }
    }

    /// Keeps the error this one was made from, for [`std::error::Error::source`].
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Arc::new(AssertUnwindSafe(Box::new(source))));
        self
    }

    pub(crate) fn with_rule(mut self, rule: impl Into<String>) -> Error {
        if self.rule.is_none() {
            self.rule = Some(rule.into());
        }
        self
    }

    pub(crate) fn with_location(mut self, location: Option<Location>) -> Error {
        if self.location.is_none() {
            self.location = location;
        }
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The id of the rule at fault, if one is.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// Where in the pack file, if the error came from one.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The message without location or rule id.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| &***e as &(dyn std::error::Error + 'static))
    }
}
