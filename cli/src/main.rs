//! `tactful`: checks customer-service replies for discourteous phrasing.
//!
//! ```text
//! tactful examples/replies/
//! tactful --fix examples/replies/08-roaming-charges.txt
//! tactful --jsonl replies.jsonl > results.jsonl
//! tactful test-pack house-pack.toml
//! ```
//!
//! Reply files get diagnostics in the style of `rustc` (or, with
//! `--format json`, one batch result per reply); `--jsonl` follows the
//! batch contract in `shared/spec/batch-output.md`. Run with `--help` for
//! every option.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod batch;
mod config;
mod explain;
mod files;
mod group;
mod html;
mod human;
mod panics;
mod summary;
mod term;
mod test_pack;

use args::Command;
use std::io::{self, IsTerminal};
use std::process::ExitCode;
use term::{Style, RED_BOLD};

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(Command::Check(a)) => a,
        Ok(Command::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("tactful {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::TestPack(pack)) => {
            let style = Style::new(None, io::stdout().is_terminal());
            return ExitCode::from(test_pack::run(&pack, &style));
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let err_style = Style::new(args.color, io::stderr().is_terminal());
    let packs = config::Packs::find(&args.rules, args.no_config);
    if args.verbose || args.list_rules {
        eprintln!("{}", packs.describe());
    }
    let checker = match config::build_checker(&packs.all()) {
        Ok(c) => c,
        Err(e) => {
            config::report_pack_error(&err_style, &e);
            return ExitCode::from(2);
        }
    };
    let result = if args.list_rules {
        explain::list_rules(&checker)
    } else if args.list_phrases {
        explain::list_phrases(&checker)
    } else if let Some(id) = &args.explain {
        explain::explain(&checker, id)
    } else if let Some(input) = &args.jsonl {
        batch::run(&checker, input, &args)
    } else {
        files::run(&checker, &args)
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}: {e}", err_style.paint(RED_BOLD, "error"));
            ExitCode::from(2)
        }
    }
}

/// `tactful --list-phrases | head` is not an error.
pub(crate) fn ignore_broken_pipe(e: io::Error) -> Result<u8, String> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(0)
    } else {
        Err(format!("cannot write output: {e}"))
    }
}
