//! The command-line front end: checks reply files, or a JSON Lines corpus.
//!
//! ```text
//! cargo run --release --example check -- examples/replies/
//! cargo run --release --example check -- --fix examples/replies/08-roaming-charges.txt
//! cargo run --release --example check -- --jsonl replies.jsonl > results.jsonl
//! ```
//!
//! Run with `--help` for every option.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tactful::{Channel, CheckOptions, Checker, Pack, Report, Severity};

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
                      error (default), warning or hint
  --threads N         batch worker threads (default: all cores)
  --summary           per-rule summary on stderr at the end
  --fix               print each reply rewritten, with a diff
  --write             rewrite reply files in place with the fixes
  --list-rules        list the rules and exit
  --list-phrases      print every literal phrase of the pack and exit
  --explain RULE      print a rule's rationale, examples and suggestions
  --color WHEN        auto (default), always or never
  -h, --help          this text

exit status: 0 nothing at or above --fail-on; 1 something is; 2 bad usage,
an unreadable file, an invalid pack, or a malformed input line.";

struct Args {
    jsonl: Option<String>,
    rules: Vec<PathBuf>,
    channel: Channel,
    fail_on: Severity,
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
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--jsonl" => a.jsonl = Some(value("--jsonl")?),
            "--rules" => a.rules.push(PathBuf::from(value("--rules")?)),
            "--channel" => a.channel = value("--channel")?.parse()?,
            "--fail-on" => a.fail_on = value("--fail-on")?.parse()?,
            "--threads" => {
                let v = value("--threads")?;
                a.threads = v
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--threads takes a positive number, not `{v}`"))?;
            }
            "--summary" => a.summary = true,
            "--fix" => a.fix = true,
            "--write" => a.write = true,
            "--list-rules" => a.list_rules = true,
            "--list-phrases" => a.list_phrases = true,
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
    let checker = match build_checker(&args.rules) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = if args.list_rules {
        list_rules(&checker);
        Ok(0)
    } else if args.list_phrases {
        let out = io::stdout();
        let mut out = BufWriter::new(out.lock());
        for p in checker.literal_phrases() {
            let _ = writeln!(out, "{p}");
        }
        Ok(0)
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
            eprintln!("error: {e}");
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

fn list_rules(checker: &Checker) {
    println!(
        "{:<28} {:<12} {:<8} {}",
        "RULE", "CATEGORY", "SEVERITY", "ENABLED"
    );
    for r in checker.rules() {
        println!(
            "{:<28} {:<12} {:<8} {}",
            r.id,
            r.category.as_str(),
            r.severity.as_str(),
            if r.enabled { "yes" } else { "no" }
        );
    }
}

fn explain(checker: &Checker, id: &str) -> Result<u8, String> {
    let rule = checker
        .rules()
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| format!("no rule `{id}` (see --list-rules)"))?;
    println!("{} ({}, {})", rule.id, rule.category, rule.severity);
    println!();
    println!("{}", rule.message);
    println!();
    println!("Why: {}", rule.rationale);
    if !rule.suggestions.is_empty() {
        println!();
        println!("Suggests:");
        for s in &rule.suggestions {
            println!("  {}", s.trim());
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

// ---------------------------------------------------------------------------
// Reply files

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Hint => "1;36",
        };
        self.paint(code, sev.as_str())
    }
}

fn collect_files(paths: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(PathBuf::from("-"));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = fs::read_dir(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
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
            out.extend(entries);
        } else if path.is_file() {
            out.push(path.to_path_buf());
        } else {
            return Err(format!("no such file or directory: {}", path.display()));
        }
    }
    Ok(out)
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
    let paths = if args.paths.is_empty() {
        return Err("nothing to check: give reply files, a directory, - or --jsonl".into());
    } else {
        collect_files(&args.paths)?
    };
    let style = Style {
        on: args.color.unwrap_or_else(|| io::stdout().is_terminal()),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut failed = false;
    let mut replies = 0;
    let mut unreadable = false;
    for path in &paths {
        let text = if path.as_os_str() == "-" {
            let mut s = String::new();
            io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            s
        } else {
            match fs::read_to_string(path) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    unreadable = true;
                    continue;
                }
            }
        };
        replies += 1;
        let options = CheckOptions::channel(channel_of(path, args.channel));
        let report = checker.check_with(&text, &options);
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        print_report(&mut out, &style, &name, &report).map_err(|e| e.to_string())?;
        for f in report.findings() {
            *counts.entry(f.severity()).or_default() += 1;
            if f.severity() >= args.fail_on {
                failed = true;
            }
        }
        if args.fix || args.write {
            let fixed = report.fixed();
            if args.fix {
                print_fix(&mut out, &style, &name, &text, &fixed, report.score())
                    .map_err(|e| e.to_string())?;
            }
            if args.write && fixed != text && path.as_os_str() != "-" {
                fs::write(path, &fixed)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    let total: usize = counts.values().sum();
    let by_sev = [Severity::Error, Severity::Warning, Severity::Hint]
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                counts.get(s).copied().unwrap_or(0),
                plural(s.as_str(), counts.get(s).copied().unwrap_or(0))
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        out,
        "{}: {replies} {} checked, {total} {} ({by_sev})",
        style.paint("1", "summary"),
        plural("reply", replies).replace("replys", "replies"),
        plural("finding", total),
    )
    .map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    Ok(if unreadable {
        2
    } else if failed {
        1
    } else {
        0
    })
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

fn print_report(
    out: &mut impl Write,
    style: &Style,
    name: &str,
    report: &Report<'_>,
) -> io::Result<()> {
    let text = report.text();
    for f in report.findings() {
        let pos = report.position(f);
        writeln!(
            out,
            "{}{}: {}",
            style.severity(f.severity()),
            style.paint("1", &format!("[{}]", f.rule_id())),
            style.paint("1", f.message())
        )?;
        let gutter = pos.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(
            out,
            "{pad}{} {name}:{}:{}",
            style.paint("1;34", "-->"),
            pos.line,
            pos.column
        )?;
        writeln!(out, "{pad} {}", style.paint("1;34", "|"))?;
        // The first line of the span, underlined.
        let line_start = text[..f.span().start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[f.span().start..]
            .find('\n')
            .map_or(text.len(), |i| f.span().start + i);
        let line = &text[line_start..line_end];
        writeln!(
            out,
            "{} {} {}",
            style.paint("1;34", &pos.line.to_string()),
            style.paint("1;34", "|"),
            line
        )?;
        let under_start = text[line_start..f.span().start].chars().count();
        let under_len = text[f.span().start..f.span().end.min(line_end)]
            .chars()
            .count()
            .max(1);
        let marks = if f.span().is_empty() {
            "^".to_owned()
        } else {
            "^".repeat(under_len)
        };
        let sev_code = match f.severity() {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Hint => "1;36",
        };
        writeln!(
            out,
            "{pad} {} {}{}",
            style.paint("1;34", "|"),
            " ".repeat(under_start),
            style.paint(sev_code, &marks)
        )?;
        for s in f.suggestions().iter().take(2) {
            let what = match s.edit {
                tactful::Edit::Replace => "replace with",
                tactful::Edit::Insert => "insert",
                tactful::Edit::Remove => "remove it",
            };
            let shown = s.text.trim().replace('\n', "\\n");
            if s.edit == tactful::Edit::Remove {
                writeln!(
                    out,
                    "{pad} {} {}: {what}",
                    style.paint("1;34", "="),
                    style.paint("1", "help")
                )?;
            } else {
                writeln!(
                    out,
                    "{pad} {} {}: {what} \"{shown}\"",
                    style.paint("1;34", "="),
                    style.paint("1", "help")
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn print_fix(
    out: &mut impl Write,
    style: &Style,
    name: &str,
    before: &str,
    after: &str,
    score: u8,
) -> io::Result<()> {
    writeln!(out, "{} {name} (score {score})", style.paint("1", "fixed:"))?;
    if before == after {
        writeln!(out, "  (nothing to change)\n")?;
        return Ok(());
    }
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    // A line diff around the changed middle.
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    for l in &old[..prefix] {
        writeln!(out, "  {l}")?;
    }
    for l in &old[prefix..old.len() - suffix] {
        writeln!(out, "{}", style.paint("31", &format!("- {l}")))?;
    }
    for l in &new[prefix..new.len() - suffix] {
        writeln!(out, "{}", style.paint("32", &format!("+ {l}")))?;
    }
    for l in &old[old.len() - suffix..] {
        writeln!(out, "  {l}")?;
    }
    writeln!(out)
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

#[derive(Default)]
struct Tally {
    replies: u64,
    malformed: u64,
    failed: bool,
    /// Per rule: findings, replies affected.
    rules: BTreeMap<String, (u64, u64)>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.replies += other.replies;
        self.malformed += other.malformed;
        self.failed |= other.failed;
        for (k, (f, r)) in other.rules {
            let e = self.rules.entry(k).or_default();
            e.0 += f;
            e.1 += r;
        }
    }
}

/// Lines read per batch: enough to keep every thread busy, small enough
/// that memory stays flat.
const BATCH_BYTES: usize = 4 << 20;
const BATCH_LINES: usize = 16_384;

fn run_jsonl(checker: &Checker, input: &str, args: &Args) -> Result<u8, String> {
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(io::BufReader::with_capacity(1 << 20, io::stdin()))
    } else {
        let f = fs::File::open(input).map_err(|e| format!("cannot read {input}: {e}"))?;
        Box::new(io::BufReader::with_capacity(1 << 20, f))
    };
    let mut reader = reader;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let progress = io::stderr().is_terminal();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut line_no: u64 = 0;
    let mut bytes_read: u64 = 0;
    let threads = args.threads;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut outputs: Vec<Vec<u8>> = (0..threads).map(|_| Vec::new()).collect();
    loop {
        // Read one batch of lines, reusing their buffers.
        let mut n = 0;
        let mut batch_bytes = 0;
        while n < BATCH_LINES && batch_bytes < BATCH_BYTES {
            if lines.len() <= n {
                lines.push(Vec::new());
            }
            let buf = &mut lines[n];
            buf.clear();
            let got = reader
                .read_until(b'\n', buf)
                .map_err(|e| format!("cannot read {input}: {e}"))?;
            if got == 0 {
                break;
            }
            batch_bytes += got;
            n += 1;
        }
        if n == 0 {
            break;
        }
        bytes_read += batch_bytes as u64;
        let first_line = line_no + 1;
        line_no += n as u64;
        let batch = &lines[..n];
        // Split the batch into one contiguous share per thread.
        let share = n.div_ceil(threads);
        let tallies: Vec<Tally> = if threads == 1 || n < 64 {
            outputs[0].clear();
            vec![check_lines(
                checker,
                batch,
                first_line,
                args,
                &mut outputs[0],
            )]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .chunks(share)
                    .zip(outputs.iter_mut())
                    .enumerate()
                    .map(|(k, (chunk, buf))| {
                        buf.clear();
                        let first = first_line + (k * share) as u64;
                        scope.spawn(move || check_lines(checker, chunk, first, args, buf))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            })
        };
        let used = if threads == 1 || n < 64 {
            1
        } else {
            n.div_ceil(share)
        };
        for buf in &outputs[..used] {
            out.write_all(buf)
                .map_err(|e| format!("cannot write output: {e}"))?;
        }
        for t in tallies {
            tally.merge(t);
        }
        if progress {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            eprint!(
                "\r{} replies, {:.1} MB, {:.1} MB/s ",
                tally.replies,
                bytes_read as f64 / 1e6,
                bytes_read as f64 / 1e6 / secs
            );
        }
    }
    out.flush()
        .map_err(|e| format!("cannot write output: {e}"))?;
    if progress {
        eprintln!();
    }
    if args.summary {
        print_summary(&tally, started);
    }
    Ok(if tally.malformed > 0 {
        2
    } else if tally.failed {
        1
    } else {
        0
    })
}

fn check_lines(
    checker: &Checker,
    lines: &[Vec<u8>],
    first_line: u64,
    args: &Args,
    out: &mut Vec<u8>,
) -> Tally {
    let mut tally = Tally::default();
    for (k, raw) in lines.iter().enumerate() {
        let line_no = first_line + k as u64;
        let raw = trim_line(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = std::str::from_utf8(raw)
            .map_err(|e| format!("line {line_no}: not UTF-8: {e}"))
            .and_then(|s| parse_line(s, line_no));
        let (id, text, channel) = match parsed {
            Ok(v) => v,
            Err(msg) => {
                tally.malformed += 1;
                let _ = serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({ "line": line_no, "error": msg }),
                );
                out.push(b'\n');
                continue;
            }
        };
        let channel = match channel {
            Some(c) => match c.parse::<Channel>() {
                Ok(c) => c,
                Err(e) => {
                    tally.malformed += 1;
                    let _ = serde_json::to_writer(
                        &mut *out,
                        &serde_json::json!({ "line": line_no, "error": format!("line {line_no}: {e}") }),
                    );
                    out.push(b'\n');
                    continue;
                }
            },
            None => args.channel,
        };
        tally.replies += 1;
        let report = checker.check_with(&text, &CheckOptions::channel(channel));
        write_result(out, id, &report);
        let mut seen: Vec<&str> = Vec::new();
        for f in report.findings() {
            if f.severity() >= args.fail_on {
                tally.failed = true;
            }
            if args.summary {
                let e = tally.rules.entry(f.rule_id().to_owned()).or_default();
                e.0 += 1;
                if !seen.contains(&f.rule_id()) {
                    seen.push(f.rule_id());
                    e.1 += 1;
                }
            }
        }
    }
    tally
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

fn write_result(out: &mut Vec<u8>, id: Option<&RawValue>, report: &Report<'_>) {
    out.extend_from_slice(b"{\"id\":");
    match id {
        Some(raw) => out.extend_from_slice(raw.get().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"findings\":");
    if report.is_clean() {
        out.extend_from_slice(b"[]");
    } else {
        let _ = serde_json::to_writer(&mut *out, &report.to_owned_findings());
    }
    out.extend_from_slice(b",\"score\":");
    out.extend_from_slice(report.score().to_string().as_bytes());
    out.extend_from_slice(b"}\n");
}

fn print_summary(tally: &Tally, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} replies checked in {:.2}s, {} malformed line(s)",
        tally.replies, secs, tally.malformed
    );
    eprintln!(
        "{:<28} {:>9} {:>9} {:>10}",
        "rule", "findings", "replies", "per 1,000"
    );
    let mut rows: Vec<_> = tally.rules.iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    for (rule, (findings, replies)) in rows {
        let rate = if tally.replies == 0 {
            0.0
        } else {
            *replies as f64 * 1000.0 / tally.replies as f64
        };
        eprintln!("{rule:<28} {findings:>9} {replies:>9} {rate:>10.1}");
    }
}
