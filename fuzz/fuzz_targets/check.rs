//! Arbitrary bytes, read as UTF-8 (lossily), checked by the default
//! checker on every channel.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tactful_fuzz::invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_text(&invariants::text_of(data));
});
