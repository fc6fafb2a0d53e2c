//! Diagnostics for people: findings in the style of `rustc`, fixes as a
//! diff, and the closing line.

use crate::term::{
    plural, severity_code, severity_index, str_width, window, Style, BLUE_BOLD, BOLD, GREEN,
    GREEN_BOLD, MAX_SOURCE_WIDTH, RED, RED_BOLD,
};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;
use tactful::{Edit, Report, Severity, Suggestion};

/// The closing line: replies checked and findings by severity.
pub(crate) fn print_closing(
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
pub(crate) fn print_report(
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

pub(crate) fn print_no_fix(
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
pub(crate) fn print_fix(
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
