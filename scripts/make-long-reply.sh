#!/usr/bin/env bash
# Makes ONE reply of at least SIZE_MB megabytes of text without a line
# break, written as a single JSON Lines record: the texts of the TWCS corpus
# joined by spaces (their own line breaks turned into spaces), repeated as
# needed. It checks that a reply with no line or paragraph structure costs
# no more per byte than a corpus of short replies.
#
#   scripts/make-long-reply.sh [SIZE_MB] OUT      (SIZE_MB defaults to 10)
#
# The source corpus is found as in scripts/make-corpus.sh.
set -euo pipefail

if [[ $# -eq 1 ]]; then
    size_mb=10
    out=$1
elif [[ $# -eq 2 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]]; then
    size_mb=$1
    out=$2
else
    echo "usage: $0 [SIZE_MB] OUT" >&2
    exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=${TACTFUL_CORPUS:-$root/../shared/corpora/twcs_github_subsets/agent_replies.jsonl}
if [[ ! -s $src ]]; then
    echo "error: corpus not found: $src (set TACTFUL_CORPUS)" >&2
    exit 2
fi

mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# JSON::PP is a core Perl module: decode each record properly, keep its
# text with its line breaks (and U+2028, U+2029) turned into spaces, and
# encode the joined text once, as UTF-8.
TARGET=$((size_mb * 1000000)) perl -MJSON::PP -e '
    my $target = $ENV{TARGET};
    my $json = JSON::PP->new->utf8;
    my @texts;
    while (my $line = <STDIN>) {
        next unless $line =~ /\S/;
        my $rec = $json->decode($line);
        my $t = $rec->{text} // next;
        $t =~ s/[\r\n\x{0B}\x{0C}\x{85}\x{2028}\x{2029}]+/ /g;
        push @texts, $t;
    }
    die "no texts in corpus\n" unless @texts;
    my ($bytes, $i) = (0, 0);
    my @parts;
    while ($bytes < $target) {
        my $t = $texts[$i++ % @texts];
        push @parts, $t;
        { use bytes; $bytes += length($t) + 1; }
    }
    my $text = join(" ", @parts);
    my $out = JSON::PP->new->utf8->canonical->encode({ id => "long-reply", text => $text });
    binmode STDOUT;
    print $out, "\n";
' <"$src" >"$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "$out: one reply, $(stat -c %s "$out") bytes, $(wc -l <"$out") line" >&2
