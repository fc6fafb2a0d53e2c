//! `tactful-server`: serves LanguageTool's API and a try-it page.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tactful::Channel;
use tactful_server::{router, AppState, Config};

/// A LanguageTool-compatible server for tactful, with a page at `/`.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address and port to listen on (LanguageTool's port by default).
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// A rule pack layered over the default pack; repeat to layer several.
    /// Reloaded on SIGHUP and when the file changes.
    #[arg(long, value_name = "PACK.toml")]
    rules: Vec<PathBuf>,
    /// The channel for requests that name none: email, chat or social.
    #[arg(long, default_value = "email")]
    channel: String,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body: usize,
    /// The largest text to check, in bytes.
    #[arg(long, default_value_t = 200_000)]
    max_text: usize,
    /// Requests handled at once; the rest wait for a slot.
    #[arg(long, default_value_t = 64)]
    max_concurrency: usize,
    /// Seconds a request may take, waiting included.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Seconds between checks of the pack files for changes (0: never).
    #[arg(long, default_value_t = 1)]
    watch_interval: u64,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let channel: Channel = match args.channel.parse() {
        Ok(c) => c,
        Err(_) => {
            eprintln!(
                "tactful-server: --channel: expected email, chat or social, got `{}`",
                args.channel
            );
            return std::process::ExitCode::from(2);
        }
    };
    let config = Config {
        rules: args.rules.clone(),
        channel,
        max_body: args.max_body,
        max_text: args.max_text,
        max_concurrency: args.max_concurrency,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let state = match AppState::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tactful-server: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tactful-server: cannot start the runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    match runtime.block_on(serve(args, state)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tactful-server: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

async fn serve(args: Args, state: Arc<AppState>) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    eprintln!(
        "tactful-server: {} rules; listening on http://{addr}/",
        state.loaded().checker.rules().len()
    );
    tokio::spawn(reload_on_sighup(state.clone()));
    if !args.rules.is_empty() && args.watch_interval > 0 {
        tokio::spawn(reload_on_change(
            state.clone(),
            Duration::from_secs(args.watch_interval),
        ));
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server error: {e}"))
}

fn reload(state: &AppState, why: &str) {
    if state.config().rules.is_empty() {
        eprintln!("tactful-server: {why}: no --rules pack to reload");
        return;
    }
    match state.reload() {
        Ok(generation) => eprintln!(
            "tactful-server: {why}: pack reloaded ({} rules, generation {generation})",
            state.loaded().checker.rules().len()
        ),
        Err(e) => eprintln!("tactful-server: {why}: keeping the previous pack: {e}"),
    }
}

#[cfg(unix)]
async fn reload_on_sighup(state: Arc<AppState>) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tactful-server: cannot listen for SIGHUP: {e}");
            return;
        }
    };
    while hup.recv().await.is_some() {
        reload(&state, "SIGHUP");
    }
}

#[cfg(not(unix))]
async fn reload_on_sighup(_state: Arc<AppState>) {}

/// What is known of a pack file: modified time and length, or nothing when
/// it cannot be read.
fn stamp(paths: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

/// Polls the pack files; a change in any reloads them all. Polling works
/// the same for files edited in place and files replaced by a rename.
async fn reload_on_change(state: Arc<AppState>, every: Duration) {
    let paths = state.config().rules.clone();
    let mut seen = stamp(&paths);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = stamp(&paths);
        if now != seen {
            seen = now;
            reload(&state, "pack file changed");
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("tactful-server: shutting down");
}
