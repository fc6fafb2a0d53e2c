//! Command-line cases as data: each folder of `tests/cases/` holds `args`
//! (one argument a line), optionally `stdin`, and the expected `stdout`,
//! `status` (the exit status, 0 if absent) and, when present, `stderr`.
//! `tactful` runs in the case's folder, so a case can hold reply files,
//! packs and a `tactful.toml` of its own.
//!
//! After a deliberate change of output, rewrite the expectations with
//! `TACTFUL_BLESS=1 cargo test -p tactful-cli --test cases` and review the
//! diff.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Runs one case; returns what differs from the expectations.
fn run_case(dir: &Path, bless: bool) -> Vec<String> {
    let args = read(&dir.join("args")).unwrap_or_default();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(args.lines().filter(|l| !l.is_empty()))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tactful");
    let input = read(&dir.join("stdin")).unwrap_or_default();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("wait for tactful");
    writer.join().expect("stdin writer");
    let got = [
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("status", format!("{}\n", out.status.code().unwrap_or(-1))),
        ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
    ];
    let mut problems = Vec::new();
    for (name, got) in got {
        let path = dir.join(name);
        let want = match (name, read(&path)) {
            (_, Some(w)) => w,
            ("stderr", None) => continue, // not compared
            ("status", None) => "0\n".to_owned(),
            (_, None) => String::new(),
        };
        if got == want {
            continue;
        }
        if bless {
            std::fs::write(&path, &got).expect("bless an expectation");
        } else {
            problems.push(format!(
                "{}: {name} differs\n--- expected\n{want}\n--- got\n{got}",
                dir.display()
            ));
        }
    }
    problems
}

#[test]
fn cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no cases in {}", root.display());
    let bless = std::env::var_os("TACTFUL_BLESS").is_some();
    let problems: Vec<String> = dirs.iter().flat_map(|d| run_case(d, bless)).collect();
    assert!(
        problems.is_empty(),
        "{} of {} cases differ (TACTFUL_BLESS=1 rewrites the expectations):\n\n{}",
        problems.len(),
        dirs.len(),
        problems.join("\n\n")
    );
}
