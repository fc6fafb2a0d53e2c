//! Reading reply files (and standard input) and checking each in turn.

use crate::args::{Args, Format};
use crate::human::{print_closing, print_fix, print_no_fix, print_report};
use crate::ignore_broken_pipe;
use crate::panics::{catching, install_panic_hook};
use crate::summary::{print_summary, Tally};
use crate::term::{severity_index, Style};
use serde::Serialize;
use std::fs;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tactful::{Channel, Checker, Context, OwnedReport};

/// One line of `--format json`: the batch result for a reply file, with
/// its path first.
#[derive(Serialize)]
struct FileResult<'a> {
    path: &'a str,
    #[serde(flatten)]
    report: &'a OwnedReport,
}

/// One line of `--format json` for a file that could not be checked.
#[derive(Serialize)]
struct FileError<'a> {
    path: &'a str,
    error: &'a str,
}

/// Writes one JSON value and a line break.
fn json_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Collects the reply files to check: files as given, directories'
/// reply files in name order.
pub(crate) fn collect_files(paths: &[String], problems: &mut usize) -> Vec<PathBuf> {
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
        } else {
            // A missing file is reported when reading it fails, in its
            // place among the others.
            out.push(path.to_path_buf());
        }
    }
    out
}

pub(crate) fn channel_of(path: &Path, default: Channel) -> Channel {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".chat.") {
        Channel::Chat
    } else if name.contains(".social.") {
        Channel::Social
    } else {
        default
    }
}

pub(crate) fn run(checker: &Checker, args: &Args) -> Result<u8, String> {
    let mut problems = 0;
    let paths = collect_files(&args.paths, &mut problems);
    // On a terminal, each reply's diagnostics appear as soon as it is checked.
    let live = io::stdout().is_terminal();
    let json = args.format == Format::Json;
    let style = Style::new(args.color, live);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut tally = Tally::new(checker, args.summary)
        .with_groups(checker, args.report.is_some().then_some(args.late_after));
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
                let msg = format!("cannot read {name}: {e}");
                if json {
                    let line = FileError {
                        path: &name,
                        error: &msg,
                    };
                    if let Err(e) = json_line(&mut out, &line) {
                        return ignore_broken_pipe(e);
                    }
                }
                let _ = out.flush(); // keep stdout and stderr in order
                eprintln!("error: {msg}");
                problems += 1;
                continue;
            }
        };
        let options = Context::channel(channel_of(path, args.channel));
        let done = catching(|| -> io::Result<Option<String>> {
            let report = checker.check_with(&text, &options);
            tally.add(checker, &report, args.fail_on);
            if let Some(groups) = tally.groups.as_deref_mut() {
                groups.add(checker, "", &report, None, || Some(name.clone()));
            }
            for f in report.findings() {
                counts[severity_index(f.severity())] += 1;
            }
            if json {
                let owned = if args.fix {
                    report.to_owned_report_fixed()
                } else {
                    report.to_owned_report()
                };
                let line = FileResult {
                    path: &name,
                    report: &owned,
                };
                json_line(&mut out, &line)?;
                return Ok(args.write.then(|| report.fixed()));
            }
            print_report(&mut out, &style, &name, &report)?;
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
    let result = if json {
        Ok(())
    } else {
        print_closing(&mut out, &style, replies, counts, problems, rewritten)
    };
    if let Err(e) = result.and_then(|()| out.flush()) {
        return ignore_broken_pipe(e);
    }
    if args.summary {
        print_summary(checker, &tally, started, false);
    }
    if let (Some(groups), Some(path)) = (&tally.groups, &args.report) {
        let input = args.paths.join(" ");
        let meta = crate::html::Meta {
            input: &input,
            group_by: None,
            malformed: 0,
            internal: 0,
        };
        crate::html::write(path, checker, groups, &meta)?;
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
