//! The command line: options, their defaults, and the usage text.

use std::path::PathBuf;
use tactful::{Channel, Severity};

pub(crate) const USAGE: &str = "\
usage: tactful [OPTIONS] [PATH ...]
       tactful --jsonl FILE|- [OPTIONS]
       tactful test-pack PACK.toml

Checks customer-service replies for discourteous phrasing.

PATH is a reply file, a directory of them (*.txt, *.md, *.eml), or - for
standard input. A file named *.chat.txt is a chat reply, *.social.txt a
social-media one; others are email unless --channel says otherwise.

A tactful.toml in the current directory or the nearest parent that has one
is layered over the default pack (before any --rules), unless --no-config.

commands:
  test-pack PACK.toml runs the pack's examples and counterexamples, layered
                      over the default pack; exit 1 if any fails, 2 if the
                      pack is invalid

options:
  --jsonl FILE|-      batch mode: JSON Lines in, JSON Lines out
  --format F          output for reply files: human (default) or json (one
                      batch result per reply, with its path, per line)
  --rules PACK.toml   layer a rule pack over the default pack (repeatable)
  --no-config         do not look for a tactful.toml
  --channel C         email (default), chat or social
  --fail-on S         exit 1 at findings of severity S or above:
                      error (the default with --jsonl), warning or hint;
                      reply files exit 1 only when it is given
  --threads N         batch worker threads (default: all cores)
  --summary           per-rule summary on stderr at the end
  --group-by FIELD    with --jsonl: count per value of the input lines'
                      top-level FIELD (e.g. company, team, agent; lines
                      without it count as (none)): replies, findings per
                      rule and per 1,000 replies, median response time and
                      share of late replies; in the --summary (implied
                      unless --report is given) and the --report
  --report FILE.html  write the quality report: one self-contained page
                      with rule rates, a table per group, response times
                      and example findings
  --late-after D      a reply is late when sent more than D after the
                      customer's message (received_at to sent_at), e.g.
                      24h (the default), 90m, 2d
  --fix               print each reply rewritten, with a diff (with --jsonl
                      or --format json: add the fixed text to each result)
  --write             rewrite reply files in place with the fixes
  --list-rules        list the rules and exit
  --list-phrases      print every literal phrase of the pack and exit
  --explain RULE      print a rule's rationale, examples and suggestions
  --color WHEN        auto (default: when stdout is a terminal and NO_COLOR
                      is unset), always or never
  -v, --verbose       say on stderr which packs are layered
  -V, --version       print the version and exit
  -h, --help          this text

exit status: 0 nothing at or above --fail-on; 1 something is; 2 bad usage,
an unreadable file, an invalid pack, or a malformed input line.";

/// How reply files are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Diagnostics in the style of `rustc`.
    Human,
    /// One batch result per reply, with its path, per line.
    Json,
}

/// What to do.
#[derive(Debug)]
pub(crate) enum Command {
    /// Print the usage text.
    Help,
    /// Print the version.
    Version,
    /// Run a pack's examples.
    TestPack(PathBuf),
    /// Check replies, or list or explain rules.
    Check(Args),
}

#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) jsonl: Option<String>,
    pub(crate) format: Format,
    pub(crate) rules: Vec<PathBuf>,
    pub(crate) no_config: bool,
    pub(crate) channel: Channel,
    pub(crate) fail_on: Severity,
    /// Whether --fail-on was given (reply files exit 1 only then).
    pub(crate) fail_on_given: bool,
    pub(crate) threads: usize,
    pub(crate) summary: bool,
    /// `--group-by`: the input lines' field to count by.
    pub(crate) group_by: Option<String>,
    /// `--report`: where to write the HTML report.
    pub(crate) report: Option<String>,
    /// `--late-after`, in seconds.
    pub(crate) late_after: u64,
    pub(crate) fix: bool,
    pub(crate) write: bool,
    pub(crate) list_rules: bool,
    pub(crate) list_phrases: bool,
    pub(crate) explain: Option<String>,
    pub(crate) color: Option<bool>,
    pub(crate) verbose: bool,
    pub(crate) paths: Vec<String>,
}

/// Reads the command line (without the program name).
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut it = args.into_iter().peekable();
    if it.peek().map(String::as_str) == Some("test-pack") {
        it.next();
        let rest: Vec<String> = it.collect();
        return match rest.as_slice() {
            [h] if h == "-h" || h == "--help" => Ok(Command::Help),
            [pack] if !pack.starts_with('-') => Ok(Command::TestPack(PathBuf::from(pack))),
            _ => Err("test-pack takes one pack file: tactful test-pack PACK.toml".into()),
        };
    }
    let mut a = Args {
        jsonl: None,
        format: Format::Human,
        rules: Vec::new(),
        no_config: false,
        channel: Channel::Email,
        fail_on: Severity::Error,
        fail_on_given: false,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        summary: false,
        group_by: None,
        report: None,
        late_after: 24 * 3_600,
        fix: false,
        write: false,
        list_rules: false,
        list_phrases: false,
        explain: None,
        color: None,
        verbose: false,
        paths: Vec::new(),
    };
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
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--jsonl" => a.jsonl = Some(value("--jsonl")?),
            "--format" => {
                a.format = match value("--format")?.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    other => return Err(format!("--format takes human or json, not `{other}`")),
                }
            }
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
            "--group-by" => {
                let v = value("--group-by")?;
                if v.is_empty() {
                    return Err("--group-by takes a field name".into());
                }
                a.group_by = Some(v);
            }
            "--report" => a.report = Some(value("--report")?),
            "--late-after" => a.late_after = crate::group::parse_duration(&value("--late-after")?)?,
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
            "--no-config" => a.no_config = true,
            "-v" | "--verbose" => a.verbose = true,
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
    if a.jsonl.is_some() && a.write {
        return Err("--write works on reply files, not --jsonl".into());
    }
    if a.group_by.is_some() && a.jsonl.is_none() {
        return Err("--group-by counts by a field of --jsonl input lines; give --jsonl".into());
    }
    if a.group_by.is_some() && a.report.is_none() {
        a.summary = true;
    }
    let listing = a.list_rules || a.list_phrases || a.explain.is_some();
    if a.jsonl.is_none() && a.paths.is_empty() && !listing {
        return Err("nothing to check: give reply files, a directory, - or --jsonl".into());
    }
    Ok(Command::Check(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_str(s: &str) -> Result<Command, String> {
        parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn values_inline_or_after() {
        let Ok(Command::Check(a)) = parse_str("--format=json --threads 3 --no-config x.txt") else {
            panic!("parses");
        };
        assert_eq!(a.format, Format::Json);
        assert_eq!(a.threads, 3);
        assert!(a.no_config);
        assert_eq!(a.paths, ["x.txt"]);
    }

    #[test]
    fn subcommand_and_bad_usage() {
        assert!(matches!(
            parse_str("test-pack p.toml"),
            Ok(Command::TestPack(p)) if p == Path::new("p.toml")
        ));
        assert!(parse_str("test-pack").is_err());
        assert!(parse_str("test-pack a b").is_err());
        assert!(parse_str("--format xml x").is_err());
        assert!(parse_str("--summary=yes x").is_err());
        assert!(parse_str("--jsonl - --write").is_err());
        assert!(matches!(parse_str("-V"), Ok(Command::Version)));
        assert!(parse_str("--group-by company x.txt").is_err());
        assert!(parse_str("--jsonl - --late-after 24").is_err());
    }

    #[test]
    fn group_by_and_report() {
        let Ok(Command::Check(a)) = parse_str("--jsonl - --group-by team --late-after 90m") else {
            panic!("parses");
        };
        assert_eq!(a.group_by.as_deref(), Some("team"));
        assert!(a.summary, "--group-by alone prints the summary");
        assert_eq!(a.late_after, 5_400);
        let Ok(Command::Check(a)) = parse_str("--jsonl - --group-by team --report r.html") else {
            panic!("parses");
        };
        assert!(!a.summary);
        assert_eq!(a.report.as_deref(), Some("r.html"));
        assert_eq!(a.late_after, 86_400);
    }
}
