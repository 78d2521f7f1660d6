/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_PTA_IMPL_H
#define AZ_PTA_IMPL_H

/*
 * Internals of the pointer analysis, shared by its files:
 *   az_pta_set.c    points-to sets (sorted sparse bitmaps)
 *   az_pta.c        objects, locations, nodes, the run
 *   az_pta_layout.c offsets normalized by type, heap type inference
 *   az_pta_query.c  queries
 *   az_pta_cons.c   constraints from instructions and constants
 *   az_pta_copy.c   memcpy constraints
 *   az_pta_call.c   constraints from calls: binding, models, externals
 *   az_pta_roots.c  escaped memory and the roots the outside world calls
 *   az_pta_solve.c  the solver
 *   az_pta_pwc.c    cycles of nonzero offset (pointer walks)
 *
 * Graph: every tracked value has a node; every location (object, offset)
 * has a node holding what the memory there may point to. Points-to sets
 * hold location indices (dense, 0..n_locs-1), not node ids, so that sets
 * stay small. Copy edges (pts(dst) >= pts(src)) are successor lists;
 * everything else is a complex constraint attached to the node whose
 * points-to set drives it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "az_pta.h"
#include "az_util.h"

#define AZ_NODE_NONE	UINT32_MAX
#define AZ_LOC_NONE	UINT32_MAX

/* --- points-to sets ------------------------------------------------ */

/* One 64-bit word of a sparse bitmap: elements idx*64 .. idx*64+63. */
struct az_bword {
	uint64_t bits;
	uint32_t idx;
};

/* Words sorted by idx; no zero words. */
struct az_bits {
	struct az_bword *v;
	uint32_t n;
	uint32_t cap;
};

bool az_bits_set(struct az_bits *b, uint32_t x);
bool az_bits_test(const struct az_bits *b, uint32_t x);
/* dst |= src; true if dst changed. */
bool az_bits_or(struct az_bits *dst, const struct az_bits *src);
/* out = a & ~b (out is overwritten). */
void az_bits_diff(struct az_bits *out, const struct az_bits *a,
		  const struct az_bits *b);
/* a &= b. */
void az_bits_and(struct az_bits *a, const struct az_bits *b);
void az_bits_copy(struct az_bits *dst, const struct az_bits *src);
bool az_bits_empty(const struct az_bits *b);
bool az_bits_equal(const struct az_bits *a, const struct az_bits *b);
size_t az_bits_count(const struct az_bits *b);
void az_bits_clear(struct az_bits *b);
void az_bits_free(struct az_bits *b);
/* Runs body with x set to each element, in increasing order. */
#define AZ_BITS_FOREACH(b, x, body)					\
	do {								\
		uint32_t az_i_;						\
		for (az_i_ = 0; az_i_ < (b)->n; az_i_++) {		\
			uint64_t az_w_ = (b)->v[az_i_].bits;		\
			while (az_w_ != 0) {				\
				(x) = (b)->v[az_i_].idx * 64u +		\
				      (uint32_t)__builtin_ctzll(az_w_);	\
				az_w_ &= az_w_ - 1;			\
				body					\
			}						\
		}							\
	} while (0)

/* --- objects and locations ----------------------------------------- */

struct az_field_ref {
	uint64_t off;
	uint32_t loc;
};

struct az_obj {
	struct az_obj_info info;
	/* Locations by normalized offset, sorted; a collapsed object has
	 * exactly one, at AZ_OFF_ANY. */
	struct az_field_ref *fields;
	uint32_t n_fields;
	uint32_t cap_fields;
	/* Constraints to re-run when a location is added (memcpy sources). */
	struct az_u32vec watch;
	uint32_t last_watch;	/* the last one added, checked first */
	/* Type found after solving (heap objects typed by a cast): names
	 * fields, but offsets stay raw as they were solved. */
	bool raw;
	/* Locations flagged GEPs (az_pta_pwc.c) have made in it. */
	uint32_t walked;
	/* Table objects: their keys and values objects. */
	az_obj_t keys;
	az_obj_t values;
};

struct az_loc {
	az_obj_t obj;
	uint32_t node;
	uint64_t off;
};

/* --- constraints --------------------------------------------------- */

enum az_cons_kind {
	AZ_C_LOAD = 0,		/* b >= *a */
	AZ_C_STORE,		/* *a >= b */
	AZ_C_GEP,		/* b >= a + off (+ variable multiples of stride) */
	AZ_C_ICALL,		/* call through a: bind targets (call index x) */
	AZ_C_EFFECT,		/* model effect x of call y: re-evaluated whole */
	AZ_C_ESCAPE_WATCH,	/* on the escape node: escape what enters it */
	AZ_C_MEMCPY,		/* *a >= *b field by field, len off bytes */
};

struct az_cons {
	uint8_t kind;
	/* GEP: its node lies on a cycle whose offsets do not sum to zero
	 * (az_pta_pwc.c), so it walks flat objects off their end. */
	uint8_t pwc;
	uint32_t a;		/* driving node */
	uint32_t b;		/* other node */
	uint32_t x;		/* call index (ICALL, EFFECT) */
	uint32_t y;		/* effect index (EFFECT) */
	int64_t off;		/* GEP constant part */
	uint64_t stride;	/* GEP variable index stride, 0 none, and
				   AZ_STRIDE_ANY for unknown arithmetic */
	LLVMValueRef inst;	/* what it comes from, for messages */
	const struct az_model *model;	/* EFFECT: whose effect y */
};

/* What a memcpy constraint has already copied: the sources and
 * destinations it has seen, so that a re-run pairs only new ones. */
struct az_mcstate {
	struct az_bits src;
	struct az_bits dst;
	/* Sources from collapsed objects that held no pointer yet: paired
	 * once they do (their content node triggers the constraint). */
	struct az_bits deferred;
};

#define AZ_STRIDE_ANY	UINT64_MAX

/* Complex-constraint side of a node, allocated for the few that have
 * one. */
struct az_nodecx {
	struct az_u32vec cons;
	struct az_bits done;	/* elements already seen by cons */
};

/* Destination fields of one memcpy cross (az_pta_copy.c). */
struct az_fdst {
	size_t first;		/* in fdst_pool */
	size_t count;
	uint32_t n_fields;	/* of the object, when made */
	bool collapsed;
};

/* --- calls --------------------------------------------------------- */

struct az_call {
	LLVMValueRef inst;
	const struct az_model *model;	/* direct call to a modelled fn */
	/* Functions it may call (defined and declared), unique. */
	struct az_ptrvec targets;
	struct az_ptrmap target_set;
	bool unresolved;
	bool unknown_bound;	/* unknown-code effects applied once */
	bool tables_made;	/* OUT_TABLE objects created */
	az_obj_t heap;		/* RET/OUT_ALLOC object, or NONE */
};

/* --- the analysis -------------------------------------------------- */

struct az_pta {
	struct az_module *m;
	LLVMModuleRef mod;
	LLVMTargetDataRef td;
	struct az_pta_opts opts;
	struct az_strpool strs;

	struct az_obj *objs;
	size_t n_objs;
	size_t cap_objs;
	struct az_ptrmap obj_of_site;
	struct az_ptrmap libstatic_of;	/* model name -> object */
	struct az_ptrmap varargs_of;	/* function -> object */
	az_obj_t packet;
	az_obj_t unknown;
	az_obj_t env;			/* runtime memory, points to itself */
	az_obj_t pktdesc;		/* sa_pkt / rte_mbuf: leads to packet */

	struct az_loc *locs;
	size_t n_locs;
	size_t cap_locs;

	/* Nodes. */
	uint32_t n_nodes;
	uint32_t cap_nodes;
	uint32_t *rep;			/* union-find parent */
	uint32_t *loc_of;		/* location index, or AZ_LOC_NONE */
	struct az_bits *pts;
	struct az_bits *old;		/* already pushed along copy edges */
	struct az_u32vec *succ;		/* copy edges */
	/* Per node: succ[] entries before this index have been given the
	 * node's set; later ones are new and get the whole set at the next
	 * propagation (after cycle collapsing, which often makes them
	 * self-loops). */
	uint32_t *nold;
	struct az_nodecx **cx;

	struct az_cons *cons;
	size_t n_cons;
	size_t cap_cons;

	struct az_ptrmap node_of;	/* value -> node */
	struct az_ptrmap ret_of;	/* function -> return node */
	struct az_ptrmap tracked_int;	/* integers carrying a pointer */
	struct az_ptrmap const_node_of;	/* object -> node pointing to it */

	struct az_call *calls;
	size_t n_calls;
	size_t cap_calls;
	struct az_ptrmap call_of;	/* call instruction -> index */

	uint32_t esc;			/* escape node: reachable by unknown code */
	LLVMValueRef cur_inst;		/* instruction being translated */

	struct az_approx *approx;
	size_t n_approx;
	size_t cap_approx;

	/* Types of untyped heap objects found by a first run. */
	const struct az_ptrvec *hints;
	const struct az_ptrmap *hint_of;

	/* Caches: normalized offsets by (type, offset); (object, memcpy)
	 * watch registrations. */
	struct az_pairmap norm_cache;
	struct az_pairmap at_cache;	/* (location, offset) -> location */
	struct az_pairmap watched;
	/* memcpy constraints: state by constraint id, and (id, object)
	 * pairs to redo because the object got a location. */
	struct az_ptrmap mc_of;
	struct az_mcstate *mcs;
	size_t n_mcs;
	size_t cap_mcs;
	struct az_u32vec mc_redo;

	/* Solver. */
	struct az_u32vec cx_nodes;	/* nodes with complex constraints */
	struct az_u32vec pending;	/* EFFECT constraints to re-run */
	uint8_t *pending_mark;		/* per constraint: queued */
	size_t cap_pending_mark;
	bool edges_added;
	bool changed;
	struct az_bits tmp;
	struct az_bits tmp_gep;
	/* GEP results of one node's pass, by (offset, stride): many
	 * field accesses through one pointer share an offset. Entries of
	 * older passes are told apart by the generation in their value. */
	struct az_pairmap gep_memo;
	uint32_t gep_gen;
	struct az_bits *gep_res;
	size_t n_gep_res;
	size_t cap_gep_res;
	struct az_u32vec gep_buf;	/* GEP targets before sorting */
	/* A GEP made a new location in a flat object: look for cycles of
	 * nonzero offset before the next wave. */
	bool pwc_check;
	struct az_bits tmp_mc;
	/* Field lists of a memcpy pair: source, destination. */
	struct az_field_ref *fbuf[2];
	size_t fcap[2];
	/* Destination field lists of the current memcpy cross, by
	 * location (values carry the cross's generation). */
	struct az_pairmap fdst_of;
	uint32_t fdst_gen;
	struct az_fdst *fdst;
	size_t n_fdst;
	size_t cap_fdst;
	struct az_field_ref *fdst_pool;
	size_t n_fdst_pool;
	size_t cap_fdst_pool;
	/* What fbuf[0] holds: the fields of source location loc for a
	 * copy of len bytes, while its object had n_fields (az_pta_copy.c). */
	struct {
		uint32_t loc;
		uint32_t n_fields;
		uint64_t len;
		size_t count;
		bool collapsed;
		bool valid;
	} fsrc;
	struct az_pta_stats stats;
};

/* az_pta.c */
az_obj_t az_pta_new_obj(struct az_pta *p, enum az_obj_kind kind,
			LLVMValueRef site, LLVMValueRef func, LLVMTypeRef type);
uint32_t az_pta_loc(struct az_pta *p, az_obj_t o, uint64_t off);
uint32_t az_pta_new_node(struct az_pta *p);
uint32_t az_pta_find(struct az_pta *p, uint32_t n);
uint32_t az_pta_node(struct az_pta *p, LLVMValueRef v);
uint32_t az_pta_ret_node(struct az_pta *p, LLVMValueRef fn);
uint32_t az_pta_obj_node(struct az_pta *p, az_obj_t o, uint64_t off);
/* The location @p off bytes after location @p loc (in the same object,
 * collapsing it when that leaves the object). */
uint32_t az_pta_loc_at(struct az_pta *p, uint32_t loc, int64_t off,
		       LLVMValueRef why);
void az_pta_collapse(struct az_pta *p, az_obj_t o, LLVMValueRef why);
uint64_t az_pta_norm(struct az_pta *p, az_obj_t o, uint64_t off);
/* True if offsets into @p o are not folded by a type: they only stay
 * what they are or leave the object (untyped, unsized, raw). */
bool az_pta_flat(const struct az_pta *p, az_obj_t o);
bool az_pta_folds(struct az_pta *p, az_obj_t o, uint64_t off,
		  uint64_t stride);
/* az_pta_layout.c: types untyped heap objects by the casts of pointers
 * to them; with @p hints, records them for a second run. Returns how
 * many objects got a type. */
size_t az_pta_infer_types(struct az_pta *p, struct az_ptrvec *hints,
			  struct az_ptrmap *hint_of);
/* Gives untyped heap object @p o the type a first run found for it. */
void az_pta_hint_type(struct az_pta *p, az_obj_t o);
void az_pta_add_approx(struct az_pta *p, enum az_approx_kind kind,
		       const char *what, LLVMValueRef where,
		       const char *effect);
bool az_pta_type_has_ptr(LLVMTypeRef ty);
int az_pta_nomem(struct az_pta *p);

/* az_pta_solve.c */
/* Attaches existing constraint @p id to @p node as well. */
void az_pta_attach(struct az_pta *p, uint32_t node, uint32_t id);
/* Unites the nodes of @p a and @p b (their representatives). */
void az_pta_merge(struct az_pta *p, uint32_t a, uint32_t b);
void az_pta_add_edge(struct az_pta *p, uint32_t from, uint32_t to);
void az_pta_add_pts(struct az_pta *p, uint32_t node, uint32_t loc);
uint32_t az_pta_add_cons(struct az_pta *p, const struct az_cons *c);
void az_pta_trigger(struct az_pta *p, uint32_t cons);
int az_pta_solve(struct az_pta *p);
/* az_pta_pwc.c: flags the GEP constraints of nodes on a cycle of
 * nonzero offset. @return 0 or -ENOMEM. */
int az_pta_pwc(struct az_pta *p);

/* az_pta_cons.c, az_pta_copy.c */
az_obj_t az_pta_fn_obj(struct az_pta *p, LLVMValueRef fn);
/* A node pointing to (@p o, @p off), shared per object at offset 0. */
uint32_t az_pta_addr_node(struct az_pta *p, az_obj_t o, uint64_t off);
/* dst >= memcpy from src, @p len bytes (AZ_OFF_ANY: unknown). */
void az_pta_memcpy_cons(struct az_pta *p, uint32_t dst, uint32_t src,
			uint64_t len);
void az_pta_run_memcpy(struct az_pta *p, uint32_t cons);
/* True if node @p n no longer needs to run memcpy @p cons: it is neither
 * end of it, nor the contents of a source still waiting to hold a
 * pointer (those attach the memcpy to their node until they do). */
bool az_pta_memcpy_done_with(struct az_pta *p, uint32_t cons, uint32_t n);
/* Re-copies what object @p o holds for memcpy @p cons (o got a new
 * location). */
void az_pta_redo_memcpy(struct az_pta *p, uint32_t cons, az_obj_t o);
int az_pta_gen_globals(struct az_pta *p);
/* If @p v is an integer carrying a pointer that leaves the function
 * (stored, passed, returned): treats it as such and records it. */
bool az_pta_int_escapes(struct az_pta *p, LLVMValueRef v);
int az_pta_gen_function(struct az_pta *p, LLVMValueRef fn);
uint32_t az_pta_const_node(struct az_pta *p, LLVMValueRef c);
void az_pta_gep_cons(struct az_pta *p, uint32_t src, uint32_t dst,
		     int64_t off, uint64_t stride);

/* az_pta_call.c, az_pta_roots.c */
int az_pta_gen_call(struct az_pta *p, LLVMValueRef call);
void az_pta_bind(struct az_pta *p, uint32_t call, LLVMValueRef fn);
void az_pta_run_effect(struct az_pta *p, uint32_t cons);
void az_pta_escape_obj(struct az_pta *p, az_obj_t o);
int az_pta_bind_roots(struct az_pta *p);
az_obj_t az_pta_varargs_obj(struct az_pta *p, LLVMValueRef fn);
/* The runtime-owned packet descriptor (sa_pkt, rte_mbuf). */
az_obj_t az_pta_pktdesc_obj(struct az_pta *p);

#endif /* AZ_PTA_IMPL_H */
