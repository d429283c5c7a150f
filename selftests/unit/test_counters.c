// SPDX-License-Identifier: GPL-2.0
/*
 * Rule counters of generated code on crafted packets (BPF_PROG_TEST_RUN):
 * a part looks up each element of the counters map it counts in once per
 * packet (bpf/count.c), and every rule still counts its own packets.
 */
#include <bpf/libbpf.h>

#include "kselftest_harness.h"

#include "../../bpf/codegen.h"
#include "gen_run.h"

/* Chains jumped to from OUTPUT, each counting in an element of its own. */
#define FAR_CHAINS (BF_COUNT_PTRS + 2)

/* Times the program at fd loads the map map_id's address. */
static unsigned int map_loads(int fd, uint32_t map_id)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), i, n, found = 0;
	struct bpf_insn *insns;

	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return 0;
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	info = (struct bpf_prog_info){ .xlated_prog_len = n * sizeof(*insns),
				       .xlated_prog_insns = (uintptr_t)insns };
	if (insns && !bpf_prog_get_info_by_fd(fd, &info, &len))
		for (i = 0; i + 1 < n; i++)
			if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
			    insns[i].src_reg == BPF_PSEUDO_MAP_FD &&
			    insns[i].imm == (int32_t)map_id)
				found++;
	free(insns);
	return found;
}

/*
 * OUTPUT: -p udp -j ACCEPT; -p icmp -j ACCEPT; -j C1 .. -j C<FAR_CHAINS>;
 * policy DROP. Each Ck (-p tcp -j RETURN; RETURN) comes after 256 rules of
 * a chain nothing jumps to, so that its counters are in an element of their
 * own. Returns the index of C1's first rule; *policy: OUTPUT's policy's.
 */
static unsigned int far_chains(struct blob *b, unsigned int *policy)
{
	struct ipt_ip udp = { .proto = IPPROTO_UDP }, icmp = { .proto = IPPROTO_ICMP };
	struct ipt_ip tcp = { .proto = IPPROTO_TCP };
	unsigned int jumps[FAR_CHAINS], out, first = 0, k, i;
	char name[16];

	out = output_start(b);
	blob_verdict(b, &udp, ACCEPT);
	blob_verdict(b, &icmp, ACCEPT);
	for (k = 0; k < FAR_CHAINS; k++)
		jumps[k] = blob_verdict(b, NULL, 0);
	blob_policy(b, NF_INET_LOCAL_OUT, DROP, out);
	*policy = 2 + 2 + FAR_CHAINS;
	for (k = 0; k < FAR_CHAINS; k++) {
		unsigned int chain;
		struct ipt_entry *jump;

		snprintf(name, sizeof(name), "F%u", k);
		blob_chain_head(b, name);
		for (i = 0; i < BF_COUNTERS_PER_ELEM; i++)
			blob_verdict(b, NULL, XT_RETURN);
		snprintf(name, sizeof(name), "C%u", k);
		blob_chain_head(b, name);
		chain = blob_verdict(b, &tcp, XT_RETURN);
		blob_verdict(b, NULL, XT_RETURN);
		jump = blob_at(b, jumps[k]);
		((struct xt_standard_target *)((char *)jump + jump->target_offset))->verdict =
			(int)chain;
		if (!k)
			first = b->repl.num_entries - 2;
	}
	blob_end(b);
	return first;
}

TEST(every_far_rule_counts_its_own_packets)
{
	static struct blob b;
	unsigned int c1, policy, k, stride = BF_COUNTERS_PER_ELEM + 4;
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };
	struct xt_counters *c;
	uint32_t verdict;

	c1 = far_chains(&b, &policy);
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, bf_bpf_table_load(t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, run(bt, &tcp80, &verdict));
	ASSERT_EQ(0, run(bt, &tcp80, &verdict));
	ASSERT_EQ(0, run(bt, &udp53, &verdict));
	c = calloc(t->num_entries, sizeof(*c));
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, bf_bpf_table_counters(bt, c));
	EXPECT_EQ(1, c[2].pcnt); /* -p udp */
	EXPECT_EQ(0, c[3].pcnt); /* -p icmp */
	for (k = 0; k < FAR_CHAINS; k++) {
		/* the jump, then the chain's RETURN rule, in its own element */
		EXPECT_EQ(2, c[4 + k].pcnt) TH_LOG("jump %u", k);
		EXPECT_EQ(2, c[c1 + k * stride].pcnt) TH_LOG("chain %u", k);
		EXPECT_EQ(0, c[c1 + k * stride + 1].pcnt) TH_LOG("chain %u's end", k);
		EXPECT_NE((c1 + k * stride) / BF_COUNTERS_PER_ELEM,
			  (c1 + (k + 1) * stride) / BF_COUNTERS_PER_ELEM);
	}
	EXPECT_EQ(2, c[policy].pcnt);
	EXPECT_EQ(2 * 40, c[policy].bcnt); /* two 40-byte SYNs */
	EXPECT_EQ(NF_ACCEPT, verdict);
	free(c);
	bf_bpf_table_free(bt);
	xlate_table_free(t);
}

/*
 * The element that the counters of OUTPUT and of its first chains are in is
 * looked up once, at the program's start; only the chains beyond
 * BF_COUNT_PTRS elements look theirs up where they count (twice each: the
 * rule, the chain's end). The verifier checked, and inlined, a lookup per
 * counted rule: an inlining copies the whole program.
 */
TEST(counters_looked_up_once_per_element)
{
	static struct blob b;
	unsigned int c1, policy, beyond = FAR_CHAINS + 1 - BF_COUNT_PTRS;
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };

	c1 = far_chains(&b, &policy);
	ASSERT_LT(policy, c1);
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, bf_bpf_table_load(t, NULL, &bt, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(BF_COUNT_PTRS + 2 * beyond,
		  map_loads(bt->prog_fds[NF_INET_LOCAL_OUT], map_id(bt->maps.counters_fd)));
	/* INPUT counts its policy alone */
	EXPECT_EQ(1, map_loads(bt->prog_fds[NF_INET_LOCAL_IN], map_id(bt->maps.counters_fd)));
	bf_bpf_table_free(bt);
	xlate_table_free(t);
}

TEST_HARNESS_MAIN
