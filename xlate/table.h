/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A validated iptables table, kept as ip_tables keeps it: the entries blob as
 * the client sent it (with comefrom filled in), plus one counter per entry.
 */
#ifndef BPFILTER_XLATE_TABLE_H
#define BPFILTER_XLATE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netfilter_ipv4/ip_tables.h>

/* The kernel's limit on a table blob (XT_MAX_TABLE_SIZE in x_tables.c). */
#define XLATE_MAX_TABLE_SIZE (512u * 1024 * 1024)
/* sizeof(struct xt_table_info) on 64-bit kernels, counted in that limit */
#define XLATE_TABLE_INFO_SIZE 64u

/*
 * Diagnostic for the user, set when the errno alone would not say enough.
 * For -EOPNOTSUPP it names the extension bpfilter cannot translate.
 */
struct xlate_error {
	char msg[256];
	bool is_target;
	char ext_name[XT_EXTENSION_MAXNAMELEN];
	uint8_t ext_revision;
};

#define XLATE_MATCHES_USED 32

struct xlate_ext_ops;

struct xlate_table {
	char name[XT_TABLE_MAXNAMELEN];
	unsigned int valid_hooks;
	unsigned int hook_entry[NF_INET_NUMHOOKS];
	unsigned int underflow[NF_INET_NUMHOOKS];
	unsigned int num_entries;
	unsigned int size;
	unsigned char *entries; /* within mem */
	void *mem; /* what the table frees */
	struct xt_counters *counters;
	/* the matches its rules use, each once: if all of them fit here */
	const struct xlate_ext_ops *matches_used[XLATE_MATCHES_USED];
	unsigned int nr_matches_used;
	bool matches_overflow;
};

/*
 * Validate repl and its entries exactly as the kernel's translate_table()
 * does. On success *out is a new table with zeroed counters; on failure the
 * kernel's negative errno is returned and err may hold a message.
 */
int xlate_table_translate(const struct ipt_replace *repl, const void *entries,
			  struct xlate_table **out, struct xlate_error *err);
/*
 * The same, the entries kept where they are: they lie in mem, which the
 * table takes (freed at once on failure). A request's blob is megabytes
 * for a big table, and a copy of it faults its pages in anew each time.
 */
int xlate_table_adopt(const struct ipt_replace *repl, void *mem, const void *entries,
		      struct xlate_table **out, struct xlate_error *err);

/* The filter table as iptable_filter creates it: three ACCEPT policies. */
int xlate_table_new_filter(struct xlate_table **out);

void xlate_table_free(struct xlate_table *t);

/*
 * Answers of IPT_SO_GET_INFO and IPT_SO_GET_ENTRIES (t->size bytes); the
 * entries' counters are t->counters plus live[] unless it is NULL.
 */
void xlate_table_get_info(const struct xlate_table *t, struct ipt_getinfo *info);
void xlate_table_copy_entries(const struct xlate_table *t, void *dst,
			      const struct xt_counters *live);

/* IPT_SO_SET_ADD_COUNTERS: add n counters, n must be t->num_entries. */
void xlate_table_add_counters(struct xlate_table *t, const struct xt_counters *add);

/* True if a rule of t uses the match called name. */
bool xlate_table_uses_match(const struct xlate_table *t, const char *name);

static inline struct ipt_entry *xlate_entry_at(const struct xlate_table *t, unsigned int off)
{
	return (struct ipt_entry *)(t->entries + off);
}

static inline const struct xt_entry_target *xlate_entry_target(const struct ipt_entry *e)
{
	return (const void *)((const char *)e + e->target_offset);
}

#endif /* BPFILTER_XLATE_TABLE_H */
