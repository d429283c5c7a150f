// SPDX-License-Identifier: GPL-2.0
/*
 * Generated programs on crafted packets (BPF_PROG_TEST_RUN): for each match
 * option and its inversion, a packet that must match and one that must not;
 * chains, RETURN, goto and policies; hotdrop; untranslatable rules refused.
 * Each case is a table whose OUTPUT chain holds the rule under test, with an
 * ACCEPT policy; the OUTPUT program's verdict and counters are checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_LOG.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>

#include "kselftest_harness.h"

#include "../../bpf/kernel_btf.h"
#include "../../bpf/loader.h"
#include "../../bpf/local_routes.h"
#include "blob.h"
#include "gen_run.h"
#include "pkt.h"

/* A match to put in the rule: name, revision, payload. */
struct m {
	const char *name;
	uint8_t rev;
	const void *data;
	unsigned int size;
};

/* The table: OUTPUT holds one rule (ip, matches, verdict), then ACCEPT. */
static void one_rule_table(struct blob *b, const struct ipt_ip *ip, const struct m *ms,
			   unsigned int n, int verdict)
{
	unsigned char mbuf[1024];
	unsigned int i, mlen = 0, out;

	for (i = 0; i < n; i++)
		mlen += blob_match(mbuf + mlen, ms[i].name, ms[i].rev, ms[i].data, ms[i].size);
	out = output_start(b);
	blob_entry(b, ip, mbuf, mlen, XT_STANDARD_TARGET, 0, &verdict, sizeof(verdict));
	output_end(b, out, ACCEPT);
}

static struct result one_rule(const struct ipt_ip *ip, const struct m *ms, unsigned int n,
			      int verdict, const struct pkt_spec *spec)
{
	static struct blob b;

	one_rule_table(&b, ip, ms, n, verdict);
	return load_and_run(&b, 2, spec, 1);
}

/* 1: matched (dropped, counted), 0: not matched (accepted, not counted), <0: error */
static int matched(const struct ipt_ip *ip, const struct m *m, const struct pkt_spec *spec)
{
	struct result r = one_rule(ip, m, m ? 1 : 0, DROP, spec);

	if (r.ret)
		return r.ret;
	if (r.verdict == NF_DROP && r.rule_pkts == 1)
		return 1;
	if (r.verdict == NF_ACCEPT && r.rule_pkts == 0)
		return 0;
	return -EBADE;
}

static const struct pkt_spec echo = { .proto = IPPROTO_ICMP, .icmp_type = 8 };

TEST(ip_source_mask_and_inversion)
{
	struct ipt_ip ip = ip_of("10.1.0.0", "255.255.0.0", 0, 0);

	EXPECT_EQ(1, matched(&ip, NULL, &tcp80));
	ip.invflags = IPT_INV_SRCIP;
	EXPECT_EQ(0, matched(&ip, NULL, &tcp80));
	ip = ip_of("10.2.0.0", "255.255.0.0", 0, 0);
	EXPECT_EQ(0, matched(&ip, NULL, &tcp80));
	ip.invflags = IPT_INV_SRCIP;
	EXPECT_EQ(1, matched(&ip, NULL, &tcp80));
}

TEST(ip_destination_and_protocol)
{
	struct ipt_ip ip = { .proto = IPPROTO_UDP };

	inet_pton(AF_INET, "10.0.0.2", &ip.dst);
	inet_pton(AF_INET, "255.255.255.255", &ip.dmsk);
	EXPECT_EQ(1, matched(&ip, NULL, &udp53));
	EXPECT_EQ(0, matched(&ip, NULL, &tcp80));
	ip.invflags = IPT_INV_PROTO;
	EXPECT_EQ(1, matched(&ip, NULL, &tcp80));
	ip.invflags = IPT_INV_DSTIP;
	EXPECT_EQ(0, matched(&ip, NULL, &udp53));
}

TEST(ip_fragment_flag)
{
	struct ipt_ip ip = { .flags = IPT_F_FRAG };
	struct pkt_spec frag = udp53, first = udp53;

	frag.frag = 100;
	first.frag = IP_MF;
	EXPECT_EQ(1, matched(&ip, NULL, &frag));
	EXPECT_EQ(0, matched(&ip, NULL, &first));
	ip.invflags = IPT_INV_FRAG;
	EXPECT_EQ(0, matched(&ip, NULL, &frag));
	EXPECT_EQ(1, matched(&ip, NULL, &first));
}

TEST(ip_output_interface)
{
	/* BPF_PROG_TEST_RUN at LOCAL_OUT has no output device: a zero name */
	struct ipt_ip ip = { 0 };

	strcpy(ip.outiface, "lo");
	memset(ip.outiface_mask, 0xff, 3);
	EXPECT_EQ(0, matched(&ip, NULL, &udp53));
	ip.invflags = IPT_INV_VIA_OUT;
	EXPECT_EQ(1, matched(&ip, NULL, &udp53));
}

TEST(tcp_ports_flags_and_inversions)
{
	struct ipt_ip ip = { .proto = IPPROTO_TCP };
	struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { 80, 80 } };
	struct m m = { "tcp", 0, &t, sizeof(t) };
	struct pkt_spec synack = tcp80;

	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
	t.dpts[0] = 81, t.dpts[1] = 90;
	EXPECT_EQ(0, matched(&ip, &m, &tcp80));
	t.invflags = XT_TCP_INV_DSTPT;
	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
	t = (struct xt_tcp){ .spts = { 1000, 2000 }, .dpts = { 0, 0xffff } };
	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
	t.invflags = XT_TCP_INV_SRCPT;
	EXPECT_EQ(0, matched(&ip, &m, &tcp80));
	/* --syn: SYN,RST,ACK,FIN SYN */
	t = (struct xt_tcp){
		.spts = { 0, 0xffff }, .dpts = { 0, 0xffff }, .flg_mask = 0x17, .flg_cmp = TH_SYN
	};
	synack.tcp_flags = TH_SYN | TH_ACK;
	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
	EXPECT_EQ(0, matched(&ip, &m, &synack));
	t.invflags = XT_TCP_INV_FLAGS;
	EXPECT_EQ(1, matched(&ip, &m, &synack));
}

TEST(tcp_option)
{
	static const uint8_t mss[4] = { 2, 4, 5, 180 }, nop_ws[4] = { 1, 3, 3, 7 };
	struct ipt_ip ip = { .proto = IPPROTO_TCP };
	struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { 0, 0xffff }, .option = 3 };
	struct m m = { "tcp", 0, &t, sizeof(t) };
	struct pkt_spec with = tcp80, without = tcp80;

	with.tcp_opts = nop_ws, with.tcp_optlen = 4;
	without.tcp_opts = mss, without.tcp_optlen = 4;
	EXPECT_EQ(1, matched(&ip, &m, &with));
	EXPECT_EQ(0, matched(&ip, &m, &without));
	EXPECT_EQ(0, matched(&ip, &m, &tcp80));
	t.invflags = XT_TCP_INV_OPTION;
	EXPECT_EQ(0, matched(&ip, &m, &with));
	EXPECT_EQ(1, matched(&ip, &m, &without));
}

TEST(tcp_tinygram_is_dropped_unmatched)
{
	/* hotdrop: dropped before the rule counts, whatever its target */
	struct ipt_ip ip = { .proto = IPPROTO_TCP };
	struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { 0, 0xffff } };
	struct m m = { "tcp", 0, &t, sizeof(t) };
	struct pkt_spec tiny = tcp80;
	struct result r;

	tiny.truncate = 28;
	r = one_rule(&ip, &m, 1, ACCEPT, &tiny);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(NF_DROP, r.verdict);
	EXPECT_EQ(0, r.rule_pkts);
	tiny = tcp80;
	tiny.frag = 1; /* "evil" offset-1 fragment */
	r = one_rule(&ip, &m, 1, ACCEPT, &tiny);
	EXPECT_EQ(NF_DROP, r.verdict);
	tiny.frag = 2; /* any other fragment: no match, no drop */
	r = one_rule(&ip, &m, 1, DROP, &tiny);
	EXPECT_EQ(NF_ACCEPT, r.verdict);
}

/*
 * The transport header is read once for all the rules after the first that
 * needs it (bpf/l4.c): each rule still sees only what its own read would
 * have, a header too short for it hotdrops there and not before.
 */
TEST(transport_header_read_once_for_all_rules)
{
	static struct blob b;
	struct ipt_ip udp = { .proto = IPPROTO_UDP }, tcp = { .proto = IPPROTO_TCP };
	struct xt_udp u53 = { .spts = { 0, 0xffff }, .dpts = { 53, 53 } };
	struct xt_tcp t80 = { .spts = { 0, 0xffff }, .dpts = { 80, 80 } };
	struct xt_udp s5000 = { .spts = { 5000, 5000 }, .dpts = { 0, 0xffff } };
	struct pkt_spec pkt;
	unsigned char mbuf[256];
	unsigned int out, mlen;
	int accept = ACCEPT, drop = DROP;

	out = output_start(&b);
	mlen = blob_match(mbuf, "udp", 0, &u53, sizeof(u53));
	blob_entry(&b, &udp, mbuf, mlen, XT_STANDARD_TARGET, 0, &accept, sizeof(accept));
	mlen = blob_match(mbuf, "tcp", 0, &t80, sizeof(t80));
	blob_entry(&b, &tcp, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	mlen = blob_match(mbuf, "udp", 0, &s5000, sizeof(s5000));
	blob_entry(&b, &udp, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	output_end(&b, out, ACCEPT);

	expect_rule(_metadata, &b, "a whole TCP header", &tcp80, 1, NF_DROP, 1);
	pkt = tcp80;
	pkt.truncate = 28;
	expect_rule(_metadata, &b,
		    "8 bytes of TCP: enough for the UDP rule before, not for the TCP rule", &pkt, 1,
		    NF_DROP, 0);
	pkt = udp53;
	pkt.dport = 54;
	expect_rule(_metadata, &b, "a whole UDP header: the third rule's source port", &pkt, 2,
		    NF_DROP, 1);
	pkt.truncate = 24;
	expect_rule(_metadata, &b, "4 bytes of UDP: the first rule hotdrops it, uncounted", &pkt, 0,
		    NF_DROP, 0);
	pkt = udp53;
	pkt.frag = 2;
	expect_rule(_metadata, &b, "a later fragment: no port rule matches, none drops", &pkt, 0,
		    NF_ACCEPT, 0);
}

TEST(udp_ports)
{
	struct ipt_ip ip = { .proto = IPPROTO_UDP };
	struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { 53, 53 } };
	struct m m = { "udp", 0, &u, sizeof(u) };

	EXPECT_EQ(1, matched(&ip, &m, &udp53));
	u.invflags = XT_UDP_INV_DSTPT;
	EXPECT_EQ(0, matched(&ip, &m, &udp53));
	u = (struct xt_udp){ .spts = { 6000, 7000 }, .dpts = { 0, 0xffff } };
	EXPECT_EQ(0, matched(&ip, &m, &udp53));
	u.invflags = XT_UDP_INV_SRCPT;
	EXPECT_EQ(1, matched(&ip, &m, &udp53));
}

TEST(icmp_type_code)
{
	struct ipt_ip ip = { .proto = IPPROTO_ICMP };
	struct ipt_icmp i = { .type = 8, .code = { 0, 0xff } };
	struct m m = { "icmp", 0, &i, sizeof(i) };
	struct pkt_spec unreach = { .proto = IPPROTO_ICMP, .icmp_type = 3, .icmp_code = 3 };

	EXPECT_EQ(1, matched(&ip, &m, &echo));
	EXPECT_EQ(0, matched(&ip, &m, &unreach));
	i.invflags = IPT_ICMP_INV;
	EXPECT_EQ(0, matched(&ip, &m, &echo));
	EXPECT_EQ(1, matched(&ip, &m, &unreach));
	i = (struct ipt_icmp){ .type = 3, .code = { 1, 2 } };
	EXPECT_EQ(0, matched(&ip, &m, &unreach));
	i.type = 0xff; /* any */
	EXPECT_EQ(1, matched(&ip, &m, &unreach));
}

TEST(multiport_lists_and_ranges)
{
	struct ipt_ip ip = { .proto = IPPROTO_TCP };
	struct xt_multiport_v1 mp = { .flags = XT_MULTIPORT_DESTINATION,
				      .count = 3,
				      .ports = { 22, 70, 90 },
				      .pflags = { 0, 1, 0 } };
	struct m m = { "multiport", 1, &mp, sizeof(mp) };
	struct pkt_spec p443 = tcp80;

	p443.dport = 443;
	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
	EXPECT_EQ(0, matched(&ip, &m, &p443));
	mp.invert = 1;
	EXPECT_EQ(0, matched(&ip, &m, &tcp80));
	EXPECT_EQ(1, matched(&ip, &m, &p443));
	mp = (struct xt_multiport_v1){ .flags = XT_MULTIPORT_SOURCE, .count = 1, .ports = { 80 } };
	EXPECT_EQ(0, matched(&ip, &m, &tcp80));
	mp.flags = XT_MULTIPORT_EITHER;
	EXPECT_EQ(1, matched(&ip, &m, &tcp80));
}

TEST(iprange_length_mark_pkttype_comment)
{
	struct xt_iprange_mtinfo r = { .flags = IPRANGE_SRC };
	struct xt_length_info l = { .min = 40, .max = 40 };
	struct xt_mark_mtinfo1 mk = { .mark = 0, .mask = 0xffffffff };
	struct xt_pkttype_info pt = { .pkttype = PACKET_HOST };
	char comment[256] = "hello";
	struct m m = { "iprange", 1, &r, sizeof(r) };

	inet_pton(AF_INET, "10.1.2.0", &r.src_min.ip);
	inet_pton(AF_INET, "10.1.2.9", &r.src_max.ip);
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	r.flags |= IPRANGE_SRC_INV;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	m = (struct m){ "length", 0, &l, sizeof(l) };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80)); /* 20 + 20 bytes */
	l.invert = 1;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	m = (struct m){ "mark", 1, &mk, sizeof(mk) };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	mk.mark = 1;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	mk.invert = 1;
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	m = (struct m){ "pkttype", 0, &pt, sizeof(pt) };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	pt.invert = 1;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	m = (struct m){ "comment", 0, comment, sizeof(comment) };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
}

TEST(ttl_modes)
{
	struct ipt_ttl_info t = { .mode = IPT_TTL_EQ, .ttl = 64 };
	struct m m = { "ttl", 0, &t, sizeof(t) };
	struct pkt_spec low = tcp80;

	low.ttl = 3;
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	EXPECT_EQ(0, matched(NULL, &m, &low));
	t.mode = IPT_TTL_NE;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	EXPECT_EQ(1, matched(NULL, &m, &low));
	t = (struct ipt_ttl_info){ .mode = IPT_TTL_LT, .ttl = 4 };
	EXPECT_EQ(1, matched(NULL, &m, &low));
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	t.ttl = 3; /* strictly less */
	EXPECT_EQ(0, matched(NULL, &m, &low));
	t = (struct ipt_ttl_info){ .mode = IPT_TTL_GT, .ttl = 63 };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	EXPECT_EQ(0, matched(NULL, &m, &low));
	t.mode = 7; /* unknown: never matches, as in the kernel */
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
}

TEST(tos_and_dscp)
{
	struct xt_tos_match_info tos = { .tos_mask = 0x1c, .tos_value = 0x10 };
	struct xt_dscp_info dscp = { .dscp = 10 };
	struct m m = { "tos", 1, &tos, sizeof(tos) };
	struct pkt_spec af11 = tcp80;

	af11.tos = 0x28 | 0x02; /* DSCP 10 (AF11), ECN 2 */
	EXPECT_EQ(0, matched(NULL, &m, &af11)); /* 0x2a & 0x1c = 0x08 */
	af11.tos = 0x12;
	EXPECT_EQ(1, matched(NULL, &m, &af11));
	tos.invert = 1;
	EXPECT_EQ(0, matched(NULL, &m, &af11));
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	m = (struct m){ "dscp", 0, &dscp, sizeof(dscp) };
	af11.tos = 0x28 | 0x03;
	EXPECT_EQ(1, matched(NULL, &m, &af11)); /* ECN bits are not DSCP */
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	dscp.invert = 1;
	EXPECT_EQ(0, matched(NULL, &m, &af11));
	dscp.dscp = 64; /* over 6 bits: the kernel's EDOM */
	EXPECT_EQ(-EDOM, matched(NULL, &m, &af11));
}

/* BPF_PROG_TEST_RUN's packets have no socket; traffic tests the rest. */
TEST(owner_without_a_socket)
{
	struct xt_owner_match_info o = { .match = XT_OWNER_SOCKET };
	struct m m = { "owner", 1, &o, sizeof(o) };

	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	o.invert = XT_OWNER_SOCKET;
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	o = (struct xt_owner_match_info){ .match = XT_OWNER_UID, .uid_max = 0 };
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	o.invert = XT_OWNER_UID; /* owner_mt(): (match ^ invert) == 0 */
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	/* the supplementary group loop passes the verifier */
	o = (struct xt_owner_match_info){ .match = XT_OWNER_GID | XT_OWNER_SUPPL_GROUPS,
					  .gid_min = 4242,
					  .gid_max = 4242 };
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	o = (struct xt_owner_match_info){ .match = XT_OWNER_UID, .uid_max = 0xffffffff };
	/* (uid_t)-1 is no user: EINVAL */
	EXPECT_EQ(-EINVAL, matched(NULL, &m, &tcp80));
}

static void add_local_route(int fd, const char *addr, uint32_t len, uint32_t type, uint32_t dev)
{
	struct bf_local_route_key k = { .prefixlen = len };
	struct bf_local_route v = { .type = type, .ifindex = dev };

	inet_pton(AF_INET, addr, &k.addr);
	bpf_map_update_elem(fd, &k, &v, BPF_ANY);
}

TEST(addrtype_special_and_local_addresses)
{
	struct xt_addrtype_info_v1 a = { .dest = XT_ADDRTYPE_UNICAST };
	struct xt_addrtype_info a0 = { .source = XT_ADDRTYPE_LOCAL, .invert_source = 1 };
	struct m m = { "addrtype", 1, &a, sizeof(a) };
	struct pkt_spec to = tcp80;
	struct bf_load_opts opts = { .events_fd = -1 };

	/* the daemon's mirror of the local table, here filled by hand */
	opts.local_routes_fd = bf_local_routes_map_create();
	ASSERT_LE(0, opts.local_routes_fd);
	add_local_route(opts.local_routes_fd, "10.0.0.2", 32, RTN_LOCAL, 1);
	add_local_route(opts.local_routes_fd, "127.0.0.0", 8, RTN_LOCAL, 1);
	add_local_route(opts.local_routes_fd, "10.0.0.255", 32, RTN_BROADCAST, 1);
	load_opts = &opts;

	to.dst = "10.0.0.9";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	a.flags = XT_ADDRTYPE_INVERT_DEST;
	EXPECT_EQ(0, matched(NULL, &m, &to));
	a = (struct xt_addrtype_info_v1){ .dest = XT_ADDRTYPE_LOCAL };
	EXPECT_EQ(0, matched(NULL, &m, &to));
	to.dst = "10.0.0.2";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	to.dst = "127.3.4.5"; /* a prefix route of the local table */
	EXPECT_EQ(1, matched(NULL, &m, &to));
	a.dest = XT_ADDRTYPE_BROADCAST;
	to.dst = "10.0.0.255";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	to.dst = "255.255.255.255";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	to.dst = "0.1.2.3"; /* 0.0.0.0/8 counts as broadcast */
	EXPECT_EQ(1, matched(NULL, &m, &to));
	a.dest = XT_ADDRTYPE_MULTICAST;
	to.dst = "224.0.0.251";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	/* source and destination must both match */
	a.source = XT_ADDRTYPE_LOCAL;
	EXPECT_EQ(0, matched(NULL, &m, &to));
	to.src = "10.0.0.2";
	EXPECT_EQ(1, matched(NULL, &m, &to));
	/* revision 0 */
	m = (struct m){ "addrtype", 0, &a0, sizeof(a0) };
	EXPECT_EQ(0, matched(NULL, &m, &to));
	a0.invert_source = 0;
	EXPECT_EQ(1, matched(NULL, &m, &to));
	/* --limit-iface-in where there is no input device */
	a = (struct xt_addrtype_info_v1){ .dest = XT_ADDRTYPE_LOCAL,
					  .flags = XT_ADDRTYPE_LIMIT_IFACE_IN };
	m = (struct m){ "addrtype", 1, &a, sizeof(a) };
	EXPECT_EQ(-EINVAL, matched(NULL, &m, &to));
	load_opts = NULL;
	close(opts.local_routes_fd);
}

/* Does the program fd load 8 bytes at off from reg, as the kernel runs it? */
static bool loads_from(int fd, int reg, int off)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), i, n;
	struct bpf_insn *insns;
	bool found = false;

	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return true;
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	info = (struct bpf_prog_info){ .xlated_prog_len = n * sizeof(*insns),
				       .xlated_prog_insns = (uintptr_t)insns };
	if (!insns || bpf_prog_get_info_by_fd(fd, &info, &len))
		found = true;
	for (i = 0; !found && i < n; i++)
		found = BPF_CLASS(insns[i].code) == BPF_LDX && BPF_SIZE(insns[i].code) == BPF_DW &&
			insns[i].src_reg == reg && insns[i].off == off;
	free(insns);
	return found;
}

/*
 * The rules that read the devices, the socket or the netns of a packet
 * read those pointers as numbers (bf_gen_load_kptr()), never as BTF
 * pointers from the skb (r6) or the hook state (r7): the verifier would
 * walk all the kernel's types by name at each check of such a load, which
 * made every replacement of a table with twenty `-i` rules 24 ms slower.
 */
TEST(kernel_pointers_are_read_as_numbers)
{
	static struct blob b;
	struct ipt_ip in = { 0 }, out = { 0 };
	struct ipt_log_info log = { .level = 4, .logflags = IPT_LOG_UID };
	struct ipt_reject_info reject = { .with = IPT_ICMP_PORT_UNREACHABLE };
	struct xt_mac_info mac = { .srcaddr = { 2, 0, 0, 0, 0, 1 } };
	struct xt_addrtype_info_v1 at = { .dest = XT_ADDRTYPE_LOCAL,
					  .flags = XT_ADDRTYPE_LIMIT_IFACE_IN };
	struct xt_owner_match_info own = { .match = XT_OWNER_UID };
	struct bf_load_opts opts = { .events_fd = -1 };
	const struct bf_kernel *k;
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };
	unsigned char mbuf[256];
	unsigned int mlen, start;
	int drop = DROP, fd;

	strcpy(in.iniface, "eth0");
	memset(in.iniface_mask, 0xff, 5);
	strcpy(out.outiface, "eth0");
	memset(out.outiface_mask, 0xff, 5);
	blob_init(&b);
	blob_entry(&b, &in, NULL, 0, "LOG", 0, &log, sizeof(log));
	blob_verdict(&b, &in, DROP);
	mlen = blob_match(mbuf, "mac", 0, &mac, sizeof(mac));
	blob_entry(&b, NULL, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	mlen = blob_match(mbuf, "addrtype", 1, &at, sizeof(at));
	blob_entry(&b, NULL, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	blob_entry(&b, NULL, NULL, 0, "REJECT", 0, &reject, sizeof(reject));
	blob_policy(&b, NF_INET_LOCAL_IN, ACCEPT, 0);
	blob_policy(&b, NF_INET_FORWARD, ACCEPT, b.repl.size);
	start = b.repl.size;
	blob_verdict(&b, &out, DROP);
	mlen = blob_match(mbuf, "owner", 1, &own, sizeof(own));
	blob_entry(&b, NULL, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	output_end(&b, start, ACCEPT);

	k = bf_kernel(&err);
	ASSERT_NE(NULL, k) TH_LOG("%s", err.msg);
	opts.local_routes_fd = bf_local_routes_map_create();
	ASSERT_LE(0, opts.local_routes_fd);
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, bf_bpf_table_load(t, &opts, &bt, &err)) TH_LOG("%s", err.msg);
	fd = bt->prog_fds[NF_INET_LOCAL_IN];
	EXPECT_FALSE(loads_from(fd, BPF_REG_7, k->state_in.off));
	EXPECT_FALSE(loads_from(fd, BPF_REG_7, k->state_out.off));
	EXPECT_FALSE(loads_from(fd, BPF_REG_6, k->skb_dev.off));
	EXPECT_FALSE(loads_from(fd, BPF_REG_6, k->skb_sk.off));
	fd = bt->prog_fds[NF_INET_LOCAL_OUT];
	EXPECT_FALSE(loads_from(fd, BPF_REG_7, k->state_out.off));
	EXPECT_FALSE(loads_from(fd, BPF_REG_7, k->state_net.off));
	EXPECT_FALSE(loads_from(fd, BPF_REG_6, k->skb_sk.off));
	bf_bpf_table_free(bt);
	xlate_table_free(t);
	close(opts.local_routes_fd);
}

/* The verifier's count of instructions it walked and the program's length. */
static void verified_and_len(int fd, unsigned int *verified, unsigned int *len)
{
	struct bpf_prog_info info = { 0 };
	uint32_t size = sizeof(info);

	*verified = *len = 0;
	if (bpf_prog_get_info_by_fd(fd, &info, &size))
		return;
	*verified = info.verified_insns;
	*len = info.xlated_prog_len / sizeof(struct bpf_insn);
}

/*
 * A list of port rules (and LOG) is walked about once by the verifier: the
 * rules' branches on the fragment offset and skb->len must not narrow what
 * the prologue saved, or every later rule is walked again per range (each
 * `-p tcp --dport` rule made a replacement about 0.2 ms slower).
 */
TEST(port_rules_are_verified_once)
{
	static struct blob b;
	struct ipt_ip tcp = { .proto = IPPROTO_TCP }, udp = { .proto = IPPROTO_UDP };
	struct ipt_log_info log = { .level = 4 };
	struct bf_load_opts opts = { .events_fd = -1 };
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };
	unsigned char mbuf[256];
	unsigned int mlen, verified, len, i;
	int accept = ACCEPT;

	blob_init(&b);
	for (i = 0; i < 16; i++) {
		struct xt_tcp tm = { .spts = { 0, 0xffff }, .dpts = { 20 + i, 20 + i } };
		struct xt_udp um = { .spts = { 0, 0xffff }, .dpts = { 20 + i, 20 + i } };

		if (i % 4 == 3)
			mlen = blob_match(mbuf, "udp", 0, &um, sizeof(um));
		else
			mlen = blob_match(mbuf, "tcp", 0, &tm, sizeof(tm));
		blob_entry(&b, i % 4 == 3 ? &udp : &tcp, mbuf, mlen, XT_STANDARD_TARGET, 0, &accept,
			   sizeof(accept));
		if (i == 8)
			blob_entry(&b, NULL, NULL, 0, "LOG", 0, &log, sizeof(log));
	}
	blob_policy(&b, NF_INET_LOCAL_IN, DROP, 0);
	blob_policy(&b, NF_INET_FORWARD, ACCEPT, b.repl.size);
	output_end(&b, b.repl.size, ACCEPT);

	ASSERT_NE(NULL, bf_kernel(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, bf_bpf_table_load(t, &opts, &bt, &err)) TH_LOG("%s", err.msg);
	verified_and_len(bt->prog_fds[NF_INET_LOCAL_IN], &verified, &len);
	ASSERT_LT(0, len);
	/* the kernel's length counts the map lookups it inlined: more than ours */
	EXPECT_LE(verified, len * 5 / 4) TH_LOG("%u instructions walked, %u long", verified, len);
	bf_bpf_table_free(bt);
	xlate_table_free(t);
}

TEST(state_and_conntrack_without_a_connection)
{
	struct xt_state_info st = { .statemask = XT_STATE_INVALID };
	struct xt_conntrack_mtinfo3 ct = { .match_flags = XT_CONNTRACK_STATE,
					   .state_mask = XT_CONNTRACK_STATE_INVALID };
	struct m m = { "state", 0, &st, sizeof(st) };

	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	st.statemask = XT_STATE_BIT(IP_CT_NEW) | XT_STATE_BIT(IP_CT_ESTABLISHED);
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	m = (struct m){ "conntrack", 3, &ct, sizeof(ct) };
	EXPECT_EQ(1, matched(NULL, &m, &tcp80));
	ct.invert_flags = XT_CONNTRACK_STATE;
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	/* without a connection, only --ctstate can match */
	ct = (struct xt_conntrack_mtinfo3){ .match_flags = XT_CONNTRACK_DIRECTION };
	EXPECT_EQ(0, matched(NULL, &m, &tcp80));
	ct = (struct xt_conntrack_mtinfo3){ .match_flags = XT_CONNTRACK_ORIGSRC };
	EXPECT_EQ(-EOPNOTSUPP, matched(NULL, &m, &tcp80));
}

TEST(limit_burst)
{
	/* 1/hour, burst 2, three packets through one loaded table: two hits */
	struct xt_rateinfo rate = { .avg = XT_LIMIT_SCALE * 3600, .burst = 2 };
	struct m m = { "limit", 0, &rate, sizeof(rate) };
	static struct blob b;
	struct result r;

	one_rule_table(&b, NULL, &m, 1, DROP);
	r = load_and_run(&b, 2, &tcp80, 3);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(NF_ACCEPT, r.verdict); /* the third is over the limit */
	EXPECT_EQ(2, r.rule_pkts);
}

TEST(log_goes_on_and_queue_is_refused)
{
	static struct blob b;
	struct ipt_log_info log = { .level = 4, .prefix = "t: " };
	int queue = VERDICT(NF_QUEUE);
	struct result r;
	unsigned int out;

	/* OUTPUT: LOG, then a DROP policy: LOG counts and the policy decides */
	out = output_start(&b);
	blob_entry(&b, NULL, NULL, 0, "LOG", 0, &log, sizeof(log));
	output_end(&b, out, DROP);
	r = load_and_run(&b, 2, &tcp80, 1);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(1, r.rule_pkts);
	EXPECT_EQ(NF_DROP, r.verdict);

	r = one_rule(NULL, NULL, 0, queue, &tcp80);
	EXPECT_EQ(-EOPNOTSUPP, r.ret);
	EXPECT_NE(NULL, strstr(r.msg, "cannot translate target 'QUEUE'"));
}

TEST(user_chain_jump_return_goto)
{
	static struct blob b;
	unsigned int chain, out;
	struct ipt_ip tcp = { .proto = IPPROTO_TCP };
	struct result r;

	/* OUTPUT: -p tcp -j C; -j DROP (policy ACCEPT). C: -p tcp -j RETURN */
	out = output_start(&b);
	/* the jump's offset is patched once C's position is known */
	blob_verdict(&b, &tcp, 0);
	blob_verdict(&b, NULL, DROP);
	blob_policy(&b, NF_INET_LOCAL_OUT, ACCEPT, out);
	blob_chain_head(&b, "C");
	chain = blob_verdict(&b, &tcp, XT_RETURN);
	blob_verdict(&b, NULL, XT_RETURN);
	blob_end(&b);
	((struct xt_standard_target *)((char *)blob_at(&b, out) + blob_at(&b, out)->target_offset))
		->verdict = (int)chain;
	r = load_and_run(&b, 2, &tcp80, 1);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(NF_DROP, r.verdict); /* back from C, on to the DROP */
	EXPECT_EQ(1, r.rule_pkts);
	/* as a goto: RETURN from C skips the DROP and ends at the policy */
	blob_at(&b, out)->ip.flags |= IPT_F_GOTO;
	r = load_and_run(&b, 2, &tcp80, 1);
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(NF_ACCEPT, r.verdict);
}

TEST(a_rule_no_hook_reaches_may_jump_nowhere)
{
	static struct blob b;
	unsigned int out;
	struct result r;

	/*
	 * OUTPUT: -j DROP; then a jump to no rule (policy ACCEPT). ip_tables
	 * checks the jumps of the rules it reaches only: it takes this table.
	 */
	out = output_start(&b);
	blob_verdict(&b, NULL, DROP);
	blob_verdict(&b, NULL, 0x6000);
	output_end(&b, out, ACCEPT);
	ASSERT_LT(b.repl.size, 0x6000u);
	r = load_and_run(&b, 2, &tcp80, 1);
	ASSERT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	EXPECT_EQ(NF_DROP, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
	/* reached (the DROP made conditional), the same jump is refused, as ip_tables does */
	blob_at(&b, out)->ip.proto = IPPROTO_UDP;
	r = load_and_run(&b, 2, &tcp80, 1);
	EXPECT_EQ(-ELOOP, r.ret);
}

TEST_HARNESS_MAIN
