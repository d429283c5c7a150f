/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load a table blob with the code generator and run crafted packets through
 * its OUTPUT program (BPF_PROG_TEST_RUN): shared by the unit tests of
 * generated code.
 */
#ifndef BPFILTER_SELFTESTS_GEN_RUN_H
#define BPFILTER_SELFTESTS_GEN_RUN_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "../../bpf/loader.h"
#include "blob.h"
#include "pkt.h"

#define DROP VERDICT(NF_DROP)
#define ACCEPT VERDICT(NF_ACCEPT)

struct result {
	int ret; /* table load: 0 or -errno */
	uint32_t verdict; /* NF_ACCEPT or NF_DROP */
	uint64_t rule_pkts; /* packets counted on the rule under test */
	char msg[256];
};

static inline int run(struct bf_bpf_table *bt, const struct pkt_spec *spec, uint32_t *verdict)
{
	uint8_t buf[1500];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf);

	o.data_size_in = pkt_build(spec, buf);
	if (bpf_prog_test_run_opts(bt->prog_fds[NF_INET_LOCAL_OUT], &o))
		return -errno;
	*verdict = o.retval;
	return 0;
}

/* The kernel's id of the map (program) at fd, 0 if none. */
static inline uint32_t map_id(int fd)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_map_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static inline uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return bpf_prog_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* How load_and_run() loads: NULL, or a test's own maps. */
static const struct bf_load_opts *load_opts;

/* Load blob b and run spec through its OUTPUT program `times` times. */
static inline struct result load_and_run(struct blob *b, unsigned int rule_index,
					 const struct pkt_spec *spec, int times)
{
	struct result r = { 0 };
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };
	struct xt_counters *c;

	r.ret = xlate_table_translate(&b->repl, b->entries, &t, &err);
	if (!r.ret)
		r.ret = bf_bpf_table_load(t, load_opts, &bt, &err);
	snprintf(r.msg, sizeof(r.msg), "%s", err.msg);
	while (!r.ret && times--)
		r.ret = run(bt, spec, &r.verdict);
	if (!r.ret) {
		c = calloc(t->num_entries, sizeof(*c));
		bf_bpf_table_counters(bt, c);
		r.rule_pkts = c[rule_index].pcnt;
		free(c);
	}
	bf_bpf_table_free(bt);
	xlate_table_free(t);
	return r;
}

/*
 * Which rule of OUTPUT (from 0) a packet meets, its verdict, and whether
 * that rule counted it; for the tests of kselftest_harness.h.
 */
static inline void expect_rule(struct __test_metadata *_metadata, struct blob *b, const char *what,
			       const struct pkt_spec *pkt, unsigned int rule, uint32_t verdict,
			       uint64_t pkts)
{
	struct result r = load_and_run(b, 2 + rule, pkt, 1);

	ASSERT_EQ(0, r.ret) TH_LOG("%s: %s", what, r.msg);
	EXPECT_EQ(verdict, r.verdict) TH_LOG("%s", what);
	EXPECT_EQ(pkts, r.rule_pkts) TH_LOG("%s", what);
}

/*
 * Start a table whose INPUT and FORWARD chains are empty ACCEPT policies;
 * OUTPUT's rules follow (the first is entry 2). Returns OUTPUT's start.
 */
static inline unsigned int output_start(struct blob *b)
{
	blob_init(b);
	blob_policy(b, NF_INET_LOCAL_IN, ACCEPT, 0);
	blob_policy(b, NF_INET_FORWARD, ACCEPT, b->repl.size);
	return b->repl.size;
}

/* End the table: OUTPUT's policy after its rules from out on. */
static inline void output_end(struct blob *b, unsigned int out, int policy)
{
	blob_policy(b, NF_INET_LOCAL_OUT, policy, out);
	blob_end(b);
}

static inline struct ipt_ip ip_of(const char *src, const char *smask, uint8_t proto, uint8_t inv)
{
	struct ipt_ip ip = { .proto = proto, .invflags = inv };

	if (src) {
		inet_pton(AF_INET, src, &ip.src);
		inet_pton(AF_INET, smask, &ip.smsk);
	}
	return ip;
}

static const struct pkt_spec tcp80 = { .proto = IPPROTO_TCP,
				       .sport = 1234,
				       .dport = 80,
				       .tcp_flags = TH_SYN,
				       .src = "10.1.2.3" };
static const struct pkt_spec udp53 = { .proto = IPPROTO_UDP, .sport = 5000, .dport = 53 };
/* Does the OUTPUT program of blob b use a map called name? */
static inline bool output_uses_map(struct blob *b, const char *name)
{
	struct xlate_table *t = NULL;
	struct bf_bpf_table *bt = NULL;
	struct xlate_error err = { 0 };
	struct bpf_prog_info info = { 0 };
	uint32_t ids[16], len = sizeof(info), i;
	bool found = false;

	if (xlate_table_translate(&b->repl, b->entries, &t, &err) ||
	    bf_bpf_table_load(t, NULL, &bt, &err))
		goto out;
	info.nr_map_ids = 16;
	info.map_ids = (uintptr_t)ids;
	if (bpf_prog_get_info_by_fd(bt->prog_fds[NF_INET_LOCAL_OUT], &info, &len))
		goto out;
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && !bpf_map_get_info_by_fd(fd, &mi, &mlen))
			found |= !strcmp(mi.name, name);
		if (fd >= 0)
			close(fd);
	}
out:
	bf_bpf_table_free(bt);
	xlate_table_free(t);
	return found;
}

/*
 * A run of source-prefix rules becomes one lookup: first match in order
 * among nested prefixes, each rule's own counter, a miss goes on.
 */
#endif /* BPFILTER_SELFTESTS_GEN_RUN_H */
