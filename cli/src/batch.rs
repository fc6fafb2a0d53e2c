//! Batch mode: JSON Lines in, JSON Lines out (`shared/spec/batch-output.md`).
//!
//! One thread reads the input a block of lines at a time and hands the
//! blocks to persistent worker threads; each line is read as a
//! [`tactful::ReplyInput`] and written as the library's
//! [`tactful::OwnedReport`], and the blocks' output is written in input
//! order.

use crate::args::Args;
use crate::group::group_of;
use crate::ignore_broken_pipe;
use crate::panics::{catching, install_panic_hook};
use crate::summary::{print_groups, print_summary, Tally};
use crate::term::plural;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use tactful::{Channel, Checker, ReplyId, ReplyInput, Severity};

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
    fix: bool,
    /// `--group-by`'s field.
    group_by: Option<&'c str>,
    /// With `--group-by` or `--report`: `--late-after`.
    groups: Option<u64>,
}

pub(crate) fn run(checker: &Checker, input: &str, args: &Args) -> Result<u8, String> {
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
        fix: args.fix,
        group_by: args.group_by.as_deref(),
        groups: (args.group_by.is_some() || args.report.is_some()).then_some(args.late_after),
    };
    install_panic_hook();
    let mut blocks = BlockReader {
        reader,
        input,
        next_line: 1,
        bytes_read: 0,
    };
    let mut tally = Tally::new(checker, args.summary).with_groups(checker, job.groups);
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
        if let (Some(groups), Some(field)) = (&tally.groups, &args.group_by) {
            print_groups(checker, groups, field);
        }
    }
    if let (Some(groups), Some(path)) = (&tally.groups, &args.report) {
        let meta = crate::html::Meta {
            input: if input == "-" {
                "standard input"
            } else {
                input
            },
            group_by: args.group_by.as_deref(),
            malformed: tally.malformed,
            internal: tally.internal,
        };
        crate::html::write(path, checker, groups, &meta)?;
    }
    if tally.malformed > 0 {
        eprintln!(
            "error: {} malformed input {}; each is reported in its place",
            tally.malformed,
            plural("line", tally.malformed as usize)
        );
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
    let mut tally = Tally::new(job.checker, job.summary).with_groups(job.checker, job.groups);
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
    let raw = trim_line(raw);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let input = match parse_line(raw, line_no) {
        Ok(input) => input,
        Err((id, msg)) => {
            tally.malformed += 1;
            write_error(out, line_no, id.as_ref(), &msg);
            return;
        }
    };
    let mark = out.len();
    let checked = catching(|| {
        let ctx = input.context_or(job.channel);
        let report = job.checker.check_with(&input.text, &ctx);
        let owned = if job.fix {
            report.to_owned_report_fixed()
        } else {
            report.to_owned_report()
        };
        write_result(out, &owned.with_id(input.id.clone()));
        tally.add(job.checker, &report, job.fail_on);
        if let Some(groups) = tally.groups.as_deref_mut() {
            let key = job.group_by.map_or_else(String::new, |f| group_of(raw, f));
            let id = || input.id.as_ref().map(crate::group::id_string);
            groups.add(job.checker, &key, &report, ctx.response_seconds(), id);
        }
    });
    if let Err(msg) = checked {
        out.truncate(mark);
        tally.internal += 1;
        write_error(
            out,
            line_no,
            input.id.as_ref(),
            &format!("line {line_no}: internal error: {msg}"),
        );
    }
}

fn trim_line(raw: &[u8]) -> &[u8] {
    let mut end = raw.len();
    while end > 0 && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
        end -= 1;
    }
    &raw[..end]
}

/// Reads one input line as the library reads a batch input line. On an
/// error, gives the line's id when it has a usable one, and a message
/// that starts with the line number.
pub(crate) fn parse_line(
    raw: &[u8],
    line_no: u64,
) -> Result<ReplyInput, (Option<ReplyId>, String)> {
    let s =
        std::str::from_utf8(raw).map_err(|e| (None, format!("line {line_no}: not UTF-8: {e}")))?;
    let e = match serde_json::from_str::<ReplyInput>(s) {
        Ok(input) => return Ok(input),
        Err(e) => e,
    };
    // Why it failed, and the id if the line is an object with one.
    match serde_json::from_str::<serde_json::Value>(s) {
        Err(_) => Err((None, format!("line {line_no}: invalid JSON: {e}"))),
        Ok(serde_json::Value::Object(mut m)) => {
            let id = m
                .remove("id")
                .and_then(|v| serde_json::from_value::<Option<ReplyId>>(v).ok())
                .flatten();
            if m.get("text").is_some_and(|t| t.is_string()) {
                Err((id, format!("line {line_no}: {e}")))
            } else {
                Err((
                    id,
                    format!("line {line_no}: expected a string field \"text\""),
                ))
            }
        }
        Ok(_) => Err((
            None,
            format!("line {line_no}: expected a string field \"text\""),
        )),
    }
}

/// `{"line":N,"id":…,"error":"…"}`, keys in the order the contract shows
/// them; `id` only when the line has one.
pub(crate) fn write_error(out: &mut Vec<u8>, line_no: u64, id: Option<&ReplyId>, msg: &str) {
    let _ = write!(out, "{{\"line\":{line_no},");
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        let _ = serde_json::to_writer(&mut *out, id);
        out.push(b',');
    }
    out.extend_from_slice(b"\"error\":");
    let _ = serde_json::to_writer(&mut *out, msg);
    out.extend_from_slice(b"}\n");
}

/// One result line: the library's owned report as serde writes it.
pub(crate) fn write_result(out: &mut Vec<u8>, report: &tactful::OwnedReport) {
    // Serialising plain data into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, report);
    out.push(b'\n');
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
