/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's side of the programs' ring buffer: LOG lines and REJECT
 * answers, handled as events arrive.
 */
#ifndef BPFILTER_UMH_EVENTS_H
#define BPFILTER_UMH_EVENTS_H

/* Create the ring buffer; returns its map fd (for the loader) or -errno. */
int bf_events_open(void);
/* A descriptor that polls readable when events wait, or -1. */
int bf_events_poll_fd(void);
/* Handle every waiting event. */
void bf_events_drain(void);
void bf_events_close(void);

#endif /* BPFILTER_UMH_EVENTS_H */
