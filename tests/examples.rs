//! The embedding examples, run as built: `cargo test` builds every example
//! into `target/<profile>/examples/` before it runs the tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `target/<profile>/examples/<name>` with `args`.
fn example(name: &str, args: &[&str]) -> Output {
    // This test runs from target/<profile>/deps/.
    let exe = std::env::current_exe().expect("test executable path");
    let dir: PathBuf = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps")
        .join("examples");
    let mut path = dir.join(name);
    path.set_extension(std::env::consts::EXE_EXTENSION);
    assert!(
        path.exists(),
        "{} is not built; plain `cargo test` builds the examples (or run `cargo build --examples` first)",
        path.display()
    );
    Command::new(&path)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", path.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn quickstart_runs() {
    let o = example("quickstart", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("error[dismissive]"), "{out}");
    assert!(out.contains("fixed: "), "{out}");
}

#[test]
fn custom_pack_runs_and_its_examples_hold() {
    let o = example("custom_pack", &[]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("every example holds"), "{out}");
    for rule in ["form-letter", "badmouth-competitor", "jargon"] {
        assert!(out.contains(&format!("[{rule}]")), "{rule}:\n{out}");
    }
}

#[test]
fn custom_pack_fails_loudly_when_an_example_breaks() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples");
    std::fs::create_dir_all(&dir).expect("create fixture directory");
    let pack = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/house-pack.toml"),
    )
    .expect("read house pack");
    let broken = pack.replace(
        "\"I've attached the invoice for March.\",",
        "\"Per our records the invoice is attached.\",",
    );
    assert_ne!(broken, pack);
    let path = dir.join("broken.toml");
    std::fs::write(&path, broken).expect("write fixture");
    let o = example("custom_pack", &[path.to_str().expect("UTF-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("form-letter"), "{err}");
    assert!(err.contains("counterexample is flagged"), "{err}");
}

/// The handler, called as a web framework would call it.
#[allow(dead_code)]
#[path = "../examples/helpdesk_handler.rs"]
mod helpdesk;

#[test]
fn helpdesk_handler_returns_the_owned_report() {
    let checker = tactful::Checker::new().expect("the default pack");
    let body = r#"{"id": "T-1", "text": "Calm down, that's not my job.", "customer": "Refund??"}"#;
    let response = helpdesk::handle(&checker, body, true);
    assert_eq!(response.status, 200, "{}", response.body);
    let report: tactful::OwnedReport = serde_json::from_str(&response.body).expect("a report");
    assert_eq!(report.id, Some(tactful::ReplyId::Text("T-1".into())));
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["dismissive", "not-my-job"]);
    assert!(report.fixed.is_some());
    // Exactly what the batch mode writes for the same input.
    let draft = "Calm down, that's not my job.";
    let want = checker
        .check_with(draft, &tactful::Context::channel(tactful::Channel::Chat))
        .to_owned_report_fixed()
        .with_id(Some(tactful::ReplyId::Text("T-1".into())));
    assert_eq!(
        response.body,
        serde_json::to_string(&want).expect("serialise")
    );
    let bad = helpdesk::handle(&checker, r#"{"text": 42}"#, false);
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.starts_with("{\"error\":\"bad request: "),
        "{}",
        bad.body
    );
}
