#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn scripts/bench.sh's figures into Documentation/benchmarks.md and
# benchmarks.png.
#
# Usage: scripts/bench-report.sh DATFILE OUTDIR SECONDS
set -u
dat=$1 out=$2 seconds=$3
md="$out/benchmarks.md"

table() {
	local title=$1 col=$2 mode sizes
	sizes=$(awk '!/^#/ { print $1 }' "$dat" | uniq | tr '\n' ' ')
	echo "### $title"
	echo
	printf '| |'; for n in $sizes; do printf ' N = %s |' "$n"; done; echo
	printf '|---|'; for _ in $sizes; do printf -- '---:|'; done; echo
	for mode in bpfilter legacy nft; do
		# a figure only bpfilter has (TEST_RUN): no empty rows
		awk -v mode="$mode" -v col="$col" '!/^#/ && $2 == mode && $col != "-" { f = 1 }
			END { exit !f }' "$dat" || continue
		printf '| %s |' "$mode"
		awk -v mode="$mode" -v col="$col" '!/^#/ && $2 == mode { printf " %s |", $col }' "$dat"
		echo
	done
	echo
}

{
	echo "# Benchmarks"
	echo
	echo "Produced by \`scripts/bench.sh\` (figures in \`benchmarks.dat\`), on"
	echo "$(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs"
	echo "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))."
	echo
	echo "Each N is a fresh pair of network namespaces joined by veth. The INPUT"
	echo "chain holds N rules (\`-s ADDR -p udp --dport PORT -j DROP\`); only the"
	echo "last matches the flood, so every packet walks all N. \`legacy\` is the"
	echo "kernel's ip_tables (\`iptables-legacy\`), \`nft\` is \`iptables-nft\`"
	echo "(nf_tables), \`bpfilter\` is this project, driven by the same"
	echo "unmodified \`iptables-restore\`."
	echo
	table "Packets per second (one CPU sends and filters for ${seconds} s)" 4
	table "Seconds to apply the N rules with iptables-restore" 3
	table "BPF_PROG_TEST_RUN, ns per packet through filter_INPUT" 5
	echo "![packets per second and restore time](benchmarks.png)"
	echo
	echo "## Reading the figures"
	echo
	echo "- All three walk the rules one by one: cost grows linearly with N."
	echo "  Near-constant cost for large rulesets is the classifier's job"
	echo "  (issue 5); the code generator's \`gen_sequence()\` is where it plugs in."
	echo "- bpfilter's restore time is dominated by the verifier, which checks"
	echo "  every generated program before it is loaded; a chain of more than"
	echo "  about a thousand rules is cut into parts that tail-call each other"
	echo "  (\`BF_PART_BRANCHES\` in \`bpf/codegen.h\`)."
	echo "- The flood and the filtering share one CPU (veth delivers on the"
	echo "  sender's CPU), so pps at N = 1 is bounded by the UDP send path, not"
	echo "  by the filter."
} >"$md"

gnuplot <<GP
set terminal pngcairo size 1200,480 font "sans,10" noenhanced
set output "$out/benchmarks.png"
set multiplot layout 1,2
set logscale x
set logscale y
set grid
set key top right
set xlabel "INPUT rules (N)"
set ylabel "packets per second"
set title "Throughput through N rules"
plot for [m in "bpfilter legacy nft"] "< awk '\$2 == \"".m."\"' $dat" using 1:4 with linespoints title m
set ylabel "seconds"
set title "iptables-restore of N rules"
plot for [m in "bpfilter legacy nft"] "< awk '\$2 == \"".m."\"' $dat" using 1:3 with linespoints title m
unset multiplot
GP
