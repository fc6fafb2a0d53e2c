//! The batch output over the shared corpora is the library's owned report,
//! byte for byte: for every reply of `../shared/corpora/*/`, the line
//! `tactful --jsonl` writes equals `serde_json::to_string` of
//! `Report::to_owned_report` (with the line's id), and with `--fix` of
//! `to_owned_report_fixed`.
//!
//! The corpora are large and live outside the repository, so this test is
//! ignored by default; `.ci/run` runs it:
//!
//! ```text
//! cargo test -p tactful-cli --test corpora -- --ignored
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tactful::{Channel, Checker, ReplyInput};

fn corpora_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora")
}

/// Every corpus file: `*.jsonl` in each folder of the corpora.
fn corpus_files() -> Vec<PathBuf> {
    let dir = corpora_dir();
    let folders =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = folders
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
}

/// What the library gives for each input line, on `threads` threads.
fn library_lines(checker: &Checker, input: &str, fix: bool) -> Vec<String> {
    let lines: Vec<&str> = input.lines().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lines.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|line| {
                            // The corpora hold batch input already: one
                            // {"id", "text", conversation…} object a line.
                            let input: ReplyInput =
                                serde_json::from_str(line).expect("a valid corpus line");
                            let report =
                                checker.check_with(&input.text, &input.context_or(Channel::Email));
                            let owned = if fix {
                                report.to_owned_report_fixed()
                            } else {
                                report.to_owned_report()
                            };
                            serde_json::to_string(&owned.with_id(input.id.clone()))
                                .expect("serialise")
                        })
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a library thread"))
            .collect()
    })
}

fn tool_lines(path: &Path, fix: bool) -> Vec<String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tactful"));
    cmd.args(["--no-config", "--jsonl"])
        .arg(path)
        .stdin(Stdio::null());
    if fix {
        cmd.arg("--fix");
    }
    let out = cmd.output().expect("run tactful");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "tactful on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
#[ignore = "reads the shared corpora (about 30 MB); run with --ignored"]
fn batch_output_is_the_owned_report_over_the_shared_corpora() {
    let checker = Checker::new().expect("the default pack");
    let files = corpus_files();
    assert!(
        files.len() >= 3,
        "expected the shared corpora in {}",
        corpora_dir().display()
    );
    let mut total = 0;
    for path in &files {
        let input = std::fs::read_to_string(path).expect("read a corpus");
        // --fix on the smaller corpora only: it checks each reply twice.
        let fixes: &[bool] = if input.len() < 8 << 20 {
            &[false, true]
        } else {
            &[false]
        };
        for &fix in fixes {
            let want = library_lines(&checker, &input, fix);
            let got = tool_lines(path, fix);
            assert_eq!(got.len(), want.len(), "{}: line count", path.display());
            let differ: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
            if let Some(&i) = differ.first() {
                panic!(
                    "{} (--fix {fix}): {} of {} lines differ; line {}:\ntool:    {}\nlibrary: {}",
                    path.display(),
                    differ.len(),
                    got.len(),
                    i + 1,
                    got[i],
                    want[i]
                );
            }
            eprintln!(
                "{}{}: {} lines identical",
                path.display(),
                if fix { " --fix" } else { "" },
                got.len()
            );
            total += got.len();
        }
    }
    assert!(total > 100_000, "only {total} lines compared");
}
