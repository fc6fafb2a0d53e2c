//! The command-line front end: checks reply files, or a JSON Lines corpus.
//!
//! ```text
//! cargo run --release --example check -- examples/replies/
//! cargo run --release --example check -- --fix examples/replies/08-roaming-charges.txt
//! cargo run --release --example check -- --jsonl replies.jsonl > results.jsonl
//! ```
//!
//! Reply files get diagnostics in the style of `rustc`; `--jsonl` follows
//! the batch contract in `shared/spec/batch-output.md`. Run with `--help`
//! for every option.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use tactful::{Channel, CheckOptions, Checker, Edit, Pack, Report, Rule, Severity, Suggestion};

const USAGE: &str = "\
usage: check [OPTIONS] [PATH ...]
       check --jsonl FILE|- [OPTIONS]

Checks customer-service replies for discourteous phrasing.

PATH is a reply file, a directory of them (*.txt, *.md, *.eml), or - for
standard input. A file named *.chat.txt is a chat reply, *.social.txt a
social-media one; others are email unless --channel says otherwise.

options:
  --jsonl FILE|-      batch mode: JSON Lines in, JSON Lines out
  --rules PACK.toml   layer a rule pack over the default pack (repeatable)
  --channel C         email (default), chat or social
  --fail-on S         exit 1 at findings of severity S or above:
                      error (the default with --jsonl), warning or hint;
                      reply files exit 1 only when it is given
  --threads N         batch worker threads (default: all cores)
  --summary           per-rule summary on stderr at the end
  --fix               print each reply rewritten, with a diff
  --write             rewrite reply files in place with the fixes
  --list-rules        list the rules and exit
  --list-phrases      print every literal phrase of the pack and exit
  --explain RULE      print a rule's rationale, examples and suggestions
  --color WHEN        auto (default: when stdout is a terminal and NO_COLOR
                      is unset), always or never
  -h, --help          this text

exit status: 0 nothing at or above --fail-on; 1 something is; 2 bad usage,
an unreadable file, an invalid pack, or a malformed input line.";

struct Args {
    jsonl: Option<String>,
    rules: Vec<PathBuf>,
    channel: Channel,
    fail_on: Severity,
    /// Whether --fail-on was given (reply files exit 1 only then).
    fail_on_given: bool,
    threads: usize,
    summary: bool,
    fix: bool,
    write: bool,
    list_rules: bool,
    list_phrases: bool,
    explain: Option<String>,
    color: Option<bool>,
    paths: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        jsonl: None,
        rules: Vec::new(),
        channel: Channel::Email,
        fail_on: Severity::Error,
        fail_on_given: false,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        summary: false,
        fix: false,
        write: false,
        list_rules: false,
        list_phrases: false,
        explain: None,
        color: None,
        paths: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    let mut only_paths = false;
    while let Some(arg) = it.next() {
        if only_paths {
            a.paths.push(arg);
            continue;
        }
        // `--name=value` is the same as `--name value`.
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--jsonl" => a.jsonl = Some(value("--jsonl")?),
            "--rules" => a.rules.push(PathBuf::from(value("--rules")?)),
            "--channel" => a.channel = value("--channel")?.parse()?,
            "--fail-on" => {
                a.fail_on = value("--fail-on")?.parse()?;
                a.fail_on_given = true;
            }
            "--threads" => {
                let v = value("--threads")?;
                a.threads = v
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--threads takes a positive number, not `{v}`"))?;
            }
            "--explain" => a.explain = Some(value("--explain")?),
            "--color" | "--colour" => {
                a.color = match value("--color")?.as_str() {
                    "auto" => None,
                    "always" => Some(true),
                    "never" => Some(false),
                    other => {
                        return Err(format!(
                            "--color takes auto, always or never, not `{other}`"
                        ))
                    }
                }
            }
            flag if inline.is_some() => {
                return Err(format!("option `{flag}` takes no value"));
            }
            "--summary" => a.summary = true,
            "--fix" => a.fix = true,
            "--write" => a.write = true,
            "--list-rules" => a.list_rules = true,
            "--list-phrases" => a.list_phrases = true,
            "--" => only_paths = true,
            "-" => a.paths.push(arg),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            _ => a.paths.push(arg),
        }
    }
    if a.jsonl.is_some() && !a.paths.is_empty() {
        return Err("--jsonl takes its input as its value; no other paths".into());
    }
    if a.jsonl.is_some() && (a.fix || a.write) {
        return Err("--fix and --write work on reply files, not --jsonl".into());
    }
    let listing = a.list_rules || a.list_phrases || a.explain.is_some();
    if a.jsonl.is_none() && a.paths.is_empty() && !listing {
        return Err("nothing to check: give reply files, a directory, - or --jsonl".into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let err_style = Style::new(args.color, io::stderr().is_terminal());
    let checker = match build_checker(&args.rules) {
        Ok(c) => c,
        Err(e) => {
            report_pack_error(&err_style, &e);
            return ExitCode::from(2);
        }
    };
    let result = if args.list_rules {
        list_rules(&checker)
    } else if args.list_phrases {
        list_phrases(&checker)
    } else if let Some(id) = &args.explain {
        explain(&checker, id)
    } else if let Some(input) = &args.jsonl {
        run_jsonl(&checker, input, &args)
    } else {
        run_files(&checker, &args)
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}: {e}", err_style.paint(RED_BOLD, "error"));
            ExitCode::from(2)
        }
    }
}

fn build_checker(packs: &[PathBuf]) -> Result<Checker, tactful::Error> {
    let mut builder = Checker::builder();
    for path in packs {
        builder = builder.layer(Pack::from_path(path)?);
    }
    builder.build()
}

/// A pack error, with the offending line of the pack file underlined when
/// the error has a location in a file that can be read.
fn report_pack_error(style: &Style, e: &tactful::Error) {
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

/// The width of the rule-id column: the longest id, at least "RULE".
fn id_width(checker: &Checker) -> usize {
    checker
        .rules()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(4)
        .max(4)
}

fn list_rules(checker: &Checker) -> Result<u8, String> {
    let mut out = BufWriter::new(io::stdout().lock());
    let w = id_width(checker);
    let result = (|| -> io::Result<()> {
        writeln!(
            out,
            "{:<w$}  {:<11}  {:<8}  {:<7}  CHANNELS",
            "RULE", "CATEGORY", "SEVERITY", "ENABLED"
        )?;
        for r in checker.rules() {
            let channels = channel_list(r, ",", "all");
            writeln!(
                out,
                "{:<w$}  {:<11}  {:<8}  {:<7}  {channels}",
                r.id,
                r.category.as_str(),
                r.severity.as_str(),
                if r.enabled { "yes" } else { "no" },
            )?;
        }
        out.flush()
    })();
    result.map(|()| 0).or_else(ignore_broken_pipe)
}

fn list_phrases(checker: &Checker) -> Result<u8, String> {
    let mut out = BufWriter::new(io::stdout().lock());
    let result = (|| -> io::Result<()> {
        for p in checker.literal_phrases() {
            writeln!(out, "{p}")?;
        }
        out.flush()
    })();
    result.map(|()| 0).or_else(ignore_broken_pipe)
}

/// A rule's channels joined by `sep`, or `all` when it judges every one.
fn channel_list(rule: &tactful::Rule, sep: &str, all: &str) -> String {
    if rule.channels.is_empty() {
        return all.to_owned();
    }
    let names: Vec<&str> = rule.channels.iter().map(|c| c.as_str()).collect();
    names.join(sep)
}

/// `check --list-phrases | head` is not an error.
fn ignore_broken_pipe(e: io::Error) -> Result<u8, String> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(0)
    } else {
        Err(format!("cannot write output: {e}"))
    }
}

fn explain(checker: &Checker, id: &str) -> Result<u8, String> {
    let Some(rule) = checker.rules().iter().find(|r| r.id == id) else {
        let near = closest_rule(checker.rules(), id)
            .map(|r| format!("; did you mean `{r}`?"))
            .unwrap_or_default();
        return Err(format!("no rule `{id}`{near} (see --list-rules)"));
    };
    let channels = channel_list(rule, ", ", "every channel");
    println!(
        "{} ({}, {}; {channels}{})",
        rule.id,
        rule.category,
        rule.severity,
        if rule.enabled { "" } else { "; disabled" }
    );
    if let Some(loc) = checker.pack().rule_location(&rule.id) {
        println!("defined at {loc}");
    }
    println!();
    println!("{}", rule.message);
    println!();
    println!("Why: {}", rule.rationale);
    if !rule.suggestions.is_empty() {
        println!();
        println!("Suggests:");
        for s in &rule.suggestions {
            println!("  {} ({})", s.text.trim(), s.kind().as_str());
        }
    }
    if !rule.examples.is_empty() {
        println!();
        println!("Flags:");
        for e in &rule.examples {
            println!("  - {}", e.text.replace('\n', "\n    "));
            if let Some(f) = &e.fixed {
                println!("    → {}", f.replace('\n', "\n      "));
            }
        }
    }
    if !rule.counterexamples.is_empty() {
        println!();
        println!("Leaves alone:");
        for c in &rule.counterexamples {
            println!("  - {}", c.replace('\n', "\n    "));
        }
    }
    Ok(0)
}

/// The rule id nearest to a mistyped one, if any is near.
fn closest_rule<'r>(rules: &'r [Rule], id: &str) -> Option<&'r str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    rules
        .iter()
        .map(|r| (distance(&r.id, id), r.id.as_str()))
        .filter(|(d, r)| *d <= 3 || r.contains(id))
        .min()
        .map(|(_, r)| r)
}

// ---------------------------------------------------------------------------
// Terminal styling

const BOLD: &str = "1";
const RED: &str = "31";
const GREEN: &str = "32";
const RED_BOLD: &str = "1;31";
const YELLOW_BOLD: &str = "1;33";
const CYAN_BOLD: &str = "1;36";
const BLUE_BOLD: &str = "1;34";
const GREEN_BOLD: &str = "1;32";

struct Style {
    on: bool,
}

impl Style {
    /// `--color` if given; otherwise colour when the stream is a terminal
    /// and `NO_COLOR` is not set.
    fn new(flag: Option<bool>, terminal: bool) -> Style {
        Style {
            on: flag.unwrap_or_else(|| {
                terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }),
        }
    }

    fn paint<'s>(&self, code: &str, s: &'s str) -> Cow<'s, str> {
        if self.on && !s.is_empty() {
            Cow::Owned(format!("\x1b[{code}m{s}\x1b[0m"))
        } else {
            Cow::Borrowed(s)
        }
    }
}

/// Index of a severity in per-severity counts.
fn severity_index(sev: Severity) -> usize {
    match sev {
        Severity::Hint => 0,
        Severity::Warning => 1,
        _ => 2,
    }
}

fn severity_code(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => RED_BOLD,
        Severity::Warning => YELLOW_BOLD,
        _ => CYAN_BOLD,
    }
}

/// Columns a character takes in a terminal: tabs are shown as four
/// spaces, combining marks take none, East Asian wide characters and most
/// emoji take two.
fn char_width(c: char) -> usize {
    let u = c as u32;
    match u {
        0x09 => 4,
        0x00..=0x08 | 0x0A..=0x1F | 0x7F => 0,
        0x0300..=0x036F | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// How much of a long line a snippet shows.
const MAX_SOURCE_WIDTH: usize = 100;
/// Columns kept before the underlined part when a long line is cut.
const LEFT_CONTEXT: usize = 30;

/// A line as shown in a snippet: cut to fit, and where the carets go.
struct Shown {
    text: String,
    /// Columns before the first caret.
    pad: usize,
    /// Number of carets (at least one).
    len: usize,
}

/// Shows `line` with `a..b` (byte offsets, `a <= b`) underlined, cutting a
/// long line to about `max` columns around the underlined part and marking
/// the cuts with `...`.
fn window(line: &str, a: usize, b: usize, max: usize) -> Shown {
    let cells: Vec<(usize, char, usize)> = {
        let mut col = 0;
        line.chars()
            .map(|c| {
                let cell = (col, c, char_width(c));
                col += cell.2;
                cell
            })
            .collect()
    };
    let total = str_width(line);
    let col_a = str_width(&line[..a]);
    let col_b = str_width(&line[..b]);
    let (mut left, mut right) = (0, total);
    if total > max {
        left = col_a.saturating_sub(LEFT_CONTEXT);
        right = (left + max).min(total);
        if right - left < max {
            left = right.saturating_sub(max).min(col_a);
        }
        // Cut at a space when one is near, and never into the underline.
        const SNAP: usize = 12;
        if left > 0 {
            if let Some(&(c, _, _)) = cells
                .iter()
                .find(|(c, ch, _)| *c >= left && *c < left + SNAP && *ch == ' ')
            {
                left = (c + 1).min(col_a);
            }
        }
        if right < total {
            if let Some(&(c, _, _)) = cells
                .iter()
                .rev()
                .find(|(c, ch, _)| *c < right && *c + SNAP >= right && *ch == ' ')
            {
                right = c.max(col_b).max(left);
            }
        }
    }
    let mut text = String::with_capacity(line.len().min(max * 4) + 8);
    let mut start_col = None;
    let mut end_col = 0;
    let mut cut_right = false;
    for &(col, c, w) in &cells {
        if col + w > right && w > 0 {
            cut_right = true;
            break;
        }
        if col < left {
            continue;
        }
        start_col.get_or_insert(col);
        if c == '\t' {
            text.push_str("    ");
        } else if !c.is_control() {
            text.push(c);
        }
        end_col = col + w;
    }
    let start_col = start_col.unwrap_or(left.min(total));
    let prefix = if start_col > 0 { 3 } else { 0 };
    if prefix > 0 {
        text.insert_str(0, "...");
    }
    if cut_right {
        text.push_str("...");
    }
    let from = col_a.max(start_col);
    let to = col_b.min(end_col.max(from));
    Shown {
        text,
        pad: prefix + from - start_col,
        len: to.saturating_sub(from).max(1),
    }
}

// ---------------------------------------------------------------------------
// Reply files

/// Collects the reply files to check; paths that are neither a file nor a
/// directory are reported and skipped.
fn collect_files(paths: &[String], problems: &mut usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(PathBuf::from("-"));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let entries = match fs::read_dir(path) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    *problems += 1;
                    continue;
                }
            };
            let mut entries: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && matches!(
                            p.extension().and_then(|e| e.to_str()),
                            Some("txt" | "md" | "eml")
                        )
                        && p.file_name().and_then(|n| n.to_str()) != Some("EXPECTED.md")
                })
                .collect();
            entries.sort();
            if entries.is_empty() {
                eprintln!(
                    "warning: no reply files (*.txt, *.md, *.eml) in {}",
                    path.display()
                );
            }
            out.extend(entries);
        } else if path.exists() {
            out.push(path.to_path_buf());
        } else {
            eprintln!("error: no such file or directory: {}", path.display());
            *problems += 1;
        }
    }
    out
}

fn channel_of(path: &Path, default: Channel) -> Channel {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".chat.") {
        Channel::Chat
    } else if name.contains(".social.") {
        Channel::Social
    } else {
        default
    }
}

fn run_files(checker: &Checker, args: &Args) -> Result<u8, String> {
    let mut problems = 0;
    let paths = collect_files(&args.paths, &mut problems);
    // On a terminal, each reply's diagnostics appear as soon as it is checked.
    let live = io::stdout().is_terminal();
    let style = Style::new(args.color, live);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut tally = Tally::new(checker, args.summary);
    let started = Instant::now();
    let mut counts = [0usize; 3];
    let mut rewritten = 0usize;
    install_panic_hook();
    for path in &paths {
        let is_stdin = path.as_os_str() == "-";
        let read = if is_stdin {
            let mut s = String::new();
            io::stdin().read_to_string(&mut s).map(|_| s)
        } else {
            fs::read_to_string(path)
        };
        let name = if is_stdin {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let text = match read {
            Ok(s) => s,
            Err(e) => {
                let _ = out.flush(); // keep stdout and stderr in order
                eprintln!("error: cannot read {name}: {e}");
                problems += 1;
                continue;
            }
        };
        let options = CheckOptions::channel(channel_of(path, args.channel));
        let done = catching(|| -> io::Result<Option<String>> {
            let report = checker.check_with(&text, &options);
            print_report(&mut out, &style, &name, &report)?;
            tally.add(checker, &report, args.fail_on);
            for f in report.findings() {
                counts[severity_index(f.severity())] += 1;
            }
            if !(args.fix || args.write) || report.fixes().is_empty() {
                if args.fix {
                    print_no_fix(&mut out, &style, &name, &report)?;
                }
                return Ok(None);
            }
            let fixed = report.fixed();
            if args.fix {
                let after = checker.check_with(&fixed, &options);
                print_fix(&mut out, &style, &name, &report, &after)?;
            }
            Ok(Some(fixed))
        });
        match done {
            Ok(Ok(Some(fixed))) if args.write && !is_stdin && fixed != text => {
                match fs::write(path, &fixed) {
                    Ok(()) => rewritten += 1,
                    Err(e) => {
                        let _ = out.flush();
                        eprintln!("error: cannot write {name}: {e}");
                        problems += 1;
                    }
                }
            }
            Ok(Ok(Some(_))) if args.write && is_stdin => {
                let _ = out.flush();
                eprintln!(
                    "warning: --write leaves standard input alone; use --fix to see the fixes"
                );
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return ignore_broken_pipe(e),
            Err(msg) => {
                out.flush().map_err(|e| e.to_string())?;
                eprintln!(
                    "error: internal error while checking {name}: {msg} (this is a bug in tactful)"
                );
                problems += 1;
            }
        }
        if live {
            let _ = out.flush();
        }
    }
    let replies = tally.replies as usize;
    let result = print_closing(&mut out, &style, replies, counts, problems, rewritten);
    if let Err(e) = result.and_then(|()| out.flush()) {
        return ignore_broken_pipe(e);
    }
    if args.summary {
        print_summary(checker, &tally, started, false);
    }
    // Reading findings off reply files is the normal outcome: only an
    // explicit --fail-on turns them into a failing exit.
    Ok(if problems > 0 {
        2
    } else if tally.failed && args.fail_on_given {
        1
    } else {
        0
    })
}

/// The closing line: replies checked and findings by severity.
fn print_closing(
    out: &mut impl Write,
    style: &Style,
    replies: usize,
    counts: [usize; 3],
    problems: usize,
    rewritten: usize,
) -> io::Result<()> {
    let total: usize = counts.iter().sum();
    let mut line = format!(
        "{}: {replies} {} checked, ",
        style.paint(BOLD, "summary"),
        plural("reply", replies)
    );
    if total == 0 {
        line.push_str(&style.paint(GREEN_BOLD, "no findings"));
    } else {
        line.push_str(&format!("{total} {} (", plural("finding", total)));
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Hint]
            .into_iter()
            .map(|s| {
                let n = counts[severity_index(s)];
                let words = format!("{n} {}", plural(s.as_str(), n));
                if n > 0 {
                    style.paint(severity_code(s), &words).into_owned()
                } else {
                    words
                }
            })
            .collect();
        line.push_str(&parts.join(", "));
        line.push(')');
    }
    if rewritten > 0 {
        line.push_str(&format!(
            ", {rewritten} {} rewritten",
            plural("file", rewritten)
        ));
    }
    if problems > 0 {
        line.push_str(&format!(
            ", {problems} {} could not be checked",
            plural("input", problems)
        ));
    }
    writeln!(out, "{line}")
}

fn plural(word: &str, n: usize) -> String {
    if n == 1 {
        word.to_owned()
    } else if word == "reply" {
        "replies".to_owned()
    } else {
        format!("{word}s")
    }
}

/// One line of a text: its byte range without the line break.
fn line_range(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let end = if text[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end
}

/// Prints the findings of one reply as `rustc` prints diagnostics:
///
/// ```text
/// warning[policy-shield]: Policy is given as the whole reason. …
///  --> replies/08-roaming-charges.txt:5:230
///   |
/// 5 | ...been billed. That's our policy, I'm afraid.
///   |                 ^^^^^^^^^^^^^^^^^
///   = help: replace with "The reason we ask for this is …"
/// ```
fn print_report(
    out: &mut impl Write,
    style: &Style,
    name: &str,
    report: &Report<'_>,
) -> io::Result<()> {
    let text = report.text();
    let bar = style.paint(BLUE_BOLD, "|");
    for f in report.findings() {
        let pos = report.position(f);
        let span = f.span();
        let sev = f.severity();
        writeln!(
            out,
            "{}{}: {}",
            style.paint(severity_code(sev), sev.as_str()),
            style.paint(severity_code(sev), &format!("[{}]", f.rule_id())),
            style.paint(BOLD, f.message())
        )?;
        // The lines the span covers; at most four are shown.
        let last_at = if span.end > span.start && text[..span.end].ends_with('\n') {
            span.end - 1
        } else {
            span.end
        };
        let first_line = pos.line;
        let last_line = first_line + text[span.start..last_at].matches('\n').count();
        let gutter = last_line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(
            out,
            "{pad}{} {name}:{}:{}",
            style.paint(BLUE_BOLD, "-->"),
            pos.line,
            pos.column
        )?;
        writeln!(out, "{pad} {bar}")?;
        let mut at = span.start;
        for n in first_line..=last_line {
            let r = line_range(text, at);
            let shown_here = n - first_line < 3 || n == last_line;
            if shown_here {
                let a = span.start.clamp(r.start, r.end) - r.start;
                let b = span.end.clamp(r.start, r.end) - r.start;
                let shown = window(&text[r.clone()], a, b, MAX_SOURCE_WIDTH);
                let marks = if span.is_empty() {
                    "^".to_owned()
                } else {
                    "^".repeat(shown.len)
                };
                gutter_line(
                    out,
                    &style.paint(BLUE_BOLD, &format!("{n:>gutter$}")),
                    &bar,
                    &shown.text,
                )?;
                writeln!(
                    out,
                    "{pad} {bar} {}{}",
                    " ".repeat(shown.pad),
                    style.paint(severity_code(sev), &marks)
                )?;
            } else if n - first_line == 3 {
                writeln!(out, "{}", style.paint(BLUE_BOLD, "..."))?;
            }
            at = (r.end + 1).min(text.len());
            if text[r.end..].starts_with("\r\n") {
                at = (r.end + 2).min(text.len());
            }
        }
        // A fix is help ("fix all" applies it); advice is a note for the
        // agent, never applied.
        for s in f.suggestions().iter().take(3) {
            let (label, what) = if s.is_fix() {
                ("help", describe_suggestion(s, f.matched(), span.start == 0))
            } else {
                ("note", format!("consider {:?}", s.text.trim()))
            };
            writeln!(
                out,
                "{pad} {} {}: {}",
                style.paint(BLUE_BOLD, "="),
                style.paint(BOLD, label),
                what
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn describe_suggestion(s: &Suggestion, matched: &str, at_start: bool) -> String {
    match s.edit {
        Edit::Replace => format!("replace with {:?}", s.text.trim()),
        Edit::Insert if at_start => format!("insert {:?} at the start", s.text.trim()),
        Edit::Insert => format!("insert {:?}", s.text.trim()),
        _ => format!("remove {matched:?}"),
    }
}

fn print_no_fix(
    out: &mut impl Write,
    style: &Style,
    name: &str,
    report: &Report<'_>,
) -> io::Result<()> {
    let n = report.findings().len();
    let why = if n == 0 {
        "nothing to change".to_owned()
    } else {
        format!(
            "no automatic fix; {n} {} to rewrite by hand",
            plural("finding", n)
        )
    };
    writeln!(out, "{} {name}: {why}\n", style.paint(GREEN_BOLD, "fixed:"))
}

/// Prints a reply rewritten with its fixes, as a diff of the lines that
/// change with two lines of context. Under each new line, `~` marks
/// replaced text and `+` inserted text; under each old line, `-` marks
/// removed text.
fn print_fix(
    out: &mut impl Write,
    style: &Style,
    name: &str,
    before: &Report<'_>,
    after: &Report<'_>,
) -> io::Result<()> {
    const CONTEXT: usize = 2;
    let text = before.text();
    let edits = before.fixes();
    let left = after.findings().len();
    writeln!(
        out,
        "{} {name} ({} {}, score {} → {}{})",
        style.paint(GREEN_BOLD, "fixed:"),
        edits.len(),
        plural("edit", edits.len()),
        before.score(),
        after.score(),
        if left == 0 {
            String::new()
        } else {
            let advice = before.advice_only();
            format!(
                ", {left} {} left, {advice} with advice only",
                plural("finding", left)
            )
        }
    )?;
    // Line starts of the old text; a text ending in a line break has an
    // empty last line.
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let line_of = |at: usize| starts.partition_point(|&s| s <= at) - 1;
    let line_end = |n: usize| starts.get(n + 1).copied().unwrap_or(text.len());
    // Group edits that touch the same lines.
    struct Group<'e> {
        first: usize,
        last: usize,
        edits: Vec<&'e (Range<usize>, &'e str)>,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for e in &edits {
        let first = line_of(e.0.start);
        let last = if e.0.end > e.0.start {
            line_of(e.0.end - 1)
        } else {
            first
        };
        match groups.last_mut() {
            Some(g) if first <= g.last => {
                g.last = g.last.max(last);
                g.edits.push(e);
            }
            _ => groups.push(Group {
                first,
                last,
                edits: vec![e],
            }),
        }
    }
    let new_lines_total = after.text().matches('\n').count() + 1;
    let gutter = starts.len().max(new_lines_total).to_string().len();
    let pad = " ".repeat(gutter);
    let bar = style.paint(BLUE_BOLD, "|");
    let num = |n: usize| format!("{n:>gutter$}");
    let mut delta: isize = 0; // new line number minus old
    let mut shown_until = 0; // old lines already printed
    writeln!(out, "{pad} {bar}")?;
    // An unchanged line `n`, numbered as it stands in the fixed text.
    let context = |out: &mut dyn Write, n: usize, delta: isize| {
        let new_n = (n as isize + delta) as usize;
        gutter_line(
            out,
            &style.paint(BLUE_BOLD, &num(new_n + 1)),
            &bar,
            &expand_tabs(strip_eol(&text[starts[n]..line_end(n)])),
        )
    };
    for (gi, g) in groups.iter().enumerate() {
        let ctx_from = g.first.saturating_sub(CONTEXT).max(shown_until);
        if gi > 0 && ctx_from > shown_until {
            writeln!(out, "{}", style.paint(BLUE_BOLD, "..."))?;
        }
        for n in ctx_from..g.first {
            context(out, n, delta)?;
        }
        // The old block and the new one, with the edited ranges in each.
        let block = starts[g.first]..line_end(g.last);
        let old = &text[block.clone()];
        let mut new = String::with_capacity(old.len() + 64);
        let mut old_marks: Vec<(Range<usize>, char)> = Vec::new();
        let mut new_marks: Vec<(Range<usize>, char)> = Vec::new();
        let mut at = block.start;
        for (span, repl) in &g.edits {
            new.push_str(&text[at..span.start]);
            let from = new.len();
            new.push_str(repl);
            if span.is_empty() {
                new_marks.push((from..new.len(), '+'));
            } else if repl.is_empty() {
                old_marks.push((span.start - block.start..span.end - block.start, '-'));
            } else {
                new_marks.push((from..new.len(), '~'));
            }
            at = span.end;
        }
        new.push_str(&text[at..block.end]);
        let old_count = print_block(out, style, old, &old_marks, '-', g.first, gutter)?;
        let new_first = (g.first as isize + delta) as usize;
        let new_count = print_block(out, style, &new, &new_marks, '+', new_first, gutter)?;
        delta += new_count as isize - old_count as isize;
        // Context after, up to the next group's context.
        let next_first = groups.get(gi + 1).map_or(usize::MAX, |n| n.first);
        let ctx_to = (g.last + 1 + CONTEXT).min(starts.len()).min(next_first);
        for n in g.last + 1..ctx_to {
            if n == starts.len() - 1 && starts[n] == text.len() {
                break; // the empty line after a final line break
            }
            context(out, n, delta)?;
        }
        shown_until = ctx_to.max(g.last + 1);
    }
    writeln!(out, "{pad} {bar}")?;
    if edits.iter().any(|(_, r)| r.contains('…')) {
        writeln!(
            out,
            "{pad} {} {}: some fixes leave a \"…\" to fill in before sending",
            style.paint(BLUE_BOLD, "="),
            style.paint(BOLD, "note")
        )?;
    }
    writeln!(out)
}

/// `N | text`, without a trailing space when the text is empty.
fn gutter_line(
    out: &mut (impl Write + ?Sized),
    num: &str,
    mark: &str,
    text: &str,
) -> io::Result<()> {
    if text.is_empty() {
        writeln!(out, "{num} {mark}")
    } else {
        writeln!(out, "{num} {mark} {text}")
    }
}

fn strip_eol(line: &str) -> &str {
    line.strip_suffix('\n')
        .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l))
}

/// A line as shown in a diff: tabs as four spaces, as `char_width` counts
/// them.
fn expand_tabs(line: &str) -> Cow<'_, str> {
    if line.contains('\t') {
        Cow::Owned(line.replace('\t', "    "))
    } else {
        Cow::Borrowed(line)
    }
}

/// Prints the lines of `block` as `-` or `+` lines numbered from
/// `first + 1`, each followed by a line of marks under its marked ranges.
/// Returns how many lines it printed.
fn print_block(
    out: &mut impl Write,
    style: &Style,
    block: &str,
    marks: &[(Range<usize>, char)],
    sign: char,
    first: usize,
    gutter: usize,
) -> io::Result<usize> {
    let code = if sign == '-' { RED } else { GREEN };
    let mut count = 0;
    let mut at = 0;
    for raw in block.split_inclusive('\n') {
        let line = strip_eol(raw);
        let range = at..at + line.len();
        let mut under = String::new();
        let mut col = 0;
        for (m, c) in marks {
            let a = m.start.clamp(range.start, range.end);
            let b = m.end.clamp(range.start, range.end);
            if a >= b {
                continue; // not on this line, or only its line break
            }
            let ca = str_width(&line[..a - range.start]);
            let cb = str_width(&line[..b - range.start]).max(ca + 1);
            if ca < col {
                continue;
            }
            under.push_str(&" ".repeat(ca - col));
            under.extend(std::iter::repeat_n(*c, cb - ca));
            col = cb;
        }
        gutter_line(
            out,
            &style.paint(BLUE_BOLD, &format!("{:>gutter$}", first + count + 1)),
            &style.paint(
                if sign == '-' { RED_BOLD } else { GREEN_BOLD },
                &sign.to_string(),
            ),
            &style.paint(code, &expand_tabs(line)),
        )?;
        if !under.is_empty() {
            writeln!(
                out,
                "{:gutter$} {} {}",
                "",
                style.paint(BLUE_BOLD, "|"),
                style.paint(if sign == '-' { RED_BOLD } else { GREEN_BOLD }, &under)
            )?;
        }
        count += 1;
        at += raw.len();
    }
    Ok(count)
}

// ---------------------------------------------------------------------------
// Panics in the library
//
// The library should never panic on input; if it does, the reply it
// panicked on is reported as an error in its place (and the exit status is
// 2), and every other reply is still checked.

thread_local! {
    /// Whether this thread is inside `catching`.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last caught panic happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps panics inside `catching` quiet (their message goes into the
/// output instead) and remembers where each happened; others are printed
/// as usual.
fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        if CATCHING.with(|c| c.get()) {
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            PANIC_AT.with(|p| *p.borrow_mut() = at);
        } else {
            eprintln!("{info}");
        }
    }));
}

/// Runs `f`, turning a panic into its message.
fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CATCHING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    result.map_err(|payload| panic_message(&*payload))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    let mut msg: String = msg.chars().take(200).collect();
    if let Some(at) = PANIC_AT.with(|p| p.borrow_mut().take()) {
        msg.push_str(" at ");
        msg.push_str(&at);
    }
    msg
}

// ---------------------------------------------------------------------------
// Per-rule summary

#[derive(Default)]
struct Tally {
    replies: u64,
    malformed: u64,
    internal: u64,
    failed: bool,
    /// Per rule, by index in `Checker::rules`: findings, replies affected.
    /// Empty unless `--summary` asked for it.
    rules: Vec<(u64, u64)>,
    /// Per rule: the last reply counted in `rules`, to count each reply
    /// once.
    stamp: Vec<u64>,
}

impl Tally {
    fn new(checker: &Checker, per_rule: bool) -> Tally {
        let n = if per_rule { checker.rules().len() } else { 0 };
        Tally {
            rules: vec![(0, 0); n],
            stamp: vec![0; n],
            ..Tally::default()
        }
    }

    /// Counts one checked reply.
    fn add(&mut self, checker: &Checker, report: &Report<'_>, fail_on: Severity) {
        self.replies += 1;
        for f in report.findings() {
            self.failed |= f.severity() >= fail_on;
        }
        if self.rules.is_empty() {
            return;
        }
        let rules = checker.rules();
        for f in report.findings() {
            let Some(i) = rules.iter().position(|r| std::ptr::eq(r, f.rule())) else {
                continue;
            };
            self.rules[i].0 += 1;
            if self.stamp[i] != self.replies {
                self.stamp[i] = self.replies;
                self.rules[i].1 += 1;
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.replies += other.replies;
        self.malformed += other.malformed;
        self.internal += other.internal;
        self.failed |= other.failed;
        for (a, b) in self.rules.iter_mut().zip(other.rules) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }
}

/// Per-rule counts on stderr, most replies first.
fn print_summary(checker: &Checker, tally: &Tally, started: Instant, batch: bool) {
    let secs = started.elapsed().as_secs_f64();
    let mut err = io::stderr().lock();
    let mut head = format!(
        "{} {} checked in {secs:.2}s",
        tally.replies,
        plural("reply", tally.replies as usize)
    );
    if batch {
        head.push_str(&format!(
            ", {} malformed {}",
            tally.malformed,
            plural("line", tally.malformed as usize)
        ));
    }
    if tally.internal > 0 {
        head.push_str(&format!(", {} internal errors", tally.internal));
    }
    let _ = writeln!(err, "{head}");
    let w = id_width(checker);
    let _ = writeln!(
        err,
        "{:<w$} {:<8} {:>9} {:>9} {:>10}",
        "rule", "severity", "findings", "replies", "per 1,000"
    );
    let mut rows: Vec<(&Rule, (u64, u64))> = checker
        .rules()
        .iter()
        .zip(tally.rules.iter().copied())
        .filter(|(_, (f, _))| *f > 0)
        .collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.id.cmp(&b.0.id)));
    for (rule, (findings, replies)) in rows {
        let rate = if tally.replies == 0 {
            0.0
        } else {
            replies as f64 * 1000.0 / tally.replies as f64
        };
        let _ = writeln!(
            err,
            "{:<w$} {:<8} {findings:>9} {replies:>9} {rate:>10.1}",
            rule.id,
            rule.severity.as_str()
        );
    }
}

// ---------------------------------------------------------------------------
// JSON Lines

#[derive(Deserialize)]
struct InputLine<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    channel: Option<Cow<'a, str>>,
}

/// Lines per block: small enough that threads share the work evenly and
/// memory stays flat, large enough that handing blocks over costs little.
const BLOCK_BYTES: usize = 256 << 10;
const BLOCK_LINES: usize = 4096;

/// What every batch worker needs.
struct Batch<'c> {
    checker: &'c Checker,
    channel: Channel,
    fail_on: Severity,
    summary: bool,
    rule_json: RuleJson<'c>,
}

/// Each rule's JSON fields that are the same in every finding, rendered
/// once: escaping a rule's message anew for each finding was a seventh of
/// the batch run.
struct RuleJson<'c> {
    rules: &'c [Rule],
    /// For each rule: `{"rule":…,"category":…,` and `"message":…`.
    json: Vec<(String, String)>,
}

impl<'c> RuleJson<'c> {
    fn all(checker: &'c Checker) -> RuleJson<'c> {
        let json = checker
            .rules()
            .iter()
            .map(|r| {
                let head = format!(
                    "{{\"rule\":{},\"category\":{},",
                    to_json(&r.id),
                    to_json(&r.category)
                );
                (head, format!("\"message\":{}", to_json(&r.message)))
            })
            .collect();
        RuleJson {
            rules: checker.rules(),
            json,
        }
    }

    /// The fragments of the rule a finding comes from.
    fn of(&self, rule: &Rule) -> Option<&(String, String)> {
        let i = self.rules.iter().position(|r| std::ptr::eq(r, rule))?;
        self.json.get(i)
    }
}

/// Appends `n` in decimal.
fn push_num(out: &mut Vec<u8>, n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

fn run_jsonl(checker: &Checker, input: &str, args: &Args) -> Result<u8, String> {
    let (reader, size): (Box<dyn BufRead>, Option<u64>) = if input == "-" {
        (
            Box::new(io::BufReader::with_capacity(1 << 20, io::stdin())),
            None,
        )
    } else {
        let f = fs::File::open(input).map_err(|e| format!("cannot read {input}: {e}"))?;
        let size = f.metadata().ok().map(|m| m.len()).filter(|&n| n > 0);
        (Box::new(io::BufReader::with_capacity(1 << 20, f)), size)
    };
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut progress = Progress::new(io::stderr().is_terminal(), size);
    let job = Batch {
        checker,
        channel: args.channel,
        fail_on: args.fail_on,
        summary: args.summary,
        rule_json: RuleJson::all(checker),
    };
    install_panic_hook();
    let mut blocks = BlockReader {
        reader,
        input,
        next_line: 1,
        bytes_read: 0,
    };
    let mut tally = Tally::new(checker, args.summary);
    let written = if args.threads <= 1 {
        // One thread reads, checks and writes in turn.
        let mut block = Block::default();
        loop {
            if !blocks.fill(&mut block)? {
                break Ok(());
            }
            tally.merge(check_block(&job, &mut block));
            if let Err(e) = out.write_all(&block.out) {
                break Err(e);
            }
            progress.update(tally.replies, blocks.bytes_read);
        }
    } else {
        pipeline(&job, args.threads, &mut blocks, |block, t| {
            tally.merge(t);
            out.write_all(&block.out)?;
            progress.update(tally.replies, block.bytes_read_after);
            Ok(())
        })?
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        return ignore_broken_pipe(e);
    }
    progress.finish();
    if args.summary {
        print_summary(checker, &tally, progress.started, true);
    }
    if tally.internal > 0 {
        eprintln!(
            "error: tactful panicked on {} {}; each is reported in its place \
             (this is a bug in tactful)",
            tally.internal,
            plural("line", tally.internal as usize)
        );
    }
    Ok(if tally.malformed > 0 || tally.internal > 0 {
        2
    } else if tally.failed {
        1
    } else {
        0
    })
}

/// Checks blocks on `threads` worker threads while this thread reads the
/// input and hands each block's output to `write` in input order. Workers
/// live for the whole run and blocks are recycled, so memory stays flat:
/// at most `3 * threads` blocks are in flight.
fn pipeline(
    job: &Batch<'_>,
    threads: usize,
    blocks: &mut BlockReader<'_>,
    mut write: impl FnMut(&Block, Tally) -> io::Result<()>,
) -> Result<io::Result<()>, String> {
    let (work_tx, work_rx) = mpsc::sync_channel::<Block>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    // A block comes back with its tally, or with none if checking it
    // panicked outside the per-line guard.
    let (done_tx, done_rx) = mpsc::channel::<(Block, Option<Tally>)>();
    std::thread::scope(|scope| {
        // Owned here, so that leaving this closure early stops the workers.
        let work_tx = work_tx;
        for _ in 0..threads {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || loop {
                // The lock is held only while waiting for the next block.
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(mut block) = next else {
                    return;
                };
                let tally =
                    panic::catch_unwind(AssertUnwindSafe(|| check_block(job, &mut block))).ok();
                if done_tx.send((block, tally)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let max_in_flight = threads * 3;
        let mut free: Vec<Block> = Vec::new();
        let mut pending: BTreeMap<u64, (Block, Tally)> = BTreeMap::new();
        let (mut sent, mut next_out, mut eof) = (0u64, 0u64, false);
        let mut result = Ok(());
        loop {
            while !eof && sent - next_out < max_in_flight as u64 {
                let mut block = free.pop().unwrap_or_default();
                if !blocks.fill(&mut block)? {
                    eof = true;
                    break;
                }
                block.seq = sent;
                sent += 1;
                if work_tx.send(block).is_err() {
                    // The workers are gone; the scope reports why.
                    eof = true;
                }
            }
            if next_out == sent {
                break;
            }
            let Ok((block, tally)) = done_rx.recv() else {
                break;
            };
            let Some(tally) = tally else {
                return Err(format!(
                    "internal error: checking lines {}–{} failed (this is a bug in tactful)",
                    block.first_line,
                    block.first_line + block.ends.len() as u64 - 1
                ));
            };
            pending.insert(block.seq, (block, tally));
            while let Some((block, tally)) = pending.remove(&next_out) {
                next_out += 1;
                if result.is_ok() {
                    result = write(&block, tally);
                    if result.is_err() {
                        // Output is gone (a closed pipe): stop reading.
                        eof = true;
                    }
                }
                free.push(block);
            }
        }
        Ok(result)
    })
}

/// A run of input lines and the output for them.
#[derive(Default)]
struct Block {
    seq: u64,
    first_line: u64,
    /// The lines, back to back, and where each ends.
    data: Vec<u8>,
    ends: Vec<usize>,
    out: Vec<u8>,
    bytes_read_after: u64,
}

/// Reads the input a block at a time.
struct BlockReader<'i> {
    reader: Box<dyn BufRead>,
    input: &'i str,
    next_line: u64,
    bytes_read: u64,
}

impl BlockReader<'_> {
    /// Fills `block` with the next lines; false at the end of the input.
    fn fill(&mut self, block: &mut Block) -> Result<bool, String> {
        block.data.clear();
        block.ends.clear();
        block.out.clear();
        block.first_line = self.next_line;
        while block.ends.len() < BLOCK_LINES && block.data.len() < BLOCK_BYTES {
            let got = self
                .reader
                .read_until(b'\n', &mut block.data)
                .map_err(|e| format!("cannot read {}: {e}", self.input))?;
            if got == 0 {
                break;
            }
            if self.next_line == 1
                && block.ends.is_empty()
                && block.data.starts_with(b"\xEF\xBB\xBF")
            {
                block.data.drain(..3); // a byte-order mark
            }
            self.bytes_read += got as u64;
            block.ends.push(block.data.len());
            self.next_line += 1;
        }
        block.bytes_read_after = self.bytes_read;
        Ok(!block.ends.is_empty())
    }
}

fn check_block(job: &Batch<'_>, block: &mut Block) -> Tally {
    let mut tally = Tally::new(job.checker, job.summary);
    let mut start = 0;
    let out = &mut block.out;
    for (k, &end) in block.ends.iter().enumerate() {
        check_line(
            job,
            &block.data[start..end],
            block.first_line + k as u64,
            out,
            &mut tally,
        );
        start = end;
    }
    tally
}

fn check_line(job: &Batch<'_>, raw: &[u8], line_no: u64, out: &mut Vec<u8>, tally: &mut Tally) {
    {
        let raw = trim_line(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let parsed = std::str::from_utf8(raw)
            .map_err(|e| format!("line {line_no}: not UTF-8: {e}"))
            .and_then(|s| parse_line(s, line_no))
            .and_then(|(id, text, channel)| match channel {
                None => Ok((id, text, job.channel)),
                Some(c) => c
                    .parse::<Channel>()
                    .map(|c| (id, text, c))
                    .map_err(|e| format!("line {line_no}: {e}")),
            });
        let (id, text, channel) = match parsed {
            Ok(v) => v,
            Err(msg) => {
                tally.malformed += 1;
                write_error(out, line_no, &msg);
                return;
            }
        };
        let mark = out.len();
        let checked = catching(|| {
            let report = job
                .checker
                .check_with(&text, &CheckOptions::channel(channel));
            write_result(out, id, &report, &job.rule_json);
            tally.add(job.checker, &report, job.fail_on);
        });
        if let Err(msg) = checked {
            out.truncate(mark);
            tally.internal += 1;
            write_error(
                out,
                line_no,
                &format!("line {line_no}: internal error: {msg}"),
            );
        }
    }
}

fn trim_line(raw: &[u8]) -> &[u8] {
    let mut end = raw.len();
    while end > 0 && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
        end -= 1;
    }
    &raw[..end]
}

type Parsed<'a> = (Option<&'a RawValue>, Cow<'a, str>, Option<Cow<'a, str>>);

fn parse_line(s: &str, line_no: u64) -> Result<Parsed<'_>, String> {
    match serde_json::from_str::<InputLine<'_>>(s) {
        Ok(l) => Ok((l.id, l.text, l.channel)),
        Err(e) => match serde_json::from_str::<serde_json::Value>(s) {
            Err(_) => Err(format!("line {line_no}: invalid JSON: {e}")),
            Ok(serde_json::Value::Object(m)) if m.get("text").is_some_and(|t| t.is_string()) => {
                Err(format!("line {line_no}: {e}"))
            }
            Ok(_) => Err(format!("line {line_no}: expected a string field \"text\"")),
        },
    }
}

/// `{"line":N,"error":"…"}`, keys in the order the contract shows them.
fn write_error(out: &mut Vec<u8>, line_no: u64, msg: &str) {
    let _ = write!(out, "{{\"line\":{line_no},\"error\":");
    let _ = serde_json::to_writer(&mut *out, msg);
    out.extend_from_slice(b"}\n");
}

/// One output line: `{"id":…,"findings":[…],"score":N}`. Each finding's
/// fields are those of `tactful::OwnedFinding`, in its order.
fn write_result(
    out: &mut Vec<u8>,
    id: Option<&RawValue>,
    report: &Report<'_>,
    rules: &RuleJson<'_>,
) {
    out.extend_from_slice(b"{\"id\":");
    match id {
        Some(raw) => out.extend_from_slice(raw.get().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"findings\":[");
    let text = report.text();
    // Line and column, counted on from the previous finding (findings come
    // in span order).
    let (mut at, mut line, mut line_start) = (0, 1, 0);
    for (k, f) in report.findings().iter().enumerate() {
        let span = f.span();
        if span.start < at {
            (at, line, line_start) = (0, 1, 0);
        }
        for (i, b) in text.as_bytes()[at..span.start].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = at + i + 1;
            }
        }
        at = span.start;
        if k > 0 {
            out.push(b',');
        }
        let column = text[line_start..span.start].chars().count() + 1;
        let fragments = rules.of(f.rule());
        match fragments {
            Some((head, _)) => out.extend_from_slice(head.as_bytes()),
            None => {
                let _ = write!(
                    out,
                    "{{\"rule\":{},\"category\":{},",
                    to_json(f.rule_id()),
                    to_json(&f.category())
                );
            }
        }
        // Severity names need no escaping.
        out.extend_from_slice(b"\"severity\":\"");
        out.extend_from_slice(f.severity().as_str().as_bytes());
        for (key, n) in [
            (&b"\",\"start\":"[..], span.start),
            (b",\"end\":", span.end),
            (b",\"line\":", line),
            (b",\"column\":", column),
        ] {
            out.extend_from_slice(key);
            push_num(out, n);
        }
        out.extend_from_slice(b",\"matched\":");
        let _ = serde_json::to_writer(&mut *out, f.matched());
        out.push(b',');
        match fragments {
            Some((_, message)) => out.extend_from_slice(message.as_bytes()),
            None => {
                let _ = write!(out, "\"message\":{}", to_json(f.message()));
            }
        }
        out.extend_from_slice(b",\"suggestions\":[");
        for (i, sug) in f.suggestions().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, &sug.text);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"score\":");
    push_num(out, usize::from(report.score()));
    out.extend_from_slice(b"}\n");
}

/// A progress line on stderr for long runs, only when stderr is a
/// terminal: shown after the first second, redrawn at most ten times a
/// second, erased at the end.
struct Progress {
    on: bool,
    size: Option<u64>,
    started: Instant,
    last: Option<Instant>,
}

impl Progress {
    fn new(terminal: bool, size: Option<u64>) -> Progress {
        Progress {
            on: terminal,
            size,
            started: Instant::now(),
            last: None,
        }
    }

    fn update(&mut self, replies: u64, bytes: u64) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        let elapsed = now - self.started;
        if elapsed < Duration::from_secs(1)
            || self
                .last
                .is_some_and(|l| now - l < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let mb = bytes as f64 / 1e6;
        let pct = self
            .size
            .map(|s| format!(" ({:.0}%)", 100.0 * bytes as f64 / s as f64))
            .unwrap_or_default();
        eprint!(
            "\r\x1b[K{replies} replies, {mb:.1} MB{pct}, {:.1} MB/s",
            mb / elapsed.as_secs_f64()
        );
    }

    fn finish(&self) {
        if self.last.is_some() {
            eprint!("\r\x1b[K");
        }
    }
}
