#!/usr/bin/env bash
# Load test of tactful-server on loopback (not part of CI): 64 connections
# for 30 seconds of real agent replies, three quarters as LanguageTool
# requests (/v2/check, form body; one in five a long email-sized draft of
# several replies) and one quarter as native batch objects with their
# conversation (/v1/check). Prints wrk's latency percentiles, requests/s
# and errors, and the server's resident memory sampled every second.
#
#   bash server/load-test.sh                 # CONNS=64 DURATION=30s THREADS=2
#
# Drafts come from ../shared/corpora/twcs_conversations (read where it lies,
# nothing copied); without it, a few built-in drafts are used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
CONNS="${CONNS:-64}"
DURATION="${DURATION:-30s}"
THREADS="${THREADS:-2}"
REPLIES="${REPLIES:-4000}"

if ! command -v wrk >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
cargo build --release -p tactful-server

work="$(mktemp -d)"
server_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$root/../shared/corpora/twcs_conversations/conversations.jsonl" "$REPLIES" >"$work/bodies.tsv" <<'PY'
import json, sys, urllib.parse
path, limit = sys.argv[1], int(sys.argv[2])
rows = []
try:
    with open(path, encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if len(rows) >= limit:
                break
except FileNotFoundError:
    rows = [{"text": t, "channel": "email", "customer": "Where is my order?"} for t in [
        "Hi Sam,\n\nThanks for waiting. No. We don't do refunds on opened items. That's not my job.\n\nBest,\nAlex",
        "Calm down, I'm doing my best. Per our policy this cannot be done!!!",
        "Thanks for reaching out! I've sent a replacement and it should arrive on Tuesday.",
        "As I already told you, you need to restart the router. It's not our fault.",
    ]]
def form(text):
    return urllib.parse.urlencode({"language": "en-US", "text": text})
for n, row in enumerate(rows):
    if n % 4 == 3:
        keep = {k: row[k] for k in ("id", "text", "channel", "customer", "history", "received_at", "sent_at") if k in row}
        print("/v1/check\tapplication/json\t" + json.dumps(keep, ensure_ascii=False))
    elif n % 5 == 0:
        text = "Hi there,\n\n" + "\n\n".join(r["text"] for r in rows[n:n + 6]) + "\n\nKind regards,\nThe support team"
        print("/v2/check\tapplication/x-www-form-urlencoded\t" + form(text))
    else:
        print("/v2/check\tapplication/x-www-form-urlencoded\t" + form(row["text"]))
PY
echo "requests prepared: $(wc -l <"$work/bodies.tsv") ($(du -k "$work/bodies.tsv" | cut -f1) KiB)"

"${CARGO_TARGET_DIR:-$root/target}/release/tactful-server" --listen 127.0.0.1:0 2>"$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's|.*listening on \(http://[^ ]*\)/|\1|p' "$work/server.log" | head -n1)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/server.log"; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
echo "server at $url; RSS before: $(rss) KiB"
(while kill -0 "$server_pid" 2>/dev/null; do rss >>"$work/rss.txt"; sleep 1; done) &
sampler_pid=$!

LOAD_BODIES="$work/bodies.tsv" timeout 300 \
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency -s "$here/load/drafts.lua" "$url"

kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
echo "RSS every 5 s (KiB): $(awk 'NR % 5 == 1' "$work/rss.txt" | tr '\n' ' ')"
echo "RSS samples (KiB, one a second): first $(head -n1 "$work/rss.txt"), max $(sort -n "$work/rss.txt" | tail -n1), last $(tail -n1 "$work/rss.txt")"
echo "peak RSS (VmHWM): $(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status") KiB"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
