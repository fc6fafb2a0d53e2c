#!/usr/bin/env bash
# Profiles `tactful --jsonl --threads 1` with valgrind's callgrind, so the
# cost of each stage (JSON parsing, normalisation, the automaton scan,
# sentences, regexes, report building, allocation) can be read off.
#
#   scripts/profile-batch.sh [SIZE_MB]          (default 5)
#
# Two profiles, each of instructions executed (exact, unaffected by other
# load on the machine), written under target/bench-data/:
#   callgrind.batch.out  the batch loop only (tactful::batch::run) over the
#                        first SIZE_MB of the TWCS corpus
#   callgrind.build.out  building the checker from the default pack
#                        (CheckerBuilder::build, run via --list-phrases)
# and the top functions of each, by inclusive and by exclusive cost, are
# printed (scripts/callgrind-top.pl). Browse further with callgrind_annotate
# or kcachegrind. Costs of inlined code count towards the function they are
# inlined into; to split a big function further, profile a copy of the
# crate with #[inline(never)] on its helpers.
set -euo pipefail

size_mb=${1:-5}
[[ $size_mb =~ ^[0-9]+$ && $size_mb -gt 0 ]] || { echo "usage: $0 [SIZE_MB]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "error: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
data=$target_dir/bench-data
check=$target_dir/release/tactful
mkdir -p "$data"

# The release profile keeps line tables (debug = 1), which callgrind needs.
cargo build --release -p tactful-cli >&2

slice=$data/slice-${size_mb}MB.jsonl
if [[ ! -s $slice ]]; then
    full=$data/twcs-${size_mb}MB.jsonl
    [[ -s $full ]] || scripts/make-corpus.sh "$size_mb" "$full" >&2
    # Whole lines, up to SIZE_MB bytes.
    head -c $((size_mb * 1000000)) "$full" | sed '$d' >"$slice"
fi
echo "slice: $slice, $(stat -c %s "$slice") bytes, $(wc -l <"$slice") replies" >&2

top() {
    local out=$1 what=$2
    echo "== $what"
    perl scripts/callgrind-top.pl "$out" 30
}

batch=$data/callgrind.batch.out
valgrind --tool=callgrind --callgrind-out-file="$batch" \
    --collect-atstart=no --toggle-collect='tactful::batch::run*' \
    "$check" --no-config --jsonl "$slice" --threads 1 >/dev/null 2>"$data/callgrind.batch.log" || {
    rc=$?
    ((rc <= 1)) || { tail "$data/callgrind.batch.log" >&2; exit 1; }
}
top "$batch" "batch loop over $(basename "$slice")"

build=$data/callgrind.build.out
valgrind --tool=callgrind --callgrind-out-file="$build" \
    --collect-atstart=no --toggle-collect='tactful::checker::CheckerBuilder::build*' \
    "$check" --no-config --list-phrases >/dev/null 2>"$data/callgrind.build.log"
top "$build" "building the checker"
