/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A netns's filter table is made when a client first names it, as the
 * kernel makes its own; its programs are loaded and attached (the table
 * put in force) only when it must be. A client that replaces the table
 * right away (iptables-restore, iptables -A in a new netns) then loads one
 * set of programs, not two: the table it read is never put in force. One
 * that only reads it (iptables -L) has it put in force before it exits
 * (BF_REQ_SETTLE, sent by the shim), so that every packet sent after that
 * command is counted on the policies, as with the kernel. A client that
 * dies first leaves it to the daemon, once idle for BF_SETTLE_IDLE_MS.
 */
#ifndef BPFILTER_UMH_SETTLE_H
#define BPFILTER_UMH_SETTLE_H

#include <stdbool.h>

#include "netns.h"
#include "request.h"

#define BF_SETTLE_IDLE_MS 2000

/* Whether ns's filter table is made but not in force. */
bool bf_settle_pending(const struct bf_netns *ns);

/* ns->filter was just made: keep a socket of its netns (sockfd's) until settled. */
int bf_settle_defer(struct bf_netns *ns, int sockfd);

/* ns has a table in force (bf_enforce()) or goes: forget the socket. */
void bf_settle_done(struct bf_netns *ns);

/* Put ns's pending table in force; 0 if it was not pending. */
int bf_settle(struct bf_netns *ns, struct xlate_error *err);

/* Whether any table is pending; and, the daemon being idle, settle them all. */
bool bf_settle_any_pending(void);
void bf_settle_all(void);

/* BF_REQ_SETTLE: the client's netns. */
void bf_settle_request(const struct bf_request *req, struct bf_response *resp);

#endif /* BPFILTER_UMH_SETTLE_H */
