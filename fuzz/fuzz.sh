#!/usr/bin/env bash
# Builds and runs tactful's libFuzzer targets on stable Rust: no nightly,
# no cargo-fuzz, no sanitizer; only SanitizerCoverage, which stable rustc
# exposes through -C passes / -C llvm-args.
#
#   fuzz/fuzz.sh build                    build both targets (release, instrumented)
#   fuzz/fuzz.sh run TARGET [ARGS...]     fuzz TARGET (check | pack); ARGS go to libFuzzer
#   fuzz/fuzz.sh cmin TARGET              minimise fuzz/corpus/TARGET with what the runs found
#   fuzz/fuzz.sh replay TARGET FILE...    run TARGET once on each FILE (a crash or a corpus)
#
# One process, one job: libFuzzer's -jobs/-workers are never set here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$here/target/$host/release"

# Per target: longest input, seconds before an input counts as a hang.
max_len() { case "$1" in check) echo 8192 ;; pack) echo 4096 ;; *) echo "unknown target: $1" >&2; exit 2 ;; esac; }
timeout_s() { case "$1" in check) echo 5 ;; pack) echo 20 ;; esac; }

build() {
    # --target keeps these flags off build scripts and proc macros.
    RUSTFLAGS="${RUSTFLAGS:-} \
        -Cpasses=sancov-module \
        -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
        -Cllvm-args=-sanitizer-coverage-pc-table \
        -Cllvm-args=-sanitizer-coverage-trace-compares \
        --cfg fuzzing" \
        cargo build --manifest-path "$here/Cargo.toml" --release --target "$host" --bins
}

cmd="${1:-}"
shift || true
case "$cmd" in
build)
    build
    ;;
run)
    target="$1"
    shift
    max="$(max_len "$target")"
    build
    mkdir -p "$here/work/$target" "$here/corpus/$target" "$here/artifacts/$target"
    dict=()
    [ -f "$here/dict/$target.dict" ] && dict=("-dict=$here/dict/$target.dict")
    # New inputs go to fuzz/work/TARGET (not committed; `python3
    # fuzz/seeds.py` puts the seeds there); fuzz/corpus/TARGET is read too.
    exec "$bin_dir/$target" \
        -artifact_prefix="$here/artifacts/$target/" \
        -max_len="$max" -timeout="$(timeout_s "$target")" -rss_limit_mb=4096 \
        "${dict[@]}" "$@" \
        "$here/work/$target" "$here/corpus/$target"
    ;;
cmin)
    target="$1"
    max="$(max_len "$target")"
    build
    new="$here/work/$target.cmin"
    rm -rf "$new"
    mkdir -p "$new" "$here/work/$target" "$here/corpus/$target"
    # A small set that covers every edge seen: -set_cover_merge keeps fewer
    # files than -merge=1, and leaving hit counts and comparison operands out
    # of the features (-use_counters=0 -use_cmp=0) keeps a few hundred files
    # instead of a few thousand.
    "$bin_dir/$target" -set_cover_merge=1 -use_counters=0 -use_cmp=0 -max_len="$max" -timeout="$(timeout_s "$target")" \
        -rss_limit_mb=4096 "$new" "$here/corpus/$target" "$here/work/$target"
    rm -rf "$here/corpus/$target"
    mv "$new" "$here/corpus/$target"
    echo "fuzz/corpus/$target: $(find "$here/corpus/$target" -type f | wc -l) files, $(du -sh "$here/corpus/$target" | cut -f1)"
    ;;
replay)
    target="$1"
    shift
    build
    exec "$bin_dir/$target" -runs=0 "$@"
    ;;
*)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
