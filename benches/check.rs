//! Interactive-use benchmarks: building the checker, and checking one
//! reply at a time.
//!
//! ```text
//! cargo bench --bench check
//! cargo bench --bench check -- throughput/   # one group
//! ```
//!
//! Every benchmark first checks its result, so a broken checker cannot
//! produce a fast number: each sample reply under `benches/data/` carries
//! the rule ids it must yield (`=== expect: id id …` before its text).
//! Figures and the batch benchmarks are in `benches/README.md`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use tactful::{Channel, Checker, Context};

/// An email draft of about 600 bytes with six problems in it.
const DRAFT: &str = include_str!("data/draft-600B.txt");
const DRAFT_EXPECT: &[&str] = &[
    "blame-colleagues",
    "blame-customer",
    "condescending",
    "dismissive",
    "not-my-job",
    "overpromise",
];
/// Social-media replies (120–170 bytes), half of them clean.
const TWEETS: &str = include_str!("data/tweets.txt");
/// Email replies (500–700 bytes), one of them clean.
const EMAILS: &str = include_str!("data/emails.txt");
/// One long email (about 5 KB) with quoted history below it.
const LONG: &str = include_str!("data/long-5KB.txt");

struct Sample {
    text: &'static str,
    expect: Vec<&'static str>,
}

/// Reads `=== expect: id …` headers, each followed by a reply's text.
fn samples(data: &'static str) -> Vec<Sample> {
    let mut out: Vec<Sample> = Vec::new();
    let mut rest = data;
    while let Some(header_end) = rest.find('\n') {
        let header = &rest[..header_end];
        let ids = header
            .strip_prefix("=== expect:")
            .unwrap_or_else(|| panic!("expected an `=== expect:` line, found {header:?}"));
        let body = &rest[header_end + 1..];
        let end = body.find("\n=== expect:").map_or(body.len(), |i| i + 1);
        let text = body[..end].strip_suffix('\n').unwrap_or(&body[..end]);
        let mut expect: Vec<&str> = ids.split_whitespace().collect();
        expect.sort_unstable();
        out.push(Sample { text, expect });
        rest = &body[end..];
    }
    assert!(!out.is_empty(), "no samples");
    out
}

/// The distinct rule ids a reply yields, sorted.
fn rule_ids<'a>(checker: &'a Checker, text: &'a str, options: &Context) -> Vec<&'a str> {
    let report = checker.check_with(text, options);
    let mut ids: Vec<&str> = report.findings().iter().map(|f| f.rule_id()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Panics unless every sample yields exactly its expected rule ids.
fn verify(checker: &Checker, what: &str, samples: &[Sample], options: &Context) {
    for (i, s) in samples.iter().enumerate() {
        let got = rule_ids(checker, s.text, options);
        assert_eq!(
            got, s.expect,
            "{what} sample {i} gives the wrong rule ids; the benchmark would time a broken \
             checker (update benches/data/ only if the pack changed on purpose):\n{}",
            s.text
        );
    }
}

/// One pass over a set of replies, the unit of the throughput benchmarks.
fn check_all(checker: &Checker, samples: &[Sample], options: &Context) -> usize {
    samples
        .iter()
        .map(|s| {
            let report = checker.check_with(black_box(s.text), options);
            report.findings().len() + usize::from(report.score())
        })
        .sum()
}

fn build(c: &mut Criterion) {
    // What a freshly built checker finds, before timing the building.
    let checker = Checker::new().expect("the default pack builds");
    assert_eq!(rule_ids(&checker, DRAFT, &Context::default()), DRAFT_EXPECT);
    c.bench_function("build_default_pack", |b| {
        b.iter_with_large_drop(|| Checker::new().expect("the default pack builds"))
    });
}

fn check(c: &mut Criterion) {
    let checker = Checker::new().expect("the default pack builds");
    let email = Context::channel(Channel::Email);
    let social = Context::channel(Channel::Social);

    // A single draft, as an editor would check it on every keystroke pause.
    assert_eq!(rule_ids(&checker, DRAFT, &email), DRAFT_EXPECT);
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: DRAFT.len() as u64,
    });
    group.bench_function("draft_600B", |b| {
        b.iter(|| {
            checker
                .check_with(black_box(DRAFT), &email)
                .findings()
                .len()
        })
    });
    group.finish();

    // Replies per second and MB/s over sets of replies of three sizes.
    let sets = [
        ("tweet", samples(TWEETS), &social),
        ("email", samples(EMAILS), &email),
        ("long_5KB", samples(LONG), &email),
    ];
    let mut group = c.benchmark_group("throughput");
    for (name, set, options) in &sets {
        verify(&checker, name, set, options);
        let bytes: usize = set.iter().map(|s| s.text.len()).sum();
        group.throughput(Throughput::ElementsAndBytes {
            elements: set.len() as u64,
            bytes: bytes as u64,
        });
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| check_all(&checker, set, options))
        });
    }
    group.finish();
}

criterion_group! {
    name = building;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = build
}
criterion_group! {
    name = checking;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = check
}
criterion_main!(building, checking);
