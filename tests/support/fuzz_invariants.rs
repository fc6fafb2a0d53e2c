//! What must hold for any input: shared by the fuzz targets in `fuzz/`
//! and by `tests/fuzz_regressions.rs`, which replays the inputs the
//! fuzzer once failed on. Every check panics when it does not hold.

use std::sync::OnceLock;
use tactful::{Channel, CheckOptions, Checker, Pack, Report};

/// The channels every text is checked on.
pub const CHANNELS: [Channel; 3] = [Channel::Email, Channel::Chat, Channel::Social];

/// Replies checked with every pack that compiles.
pub const REPLIES: [&str; 3] = [
    "Calm down, that's not my job. As per our records, Globex is terrible!!",
    "Hi Ana,\n\nI'm sorry about the delay: your refund is on its way.\n\nBest,\nMO\n",
    "> you never answer\nOn Mon, Ana wrote:\n> NO WAY\n\nASAP &#39;fixed&#39; “calm down” é\u{FFFC}",
];

/// The default checker, built once.
pub fn default_checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| Checker::new().expect("the default pack compiles"))
}

/// The default pack, parsed once.
pub fn default_pack() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| Pack::default_pack().expect("the default pack parses"))
}

/// Bytes as the fuzzers read them: valid UTF-8 as is, anything else
/// with U+FFFD for each bad sequence.
pub fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Checks `text` with the default checker on every channel.
pub fn check_text(text: &str) {
    let checker = default_checker();
    for channel in CHANNELS {
        check_report(checker, text, channel);
    }
}

/// Checks one text with one checker on one channel and asserts what must
/// hold of the report; checking again gives the same report.
pub fn check_report(checker: &Checker, text: &str, channel: Channel) {
    let options = CheckOptions::channel(channel);
    let report = checker.check_with(text, &options);
    report_holds(&report, text);
    let again = checker.check_with(text, &options);
    assert_eq!(report, again, "checking twice gave different reports");
}

/// What must hold of any report on `text`.
pub fn report_holds(report: &Report<'_>, text: &str) {
    assert_eq!(report.text(), text);
    let mut last = (0, 0);
    for f in report.findings() {
        let span = f.span();
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} out of bounds (len {})",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on char boundaries"
        );
        assert_eq!(
            &text[span.clone()],
            f.matched(),
            "matched text is not the span"
        );
        assert!((span.start, span.end) >= last, "findings out of order");
        last = (span.start, span.end);
        let pos = report.position(f);
        assert!(pos.line >= 1 && pos.column >= 1, "position {pos:?}");
        assert!(pos.utf16_start <= pos.utf16_end, "position {pos:?}");
        assert_eq!(
            pos.utf16_end - pos.utf16_start,
            text[span.clone()].encode_utf16().count()
        );
        assert!(!f.rule_id().is_empty());
    }
    // The owned findings give the same positions as `Report::position`.
    let owned = report.to_owned_findings();
    assert_eq!(owned.len(), report.findings().len());
    for (o, f) in owned.iter().zip(report.findings()) {
        let pos = report.position(f);
        assert_eq!((o.start, o.end), (f.span().start, f.span().end));
        assert_eq!((o.line, o.column), (pos.line, pos.column), "{o:?}");
        assert_eq!(o.matched, f.matched());
    }
    assert!(report.score() <= 100, "score {}", report.score());
    if report.is_clean() {
        assert_eq!(report.score(), 100);
        assert_eq!(report.max_severity(), None);
    }
    // The fixes are in order, apart, in bounds, and change nothing
    // outside their spans.
    let fixes = report.fixes();
    let fixed = report.fixed();
    let mut at = 0;
    let mut rebuilt = String::with_capacity(fixed.len());
    for (span, new) in &fixes {
        assert!(span.start >= at, "overlapping or unsorted fixes");
        assert!(span.start <= span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        rebuilt.push_str(&text[at..span.start]);
        rebuilt.push_str(new);
        at = span.end;
    }
    rebuilt.push_str(&text[at..]);
    assert_eq!(rebuilt, fixed, "fixed() is not the text with its fixes");
}

/// Parses `source` as a pack; if it parses, compiles it alone and over
/// the default pack, and checks the fixed replies and the pack's own
/// examples with each checker that compiles. Errors are fine; panics are
/// not.
pub fn check_pack(source: &str) {
    let Ok(pack) = Pack::from_toml(source) else {
        return;
    };
    let alone = Checker::from_pack(pack.clone());
    let layered = Checker::builder()
        .base(default_pack().clone())
        .layer(pack)
        .build();
    for checker in [alone, layered].into_iter().flatten() {
        for reply in REPLIES {
            for channel in CHANNELS {
                check_report(&checker, reply, channel);
            }
        }
        for failure in checker.check_examples() {
            assert!(!failure.rule.is_empty());
            let _ = failure.to_string();
        }
    }
}
