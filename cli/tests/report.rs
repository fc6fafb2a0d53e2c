//! `--group-by` and `--report`, run as a quality team runs them: a batch
//! of replies with a team field and timestamps, written fresh into a
//! directory of its own under `CARGO_TARGET_TMPDIR`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create fixture directory");
    dir
}

fn tactful(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tactful"))
        .current_dir(dir)
        .args(["--no-config"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tactful")
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// Six replies from two teams and one line without a team: delays of
/// 10 min, 30 h, 2 min (alpha), 5 min, 50 h (beta), none.
const INPUT: &str = r#"{"id":"a1","team":"alpha","text":"No. We don't do refunds.","customer":"Where is my refund?","received_at":"2026-11-02T09:00:00Z","sent_at":"2026-11-02T09:10:00Z"}
{"id":"a2","team":"alpha","text":"Thanks for waiting. Your refund is on its way & should arrive soon.","received_at":"2026-11-02T09:00:00Z","sent_at":"2026-11-03T15:00:00Z"}
{"id":"a3","team":"alpha","text":"No. <b>Calm down</b>, \"that's\" policy.","received_at":"2026-11-02T09:00:00Z","sent_at":"2026-11-02T09:02:00Z"}
{"id":"b1","team":"beta","text":"Happy to help! I've reset your password.","received_at":"2026-11-02T09:00:00Z","sent_at":"2026-11-02T09:05:00Z"}
{"id":"b2","team":"beta","text":"No. There is nothing we can do.","received_at":"2026-11-02T09:00:00Z","sent_at":"2026-11-04T11:00:00Z"}
{"id":"n1","text":"Thanks for your patience, the engineer arrives tomorrow."}
"#;

#[test]
fn summary_by_group() {
    let dir = scratch("summary");
    std::fs::write(dir.join("in.jsonl"), INPUT).expect("write input");
    let out = tactful(&dir, &["--jsonl", "in.jsonl", "--group-by", "team"]);
    let err = text_of(&out.stderr);
    assert!(out.status.code().is_some_and(|c| c < 2), "{err}");
    // --group-by alone prints the summary, and the output is unchanged.
    assert!(err.contains("6 replies checked"), "{err}");
    assert!(err.contains("by team: 3 groups"), "{err}");
    let row = |name: &str| {
        err.lines()
            .find(|l| l.starts_with(name) && !l.contains(':'))
            .unwrap_or_else(|| panic!("no row for {name} in\n{err}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // team, replies, flagged, per 1,000, median, late, timed, …
    let alpha = row("alpha");
    assert_eq!(alpha[1], "3", "{err}");
    assert_eq!(
        (alpha[4].as_str(), alpha[5].as_str()),
        ("10m", "00s"),
        "{err}"
    );
    assert_eq!(alpha[6], "33.3%", "{err}");
    assert_eq!(alpha[7], "3", "{err}");
    assert!(
        alpha[8..].join(" ").contains("missing-closing 1000"),
        "{err}"
    );
    let beta = row("beta");
    assert_eq!(beta[1], "2");
    assert_eq!(beta[6], "50.0%", "{err}");
    let none = row("(none)");
    assert_eq!((none[1].as_str(), none[4].as_str()), ("1", "-"), "{err}");
    assert!(err.contains("team = alpha: 3 replies"), "{err}");
    let lines = text_of(&out.stdout).lines().count();
    assert_eq!(lines, 6);
}

#[test]
fn html_report_is_escaped_complete_and_deterministic() {
    let dir = scratch("html");
    std::fs::write(dir.join("in.jsonl"), INPUT).expect("write input");
    let one = tactful(
        &dir,
        &[
            "--jsonl",
            "in.jsonl",
            "--group-by",
            "team",
            "--report",
            "one.html",
            "--threads",
            "1",
        ],
    );
    assert!(
        one.status.code().is_some_and(|c| c < 2),
        "{}",
        text_of(&one.stderr)
    );
    // --report without --summary keeps stderr quiet.
    assert!(
        !text_of(&one.stderr).contains("by team"),
        "{}",
        text_of(&one.stderr)
    );
    let two = tactful(
        &dir,
        &[
            "--jsonl",
            "in.jsonl",
            "--group-by",
            "team",
            "--report",
            "two.html",
            "--threads",
            "2",
        ],
    );
    assert!(two.status.code().is_some_and(|c| c < 2));
    let page = std::fs::read_to_string(dir.join("one.html")).expect("report written");
    let again = std::fs::read_to_string(dir.join("two.html")).expect("report written");
    assert_eq!(page, again, "same input, same page, whatever the threads");
    assert!(page.starts_with("<!DOCTYPE html>"));
    for part in [
        "id=\"rule-chart\"",
        "id=\"delay-chart\"",
        "id=\"group-table\"",
        "id=\"examples\"",
    ] {
        assert!(page.contains(part), "{part} missing");
    }
    assert!(page.contains("<rect class=\"bar"), "bars in the charts");
    // Reply text is escaped, never markup.
    assert!(!page.contains("<b>Calm"));
    assert!(page.contains("&lt;b&gt;Calm down&lt;/b&gt;, &quot;that&#39;s&quot; policy."));
    // Nothing to fetch: no scripts, links, images or URLs.
    for bad in [
        "<script", "<link", "<img", "src=", "http:", "https:", "url(",
    ] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    // Groups, most replies first.
    let alpha = page.find("<td>alpha</td>").expect("alpha row");
    let beta = page.find("<td>beta</td>").expect("beta row");
    assert!(alpha < beta);
    assert!(page.contains("<mark>No.</mark>") || page.contains("<mark>No</mark>"));
}

#[test]
fn late_after_and_report_on_reply_files() {
    let dir = scratch("files");
    std::fs::write(dir.join("in.jsonl"), INPUT).expect("write input");
    let out = tactful(
        &dir,
        &[
            "--jsonl",
            "in.jsonl",
            "--group-by",
            "team",
            "--late-after",
            "3d",
            "--summary",
        ],
    );
    let err = text_of(&out.stderr);
    assert!(err.contains("late = sent more than 72h"), "{err}");
    assert!(
        !err.contains("33.3%"),
        "nothing is late at three days: {err}"
    );
    std::fs::write(dir.join("reply.txt"), "No. We can't <help>.\n").expect("write reply");
    let out = tactful(&dir, &["reply.txt", "--report", "files.html"]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out.stderr));
    let page = std::fs::read_to_string(dir.join("files.html")).expect("report written");
    assert!(page.contains("all replies"));
    assert!(page.contains("id reply.txt"));
    assert!(
        !page.contains("id=\"delay-chart\""),
        "no timestamps, no histogram"
    );
    let bad = tactful(&dir, &["reply.txt", "--group-by", "team"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = tactful(&dir, &["--jsonl", "in.jsonl", "--late-after", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text_of(&bad.stderr).contains("--late-after takes a duration"));
    let unwritable = tactful(
        &dir,
        &["--jsonl", "in.jsonl", "--report", "no/such/dir/r.html"],
    );
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(text_of(&unwritable.stderr).contains("cannot write no/such/dir/r.html"));
}

/// Seconds since 1970 of a `YYYY-MM-DDTHH:MM:SSZ` timestamp, computed here
/// independently of the library (days from the civil calendar).
fn unix(ts: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| ts[r].parse::<i64>().expect("digits");
    assert!(ts.len() == 20 && ts.ends_with('Z'), "timestamp {ts}");
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11..13) * 3_600 + n(14..16) * 60 + n(17..19)
}

/// A time as the summary shows it, back in seconds (`13m 10s`, `2h 08m`,
/// `2d 02h`).
fn shown_seconds(a: &str, b: &str) -> i64 {
    let v = |s: &str, unit: char| s.trim_end_matches(unit).parse::<i64>().expect("number");
    match (a.chars().last(), b.chars().last()) {
        (Some('m'), Some('s')) => v(a, 'm') * 60 + v(b, 's'),
        (Some('h'), Some('m')) => v(a, 'h') * 3_600 + v(b, 'm') * 60,
        (Some('d'), Some('h')) => v(a, 'd') * 86_400 + v(b, 'h') * 3_600,
        _ => panic!("time {a} {b}"),
    }
}

/// Over the whole TWCS conversations corpus, the per-company response
/// times and late shares of `--group-by company` agree with the same
/// figures computed here from the timestamps. Reads the shared corpus
/// where it lies; run with `--ignored` (cli/ci-report.sh does).
#[test]
#[ignore = "reads ../shared/corpora; run with --ignored"]
fn twcs_response_times_agree_with_the_timestamps() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpora/twcs_conversations/conversations.jsonl");
    let text = std::fs::read_to_string(&corpus).expect("read the TWCS conversations");
    let mut by: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    let mut replies: std::collections::BTreeMap<String, u64> = Default::default();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let company = v["company"].as_str().expect("company").to_owned();
        *replies.entry(company.clone()).or_default() += 1;
        let delays = by.entry(company).or_default();
        if let (Some(r), Some(s)) = (v["received_at"].as_str(), v["sent_at"].as_str()) {
            delays.push(unix(s) - unix(r));
        }
    }
    let dir = scratch("twcs");
    let out = tactful(
        &dir,
        &[
            "--jsonl",
            corpus.to_str().expect("UTF-8 path"),
            "--group-by",
            "company",
        ],
    );
    let err = text_of(&out.stderr);
    let mut checked = 0;
    for (company, delays) in &mut by {
        let row: Vec<&str> = err
            .lines()
            .find(|l| l.split_whitespace().next() == Some(company) && !l.contains(':'))
            .unwrap_or_else(|| panic!("no row for {company}"))
            .split_whitespace()
            .collect();
        assert_eq!(row[1], replies[company].to_string(), "{company} replies");
        if delays.is_empty() {
            assert_eq!((row[4], row[5], row[6]), ("-", "-", "0"), "{company}");
            continue;
        }
        delays.sort_unstable();
        let n = delays.len();
        let late = delays.iter().filter(|&&d| d > 86_400).count();
        assert_eq!(row[7], n.to_string(), "{company} timed");
        assert_eq!(
            row[6],
            format!("{:.1}%", late as f64 * 100.0 / n as f64),
            "{company} late"
        );
        let (lo, hi) = (delays[(n - 1) / 2], delays[n / 2]);
        let median = (lo + hi) as f64 / 2.0;
        let shown = shown_seconds(row[4], row[5]) as f64;
        // The histogram keeps seconds under an hour, minutes under a
        // week, hours beyond; the summary shows seconds under an hour,
        // minutes under a day, hours beyond.
        let kept = |d: i64| {
            if d < 3_600 {
                0.0
            } else if d < 604_800 {
                59.0
            } else {
                3_599.0
            }
        };
        let unit = if shown < 3_600.0 {
            0.5
        } else if shown < 86_400.0 {
            60.0
        } else {
            3_600.0
        };
        let tolerance = (kept(lo) + kept(hi)) / 2.0 + unit;
        assert!(
            (median - shown).abs() <= tolerance,
            "{company}: median {median} s, shown {} {}",
            row[4],
            row[5]
        );
        checked += 1;
    }
    assert!(checked >= 90, "{checked} companies with timestamps");
}
