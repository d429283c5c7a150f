#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rules enforced on real packets: a veth pair joins this sandbox (daemon and
# rules) to a peer netns that sends ICMP, TCP and UDP. Drops, accepts, user
# chains, counters as iptables -L shows them, LOG lines in the kernel log,
# REJECT answers the sender receives (a fail2ban chain's too), and a failed
# replacement that leaves the previous rules in force.
#
# Usage: enforce.sh OBJTREE
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bf_sandbox "$@"

bf_init "$1"
ipt=$BF_IPT
bf_veth_peer || exit 1
pkts() { bf_pkts "$@"; }
policy_pkts() { "$ipt" -L "$1" -n -v -x | sed -n 's/.*(policy [A-Z]* \([0-9]*\) packets.*/\1/p'; }

bf_check "bpfilterd --transient starts" bf_daemon_start --transient
# The table comes to life on first use, as the kernel's does.
"$ipt" -L >/dev/null
bf_check "ping passes with an empty table" ping_ok
bf_check "the INPUT policy counted it" test "$(policy_pkts INPUT)" -ge 1

"$ipt" -A INPUT -p icmp -s 10.99.0.2 -j DROP
bf_check "-p icmp -s PEER -j DROP drops the ping" ping_fails
bf_check "... and counts it on the rule" test "$(pkts INPUT 1)" = 1
"$ipt" -I INPUT -p icmp --icmp-type echo-request -j ACCEPT
bf_check "an ACCEPT inserted before it wins (first match)" ping_ok
bf_check "... counted on rule 1, not on rule 2" test "$(pkts INPUT 1)/$(pkts INPUT 2)" = "1/1"
"$ipt" -F INPUT

"$ipt" -N CHK
"$ipt" -A CHK -s 10.99.0.3 -j RETURN
"$ipt" -A CHK -p icmp -j DROP
"$ipt" -A INPUT -i bf0 -j CHK
bf_check "a user chain reached by -j drops from inside" ping_fails
bf_check "... counting the jump and the drop" test "$(pkts INPUT 1)/$(pkts CHK 2)" = "1/1"
"$ipt" -R CHK 1 -s 10.99.0.2 -j RETURN
bf_check "RETURN goes back and the policy accepts" ping_ok
bf_check "... counting the RETURN and the policy" test "$(pkts CHK 1)" = 1
"$ipt" -R INPUT 1 -i bf+ ! -s 10.99.0.0/24 -j CHK
bf_check "an inverted source skips the chain" ping_ok
"$ipt" -F INPUT
"$ipt" -F CHK
"$ipt" -X CHK

"$ipt" -A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset
out=$(inpeer nc -z -v -w 2 10.99.0.1 81 2>&1)
bf_check "REJECT tcp-reset: the sender's connect is refused" grep -q "refused" <<<"$out"
"$ipt" -A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited
out=$(inpeer ping -c1 -W2 10.99.0.1 2>&1)
bf_check "REJECT icmp-host-prohibited: the sender gets it" grep -qi "host prohibited" <<<"$out"
"$ipt" -R INPUT 2 -p icmp -j REJECT
out=$(inpeer ping -c1 -W2 10.99.0.1 2>&1)
bf_check "REJECT (port-unreachable) on ICMP: the sender gets it" \
	grep -qi "port unreachable" <<<"$out"
"$ipt" -A INPUT -p udp --dport 82 -j REJECT --reject-with icmp-port-unreachable
out=$(inpeer bash -c 'exec 3<>/dev/udp/10.99.0.1/82; echo a >&3; sleep 0.3; echo b >&3' 2>&1)
bf_check "REJECT on UDP: the sender's socket gets the error" grep -qi "refused" <<<"$out"
"$ipt" -F INPUT

# a fail2ban chain: 100 bans with one REJECT, the peer's the 60th, taken as
# one run by the classifier (bpf/classify.c)
{
	echo "*filter"
	echo ":f2b-test - [0:0]"
	for i in $(seq 1 100); do
		src=10.97.0.$i
		[ "$i" = 60 ] && src=10.99.0.2
		echo "-A f2b-test -s $src/32 -j REJECT --reject-with icmp-port-unreachable"
	done
	echo "-A f2b-test -j RETURN"
	echo "-A INPUT -p icmp -j f2b-test"
	echo "COMMIT"
} | "$ipt-restore" --noflush
out=$(inpeer ping -c1 -W2 10.99.0.1 2>&1)
bf_check "a fail2ban chain of 100 REJECT bans rejects the banned peer" \
	grep -qi "port unreachable" <<<"$out"
bf_check "... counting it on its ban only" \
	test "$(pkts f2b-test 59)/$(pkts f2b-test 60)/$(pkts f2b-test 61)" = "0/1/0"
"$ipt" -D f2b-test -s 10.99.0.2 -j REJECT --reject-with icmp-port-unreachable
bf_check "... and lets it in once unbanned" ping_ok
"$ipt" -F INPUT
"$ipt" -F f2b-test
"$ipt" -X f2b-test

tag="bpfilter-e2e-$$-"
"$ipt" -A INPUT -p icmp -j LOG --log-prefix "$tag" --log-level 5
ping_ok
line=$(dmesg | grep -- "$tag" | tail -1)
bf_check "LOG writes a kernel log line" test -n "$line"
bf_check "... in the LOG format" grep -qE "${tag}IN=bf0 OUT= MAC=([0-9a-f]{2}:){13}[0-9a-f]{2} SRC=10.99.0.2 DST=10.99.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=[0-9]+ (DF )?PROTO=ICMP TYPE=8 CODE=0 ID=[0-9]+ SEQ=1 *$" <<<"$line"
bf_check "... and the packet goes on (LOG does not stop it)" ping_ok
"$ipt" -F INPUT

# Connection state is real although no kernel rule asked for conntrack.
"$ipt" -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
"$ipt" -A INPUT -m conntrack --ctstate NEW -p icmp -j DROP
bf_check "-m conntrack --ctstate NEW: the peer's pings are dropped" ping_fails
bf_check "-m state ESTABLISHED: replies to our pings come in" \
	bash -c 'ping -c1 -W1 10.99.0.2 >/dev/null 2>&1'
bf_check "... counted on the state rule" test "$(pkts INPUT 1)" -ge 1
"$ipt" -F INPUT

# OUTPUT and FORWARD hooks
"$ipt" -A OUTPUT -o bf0 -p icmp -j DROP
bf_check "OUTPUT -o DEV drops our own pings" bash -c '! ping -c1 -W1 10.99.0.2 >/dev/null 2>&1'
"$ipt" -F OUTPUT

# A failed replacement changes nothing.
"$ipt" -A INPUT -p icmp -j DROP
out=$("$ipt" -A INPUT -p udp -j QUEUE 2>&1)
bf_check "an untranslatable rule is refused" test $? -ne 0
bf_check "... naming what cannot be translated" grep -q "cannot translate target 'QUEUE'" <<<"$out"
bf_check "... and the previous rules still drop" ping_fails
bf_check "... and the table is unchanged" test "$("$ipt" -S INPUT | wc -l)" = 2

# Programs carry their table and hook in their names.
names=$(for id in $(bf_daemon_bpf_ids prog); do bpftool prog show id "$id"; done |
	grep -o 'name [a-z_A-Z]*')
bf_check "bpftool shows filter_INPUT/FORWARD/OUTPUT" \
	bash -c 'grep -q filter_INPUT <<<"$1" && grep -q filter_FORWARD <<<"$1" && grep -q filter_OUTPUT <<<"$1"' _ "$names"

bf_daemon_stop
bf_check "once the --transient daemon stops, its rules are gone" ping_ok
bf_finish
