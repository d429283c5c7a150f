// SPDX-License-Identifier: GPL-2.0
/*
 * REJECT's answers, built as net/ipv4/netfilter/nf_reject_ipv4.c and
 * icmp_send() build them, and sent with IP_HDRINCL from the netns the
 * packet was in. An answer the kernel would not send (to a fragment, to an
 * ICMP error, to a broadcast or multicast address, a reset to a reset) is
 * not sent either.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <linux/netfilter.h>

#include "reject.h"

#define ICMP_ERROR_ROOM 548 /* 576 - sizeof(iphdr) - sizeof(icmphdr) */
#define DEFAULT_TTL 64

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static bool is_multicast_or_broadcast(uint32_t addr_be)
{
	uint32_t a = ntohl(addr_be);

	return (a & 0xf0000000) == 0xe0000000 || a == 0xffffffff;
}

static int send_packet(int fd, const void *pkt, size_t len, uint32_t daddr)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = daddr };

	return sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

static bool icmp_is_error(const struct bf_event *ev, const struct iphdr *ih)
{
	unsigned int hl = ih->ihl * 4u;
	uint8_t type;

	if (ih->protocol != IPPROTO_ICMP)
		return false;
	if (ev->data_len < hl + 1)
		return true; /* no type to look at: do not answer */
	type = ev->data[hl];
	return type > NR_ICMP_TYPES ||
	       !(type == ICMP_ECHO || type == ICMP_ECHOREPLY || type == ICMP_TIMESTAMP ||
		 type == ICMP_TIMESTAMPREPLY || type == ICMP_INFO_REQUEST ||
		 type == ICMP_INFO_REPLY || type == ICMP_ADDRESS || type == ICMP_ADDRESSREPLY);
}

static int send_unreach(int fd, const struct bf_event *ev, uint8_t code)
{
	const struct iphdr *oh = (const void *)ev->data;
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct icmphdr) + ICMP_ERROR_ROOM] = { 0 };
	struct iphdr *ih = (void *)pkt;
	struct icmphdr *ic = (void *)(pkt + sizeof(*ih));
	size_t quoted = ev->data_len < ICMP_ERROR_ROOM ? ev->data_len : ICMP_ERROR_ROOM;

	if (icmp_is_error(ev, oh))
		return -EAGAIN;
	ih->version = 4;
	ih->ihl = 5;
	ih->tos = (oh->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
	ih->ttl = DEFAULT_TTL;
	ih->protocol = IPPROTO_ICMP;
	/* from the address the packet was sent to if it was ours, else routed */
	ih->saddr = ev->hook == NF_INET_LOCAL_IN ? oh->daddr : 0;
	ih->daddr = oh->saddr;
	ih->tot_len = htons((uint16_t)(sizeof(*ih) + sizeof(*ic) + quoted));
	ic->type = ICMP_DEST_UNREACH;
	ic->code = code;
	memcpy(pkt + sizeof(*ih) + sizeof(*ic), ev->data, quoted);
	ic->checksum = htons(csum_fold(csum_add(0, ic, sizeof(*ic) + quoted)));
	return send_packet(fd, pkt, sizeof(*ih) + sizeof(*ic) + quoted, ih->daddr);
}

static uint16_t tcp_checksum(const struct iphdr *ih, const struct tcphdr *th)
{
	uint8_t pseudo[12];
	uint32_t sum;

	memcpy(pseudo, &ih->saddr, 4);
	memcpy(pseudo + 4, &ih->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = 0;
	pseudo[11] = sizeof(*th);
	sum = csum_add(0, pseudo, sizeof(pseudo));
	return htons(csum_fold(csum_add(sum, th, sizeof(*th))));
}

static int send_reset(int fd, const struct bf_event *ev)
{
	const struct iphdr *oh = (const void *)ev->data;
	unsigned int hl = oh->ihl * 4u;
	const struct tcphdr *oth = (const void *)(ev->data + hl);
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct tcphdr)] = { 0 };
	struct iphdr *ih = (void *)pkt;
	struct tcphdr *th = (void *)(pkt + sizeof(*ih));

	if (oh->protocol != IPPROTO_TCP || ev->data_len < hl + sizeof(*oth) || oth->rst)
		return -EAGAIN;
	ih->version = 4;
	ih->ihl = 5;
	ih->frag_off = htons(IP_DF);
	ih->ttl = DEFAULT_TTL;
	ih->protocol = IPPROTO_TCP;
	ih->saddr = oh->daddr;
	ih->daddr = oh->saddr;
	ih->tot_len = htons(sizeof(pkt));
	th->source = oth->dest;
	th->dest = oth->source;
	th->doff = sizeof(*th) / 4;
	if (oth->ack) {
		th->seq = oth->ack_seq;
	} else {
		th->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin + ev->skb_len - hl -
				    oth->doff * 4u);
		th->ack = 1;
	}
	th->rst = 1;
	th->check = tcp_checksum(ih, th);
	return send_packet(fd, pkt, sizeof(pkt), ih->daddr);
}

static int unreach_code(enum ipt_reject_with with)
{
	switch (with) {
	case IPT_ICMP_NET_UNREACHABLE:
		return ICMP_NET_UNREACH;
	case IPT_ICMP_HOST_UNREACHABLE:
		return ICMP_HOST_UNREACH;
	case IPT_ICMP_PROT_UNREACHABLE:
		return ICMP_PROT_UNREACH;
	case IPT_ICMP_PORT_UNREACHABLE:
		return ICMP_PORT_UNREACH;
	case IPT_ICMP_NET_PROHIBITED:
		return ICMP_NET_ANO;
	case IPT_ICMP_HOST_PROHIBITED:
		return ICMP_HOST_ANO;
	case IPT_ICMP_ADMIN_PROHIBITED:
		return ICMP_PKT_FILTERED;
	default:
		return -1;
	}
}

int bf_reject_send(int raw_fd, const struct bf_event *ev, const struct ipt_reject_info *info)
{
	const struct iphdr *oh = (const void *)ev->data;
	int code;

	if (ev->data_len < sizeof(*oh) || (ntohs(oh->frag_off) & IP_OFFMASK) ||
	    is_multicast_or_broadcast(oh->daddr))
		return -EAGAIN;
	if (info->with == IPT_TCP_RESET)
		return send_reset(raw_fd, ev);
	code = unreach_code(info->with);
	return code < 0 ? -EAGAIN : send_unreach(raw_fd, ev, (uint8_t)code);
}
