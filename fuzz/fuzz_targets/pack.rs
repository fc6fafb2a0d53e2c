//! Arbitrary bytes, read as UTF-8 (lossily), as a pack's TOML: parsed,
//! compiled alone and over the default pack, and used to check a few
//! replies and the pack's own examples.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tactful_fuzz::invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_pack(&invariants::text_of(data));
});
