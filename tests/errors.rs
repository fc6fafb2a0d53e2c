//! Bad packs give errors that name the rule and where it is.

use tactful::{Checker, ErrorKind, Pack};

fn rule(extra: &str) -> String {
    format!(
        r#"
[[rule]]
id = "first-rule"
category = "tone"
severity = "hint"
message = "m"
rationale = "r"
match.kind = "phrases"
match.phrases = ["one phrase"]

[[rule]]
id = "second-rule"
category = "tone"
severity = "hint"
message = "m"
rationale = "r"
{extra}
"#
    )
}

fn compile(text: &str) -> Result<Checker, tactful::Error> {
    let pack = Pack::from_toml_named(text, Some("house.toml"))?;
    Checker::builder().base(pack).build()
}

#[test]
fn unknown_key_names_rule_and_position() {
    let text = rule("match.kind = \"phrases\"\nmatch.phrases = [\"x\"]\ncolour = \"red\"\n");
    let err = compile(&text).expect_err("unknown key must fail");
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.rule(), Some("second-rule"));
    let loc = err.location().expect("a location");
    assert_eq!(loc.line, 19, "{err}");
    assert_eq!(loc.column, 1, "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with("house.toml:19:1: rule `second-rule`:"),
        "{shown}"
    );
    assert!(shown.contains("colour"), "{shown}");
}

#[test]
fn duplicate_id_names_rule_and_position() {
    let text = rule("match.kind = \"phrases\"\nmatch.phrases = [\"x\"]\n")
        .replace("second-rule", "first-rule");
    let err = compile(&text).expect_err("duplicate id must fail");
    assert_eq!(err.kind(), ErrorKind::DuplicateRule);
    assert_eq!(err.rule(), Some("first-rule"));
    let loc = err.location().expect("a location");
    assert_eq!((loc.line, loc.column), (12, 1), "{err}");
}

#[test]
fn broken_regex_names_rule_and_position() {
    let text = rule("match.kind = \"pattern\"\nmatch.patterns = ['(unclosed group']\n");
    let err = compile(&text).expect_err("broken regex must fail");
    assert_eq!(err.kind(), ErrorKind::InvalidPattern);
    assert_eq!(err.rule(), Some("second-rule"));
    let loc = err.location().expect("a location");
    assert_eq!((loc.line, loc.column), (18, 20), "{err}");
    assert!(err.to_string().contains("invalid pattern"), "{err}");
}

#[test]
fn oversized_regex_is_rejected() {
    let text = rule("match.kind = \"pattern\"\nmatch.patterns = ['\\w{1000}\\w{1000}\\w{1000}']\n");
    let err = compile(&text).expect_err("huge regex must fail");
    assert_eq!(err.kind(), ErrorKind::InvalidPattern);
    assert!(err.to_string().contains("too large"), "{err}");
}

#[test]
fn empty_phrase_list_is_rejected() {
    let text = rule("match.kind = \"phrases\"\nmatch.phrases = []\n");
    let err = compile(&text).expect_err("empty phrases must fail");
    assert_eq!(err.kind(), ErrorKind::InvalidRule);
    assert_eq!(err.rule(), Some("second-rule"));
    assert_eq!(err.location().map(|l| l.line), Some(12));
}

#[test]
fn unknown_list_and_unknown_override_are_rejected() {
    let text = rule("match.kind = \"phrases\"\nmatch.phrases = [\"{nobody}\"]\n");
    let err = compile(&text).expect_err("unknown list must fail");
    assert_eq!(err.kind(), ErrorKind::UnknownList);

    let over = Pack::from_toml_named("[rules.no-such-rule]\nenabled = false\n", Some("over.toml"))
        .expect("parses");
    let err = Checker::builder()
        .layer(over)
        .build()
        .expect_err("unknown rule");
    assert_eq!(err.kind(), ErrorKind::UnknownRule);
    assert_eq!(err.rule(), Some("no-such-rule"));
    assert_eq!(err.location().map(|l| l.line), Some(1));
}

#[test]
fn layering_turns_off_changes_and_extends() {
    let over = Pack::from_toml(
        r#"
[lists]
competitors = ["Globex"]

[rules.blunt-no]
enabled = false

[rules.jargon]
severity = "error"
add-phrases = [{ phrase = "SLA", suggest = ["response time"] }]

[[rule]]
id = "stiff"
category = "custom"
severity = "hint"
message = "Too stiff."
rationale = "Write like a person."
suggestions = ["here is"]
match.kind = "phrases"
match.phrases = ["please be advised"]
examples = [{ text = "Please be advised the shop is shut.", fixed = "Here is the shop is shut." }]
"#,
    )
    .expect("parses");
    let checker = Checker::builder().layer(over).build().expect("builds");
    let report =
        checker.check("Absolutely not. Globex is awful. Our SLA is one day. Please be advised.");
    let ids: Vec<&str> = report.findings().iter().map(|f| f.rule_id()).collect();
    assert!(!ids.contains(&"blunt-no"), "{ids:?}");
    // The condition still sees the disabled rule's findings.
    assert!(ids.contains(&"refusal-without-alternative"), "{ids:?}");
    assert!(ids.contains(&"badmouth-competitor"), "{ids:?}");
    assert!(ids.contains(&"stiff"), "{ids:?}");
    let sla = report
        .findings()
        .iter()
        .find(|f| f.matched() == "SLA")
        .expect("SLA flagged");
    assert_eq!(sla.severity(), tactful::Severity::Error);
    assert_eq!(sla.suggestions()[0].text, "response time");
    assert!(checker.check_examples().is_empty());
}

#[test]
fn misspelt_entry_keys_are_rejected() {
    let text =
        rule("match.kind = \"phrases\"\nmatch.phrases = [{ phrase = \"x\", sugest = [\"y\"] }]\n");
    let err = compile(&text).expect_err("a misspelt key must fail");
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.rule(), Some("second-rule"));
}
