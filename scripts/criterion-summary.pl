#!/usr/bin/env perl
# Summarises the last `cargo bench` run from target/criterion/: for each
# benchmark, the median and the fastest sample (time per iteration), and
# from the median, MB/s (1 MB = 1,000,000 bytes) and replies/s when the
# benchmark declares a throughput. The median is the figure of record; the
# fastest sample shows what the code does when nothing else competes for
# the CPU (useful on a busy machine).
#
#   scripts/criterion-summary.pl [CRITERION_DIR]   (default target/criterion)
use strict;
use utf8;
use warnings;
use File::Find;
use JSON::PP;

my $dir = shift // ($ENV{CARGO_TARGET_DIR} // 'target') . '/criterion';
die "no criterion results in $dir (run cargo bench first)\n" unless -d $dir;

sub slurp { local $/; open my $fh, '<', $_[0] or die "$_[0]: $!\n"; return decode_json(<$fh>) }

my @found;
find(sub { push @found, $File::Find::dir if $_ eq 'benchmark.json' && $File::Find::dir =~ m{/new$} }, $dir);

sub human {
    my ($ns) = @_;
    return sprintf('%.1f ns', $ns) if $ns < 1e3;
    return sprintf('%.2f µs', $ns / 1e3) if $ns < 1e6;
    return sprintf('%.2f ms', $ns / 1e6) if $ns < 1e9;
    return sprintf('%.2f s', $ns / 1e9);
}

binmode STDOUT, ':encoding(UTF-8)';
printf "%-28s %12s %12s %10s %12s\n", 'benchmark', 'median', 'fastest', 'MB/s', 'replies/s';
for my $d (sort @found) {
    my $bench = slurp("$d/benchmark.json");
    my $e = slurp("$d/estimates.json");
    my $s = slurp("$d/sample.json");
    my $median = $e->{median}{point_estimate};
    my ($fastest) = sort { $a <=> $b } map { $s->{times}[$_] / $s->{iters}[$_] } 0 .. $#{ $s->{iters} };
    my ($bytes, $elems);
    my $t = $bench->{throughput} // {};
    if (my $eb = $t->{ElementsAndBytes}) { ($bytes, $elems) = ($eb->{bytes}, $eb->{elements}) }
    $bytes = $t->{Bytes} // $t->{BytesDecimal} // $bytes;
    $elems = $t->{Elements} // $elems;
    printf "%-28s %12s %12s %10s %12s\n", $bench->{full_id}, human($median), human($fastest),
        (defined $bytes ? sprintf('%.2f', $bytes / $median * 1e3) : '-'),
        (defined $elems ? sprintf('%.0f', $elems / $median * 1e9) : '-');
}
