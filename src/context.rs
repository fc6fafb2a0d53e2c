//! What a check knows besides the reply: its channel, the conversation it
//! belongs to, and which rules the caller wants.

use crate::error::{Error, ErrorKind};
use crate::report::ReplyId;
use crate::rule::{Category, Channel, Rule};
use serde::Deserialize;
use std::fmt;

/// Everything a check takes besides the reply's text.
///
/// Build one per check (or share one across replies of the same kind); it
/// borrows the conversation's text rather than copying it.
///
/// # Examples
///
/// ```
/// use tactful::{Category, Channel, Checker, Context};
///
/// let checker = Checker::new()?;
/// let context = Context::channel(Channel::Chat)
///     .customer("My parcel never arrived!")
///     .disable_category(Category::Clarity);
/// let report = checker.check_with("No. Please DM us.", &context);
/// assert!(report.findings().iter().all(|f| f.category() != Category::Clarity));
/// # Ok::<(), tactful::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Context<'a> {
    /// The reply's channel (default email).
    pub channel: Channel,
    /// The customer's message this reply answers.
    pub customer: Option<&'a str>,
    /// Earlier turns of the conversation, oldest first.
    pub history: Vec<Turn<'a>>,
    /// When the customer's message was received.
    pub received_at: Option<Timestamp>,
    /// When the reply was sent.
    pub sent_at: Option<Timestamp>,
    /// Which of the pack's rules report findings in this check.
    pub rules: RuleSelection,
}

/// The name the options for one check had before they carried the
/// conversation.
pub type CheckOptions<'a> = Context<'a>;

impl<'a> Context<'a> {
    /// A context for a reply sent on `channel`, with no conversation.
    pub fn channel(channel: Channel) -> Context<'a> {
        Context {
            channel,
            ..Context::default()
        }
    }

    /// Sets the customer's message this reply answers.
    pub fn customer(mut self, message: &'a str) -> Self {
        self.customer = Some(message);
        self
    }

    /// Adds an earlier turn (call oldest first).
    pub fn turn(mut self, role: Role, text: &'a str) -> Self {
        self.history.push(Turn { role, text });
        self
    }

    /// Sets when the customer's message was received.
    pub fn received_at(mut self, at: Timestamp) -> Self {
        self.received_at = Some(at);
        self
    }

    /// Sets when the reply was sent.
    pub fn sent_at(mut self, at: Timestamp) -> Self {
        self.sent_at = Some(at);
        self
    }

    /// Turns a rule on for this check (one the pack turned off included).
    pub fn enable_rule(mut self, id: impl Into<String>) -> Self {
        self.rules.enabled_rules.push(id.into());
        self
    }

    /// Turns a rule off for this check.
    pub fn disable_rule(mut self, id: impl Into<String>) -> Self {
        self.rules.disabled_rules.push(id.into());
        self
    }

    /// Turns a category's rules on for this check.
    pub fn enable_category(mut self, category: Category) -> Self {
        self.rules.enabled_categories.push(category);
        self
    }

    /// Turns a category's rules off for this check.
    pub fn disable_category(mut self, category: Category) -> Self {
        self.rules.disabled_categories.push(category);
        self
    }

    /// With `true`, only the enabled rules and categories report.
    pub fn enabled_only(mut self, only: bool) -> Self {
        self.rules.enabled_only = only;
        self
    }

    /// How long the reply took, in seconds, when both times are known.
    pub fn response_seconds(&self) -> Option<i64> {
        Some(self.sent_at?.seconds() - self.received_at?.seconds())
    }
}

/// Per-check rule selection, as LanguageTool's `enabledRules`,
/// `disabledRules`, `enabledCategories`, `disabledCategories` and
/// `enabledOnly` parameters have it.
///
/// A rule reports when it is enabled (by the pack, or here by id or
/// category) and not disabled here; with `enabled_only`, only rules enabled
/// here report. Disabling wins over enabling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleSelection {
    /// Rule ids to turn on.
    pub enabled_rules: Vec<String>,
    /// Rule ids to turn off.
    pub disabled_rules: Vec<String>,
    /// Categories to turn on.
    pub enabled_categories: Vec<Category>,
    /// Categories to turn off.
    pub disabled_categories: Vec<Category>,
    /// Only the rules enabled here report.
    pub enabled_only: bool,
}

impl RuleSelection {
    /// Whether nothing is selected, so that the pack alone decides.
    pub fn is_empty(&self) -> bool {
        self.enabled_rules.is_empty()
            && self.disabled_rules.is_empty()
            && self.enabled_categories.is_empty()
            && self.disabled_categories.is_empty()
            && !self.enabled_only
    }

    /// Whether `rule` reports, given whether its pack enables it.
    pub fn reports(&self, rule: &Rule, pack_enabled: bool) -> bool {
        if self.disabled_rules.contains(&rule.id)
            || self.disabled_categories.contains(&rule.category)
        {
            return false;
        }
        let enabled_here = self.enabled_rules.contains(&rule.id)
            || self.enabled_categories.contains(&rule.category);
        enabled_here || (pack_enabled && !self.enabled_only)
    }
}

/// Who wrote a turn of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The customer.
    Customer,
    /// A support agent (or the brand's account).
    Agent,
}

impl Role {
    /// The stable key used in JSON input.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "customer" => Ok(Role::Customer),
            "agent" => Ok(Role::Agent),
            other => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("unknown role `{other}` (expected customer or agent)"),
            )),
        }
    }
}

/// One earlier turn of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn<'a> {
    /// Who wrote it.
    pub role: Role,
    /// What they wrote.
    pub text: &'a str,
}

/// A point in time, to the second, from an RFC 3339 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
}

impl Timestamp {
    /// The time `seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp { seconds }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn seconds(self) -> i64 {
        self.seconds
    }

    /// Parses an RFC 3339 timestamp (`2026-11-02T09:14:00Z`,
    /// `2026-11-02 09:14:00.5+01:00`); fractions of a second are dropped.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`] when `s` is not RFC 3339.
    pub fn parse(s: &str) -> Result<Timestamp, Error> {
        parse_rfc3339(s.as_bytes()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("`{s}` is not an RFC 3339 timestamp (like 2026-11-02T09:14:00Z)"),
            )
        })
    }
}

impl std::str::FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

fn parse_rfc3339(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &rest[1 + n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2])?;
            let m = digits(&[*m1, *m2])?;
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(Timestamp {
        seconds: days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// One reply as batch input gives it (`spec/batch-output.md`): the text,
/// an optional id and channel, and the conversation. Deserialise it from a
/// JSON line with any serde format; fields it does not know are ignored,
/// and a field of the wrong type (an unknown channel, a timestamp that is
/// not RFC 3339, a history that is not a list of turns) is an error.
///
/// # Examples
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let line = r#"{"id": 7, "text": "No.", "channel": "chat", "customer": "Can I get a refund?"}"#;
/// # let input: tactful::ReplyInput = serde_json::from_str(line)?;
/// let checker = tactful::Checker::new()?;
/// let report = checker.check_with(&input.text, &input.context());
/// let owned = report.to_owned_report().with_id(input.id.clone());
/// assert_eq!(owned.findings[0].rule, "blunt-no");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ReplyInput {
    /// The reply's id, a string or a number.
    #[serde(default)]
    pub id: Option<ReplyId>,
    /// The reply.
    pub text: String,
    /// Its channel; `None` leaves the caller's default.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The customer's message it answers.
    #[serde(default)]
    pub customer: Option<String>,
    /// Earlier turns, oldest first.
    #[serde(default)]
    pub history: Vec<TurnInput>,
    /// When the customer's message was received.
    #[serde(default, deserialize_with = "timestamp")]
    pub received_at: Option<Timestamp>,
    /// When the reply was sent.
    #[serde(default, deserialize_with = "timestamp")]
    pub sent_at: Option<Timestamp>,
}

/// An earlier turn as batch input gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TurnInput {
    /// Who wrote it.
    pub role: Role,
    /// What they wrote.
    pub text: String,
}

impl ReplyInput {
    /// A reply with no id, channel or conversation.
    pub fn new(text: impl Into<String>) -> ReplyInput {
        ReplyInput {
            id: None,
            text: text.into(),
            channel: None,
            customer: None,
            history: Vec::new(),
            received_at: None,
            sent_at: None,
        }
    }

    /// The context to check it in (channel email unless it says).
    pub fn context(&self) -> Context<'_> {
        self.context_or(Channel::Email)
    }

    /// The context to check it in, on `channel` unless it names its own.
    pub fn context_or(&self, channel: Channel) -> Context<'_> {
        Context {
            channel: self.channel.unwrap_or(channel),
            customer: self.customer.as_deref(),
            history: self
                .history
                .iter()
                .map(|t| Turn {
                    role: t.role,
                    text: &t.text,
                })
                .collect(),
            received_at: self.received_at,
            sent_at: self.sent_at,
            rules: RuleSelection::default(),
        }
    }
}

fn timestamp<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let s: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
    s.map(|s| Timestamp::parse(&s).map_err(|e| serde::de::Error::custom(e.message())))
        .transpose()
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse()
            .map_err(|e: Error| serde::de::Error::custom(e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339() {
        let t = Timestamp::parse("2026-11-02T09:14:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-02T09:14:00Z");
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z").unwrap().seconds(),
            0
        );
        let shifted = Timestamp::parse("2026-11-02T10:14:00.250+01:00").unwrap();
        assert_eq!(shifted, t);
        let west = Timestamp::parse("2026-11-01t23:14:00-10:00").unwrap();
        assert_eq!(west, t);
        assert_eq!(
            Timestamp::parse("2024-02-29 12:00:00Z")
                .unwrap()
                .to_string(),
            "2024-02-29T12:00:00Z"
        );
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for bad in [
            "",
            "2026-11-02",
            "2026-11-02T09:14:00",
            "2026-13-02T09:14:00Z",
            "2023-02-29T09:14:00Z",
            "2026-11-02T24:00:00Z",
            "2026-11-02T09:14:00.Z",
            "2026-11-02T09:14:00+0100",
            "Mon Nov 02 09:14:00 +0000 2026",
            "2026-11-02T09:14:00Zjunk",
        ] {
            let e = Timestamp::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn round_trips_through_days() {
        for days in [-800_000, -1, 0, 1, 59, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn selection_follows_languagetool() {
        let rule = |id: &str, category| {
            let mut r: Rule = toml::from_str(&format!(
                "id = \"{id}\"\ncategory = \"refusal\"\nseverity = \"hint\"\nmessage = \"m\"\nrationale = \"r\"\n\
                 match.kind = \"phrases\"\nmatch.phrases = [\"x\"]"
            ))
            .unwrap();
            r.category = category;
            r
        };
        let no = rule("blunt-no", Category::Refusal);
        let jargon = rule("jargon", Category::Clarity);
        let all = RuleSelection::default();
        assert!(all.is_empty());
        assert!(all.reports(&no, true) && !all.reports(&no, false));
        let ctx = Context::default().disable_category(Category::Clarity);
        assert!(ctx.rules.reports(&no, true) && !ctx.rules.reports(&jargon, true));
        let only = Context::default().enable_rule("jargon").enabled_only(true);
        assert!(!only.rules.reports(&no, true) && only.rules.reports(&jargon, false));
        let both = Context::default()
            .enable_rule("jargon")
            .disable_rule("jargon");
        assert!(!both.rules.reports(&jargon, true));
    }
}
