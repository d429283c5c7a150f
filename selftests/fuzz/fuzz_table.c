// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: an IPT_SO_SET_REPLACE request (struct ipt_replace, then
 * its entries: what selftests/tools/ipt_replace saves) through the daemon's
 * whole path short of attaching: validation, the IR, code generation, the
 * classifier maps and the verifier, and the table as IPT_SO_GET_ENTRIES
 * lists it, sent back.
 *
 * A crash or a sanitizer report is a bug, and so is a table the validator
 * takes whose programs the kernel refuses: the daemon would refuse a table
 * the kernel's ip_tables takes, for a fault of its own code generator. Built
 * by make fuzz, run by scripts/fuzz.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bpf/loader.h"
#include "../../xlate/table.h"

#define FILTER_HOOKS \
	((1u << NF_INET_LOCAL_IN) | (1u << NF_INET_FORWARD) | (1u << NF_INET_LOCAL_OUT))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a table that validates may still fail to load with, and why. */
static bool load_failure_allowed(int ret)
{
	switch (ret) {
	case -EOPNOTSUPP: /* a match or target bpfilter does not translate */
	case -E2BIG: /* more parts or map entries than BPF allows */
	case -ENOMEM: /* the sanitizer's or the kernel's memory limits */
		return true;
	}
	return false;
}

static void load(const struct xlate_table *t)
{
	struct xlate_error err = { 0 };
	struct bf_bpf_table *bt = NULL;
	int ret;

	ret = bf_bpf_table_load(t, NULL, &bt, &err);
	if (!ret) {
		bf_bpf_table_free(bt);
		return;
	}
	if (load_failure_allowed(ret))
		return;
	fprintf(stderr, "a valid table failed to load (%s): %s\n", strerror(-ret), err.msg);
	abort();
}

/* t's IPT_SO_GET_ENTRIES answer, NULL if out of memory. */
static uint8_t *listing(const struct xlate_table *t)
{
	uint8_t *out = malloc(t->size ? t->size : 1);

	if (out)
		xlate_table_copy_entries(t, out, NULL);
	return out;
}

/*
 * iptables sends back what it lists, edited: the listing must validate as a
 * request of its own, and list the same. (It is not the request byte for
 * byte: as the kernel, names are listed up to their NUL and data without
 * what an extension keeps to itself.)
 */
static void read_back(const struct xlate_table *t, const struct ipt_replace *repl)
{
	struct xlate_error err = { 0 };
	struct xlate_table *again = NULL;
	uint8_t *first, *second = NULL;
	int ret;

	first = listing(t);
	if (!first)
		return;
	ret = xlate_table_translate(repl, first, &again, &err);
	if (ret) {
		fprintf(stderr, "the listing is refused as a request (%s): %s\n", strerror(-ret),
			err.msg);
		abort();
	}
	second = listing(again);
	if (second && memcmp(first, second, t->size)) {
		fprintf(stderr, "the listing of the listing differs\n");
		abort();
	}
	free(second);
	xlate_table_free(again);
	free(first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlate_error err = { 0 };
	struct xlate_table *t = NULL;
	struct ipt_replace repl;
	uint8_t *entries;

	if (size < sizeof(repl))
		return 0;
	memcpy(&repl, data, sizeof(repl));
	/* the daemon passes other tables to the kernel: it translates "filter" */
	strcpy(repl.name, "filter");
	/* the daemon reads size bytes of entries, as many as were sent */
	repl.size = size - sizeof(repl);
	repl.counters = NULL;
	/* a buffer of its own, so that ASan sees a read past the request */
	entries = malloc(repl.size ? repl.size : 1);
	if (!entries)
		return 0;
	memcpy(entries, data + sizeof(repl), repl.size);
	if (!xlate_table_translate(&repl, entries, &t, &err)) {
		read_back(t, &repl);
		/* filter's hooks, or the daemon refuses the table before loading it */
		if (repl.valid_hooks == FILTER_HOOKS)
			load(t);
		xlate_table_free(t);
	}
	free(entries);
	return 0;
}
