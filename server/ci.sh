#!/usr/bin/env bash
# The server's suite: lints and API tests, then the release binary on
# loopback under a real browser (Debian's Chromium via playwright-core)
# and a real LanguageTool client (language_tool_python). Installs what it
# needs; stops the server whatever happens.
#
#   bash server/ci.sh              # from anywhere
#   SCREENSHOT=docs/page.png bash server/ci.sh   # keep the page's picture
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
export CARGO_TERM_COLOR=never

echo "== server: clippy and API tests"
cargo clippy -p tactful-server --all-targets -- -D warnings
cargo test -p tactful-server

echo "== server: tools for the end-to-end tests"
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji >/dev/null
fi
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$here/tests-e2e" && npm ci --no-audit --no-fund --loglevel=error)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check language-tool-python==3.4.0 pytest==9.2.0

echo "== server: release build, started on loopback"
cargo build --release -p tactful-server
"${CARGO_TARGET_DIR:-$root/target}/release/tactful-server" --listen 127.0.0.1:0 2>"$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's|.*listening on \(http://[^ ]*\)|\1|p' "$work/server.log" | head -n1)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
echo "server at $url"

echo "== server: the page in headless Chromium"
shot="${SCREENSHOT:-$work/page.png}"
case "$shot" in /*) ;; *) shot="$root/$shot" ;; esac
(cd "$here/tests-e2e" && TACTFUL_URL="$url" SCREENSHOT="$shot" node --test page.test.mjs)

echo "== server: language_tool_python against it"
(cd "$here/tests-e2e" && TACTFUL_URL="$url" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_language_tool_python.py)
