//! Panics in the library.
//!
//! The library should never panic on input; if it does, the reply it
//! panicked on is reported as an error in its place (and the exit status is
//! 2), and every other reply is still checked.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    /// Whether this thread is inside `catching`.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last caught panic happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps panics inside `catching` quiet (their message goes into the
/// output instead) and remembers where each happened; others are printed
/// as usual.
pub(crate) fn install_panic_hook() {
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
pub(crate) fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
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
