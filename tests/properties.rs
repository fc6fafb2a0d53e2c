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
