//! Replays the inputs the fuzzer (`fuzz/`) once failed on, and the
//! `check` target's minimised corpus, through the same invariants the
//! fuzz targets assert (`tests/support/fuzz_invariants.rs`).
//!
//! `tests/fuzz-regressions/check/` holds texts and
//! `tests/fuzz-regressions/pack/` holds pack TOML, as raw bytes (read as
//! UTF-8, lossily, as the fuzzer reads them). A new crash goes there with
//! a name that says what it caught.

#[path = "support/fuzz_invariants.rs"]
mod invariants;

use std::fs;
use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn replay(dir: &str, run: fn(&str)) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let files = inputs(&dir);
    for path in &files {
        let bytes = fs::read(path).expect("a readable input");
        let text = invariants::text_of(&bytes);
        let outcome = std::panic::catch_unwind(|| run(&text));
        assert!(outcome.is_ok(), "fails on {}", path.display());
    }
    files.len()
}

#[test]
fn check_regressions_hold() {
    replay("tests/fuzz-regressions/check", invariants::check_text);
}

#[test]
fn pack_regressions_hold() {
    replay("tests/fuzz-regressions/pack", invariants::check_pack);
}

#[test]
fn check_corpus_holds() {
    let n = replay("fuzz/corpus/check", invariants::check_text);
    assert!(n > 0, "fuzz/corpus/check is empty");
}
