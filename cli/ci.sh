#!/usr/bin/env bash
# The command line's part of CI: its tests run with the workspace's
# (`cargo test --workspace` in .ci/run); this adds the batch output's
# byte-for-byte check against the library's owned report over the shared
# corpora (about three minutes on two cores, in a debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p tactful-cli --test corpora -- --ignored
