// SPDX-License-Identifier: GPL-2.0
/*
 * LOG lines, in the format of the kernel's nf_log_syslog.c for IPv4, so that
 * tools parsing the kernel log (logwatch, fail2ban, ulogd users) read them
 * unchanged. Written to /dev/kmsg, that is to the kernel log.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <linux/if_arp.h>

#include "nflog.h"

struct out {
	char *buf;
	size_t len, pos;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos = o->pos + (size_t)n < o->len ? o->pos + (size_t)n : o->len - 1;
}

static void add_hex(struct out *o, const uint8_t *p, unsigned int n)
{
	unsigned int i;

	add(o, "OPT (");
	for (i = 0; i < n; i++)
		add(o, "%02X", p[i]);
	add(o, ") ");
}

static void add_mac(struct out *o, const struct bf_event *ev, unsigned int flags)
{
	unsigned int i;

	if ((flags & IPT_LOG_MACDECODE) && ev->dev_type == ARPHRD_ETHER) {
		if (ev->mac_len < 14)
			return;
		add(o, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x ", ev->mac[6], ev->mac[7], ev->mac[8],
		    ev->mac[9], ev->mac[10], ev->mac[11]);
		add(o, "MACDST=%02x:%02x:%02x:%02x:%02x:%02x ", ev->mac[0], ev->mac[1], ev->mac[2],
		    ev->mac[3], ev->mac[4], ev->mac[5]);
		add(o, "MACPROTO=%02x%02x ", ev->mac[12], ev->mac[13]);
		return;
	}
	add(o, "MAC=");
	for (i = 0; i < ev->mac_len; i++)
		add(o, i ? ":%02x" : "%02x", ev->mac[i]);
	add(o, " ");
}

static void add_tcp(struct out *o, const uint8_t *l4, unsigned int avail, unsigned int flags)
{
	const struct tcphdr *th = (const void *)l4;
	unsigned int optlen;

	if (avail < sizeof(*th)) {
		add(o, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	add(o, "SPT=%u DPT=%u ", ntohs(th->source), ntohs(th->dest));
	if (flags & IPT_LOG_TCPSEQ)
		add(o, "SEQ=%u ACK=%u ", ntohl(th->seq), ntohl(th->ack_seq));
	add(o, "WINDOW=%u ", ntohs(th->window));
	add(o, "RES=0x%02x ", (l4[12] & 0x0f) << 2);
	if (l4[13] & 0x80)
		add(o, "CWR ");
	if (l4[13] & 0x40)
		add(o, "ECE ");
	if (th->urg)
		add(o, "URG ");
	if (th->ack)
		add(o, "ACK ");
	if (th->psh)
		add(o, "PSH ");
	if (th->rst)
		add(o, "RST ");
	if (th->syn)
		add(o, "SYN ");
	if (th->fin)
		add(o, "FIN ");
	add(o, "URGP=%u ", ntohs(th->urg_ptr));
	optlen = th->doff * 4u > sizeof(*th) ? th->doff * 4u - sizeof(*th) : 0;
	if ((flags & IPT_LOG_TCPOPT) && optlen) {
		if (avail < sizeof(*th) + optlen)
			add(o, "OPT (TRUNCATED)");
		else
			add_hex(o, l4 + sizeof(*th), optlen);
	}
}

static bool icmp_is_quoting(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
	       type == ICMP_TIME_EXCEEDED;
}

static void add_ipv4(struct out *o, const uint8_t *data, unsigned int avail, unsigned int flags,
		     bool outer);

static unsigned int icmp_required(uint8_t type)
{
	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
		return 4;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return 8 + 20;
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
		return 20;
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return 12;
	}
	return 0;
}

static void add_icmp(struct out *o, const uint8_t *l4, unsigned int avail, unsigned int flags,
		     bool outer)
{
	const struct icmphdr *ic = (const void *)l4;

	if (avail < sizeof(*ic)) {
		add(o, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	add(o, "TYPE=%u CODE=%u ", ic->type, ic->code);
	if (icmp_required(ic->type) && avail < icmp_required(ic->type)) {
		add(o, "INCOMPLETE [%u bytes] ", avail);
		return;
	}
	if (ic->type == ICMP_ECHO || ic->type == ICMP_ECHOREPLY)
		add(o, "ID=%u SEQ=%u ", ntohs(ic->un.echo.id), ntohs(ic->un.echo.sequence));
	else if (ic->type == ICMP_PARAMETERPROB)
		add(o, "PARAMETER=%u ", ntohl(ic->un.gateway) >> 24);
	if (ic->type == ICMP_REDIRECT) {
		struct in_addr gw = { ic->un.gateway };

		add(o, "GATEWAY=%s ", inet_ntoa(gw));
	}
	if (!icmp_is_quoting(ic->type))
		return;
	if (outer) {
		add(o, "[");
		add_ipv4(o, l4 + sizeof(*ic), avail - sizeof(*ic), flags, false);
		add(o, "] ");
	}
	if (ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_FRAG_NEEDED)
		add(o, "MTU=%u ", ntohs(ic->un.frag.mtu));
}

static void add_ipv4(struct out *o, const uint8_t *data, unsigned int avail, unsigned int flags,
		     bool outer)
{
	const struct iphdr *ih = (const void *)data;
	unsigned int hl, frag;
	char src[16], dst[16];

	if (avail < sizeof(*ih)) {
		add(o, "TRUNCATED");
		return;
	}
	inet_ntop(AF_INET, &ih->saddr, src, sizeof(src));
	inet_ntop(AF_INET, &ih->daddr, dst, sizeof(dst));
	add(o, "SRC=%s DST=%s ", src, dst);
	add(o, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", ntohs(ih->tot_len),
	    ih->tos & IPTOS_TOS_MASK, ih->tos & IPTOS_PREC_MASK, ih->ttl, ntohs(ih->id));
	frag = ntohs(ih->frag_off);
	if (frag & 0x8000)
		add(o, "CE ");
	if (frag & IP_DF)
		add(o, "DF ");
	if (frag & IP_MF)
		add(o, "MF ");
	if (frag & IP_OFFMASK)
		add(o, "FRAG:%u ", frag & IP_OFFMASK);
	hl = ih->ihl * 4u;
	if ((flags & IPT_LOG_IPOPT) && hl > sizeof(*ih)) {
		if (avail < hl) {
			add(o, "TRUNCATED");
			return;
		}
		add_hex(o, data + sizeof(*ih), hl - sizeof(*ih));
	}
	avail = avail > hl ? avail - hl : 0;
	switch (ih->protocol) {
	case IPPROTO_TCP:
		add(o, "PROTO=TCP ");
		if (!(frag & IP_OFFMASK))
			add_tcp(o, data + hl, avail, flags);
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		add(o, ih->protocol == IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
		if (frag & IP_OFFMASK)
			break;
		if (avail < sizeof(struct udphdr)) {
			add(o, "INCOMPLETE [%u bytes] ", avail);
			break;
		}
		add(o, "SPT=%u DPT=%u LEN=%u ", ntohs(((const struct udphdr *)(data + hl))->source),
		    ntohs(((const struct udphdr *)(data + hl))->dest),
		    ntohs(((const struct udphdr *)(data + hl))->len));
		break;
	case IPPROTO_ICMP:
		add(o, "PROTO=ICMP ");
		if (!(frag & IP_OFFMASK))
			add_icmp(o, data + hl, avail, flags, outer);
		break;
	default:
		add(o, "PROTO=%u ", ih->protocol);
	}
}

size_t bf_nflog_format(const struct bf_event *ev, const struct ipt_log_info *info, char *buf,
		       size_t len)
{
	struct out o = { buf, len, 0 };
	char in[17] = { 0 }, out[17] = { 0 };

	memcpy(in, ev->in, 16);
	memcpy(out, ev->out, 16);
	add(&o, "<%u>%.*sIN=%s OUT=%s ", info->level & 7, (int)sizeof(info->prefix), info->prefix,
	    in, out);
	if (in[0])
		add_mac(&o, ev, info->logflags);
	add_ipv4(&o, ev->data, ev->data_len, info->logflags, true);
	if ((info->logflags & IPT_LOG_UID) && ev->has_uid)
		add(&o, "UID=%u GID=%u ", ev->uid, ev->gid);
	if (ev->mark)
		add(&o, "MARK=0x%x ", ev->mark);
	/* the kernel's line ends with the last field's trailing space */
	add(&o, "\n");
	return o.pos;
}

void bf_nflog_write(const char *line, size_t len)
{
	static int kmsg = -1;

	if (kmsg < 0)
		kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (kmsg >= 0 && write(kmsg, line, len) < 0) {
		close(kmsg);
		kmsg = -1;
	}
}
