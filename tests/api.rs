//! The public surface: auto traits, spans, positions, fixes, scores, and
//! named false-positive regressions.

use tactful::{Channel, Checker, Context, Edit, Finding, OwnedFinding, Pack, Report, Severity};

fn checker() -> Checker {
    Checker::new().expect("the default pack compiles")
}

fn ids<'a>(report: &'a Report<'_>) -> Vec<&'a str> {
    report.findings().iter().map(Finding::rule_id).collect()
}

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    fn assert_auto<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    assert_auto::<Checker>();
    assert_auto::<Report<'static>>();
    assert_auto::<Finding<'static>>();
    assert_auto::<OwnedFinding>();
    assert_auto::<Pack>();
    assert_auto::<tactful::Error>();
}

#[test]
fn one_checker_serves_many_threads() {
    let checker = checker();
    let texts = ["That's not my job.", "Calm down!!", "Thanks, all sorted."];
    let expected: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            ids(&checker.check(t))
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
        .collect();
    std::thread::scope(|s| {
        for _ in 0..4 {
            let c = checker.clone();
            let expected = &expected;
            s.spawn(move || {
                for _ in 0..50 {
                    for (t, want) in texts.iter().zip(expected) {
                        let got: Vec<String> =
                            ids(&c.check(t)).iter().map(|s| s.to_string()).collect();
                        assert_eq!(&got, want);
                    }
                }
            });
        }
    });
}

#[test]
fn spans_point_at_original_bytes() {
    let text = "Hi Ana,\n\nthat&#39;s   not my\njob.";
    let c = checker();
    let report = c.check(text);
    let f = report
        .findings()
        .iter()
        .find(|f| f.rule_id() == "not-my-job")
        .expect("flagged through the character reference and line break");
    assert_eq!(f.matched(), "that&#39;s   not my\njob");
    let pos = report.position(f);
    assert_eq!((pos.line, pos.column), (3, 1));
    assert_eq!(f.severity(), Severity::Error);
}

#[test]
fn positions_count_chars_and_utf16() {
    let text = "Café ☕ – I promise it ships today.";
    let c = checker();
    let report = c.check(text);
    let f = &report.findings()[0];
    assert_eq!(f.rule_id(), "overpromise");
    let pos = report.position(f);
    assert_eq!(pos.column, 10);
    assert_eq!(pos.utf16_start, 9);
    assert_eq!(pos.utf16_end - pos.utf16_start, "I promise".len());
}

#[test]
fn suggestions_match_case_and_say_what_they_do() {
    let c = checker();
    let report = c.check("That's not my job. Honestly, that's not my problem.");
    let own: Vec<_> = report
        .findings()
        .iter()
        .filter(|f| f.rule_id() == "not-my-job")
        .collect();
    let s: Vec<&str> = own
        .iter()
        .map(|f| f.suggestions()[0].text.as_ref())
        .collect();
    assert_eq!(
        s,
        [
            "Let me find the right person to help with this",
            "Let me find the right person to help with this"
        ]
    );
    // The second replaces its whole sentence, "Honestly," included.
    assert_eq!(own[1].matched(), "Honestly, that's not my problem");
    assert!(own.iter().all(|f| f.suggestions()[0].edit == Edit::Replace));
    assert!(own.iter().all(|f| f.suggestions()[0].is_fix()));
    let report = c.check("Your order is late. It comes Monday.");
    let greeting = report
        .findings()
        .iter()
        .find(|f| f.rule_id() == "missing-greeting")
        .expect("no greeting");
    assert_eq!(greeting.span(), 0..0);
    assert_eq!(greeting.suggestions()[0].edit, Edit::Insert);
}

#[test]
fn fixes_give_a_courteous_draft() {
    let text = "As I said, the RMA is attached!!";
    let c = checker();
    let report = c.check(text);
    let fixed = report.fixed();
    assert_eq!(fixed, "To recap, the return authorisation is attached!");
    assert!(c.check(&fixed).is_clean());
}

#[test]
fn score_weighs_severities() {
    let c = checker();
    assert_eq!(c.check("Thanks, that's all done.").score(), 100);
    // One error (25) and one hint (3).
    let r = c.check("Calm down, the ETA is noon.");
    assert_eq!(ids(&r), ["dismissive", "jargon"]);
    assert_eq!(r.score(), 72);
}

#[test]
fn structure_rules_judge_email_only() {
    let c = checker();
    let text = "Your refund went through. It shows in 3 days.";
    let email = c.check(text);
    assert!(ids(&email).contains(&"missing-greeting"));
    for channel in [Channel::Chat, Channel::Social] {
        let r = c.check_with(text, &Context::channel(channel));
        assert!(r.is_clean(), "{channel:?}: {:?}", ids(&r));
    }
}

#[test]
fn findings_are_deterministic_and_sorted() {
    let c = checker();
    let text = "NO, WE CANNOT DO THAT!! Calm down. I don't know. Per my last email, ASAP.";
    let a = c.check(text);
    let b = c.check(text);
    assert_eq!(a, b);
    let spans: Vec<_> = a
        .findings()
        .iter()
        .map(|f| (f.span().start, f.span().end))
        .collect();
    let mut sorted = spans.clone();
    sorted.sort();
    assert_eq!(spans, sorted);
}

#[test]
fn empty_and_odd_input() {
    let c = checker();
    for t in [
        "",
        " ",
        "\n\n",
        "!!",
        "&#99999999;",
        "&",
        "“",
        "> only quoted",
        "\u{FFFC}",
    ] {
        let r = c.check(t);
        for f in r.findings() {
            assert_eq!(&t[f.span()], f.matched());
        }
    }
}

#[test]
fn literal_phrases_are_exported() {
    let c = checker();
    let phrases = c.literal_phrases();
    assert!(phrases.contains(&"that is not my job"));
    assert!(
        !phrases.contains(&"that's not my job"),
        "one spelling per contraction"
    );
    assert!(phrases.contains(&"calm down"));
}

// False-positive regressions: each sentence once broke a rule.

#[test]
fn regression_quoted_history_is_not_the_agents() {
    let text = "Hi Lou,\n\nAll fixed now. Let me know if not.\n\nThanks,\nMo\n\nOn Tue, 4 Jun 2024, Lou Reed <lou@example.com> wrote:\n> CALM DOWN?? THIS IS NOT MY PROBLEM!!";
    let c = checker();
    let r = c.check(text);
    assert!(r.is_clean(), "{:?}", ids(&r));
}

#[test]
fn regression_signature_capitals_are_not_shouting() {
    let text = "Hi Jo,\n\nThanks for waiting. The part ships today, let me know if it doesn't.\n\nKind regards,\nJOHN SMITH\nNORTHERN GAS SERVICES";
    let c = checker();
    assert!(c.check(text).is_clean());
}

#[test]
fn regression_initials_tag_is_not_a_refusal() {
    let text = "@sam Sorry for the wait! Your refund is on its way. ^NO";
    let c = checker();
    let r = c.check_with(text, &Context::channel(Channel::Social));
    assert!(r.is_clean(), "{:?}", ids(&r));
}

#[test]
fn regression_text_without_case_is_not_shouting() {
    let c = checker();
    let r = c.check_with(
        "ご注文の商品は明日届きます。",
        &Context::channel(Channel::Social),
    );
    assert!(r.is_clean(), "{:?}", ids(&r));
}

#[test]
fn regression_leading_handle_does_not_hide_a_bare_no() {
    let c = checker();
    let r = c.check_with(
        "@ana_k Nope. The sale ended.",
        &Context::channel(Channel::Social),
    );
    assert!(ids(&r).contains(&"blunt-no"), "{:?}", ids(&r));
}

#[test]
fn regression_sentence_case_keeps_links() {
    let c = checker();
    let r = c.check("READ IT AT https://example.com/AbC9 TODAY PLEASE");
    let f = r
        .findings()
        .iter()
        .find(|f| f.rule_id() == "shouting")
        .expect("shouting");
    assert!(f.suggestions()[0].text.contains("https://example.com/AbC9"));
}

#[test]
fn regression_jargon_needs_capitals_or_a_whole_word() {
    let c = checker();
    for t in [
        "Ooo, that looks lovely.",
        "Our how-tos cover this.",
        "Corn on the cob is back.",
    ] {
        let r = c.check(t);
        assert!(!ids(&r).contains(&"jargon"), "{t}: {:?}", ids(&r));
    }
    assert!(ids(&c.check("Jo is OOO today.")).contains(&"jargon"));
}

#[test]
fn regression_conditional_and_past_cant_are_not_refusals() {
    let c = checker();
    for t in [
        "I'll see if we can't help with the fee.",
        "We couldn't have launched it without you.",
        "If we can't repair it, we'll replace it.",
    ] {
        let r = c.check(t);
        assert!(
            !ids(&r).contains(&"refusal-without-alternative"),
            "{t}: {:?}",
            ids(&r)
        );
    }
}

#[test]
fn regression_third_party_policy_is_not_a_shield() {
    let c = checker();
    let r = c.check("Our policy prohibits resellers from listing fake goods.");
    assert!(!ids(&r).contains(&"policy-shield"), "{:?}", ids(&r));
}

#[test]
fn an_insertion_survives_a_fix_at_the_same_offset() {
    let c = checker();
    let r = c.check("Calm down. The refund is on its way.");
    let fixed = r.fixed();
    assert!(fixed.starts_with("Hi there,"), "{fixed}");
    assert!(!fixed.contains("Calm down"), "{fixed}");
}

#[test]
fn regression_titles_and_caseless_text_are_not_offences() {
    let c = checker();
    let social = Context::channel(Channel::Social);
    for t in [
        "Have you heard the song Please Calm Down by the Riverside Band?",
        "PCサイトからログインしてください。^HM",
        "We do not sell your details to anyone.",
        "If you're sure, I can not assist you with anything else?",
    ] {
        let r = c.check_with(t, &social);
        assert!(r.is_clean(), "{t}: {:?}", ids(&r));
    }
    let r = c.check_with("Really!? Charged twice?!", &social);
    let f: Vec<_> = r
        .findings()
        .iter()
        .map(|f| f.suggestions()[0].text.as_ref())
        .collect();
    assert_eq!(f, ["?", "?"]);
}

#[test]
fn regression_unclosed_quotes_on_a_long_line_stay_linear() {
    // Thousands of unclosed quotes on one line used to make every quote
    // search the rest of the line. The check must finish and find the
    // offence after them.
    let c = checker();
    let mut text = "He said \"hello and ".repeat(20_000);
    text.push_str("that's not my job.");
    let r = c.check_with(&text, &Context::channel(Channel::Chat));
    assert!(ids(&r).contains(&"not-my-job"));
}

#[test]
fn owned_report_serialises_to_the_batch_contract_and_back() {
    let c = checker();
    let text = "Hi 😀 Ana,\nNo. That's not my job.";
    let report = c.check(text);
    let owned = report
        .to_owned_report_fixed()
        .with_id(Some(tactful::ReplyId::Text("t-1".into())));
    let json = serde_json::to_value(&owned).expect("serialises");
    assert_eq!(json["id"], "t-1");
    assert_eq!(json["score"], u64::from(report.score()));
    assert_eq!(json["fixed"], report.fixed());
    let keys: Vec<&str> = json["findings"][0]
        .as_object()
        .expect("a finding is an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "rule",
        "category",
        "severity",
        "start",
        "end",
        "line",
        "column",
        "utf16_start",
        "utf16_end",
        "matched",
        "message",
        "suggestions",
        "fix",
        "advice",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    let not_my_job = owned
        .findings
        .iter()
        .find(|f| f.rule == "not-my-job")
        .expect("not-my-job found");
    // The emoji is one character, two UTF-16 code units and four bytes.
    let start = text.find("That").expect("in the text");
    assert_eq!(not_my_job.start, start);
    assert_eq!((not_my_job.line, not_my_job.column), (2, 5));
    let utf16 = text[..start].encode_utf16().count();
    assert_eq!(not_my_job.utf16_start, utf16);
    assert_eq!(
        not_my_job.utf16_end,
        utf16 + not_my_job.matched.encode_utf16().count()
    );
    assert_eq!(not_my_job.fix.as_ref(), not_my_job.suggestions.first());
    let back: tactful::OwnedReport = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, owned);
    // Without an id or fixed text, neither key is written.
    let bare = serde_json::to_value(report.to_owned_report()).expect("serialises");
    assert!(bare.get("id").is_none() && bare.get("fixed").is_none());
    let numbered = report
        .to_owned_report()
        .with_id(Some(tactful::ReplyId::Integer(17)));
    assert_eq!(
        serde_json::to_value(numbered).expect("serialises")["id"],
        17
    );
}

#[test]
fn owned_report_outlives_the_draft() {
    fn handle(checker: &Checker, body: String) -> tactful::OwnedReport {
        checker.check(&body).to_owned_report()
    }
    let owned = handle(&checker(), String::from("Calm down."));
    assert_eq!(owned.findings[0].rule, "dismissive");
}

#[test]
fn rules_are_selected_per_check() {
    let c = checker();
    let text = "Calm down, that's not my job. Our ETA is Friday.";
    let all = c.check_with(text, &Context::channel(Channel::Chat));
    assert_eq!(ids(&all), ["dismissive", "not-my-job", "jargon"]);
    let no_jargon = Context::channel(Channel::Chat).disable_category(tactful::Category::Clarity);
    assert_eq!(
        ids(&c.check_with(text, &no_jargon)),
        ["dismissive", "not-my-job"]
    );
    let only = Context::channel(Channel::Chat)
        .enable_rule("jargon")
        .enabled_only(true);
    assert_eq!(ids(&c.check_with(text, &only)), ["jargon"]);
    let without = Context::channel(Channel::Chat).disable_rule("dismissive");
    assert_eq!(ids(&c.check_with(text, &without)), ["not-my-job", "jargon"]);
    // A rule the pack turns off can be turned on for one check.
    let off = Pack::from_toml("[rules.jargon]\nenabled = false").expect("parses");
    let quiet = Checker::builder().layer(off).build().expect("builds");
    assert_eq!(
        ids(&quiet.check_with(text, &Context::channel(Channel::Chat))),
        ["dismissive", "not-my-job"]
    );
    let back_on = Context::channel(Channel::Chat).enable_rule("jargon");
    assert_eq!(
        ids(&quiet.check_with(text, &back_on)),
        ["dismissive", "not-my-job", "jargon"]
    );
}

#[test]
fn rule_metadata_by_id() {
    let c = checker();
    let rule = c.rule("blunt-no").expect("in the default pack");
    assert_eq!(rule.category, tactful::Category::Refusal);
    assert!(!rule.message.is_empty());
    assert!(c.rule("no-such-rule").is_none());
}

#[test]
fn errors_keep_their_source() {
    use std::error::Error as _;
    let syntax = Pack::from_toml("[settings\n").expect_err("not TOML");
    assert!(syntax.source().is_some(), "a TOML error keeps the parser's");
    let missing = Pack::from_path("/nonexistent/pack.toml").expect_err("no such file");
    let io = missing.source().expect("an I/O error keeps the OS's");
    assert!(io.downcast_ref::<std::io::Error>().is_some());
}

#[test]
fn batch_input_lines_carry_the_conversation() {
    use tactful::{ReplyInput, Role, Timestamp};
    let line = r#"{"id": "t-2", "text": "Please DM us.", "channel": "social", "team": "north",
        "customer": "my parcel never arrived!!", "history": [{"role": "agent", "text": "Hi!"}],
        "received_at": "2026-11-02T09:14:00Z", "sent_at": "2026-11-03T15:40:00Z"}"#;
    let input: ReplyInput = serde_json::from_str(line).expect("a valid line");
    assert_eq!(input.id, Some(tactful::ReplyId::Text("t-2".into())));
    let ctx = input.context();
    assert_eq!(ctx.channel, Channel::Social);
    assert_eq!(ctx.customer, Some("my parcel never arrived!!"));
    assert_eq!(ctx.history[0].role, Role::Agent);
    assert_eq!(
        ctx.received_at,
        Some(Timestamp::parse("2026-11-02T09:14:00Z").expect("RFC 3339"))
    );
    assert_eq!(ctx.response_seconds(), Some(30 * 3600 + 26 * 60));
    for (bad, says) in [
        (r#"{"text": 5}"#, "invalid type"),
        (r#"{"text": "x", "channel": "fax"}"#, "unknown variant"),
        (r#"{"text": "x", "sent_at": "yesterday"}"#, "RFC 3339"),
        (r#"{"text": "x", "history": "hello"}"#, "invalid type"),
        (
            r#"{"text": "x", "history": [{"role": "bot", "text": "x"}]}"#,
            "unknown role",
        ),
        (r#"{"id": 1}"#, "missing field `text`"),
    ] {
        let err = serde_json::from_str::<ReplyInput>(bad).expect_err(bad);
        assert!(err.to_string().contains(says), "{bad}: {err}");
    }
}
