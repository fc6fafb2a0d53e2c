#!/usr/bin/env bash
# Makes a JSON Lines benchmark corpus of at least SIZE_MB megabytes
# (1 MB = 1,000,000 bytes) by repeating the TWCS agent-reply corpus whole.
#
#   scripts/make-corpus.sh SIZE_MB OUT
#
# The source corpus is $TACTFUL_CORPUS, or by default
# ../shared/corpora/twcs_github_subsets/agent_replies.jsonl relative to the
# repository root. Each copy is whole, so OUT is the smallest multiple of the
# source that reaches SIZE_MB; every line stays a valid JSON object.
set -euo pipefail

if [[ $# -ne 2 || ! $1 =~ ^[0-9]+$ || $1 -eq 0 ]]; then
    echo "usage: $0 SIZE_MB OUT" >&2
    exit 2
fi
size_mb=$1
out=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=${TACTFUL_CORPUS:-$root/../shared/corpora/twcs_github_subsets/agent_replies.jsonl}
if [[ ! -s $src ]]; then
    echo "error: corpus not found: $src (set TACTFUL_CORPUS)" >&2
    exit 2
fi
if [[ -n $(tail -c 1 "$src") ]]; then
    echo "error: $src does not end with a newline" >&2
    exit 2
fi

target=$((size_mb * 1000000))
src_bytes=$(stat -c %s "$src")
copies=$(((target + src_bytes - 1) / src_bytes))

mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
for ((i = 0; i < copies; i++)); do
    cat "$src"
done >"$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "$out: $copies copies of $(basename "$src"), $(stat -c %s "$out") bytes, $(wc -l <"$out") lines" >&2
