#!/usr/bin/env bash
# The HTML quality report (--report) in a real browser: builds the
# tactful binary, writes a report from a sample made of examples/replies/,
# and opens it in Debian's headless Chromium through playwright-core
# (cli/tests-e2e/report.mjs): no console errors, no network, charts with
# bars, reply markup shown as text; the screenshot is left in
# target/report-e2e/report.png. Also checks --group-by's response times
# against the timestamps of the shared TWCS conversations (an ignored
# test, as it reads ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
fi
cargo build -p tactful-cli
cargo test -p tactful-cli --test report -- --ignored
(cd cli/tests-e2e && npm ci --no-audit --no-fund)
target="${CARGO_TARGET_DIR:-target}"
node cli/tests-e2e/report.mjs check "$target/debug/tactful" "$target/report-e2e"
