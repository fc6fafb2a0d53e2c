//! Per-group counts for `--group-by` and `--report`: replies, findings
//! per rule, response times, and a few example findings per rule.
//!
//! Memory grows with the number of groups, not with the length of the
//! input: counts are integers, each rule keeps at most
//! [`EXAMPLES_PER_RULE`] examples, and response times are kept per group
//! as a histogram ([`Delays`]) whose size depends on how many distinct
//! delays occur, not on how many replies there are.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use tactful::{Checker, ReplyId, Report};

/// Example findings kept per rule.
pub(crate) const EXAMPLES_PER_RULE: usize = 3;

/// Characters of context shown on each side of an example's match.
const EXCERPT_CONTEXT: usize = 70;

/// The name of the group of lines without the field (or with `null`).
pub(crate) const NO_GROUP: &str = "(none)";

/// The name of the group of lines whose field is the empty string.
pub(crate) const EMPTY_GROUP: &str = "(empty)";

/// Response-time buckets of the report's histogram: upper bounds in
/// seconds (exclusive), and labels; the last bucket is open.
pub(crate) const DELAY_BUCKETS: [(u64, &str); 5] = [
    (3_600, "< 1 h"),
    (4 * 3_600, "1–4 h"),
    (24 * 3_600, "4–24 h"),
    (3 * 86_400, "1–3 days"),
    (u64::MAX, "> 3 days"),
];

/// Response times as a histogram: exact seconds under an hour, whole
/// minutes under a week, whole hours beyond. A median read from it is
/// exact when the middle delays are under an hour and at most 59 seconds
/// low when they are under a week, finer than anyone reads a response
/// time; the histogram has
/// at most 3,600 + 9,960 + one entry per hour beyond a week, whatever
/// the number of replies (a `Vec<u32>` of every delay would grow by four
/// bytes a reply, without bound).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Delays {
    /// Bucket's lower bound in seconds → replies.
    counts: BTreeMap<u32, u64>,
    n: u64,
}

impl Delays {
    fn bucket(secs: u64) -> u32 {
        let b = if secs < 3_600 {
            secs
        } else if secs < 7 * 86_400 {
            secs / 60 * 60
        } else {
            secs / 3_600 * 3_600
        };
        u32::try_from(b).unwrap_or(u32::MAX)
    }

    pub(crate) fn add(&mut self, secs: u64) {
        *self.counts.entry(Self::bucket(secs)).or_insert(0) += 1;
        self.n += 1;
    }

    pub(crate) fn merge(&mut self, other: &Delays) {
        for (&k, &c) in &other.counts {
            *self.counts.entry(k).or_insert(0) += c;
        }
        self.n += other.n;
    }

    /// The `k`-th smallest delay (0-based), to the histogram's resolution.
    fn nth(&self, k: u64) -> Option<u64> {
        let mut seen = 0;
        for (&b, &c) in &self.counts {
            seen += c;
            if seen > k {
                return Some(u64::from(b));
            }
        }
        None
    }

    /// The median delay in seconds (the mean of the two middle ones for
    /// an even count), or `None` with no delays.
    pub(crate) fn median(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let lo = self.nth((self.n - 1) / 2)?;
        let hi = self.nth(self.n / 2)?;
        Some((lo as f64 + hi as f64) / 2.0)
    }

    /// Replies per bucket of [`DELAY_BUCKETS`].
    pub(crate) fn buckets(&self) -> [u64; DELAY_BUCKETS.len()] {
        let mut out = [0; DELAY_BUCKETS.len()];
        for (&b, &c) in &self.counts {
            let i = DELAY_BUCKETS
                .iter()
                .position(|&(upper, _)| u64::from(b) < upper)
                .unwrap_or(DELAY_BUCKETS.len() - 1);
            out[i] += c;
        }
        out
    }
}

/// The counts of one group (or of the whole run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    pub(crate) replies: u64,
    /// Replies with at least one finding.
    pub(crate) flagged: u64,
    pub(crate) findings: u64,
    /// Per rule, by index in `Checker::rules`: findings, replies.
    pub(crate) rules: Vec<(u64, u64)>,
    /// Replies with both timestamps, the reply not before the message.
    pub(crate) timed: u64,
    /// Of those, replies sent more than `late_after` after the message.
    pub(crate) late: u64,
    /// Replies whose `sent_at` is before their `received_at` (not timed).
    pub(crate) negative: u64,
    pub(crate) delays: Delays,
}

impl Group {
    fn new(rules: usize) -> Group {
        Group {
            replies: 0,
            flagged: 0,
            findings: 0,
            rules: vec![(0, 0); rules],
            timed: 0,
            late: 0,
            negative: 0,
            delays: Delays::default(),
        }
    }

    fn merge(&mut self, other: &Group) {
        self.replies += other.replies;
        self.flagged += other.flagged;
        self.findings += other.findings;
        for (a, b) in self.rules.iter_mut().zip(&other.rules) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.timed += other.timed;
        self.late += other.late;
        self.negative += other.negative;
        self.delays.merge(&other.delays);
    }

    /// Replies flagged by rule `i` per 1,000 replies.
    pub(crate) fn rate(&self, i: usize) -> f64 {
        per_thousand(self.rules.get(i).map_or(0, |r| r.1), self.replies)
    }

    /// Share of timed replies that were late, 0–1; `None` if none timed.
    pub(crate) fn late_share(&self) -> Option<f64> {
        (self.timed > 0).then(|| self.late as f64 / self.timed as f64)
    }

    /// Rule indices with findings, most replies first, then by rule id.
    pub(crate) fn rules_by_rate<'c>(&self, checker: &'c Checker) -> Vec<(usize, &'c str)> {
        let rules = checker.rules();
        let mut v: Vec<(usize, &str)> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.0 > 0)
            .filter_map(|(i, _)| rules.get(i).map(|r| (i, r.id.as_str())))
            .collect();
        v.sort_by(|a, b| self.rules[b.0].1.cmp(&self.rules[a.0].1).then(a.1.cmp(b.1)));
        v
    }
}

/// `part` per 1,000 of `whole` (0 when `whole` is 0).
pub(crate) fn per_thousand(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 1000.0 / whole as f64
    }
}

/// One example finding, with enough of the reply around it to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Example {
    pub(crate) group: String,
    pub(crate) id: Option<String>,
    pub(crate) before: String,
    pub(crate) matched: String,
    pub(crate) after: String,
    pub(crate) message: String,
    /// What fixing the reply puts in place of the match.
    pub(crate) fix: Option<String>,
    /// Advice and other suggestions.
    pub(crate) suggestions: Vec<String>,
}

/// Everything `--group-by` and `--report` show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Groups {
    pub(crate) total: Group,
    pub(crate) by: BTreeMap<String, Group>,
    /// Per rule: the first examples in input order.
    pub(crate) examples: Vec<Vec<Example>>,
    late_after: u64,
}

impl Groups {
    pub(crate) fn new(checker: &Checker, late_after: u64) -> Groups {
        let n = checker.rules().len();
        Groups {
            total: Group::new(n),
            by: BTreeMap::new(),
            examples: vec![Vec::new(); n],
            late_after,
        }
    }

    pub(crate) fn late_after(&self) -> u64 {
        self.late_after
    }

    /// Counts one checked reply in group `key`; `delay` is
    /// `sent_at − received_at` in seconds when both are known.
    pub(crate) fn add(
        &mut self,
        checker: &Checker,
        key: &str,
        report: &Report<'_>,
        delay: Option<i64>,
        id: impl Fn() -> Option<String>,
    ) {
        let n = self.total.rules.len();
        let group = match self.by.get_mut(key) {
            Some(g) => g,
            None => self
                .by
                .entry(key.to_owned())
                .or_insert_with(|| Group::new(n)),
        };
        let rules = checker.rules();
        let findings = report.findings();
        for g in [&mut self.total, &mut *group] {
            g.replies += 1;
            g.flagged += u64::from(!findings.is_empty());
            g.findings += findings.len() as u64;
            match delay {
                Some(d) if d < 0 => g.negative += 1,
                Some(d) => {
                    let d = d.unsigned_abs();
                    g.timed += 1;
                    g.late += u64::from(d > self.late_after);
                    g.delays.add(d);
                }
                None => {}
            }
        }
        let mut owned = None;
        for (k, f) in findings.iter().enumerate() {
            let Some(i) = rules.iter().position(|r| std::ptr::eq(r, f.rule())) else {
                continue;
            };
            // Each reply counts once per rule: only at the rule's first
            // finding in it.
            let first = !findings[..k]
                .iter()
                .any(|e| std::ptr::eq(e.rule(), f.rule()));
            for g in [&mut self.total, &mut *group] {
                g.rules[i].0 += 1;
                g.rules[i].1 += u64::from(first);
            }
            if self.examples[i].len() < EXAMPLES_PER_RULE && first {
                // The owned report says which suggestion is the fix.
                let owned = owned.get_or_insert_with(|| report.to_owned_findings());
                if let Some(of) = owned.get(k) {
                    let (before, matched, after) = excerpt(report.text(), f.span());
                    self.examples[i].push(Example {
                        group: key.to_owned(),
                        id: id(),
                        before,
                        matched,
                        after,
                        message: of.message.clone(),
                        fix: of.fix.clone(),
                        suggestions: of
                            .suggestions
                            .iter()
                            .chain(&of.advice)
                            .filter(|s| Some(*s) != of.fix.as_ref())
                            .take(3)
                            .cloned()
                            .collect(),
                    });
                }
            }
        }
    }

    /// Adds counts made after `self`'s (examples are kept in input order).
    pub(crate) fn merge(&mut self, other: &Groups) {
        self.total.merge(&other.total);
        for (k, g) in &other.by {
            match self.by.get_mut(k) {
                Some(mine) => mine.merge(g),
                None => {
                    self.by.insert(k.clone(), g.clone());
                }
            }
        }
        for (mine, theirs) in self.examples.iter_mut().zip(&other.examples) {
            let room = EXAMPLES_PER_RULE.saturating_sub(mine.len());
            mine.extend(theirs.iter().take(room).cloned());
        }
    }

    /// Groups, most replies first, then by name.
    pub(crate) fn ordered(&self) -> Vec<(&str, &Group)> {
        let mut v: Vec<(&str, &Group)> = self.by.iter().map(|(k, g)| (k.as_str(), g)).collect();
        v.sort_by(|a, b| b.1.replies.cmp(&a.1.replies).then(a.0.cmp(b.0)));
        v
    }
}

/// A reply id as text: a string as it is, a number as written.
pub(crate) fn id_string(id: &ReplyId) -> String {
    match serde_json::to_value(id) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => String::new(),
    }
}

/// The match and up to [`EXCERPT_CONTEXT`] characters either side, with
/// `…` where the reply goes on and line breaks shown as spaces.
fn excerpt(text: &str, span: std::ops::Range<usize>) -> (String, String, String) {
    let get = |r: std::ops::Range<usize>| text.get(r).unwrap_or("");
    let before_all = get(0..span.start);
    let after_all = get(span.end..text.len());
    let mut before: String = before_all
        .chars()
        .rev()
        .take(EXCERPT_CONTEXT)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    if before.len() < before_all.len() {
        before.insert(0, '…');
    }
    let mut after: String = after_all.chars().take(EXCERPT_CONTEXT).collect();
    if after.len() < after_all.len() {
        after.push('…');
    }
    let flat = |s: &str| s.replace(['\r', '\n', '\t'], " ");
    (flat(&before), flat(get(span)), flat(&after))
}

/// The value of top-level field `field` of a JSON object line as a group
/// name: a string as it is (the empty string as [`EMPTY_GROUP`]), `null`
/// or a missing field as [`NO_GROUP`],
/// anything else (a number, `true`, an array) as compact JSON. Fields
/// before it are skipped without being built, and reading stops at it:
/// the line has been read whole as a `ReplyInput` already.
pub(crate) fn group_of(line: &[u8], field: &str) -> String {
    let mut de = serde_json::Deserializer::from_slice(line);
    let mut found = None;
    // Finding the field ends the reading with an error on purpose.
    let _ = FieldSeed {
        field,
        found: &mut found,
    }
    .deserialize(&mut de);
    match found {
        Some(serde_json::Value::String(s)) if s.is_empty() => EMPTY_GROUP.to_owned(),
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => NO_GROUP.to_owned(),
        Some(v) => v.to_string(),
    }
}

/// Finds one key of a JSON object, skipping the keys before it.
struct FieldSeed<'f> {
    field: &'f str,
    found: &'f mut Option<serde_json::Value>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(is_it) = map.next_key_seed(KeyIs(self.field))? {
            if is_it {
                *self.found = Some(map.next_value::<serde_json::Value>()?);
                // Stop here rather than skim the rest of the line.
                return Err(de::Error::custom("found"));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Whether a key is the wanted one, compared without allocating when the
/// key has no escapes.
struct KeyIs<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

/// Reads a duration such as `24h`, `90m`, `2d` or `3600s`.
pub(crate) fn parse_duration(s: &str) -> Result<u64, String> {
    let bad = || format!("--late-after takes a duration such as 24h, 90m, 2d or 3600s, not `{s}`");
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let mult = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(mult).ok_or_else(bad)
}

/// A threshold as `--late-after` takes it: `24h`, `90m`, `45s`.
pub(crate) fn threshold(secs: u64) -> String {
    if secs % 3_600 == 0 {
        format!("{}h", secs / 3_600)
    } else if secs % 60 == 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// A delay for people: `42s`, `13m 41s`, `5h 24m`, `2d 3h`.
pub(crate) fn human_delay(secs: f64) -> String {
    let s = secs.round() as u64;
    if s < 60 {
        format!("{s}s")
    } else if s < 3_600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h {:02}m", s / 3_600, s % 3_600 / 60)
    } else {
        format!("{}d {:02}h", s / 86_400, s % 86_400 / 3_600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful::{Context, Timestamp};

    fn checker() -> Checker {
        Checker::new().expect("default pack")
    }

    #[test]
    fn median_odd_even_and_resolution() {
        let mut d = Delays::default();
        assert_eq!(d.median(), None);
        for s in [30, 10, 20] {
            d.add(s);
        }
        assert_eq!(d.median(), Some(20.0));
        d.add(40);
        assert_eq!(d.median(), Some(25.0));
        // Above an hour, to the minute; above a week, to the hour.
        let mut d = Delays::default();
        d.add(3_600 + 119);
        assert_eq!(d.median(), Some(3_660.0));
        let mut d = Delays::default();
        d.add(8 * 86_400 + 3_599);
        assert_eq!(d.median(), Some(8.0 * 86_400.0));
    }

    #[test]
    fn merged_median_equals_one_pass() {
        let all: Vec<u64> = (0..1001).map(|i| (i * 7919) % 3_000).collect();
        let mut one = Delays::default();
        let (mut a, mut b) = (Delays::default(), Delays::default());
        for (k, &s) in all.iter().enumerate() {
            one.add(s);
            if k % 3 == 0 { &mut a } else { &mut b }.add(s);
        }
        a.merge(&b);
        assert_eq!(a, one);
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(one.median(), Some(sorted[500] as f64));
    }

    #[test]
    fn buckets_split_at_hours_and_days() {
        let mut d = Delays::default();
        for s in [59, 3_599, 3_600, 4 * 3_600, 86_400, 3 * 86_400, 40 * 86_400] {
            d.add(s);
        }
        assert_eq!(d.buckets(), [2, 1, 1, 1, 2]);
    }

    #[test]
    fn rates_late_share_and_examples() {
        let c = checker();
        let mut g = Groups::new(&c, 24 * 3_600);
        let at = |s: &str| Timestamp::parse(s).expect("timestamp");
        let replies = [
            (
                "a",
                "No. We don't do refunds.",
                Some(("2026-11-01T00:00:00Z", "2026-11-01T00:10:00Z")),
            ),
            (
                "a",
                "Thanks for waiting, your refund is on its way.",
                Some(("2026-11-01T00:00:00Z", "2026-11-02T00:00:01Z")),
            ),
            ("a", "Happy to help with that.", None),
            (
                "b",
                "No, we can't do that. Calm down.",
                Some(("2026-11-01T00:00:00Z", "2026-11-01T00:00:30Z")),
            ),
        ];
        for (key, text, times) in replies {
            let mut ctx = Context::default();
            if let Some((r, s)) = times {
                ctx = ctx.received_at(at(r)).sent_at(at(s));
            }
            let report = c.check_with(text, &ctx);
            g.add(&c, key, &report, ctx.response_seconds(), || None);
        }
        let a = &g.by["a"];
        assert_eq!((a.replies, a.timed, a.late), (3, 2, 1));
        assert_eq!(a.late_share(), Some(0.5));
        assert_eq!(a.delays.median(), Some((600.0 + 86_400.0) / 2.0));
        assert_eq!(g.total.replies, 4);
        assert_eq!(g.total.late_share(), Some(1.0 / 3.0));
        // blunt-no flags one reply in a and one in b.
        let i = c
            .rules()
            .iter()
            .position(|r| r.id == "blunt-no")
            .expect("blunt-no");
        assert_eq!(a.rules[i].1, 1);
        assert!((a.rate(i) - 1000.0 / 3.0).abs() < 1e-9);
        assert_eq!(g.total.rules[i].1, 2);
        assert_eq!(g.total.rate(i), 500.0);
        assert_eq!(g.examples[i].len(), 2);
        assert_eq!(g.examples[i][0].matched, "No.");
        assert_eq!(g.examples[i][0].group, "a");
        assert_eq!(g.examples[i][1].group, "b");
        assert!(a.flagged >= 1 && a.flagged <= 2);
    }

    #[test]
    fn merge_keeps_the_first_examples_and_sums() {
        let c = checker();
        let mut parts = Vec::new();
        for k in 0..4 {
            let mut g = Groups::new(&c, 60);
            let text = format!("No, we can't reopen ticket {k}.");
            let report = c.check_with(&text, &Context::default());
            g.add(&c, &k.to_string(), &report, Some(120), || None);
            parts.push(g);
        }
        let mut all = Groups::new(&c, 60);
        for p in &parts {
            all.merge(p);
        }
        let i = c
            .rules()
            .iter()
            .position(|r| r.id == "blunt-no")
            .expect("blunt-no");
        assert_eq!(all.total.replies, 4);
        assert_eq!(all.total.late, 4);
        assert_eq!(all.examples[i].len(), EXAMPLES_PER_RULE);
        let groups: Vec<&str> = all.examples[i].iter().map(|e| e.group.as_str()).collect();
        assert_eq!(groups, ["0", "1", "2"]);
        assert_eq!(all.by.len(), 4);
    }

    #[test]
    fn group_field_of_a_line() {
        let line =
            r#"{"text":"x","history":[{"company":"no"}],"company":"Acme","team":7,"agent":null}"#;
        assert_eq!(group_of(line.as_bytes(), "company"), "Acme");
        assert_eq!(group_of(line.as_bytes(), "team"), "7");
        assert_eq!(group_of(line.as_bytes(), "agent"), NO_GROUP);
        assert_eq!(group_of(line.as_bytes(), "missing"), NO_GROUP);
        assert_eq!(group_of(r#"{"t\u0065am":"esc"}"#.as_bytes(), "team"), "esc");
        assert_eq!(group_of(r#"{"tier":[1,2]}"#.as_bytes(), "tier"), "[1,2]");
        // The first of two wins, as it is the first one read.
        assert_eq!(
            group_of(r#"{"team":"a","team":"b"}"#.as_bytes(), "team"),
            "a"
        );
        assert_eq!(group_of("[1]".as_bytes(), "team"), NO_GROUP);
        assert_eq!(group_of(r#"{"team":""}"#.as_bytes(), "team"), EMPTY_GROUP);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Ok(86_400));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("15s"), Ok(15));
        assert!(parse_duration("24").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("1w").is_err());
        assert_eq!(human_delay(821.0), "13m 41s");
        assert_eq!(threshold(86_400), "24h");
        assert_eq!(threshold(5_400), "90m");
        assert_eq!(human_delay(19_423.0), "5h 23m");
    }

    #[test]
    fn excerpts_cut_at_characters() {
        let text = format!("{}é No.\nbye", "x".repeat(100));
        let start = text.find("No.").expect("No.");
        let (b, m, a) = excerpt(&text, start..start + 3);
        assert!(b.starts_with('…') && b.ends_with("é "));
        assert_eq!(b.chars().count(), EXCERPT_CONTEXT + 1);
        assert_eq!(m, "No.");
        assert_eq!(a, " bye");
    }
}
