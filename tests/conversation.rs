//! The conversation features of the pack format (a rule's `conversation`
//! table, the `delay` kind) and the default pack's conversation rules.

use tactful::{Channel, Checker, Context, ErrorKind, Pack, Role, Timestamp};

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("a valid timestamp")
}

fn ids(checker: &Checker, text: &str, ctx: &Context<'_>) -> Vec<String> {
    checker
        .check_with(text, ctx)
        .findings()
        .iter()
        .map(|f| f.rule_id().to_owned())
        .collect()
}

/// A pack of one rule, on its own (no default pack underneath).
fn only(rule: &str) -> Result<Checker, tactful::Error> {
    let pack = Pack::from_toml_named(rule, Some("house.toml"))?;
    Checker::builder().base(pack).build()
}

const ASK_ABOUT_REFUND: &str = r#"
[[rule]]
id = "refund-unanswered"
category = "custom"
severity = "hint"
message = "The customer asked about a refund; say what happens to it."
rationale = "Answer what was asked."
suggestions = ["Your refund is on its way. "]
match.kind = "requirement"
match.phrases = ["refund", "refunded"]
conversation.customer = { phrases = ["refund"], words = ["money back"], capitals = { min-run = 2 } }
conversation.unless-customer = { phrases = ["got my refund"] }
conversation.earlier-agent = { phrases = ["refund"] }
conversation.fix-after = ["hi", "hello"]
"#;

#[test]
fn a_gate_reads_the_customers_message() {
    let checker = only(ASK_ABOUT_REFUND).expect("the pack builds");
    let reply = "Hi Ana! Your order shipped today.";
    // No customer's message: silent.
    assert!(ids(&checker, reply, &Context::default()).is_empty());
    // The customer asks about the refund: flagged, after the greeting.
    let ctx = Context::default().customer("Where is my refund?");
    let report = checker.check_with(reply, &ctx);
    assert_eq!(report.findings().len(), 1);
    let f = &report.findings()[0];
    assert_eq!(f.span(), 8..8, "the insertion point follows the greeting");
    assert_eq!(
        report.fixed(),
        "Hi Ana! Your refund is on its way. Your order shipped today."
    );
    // Word patterns and capitals read the customer's message too.
    for customer in ["I want my money back", "WHERE IS IT"] {
        let ctx = Context::default().customer(customer);
        assert_eq!(
            ids(&checker, reply, &ctx),
            ["refund-unanswered"],
            "{customer}"
        );
    }
    // Nothing about a refund, or the customer says it came: silent.
    for customer in [
        "Thanks, all good",
        "I got my refund, thanks! Where is my order?",
    ] {
        let ctx = Context::default().customer(customer);
        assert!(ids(&checker, reply, &ctx).is_empty(), "{customer}");
    }
    // The reply answers: silent.
    let ctx = Context::default().customer("Where is my refund?");
    assert!(ids(&checker, "Your refund went out today.", &ctx).is_empty());
    // An earlier agent turn answered: silent.
    let ctx = Context::default()
        .customer("ok, and the order?")
        .turn(Role::Customer, "Where is my refund?")
        .turn(Role::Agent, "The refund went out today.");
    assert!(ids(&checker, reply, &ctx).is_empty());
}

#[test]
fn earlier_customer_turns_count_only_when_asked() {
    let pack = ASK_ABOUT_REFUND.replace(
        "conversation.fix-after",
        "conversation.earlier-customer-turns = true\nconversation.fix-after",
    );
    let checker = only(&pack).expect("the pack builds");
    let ctx = Context::default()
        .customer("ok")
        .turn(Role::Customer, "Where is my refund?");
    assert_eq!(ids(&checker, "Thanks.", &ctx), ["refund-unanswered"]);
    let plain = only(ASK_ABOUT_REFUND).expect("the pack builds");
    assert!(ids(&plain, "Thanks.", &ctx).is_empty());
}

#[test]
fn the_customers_words_are_never_flagged() {
    let checker = Checker::new().expect("the default pack builds");
    let customer = "THAT'S NOT MY JOB to chase you!! My parcel never arrived";
    let reply = "Please DM us.";
    let ctx = Context::channel(Channel::Social).customer(customer);
    let report = checker.check_with(reply, &ctx);
    assert!(!report.findings().is_empty());
    for f in report.findings() {
        assert!(f.span().end <= reply.len(), "{}", f.rule_id());
        assert_ne!(f.rule_id(), "not-my-job");
        assert_ne!(f.rule_id(), "shouting");
    }
}

#[test]
fn questions_that_only_wonder_report_no_problem() {
    let checker = Checker::new().expect("the default pack builds");
    let reply = "Hi! Flights run as planned today.";
    let ctx = |c| Context::channel(Channel::Social).customer(c);
    assert!(!ids(&checker, reply, &ctx("Will my flight get cancelled?"))
        .contains(&"missing-apology".to_owned()));
    assert!(ids(&checker, reply, &ctx("My flight got cancelled."))
        .contains(&"missing-apology".to_owned()));
}

const SHARED: &str = r#"
[[rule]]
id = "only-redirects"
category = "attention"
severity = "hint"
message = "The reply only sends the customer elsewhere."
rationale = "Refer to the customer's situation."
channels = ["social"]
match.kind = "phrases"
match.phrases = ["DM us"]
conversation.unless-shared-words = { stop-words = ["the", "my", "your", "please", "{generic}"], min-length = 3 }

[lists]
generic = ["help", "thanks"]
"#;

#[test]
fn shared_content_words_keep_a_rule_quiet() {
    let checker = only(SHARED).expect("the pack builds");
    let social = || Context::channel(Channel::Social);
    // Without the customer's message the rule judges the reply alone.
    assert_eq!(
        ids(&checker, "Please DM us.", &social()),
        ["only-redirects"]
    );
    let ctx = social().customer("@brand my parcels never arrived, please help");
    assert_eq!(ids(&checker, "Please DM us.", &ctx), ["only-redirects"]);
    // A word of the customer's situation in the reply (any short ending).
    assert!(ids(&checker, "DM us about the parcel.", &ctx).is_empty());
    // Stop words, @handles and short words are not the situation.
    let ctx = social().customer("@brand please help me with the thing");
    assert_eq!(
        ids(&checker, "@brand Please help, DM us.", &ctx),
        ["only-redirects"]
    );
}

const LATE: &str = r#"
[[rule]]
id = "slow"
category = "attention"
severity = "warning"
message = "Sent {delay} after the customer wrote (limit {limit})."
rationale = "Be on time."
suggestions = ["Sorry for the wait. "]
match.kind = "delay"
match.more-than = "24h"
match.by-channel = { chat = "10m" }
match.acknowledged = ["thanks for waiting"]
match.fix-after = ["hello"]
"#;

#[test]
fn the_delay_kind_measures_the_reply() {
    let checker = only(LATE).expect("the pack builds");
    let sent = |channel, received: &str, sent: &str| {
        Context::channel(channel)
            .received_at(at(received))
            .sent_at(at(sent))
    };
    let text = "Hello! It's done.";
    let late = sent(
        Channel::Email,
        "2026-11-02T09:00:00Z",
        "2026-11-03T15:00:00Z",
    );
    let report = checker.check_with(text, &late);
    assert_eq!(report.findings().len(), 1);
    let f = &report.findings()[0];
    assert_eq!(
        f.message(),
        "Sent 30 hours after the customer wrote (limit 24 hours)."
    );
    assert_eq!(f.span(), 7..7);
    assert_eq!(report.fixed(), "Hello! Sorry for the wait. It's done.");
    let owned = report.to_owned_report();
    assert_eq!(owned.findings[0].message, f.message());
    // Exactly the limit is not late; one second more is.
    let edge = sent(
        Channel::Email,
        "2026-11-02T09:00:00Z",
        "2026-11-03T09:00:00Z",
    );
    assert!(ids(&checker, text, &edge).is_empty());
    let over = sent(
        Channel::Email,
        "2026-11-02T09:00:00Z",
        "2026-11-03T09:00:01Z",
    );
    assert_eq!(ids(&checker, text, &over), ["slow"]);
    // Per channel.
    let chat = sent(
        Channel::Chat,
        "2026-11-02T09:00:00Z",
        "2026-11-02T09:11:00Z",
    );
    let report = checker.check_with(text, &chat);
    assert_eq!(
        report.findings()[0].message(),
        "Sent 11 minutes after the customer wrote (limit 10 minutes)."
    );
    // Acknowledged: flagged, without a fix.
    let report = checker.check_with("Thanks for waiting! It's done.", &late);
    assert_eq!(report.findings().len(), 1);
    assert!(report.findings()[0].suggestions().is_empty());
    // Without both times: silent.
    let half = Context::default().received_at(at("2026-11-02T09:00:00Z"));
    assert!(ids(&checker, text, &half).is_empty());
}

fn build_error(pack: &str) -> tactful::Error {
    match only(pack) {
        Ok(_) => panic!("the pack should not build:\n{pack}"),
        Err(e) => e,
    }
}

#[test]
fn bad_conversation_fields_are_errors_that_say_where() {
    let e = build_error(&LATE.replace("\"24h\"", "\"a day\""));
    assert_eq!(e.kind(), ErrorKind::InvalidRule);
    assert_eq!(e.rule(), Some("slow"));
    assert!(e.message().contains("`a day` is not a duration"), "{e}");
    let loc = e.location().expect("a location");
    assert_eq!((loc.line, loc.column), (10, 20), "{e}");
    assert!(
        e.to_string().starts_with("house.toml:10:20: rule `slow`"),
        "{e}"
    );

    let e = build_error(&LATE.replace("(limit {limit})", "({minutes})"));
    assert!(
        e.message().contains("unknown placeholder `{minutes}`"),
        "{e}"
    );
    assert_eq!(e.location().map(|l| l.line), Some(6), "{e}");

    let e = build_error(&SHARED.replace(
        "The reply only sends the customer elsewhere.",
        "Late by {delay}.",
    ));
    assert_eq!(e.rule(), Some("only-redirects"));
    assert!(e.message().contains("unknown placeholder `{delay}`"), "{e}");

    let e = build_error(&ASK_ABOUT_REFUND.replace(
        "conversation.customer = { phrases = [\"refund\"], words = [\"money back\"], capitals = { min-run = 2 } }",
        "conversation.earlier-customer-turns = true",
    ).replace("conversation.unless-customer = { phrases = [\"got my refund\"] }\n", ""));
    assert_eq!(e.rule(), Some("refund-unanswered"));
    assert!(e.message().contains("needs conversation.customer"), "{e}");
    assert_eq!(e.location().map(|l| l.line), Some(11), "{e}");

    let e = build_error(&ASK_ABOUT_REFUND.replace(
        "conversation.earlier-agent = { phrases = [\"refund\"] }",
        "conversation.earlier-agent = {}",
    ));
    assert!(
        e.message().contains("conversation.earlier-agent needs"),
        "{e}"
    );

    let e = build_error(&SHARED.replace("\"{generic}\"", "\"thank you\""));
    assert_eq!(e.kind(), ErrorKind::InvalidPhrase);
    assert!(e.message().contains("more than one word"), "{e}");

    let e = build_error(&SHARED.replace("{generic}", "{nowhere}"));
    assert_eq!(e.kind(), ErrorKind::UnknownList);

    let e = build_error(&format!(
        "{LATE}examples = [{{ text = \"Done.\", received-at = \"yesterday\", sent-at = \"2026-11-03T09:00:00Z\" }}]\n"
    ));
    assert!(e.message().contains("RFC 3339"), "{e}");
    assert_eq!(e.location().map(|l| l.line), Some(14), "{e}");

    // Unknown keys are syntax errors naming the rule.
    let e = build_error(&LATE.replace("match.more-than", "match.longer-than"));
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(e.rule(), Some("slow"));
}

#[test]
fn examples_can_carry_a_conversation() {
    let pack = format!(
        "{ASK_ABOUT_REFUND}examples = [{{ text = \"Hi! It shipped.\", customer = \"refund?\", fixed = \"Hi! Your refund is on its way. It shipped.\" }}]\n\
         counterexamples = [\"It shipped.\", {{ text = \"It shipped.\", customer = \"thanks!\" }}, \
         {{ text = \"It shipped.\", customer = \"refund?\", history = [{{ role = \"agent\", text = \"Your refund is done.\" }}] }}]\n"
    );
    let checker = only(&pack).expect("the pack builds");
    assert_eq!(checker.check_examples(), []);
    // A counterexample that does not hold is reported.
    let broken = pack.replace("customer = \"thanks!\"", "customer = \"refund!\"");
    let checker = only(&broken).expect("the pack builds");
    let failures = checker.check_examples();
    assert_eq!(failures.len(), 1, "{failures:?}");
}

/// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SSZ`, counted day by day (a
/// different reckoning from the library's).
fn unix_seconds(s: &str) -> i64 {
    let n = |a: usize, b: usize| -> i64 { s[a..b].parse().expect("digits") };
    assert!(s.len() == 20 && s.ends_with('Z'), "{s}");
    let (year, month, day) = (n(0, 4), n(5, 7), n(8, 10));
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = 0;
    for y in 1970..year {
        days += if leap(y) { 366 } else { 365 };
    }
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for m in 1..month {
        days += lengths[(m - 1) as usize] + i64::from(m == 2 && leap(year));
    }
    days += day - 1;
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

/// Every reply of the real conversations corpus: `late-reply` fires
/// exactly when the reply was sent more than 24 hours after the customer
/// wrote, and says how late. Reads `../shared/corpora/` (not part of the
/// crate); run with `--ignored`.
#[test]
#[ignore = "reads the shared conversations corpus"]
fn late_reply_agrees_with_the_timestamps_of_real_conversations() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/twcs_conversations/conversations.jsonl"
    );
    let corpus = std::fs::read_to_string(path).expect("the conversations corpus");
    let checker = Checker::new().expect("the default pack builds");
    let (mut timed, mut late, mut disagree) = (0, 0, Vec::new());
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let input: tactful::ReplyInput = serde_json::from_str(line).expect("a reply line");
        let report = checker.check_with(&input.text, &input.context());
        let finding = report
            .findings()
            .iter()
            .find(|f| f.rule_id() == "late-reply");
        let times = (v["received_at"].as_str(), v["sent_at"].as_str());
        let expected = match times {
            (Some(r), Some(s)) => {
                timed += 1;
                let delay = unix_seconds(s) - unix_seconds(r);
                let is_late = delay > 24 * 3600;
                late += usize::from(is_late);
                is_late.then_some(delay)
            }
            _ => None,
        };
        let ok = match (expected, finding) {
            (None, None) => true,
            (Some(delay), Some(f)) => {
                let hours = delay / 3600;
                let said = if hours < 72 {
                    format!("Sent {hours} hours")
                } else {
                    format!("Sent {} day", delay / 86_400)
                };
                f.message().starts_with(&said) && f.span().is_empty()
            }
            _ => false,
        };
        if !ok {
            disagree.push(v["id"].to_string());
        }
    }
    eprintln!("{timed} timed replies, {late} late; disagreements: {disagree:?}");
    assert!(timed > 10_000, "the corpus has 11,012 timed replies");
    assert!(late > 300, "about 3.4% are late");
    assert!(disagree.is_empty(), "{} disagree", disagree.len());
}
