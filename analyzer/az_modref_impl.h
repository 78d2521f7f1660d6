/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_MODREF_IMPL_H
#define AZ_MODREF_IMPL_H

/*
 * Layout of struct az_modref, shared by az_modref.c (building the index),
 * az_modref_acc.c (what one instruction accesses, folding, marking),
 * az_modref_ref.c (exact offsets into collapsed objects) and
 * az_modref_query.c (queries). Lists are CSR arrays: entries of key k are
 * v[start[k]] .. v[start[k + 1] - 1].
 */

#include <llvm-c/Target.h>

#include "az_modref.h"
#include "az_util.h"

/*
 * An access set: the (object, offset, length) accesses one pointer makes,
 * interned, since a program has many more accesses than distinct points-to
 * sets. Its locations are resolved once per role it is used in.
 */
struct az_aset {
	uint32_t raw, n_raw;		/* in raw[] */
	uint32_t rloc, n_rloc;		/* in locids[], as read */
	uint32_t wloc, n_wloc;		/* in locids[], as written */
	uint32_t hash;
	bool used_r, used_w;
};

/* Accesses of one per-packet instruction: its uses of access sets. */
struct az_acc_rec {
	uint32_t vid;
	uint32_t use, n_use;		/* in uses[] */
	bool wild;
};

/* What az_mr_inst_access() collects for one instruction: accesses in
 * groups, one group per pointer and role. */
struct az_sink_grp {
	uint32_t first, n;
	bool wr;
};

struct az_acc_sink {
	struct az_access *v;
	size_t n, cap;
	struct az_sink_grp *g;
	size_t ng, cap_g;
	bool wild;
};

struct az_csite_tmp {
	struct {
		uint32_t fn;
		struct az_csite cs;
	} *v;
	size_t n, cap;
};

/* Collects location ids while an access is resolved. */
struct az_resolve {
	const struct az_modref *mr;
	struct az_u32vec *out;
	uint32_t first;
	size_t n;
	bool err;
};

/* Memo of az_mr_refine(), per vid: state, and the targets in pool. */
struct az_refmemo {
	uint8_t *state;			/* AZ_REF_* */
	uint32_t *at;
	uint8_t *n;
	struct az_ploc *pool;
	size_t n_pool, cap_pool;
};

#define AZ_REF_UNKNOWN	0
#define AZ_REF_BUSY	1
#define AZ_REF_FAILED	2
#define AZ_REF_DONE	3
/* More targets than this: not worth refining. */
#define AZ_REF_MAX	16

struct az_modref {
	struct az_module *m;
	const struct az_pta *pta;
	const struct az_cg *cg;
	LLVMTargetDataRef td;
	/* values: arguments and instructions of defined functions */
	struct az_ptrmap vmap;
	LLVMValueRef *vals;
	size_t n_vals, cap_vals;
	struct az_u32vec val_fn;
	struct az_u32vec val_blk;	/* UINT32_MAX for arguments */
	/* blocks, contiguous per function */
	struct az_ptrvec blks;
	struct az_u32vec blk_fn;
	uint32_t *fn_first_blk;
	uint8_t *fn_pp;			/* per-packet code in the function */
	uint8_t *blk_pp;
	size_t n_pp_fns;
	/* per function: returns and call sites (CSR) */
	uint32_t *ret_start, *rets;
	uint32_t *cs_start;
	struct az_csite *cs;
	/* accesses of per-packet instructions */
	uint32_t *acc_of;		/* vid -> accs index, UINT32_MAX */
	struct az_acc_rec *accs;
	size_t n_accs, cap_accs;
	struct az_use *uses;
	size_t n_uses, cap_uses;
	struct az_aset *sets;
	size_t n_sets, cap_sets;
	uint32_t *set_tab;		/* hash table of set ids */
	size_t set_tab_cap;
	struct az_access *raw;
	size_t n_raw, cap_raw;
	uint32_t *locids;
	size_t n_locids;
	/* locations, sorted by (object, offset); ANY last per object */
	struct az_mloc *locs;
	size_t n_locs;
	uint32_t *obj_first, *obj_n;
	uint8_t *loc_escaped;
	/* per location: the sets that read / write it; per set: the
	 * instructions that read / write through it (CSR) */
	uint32_t *lr_start, *lr_v, *lw_start, *lw_v;
	uint32_t *sr_start, *sr_v, *sw_start, *sw_v;
	struct az_u32vec wild;
	/* sa_table parts: (table object, key or value object) pairs */
	struct az_u32vec part_tbl, part_obj;
	struct az_refmemo *ref;
	/* per object: packet bytes (the packet, receive buffers) */
	uint8_t *obj_pkt;
};

struct az_reflist {
	struct az_ploc v[AZ_REF_MAX];
	size_t n;
};

/* True with @p ref filled when pointer @p ptr, which the pointer analysis
 * says may be anywhere in a collapsed object (@p pts), has exact targets
 * in the objects of @p pts (az_modref_ref.c). */
bool az_mr_exact(const struct az_modref *mr, LLVMValueRef ptr,
		 const struct az_locset *pts, struct az_reflist *ref);
/* Folded offset of byte @p off of object @p o, AZ_OFF_ANY if outside. */
uint64_t az_mr_norm(const struct az_modref *mr, az_obj_t o, uint64_t off);

/* The accesses of @p inst (any instruction) into @p s; @p pts is scratch.
 * @return 0 or -ENOMEM. */
int az_mr_inst_access(const struct az_modref *mr, LLVMValueRef inst,
		      struct az_acc_sink *s, struct az_locset *pts);
/* Records @p s as the accesses of per-packet instruction @p vid,
 * interning its groups as access sets. */
int az_mr_store_rec(struct az_modref *mr, uint32_t vid,
		    struct az_acc_sink *s);
void az_sink_fini(struct az_acc_sink *s);
/* Location ids the accesses cover, sorted and unique, into @p out. */
int az_mr_resolve(const struct az_modref *mr, const struct az_access *acc,
		  size_t n, bool wr, struct az_u32vec *out);
/* Id of location (@p o, @p off), UINT32_MAX if absent. */
uint32_t az_mr_find(const struct az_modref *mr, az_obj_t o, uint64_t off);
void az_resolve_push(struct az_resolve *rs, uint32_t loc);
void az_u32_sort_unique(struct az_u32vec *v);

#endif /* AZ_MODREF_IMPL_H */
