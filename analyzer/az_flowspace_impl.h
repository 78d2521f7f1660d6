/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_FLOWSPACE_IMPL_H
#define AZ_FLOWSPACE_IMPL_H

/*
 * State of the flowspace analysis, shared by az_flowspace.c (propagation)
 * and az_flowspace_hdr.c (which loads read which header fields).
 */

#include <llvm-c/Target.h>

#include "az_flowspace.h"
#include "az_util.h"

struct az_fs {
	const struct az_modref *mr;
	struct az_result *r;
	struct az_module *m;
	const struct az_pta *pta;
	LLVMTargetDataRef td;
	az_hdrset_t *vt, *lt;		/* per vid / per location */
	uint8_t *vq_in, *lq_in;
	/* per function: its body is replaced by its model (parsers, the
	 * sa_table library and what only they call) */
	uint8_t *skip;
	/* per function: pure (AZ_PURE) and which parameters reach its
	 * result (az_flowspace_call.c) */
	uint64_t *pure;
	/* per function: its model, or NULL (looked up by name once) */
	const struct az_model **model_of;
	/* taints of the arguments of the call being bound, valid while
	 * n_val_changes (values whose taint grew) is argt_stamp */
	az_hdrset_t *argt;
	size_t cap_argt;
	uint64_t n_val_changes, argt_stamp;
	/* per vid: a load's source fields (AZ_SRC_DONE once found); the
	 * taint an access or GEP has already selected its objects by */
	az_hdrset_t *src, *sel;
	uint8_t *set_pkt;		/* per access set: may touch packet */
	/* per access set: the taint of the non-packet locations it reads
	 * (az_fs_loc() keeps it, az_fs_reads() ORs it) */
	az_hdrset_t *set_rt;
	/* az_fs_source_at() results by all of its arguments: the walk
	 * back through parameters fans out to every call site at every
	 * level, exponential in the depth without it. */
	struct az_fs_memo *memo;
	size_t n_memo, cap_memo;
	bool trunc;			/* the current walk was cut short */
	/* Walks of the current question, and whether it ran out of them
	 * (az_flowspace_hdr.c); questions that did, most walks taken. */
	size_t steps;
	bool cut;
	size_t n_cut, max_steps;
	struct az_u32vec vq, lq;
	struct az_u32vec tmp;
	struct az_locset pts;
	int err;
};

#define AZ_SRC_DONE	((az_hdrset_t)1u << 31)
_Static_assert(AZ_HDR_COUNT < 31, "AZ_SRC_DONE is not a header field");

/* The header fields @p size bytes at @p ptr are (AZ_HDR_BIT set), from
 * the type they are read through, or, when they may be packet bytes
 * (@p packet), their offset in the frame; payload for other packet
 * bytes. */
az_hdrset_t az_fs_source(struct az_fs *s, LLVMValueRef ptr, uint64_t size,
			 bool packet);

/* Bytes of the type pointer @p ptr was cast from (a key's declared
 * type), AZ_LOC_UNKNOWN_LEN when it has none. */
uint64_t az_fs_pointee_size(struct az_fs *s, LLVMValueRef ptr);

/* Frees the source memo. */
void az_fs_source_fini(struct az_fs *s);

/* az_flowspace.c: taint of values and locations, and selection. */
void az_fs_val(struct az_fs *s, uint32_t vid, az_hdrset_t t);
void az_fs_loc(struct az_fs *s, az_loc_t l, az_hdrset_t t);
az_hdrset_t az_fs_of(struct az_fs *s, LLVMValueRef v);
az_hdrset_t az_fs_reads(struct az_fs *s, uint32_t vid);
void az_fs_writes(struct az_fs *s, uint32_t vid, az_hdrset_t t);
bool az_fs_reads_packet(struct az_fs *s, uint32_t vid);
/* How an object is selected, best reason first. */
enum az_sel {
	AZ_SEL_KEYED = 0,	/* by a table key */
	AZ_SEL_INDEXED,		/* by an array index / pointer offset */
	AZ_SEL_ACCESSED,	/* through a pointer so selected */
};

/* Selects by @p t the objects instruction @p vid accesses / those @p ptr
 * may point to (a GEP's base, a table argument); once per new bit of
 * each instruction. */
void az_fs_select(struct az_fs *s, uint32_t vid, az_hdrset_t t,
		  enum az_sel how);
void az_fs_select_ptr(struct az_fs *s, uint32_t vid, LLVMValueRef ptr,
		      az_hdrset_t t, enum az_sel how);

/* az_flowspace_call.c: calls, returns and copies. */
void az_fs_call(struct az_fs *s, uint32_t vid, LLVMValueRef call);
void az_fs_ret(struct az_fs *s, uint32_t vid, LLVMValueRef ret);
/* Finds the pure functions (after the skipped ones are known). */
void az_fs_pure(struct az_fs *s);

#endif /* AZ_FLOWSPACE_IMPL_H */
