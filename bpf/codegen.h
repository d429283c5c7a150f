/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code generation: one BPF_PROG_TYPE_NETFILTER program per built-in chain,
 * with ip_tables' semantics (first match, jump/goto/RETURN, policies,
 * per-rule counters).
 *
 * Generated programs keep:
 *   r6  the skb (struct sk_buff *, read through BTF)
 *   r7  the hook state's address (struct nf_hook_state), a number read
 *       through bf_gen_load_kptr()
 * and a stack frame laid out by the BF_STK_* offsets below. Matches and
 * targets may use r0-r5 and r8-r9 freely; r6/r7 and the frame are shared.
 */
#ifndef BPFILTER_BPF_CODEGEN_H
#define BPFILTER_BPF_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
/* glibc's network headers must come before the kernel's */
#include <netinet/in.h>
#include <netinet/ip.h>

#include "../xlate/ir.h"
#include "kernel_btf.h"
#include "prog.h"

#define BF_STK_DYNPTR (-16) /* struct bpf_dynptr on the skb, made when needed */
#define BF_STK_IPH (-40) /* the 20-byte IPv4 header */
#define BF_STK_THOFF (-48) /* u32: transport header offset (ihl * 4) */
#define BF_STK_FRAGOFF (-56) /* u32: fragment offset, 0 for first fragments */
#define BF_STK_SKBLEN (-64) /* u32: skb->len, what byte counters add */
#define BF_STK_KEY (-72) /* u32: scratch map key */
#define BF_STK_L4 (-136) /* 64 bytes: transport header and options */
#define BF_STK_SCRATCH (-200) /* 64 bytes for matches and targets */
#define BF_STK_CTX (-208) /* the program's context, for the tail call to the next part */
#define BF_STK_COUNTER (-216) /* u32: a counter's offset in its element, see bf_gen_count_key */
#define BF_STK_READ_LEN (-224) /* u32: bf_gen_read_l4()'s length across a call */
#define BF_STK_L4_AVAIL (-232) /* u32: bytes of the transport header in BF_STK_L4, see l4.c */
/* Pointers to the counters' elements a part counts in, looked up once (count.c). */
#define BF_COUNT_PTRS 4
#define BF_STK_COUNT_PTR(i) (-240 - 8 * (int)(i))
/* With counter banks: u32 the bank's first element, u32 the generation's parity (count.c) */
#define BF_STK_BANK (-272)
#define BF_STK_PARITY (-280)
#define BF_STK_L4_SIZE 64
#define BF_STK_SCRATCH_SIZE 64
/* the transport header bytes read once for all rules: a TCP header without options */
#define BF_L4_CACHED 20

/* Offsets of IPv4 header fields on the stack. */
#define BF_IPH(field) (BF_STK_IPH + (int)offsetof(struct iphdr, field))

struct bf_class_maps;
struct bf_run_memo;
struct bf_runs_trie;

/*
 * Rule i's counters are entry i % BF_COUNTERS_PER_ELEM of element
 * i / BF_COUNTERS_PER_ELEM of the per-CPU counters map: the kernel allocates
 * per-CPU memory element by element, and one element per rule made creating
 * the map of a 10,000-rule table cost milliseconds, on every replacement.
 * 256 counters are 4 KB, well within the per-CPU value limit (32 KB).
 */
#define BF_COUNTERS_SHIFT 8
#define BF_COUNTERS_PER_ELEM (1u << BF_COUNTERS_SHIFT)
#define BF_COUNTERS_ELEMS(n) (((n) + BF_COUNTERS_PER_ELEM - 1) / BF_COUNTERS_PER_ELEM)

/* Maps shared by all programs of a table. */
struct bf_table_maps {
	int counters_fd; /* per-CPU array of BF_COUNTERS_PER_ELEM xt_counters */
	int events_fd; /* ring buffer of struct bf_event (LOG, REJECT) */
	int state_fd; /* array of struct bf_limit_state, -1 if none */
	int local_routes_fd; /* LPM trie of bpf/local_routes.h, -1 if none */
	int parts_fd; /* program array: part k of hook h at h * BF_MAX_PARTS + k */
	/*
	 * Counter banks, for tables whose address runs data updates may change
	 * (bpf/data_update.c): an array of one u32, the generation g; a packet
	 * counts in bank g & 1, elements from (g & 1) * bank_elems on. -1: one
	 * bank, from element 0.
	 */
	int gen_fd;
	uint32_t bank_elems;
	uint32_t table_id; /* names the table in events */
};

/*
 * A long chain is cut into parts, each a program that tail-calls the next:
 * the verifier walks a program depth first and keeps every untaken branch
 * pending, at most 8192 of them (BPF_COMPLEXITY_LIMIT_JMP_SEQ), which a
 * straight list of about a thousand rules reaches. A part ends after the
 * rule that brings it over BF_PART_BRANCHES. The kernel allows 33 tail calls
 * in a row; the dispatcher makes the first.
 */
#define BF_MAX_PARTS 32
#define BF_PART_BRANCHES 6000

struct bf_hook_progs {
	struct bf_prog parts[BF_MAX_PARTS];
	unsigned int n;
	/* maps made for the programs (classifiers'), closed once they are loaded */
	int *fds;
	unsigned int nr_fds;
	/* in: the replaced table's runs trie, shared if the same; out: this one's */
	const struct bf_runs_trie *prev_trie;
	struct bf_runs_trie *trie;
	/* out: the classifier arrays, kept for the next table (array_pool.h) */
	struct bf_arrays *arrays;
	/* the classifiers' maps, made but not yet written (bf_class_maps_write) */
	struct bf_class_maps *cls;
};

/* Keep fd until the programs are loaded; -ENOMEM (fd closed) on failure. */
int bf_hook_progs_keep_fd(struct bf_hook_progs *progs, int fd);

struct bf_gen {
	struct bf_prog prog;
	struct bf_hook_progs *out;
	/* -v bpf: say in the trace pipe which kernel call failed */
	bool trace;
	/* gen_sequence() nesting: parts are cut between the chain's own rules */
	unsigned int depth;
	bool in_policy;
	/*
	 * The table has rules that read the transport header; BF_STK_L4 holds
	 * its first bytes on every path from the code emitted now (l4.c).
	 */
	bool l4_wanted;
	bool l4_cached;
	const struct xlate_ir *ir;
	const struct bf_kernel *kernel;
	const struct bf_table_maps *maps;
	unsigned int hook;
	/* RETURN with an empty jump stack: the chain's policy */
	bf_label underflow;
	/* the classifiers' maps, and the runs staged there by first rule */
	struct bf_class_maps *cls;
	struct bf_run_memo **memo;
	struct xlate_error *err;
	/* the counters' elements this part looks up once, by BF_STK_COUNT_PTR slot */
	uint32_t count_elem[BF_COUNT_PTRS];
	unsigned int count_elems;
	bf_label count_lookups, count_ready;
};

/* Code generation for one match: jump to nomatch or hotdrop, else fall through. */
struct bf_match_gen {
	const char *name;
	int (*gen)(struct bf_gen *g, const struct xlate_rule *r, const struct xlate_match *m,
		   bf_label nomatch, bf_label hotdrop);
	/* matches every packet and does nothing: a classifier's run looks past it */
	bool always;
	/* bytes of the transport header it reads (bf_gen_load_l4()), 0 if none */
	unsigned int l4_bytes;
};

/* Code generation for one target; *cont: the rule goes on to the next one. */
struct bf_target_gen {
	const char *name;
	int (*gen)(struct bf_gen *g, const struct xlate_rule *r, bool *cont);
	/*
	 * gen ends every path, and of its rule reads only the target's options
	 * (and the offset an event carries back to them): a classifier's run
	 * of rules with equal options can give it once for all (classify.c).
	 */
	bool in_runs;
};

const struct bf_match_gen *bf_match_gen_find(const struct xlate_ext_ops *ops);
const struct bf_target_gen *bf_target_gen_find(const struct xlate_ext_ops *ops);

/*
 * Generate the programs of built-in chain hook: out->parts[0] is its entry.
 * Their classifier maps are made, not yet written: bf_class_maps_write(out->cls)
 * before they run. On failure returns a negative errno (-EOPNOTSUPP for what
 * cannot be translated, with err naming it).
 */
int bf_codegen_hook(const struct xlate_ir *ir, const struct bf_table_maps *maps, unsigned int hook,
		    bool trace, struct bf_hook_progs *out, struct xlate_error *err);
void bf_hook_progs_release(struct bf_hook_progs *progs);

/*
 * Send a struct bf_event of kind for rule r, with the packet's first bytes
 * and, if with_uid, the owning socket's fsuid/fsgid.
 */
void bf_gen_event(struct bf_gen *g, const struct xlate_rule *r, uint32_t kind, bool with_uid);

/*
 * After a call: if r0 <op> imm (BPF_JEQ or BPF_JNE) the call failed; go to
 * label, first writing "<program>: <what> failed" to the trace pipe with -v bpf.
 */
void bf_gen_call_failed(struct bf_gen *g, int op, int32_t imm, bf_label label, const char *what);

/* r0 = the value of map fd at the key at fp + key_off; none: to miss. */
void bf_gen_map_lookup(struct bf_gen *g, int map_fd, int key_off, bf_label miss);

/* Counters (count.c). */
/* rule BF_STK_KEY's counters += { 1 packet, skb->len bytes } on this CPU */
void bf_gen_count_key(struct bf_gen *g);
/* rule index's counters += { 1 packet, skb->len bytes } on this CPU */
void bf_gen_count(struct bf_gen *g, unsigned int index);
/* At the end of a part's prologue: go and look its counters up. */
void bf_gen_count_start(struct bf_gen *g);
/* At the end of a part: the lookups bf_gen_count() needs, then back. */
void bf_gen_count_lookups(struct bf_gen *g);

/* Helpers for match and target generators. */
void bf_gen_exit(struct bf_gen *g, int verdict);
/* r1 = skb_headlen(skb): the bytes from skb->data a plain load may read */
void bf_gen_headlen(struct bf_gen *g);
/* fp + off .. + len = the bytes at r0 */
void bf_gen_copy_from_r0(struct bf_prog *p, int off, unsigned int len);
/*
 * dst = 0, in a way the verifier cannot follow: a double word of the IP
 * header minus itself is 0 to the CPU but an unknown number to the
 * verifier. Clobbers r2.
 */
void bf_gen_opaque_zero(struct bf_prog *p, int dst);
/* Reading the transport header (l4.c). */
/* Read len bytes of the transport header into BF_STK_L4; non-first fragments
 * go to nomatch, a packet too short to hold them to hotdrop. */
void bf_gen_load_l4(struct bf_gen *g, unsigned int len, bf_label nomatch, bf_label hotdrop);
/* Read r2 bytes of the transport header into BF_STK_L4, else to hotdrop. */
void bf_gen_read_l4(struct bf_gen *g, bf_label hotdrop);
/* Copy the first copy bytes of the transport header into BF_STK_L4 once the
 * packet is seen to hold need bytes of it (need >= copy), else to short_. */
void bf_gen_read_l4_fixed(struct bf_gen *g, unsigned int need, unsigned int copy, bf_label short_);
/* Does a rule of ir read the transport header? */
bool bf_gen_table_reads_l4(const struct xlate_ir *ir);
/* Before rule r of the chain itself: read the header once for it and the
 * rules after it, if r (or a chain it jumps to) may read it. */
void bf_gen_cache_l4(struct bf_gen *g, const struct xlate_rule *r);
/* BF_STK_DYNPTR = a read-only dynptr on the skb, else to fail */
void bf_gen_skb_dynptr(struct bf_gen *g, bf_label fail);
/*
 * dst = the u32 the prologue left at fp + off (BF_STK_THOFF, BF_STK_FRAGOFF,
 * BF_STK_SKBLEN) to branch on; see bf_gen_load_fact() in codegen.c.
 */
void bf_gen_load_fact(struct bf_gen *g, int dst, int off);
/* dst = a u16 in network order at fp+off, in host order */
void bf_gen_load_be16(struct bf_gen *g, int dst, int off);
/* r0 = the kernel address in reg, readable at any offset (kernel_btf.h); r1-r5 clobbered */
void bf_gen_bytes(struct bf_gen *g, int reg);
/*
 * dst = the pointer in field f of the kernel object in reg src, as a number
 * (0 if none), to read through bf_gen_bytes(); r0-r5 clobbered. A pointer to
 * a struct loaded through a BTF-typed pointer makes the verifier ask whether
 * that field is trusted: four walks of all the kernel's BTF types by name,
 * at every check of the load: twenty `-i` rules made every replacement of
 * their table 24 ms slower. Read as bytes, the pointer is a number.
 */
void bf_gen_load_kptr(struct bf_gen *g, int dst, int src, const struct bf_field *f);
/* A kernel field of the object in reg src: dst = src->field (bitfields too). */
void bf_gen_load_field(struct bf_gen *g, int dst, int src, const struct bf_field *f, int size);
/* (min <= reg <= max) ^ inv as u32, else to nomatch; [0, all] is elided. */
void bf_gen_range(struct bf_gen *g, int reg, uint32_t min, uint32_t max, uint32_t all, bool inv,
		  bf_label nomatch);
/* The same on the u16 in network order at fp+off, read only to be tested; r1 clobbered. */
void bf_gen_be16_range(struct bf_gen *g, int off, uint16_t min, uint16_t max, bool inv,
		       bf_label nomatch);
int bf_gen_unsupported(struct bf_gen *g, const char *kind, const char *name, unsigned int rev,
		       const char *why);

#endif /* BPFILTER_BPF_CODEGEN_H */
