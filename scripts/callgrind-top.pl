#!/usr/bin/env perl
# Top functions of a callgrind profile by inclusive and exclusive cost,
# summed over the source files of inlined code (callgrind_annotate lists
# each file:function pair apart, which splits an inlined function's cost).
#
#   scripts/callgrind-top.pl CALLGRIND_OUT [N]      (N defaults to 30)
#
# Inclusive cost = the function's own cost plus that of every call it
# makes to another function (recursive calls are not added twice).
# Functions at 99% or more inclusive (main, the runtime) are left out.
use strict;
use warnings;

my ($file, $n) = @ARGV;
die "usage: $0 CALLGRIND_OUT [N]\n" unless defined $file;
$n ||= 30;
open my $fh, '<', $file or die "$file: $!\n";

my (%names, %self, %incl, %calls, $total);
my ($fn, $cfn, $in_call) = ('?', '?', undef);

# Callgrind compresses names: "(12) name" defines id 12, "(12)" reuses it.
sub name {
    my ($s) = @_;
    if ($s =~ /^\((\d+)\)\s*(.*)$/) {
        $names{$1} = $2 if length $2;
        return $names{$1} // "($1)";
    }
    return $s;
}

while (my $l = <$fh>) {
    if ($l =~ /^fn=(.*)/) { $fn = name($1); next }
    if ($l =~ /^cfn=(.*)/) { $cfn = name($1); next }
    if ($l =~ /^calls=(\d+)/) { $in_call = $1; next }
    if ($l =~ /^(?:[+-]?\d+|\*)\s+(\d+)/) {
        my $cost = $1;
        if (defined $in_call) {
            $incl{$fn} += $cost if $cfn ne $fn;
            $calls{$cfn} += $in_call;
            undef $in_call;
        } else {
            $self{$fn} += $cost;
            $incl{$fn} += $cost;
        }
        next;
    }
    if ($l =~ /^(?:summary|totals):\s*(\d+)/) { $total = $1; next }
}
unless ($total) { $total = 0; $total += $_ for values %self; }
die "no cost in $file\n" unless $total;

sub commify { my $x = reverse shift; $x =~ s/(\d{3})(?=\d)/$1,/g; return scalar reverse $x }

# Long generic names lose their module paths: <Teddy as PrefilterI>::find.
sub short {
    my ($s) = @_;
    $s =~ s/\b[a-z_][a-z0-9_]*::(?=[A-Za-z_<])//g if length($s) > 100 && $s =~ /^</;
    return length($s) > 120 ? substr($s, 0, 117) . '...' : $s;
}

for my $which (['inclusive', \%incl], ['exclusive', \%self]) {
    my ($label, $cost) = @$which;
    printf "-- top %d by %s cost (%% of %s instructions)\n", $n, $label, commify($total);
    # Wrappers around everything (main, the runtime, thread scopes) say
    # nothing; leave out what costs 99% or more inclusively.
    my @fns = sort { $cost->{$b} <=> $cost->{$a} || $a cmp $b }
        grep { $label eq 'exclusive' || $cost->{$_} < 0.99 * $total } keys %$cost;
    splice @fns, $n if @fns > $n;
    for my $f (@fns) {
        printf "%6.2f%% %15s %11s  %s\n", 100 * $cost->{$f} / $total, commify($cost->{$f}),
            ($calls{$f} ? commify($calls{$f}) . 'x' : ''), short($f);
    }
    print "\n";
}
