// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to stderr (the journal under systemd), one line per message.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool debug_enabled;

void bf_log_set_debug(bool enabled)
{
	debug_enabled = enabled;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "bpfilterd: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void bf_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void bf_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void bf_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!debug_enabled)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}
