#!/usr/bin/env bash
# Batch benchmarks for `tactful --jsonl` (the cli/ crate, release build).
#
#   scripts/bench-batch.sh [OPTIONS] [compare [SIZE_MB]]
#   scripts/bench-batch.sh [OPTIONS] linear [SIZE_MB ...]
#   scripts/bench-batch.sh [OPTIONS] rss [SIZE_MB]
#   scripts/bench-batch.sh [OPTIONS] all
#
# compare (the default, 100 MB): times, in one run and over the same file,
#     rg -i -c -F -f phrases.txt              the issue's baseline
#     rg -c -F -f phrases.txt (folded copy)   ripgrep over an ASCII-lowercased
#                                             copy: the same phrase set with
#                                             case folding for free
#     check --jsonl --threads 1
#     check --jsonl --threads 2
#   where phrases.txt is `check --list-phrases`, and prints MB/s and the
#   ratios to ripgrep against the targets of issue 5 (>= 0.5x with one
#   thread, >= 0.9x with two).
# linear (default 10 100 1000 MB): single-thread cost per byte at each size,
#   and for one 10 MB reply without line breaks (scripts/make-long-reply.sh);
#   targets: per-byte cost within 15% across sizes, and the long reply no
#   dearer per byte than the corpus.
# rss (default 1000 MB): peak resident memory of the batch run with 1 and 2
#   threads and of the 10 MB reply, from /usr/bin/time -v; target <= 100 MB.
# all: compare 100, linear 10 100 1000, rss 1000.
#
# Options:
#   --runs N       best of N wall-clock runs (default 3), taken round-robin
#                  over the commands so each meets the same spells of load
#   --rg-runs N    best of N for `rg -i` only (default: --runs). With the
#                  ~17,000 expanded phrases of the default pack `rg -i` runs
#                  well under 1 MB/s, so one run of 100 MB takes minutes.
#   --rg PATH      the ripgrep binary (default: rg on PATH)
#   --no-build     use the existing target/release/tactful
#
# 1 MB = 1,000,000 bytes. Corpora are made once under target/bench-data/
# (scripts/make-corpus.sh, source corpus from $TACTFUL_CORPUS or the shared
# default). Output of the timed runs goes to /dev/null (check) or to a file
# (rg: ripgrep stops at the first match when its output is /dev/null).
# Before timing, one run over the source corpus must exit 0 or 1, give one
# output line per input line, and give the same output with 1 and 2 threads.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

runs=3
rg_runs=
rg=rg
build=1
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --rg-runs) rg_runs=${2:?--rg-runs needs a value}; shift 2 ;;
    --rg) rg=${2:?--rg needs a value}; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
rg_runs=${rg_runs:-$runs}
mode=${1:-compare}
[[ $# -gt 0 ]] && shift
for n in "$runs" "$rg_runs" "$@"; do
    [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || { echo "not a positive number: $n" >&2; usage; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
data=$target_dir/bench-data
check=$target_dir/release/tactful
src=${TACTFUL_CORPUS:-$root/../shared/corpora/twcs_github_subsets/agent_replies.jsonl}
mkdir -p "$data"

# ---------------------------------------------------------------------------
# Helpers

die() { echo "error: $*" >&2; exit 1; }

# corpus SIZE_MB -> path of a corpus of at least SIZE_MB, made if missing.
corpus() {
    local f=$data/twcs-${1}MB.jsonl
    [[ -s $f ]] || scripts/make-corpus.sh "$1" "$f" >&2
    echo "$f"
}

long_reply() {
    local f=$data/long-reply-10MB.jsonl
    [[ -s $f ]] || scripts/make-long-reply.sh 10 "$f" >&2
    echo "$f"
}

# folded FILE -> an ASCII-lowercased copy (for the folded ripgrep baseline).
folded() {
    local f=${1%.jsonl}.lower.jsonl
    if [[ ! -s $f || $f -ot $1 ]]; then
        LC_ALL=C tr '[:upper:]' '[:lower:]' <"$1" >"$f.tmp" && mv "$f.tmp" "$f"
    fi
    echo "$f"
}

bytes() { stat -c %s "$1"; }

# Reads FILE into the page cache, so every timed run starts warm.
warm() { cat "$@" >/dev/null; }

# time_once OUT CMD... -> wall and CPU (user + system) seconds of one run in
# $wall and $cpu. Exit status 0 or 1 is success (check: findings at
# --fail-on; rg: no match).
time_once() {
    local out=$1 rc=0 tf
    shift
    tf=$(mktemp)
    { TIMEFORMAT='%3R %3U %3S' && time "$@" >"$out" 2>/dev/null; } 2>"$tf" || rc=$?
    ((rc <= 1)) || die "exit status $rc from: $*"
    read -r wall cpu < <(awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$tf")
    rm -f "$tf"
}

# keep_best NAME: records $wall/$cpu as top_wall[NAME]/top_cpu[NAME] if
# faster. Wall time is the figure of record; CPU time is less sensitive to
# other load on the machine.
declare -A top_wall top_cpu
wall="" cpu=""
keep_best() {
    if [[ -z ${top_wall[$1]:-} ]] || awk -v s="$wall" -v b="${top_wall[$1]}" 'BEGIN { exit !(s < b) }'; then
        top_wall[$1]=$wall top_cpu[$1]=$cpu
    fi
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN {
    ok = (op == ">=") ? (r >= t) : (r <= t); print ok ? "PASS" : "FAIL" }'; }

environment() {
    echo "== environment"
    echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    if git rev-parse --git-dir >/dev/null 2>&1; then
        echo "commit:   $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src examples Cargo.toml || echo ' + uncommitted changes in src/ examples/ Cargo.toml')"
    else
        echo "commit:   (not a git checkout)"
    fi
    echo "cpu:      $(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
    echo "rustc:    $(rustc --version)"
    if command -v "$rg" >/dev/null; then
        echo "ripgrep:  $("$rg" --version | sed -n 1p) ($(command -v "$rg"))"
    fi
    echo "runs:     best of $runs wall-clock, round-robin (rg -i: best of $rg_runs)"
    ((build)) || echo "build:    --no-build: $check as found, maybe older than the commit"
    echo
}

sanity() {
    local t1 t2 rc=0
    t1=$(mktemp) t2=$(mktemp)
    "$check" --no-config --jsonl "$src" --threads 1 >"$t1" || rc=$?
    ((rc <= 1)) || die "check --threads 1 failed (exit $rc) on $src"
    rc=0
    "$check" --no-config --jsonl "$src" --threads 2 >"$t2" || rc=$?
    ((rc <= 1)) || die "check --threads 2 failed (exit $rc) on $src"
    local lines_in lines_out flagged
    lines_in=$(grep -c '[^[:space:]]' "$src" || true)
    lines_out=$(wc -l <"$t1")
    ((lines_in == lines_out)) || die "check wrote $lines_out lines for $lines_in replies"
    cmp -s "$t1" "$t2" || die "check gives different output with 1 and 2 threads"
    grep -q '"error"' "$t1" && die "check reported malformed lines in $src"
    flagged=$(grep -vc '"findings":\[\]' "$t1" || true)
    ((flagged > 0)) || die "check flagged nothing in $src"
    echo "sanity:   $lines_in replies, $flagged with findings; 1 and 2 threads agree"
    rm -f "$t1" "$t2"
}

# ---------------------------------------------------------------------------
# Modes

compare() {
    local size=${1:-100}
    command -v "$rg" >/dev/null || die "ripgrep not found (apt-get install ripgrep, or --rg PATH)"
    local f lc phrases n_phrases b
    f=$(corpus "$size")
    lc=$(folded "$f")
    phrases=$data/phrases.txt
    "$check" --no-config --list-phrases >"$phrases"
    n_phrases=$(wc -l <"$phrases")
    b=$(bytes "$f")
    echo "== compare: $f (load $(cut -d" " -f1-3 /proc/loadavg))"
    echo "corpus:   $b bytes, $(wc -l <"$f") replies; phrases.txt: $n_phrases phrases (check --list-phrases)"
    warm "$f" "$lc"

    # Round-robin, so that every command meets the same spells of load.
    local rg_out=$data/rg.out r rg_lines
    for ((r = 0; r < runs || r < rg_runs; r++)); do
        if ((r < rg_runs)); then
            time_once "$rg_out" "$rg" -i -c -F -f "$phrases" "$f" && keep_best rg
        fi
        if ((r < runs)); then
            time_once "$rg_out.lower" "$rg" -c -F -f "$phrases" "$lc" && keep_best rgf
            time_once /dev/null "$check" --no-config --jsonl "$f" --threads 1 && keep_best t1
            time_once /dev/null "$check" --no-config --jsonl "$f" --threads 2 && keep_best t2
        fi
    done
    rg_lines=$(cat "$rg_out")
    [[ $(cat "$rg_out.lower") == "$rg_lines" ]] ||
        echo "note: rg over the folded copy counts $(cat "$rg_out.lower") lines, rg -i $rg_lines"
    local t_rg=${top_wall[rg]} c_rg=${top_cpu[rg]} t_rgf=${top_wall[rgf]} c_rgf=${top_cpu[rgf]}
    local t_1=${top_wall[t1]} c_1=${top_cpu[t1]} t_2=${top_wall[t2]} c_2=${top_cpu[t2]}

    local m_rg m_rgf m_1 m_2
    m_rg=$(mbps "$b" "$t_rg") m_rgf=$(mbps "$b" "$t_rgf")
    m_1=$(mbps "$b" "$t_1") m_2=$(mbps "$b" "$t_2")
    printf '%-46s %9s %9s %9s\n' "command" "wall s" "MB/s" "cpu s"
    printf '%-46s %9s %9s %9s   (%s lines match)\n' "rg -i -c -F -f phrases.txt" "$t_rg" "$m_rg" "$c_rg" "$rg_lines"
    printf '%-46s %9s %9s %9s\n' "rg -c -F -f phrases.txt (ASCII-folded copy)" "$t_rgf" "$m_rgf" "$c_rgf"
    printf '%-46s %9s %9s %9s\n' "check --jsonl --threads 1" "$t_1" "$m_1" "$c_1"
    printf '%-46s %9s %9s %9s\n' "check --jsonl --threads 2" "$t_2" "$m_2" "$c_2"
    echo "(MB/s from the best wall time; cpu s = user + system time of that run)"
    echo
    local r1 r2 f1 f2
    r1=$(ratio "$m_1" "$m_rg") r2=$(ratio "$m_2" "$m_rg")
    f1=$(ratio "$m_1" "$m_rgf") f2=$(ratio "$m_2" "$m_rgf")
    printf '%-30s %8s %8s   %s\n' "ratio to" "rg -i" "folded" "issue 5 target (vs rg -i)"
    printf '%-30s %8s %8s   >= 0.5  %s\n' "check --threads 1" "$r1" "$f1" "$(verdict "$r1" 0.5 '>=')"
    printf '%-30s %8s %8s   >= 0.9  %s\n' "check --threads 2" "$r2" "$f2" "$(verdict "$r2" 0.9 '>=')"
    printf '%-30s %8s\n' "speed-up, 2 threads / 1" "$(ratio "$m_2" "$m_1")"
    echo
}

linear() {
    local sizes=("$@")
    ((${#sizes[@]})) || sizes=(10 100 1000)
    local one=$data/one-reply.jsonl long s f r
    head -n 1 "$src" >"$one"
    long=$(long_reply)
    local files=()
    for s in "${sizes[@]}"; do files+=("$(corpus "$s")"); done
    echo "== linear cost: check --jsonl --threads 1 (load $(cut -d" " -f1-3 /proc/loadavg))"
    warm "${files[@]}" "$long"
    # Round-robin over the inputs. Start-up (building the checker) is part
    # of every run; it is timed on one short reply, and "net" leaves it out.
    for ((r = 0; r < runs; r++)); do
        time_once /dev/null "$check" --no-config --jsonl "$one" --threads 1 && keep_best startup
        for f in "${files[@]}" "$long"; do
            time_once /dev/null "$check" --no-config --jsonl "$f" --threads 1 && keep_best "$f"
        done
    done
    local startup=${top_wall[startup]}
    echo "start-up (one reply): $startup s"
    printf '%-34s %12s %8s %8s %8s %8s %8s\n' "input" "bytes" "wall s" "MB/s" "ns/byte" "net" "cpu s"
    local b t nsb net first_nsb='' min='' max='' long_nsb='' label
    for f in "${files[@]}" "$long"; do
        b=$(bytes "$f")
        t=${top_wall[$f]}
        nsb=$(awk -v t="$t" -v b="$b" 'BEGIN { printf "%.2f", t * 1e9 / b }')
        net=$(awk -v t="$t" -v s="$startup" -v b="$b" 'BEGIN { printf "%.2f", (t - s) * 1e9 / b }')
        label=$(basename "$f")
        if [[ $f == "$long" ]]; then
            label="one 10 MB reply, no line breaks"
            long_nsb=$nsb
        else
            [[ -n $first_nsb ]] || first_nsb=$nsb
            if [[ -z $min ]] || awk -v a="$nsb" -v b="$min" 'BEGIN { exit !(a < b) }'; then min=$nsb; fi
            if [[ -z $max ]] || awk -v a="$nsb" -v b="$max" 'BEGIN { exit !(a > b) }'; then max=$nsb; fi
        fi
        printf '%-34s %12s %8s %8s %8s %8s %8s\n' "$label" "$b" "$t" "$(mbps "$b" "$t")" "$nsb" "$net" "${top_cpu[$f]}"
    done
    echo
    local spread lr
    spread=$(ratio "$max" "$min")
    printf 'per-byte cost (with start-up), dearest / cheapest size: %s   target <= 1.15  %s\n' "$spread" "$(verdict "$spread" 1.15 '<=')"
    lr=$(ratio "$long_nsb" "$first_nsb")
    printf 'per-byte cost, 10 MB reply / %s MB corpus: %s   target <= 1.00 (5%% noise allowed)  %s\n' \
        "${sizes[0]}" "$lr" "$(verdict "$lr" 1.05 '<=')"
    echo
}

rss() {
    local size=${1:-1000}
    if [[ ! -x /usr/bin/time ]]; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            apt-get install -y -qq time >/dev/null || die "cannot install GNU time"
        else
            die "/usr/bin/time (GNU time) is missing: apt-get install time"
        fi
    fi
    local f l
    f=$(corpus "$size")
    l=$(long_reply)
    echo "== peak RSS (/usr/bin/time -v), target <= 100 MB"
    printf '%-52s %9s %10s\n' "run" "wall s" "peak RSS"
    local what file threads log kb wall
    for what in "$f 1" "$f 2" "$l 1"; do
        read -r file threads <<<"$what"
        log=$(mktemp)
        local rc=0
        /usr/bin/time -v "$check" --no-config --jsonl "$file" --threads "$threads" >/dev/null 2>"$log" || rc=$?
        ((rc <= 1)) || { cat "$log" >&2; die "check failed (exit $rc)"; }
        kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$log")
        printf '%-52s %9s %7.1f MB  %s\n' "$(basename "$file") --threads $threads" "$wall" \
            "$(awk -v k="$kb" 'BEGIN { print k * 1024 / 1e6 }')" \
            "$(verdict "$(awk -v k="$kb" 'BEGIN { print k * 1024 / 1e6 }')" 100 '<=')"
        rm -f "$log"
    done
    echo
}

# ---------------------------------------------------------------------------

case $mode in
compare | linear | rss | all) ;;
*) echo "unknown mode: $mode" >&2; usage ;;
esac

if ((build)); then
    cargo build --release -p tactful-cli >&2
fi
[[ -x $check ]] || die "$check not built"
[[ -s $src ]] || die "corpus not found: $src (set TACTFUL_CORPUS)"

environment
sanity
echo

case $mode in
compare) compare "$@" ;;
linear) linear "$@" ;;
rss) rss "$@" ;;
all)
    compare 100
    linear 10 100 1000
    rss 1000
    ;;
esac
