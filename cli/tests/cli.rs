//! The `tactful` binary, run as a user runs it: on reply files, on JSON
//! Lines, and its commands. Cargo builds the binary before these tests
//! run (`CARGO_BIN_EXE_tactful`); fixtures are written fresh into a
//! directory of their own under `CARGO_TARGET_TMPDIR`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The repository root, where `examples/replies/` is.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
        .to_path_buf()
}

/// `tactful`, run from the repository root.
fn tactful() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tactful"));
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    cmd
}

/// Runs `tactful` with `args`.
fn check(args: &[&str]) -> Output {
    tactful().args(args).output().expect("run tactful")
}

/// Runs `tactful` with `args` and `input` on standard input.
fn check_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = tactful()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tactful");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait for tactful");
    // A check that stops early (a bad pack) need not read its input.
    match writer.join().expect("writer thread") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write stdin: {e}"),
        _ => {}
    }
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit status")
}

/// A fresh, empty directory for one test's fixtures.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create fixture directory");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path.to_str().expect("UTF-8 path").to_owned()
}

/// The output lines of a `--jsonl` run, parsed.
fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn rule_ids(result: &Value) -> Vec<&str> {
    result["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {result}"))
        .iter()
        .map(|f| f["rule"].as_str().expect("rule id"))
        .collect()
}

const CLEAN: &str = "Hi Sam,\n\nThanks for waiting. Your refund is on its way and should \
reach your card in three to five days. Let me know if there is anything else I can help \
with.\n\nBest,\nKim\n";

const NOT_MY_JOB: &str =
    "Hi Sam,\n\nThat's not my job.\n\nThanks for waiting. Let me know if you need anything else.\n";

const FYI: &str = "Hi Sam,\n\nThanks for waiting. FYI the refund is done and should reach \
your card on Friday.\n\nLet me know if you need anything else.\n\nBest,\nKim\n";

// ---------------------------------------------------------------------------
// Reply files

#[test]
fn sample_replies_give_rustc_style_diagnostics() {
    // Not a terminal: no colour.
    let o = check(&["examples/replies/"]);
    let out = stdout(&o);
    assert!(!out.contains('\x1b'));
    assert_eq!(code(&o), 0, "findings in reply files are no failure\n{out}");
    let failing = check(&["--fail-on", "error", "examples/replies/"]);
    assert_eq!(
        code(&failing),
        1,
        "--fail-on error fails on an error finding"
    );
    let lines: Vec<&str> = out.lines().collect();
    // Every diagnostic: `severity[rule]: message`, ` --> path:line:col`, a
    // gutter, the line, carets under the span.
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            ["error[", "warning[", "hint["]
                .iter()
                .any(|p| lines[i].starts_with(p))
        })
        .collect();
    assert!(heads.len() >= 20, "too few findings:\n{out}");
    for &i in &heads {
        let arrow = lines[i + 1].trim_start();
        let rest = arrow
            .strip_prefix("--> examples/replies/")
            .unwrap_or_else(|| panic!("no --> path after {:?}", lines[i]));
        let mut parts = rest.rsplitn(3, ':');
        let col = parts.next().expect("column");
        let line = parts.next().expect("line");
        assert!(
            col.parse::<usize>().is_ok() && line.parse::<usize>().is_ok(),
            "{arrow}"
        );
        assert_eq!(lines[i + 2].trim(), "|");
        assert!(lines[i + 3].trim_start().starts_with(&format!("{line} | ")));
        assert!(lines[i + 4].trim_end().ends_with('^'), "{}", lines[i + 4]);
    }
    assert!(out.contains("error[not-my-job]: "), "{out}");
    assert!(
        out.contains("examples/replies/09-lost-suitcase.txt:5:"),
        "{out}"
    );
    assert!(out.contains("= help: replace with \""), "{out}");
    let last = lines.last().expect("a closing line");
    assert!(
        last.starts_with("summary: 20 replies checked, "),
        "closing line: {last}"
    );
    assert!(last.contains("error"), "{last}");
    let always = check(&["--color", "always", "examples/replies/"]);
    assert!(stdout(&always).contains("\x1b["));
}

#[test]
fn one_diagnostic_in_full() {
    let dir = scratch("one_diagnostic");
    let path = write(&dir, "reply.txt", NOT_MY_JOB);
    // The same reply from a file and from standard input.
    let o = check_stdin(&["--fail-on", "error", &path, "-"], NOT_MY_JOB);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let caret = format!("  | {}", "^".repeat("That's not my job".len()));
    for (at, name) in [(0, path.as_str()), (lines.len() / 2, "<stdin>")] {
        let lines = &lines[at..];
        assert!(lines[0].starts_with("error[not-my-job]: "), "{out}");
        assert_eq!(lines[1], format!(" --> {name}:3:1"));
        assert_eq!(lines[2], "  |");
        assert_eq!(lines[3], "3 | That's not my job.");
        assert_eq!(lines[4], caret);
        assert!(lines[5].starts_with("  = help: replace with \""), "{out}");
    }
    assert_eq!(
        lines.last().copied(),
        Some("summary: 2 replies checked, 2 findings (2 errors, 0 warnings, 0 hints)")
    );
}

#[test]
fn exit_status_follows_fail_on() {
    let dir = scratch("exit_status");
    let clean = write(&dir, "clean.txt", CLEAN);
    let hint = write(&dir, "hint.txt", FYI);
    let o = check(&[&clean]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).ends_with("summary: 1 reply checked, no findings\n"));
    assert_eq!(code(&check(&[&hint])), 0, "a hint is below --fail-on error");
    assert_eq!(code(&check(&["--fail-on=hint", &hint])), 1);
}

#[test]
fn missing_file_exits_2_and_checks_the_rest() {
    let dir = scratch("missing_file");
    let clean = write(&dir, "clean.txt", CLEAN);
    let missing = dir.join("no-such-reply.txt");
    let missing = missing.to_str().expect("UTF-8 path");
    let o = check(&[missing, &clean]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-reply.txt"), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 reply checked"), "{}", stdout(&o));
}

#[test]
fn invalid_pack_exits_2_with_its_location() {
    let dir = scratch("invalid_pack");
    let clean = write(&dir, "clean.txt", CLEAN);
    let pack = write(
        &dir,
        "house.toml",
        "[rules.jargon]\nseverity = \"warning\"\nsevirity = \"hint\"\n",
    );
    let o = check(&["--rules", &pack, &clean]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("{pack}:3:1")), "{err}");
    assert!(err.contains("sevirity"), "{err}");
    assert!(stdout(&o).is_empty());
    // And in batch mode.
    let o = check_stdin(&["--rules", &pack, "--jsonl", "-"], "{\"text\":\"hi\"}\n");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(&format!("{pack}:3:1")));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(code(&check(&["--no-such-option"])), 2);
    assert_eq!(code(&check(&["--threads", "0", "--jsonl", "-"])), 2);
    assert_eq!(code(&check(&["--channel", "fax", "examples/replies/"])), 2);
    assert_eq!(code(&check(&[])), 2);
    let help = check(&["--help"]);
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("--jsonl"));
}

#[test]
fn chat_files_skip_structure_rules() {
    let dir = scratch("chat_files");
    let text = "Your order has shipped. It should arrive on Monday.\n";
    let email = write(&dir, "reply.txt", text);
    let chat = write(&dir, "reply.chat.txt", text);
    let out = stdout(&check(&[&email, &chat]));
    assert!(out.contains(&format!(" --> {email}:1:1")), "{out}");
    assert!(!out.contains(&format!(" --> {chat}")), "{out}");
}

#[test]
fn fix_prints_the_rewritten_reply_with_a_diff() {
    let dir = scratch("fix");
    let path = write(&dir, "reply.txt", FYI);
    let clean = write(&dir, "clean.txt", CLEAN);
    let o = check(&["--fix", &path, &clean]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("fixed: {path} (1 edit, score 97 → 100)")),
        "{out}"
    );
    let removed = "3 - Thanks for waiting. FYI the refund is done";
    let added = "3 + Thanks for waiting. For your information the refund is done";
    assert!(out.lines().any(|l| l.starts_with(removed)), "{out}");
    assert!(out.lines().any(|l| l.starts_with(added)), "{out}");
    // `~` under the replaced words, context lines around them.
    assert!(out.contains(&format!("  | {}{}\n", " ".repeat(20), "~".repeat(20))));
    assert!(out.contains("1 | Hi Sam,\n"), "{out}");
    // The file itself is left alone.
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FYI);
    // A clean reply has nothing to change.
    assert!(out.contains(&format!("fixed: {clean}: nothing to change")));
}

#[test]
fn write_rewrites_the_file() {
    let dir = scratch("write");
    let path = write(&dir, "reply.txt", FYI);
    let untouched = write(&dir, "clean.txt", CLEAN);
    let o = check(&["--write", &path, &untouched]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("1 file rewritten"), "{}", stdout(&o));
    let fixed = std::fs::read_to_string(&path).expect("read");
    assert_eq!(fixed, FYI.replace("FYI", "For your information"));
    assert_eq!(std::fs::read_to_string(&untouched).expect("read"), CLEAN);
    assert!(stdout(&check(&[&path])).contains("no findings"));
}

#[test]
fn explain_prints_the_rationale() {
    let o = check(&["--explain", "not-my-job"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let pack = tactful::Pack::default_pack().expect("default pack");
    let rule = pack.rule("not-my-job").expect("not-my-job");
    assert!(out.starts_with("not-my-job (ownership, error"), "{out}");
    assert!(out.contains(&format!("Why: {}", rule.rationale)), "{out}");
    assert!(out.contains(&rule.message), "{out}");
    let o = check(&["--explain", "not-my-jb"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `not-my-job`"));
}

#[test]
fn list_rules_and_phrases() {
    let o = check(&["--list-rules"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    let pack = tactful::Pack::default_pack().expect("default pack");
    assert_eq!(rows.len(), pack.rules.len(), "{out}");
    // Which packs are in use goes to stderr.
    assert!(stderr(&o).starts_with("packs: default"), "{}", stderr(&o));
    assert!(out.lines().next().is_some_and(|h| h.starts_with("RULE")));
    assert!(rows.iter().any(|r| r.starts_with("not-my-job ")));
    let o = check(&["--list-phrases"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).lines().any(|l| l == "calm down"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn summary_goes_to_stderr() {
    let dir = scratch("summary");
    let a = write(&dir, "a.txt", NOT_MY_JOB);
    let b = write(&dir, "b.txt", CLEAN);
    let o = check(&["--summary", &a, &b]);
    let err = stderr(&o);
    assert!(err.contains("2 replies checked"), "{err}");
    let row = err
        .lines()
        .find(|l| l.starts_with("not-my-job "))
        .unwrap_or_else(|| panic!("no not-my-job row:\n{err}"));
    // rule, severity, findings, replies, per 1,000 replies
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cols[1..5], ["error", "1", "1", "500.0"], "{row}");
    assert!(!stdout(&o).contains("not-my-job "));

    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"id": 1, "text": "That's not my job."}),
        serde_json::json!({"id": 2, "text": "That's not my job. Honestly, that isn't my department."}),
    );
    let o = check_stdin(&["--summary", "--jsonl", "-"], &input);
    assert_eq!(code(&o), 1, "an error-severity finding exits 1");
    let err = stderr(&o);
    assert!(err.contains("2 replies checked"), "{err}");
    assert!(err.contains("0 malformed lines"), "{err}");
    let row = err
        .lines()
        .find(|l| l.starts_with("not-my-job "))
        .unwrap_or_else(|| panic!("no not-my-job row:\n{err}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cols[1..5], ["error", "3", "2", "1000.0"], "{row}");
}

// ---------------------------------------------------------------------------
// JSON Lines

/// One input that exercises the whole batch contract, line by line.
const CONTRACT: &[&str] = &[
    /* 1 */ r#"{"id": "a", "text": "That's not my job."}"#,
    /* 2 */ r#"{"id": 17, "text": "Your parcel is here!!"}"#,
    /* 3 */ r#"{"id": "c", "text": "No idea"#, // malformed, mid-file
    /* 4 */ r#"{"id": 2.50, "text": "Thanks for waiting."}"#,
    /* 5 */ "",
    /* 6 */ "   \t",
    /* 7 */ r#"{"id": 7, "text": 42}"#,
    /* 8 */ r#"{"id": 8}"#,
    /* 9 */ r#"["text"]"#,
    /* 10 */ r#"{"id": 10, "text": "Fine.", "channel": "fax"}"#,
    /* 11 */
    r#"{"text": "Your order has shipped. It should arrive on Monday.", "id": -3e2}"#,
    /* 12 */
    r#"{"id": "chat", "text": "Your order has shipped. It should arrive on Monday.", "channel": "chat"}"#,
    /* 13 */
    r#"{"id": "email", "text": "Your order has shipped. It should arrive on Monday.", "channel": "email"}"#,
    /* 14 */ r#"{"text": "Fine."}"#,
    /* 15 */ "{\"id\": \"caf\\u00e9 \\\"q\\\"\", \"text\": \"Fine.\", \"extra\": [1, 2]}\r",
    /* 16 */ r#"{"id": "x", "text": "Héllo — ça va?\nCalm down, that's not my job."}"#,
    /* 17 */ "",
];

/// `check --jsonl -` on `CONTRACT`, run once per `--channel` and shared
/// by the tests below: stdout by input line number (blank lines have
/// none), and the exit status.
fn contract(channel: &str) -> &'static (Vec<Option<String>>, i32) {
    static EMAIL: OnceLock<(Vec<Option<String>>, i32)> = OnceLock::new();
    static CHAT: OnceLock<(Vec<Option<String>>, i32)> = OnceLock::new();
    let cell = if channel == "chat" { &CHAT } else { &EMAIL };
    cell.get_or_init(|| {
        let input = CONTRACT.join("\n");
        let o = check_stdin(&["--jsonl", "-", "--channel", channel], &input);
        let out = stdout(&o);
        let mut lines = out.lines();
        let by_input = CONTRACT
            .iter()
            .map(|l| {
                if l.trim().is_empty() {
                    None
                } else {
                    Some(lines.next().expect("an output line").to_owned())
                }
            })
            .collect();
        assert_eq!(lines.next(), None, "more output lines than input lines");
        (by_input, code(&o))
    })
}

/// The output for input line `n` (1-based).
fn result_at(n: usize) -> &'static str {
    contract("email").0[n - 1]
        .as_deref()
        .unwrap_or_else(|| panic!("no output for line {n}"))
}

fn parsed_at(n: usize) -> Value {
    serde_json::from_str(result_at(n)).expect("output is JSON")
}

#[test]
fn jsonl_malformed_line_in_the_middle() {
    assert_eq!(contract("email").1, 2, "a malformed line exits 2");
    let third = result_at(3);
    assert!(
        third.starts_with(r#"{"line":3,"error":"line 3: invalid JSON: "#),
        "{third}"
    );
    assert_eq!(parsed_at(3).as_object().map(|m| m.len()), Some(2));
    // Everything around it is still checked, in order.
    assert_eq!(parsed_at(1)["id"], "a");
    assert_eq!(rule_ids(&parsed_at(1)), ["not-my-job"]);
    assert_eq!(parsed_at(2)["id"], 17);
    assert_eq!(rule_ids(&parsed_at(2)), ["exclamation-overuse"]);
    assert_eq!(result_at(4), r#"{"id":2.5,"findings":[],"score":100}"#);
}

#[test]
fn jsonl_text_must_be_a_string() {
    // Error lines carry the line's id when it has one.
    for (n, id) in [(7, "7,"), (8, "8,"), (9, "")] {
        let id = if id.is_empty() {
            String::new()
        } else {
            format!(r#""id":{id}"#)
        };
        assert_eq!(
            result_at(n),
            format!(r#"{{"line":{n},{id}"error":"line {n}: expected a string field \"text\""}}"#)
        );
    }
    assert!(
        result_at(10).starts_with(r#"{"line":10,"id":10,"error":"line 10: unknown variant `fax`"#),
        "{}",
        result_at(10)
    );
}

#[test]
fn jsonl_wrong_typed_conversation_fields_are_errors_in_place() {
    let input = [
        r#"{"id": "t-1", "text": "Fine.", "received_at": "yesterday"}"#,
        r#"{"id": "t-2", "text": "Fine.", "history": "earlier"}"#,
        r#"{"id": "t-3", "text": "Fine.", "history": [{"role": "boss", "text": "hi"}]}"#,
        r#"{"id": "t-4", "text": "Fine.", "customer": 4}"#,
        r#"{"id": "t-5", "text": "That's not my job.", "customer": "Where is my parcel?", "history": [{"role": "customer", "text": "Hello?"}, {"role": "agent", "text": "Hi!"}], "received_at": "2026-11-02T09:14:00Z", "sent_at": "2026-11-03T15:40:00+01:00", "company": "ignored"}"#,
        r#"{"id": {"nested": 1}, "text": 5}"#,
    ]
    .join("\n");
    let o = check_stdin(&["--jsonl", "-"], &input);
    assert_eq!(code(&o), 2, "malformed lines exit 2");
    let out = json_lines(&o);
    assert_eq!(out.len(), 6);
    for (n, result) in out.iter().enumerate().take(4) {
        let n = n + 1;
        assert_eq!(result["line"], n, "{result}");
        assert_eq!(result["id"], format!("t-{n}"), "{result}");
        let msg = result["error"].as_str().expect("an error message");
        assert!(msg.starts_with(&format!("line {n}: ")), "{msg}");
    }
    assert!(out[0]["error"]
        .as_str()
        .is_some_and(|m| m.contains("RFC 3339")));
    assert_eq!(out[4]["id"], "t-5");
    // Sent 29 hours after the customer wrote: the conversation reaches the rules.
    assert_eq!(rule_ids(&out[4]), ["late-reply", "not-my-job"]);
    // An id that is not a string or number is left out.
    assert_eq!(out[5].as_object().map(|m| m.len()), Some(2), "{}", out[5]);
    let err = stderr(&o);
    assert!(err.contains("5 malformed input lines"), "{err}");
}

#[test]
fn jsonl_fix_adds_the_fixed_text() {
    let input = r#"{"id": 1, "text": "FYI the refund is done."}"#;
    let o = check_stdin(&["--jsonl", "-", "--fix"], input);
    assert_eq!(code(&o), 0);
    let out = json_lines(&o);
    assert_eq!(out[0]["fixed"], "For your information the refund is done.");
    let o = check_stdin(&["--jsonl", "-"], input);
    assert!(json_lines(&o)[0].get("fixed").is_none());
}

#[test]
fn jsonl_echoes_ids_as_given() {
    let id = |n| {
        let r = result_at(n);
        let rest = r.strip_prefix("{\"id\":").expect("id first");
        let end = rest.find(",\"findings\":").expect("findings after the id");
        rest[..end].to_owned()
    };
    // Ids are written as the library's `ReplyId` serialises them: strings
    // as given, numbers as numbers.
    assert_eq!(id(1), "\"a\"");
    assert_eq!(id(2), "17");
    assert_eq!(id(4), "2.5");
    assert_eq!(id(11), "-300.0");
    assert_eq!(id(15), "\"café \\\"q\\\"\"");
    // A line without an id gives a result without one.
    assert!(
        result_at(14).starts_with("{\"findings\":"),
        "{}",
        result_at(14)
    );
}

#[test]
fn jsonl_findings_have_the_contract_fields() {
    let text = "Héllo — ça va?\nCalm down, that's not my job.";
    let result = parsed_at(16);
    let findings = result["findings"].as_array().expect("findings");
    let keys: Vec<&str> = findings[0]
        .as_object()
        .expect("finding object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = [
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
    want.sort_unstable();
    assert_eq!(keys, want);
    let find = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {result}"))
    };
    // Non-ASCII before the spans: byte offsets and character columns differ.
    let f = find("dismissive");
    let (start, end) = (f["start"].as_u64(), f["end"].as_u64());
    let span = start.expect("start") as usize..end.expect("end") as usize;
    assert_eq!(&text[span], "Calm down");
    assert_eq!(f["matched"], "Calm down");
    assert_eq!(
        (&f["line"], &f["column"]),
        (&Value::from(2), &Value::from(1))
    );
    assert_eq!(
        (&f["severity"], &f["category"]),
        (&"error".into(), &"empathy".into())
    );
    assert!(f["suggestions"].as_array().is_some_and(|s| !s.is_empty()));
    // UTF-16 offsets count "é", "—" and "ç" as one unit each.
    let utf16 = |s: &str| Value::from(s.encode_utf16().count());
    assert_eq!(f["utf16_start"], utf16("Héllo — ça va?\n"));
    assert_eq!(f["utf16_end"], utf16("Héllo — ça va?\nCalm down"));
    assert_eq!(f["fix"], f["suggestions"][0]);
    assert!(f["advice"].is_array());
    let f = find("not-my-job");
    assert_eq!(f["matched"], "that's not my job");
    assert_eq!(f["column"], 12);
    assert_eq!(
        f["start"].as_u64(),
        Some(text.find("that's").expect("in text") as u64)
    );
    // The score: 100 less 25 per error, 10 per warning, 3 per hint.
    let penalty: i64 = findings
        .iter()
        .map(|f| match f["severity"].as_str() {
            Some("error") => 25,
            Some("warning") => 10,
            _ => 3,
        })
        .sum();
    assert_eq!(result["score"], (100 - penalty).max(0));
}

#[test]
fn jsonl_channel_per_line_overrides_the_option() {
    let (email, chat) = (&contract("email").0, &contract("chat").0);
    let ids = |out: &Vec<Option<String>>, n: usize| -> Vec<String> {
        let v: Value = serde_json::from_str(out[n - 1].as_deref().expect("output")).expect("JSON");
        rule_ids(&v).into_iter().map(str::to_owned).collect()
    };
    let greeting = "missing-greeting".to_owned();
    // Line 11 has no channel, 12 says chat, 13 says email.
    assert!(ids(email, 11).contains(&greeting));
    assert!(ids(email, 12).is_empty());
    assert!(ids(email, 13).contains(&greeting));
    assert!(ids(chat, 11).is_empty());
    assert!(ids(chat, 12).is_empty());
    assert!(ids(chat, 13).contains(&greeting));
}

#[test]
fn jsonl_skips_blank_lines_but_counts_them() {
    let (by_line, _) = contract("email");
    for (i, line) in CONTRACT.iter().enumerate() {
        assert_eq!(
            by_line[i].is_none(),
            line.trim().is_empty(),
            "line {}",
            i + 1
        );
    }
    // Line numbers in errors count the blank lines (7 comes after 5 and 6).
    assert!(result_at(7).starts_with(r#"{"line":7,"#));
    // A CRLF line ending is not part of the line.
    assert_eq!(parsed_at(15)["findings"], Value::Array(Vec::new()));
}

#[test]
fn jsonl_reads_a_file_and_reports_a_missing_one() {
    let dir = scratch("jsonl_file");
    let path = write(&dir, "in.jsonl", "{\"id\":1,\"text\":\"FYI.\"}\n");
    let o = check(&["--jsonl", &path]);
    assert_eq!(code(&o), 0, "a hint is below --fail-on error");
    assert_eq!(rule_ids(&json_lines(&o)[0]), ["jargon"]);
    let missing = dir.join("missing.jsonl");
    let o = check(&["--jsonl", missing.to_str().expect("UTF-8 path")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.jsonl"));
}

/// A few thousand generated replies: phrases that the rules flag, clean
/// text, non-ASCII, escapes, channels, blank and malformed lines.
fn generated_corpus(lines: usize) -> String {
    let pieces = [
        "Hi Ana,",
        "Thanks for waiting.",
        "That's not my job.",
        "No.",
        "Calm down, the refund is coming.",
        "You must be so frustrated.",
        "I promise it will definitely arrive tomorrow.",
        "FYI the RMA is attached.",
        "Per my last email, the store is closed.",
        "WE HAVE ALREADY SENT IT!!",
        "Café «Zoë» — naïve façade, 東京 and 🙂 emoji.",
        "We can't refund opened items.",
        "Let me know if there's anything else I can help with.",
        "> quoted: calm down",
        "It's company policy, I'm afraid.",
        "Our courier is useless in winter.",
        "I don't know why the app crashed.",
        "Best,\nKim",
        "Tom &amp; Jerry said \"calm down\" at https://example.com/calm-down.",
        "\tTabs\tand  double  spaces.",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut out = String::new();
    for i in 0..lines {
        match next() % 100 {
            0 => out.push('\n'),
            1 => out.push_str("{\"id\": 1, \"text\": \n"),
            2 => out.push_str(&format!("{{\"id\": {i}, \"text\": null}}\n")),
            _ => {
                let n = 1 + next() % 5;
                let mut text = String::new();
                for k in 0..n {
                    if k > 0 {
                        text.push_str(if next() % 4 == 0 { "\n\n" } else { " " });
                    }
                    text.push_str(pieces[next() % pieces.len()]);
                }
                let mut obj = serde_json::json!({ "id": format!("g-{i}"), "text": text });
                match next() % 4 {
                    0 => obj["channel"] = "chat".into(),
                    1 => obj["id"] = i.into(),
                    _ => {}
                }
                out.push_str(&obj.to_string());
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn jsonl_output_is_the_same_for_any_thread_count() {
    let dir = scratch("threads");
    let corpus = generated_corpus(3000);
    let path = write(&dir, "corpus.jsonl", &corpus);
    let one = check(&["--jsonl", &path, "--threads", "1"]);
    let two = check(&["--jsonl", &path, "--threads", "2"]);
    assert_eq!(code(&one), 2, "the corpus has malformed lines");
    assert_eq!(code(&two), 2);
    assert!(one.stdout == two.stdout, "--threads 1 and 2 differ");
    // One output line per non-blank input line, in input order.
    let blank = corpus.lines().filter(|l| l.trim().is_empty()).count();
    let results = json_lines(&one);
    assert_eq!(results.len(), 3000 - blank);
    let inputs = corpus
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    for ((n, input), result) in inputs.zip(&results) {
        if let Some(line) = result.get("line") {
            assert_eq!(line.as_u64(), Some(n as u64 + 1));
        } else {
            let input: Value = serde_json::from_str(input).expect("valid input line");
            assert_eq!(result["id"], input["id"]);
            assert!(result["findings"].is_array());
        }
    }
    let flagged = results
        .iter()
        .filter(|r| r.get("line").is_none() && !rule_ids(r).is_empty())
        .count();
    assert!(flagged > 1000, "only {flagged} replies flagged");
}

// ---------------------------------------------------------------------------
// What users of Vale and LanguageTool expect

#[test]
fn version() {
    for flag in ["--version", "-V"] {
        let o = check(&[flag]);
        assert_eq!(code(&o), 0);
        assert_eq!(
            stdout(&o),
            format!("tactful {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn format_json_gives_one_batch_result_per_reply_file() {
    let dir = scratch("format_json");
    let a = write(&dir, "a.txt", NOT_MY_JOB);
    let b = write(&dir, "b.chat.txt", "FYI the refund is done.");
    let missing = dir.join("missing.txt");
    let missing = missing.to_str().expect("UTF-8 path");
    let o = check(&["--format", "json", "--fix", &a, &b, missing]);
    assert_eq!(code(&o), 2, "a missing file exits 2");
    let out = json_lines(&o);
    assert_eq!(out.len(), 3);
    assert!(stdout(&o).starts_with("{\"path\":"), "path comes first");
    assert_eq!(out[0]["path"], a);
    assert_eq!(rule_ids(&out[0]), ["not-my-job"]);
    assert_eq!(out[0]["findings"][0]["line"], 3);
    assert!(out[0]["fixed"].as_str().is_some());
    // The file's channel counts: no structure rules on a chat reply.
    assert_eq!(out[1]["path"], b);
    assert_eq!(rule_ids(&out[1]), ["jargon"]);
    assert_eq!(out[1]["fixed"], "For your information the refund is done.");
    assert_eq!(out[2]["path"], missing);
    assert!(out[2]["error"]
        .as_str()
        .is_some_and(|e| e.contains("missing.txt")));
    // Each result is the library's owned report plus its path.
    let checker = tactful::Checker::new().expect("default pack");
    let report = checker
        .check_with(NOT_MY_JOB, &tactful::Context::default())
        .to_owned_report_fixed();
    let mut want = serde_json::to_value(&report).expect("serialise");
    want.as_object_mut()
        .expect("an object")
        .insert("path".into(), a.clone().into());
    assert_eq!(out[0], want);
    // No closing line: stdout is JSON only; --fail-on still sets the status.
    let o = check(&["--format=json", "--fail-on", "error", &a]);
    assert_eq!(code(&o), 1);
    assert_eq!(json_lines(&o).len(), 1);
}

#[test]
fn test_pack_runs_a_packs_examples() {
    let o = check(&["test-pack", "examples/house-pack.toml"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).starts_with("ok examples/house-pack.toml: "),
        "{}",
        stdout(&o)
    );

    let dir = scratch("test_pack");
    let pack =
        std::fs::read_to_string(root().join("examples/house-pack.toml")).expect("read house pack");
    let broken = pack.replace(
        "\"I've attached the invoice for March.\",",
        "\"Per our records the invoice is attached.\",",
    );
    assert_ne!(broken, pack);
    let path = write(&dir, "broken.toml", &broken);
    let o = check(&["test-pack", &path]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("FAIL [form-letter] counterexample is flagged at \"Per our records\""),
        "{out}"
    );
    assert!(
        out.lines().last().is_some_and(|l| l.starts_with("failed ")),
        "{out}"
    );

    let invalid = write(
        &dir,
        "invalid.toml",
        "[rules.jargn]\nseverity = \"error\"\n",
    );
    let o = check(&["test-pack", &invalid]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `jargon`?"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&check(&["test-pack"])), 2);
}

#[test]
fn a_mistyped_rule_id_in_an_override_gets_a_suggestion() {
    let dir = scratch("did_you_mean");
    let pack = write(&dir, "house.toml", "[rules.blunt-noo]\nenabled = false\n");
    let o = check_stdin(&["--rules", &pack, "--jsonl", "-"], "{\"text\":\"No.\"}\n");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("rule `blunt-noo`"), "{err}");
    assert!(err.contains("did you mean `blunt-no`?"), "{err}");
    assert!(err.contains(&format!("{pack}:1:")), "{err}");
}

#[test]
fn house_pack_works_with_rules() {
    let input = "{\"text\":\"Per our records, Globex is a rip-off. Our SLA is 4 hours.\"}\n";
    let o = check_stdin(
        &[
            "--rules",
            "examples/house-pack.toml",
            "--channel",
            "chat",
            "--jsonl",
            "-",
        ],
        input,
    );
    let results = json_lines(&o);
    assert_eq!(
        rule_ids(&results[0]),
        ["form-letter", "badmouth-competitor", "jargon"]
    );
}

#[test]
fn tactful_toml_is_found_in_the_directory_or_a_parent() {
    let dir = scratch("config");
    let nested = dir.join("team").join("replies");
    std::fs::create_dir_all(&nested).expect("create nested directory");
    let config = write(
        &dir,
        "tactful.toml",
        "[rules.jargon]\nenabled = false\n[lists]\ncompetitors = [\"Globex\"]\n",
    );
    let reply = write(&nested, "r.chat.txt", "FYI Globex is a rip-off.\n");
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tactful"));
        cmd.current_dir(&nested)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tactful")
    };
    let o = run(&["--format", "json", "-v", &reply]);
    assert_eq!(rule_ids(&json_lines(&o)[0]), ["badmouth-competitor"]);
    let err = stderr(&o);
    assert_eq!(
        err.lines().next(),
        Some(format!("packs: default < {config}").as_str())
    );
    let o = run(&["--format", "json", "--no-config", &reply]);
    assert_eq!(rule_ids(&json_lines(&o)[0]), ["jargon"]);
    let o = run(&["--list-rules", "--no-config"]);
    assert!(stderr(&o).contains("--no-config"), "{}", stderr(&o));
    // A broken project pack is an invalid pack: exit 2, with its location.
    write(&dir, "tactful.toml", "[rules.jargon]\nenabld = false\n");
    let o = run(&[&reply]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!("{config}:2:1")),
        "{}",
        stderr(&o)
    );
}
