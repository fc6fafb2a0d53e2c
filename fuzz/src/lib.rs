//! The invariants the fuzz targets assert. The file lives with the
//! library's tests so that `tests/fuzz_regressions.rs` replays saved
//! inputs against the very same checks.

#[path = "../../tests/support/fuzz_invariants.rs"]
pub mod invariants;
