// SPDX-License-Identifier: GPL-2.0
/*
 * The validator against the kernel's translate_table(): valid blobs are
 * accepted and read back as the kernel reads them back; each malformed case
 * is refused with the errno ip_tables returns for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "kselftest_harness.h"

#include "../../xlate/table.h"
#include "blob.h"

static const int hooks[] = { NF_INET_LOCAL_IN, NF_INET_FORWARD, NF_INET_LOCAL_OUT };

/* The filter table with one rule at the head of the chain of hook. */
static void one_rule(struct blob *b, unsigned int hook, const struct ipt_ip *ip, const void *m,
		     unsigned int mlen, const char *tname, uint8_t trev, const void *tdata,
		     unsigned int tsize)
{
	unsigned int i;

	blob_init(b);
	for (i = 0; i < 3; i++) {
		unsigned int start = b->repl.size;

		if ((unsigned int)hooks[i] == hook)
			blob_entry(b, ip, m, mlen, tname, trev, tdata, tsize);
		blob_policy(b, hooks[i], VERDICT(NF_ACCEPT), start);
	}
	blob_end(b);
}

static void one_verdict_rule(struct blob *b, const struct ipt_ip *ip, int verdict)
{
	one_rule(b, NF_INET_LOCAL_IN, ip, NULL, 0, XT_STANDARD_TARGET, 0, &verdict,
		 sizeof(verdict));
}

static int translate(struct blob *b)
{
	struct xlate_table *t = NULL;
	struct xlate_error err;
	int ret;

	ret = xlate_table_translate(&b->repl, b->entries, &t, &err);
	xlate_table_free(t);
	return ret;
}

static const struct ipt_ip ip_tcp = { .proto = IPPROTO_TCP };

TEST(initial_filter_table)
{
	struct xlate_table *t = NULL;
	struct ipt_getinfo info;

	ASSERT_EQ(0, xlate_table_new_filter(&t));
	xlate_table_get_info(t, &info);
	EXPECT_STREQ("filter", info.name);
	EXPECT_EQ(FILTER_HOOKS, info.valid_hooks);
	EXPECT_EQ(4, info.num_entries);
	EXPECT_EQ(632, info.size);
	EXPECT_EQ(0, info.hook_entry[NF_INET_LOCAL_IN]);
	EXPECT_EQ(152, info.hook_entry[NF_INET_FORWARD]);
	EXPECT_EQ(304, info.hook_entry[NF_INET_LOCAL_OUT]);
	EXPECT_EQ(0xFFFFFFFF, info.hook_entry[NF_INET_PRE_ROUTING]);
	EXPECT_EQ(304, info.underflow[NF_INET_LOCAL_OUT]);
	/* comefrom holds the hooks each entry is reachable from */
	EXPECT_EQ(1 << NF_INET_LOCAL_IN, xlate_entry_at(t, 0)->comefrom);
	EXPECT_EQ(1 << NF_INET_LOCAL_OUT, xlate_entry_at(t, 304)->comefrom);
	EXPECT_EQ(0, xlate_entry_at(t, 456)->comefrom);
	xlate_table_free(t);
}

TEST(user_chain_jump_and_comefrom)
{
	struct xlate_table *t = NULL;
	struct xlate_error err;
	unsigned int chain, rule, ret_entry;
	struct blob b;

	blob_init(&b);
	/* INPUT: jump to "foo"; patched below once foo's offset is known */
	rule = blob_verdict(&b, NULL, 0);
	blob_builtin_policies(&b, VERDICT(NF_DROP), 0);
	chain = blob_chain_head(&b, "foo");
	ret_entry = blob_verdict(&b, NULL, XT_RETURN);
	blob_end(&b);
	((struct xt_standard_target *)xlate_entry_target(blob_at(&b, rule)))->verdict = ret_entry;
	b.repl.num_counters = 7;

	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err));
	EXPECT_EQ(1 << NF_INET_LOCAL_IN, xlate_entry_at(t, ret_entry)->comefrom);
	EXPECT_EQ(0, xlate_entry_at(t, chain)->comefrom);
	/* back pointers used by the walk are cleared, as in the kernel */
	EXPECT_EQ(0, xlate_entry_at(t, ret_entry)->counters.pcnt);
	xlate_table_free(t);
}

TEST(misaligned_entry_is_einval)
{
	struct blob b;

	blob_filter(&b);
	blob_at(&b, 0)->next_offset += 4;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(next_offset_too_small_is_einval)
{
	struct blob b;

	blob_filter(&b);
	blob_at(&b, 0)->next_offset = sizeof(struct ipt_entry);
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(entry_past_table_end_is_einval)
{
	struct blob b;

	blob_filter(&b);
	b.repl.size -= 8;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(wrong_entry_count_is_einval)
{
	struct blob b;

	blob_filter(&b);
	b.repl.num_entries = 5;
	EXPECT_EQ(-EINVAL, translate(&b));
	b.repl.num_entries = 3;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(hook_entry_not_at_entry_is_einval)
{
	struct blob b;

	blob_filter(&b);
	b.repl.hook_entry[NF_INET_FORWARD] += 8;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(conditional_underflow_is_einval)
{
	struct ipt_ip ip = { .proto = IPPROTO_UDP };
	struct blob b;

	blob_filter(&b);
	blob_at(&b, 0)->ip = ip;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(return_as_policy_is_einval)
{
	struct blob b;

	blob_filter(&b);
	((struct xt_standard_target *)xlate_entry_target(blob_at(&b, 0)))->verdict = XT_RETURN;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(unsorted_hooks_are_einval)
{
	struct blob b;

	blob_filter(&b);
	b.repl.hook_entry[NF_INET_LOCAL_IN] = 152;
	b.repl.underflow[NF_INET_LOCAL_IN] = 152;
	b.repl.hook_entry[NF_INET_FORWARD] = 0;
	b.repl.underflow[NF_INET_FORWARD] = 0;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(missing_valid_hook_is_einval)
{
	struct blob b;

	blob_filter(&b);
	b.repl.valid_hooks |= 1 << NF_INET_PRE_ROUTING;
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(chain_jumping_to_itself_is_eloop)
{
	unsigned int chain, rule;
	struct blob b;
	int verdict;

	blob_init(&b);
	rule = blob_verdict(&b, NULL, 0);
	blob_builtin_policies(&b, VERDICT(NF_ACCEPT), 0);
	chain = blob_chain_head(&b, "loop");
	verdict = b.repl.size;
	blob_verdict(&b, NULL, verdict); /* jumps to itself */
	blob_verdict(&b, NULL, XT_RETURN);
	blob_end(&b);
	((struct xt_standard_target *)xlate_entry_target(blob_at(&b, rule)))->verdict =
		chain + blob_at(&b, chain)->next_offset;
	EXPECT_EQ(-ELOOP, translate(&b));
}

TEST(jump_into_middle_of_entry_is_eloop)
{
	struct blob b;

	one_verdict_rule(&b, NULL, 8);
	EXPECT_EQ(-ELOOP, translate(&b));
}

TEST(falling_off_the_end_is_eloop)
{
	struct blob b;

	/* OUTPUT's policy is conditional-free but not its last: the walk runs off */
	blob_init(&b);
	blob_builtin_policies(&b, VERDICT(NF_ACCEPT), 0);
	blob_end(&b);
	/* INPUT jumps to the end marker, which falls through past the table */
	((struct xt_standard_target *)xlate_entry_target(blob_at(&b, 0)))->verdict = 456;
	b.repl.underflow[NF_INET_LOCAL_IN] = 0;
	EXPECT_EQ(-EINVAL, translate(&b)); /* the underflow is no longer a policy */
	b.repl.hook_entry[NF_INET_LOCAL_IN] = 0;
	b.repl.underflow[NF_INET_LOCAL_IN] = 152;
	b.repl.hook_entry[NF_INET_FORWARD] = 152;
	b.repl.underflow[NF_INET_FORWARD] = 304;
	b.repl.valid_hooks = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD);
	EXPECT_EQ(-ELOOP, translate(&b));
}

TEST(unknown_verdict_is_einval)
{
	struct blob b;

	one_verdict_rule(&b, NULL, VERDICT(NF_STOLEN));
	EXPECT_EQ(-EINVAL, translate(&b));
	one_verdict_rule(&b, NULL, 0);
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(standard_target_wrong_size_is_einval)
{
	unsigned char pad[12] = { 0 };
	struct blob b;

	one_rule(&b, NF_INET_LOCAL_IN, NULL, NULL, 0, XT_STANDARD_TARGET, 0, pad, sizeof(pad));
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(unterminated_error_name_is_einval)
{
	struct xt_error_target *et;
	struct blob b;

	blob_filter(&b);
	et = (void *)xlate_entry_target(blob_at(&b, b.last));
	memset(et->errorname, 'x', sizeof(et->errorname));
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(unknown_ip_flags_are_einval)
{
	struct ipt_ip ip = { .flags = 0x80 };
	struct blob b;

	one_verdict_rule(&b, &ip, VERDICT(NF_DROP));
	EXPECT_EQ(-EINVAL, translate(&b));
	ip = (struct ipt_ip){ .invflags = 0x80 };
	one_verdict_rule(&b, &ip, VERDICT(NF_DROP));
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(match_overrunning_target_is_einval)
{
	unsigned char m[256];
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };
	unsigned int len = blob_match(m, "tcp", 0, &tcp, sizeof(tcp));
	struct blob b;

	((struct xt_entry_match *)m)->u.match_size = len + 8;
	one_rule(&b, NF_INET_LOCAL_IN, &ip_tcp, m, len, XT_STANDARD_TARGET, 0,
		 &(int){ VERDICT(NF_DROP) }, sizeof(int));
	EXPECT_EQ(-EINVAL, translate(&b));
}

/*
 * A match 4 bytes short puts the target off its alignment, in an entry whose
 * offsets are right: the kernel reads the target there (its size, name,
 * verdict) and fails on the match's size later. (Under make SANITIZE=1,
 * UBSan ends the test if the validator reads it as an aligned struct.)
 */
TEST(match_size_misaligning_the_target_is_einval)
{
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };
	uint16_t target_size = sizeof(struct xt_standard_target);
	unsigned char m[256];
	unsigned int len = blob_match(m, "tcp", 0, &tcp, sizeof(tcp)) - 4;
	struct ipt_entry *e;
	struct blob b;

	((struct xt_entry_match *)m)->u.match_size = len;
	blob_init(&b);
	e = blob_at(&b, blob_entry(&b, &ip_tcp, m, len, XT_STANDARD_TARGET, 0,
				   &(int){ VERDICT(NF_DROP) }, sizeof(int)));
	/* the target's 36 bytes end where the next entry starts, aligned */
	memcpy((char *)e + e->target_offset, &target_size, sizeof(target_size));
	e->next_offset = XT_ALIGN(e->target_offset + target_size);
	b.repl.size = e->next_offset;
	blob_builtin_policies(&b, VERDICT(NF_ACCEPT), 0);
	blob_end(&b);
	EXPECT_EQ(-EINVAL, translate(&b));
	/* the same entry with a match of the right size is taken */
	((struct xt_entry_match *)m)->u.match_size = len + 4;
	one_rule(&b, NF_INET_LOCAL_IN, &ip_tcp, m, len + 4, XT_STANDARD_TARGET, 0,
		 &(int){ VERDICT(NF_DROP) }, sizeof(int));
	EXPECT_EQ(0, translate(&b));
}

static int one_match(const struct ipt_ip *ip, unsigned int hook, const char *name, uint8_t rev,
		     const void *data, unsigned int size)
{
	unsigned char m[512];
	unsigned int len = blob_match(m, name, rev, data, size);
	int drop = VERDICT(NF_DROP);
	struct blob b;

	one_rule(&b, hook, ip, m, len, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	return translate(&b);
}

TEST(tcp_match)
{
	struct ipt_ip not_tcp = { .proto = IPPROTO_TCP, .invflags = IPT_INV_PROTO };
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };

	EXPECT_EQ(0, one_match(&ip_tcp, NF_INET_LOCAL_IN, "tcp", 0, &tcp, sizeof(tcp)));
	/* -m tcp needs -p tcp, not inverted */
	EXPECT_EQ(-EINVAL, one_match(NULL, NF_INET_LOCAL_IN, "tcp", 0, &tcp, sizeof(tcp)));
	EXPECT_EQ(-EINVAL, one_match(&not_tcp, NF_INET_LOCAL_IN, "tcp", 0, &tcp, sizeof(tcp)));
	tcp.invflags = 0x40;
	EXPECT_EQ(-EINVAL, one_match(&ip_tcp, NF_INET_LOCAL_IN, "tcp", 0, &tcp, sizeof(tcp)));
}

TEST(uses_match_names_the_matches_of_the_rules)
{
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };
	unsigned char m[256];
	unsigned int len = blob_match(m, "tcp", 0, &tcp, sizeof(tcp));
	struct xlate_table *t = NULL;
	struct xlate_error err;
	struct blob b;

	one_rule(&b, NF_INET_FORWARD, &ip_tcp, m, len, XT_STANDARD_TARGET, 0,
		 &(int){ VERDICT(NF_DROP) }, sizeof(int));
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err));
	EXPECT_TRUE(xlate_table_uses_match(t, "tcp"));
	EXPECT_FALSE(xlate_table_uses_match(t, "udp"));
	EXPECT_FALSE(xlate_table_uses_match(t, "addrtype"));
	xlate_table_free(t);
}

TEST(match_payload_size_mismatch_is_einval)
{
	struct xt_tcp tcp[2] = { 0 };

	EXPECT_EQ(-EINVAL, one_match(&ip_tcp, NF_INET_LOCAL_IN, "tcp", 0, tcp, sizeof(tcp)));
}

TEST(unknown_extension_is_eopnotsupp_with_message)
{
	unsigned char data[8] = { 0 };
	unsigned char m[64];
	unsigned int len = blob_match(m, "nosuchmatch", 0, data, sizeof(data));
	int drop = VERDICT(NF_DROP);
	struct xlate_table *t = NULL;
	struct xlate_error err;
	struct blob b;

	one_rule(&b, NF_INET_LOCAL_IN, NULL, m, len, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	EXPECT_EQ(-EOPNOTSUPP, xlate_table_translate(&b.repl, b.entries, &t, &err));
	EXPECT_STREQ("nosuchmatch", err.ext_name);
	EXPECT_NE(NULL, strstr(err.msg, "match 'nosuchmatch' revision 0"));
	EXPECT_EQ(NULL, t);
}

TEST(bad_revision_errno_depends_on_family)
{
	struct ipt_ip ip = { .proto = IPPROTO_TCP };
	struct xt_multiport_v1 mp = { .flags = XT_MULTIPORT_DESTINATION, .count = 1 };
	struct xt_mark_mtinfo1 mark = { .mark = 1, .mask = 1 };

	/* found only in the IPv4 list: the family-independent search says ENOENT */
	EXPECT_EQ(-ENOENT, one_match(&ip, NF_INET_LOCAL_IN, "multiport", 0, &mp, sizeof(mp)));
	/* found in the family-independent list with another revision */
	EXPECT_EQ(-EPROTOTYPE, one_match(NULL, NF_INET_LOCAL_IN, "mark", 0, &mark, sizeof(mark)));
	EXPECT_EQ(0, one_match(NULL, NF_INET_LOCAL_IN, "mark", 1, &mark, sizeof(mark)));
}

TEST(unterminated_extension_name_is_einval)
{
	unsigned char m[512];
	unsigned int len = blob_match(m, "comment", 0, (char[256]){ 0 }, 256);
	int drop = VERDICT(NF_DROP);
	struct blob b;

	memset(((struct xt_entry_match *)m)->u.user.name, 'a', XT_EXTENSION_MAXNAMELEN);
	one_rule(&b, NF_INET_LOCAL_IN, NULL, m, len, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(multiport_checks)
{
	struct ipt_ip icmp = { .proto = IPPROTO_ICMP };
	struct xt_multiport_v1 mp = { .flags = XT_MULTIPORT_DESTINATION,
				      .count = 2,
				      .ports = { 10, 20 },
				      .pflags = { 1, 0 } };

	EXPECT_EQ(0, one_match(&ip_tcp, NF_INET_LOCAL_IN, "multiport", 1, &mp, sizeof(mp)));
	EXPECT_EQ(-EINVAL, one_match(&icmp, NF_INET_LOCAL_IN, "multiport", 1, &mp, sizeof(mp)));
	mp.ports[0] = 30; /* range upside down */
	EXPECT_EQ(-EINVAL, one_match(&ip_tcp, NF_INET_LOCAL_IN, "multiport", 1, &mp, sizeof(mp)));
	mp.ports[0] = 10;
	mp.count = 1; /* range without its upper bound */
	EXPECT_EQ(-EINVAL, one_match(&ip_tcp, NF_INET_LOCAL_IN, "multiport", 1, &mp, sizeof(mp)));
	mp.count = XT_MULTI_PORTS + 1;
	EXPECT_EQ(-EINVAL, one_match(&ip_tcp, NF_INET_LOCAL_IN, "multiport", 1, &mp, sizeof(mp)));
}

TEST(mac_match_only_on_the_way_in)
{
	struct xt_mac_info mac = { 0 };

	EXPECT_EQ(0, one_match(NULL, NF_INET_LOCAL_IN, "mac", 0, &mac, sizeof(mac)));
	EXPECT_EQ(-EINVAL, one_match(NULL, NF_INET_LOCAL_OUT, "mac", 0, &mac, sizeof(mac)));
}

TEST(limit_zero_burst_is_erange)
{
	struct xt_rateinfo r = { .avg = 10000, .burst = 5 };

	EXPECT_EQ(0, one_match(NULL, NF_INET_LOCAL_IN, "limit", 0, &r, sizeof(r)));
	r.burst = 0;
	EXPECT_EQ(-ERANGE, one_match(NULL, NF_INET_LOCAL_IN, "limit", 0, &r, sizeof(r)));
}

static int one_target(const struct ipt_ip *ip, const char *name, const void *data,
		      unsigned int size)
{
	struct blob b;

	one_rule(&b, NF_INET_LOCAL_IN, ip, NULL, 0, name, 0, data, size);
	return translate(&b);
}

TEST(reject_checks)
{
	struct ipt_reject_info rej = { .with = IPT_TCP_RESET };

	EXPECT_EQ(0, one_target(&ip_tcp, "REJECT", &rej, sizeof(rej)));
	EXPECT_EQ(-EINVAL, one_target(NULL, "REJECT", &rej, sizeof(rej)));
	rej.with = IPT_ICMP_ECHOREPLY;
	EXPECT_EQ(-EINVAL, one_target(NULL, "REJECT", &rej, sizeof(rej)));
	rej.with = IPT_ICMP_PORT_UNREACHABLE;
	EXPECT_EQ(0, one_target(NULL, "REJECT", &rej, sizeof(rej)));
}

TEST(reject_only_in_filter_table)
{
	struct ipt_reject_info rej = { .with = IPT_ICMP_PORT_UNREACHABLE };
	struct blob b;

	one_rule(&b, NF_INET_LOCAL_IN, NULL, NULL, 0, "REJECT", 0, &rej, sizeof(rej));
	strcpy(b.repl.name, "mangle");
	EXPECT_EQ(-EINVAL, translate(&b));
}

TEST(log_checks)
{
	struct xt_log_info log = { .level = 4, .prefix = "x: " };

	EXPECT_EQ(0, one_target(NULL, "LOG", &log, sizeof(log)));
	log.level = 8;
	EXPECT_EQ(-EINVAL, one_target(NULL, "LOG", &log, sizeof(log)));
	log.level = 4;
	memset(log.prefix, 'p', sizeof(log.prefix));
	EXPECT_EQ(-EINVAL, one_target(NULL, "LOG", &log, sizeof(log)));
}

TEST(oversized_tables_are_enomem)
{
	struct blob b;

	blob_filter(&b);
	b.repl.size = XLATE_MAX_TABLE_SIZE;
	EXPECT_EQ(-ENOMEM, translate(&b));
	blob_filter(&b);
	b.repl.num_entries = XLATE_MAX_TABLE_SIZE;
	EXPECT_EQ(-ENOMEM, translate(&b));
}

TEST(read_back_hides_kernel_private_bytes)
{
	struct xt_rateinfo r = { .avg = 10000, .burst = 5, .prev = 77, .cost = 99 };
	unsigned char m[256], out[BLOB_MAX];
	unsigned int len = blob_match(m, "limit", 0, &r, sizeof(r));
	/* one per entry: the rule, three policies and the table's end */
	struct xt_counters add[5] = { { 3, 300 } };
	struct xlate_table *t = NULL;
	const struct xt_rateinfo *seen;
	struct xlate_error err;
	int drop = VERDICT(NF_DROP);
	struct blob b;

	one_rule(&b, NF_INET_LOCAL_IN, NULL, m, len, XT_STANDARD_TARGET, 0, &drop, sizeof(drop));
	ASSERT_EQ(0, xlate_table_translate(&b.repl, b.entries, &t, &err));
	ASSERT_EQ(ARRAY_SIZE(add), t->num_entries);
	xlate_table_add_counters(t, add);
	memset(out, 0xaa, sizeof(out));
	xlate_table_copy_entries(t, out, NULL);
	seen = (const void *)((struct xt_entry_match *)(out + sizeof(struct ipt_entry)))->data;
	EXPECT_EQ(10000, seen->avg);
	EXPECT_EQ(5, seen->burst);
	EXPECT_EQ(0, seen->prev);
	EXPECT_EQ(0, seen->cost);
	EXPECT_EQ(3, ((struct ipt_entry *)out)->counters.pcnt);
	EXPECT_EQ(300, ((struct ipt_entry *)out)->counters.bcnt);
	xlate_table_free(t);
}

TEST_HARNESS_MAIN
