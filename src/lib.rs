//! tactful checks customer-service draft replies for discourteous phrasing
//! and suggests courteous alternatives.
//!
//! A [`Pack`] of service rules (TOML, layered over the embedded default
//! pack) is compiled once into a [`Checker`]; checking a reply gives a
//! [`Report`] of [`Finding`]s with byte spans, severities, messages and
//! suggested rewrites, a score, and the reply with fixes applied.
//!
//! ```
//! use tactful::{Checker, Severity};
//!
//! let checker = Checker::new()?;
//! let report = checker.check("Calm down, that's not my job.");
//! let ids: Vec<_> = report.findings().iter().map(|f| f.rule_id()).collect();
//! assert_eq!(ids, ["dismissive", "not-my-job"]);
//! assert_eq!(report.max_severity(), Some(Severity::Error));
//! assert!(report.score() < 100);
//! println!("{}", report.fixed());
//! # Ok::<(), tactful::Error>(())
//! ```
//!
//! # Layering a pack
//!
//! ```
//! use tactful::{Checker, Pack};
//!
//! let house = Pack::from_toml(r#"
//!     [lists]
//!     competitors = ["Globex"]
//!
//!     [rules.jargon]
//!     severity = "warning"
//!     add-phrases = [{ phrase = "SLA", suggest = ["response time"] }]
//! "#)?;
//! let checker = Checker::builder().layer(house).build()?;
//! let report = checker.check("Globex is terrible, and our SLA is 4 hours.");
//! let ids: Vec<_> = report.findings().iter().map(|f| f.rule_id()).collect();
//! assert_eq!(ids, ["badmouth-competitor", "jargon"]);
//! # Ok::<(), tactful::Error>(())
//! ```
//!
//! # What the rules read
//!
//! Only the agent's own words: quoted lines (`>`), quoted history below an
//! `On … wrote:` header, text in double quotes, links, email addresses and
//! code spans are skipped, and span rules skip the sign-off block. Matching
//! is case-insensitive, treats curly and straight quotes alike, folds white
//! space, decodes HTML character references and accepts every spelling of a
//! contraction. Spans always point at the original bytes.
//!
//! # Performance
//!
//! Every literal phrase of every rule is in one Aho-Corasick automaton,
//! searched once per reply over a lowercased copy of the text; patterns
//! with required phrases run only on the sentences that hold one. The map
//! back to original offsets is kept per segment, not per byte. Per-thread
//! buffers are reused across replies. See `benches/README.md`.
//!
//! # Thread safety
//!
//! A [`Checker`] is immutable, `Send + Sync`, and cheap to clone; share one
//! across threads rather than building one per reply.

#![deny(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod canon;
mod checker;
mod context;
mod conversation;
mod error;
mod expand;
mod fold;
mod matcher;
mod offsets;
pub mod pack;
mod pattern;
mod reply;
mod report;
mod rule;
mod selftest;
mod suggest;
mod text;
mod words;

pub use checker::{Checker, CheckerBuilder};
pub use context::{
    CheckOptions, Context, ReplyInput, Role, RuleSelection, Timestamp, Turn, TurnInput,
};
pub use error::{Error, ErrorKind, Location};
pub use pack::{Pack, Rule};
pub use report::{Edit, Finding, OwnedFinding, OwnedReport, Position, ReplyId, Report, Suggestion};
pub use rule::{Category, Channel, Severity};
pub use selftest::ExampleFailure;
pub use suggest::SuggestionKind;

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
