//! The command-line examples, run as a user runs them: `check` on reply
//! files and on JSON Lines, and the `quickstart` and `custom_pack`
//! examples.
//!
//! The examples are built once (`cargo build --examples`, in the profile
//! this test was built in) and run from the target directory. Fixtures are
//! written fresh into a directory of their own under `CARGO_TARGET_TMPDIR`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The directory holding the built examples (`target/<profile>/examples`).
fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // This test runs from target/<profile>/deps/.
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps")
            .to_path_buf();
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--quiet", "--examples"])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                cmd.arg("--release");
            }
            Some(other) => {
                cmd.args(["--profile", other]);
            }
        }
        if let Some(target) = profile_dir.parent() {
            cmd.arg("--target-dir").arg(target);
        }
        let status = cmd.status().expect("run cargo build --examples");
        assert!(status.success(), "cargo build --examples failed");
        profile_dir.join("examples")
    })
}

fn example(name: &str) -> Command {
    let mut path = examples_dir().join(name);
    path.set_extension(std::env::consts::EXE_EXTENSION);
    let mut cmd = Command::new(path);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    cmd
}

/// Runs `check` with `args`.
fn check(args: &[&str]) -> Output {
    example("check")
        .args(args)
        .output()
        .expect("run the check example")
}

/// Runs `check` with `args` and `input` on standard input.
fn check_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = example("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the check example");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("wait for check");
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
    assert_eq!(rows.len(), 24, "{out}");
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
    assert_eq!(result_at(4), r#"{"id":2.50,"findings":[],"score":100}"#);
}

#[test]
fn jsonl_text_must_be_a_string() {
    for n in [7, 8, 9] {
        assert_eq!(
            result_at(n),
            format!(r#"{{"line":{n},"error":"line {n}: expected a string field \"text\""}}"#)
        );
    }
    assert!(
        result_at(10).starts_with(r#"{"line":10,"error":"line 10: unknown channel `fax`"#),
        "{}",
        result_at(10)
    );
}

#[test]
fn jsonl_echoes_ids_as_given() {
    let id = |n| {
        let r = result_at(n);
        let rest = r.strip_prefix("{\"id\":").expect("id first");
        let end = rest.find(",\"findings\":").expect("findings after the id");
        rest[..end].to_owned()
    };
    assert_eq!(id(1), "\"a\"");
    assert_eq!(id(2), "17");
    assert_eq!(id(4), "2.50");
    assert_eq!(id(11), "-3e2");
    assert_eq!(id(14), "null");
    assert_eq!(id(15), "\"caf\\u00e9 \\\"q\\\"\"");
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
        "matched",
        "message",
        "suggestions",
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
        }
    }
    let flagged = results
        .iter()
        .filter(|r| r.get("line").is_none() && !rule_ids(r).is_empty())
        .count();
    assert!(flagged > 1000, "only {flagged} replies flagged");
}

// ---------------------------------------------------------------------------
// The other examples

#[test]
fn quickstart_runs() {
    let o = example("quickstart").output().expect("run quickstart");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("error[dismissive]"), "{out}");
    assert!(out.contains("fixed: "), "{out}");
}

#[test]
fn custom_pack_runs_and_its_examples_hold() {
    let o = example("custom_pack").output().expect("run custom_pack");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("every example holds"), "{out}");
    for rule in ["form-letter", "badmouth-competitor", "jargon"] {
        assert!(out.contains(&format!("[{rule}]")), "{rule}:\n{out}");
    }
    // The house pack works with the check example too.
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
fn custom_pack_fails_loudly_when_an_example_breaks() {
    let dir = scratch("custom_pack_broken");
    let pack = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/house-pack.toml"),
    )
    .expect("read house pack");
    let broken = pack.replace(
        "\"I've attached the invoice for March.\",",
        "\"Per our records the invoice is attached.\",",
    );
    assert_ne!(broken, pack);
    let path = write(&dir, "broken.toml", &broken);
    let o = example("custom_pack")
        .arg(&path)
        .output()
        .expect("run custom_pack");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("form-letter"), "{err}");
    assert!(err.contains("counterexample is flagged"), "{err}");
}
