//! Properties over arbitrary text: no panics, spans in bounds and on char
//! boundaries, matched text equals the span, findings sorted, and fixes
//! change nothing outside the fixed spans.

use proptest::prelude::*;
use std::sync::OnceLock;
use tactful::{Channel, Checker, Context};

fn checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| Checker::new().expect("the default pack compiles"))
}

/// Pieces that make findings likely, mixed with arbitrary text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("That's not my job".to_owned()),
        Just("No.".to_owned()),
        Just(" NO WAY AT ALL ".to_owned()),
        Just("!!".to_owned()),
        Just("?!".to_owned()),
        Just("\n> quoted\n".to_owned()),
        Just("\nOn Mon, Ana wrote:\n".to_owned()),
        Just("“calm down”".to_owned()),
        Just("&#39;".to_owned()),
        Just("&gt;".to_owned()),
        Just("\nBest,\nMO\n".to_owned()),
        Just(" ^JT".to_owned()),
        Just("I don't know".to_owned()),
        Just("we can't refund".to_owned()),
        Just("ASAP".to_owned()),
        Just("’".to_owned()),
        Just("é".to_owned()),
        Just("\u{FFFC}".to_owned()),
        Just(" https://x.example/rma ".to_owned()),
        "[a-zA-Z ,.!?'\n]{0,40}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|v| v.concat())
}

fn channel() -> impl Strategy<Value = Channel> {
    prop_oneof![
        Just(Channel::Email),
        Just(Channel::Chat),
        Just(Channel::Social)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn findings_are_well_formed(text in text(), channel in channel()) {
        let report = checker().check_with(&text, &Context::channel(channel));
        let mut last = (0, 0);
        for f in report.findings() {
            let span = f.span();
            prop_assert!(span.start <= span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert_eq!(&text[span.clone()], f.matched());
            prop_assert!((span.start, span.end) >= last, "findings out of order");
            last = (span.start, span.end);
            let pos = report.position(f);
            prop_assert!(pos.line >= 1 && pos.column >= 1);
        }
    }

    #[test]
    fn fixes_touch_only_their_spans(text in text()) {
        let report = checker().check(&text);
        let fixes = report.fixes();
        let fixed = report.fixed();
        // Rebuild the fixed text from the untouched gaps and the edits.
        let mut at = 0;
        let mut rebuilt = String::new();
        for (span, new) in &fixes {
            prop_assert!(span.start >= at, "overlapping fixes");
            rebuilt.push_str(&text[at..span.start]);
            rebuilt.push_str(new);
            at = span.end;
        }
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(&rebuilt, &fixed);
        // Every gap survives, in order.
        let mut search = 0;
        let mut at = 0;
        for (span, new) in &fixes {
            let gap = &text[at..span.start];
            let found = fixed[search..].find(gap).map(|p| search + p);
            prop_assert!(found.is_some());
            search = found.unwrap_or(search) + gap.len() + new.len();
            at = span.end;
        }
    }

    #[test]
    fn arbitrary_utf8_never_panics(text in any::<String>()) {
        let report = checker().check(&text);
        let _ = report.fixed();
        let _ = report.score();
    }
}

mod fix_checks;

/// Pieces of draft replies whose fixes are worth checking.
fn draft_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("That's not my job.".to_owned()),
        Just("Sorry, not my problem!".to_owned()),
        Just("No.".to_owned()),
        Just("Nope, we can't refund a used voucher.".to_owned()),
        Just("As I said, the parcel left today.".to_owned()),
        Just("The fee, as I explained before, is waived.".to_owned()),
        Just("Obviously you need to sign in first.".to_owned()),
        Just("You must be really annoyed by all these texts.".to_owned()),
        Just("Oh no, you must be so frustrated!".to_owned()),
        Just("I don't know why the app crashed.".to_owned()),
        Just("Please calm down, the order is safe.".to_owned()),
        Just("Please DO NOT REPLY to this thread.".to_owned()),
        Just("LONGBRIDGE, MANCHESTER, MARBLE ARCH".to_owned()),
        Just("Your parcel is here!!".to_owned()),
        Just("Send us an RMA form by EOD.".to_owned()),
        Just("The issue is on the backend.".to_owned()),
        Just("Kindly send us the receipt.".to_owned()),
        Just("Please be advised, the office is closed.".to_owned()),
        Just("I'm 100% sure it ships today.".to_owned()),
        Just("This will never happen again.".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just(" ".to_owned()),
        Just("Hi Ana,\n\n".to_owned()),
        Just("\nBest,\nMO".to_owned()),
        "[a-z]{1,8}( [a-z]{1,8}){0,4}[.!?]? ",
    ]
}

fn draft() -> impl Strategy<Value = String> {
    prop::collection::vec(draft_piece(), 1..8).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Applying fixes to drafts: nothing changes outside the spans, no
    /// double space, space before punctuation, placeholder, unbalanced
    /// quote or bracket, or sentence starting in lowercase is brought in,
    /// and re-checking finds neither the fixed findings nor new ones.
    #[test]
    fn fixes_read_cleanly(text in draft(), channel in channel()) {
        let context = Context::channel(channel);
        let report = checker().check_with(&text, &context);
        let problems = fix_checks::problems(checker(), &report, &context);
        prop_assert!(problems.is_empty(), "{:?}: {:?}", text, problems);
    }

    /// The same on arbitrary text: the edits stay in their spans and bring
    /// in no placeholder (the reading properties need real sentences).
    #[test]
    fn fixes_on_arbitrary_text_keep_their_place(text in text()) {
        let context = Context::default();
        let report = checker().check_with(&text, &context);
        let problems = fix_checks::problems(checker(), &report, &context);
        let structural: Vec<_> = problems
            .iter()
            .filter(|p| p.starts_with("overlapping") || p.starts_with("fixed text") || p.starts_with("placeholder"))
            .collect();
        prop_assert!(structural.is_empty(), "{:?}: {:?}", text, structural);
    }
}
