/* SPDX-License-Identifier: GPL-2.0 */
/* Crafted IPv4 packets for BPF_PROG_TEST_RUN. */
#ifndef BPFILTER_SELFTESTS_PKT_H
#define BPFILTER_SELFTESTS_PKT_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

struct pkt_spec {
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t frag; /* frag_off, host order */
	uint8_t ttl; /* 0: 64 */
	uint8_t tos;
	unsigned int payload; /* bytes after the transport header */
	const uint8_t *tcp_opts;
	unsigned int tcp_optlen; /* multiple of 4 */
	unsigned int truncate; /* cut the packet to this length, if non-zero */
};

/* Build the packet into buf (>= 1500 bytes); returns its length. */
static inline unsigned int pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	struct iphdr *ip = (void *)buf;
	uint8_t *l4 = buf + sizeof(*ip);
	unsigned int l4len = 8;

	memset(buf, 0, 1500);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = s->ttl ? s->ttl : 64;
	ip->tos = s->tos;
	ip->protocol = s->proto;
	ip->frag_off = htons(s->frag);
	inet_pton(AF_INET, s->src ? s->src : "10.0.0.1", &ip->saddr);
	inet_pton(AF_INET, s->dst ? s->dst : "10.0.0.2", &ip->daddr);
	if (s->proto == IPPROTO_TCP) {
		struct tcphdr *th = (void *)l4;

		th->source = htons(s->sport);
		th->dest = htons(s->dport);
		th->doff = (sizeof(*th) + s->tcp_optlen) / 4;
		l4[13] = s->tcp_flags;
		if (s->tcp_optlen) /* none: tcp_opts may be NULL */
			memcpy(l4 + sizeof(*th), s->tcp_opts, s->tcp_optlen);
		l4len = sizeof(*th) + s->tcp_optlen;
	} else if (s->proto == IPPROTO_UDP) {
		*(uint16_t *)l4 = htons(s->sport);
		*(uint16_t *)(l4 + 2) = htons(s->dport);
	} else if (s->proto == IPPROTO_ICMP) {
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
	}
	ip->tot_len = htons(sizeof(*ip) + l4len + s->payload);
	return s->truncate ? s->truncate : sizeof(*ip) + l4len + s->payload;
}

#endif /* BPFILTER_SELFTESTS_PKT_H */
