// SPDX-License-Identifier: GPL-2.0
/*
 * Classifiers on crafted packets (BPF_PROG_TEST_RUN): address runs and tuple
 * runs give the first matching rule in order, count it and apply its
 * verdict, as the straight-line code does; chains too long for one program
 * are cut into parts.
 */
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"

#include "../../bpf/events.h"
#include "gen_run.h"

/*
 * Most instructions the verifier may walk for tuple_search_is_verified_once:
 * 865 with kernel 6.18, where a search walked once per way the ports can be
 * (the ports in 4-byte words) took 2,672 with the loops of the time.
 */
#define BF_TEST_SEARCH_INSNS 1300

TEST(address_run_is_one_lookup_with_first_match)
{
	static struct blob b;
	static const struct {
		const char *src, *mask;
		int verdict;
	} head[] = {
		{ "10.9.0.0", "255.255.0.0", DROP }, /* shadows the next */
		{ "10.9.9.9", "255.255.255.255", ACCEPT },
		{ "10.8.8.8", "255.255.255.255", ACCEPT },
		{ "10.8.0.0", "255.255.0.0", DROP }, /* covers the previous one */
	};
	unsigned int i, out, n = 40, nh = sizeof(head) / sizeof(head[0]);
	struct pkt_spec pkt = tcp80;
	struct result r;

	out = output_start(&b);
	for (i = 0; i < n; i++) {
		char src[16];
		struct ipt_ip ip;
		int v = DROP;

		snprintf(src, sizeof(src), "10.2.0.%u", i);
		ip = i < nh ? ip_of(head[i].src, head[i].mask, IPPROTO_TCP, 0) :
			      ip_of(src, "255.255.255.255", IPPROTO_TCP, 0);
		if (i < nh)
			v = head[i].verdict;
		blob_entry(&b, &ip, NULL, 0, XT_STANDARD_TARGET, 0, &v, sizeof(v));
	}
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_runs"));
	pkt.src = "10.9.9.9";
	r = load_and_run(&b, 2, &pkt, 1);
	ASSERT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	EXPECT_EQ(NF_DROP, r.verdict); /* rule 0's /16 comes first */
	EXPECT_EQ(1, r.rule_pkts);
	pkt.src = "10.8.8.8";
	r = load_and_run(&b, 2 + 2, &pkt, 1);
	EXPECT_EQ(NF_ACCEPT, r.verdict); /* its /32 comes before the /16 */
	EXPECT_EQ(1, r.rule_pkts);
	pkt.src = "10.8.1.1";
	r = load_and_run(&b, 2 + 3, &pkt, 1);
	EXPECT_EQ(NF_DROP, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
	pkt.src = "10.2.0.33";
	r = load_and_run(&b, 2 + 33, &pkt, 1);
	EXPECT_EQ(NF_DROP, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
	pkt.src = "10.3.3.3"; /* in no prefix: the policy */
	r = load_and_run(&b, 2 + n, &pkt, 1);
	EXPECT_EQ(NF_ACCEPT, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
	pkt = udp53; /* the run's common part (-p tcp) does not hold */
	pkt.src = "10.2.0.33";
	r = load_and_run(&b, 2 + n, &pkt, 1);
	EXPECT_EQ(NF_ACCEPT, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
}

/*
 * Prefixes of one length go into a hash map: the packet's address is masked
 * to that length, and of two equal prefixes the first rule wins.
 */
TEST(one_length_run_is_hashed_with_first_match)
{
	static struct blob b;
	unsigned int i, out, n = 40, dup = 5, dup_of = 7;
	struct pkt_spec pkt = tcp80;
	struct result r;

	out = output_start(&b);
	for (i = 0; i < n; i++) {
		struct ipt_ip ip = { .proto = IPPROTO_TCP };
		int v = i == dup ? ACCEPT : DROP;

		/* 10.4.i.0/24 to the destination; rule dup repeats rule dup_of's */
		ip.dst.s_addr = htonl(0x0a040000u | (i == dup ? dup_of : i) << 8);
		ip.dmsk.s_addr = htonl(0xffffff00u);
		blob_entry(&b, &ip, NULL, 0, XT_STANDARD_TARGET, 0, &v, sizeof(v));
	}
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_runs_h"));
	ASSERT_FALSE(output_uses_map(&b, "filter_runs"));
	pkt.dst = "10.4.7.200";
	r = load_and_run(&b, 2 + dup, &pkt, 1);
	ASSERT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	EXPECT_EQ(NF_ACCEPT, r.verdict); /* rule dup comes before rule dup_of */
	EXPECT_EQ(1, r.rule_pkts);
	pkt.dst = "10.4.33.1";
	r = load_and_run(&b, 2 + 33, &pkt, 1);
	EXPECT_EQ(NF_DROP, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
	pkt.dst = "10.4.40.1"; /* past the last prefix: the policy */
	r = load_and_run(&b, 2 + n, &pkt, 1);
	EXPECT_EQ(NF_ACCEPT, r.verdict);
	EXPECT_EQ(1, r.rule_pkts);
}

/*
 * More rules than one program can hold: the parts chain by tail calls. The
 * rules test TCP flags, so that no classifier takes them.
 */
TEST(long_chain_is_cut_into_parts)
{
	static struct blob b;
	struct xt_tcp tcp = {
		.spts = { 0, 0xffff }, .dpts = { 81, 81 }, .flg_mask = TH_SYN, .flg_cmp = TH_SYN
	};
	int drop = DROP;
	unsigned char mbuf[128];
	unsigned int i, out, mlen, n = 4000;
	struct ipt_ip ip = ip_of("10.1.2.3", "255.255.255.255", IPPROTO_TCP, 0);
	struct pkt_spec udp = udp53;
	struct result r;

	out = output_start(&b);
	for (i = 0; i < n; i++) {
		tcp.dpts[0] = tcp.dpts[1] = (uint16_t)(i == n - 1 ? 80 : 81 + i);
		mlen = blob_match(mbuf, "tcp", 0, &tcp, sizeof(tcp));
		blob_entry(&b, &ip, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	}
	output_end(&b, out, ACCEPT);
	r = load_and_run(&b, 2 + n - 1, &tcp80, 1);
	ASSERT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	EXPECT_EQ(NF_DROP, r.verdict); /* the last rule, in the last part */
	EXPECT_EQ(1, r.rule_pkts);
	udp.src = "10.1.2.3";
	r = load_and_run(&b, 2 + n, &udp, 1);
	EXPECT_EQ(NF_ACCEPT, r.verdict); /* the policy, at the end of the chain */
	EXPECT_EQ(1, r.rule_pkts);
}

/* A rule of a tuple run: prefixes, protocol, ports ({0, 0} for no match). */
struct tuple_rule {
	const char *src, *smask, *dst, *dmask;
	uint8_t proto;
	uint16_t sport[2], dport[2];
	int verdict;
};

static void add_tuple_rule(struct blob *b, const struct tuple_rule *t)
{
	struct ipt_ip ip = ip_of(t->src, t->smask, t->proto, 0);
	unsigned char mbuf[128];
	unsigned int mlen = 0;

	if (t->dst) {
		inet_pton(AF_INET, t->dst, &ip.dst);
		inet_pton(AF_INET, t->dmask, &ip.dmsk);
	}
	if (t->dport[1] && t->proto == IPPROTO_TCP) {
		struct xt_tcp m = { .spts = { t->sport[0], t->sport[1] },
				    .dpts = { t->dport[0], t->dport[1] } };

		mlen = blob_match(mbuf, "tcp", 0, &m, sizeof(m));
	} else if (t->dport[1]) {
		struct xt_udp m = { .spts = { t->sport[0], t->sport[1] },
				    .dpts = { t->dport[0], t->dport[1] } };

		mlen = blob_match(mbuf, "udp", 0, &m, sizeof(m));
	}
	blob_entry(b, &ip, mbuf, mlen, XT_STANDARD_TARGET, 0, &t->verdict, sizeof(t->verdict));
}

#define ANY 0, 0xffff
#define HOST "255.255.255.255"

/* -s 10.2.0.I -p udp --dport I -j DROP */
static void add_udp_port_rule(struct blob *b, unsigned int i)
{
	char src[16];
	struct tuple_rule t = {
		src, HOST, NULL, NULL, IPPROTO_UDP, { ANY }, { (uint16_t)i, (uint16_t)i }, DROP
	};

	snprintf(src, sizeof(src), "10.2.0.%u", i);
	add_tuple_rule(b, &t);
}

TEST(tuple_run_first_match_ports_fragments_and_hotdrop)
{
	static struct blob b;
	static const struct tuple_rule head[] = {
		{ "10.9.9.9", HOST, NULL, NULL, IPPROTO_TCP, { 0, 0 }, { 0, 0 }, ACCEPT },
		{ "10.9.0.0", "255.255.0.0", NULL, NULL, IPPROTO_TCP, { ANY }, { 80, 80 }, DROP },
		{ NULL,
		  NULL,
		  "10.0.0.0",
		  "255.0.0.0",
		  IPPROTO_UDP,
		  { 5000, 5001 },
		  { 53, 53 },
		  ACCEPT },
		{ NULL, NULL, NULL, NULL, IPPROTO_TCP, { ANY }, { 1000, 2000 }, DROP },
		/* shadowed by rule 1: never counted */
		{ "10.9.1.0", "255.255.255.0", NULL, NULL, IPPROTO_TCP, { ANY }, { 80, 80 }, ACCEPT },
	};
	unsigned int i, out, n = 40, nh = sizeof(head) / sizeof(head[0]);
	struct pkt_spec pkt;

	out = output_start(&b);
	for (i = 0; i < n; i++) {
		if (i < nh)
			add_tuple_rule(&b, &head[i]);
		else
			add_udp_port_rule(&b, i);
	}
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_tuples"));
	ASSERT_FALSE(output_uses_map(&b, "filter_runs"));

	pkt = tcp80;
	pkt.src = "10.9.1.1";
	expect_rule(_metadata, &b, "/16 and port", &pkt, 1, NF_DROP, 1);
	pkt.src = "10.9.9.9";
	expect_rule(_metadata, &b, "earlier /32", &pkt, 0, NF_ACCEPT, 1);
	pkt.truncate = 28;
	expect_rule(_metadata, &b, "short, port-less rule first", &pkt, 0, NF_ACCEPT, 1);
	pkt.src = "10.9.1.1";
	expect_rule(_metadata, &b, "short: hotdrop", &pkt, 1, NF_DROP, 0);
	expect_rule(_metadata, &b, "short: not the policy", &pkt, n, NF_DROP, 0);
	pkt.truncate = 0;
	pkt.frag = 1;
	expect_rule(_metadata, &b, "TCP fragment at 1: hotdrop", &pkt, 1, NF_DROP, 0);
	pkt.frag = 2;
	expect_rule(_metadata, &b, "later fragment: no port rule", &pkt, n, NF_ACCEPT, 1);

	pkt = udp53;
	pkt.dst = "10.1.1.1";
	expect_rule(_metadata, &b, "udp ranges", &pkt, 2, NF_ACCEPT, 1);
	pkt.sport = 6000;
	expect_rule(_metadata, &b, "udp sport out of range", &pkt, n, NF_ACCEPT, 1);

	pkt = tcp80;
	pkt.src = "10.3.3.3";
	pkt.dport = 1500;
	expect_rule(_metadata, &b, "tcp port range", &pkt, 3, NF_DROP, 1);
	pkt.dport = 2001;
	expect_rule(_metadata, &b, "tcp port past the range", &pkt, n, NF_ACCEPT, 1);

	pkt = udp53;
	pkt.src = "10.2.0.33";
	pkt.dport = 33;
	expect_rule(_metadata, &b, "one of many keys", &pkt, 33, NF_DROP, 1);
	pkt.dport = 34;
	expect_rule(_metadata, &b, "its address, another port", &pkt, n, NF_ACCEPT, 1);
}

/*
 * A bare -j ACCEPT among tuple rules ends ip_tables' walk of the chain: the
 * rules after it are never checked, and one may jump where no rule starts.
 * The run must end before the bare rule, not run on into those rules (the
 * table was refused with EINVAL, where ip_tables takes it).
 */
TEST(a_bare_verdict_ends_a_tuple_run)
{
	static struct blob b;
	struct ipt_ip udp_only = { .proto = IPPROTO_UDP };
	unsigned int i, out, n = 40;
	struct pkt_spec pkt;

	out = output_start(&b);
	for (i = 0; i < 2 * n; i++) {
		add_udp_port_rule(&b, i);
		if (i + 1 == n) {
			blob_verdict(&b, NULL, ACCEPT);
			blob_verdict(&b, &udp_only, 0x60000);
		}
	}
	output_end(&b, out, DROP);
	ASSERT_LT(b.repl.size, 0x60000u);
	ASSERT_TRUE(output_uses_map(&b, "filter_tuples"));

	pkt = udp53;
	pkt.src = "10.2.0.7";
	pkt.dport = 7;
	expect_rule(_metadata, &b, "a rule of the run", &pkt, 7, NF_DROP, 1);
	pkt.dport = 8;
	expect_rule(_metadata, &b, "no rule of the run: the bare ACCEPT", &pkt, n, NF_ACCEPT, 1);
	pkt.src = "10.2.0.50";
	pkt.dport = 50;
	expect_rule(_metadata, &b, "a rule past it: never reached", &pkt, 50 + 2, NF_ACCEPT, 0);
}

/* The instructions the verifier walked to load OUTPUT's program, or 0. */
static unsigned int output_verified_insns(struct blob *b)
{
	struct bpf_prog_info info = { 0 };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL;
	struct xlate_table *t = NULL;
	uint32_t len = sizeof(info);
	unsigned int n = 0;

	if (!xlate_table_translate(&b->repl, b->entries, &t, &err) &&
	    !bf_bpf_table_load(t, NULL, &bt, &err) &&
	    !bpf_prog_get_info_by_fd(bt->prog_fds[NF_INET_LOCAL_OUT], &info, &len))
		n = info.verified_insns;
	bf_bpf_table_free(bt);
	xlate_table_free(t);
	return n;
}

/*
 * The verifier checks a tuple run's search once, whatever the number of
 * rules, the ways the ports can be (read, absent, unreadable) and the mix
 * of shapes (on dport or not, on protocol or not): no way may leave a
 * state at the search that the others do not cover. A search walked once
 * per way and per combination of fields took 3 to 4 times the
 * instructions (and 2 ms per load at 10,000 rules).
 */
TEST(tuple_search_is_verified_once)
{
	static struct blob b;
	unsigned int i, out, insns;

	out = output_start(&b);
	for (i = 0; i < 400; i++) {
		char src[16], dst[16];
		struct tuple_rule t = {
			.src = src,
			.smask = HOST,
			.dst = dst,
			.dmask = "255.255.255.0",
			.proto = IPPROTO_TCP,
			.sport = { ANY },
			.verdict = i % 2 ? ACCEPT : DROP,
		};

		snprintf(src, sizeof(src), "10.%u.%u.%u", i % 3, i / 250, i % 250 + 1);
		snprintf(dst, sizeof(dst), "10.50.%u.0", i % 7);
		switch (i % 5) {
		case 0: /* on dport and protocol */
			t.dport[0] = t.dport[1] = (uint16_t)(1000 + i);
			break;
		case 1: /* a udp port range: on protocol only */
			t.proto = IPPROTO_UDP;
			t.dport[0] = (uint16_t)(2000 + i);
			t.dport[1] = (uint16_t)(2100 + i);
			break;
		case 2: /* any protocol: on addresses only */
			t.proto = 0;
			snprintf(src, sizeof(src), "10.%u.0.0", 100 + i % 50);
			t.smask = "255.255.0.0";
			break;
		case 3: /* a protocol without ports */
			break;
		default: /* udp on a single port, from a source range */
			t.proto = IPPROTO_UDP;
			t.sport[0] = 1024;
			t.dport[0] = t.dport[1] = (uint16_t)(53 + i);
		}
		add_tuple_rule(&b, &t);
	}
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_tuples"));
	insns = output_verified_insns(&b);
	ASSERT_NE(0, insns);
	EXPECT_GT(BF_TEST_SEARCH_INSNS, insns) TH_LOG("%u instructions", insns);
}

/*
 * -m comment matches every packet: rules that carry one each (as generated
 * rulesets often do) still make address and tuple runs.
 */
TEST(comments_do_not_break_runs)
{
	static struct blob b;
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 80, 80 } };
	struct pkt_spec pkt = tcp80;
	unsigned char mbuf[512];
	unsigned int i, out, mlen, pass;

	for (pass = 0; pass < 2; pass++) {
		out = output_start(&b);
		for (i = 0; i < 40; i++) {
			struct xt_comment_info c = { 0 };
			struct ipt_ip ip = ip_of("10.2.0.0", HOST, IPPROTO_TCP, 0);
			int v = i == 7 ? ACCEPT : DROP;

			ip.src.s_addr = htonl(0x0a020000u | i);
			snprintf(c.comment, sizeof(c.comment), "ban %u", i);
			mlen = blob_match(mbuf, "comment", 0, &c, sizeof(c));
			/* the second time, a tcp match after it: a tuple run */
			if (pass)
				mlen += blob_match(mbuf + mlen, "tcp", 0, &tcp, sizeof(tcp));
			blob_entry(&b, &ip, mbuf, mlen, XT_STANDARD_TARGET, 0, &v, sizeof(v));
		}
		output_end(&b, out, ACCEPT);
		ASSERT_TRUE(output_uses_map(&b, pass ? "filter_tuples" : "filter_runs_h"));
		pkt.src = "10.2.0.7";
		expect_rule(_metadata, &b, "its ACCEPT", &pkt, 7, NF_ACCEPT, 1);
		pkt.src = "10.2.0.20";
		expect_rule(_metadata, &b, "a DROP", &pkt, 20, NF_DROP, 1);
		pkt.src = "10.2.0.40";
		expect_rule(_metadata, &b, "in no rule", &pkt, 40, NF_ACCEPT, 1);
	}
}

/* The REJECT records a table's programs sent, and the options of the rule each names. */
struct rejects_seen {
	const struct xlate_table *t;
	unsigned int count, with;
};

static int on_event(void *ctx, void *data, size_t size)
{
	const struct bf_event *ev = data;
	const struct xt_entry_target *tg;
	struct rejects_seen *seen = ctx;

	if (size < sizeof(*ev) || ev->kind != BF_EVENT_REJECT || ev->rule_offset >= seen->t->size)
		return 0;
	tg = xlate_entry_target(xlate_entry_at(seen->t, ev->rule_offset));
	if (!strcmp(tg->u.user.name, "REJECT")) {
		seen->count++;
		seen->with = ((const struct ipt_reject_info *)tg->data)->with;
	}
	return 0;
}

/* pkt meets OUTPUT's rule, which counts it and rejects it with `with`. */
static void expect_reject(struct __test_metadata *_metadata, struct blob *b,
			  const struct pkt_spec *pkt, unsigned int rule, unsigned int with)
{
	struct rejects_seen seen = { 0 };
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL;
	struct xlate_table *t = NULL;
	struct ring_buffer *ring;
	struct xt_counters *c;
	uint32_t verdict = 0;

	ASSERT_EQ(0, xlate_table_translate(&b->repl, b->entries, &t, &err));
	ASSERT_EQ(0, bf_bpf_table_load(t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	seen.t = t;
	ring = ring_buffer__new(bt->maps.events_fd, on_event, &seen, NULL);
	ASSERT_NE(NULL, ring);
	ASSERT_EQ(0, run(bt, pkt, &verdict));
	ring_buffer__consume(ring);
	c = calloc(t->num_entries, sizeof(*c));
	ASSERT_NE(NULL, c);
	bf_bpf_table_counters(bt, c);
	EXPECT_EQ(NF_DROP, verdict);
	EXPECT_EQ(1, c[2 + rule].pcnt) TH_LOG("rule %u", rule);
	EXPECT_EQ(1, seen.count);
	EXPECT_EQ(with, seen.with) TH_LOG("rule %u", rule);
	free(c);
	ring_buffer__free(ring);
	bf_bpf_table_free(bt);
	xlate_table_free(t);
}

/* 80 rules on 10.2.0.i, REJECT with `with` but rule 40, which differs (odd) */
static void add_reject_rules(struct blob *b, bool ports, unsigned int with, unsigned int odd)
{
	struct ipt_reject_info rej = { .with = with };
	struct xt_tcp tcp = { .spts = { 0, 0xffff } };
	unsigned int i, mlen = 0;
	unsigned char mbuf[128];
	int drop = DROP;

	for (i = 0; i < 80; i++) {
		struct ipt_ip ip = ip_of("10.2.0.0", HOST, IPPROTO_TCP, 0);

		ip.src.s_addr = htonl(0x0a020000u | i);
		if (ports) {
			tcp.dpts[0] = tcp.dpts[1] = (uint16_t)(1000 + i);
			mlen = blob_match(mbuf, "tcp", 0, &tcp, sizeof(tcp));
		}
		rej.with = i == 40 ? odd : with;
		if (i == 40 && odd == (unsigned int)-1)
			blob_entry(b, &ip, mbuf, mlen, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
		else
			blob_entry(b, &ip, mbuf, mlen, "REJECT", 0, &rej, sizeof(rej));
	}
}

/*
 * Rules with the same REJECT options make a run (a fail2ban chain), looked
 * up once; each rule counts its own packets, and the REJECT record names a
 * rule with those options. A rule with other options or another target
 * ends the run.
 */
TEST(reject_rules_make_runs_with_their_options)
{
	static struct blob b;
	struct pkt_spec pkt = tcp80;
	unsigned int out;

	out = output_start(&b);
	add_reject_rules(&b, false, IPT_ICMP_PORT_UNREACHABLE, IPT_ICMP_HOST_PROHIBITED);
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_runs_h"));
	pkt.src = "10.2.0.33";
	expect_reject(_metadata, &b, &pkt, 33, IPT_ICMP_PORT_UNREACHABLE);
	pkt.src = "10.2.0.40";
	expect_reject(_metadata, &b, &pkt, 40, IPT_ICMP_HOST_PROHIBITED);
	pkt.src = "10.2.0.70";
	expect_reject(_metadata, &b, &pkt, 70, IPT_ICMP_PORT_UNREACHABLE);
	pkt.src = "10.3.0.1";
	expect_rule(_metadata, &b, "in no rule", &pkt, 80, NF_ACCEPT, 1);

	/* tuple runs: tcp-reset on a port each, a DROP between them */
	out = output_start(&b);
	add_reject_rules(&b, true, IPT_TCP_RESET, (unsigned int)-1);
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_tuples"));
	pkt.src = "10.2.0.5";
	pkt.dport = 1005;
	expect_reject(_metadata, &b, &pkt, 5, IPT_TCP_RESET);
	pkt.src = "10.2.0.79";
	pkt.dport = 1079;
	expect_reject(_metadata, &b, &pkt, 79, IPT_TCP_RESET);
	pkt.src = "10.2.0.40";
	pkt.dport = 1040;
	expect_rule(_metadata, &b, "the DROP between", &pkt, 40, NF_DROP, 1);
	pkt.dport = 1041;
	expect_rule(_metadata, &b, "another port", &pkt, 80, NF_ACCEPT, 1);
}

/*
 * A blocklist after a few port rules, and port rules after it: each part
 * has the classifier that suits it. The blocklist is not taken into a tuple
 * run, which the port rules could begin: it stays one lookup, whose bans
 * can be data updates.
 */
TEST(a_blocklist_between_port_rules_is_an_address_run)
{
	static struct blob b;
	const unsigned int ports = 3, bans = 40, tail = 40;
	unsigned int i, out;
	struct pkt_spec pkt;

	out = output_start(&b);
	for (i = 0; i < ports + bans + tail; i++) {
		char src[16];
		struct tuple_rule t = { src, HOST, NULL, NULL, 0, { 0, 0 }, { 0, 0 }, DROP };

		snprintf(src, sizeof(src), "10.2.0.%u", i);
		if (i < ports || i >= ports + bans) {
			/* port 22 + i, from anywhere at the head, from 10.2.0.i after */
			t = (struct tuple_rule){ i < ports ? NULL : src,
						 HOST,
						 NULL,
						 NULL,
						 IPPROTO_TCP,
						 { ANY },
						 { (uint16_t)(22 + i), (uint16_t)(22 + i) },
						 ACCEPT };
		}
		add_tuple_rule(&b, &t);
	}
	output_end(&b, out, ACCEPT);
	ASSERT_TRUE(output_uses_map(&b, "filter_runs_h"));
	ASSERT_TRUE(output_uses_map(&b, "filter_tuples"));

	pkt = tcp80;
	pkt.src = "10.2.0.10";
	expect_rule(_metadata, &b, "a ban", &pkt, 10, NF_DROP, 1);
	pkt.dport = 23;
	expect_rule(_metadata, &b, "a port rule before it", &pkt, 1, NF_ACCEPT, 1);
	pkt.src = "10.2.0.50";
	pkt.dport = 22 + 50;
	expect_rule(_metadata, &b, "the tuple run after it", &pkt, 50, NF_ACCEPT, 1);
	pkt.src = "10.2.0.200";
	expect_rule(_metadata, &b, "in no rule", &pkt, ports + bans + tail, NF_ACCEPT, 1);
}

TEST_HARNESS_MAIN
