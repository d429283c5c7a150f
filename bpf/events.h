/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events generated programs send to bpfilterd through a ring buffer, for
 * what a netfilter program cannot do itself: write a LOG line to the kernel
 * log, and send the ICMP error or TCP reset of REJECT. The program copies
 * what the kernel's target would have looked at; the daemon does the rest.
 */
#ifndef BPFILTER_BPF_EVENTS_H
#define BPFILTER_BPF_EVENTS_H

#include <stdint.h>

/* ICMP errors quote at most 576 - 20 - 8 bytes of the packet (icmp_send()) */
#define BF_EVENT_DATA 548
#define BF_EVENTS_SIZE (1u << 20)

enum bf_event_kind {
	BF_EVENT_LOG = 1,
	BF_EVENT_REJECT = 2,
};

struct bf_event {
	uint32_t kind;
	uint32_t table_id;
	uint32_t rule_offset; /* the rule's entry in the table blob */
	uint32_t hook;
	uint32_t skb_len;
	uint32_t mark;
	uint32_t data_len;
	uint32_t mac_len;
	uint32_t uid, gid;
	uint16_t dev_type;
	uint8_t has_uid;
	uint8_t pad;
	char in[16], out[16];
	uint8_t mac[16];
	uint8_t data[BF_EVENT_DATA]; /* from the network header on */
};

#endif /* BPFILTER_BPF_EVENTS_H */
