//! Fixes over the shared real corpora (`../shared/corpora/`, read where
//! they lie): every property of `fix_checks` on every reply. Ignored by
//! default (it needs the shared folder); CI runs it with `--ignored`.
//!
//! With `TACTFUL_FIX_DUMP=path`, every finding on the conversations corpus
//! is written there as JSON Lines (its fix applied in context, or its
//! advice), for reading.

mod fix_checks;

use std::io::Write;
use tactful::{Channel, Checker, ReplyInput};

const CORPORA: &[&str] = &[
    "../shared/corpora/twcs_conversations/conversations.jsonl",
    "../shared/corpora/twcs_github_subsets/agent_replies.jsonl",
    "../shared/corpora/ibm_twitter_customer_care/agent_replies.jsonl",
];

/// The line of `text` around `at`.
fn line_at(text: &str, start: usize, end: usize) -> &str {
    let a = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let b = text[end..].find('\n').map_or(text.len(), |i| end + i);
    &text[a..b]
}

#[test]
#[ignore = "reads ../shared/corpora; CI runs it with --ignored"]
fn fixes_on_real_replies() {
    let checker = Checker::new().expect("the default pack compiles");
    let mut dump = std::env::var_os("TACTFUL_FIX_DUMP")
        .map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("dump file")));
    let mut failures = Vec::new();
    let (mut replies, mut fixes, mut advice) = (0usize, 0usize, 0usize);
    for (n, path) in CORPORA.iter().enumerate() {
        let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for line in data.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(input) = serde_json::from_str::<ReplyInput>(line) else {
                continue;
            };
            let context = input.context_or(Channel::Social);
            let report = checker.check_with(&input.text, &context);
            replies += 1;
            let applied = report.fixes();
            fixes += applied.len();
            advice += report.advice_only();
            for p in fix_checks::problems(&checker, &report, &context) {
                failures.push(format!("{path}: {p}"));
            }
            if let (Some(out), 0) = (dump.as_mut(), n) {
                let id = serde_json::to_value(&input.id).unwrap_or_default();
                for f in report.findings() {
                    let span = f.span();
                    let row = match f.fix() {
                        Some(s)
                            if applied
                                .iter()
                                .any(|(r, t)| *r == span && *t == s.text.as_ref()) =>
                        {
                            let before = line_at(&input.text, span.start, span.end);
                            let a = input.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                            let b = input.text[span.end..]
                                .find('\n')
                                .map_or(input.text.len(), |i| span.end + i);
                            let after = format!(
                                "{}{}{}",
                                &input.text[a..span.start],
                                s.text,
                                &input.text[span.end..b]
                            );
                            serde_json::json!({"id": id, "rule": f.rule_id(), "kind": "fix",
                                "matched": f.matched(), "before": before, "after": after})
                        }
                        Some(_) => continue,
                        None => {
                            let Some(s) = f.suggestions().first() else {
                                continue;
                            };
                            serde_json::json!({"id": id, "rule": f.rule_id(), "kind": "advice",
                                "matched": f.matched(), "advice": s.text,
                                "before": line_at(&input.text, span.start, span.end)})
                        }
                    };
                    let _ = writeln!(out, "{row}");
                }
            }
        }
    }
    eprintln!("{replies} replies, {fixes} fixes applied, {advice} findings left as advice");
    for f in failures.iter().take(40) {
        eprintln!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) over the real corpora",
        failures.len()
    );
}
