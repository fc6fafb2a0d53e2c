//! Which packs are layered: the default pack, a `tactful.toml` found in
//! the current directory or a parent, then each `--rules` pack.

use crate::term::{window, Style, BLUE_BOLD, BOLD, MAX_SOURCE_WIDTH, RED_BOLD};
use std::fs;
use std::path::{Path, PathBuf};
use tactful::{Checker, Pack};

/// The project pack's file name, looked for as typos and Vale look for
/// theirs.
pub(crate) const CONFIG_NAME: &str = "tactful.toml";

/// The nearest `tactful.toml` in `dir` or one of its parents.
pub(crate) fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_NAME))
        .find(|p| p.is_file())
}

/// The packs layered over the default pack.
#[derive(Debug)]
pub(crate) struct Packs {
    /// The project pack found, if it was looked for and found.
    pub(crate) config: Option<PathBuf>,
    /// Whether it was looked for (not under `--no-config`).
    pub(crate) looked: bool,
    /// The `--rules` packs, in order.
    pub(crate) rules: Vec<PathBuf>,
}

impl Packs {
    /// The project pack (unless `no_config`), then `rules`.
    pub(crate) fn find(rules: &[PathBuf], no_config: bool) -> Packs {
        let config = if no_config {
            None
        } else {
            std::env::current_dir().ok().and_then(|d| find_config(&d))
        };
        Packs {
            config,
            looked: !no_config,
            rules: rules.to_vec(),
        }
    }

    /// Every pack to layer, in order.
    pub(crate) fn all(&self) -> Vec<PathBuf> {
        self.config.iter().chain(&self.rules).cloned().collect()
    }

    /// A line naming the packs in use, for `--verbose` and `--list-rules`.
    pub(crate) fn describe(&self) -> String {
        let mut line = String::from("packs: default");
        for p in self.all() {
            line.push_str(" < ");
            line.push_str(&p.display().to_string());
        }
        if !self.looked {
            line.push_str(" (--no-config: no tactful.toml looked for)");
        } else if self.config.is_none() {
            line.push_str(" (no tactful.toml here or in a parent directory)");
        }
        line
    }
}

pub(crate) fn build_checker(packs: &[PathBuf]) -> Result<Checker, tactful::Error> {
    let mut builder = Checker::builder();
    for path in packs {
        builder = builder.layer(Pack::from_path(path)?);
    }
    builder.build()
}

/// A pack error, with the offending line of the pack file underlined when
/// the error has a location in a file that can be read.
pub(crate) fn report_pack_error(style: &Style, e: &tactful::Error) {
    let what = match e.rule() {
        Some(rule) => format!("rule `{rule}`: {}", e.message()),
        None => e.message().to_owned(),
    };
    eprintln!(
        "{}: {}",
        style.paint(RED_BOLD, "error"),
        style.paint(BOLD, &what)
    );
    let Some(loc) = e.location() else {
        return;
    };
    let Some(source) = &loc.source else {
        eprintln!("  at {}:{}", loc.line, loc.column);
        return;
    };
    let pad = " ".repeat(loc.line.to_string().len());
    eprintln!(
        "{pad}{} {source}:{}:{}",
        style.paint(BLUE_BOLD, "-->"),
        loc.line,
        loc.column
    );
    let text = fs::read_to_string(source).unwrap_or_default();
    let Some(line) = text.lines().nth(loc.line.saturating_sub(1)) else {
        return;
    };
    let at = line
        .char_indices()
        .nth(loc.column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let shown = window(line, at, at, MAX_SOURCE_WIDTH);
    let bar = style.paint(BLUE_BOLD, "|");
    eprintln!("{pad} {bar}");
    eprintln!(
        "{} {bar} {}",
        style.paint(BLUE_BOLD, &loc.line.to_string()),
        shown.text
    );
    eprintln!(
        "{pad} {bar} {}{}",
        " ".repeat(shown.pad),
        style.paint(RED_BOLD, "^")
    );
}
