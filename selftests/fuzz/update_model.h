/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_update.c's input: a filter table of address runs, then steps of
 * edits to its rules, each step maybe with a restart of the daemon; and the
 * requests iptables would send for them.
 */
#ifndef BPFILTER_SELFTESTS_FUZZ_UPDATE_MODEL_H
#define BPFILTER_SELFTESTS_FUZZ_UPDATE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../unit/blob.h"

#define MAX_RULES 160
#define MAX_EDITS 8

enum kind {
	RUN_SRC, /* -s prefix -j verdict */
	RUN_DST, /* -d prefix -j verdict */
	SCTP, /* -p sctp -j ACCEPT: fits no run, matches no packet here */
	INVERTED, /* ! -s prefix -j verdict (! -d for a destination run) */
};

struct rule {
	enum kind kind;
	uint32_t addr, mask; /* host order */
	bool accept;
};

struct model {
	bool dst; /* the first run's field: destination */
	bool in_chain; /* rules in chain R, which INPUT and OUTPUT jump to */
	bool udp; /* rules also match -p udp */
	bool drop_policy; /* OUTPUT's */
	bool lead; /* an SCTP rule in OUTPUT first */
	bool reject; /* -j REJECT in place of -j DROP, as fail2ban's chains */
	const uint8_t *lens; /* the prefix lengths rules draw from */
	struct rule rules[MAX_RULES];
	unsigned int n;
};

struct input {
	const uint8_t *data;
	size_t size, pos;
};

/* When a step restarts the daemon. */
enum restart {
	NO_RESTART,
	RESTART_AFTER, /* once the step's table is in force */
	KILLED_SWITCHED, /* in a data update, after the switch, before it is finished */
	KILLED_UNSWITCHED, /* in a data update, all entries written, before the switch */
};

/* A step's restart, and for a kill, how far the data update got. */
struct restart_at {
	enum restart when;
	/*
	 * For a kill: 0, at the point when names; n, after n - 1 writes to the
	 * maps, counted from the start of the update (KILLED_UNSWITCHED) or
	 * after its switch (KILLED_SWITCHED); none past the update's last.
	 */
	unsigned int partway;
};

/* m's table from in (too short: the missing bytes are zeros). */
void decode_table(struct model *m, struct input *in);
/* One step's edits to m and its restart; false if in has none left. */
bool decode_step(struct model *m, struct input *in, struct restart_at *restart);
/* m as the request iptables would send, in b. */
void build_request(const struct model *m, struct blob *b);

#endif /* BPFILTER_SELFTESTS_FUZZ_UPDATE_MODEL_H */
