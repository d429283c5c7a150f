// SPDX-License-Identifier: GPL-2.0
/*
 * bpfilterd: the usermode helper that owns iptables' filter table and turns
 * it into BPF programs. See Documentation/bpfilterd.8.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/kernel_btf.h"
#include "../xlate/table.h"
#include "enforce.h"
#include "events.h"
#include "heap.h"
#include "log.h"
#include "netns.h"
#include "opts.h"
#include "persist.h"
#include "runtime.h"
#include "server.h"
#include "state.h"

int main(int argc, char **argv)
{
	struct bf_runtime rt;
	struct bf_opts opts;
	int ret;

	bf_heap_init();
	bf_opts_parse(&opts, argc, argv);
	bf_log_set_debug(opts.verbose & BF_VERBOSE_DEBUG);
	ret = bf_runtime_open(&rt, &opts);
	if (!ret)
		ret = bf_persist_init(&opts);
	if (ret) {
		bf_runtime_close(&rt);
		return EXIT_FAILURE;
	}
	ret = bf_enforce_init(&opts);
	if (ret) {
		bf_err("cannot create the BPF ring buffer: %s", strerror(-ret));
		bf_runtime_close(&rt);
		return EXIT_FAILURE;
	}
	if (bf_state_restore()) {
		bf_err("cannot restore the rules of the last bpfilterd; to start afresh, remove "
		       "%s and %s (this removes every rule they hold)",
		       BF_RUNTIME_DIR, bf_persist_dir());
		bf_netns_free_all();
		bf_events_close();
		bf_runtime_close(&rt);
		return EXIT_FAILURE;
	}
	/* only once the rules are back: no client sees an empty table */
	if (bf_runtime_listen(&rt)) {
		bf_netns_free_all();
		bf_events_close();
		bf_runtime_close(&rt);
		return EXIT_FAILURE;
	}
	bf_info("listening on %s%s", BF_SOCKET_PATH, opts.transient ? " (transient)" : "");
	/*
	 * The kernel's layout now, not on the first request: parsing its BTF
	 * takes tens of milliseconds. Clients already wait in the backlog; a
	 * kernel without BTF fails each request that needs it, with the reason.
	 */
	bf_kernel(&(struct xlate_error){ 0 });
	/* parsing it took megabytes that bf_heap_init() would keep */
	malloc_trim(0);
	ret = bf_server_run(&opts, rt.listen_fd);
	if (ret)
		bf_err("request loop failed: %s", strerror(-ret));
	bf_netns_free_all();
	bf_events_close();
	bf_runtime_close(&rt);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
