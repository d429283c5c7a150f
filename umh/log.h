/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFILTER_UMH_LOG_H
#define BPFILTER_UMH_LOG_H

#include <stdbool.h>

/* Debug logs are printed only with --verbose=debug. */
void bf_log_set_debug(bool enabled);

void bf_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bf_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BPFILTER_UMH_LOG_H */
