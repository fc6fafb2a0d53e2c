#!/usr/bin/env bash
# What --group-by and --report cost in batch mode: one run of the batch
# over a corpus (default: the TWCS conversations, repeated 10 times into a
# temporary file) without and with `--group-by company --report`, wall
# time and the ratio; with CALLGRIND=1 also instructions on one thread
# over the corpus once (steadier than wall time on a busy machine).
#
#   cli/measure-report.sh [CORPUS.jsonl] [REPEAT] [FIELD]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/twcs_conversations/conversations.jsonl}
repeat=${2:-10}
field=${3:-company}
cargo build --release -q -p tactful-cli
bin=target/release/tactful
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$repeat"); do cat "$corpus"; done > "$tmp/in.jsonl"
echo "input: $corpus x $repeat ($(wc -l < "$tmp/in.jsonl") lines), $(nproc) cores"
run() {
    local start end
    start=$(date +%s.%N)
    "$bin" --no-config --jsonl "$tmp/in.jsonl" "$@" > /dev/null || [ $? -eq 1 ]
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }' 
}
plain=$(run)
grouped=$(run --group-by "$field" --report "$tmp/report.html")
echo "plain:   $plain s   $bin --no-config --jsonl IN"
echo "grouped: $grouped s   $bin --no-config --jsonl IN --group-by $field --report OUT.html"
echo "ratio grouped/plain: $(awk -v a="$plain" -v b="$grouped" 'BEGIN { printf "%.3f", b / a }')"
if [ "${CALLGRIND:-0}" = 1 ]; then
    ir() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --no-config --threads 1 \
            --jsonl "$corpus" "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
    }
    a=$(ir)
    b=$(ir --group-by "$field" --report "$tmp/report1.html")
    echo "instructions, one thread, corpus once: plain $a, grouped $b, ratio $(awk -v a="${a//,/}" -v b="${b//,/}" 'BEGIN { printf "%.3f", b / a }')"
fi
