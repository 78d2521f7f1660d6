/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flowspace sources: which header fields a load reads. Three ways to
 * tell: the struct type the address is computed from (header structs of
 * this project, of the C library and of DPDK, at byte ranges that do not
 * depend on their member names), the members of struct sa_parsed that
 * sa_parse() fills from header fields, and constant offsets from the start
 * of a frame for code that indexes raw bytes.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_flowspace_impl.h"

#define AZ_WALK_MAX	32
/*
 * Steps (walks started, memoized or not) one question may take. Through
 * parameters the walk goes to every call site, and the span it carries
 * differs along each path, so in a big program with printers called from
 * everywhere (a dissector's) the walks of one load run into the billions.
 * Past this many, the question ends as a walk cut short by AZ_WALK_MAX
 * does (payload bytes). With the memo, the in-tree middleboxes and small
 * real programs (p0f, iftop, ngrep) take at most 71.
 */
#define AZ_SOURCE_STEPS_MAX	20000
#define AZ_NAME_MAX	256

enum az_hdr_kind {
	AZ_HK_NONE = 0, AZ_HK_ETH, AZ_HK_VLAN, AZ_HK_IPV4, AZ_HK_IPV6,
	AZ_HK_TCP, AZ_HK_UDP, AZ_HK_ICMP, AZ_HK_FRAME, AZ_HK_PARSED,
};

struct az_hdr_name {
	const char *tag;
	enum az_hdr_kind kind;
};

static const struct az_hdr_name az_hdr_names[] = {
	{ "sa_eth_hdr", AZ_HK_ETH }, { "ether_header", AZ_HK_ETH },
	{ "ethhdr", AZ_HK_ETH }, { "rte_ether_hdr", AZ_HK_ETH },
	{ "sa_vlan_hdr", AZ_HK_VLAN }, { "vlan_hdr", AZ_HK_VLAN },
	{ "rte_vlan_hdr", AZ_HK_VLAN },
	{ "sa_ipv4_hdr", AZ_HK_IPV4 }, { "ip", AZ_HK_IPV4 },
	{ "iphdr", AZ_HK_IPV4 }, { "rte_ipv4_hdr", AZ_HK_IPV4 },
	{ "sa_ipv6_hdr", AZ_HK_IPV6 }, { "ip6_hdr", AZ_HK_IPV6 },
	{ "ipv6hdr", AZ_HK_IPV6 }, { "rte_ipv6_hdr", AZ_HK_IPV6 },
	{ "sa_tcp_hdr", AZ_HK_TCP }, { "tcphdr", AZ_HK_TCP },
	{ "rte_tcp_hdr", AZ_HK_TCP },
	{ "sa_udp_hdr", AZ_HK_UDP }, { "udphdr", AZ_HK_UDP },
	{ "rte_udp_hdr", AZ_HK_UDP },
	{ "sa_icmp_hdr", AZ_HK_ICMP }, { "icmphdr", AZ_HK_ICMP },
	{ "icmp", AZ_HK_ICMP }, { "icmp6_hdr", AZ_HK_ICMP },
	{ "rte_icmp_hdr", AZ_HK_ICMP },
	{ "sa_parsed", AZ_HK_PARSED },
};

/* Byte ranges of the flow-identifying fields of each header. The frame
 * layout is Ethernet, IPv4 without options, then TCP / UDP / ICMP. */
struct az_hdr_range {
	enum az_hdr_kind kind;
	uint8_t lo, hi;
	az_hdrset_t fields;
};

#define AZ_R(k, lo, hi, f)	{ AZ_HK_##k, lo, hi, AZ_HDR_BIT(f) }
static const struct az_hdr_range az_hdr_ranges[] = {
	AZ_R(ETH, 0, 6, ETH_DST), AZ_R(ETH, 6, 12, ETH_SRC),
	AZ_R(ETH, 12, 14, ETH_TYPE), AZ_R(VLAN, 0, 2, VLAN_TCI),
	AZ_R(IPV4, 1, 2, IPV4_TOS), AZ_R(IPV4, 4, 6, IPV4_ID),
	AZ_R(IPV4, 8, 9, IPV4_TTL), AZ_R(IPV4, 9, 10, IPV4_PROTO),
	AZ_R(IPV4, 12, 16, IPV4_SRC), AZ_R(IPV4, 16, 20, IPV4_DST),
	AZ_R(IPV6, 0, 4, IPV6_FLOW), AZ_R(IPV6, 6, 7, IPV6_NEXT),
	AZ_R(IPV6, 8, 24, IPV6_SRC), AZ_R(IPV6, 24, 40, IPV6_DST),
	AZ_R(TCP, 0, 2, L4_SPORT), AZ_R(TCP, 2, 4, L4_DPORT),
	AZ_R(TCP, 4, 8, TCP_SEQ), AZ_R(TCP, 8, 12, TCP_ACK),
	AZ_R(TCP, 13, 14, TCP_FLAGS), AZ_R(TCP, 14, 16, TCP_WIN),
	AZ_R(UDP, 0, 2, L4_SPORT), AZ_R(UDP, 2, 4, L4_DPORT),
	AZ_R(ICMP, 0, 1, ICMP_TYPE), AZ_R(ICMP, 1, 2, ICMP_CODE),
	AZ_R(ICMP, 4, 6, ICMP_ID),
	AZ_R(FRAME, 0, 6, ETH_DST), AZ_R(FRAME, 6, 12, ETH_SRC),
	AZ_R(FRAME, 12, 14, ETH_TYPE), AZ_R(FRAME, 15, 16, IPV4_TOS),
	AZ_R(FRAME, 18, 20, IPV4_ID), AZ_R(FRAME, 22, 23, IPV4_TTL),
	AZ_R(FRAME, 23, 24, IPV4_PROTO), AZ_R(FRAME, 26, 30, IPV4_SRC),
	AZ_R(FRAME, 30, 34, IPV4_DST), AZ_R(FRAME, 34, 36, L4_SPORT),
	AZ_R(FRAME, 34, 35, ICMP_TYPE), AZ_R(FRAME, 35, 36, ICMP_CODE),
	AZ_R(FRAME, 36, 38, L4_DPORT), AZ_R(FRAME, 38, 42, TCP_SEQ),
	AZ_R(FRAME, 38, 40, ICMP_ID), AZ_R(FRAME, 42, 46, TCP_ACK),
	AZ_R(FRAME, 47, 48, TCP_FLAGS), AZ_R(FRAME, 48, 50, TCP_WIN),
};
#undef AZ_R

/* Past the longest header of the frame layout: application data. */
#define AZ_FRAME_PAYLOAD	54

/* Members of struct sa_parsed that carry header fields; the rest are
 * offsets and lengths, which select no flow. */
static const struct {
	const char *member;
	az_hdrset_t fields;
} az_parsed_members[] = {
	{ "l4_proto", AZ_HDR_BIT(IPV4_PROTO) | AZ_HDR_BIT(IPV6_NEXT) },
	{ "ether_type", AZ_HDR_BIT(ETH_TYPE) },
	{ "vlan_tci[]", AZ_HDR_BIT(VLAN_TCI) },
};

static enum az_hdr_kind
az_hdr_kind_of(LLVMTypeRef ty)
{
	const char *name, *dot;
	size_t i, len;

	if (LLVMGetTypeKind(ty) != LLVMStructTypeKind ||
	    (name = LLVMGetStructName(ty)) == NULL)
		return AZ_HK_NONE;
	if (strncmp(name, "struct.", 7) == 0)
		name += 7;
	else if (strncmp(name, "union.", 6) == 0)
		name += 6;
	/* The linker renames clashing types "x.12". */
	dot = strchr(name, '.');
	len = dot != NULL ? (size_t)(dot - name) : strlen(name);
	for (i = 0; i < sizeof(az_hdr_names) / sizeof(az_hdr_names[0]); i++)
		if (strlen(az_hdr_names[i].tag) == len &&
		    strncmp(az_hdr_names[i].tag, name, len) == 0)
			return az_hdr_names[i].kind;
	return AZ_HK_NONE;
}

static az_hdrset_t
az_hdr_fields(enum az_hdr_kind kind, uint64_t lo, uint64_t hi)
{
	az_hdrset_t fs = 0;
	size_t i;

	for (i = 0; i < sizeof(az_hdr_ranges) / sizeof(az_hdr_ranges[0]); i++)
		if (az_hdr_ranges[i].kind == kind &&
		    az_hdr_ranges[i].lo < hi && lo < az_hdr_ranges[i].hi)
			fs |= az_hdr_ranges[i].fields;
	if (kind == AZ_HK_FRAME && hi > AZ_FRAME_PAYLOAD)
		fs |= AZ_HDR_BIT(PAYLOAD);
	return fs;
}

static az_hdrset_t
az_parsed_fields(struct az_fs *s, LLVMTypeRef ty, uint64_t off)
{
	const struct az_type *t = az_module_ir_type(s->m, ty);
	char name[AZ_NAME_MAX];
	size_t i;

	if (az_type_field_at(t, off, name, sizeof(name), NULL, NULL) != 0)
		return 0;
	for (i = 0; i < sizeof(az_parsed_members) /
			sizeof(az_parsed_members[0]); i++)
		if (strcmp(az_parsed_members[i].member, name) == 0)
			return az_parsed_members[i].fields;
	return 0;
}

/* Bytes [lo, hi) relative to a pointer; unbounded: anywhere from it on,
 * as far as pointer arithmetic may go (which C confines to the array the
 * pointer points into, once that array is known). */
struct az_span {
	int64_t lo, hi;
	bool unbounded;
};

static az_hdrset_t
az_typed_fields(struct az_fs *s, LLVMTypeRef pointee,
		const struct az_span *sp, bool *found)
{
	enum az_hdr_kind k = az_hdr_kind_of(pointee);
	int64_t lo = sp->lo, hi = sp->hi;

	*found = k != AZ_HK_NONE;
	if (!*found)
		return 0;
	if (sp->unbounded || lo < 0) {
		lo = 0;
		hi = (int64_t)LLVMABISizeOfType(s->td, pointee);
	}
	if (k == AZ_HK_PARSED)
		return az_parsed_fields(s, pointee, (uint64_t)lo);
	return az_hdr_fields(k, (uint64_t)lo, (uint64_t)hi);
}

/*
 * Moves @p sp from a GEP's result to its base. Constant indices shift it;
 * a variable array index widens it over the array; a variable first
 * index (pointer arithmetic on the base) makes it unbounded. When the GEP
 * points into an array member, an unbounded span is clamped to it.
 * @return false if a type is not sized.
 */
static bool
az_span_gep(struct az_fs *s, LLVMValueRef gep, struct az_span *sp)
{
	LLVMTypeRef ty = LLVMGetGEPSourceElementType(gep), et;
	unsigned int i, n = (unsigned int)LLVMGetNumOperands(gep);
	int64_t lo = 0, hi = 0, es, arr_lo = 0, arr_len = -1;
	LLVMValueRef idx;

	for (i = 1; i < n; i++) {
		idx = LLVMGetOperand(gep, i);
		if (i == 1 || LLVMGetTypeKind(ty) != LLVMStructTypeKind) {
			et = i == 1 ? ty : LLVMGetElementType(ty);
			if (!LLVMTypeIsSized(et))
				return false;
			es = (int64_t)LLVMABISizeOfType(s->td, et);
			arr_len = i == 1 ? -1 :
				  (int64_t)LLVMGetArrayLength(ty) * es;
			arr_lo = lo;
			if (LLVMIsAConstantInt(idx) != NULL) {
				lo += LLVMConstIntGetSExtValue(idx) * es;
				hi += LLVMConstIntGetSExtValue(idx) * es;
			} else if (i == 1 || arr_len <= 0) {
				sp->unbounded = true;
			} else {
				hi += arr_len - es;
			}
			if (i != 1)
				ty = et;
			continue;
		}
		if (LLVMIsAConstantInt(idx) == NULL)
			return false;
		lo += (int64_t)LLVMOffsetOfElement(s->td, ty,
				(unsigned int)LLVMConstIntGetZExtValue(idx));
		hi = lo;
		arr_len = -1;
		ty = LLVMStructGetTypeAtIndex(ty,
				(unsigned int)LLVMConstIntGetZExtValue(idx));
	}
	sp->lo += lo;
	sp->hi += hi;
	if (sp->unbounded && arr_len > 0) {
		sp->unbounded = false;
		sp->lo = arr_lo;
		sp->hi = arr_lo + arr_len;
	}
	return true;
}

static az_hdrset_t az_fs_source_at(struct az_fs *s, LLVMValueRef ptr,
				   struct az_span sp, bool packet,
				   unsigned int depth);

/* --- memo of az_fs_source_at() --------------------------------------- */

/*
 * The walk is bounded: AZ_WALK_MAX steps (casts, GEPs, parameter hops)
 * from the load, and a walk cut short ends in the default answer. So a
 * result depends on the depth it was asked at only if some walk under it
 * was cut short ("truncated"); one that was not holds at any smaller
 * depth too (more steps left change nothing), and is kept by (pointer,
 * span, packet) alone. A truncated one (recursion goes round until the
 * bound) holds at its own depth only, and is kept with the depth in its
 * key.
 */
struct az_fs_memo {
	LLVMValueRef ptr;	/* NULL: free slot */
	int64_t lo, hi;
	uint32_t flags;		/* packet, unbounded, truncated's depth */
	uint8_t depth;		/* asked at */
	bool trunc;		/* a walk under it was cut short */
	az_hdrset_t fs;
};

#define AZ_MEMO_MIN_CAP		1024
#define AZ_MEMO_PACKET		(1u << 0)
#define AZ_MEMO_UNBOUNDED	(1u << 1)
#define AZ_MEMO_DEPTH_SHIFT	8

static uint32_t
az_memo_flags(const struct az_span *sp, bool packet)
{
	return (packet ? AZ_MEMO_PACKET : 0) |
	       (sp->unbounded ? AZ_MEMO_UNBOUNDED : 0);
}

static size_t
az_memo_slot(const struct az_fs_memo *e, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)e->ptr * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)e->lo * 0xc2b2ae3d27d4eb4full) ^
	     ((uint64_t)e->hi * 0x165667b19e3779f9ull) ^ e->flags;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (cap - 1);
}

static bool
az_memo_same(const struct az_fs_memo *a, const struct az_fs_memo *b)
{
	return a->ptr == b->ptr && a->lo == b->lo && a->hi == b->hi &&
	       a->flags == b->flags;
}

/* The slot of @p key: its entry, or the free slot where it goes. */
static struct az_fs_memo *
az_memo_find(struct az_fs_memo *tab, size_t cap, const struct az_fs_memo *key)
{
	size_t i;

	for (i = az_memo_slot(key, cap); tab[i].ptr != NULL &&
	     !az_memo_same(&tab[i], key); i = (i + 1) & (cap - 1))
		;
	return &tab[i];
}

static int
az_memo_grow(struct az_fs *s)
{
	size_t cap = s->cap_memo ? s->cap_memo * 2 : AZ_MEMO_MIN_CAP, i;
	struct az_fs_memo *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return -ENOMEM;
	for (i = 0; i < s->cap_memo; i++)
		if (s->memo[i].ptr != NULL)
			*az_memo_find(tab, cap, &s->memo[i]) = s->memo[i];
	free(s->memo);
	s->memo = tab;
	s->cap_memo = cap;
	return 0;
}

/* Records @p key's result (memory permitting: the memo only saves
 * time), unless the entry there already holds for more depths. */
static void
az_memo_put(struct az_fs *s, struct az_fs_memo *key)
{
	struct az_fs_memo *e;

	if (key->trunc)
		key->flags |= (uint32_t)(key->depth + 1) << AZ_MEMO_DEPTH_SHIFT;
	if (2 * (s->n_memo + 1) > s->cap_memo && az_memo_grow(s) != 0)
		return;
	e = az_memo_find(s->memo, s->cap_memo, key);
	if (e->ptr == NULL)
		s->n_memo++;
	else if (e->depth >= key->depth)
		return;
	*e = *key;
}

/* The memo's answer at @p key's depth, or NULL. */
static const struct az_fs_memo *
az_memo_get(struct az_fs *s, struct az_fs_memo *key)
{
	const struct az_fs_memo *e;

	if (s->cap_memo == 0)
		return NULL;
	e = az_memo_find(s->memo, s->cap_memo, key);
	if (e->ptr != NULL && e->depth >= key->depth)
		return e;
	key->flags |= (uint32_t)(key->depth + 1) << AZ_MEMO_DEPTH_SHIFT;
	e = az_memo_find(s->memo, s->cap_memo, key);
	key->flags &= (1u << AZ_MEMO_DEPTH_SHIFT) - 1;
	return e->ptr != NULL ? e : NULL;
}

void
az_fs_source_fini(struct az_fs *s)
{
	free(s->memo);
	s->memo = NULL;
	s->n_memo = s->cap_memo = 0;
}

/* --- sources ------------------------------------------------------------ */

/* A parameter is what its call sites pass; a root's (a pcap callback's
 * bytes) is where a frame starts. */
static az_hdrset_t
az_fs_source_param(struct az_fs *s, LLVMValueRef arg, const struct az_span *sp,
		   bool packet, unsigned int depth, bool *root)
{
	int32_t f = az_cg_index(az_modref_cg(s->mr), LLVMGetParamParent(arg));
	const struct az_csite *cs;
	LLVMValueRef p, actual;
	unsigned int idx = 0;
	az_hdrset_t fs = 0;
	size_t i, n;

	n = f >= 0 ? az_modref_csites(s->mr, (uint32_t)f, &cs) : 0;
	*root = n == 0;
	for (p = LLVMGetFirstParam(LLVMGetParamParent(arg)); p != NULL &&
	     p != arg; p = LLVMGetNextParam(p))
		idx++;
	/* Once out of steps (s->cut), the rest is cut short too. */
	for (i = 0; i < n && !s->cut; i++) {
		actual = az_modref_csite_arg(s->mr, &cs[i], idx);
		if (actual != NULL)
			fs |= az_fs_source_at(s, actual, *sp, packet,
					      depth + 1);
	}
	return fs;
}

/* What the bytes @p sp at @p ptr are, as header fields: walk the address
 * back through casts and GEPs, looking at each step's pointee type; then
 * through parameters to the call sites; failing a header type, at their
 * offset from the frame if the walk ended where a frame starts (a pointer
 * read from memory, a root's parameter). */
static az_hdrset_t
az_fs_source_walk(struct az_fs *s, LLVMValueRef ptr, struct az_span sp,
		  bool packet, unsigned int depth)
{
	bool found = false, frame = false;
	LLVMValueRef cur = ptr;
	az_hdrset_t fs;

	for (; depth < AZ_WALK_MAX; depth++) {
		if (LLVMGetTypeKind(LLVMTypeOf(cur)) == LLVMPointerTypeKind) {
			fs = az_typed_fields(s, LLVMGetElementType(
					LLVMTypeOf(cur)), &sp, &found);
			if (found)
				return fs;
		}
		if (LLVMIsAGetElementPtrInst(cur) != NULL) {
			if (!az_span_gep(s, cur, &sp))
				break;
		} else if (LLVMIsABitCastInst(cur) == NULL &&
			   LLVMIsAAddrSpaceCastInst(cur) == NULL) {
			break;
		}
		cur = LLVMGetOperand(cur, 0);
	}
	if (depth >= AZ_WALK_MAX)
		s->trunc = true;
	if (depth < AZ_WALK_MAX && LLVMIsAArgument(cur) != NULL) {
		fs = az_fs_source_param(s, cur, &sp, packet, depth, &frame);
		if (!frame)
			return fs;
	}
	frame = frame || LLVMIsALoadInst(cur) != NULL;
	if (!packet)
		return 0;
	if (frame && !sp.unbounded && sp.lo >= 0)
		return az_hdr_fields(AZ_HK_FRAME, (uint64_t)sp.lo,
				     (uint64_t)sp.hi);
	return AZ_HDR_BIT(PAYLOAD);
}

/* az_fs_source_walk(), once per distinct question. */
static az_hdrset_t
az_fs_source_at(struct az_fs *s, LLVMValueRef ptr, struct az_span sp,
		bool packet, unsigned int depth)
{
	struct az_fs_memo key = { ptr, sp.lo, sp.hi, az_memo_flags(&sp, packet),
				  (uint8_t)depth, false, 0 };
	bool outer = s->trunc, outer_cut = s->cut;
	const struct az_fs_memo *hit;

	if (++s->steps > AZ_SOURCE_STEPS_MAX) {
		/* Out of steps: the answer of a walk cut short here, kept
		 * out of the memo (it is not the walk's answer). */
		s->cut = true;
		return az_fs_source_walk(s, ptr, sp, packet, AZ_WALK_MAX);
	}
	hit = az_memo_get(s, &key);
	if (hit != NULL) {
		s->trunc = outer || hit->trunc;
		return hit->fs;
	}
	s->trunc = false;
	s->cut = false;
	key.fs = az_fs_source_walk(s, ptr, sp, packet, depth);
	key.trunc = s->trunc;
	if (!s->cut)
		az_memo_put(s, &key);
	s->trunc = outer || key.trunc;
	s->cut = outer_cut || s->cut;
	return key.fs;
}

az_hdrset_t
az_fs_source(struct az_fs *s, LLVMValueRef ptr, uint64_t size, bool packet)
{
	struct az_span sp = { 0, (int64_t)size, size == AZ_LOC_UNKNOWN_LEN };
	az_hdrset_t fs;

	s->steps = 0;
	s->cut = false;
	fs = az_fs_source_at(s, ptr, sp, packet, 0);
	if (s->steps > s->max_steps)
		s->max_steps = s->steps;
	s->n_cut += s->cut;
	return fs;
}

uint64_t
az_fs_pointee_size(struct az_fs *s, LLVMValueRef ptr)
{
	LLVMTypeRef ty;
	unsigned int depth;

	for (depth = 0; ptr != NULL && depth < AZ_WALK_MAX; depth++) {
		ty = LLVMTypeOf(ptr);
		if (LLVMGetTypeKind(ty) == LLVMPointerTypeKind) {
			ty = LLVMGetElementType(ty);
			if (LLVMTypeIsSized(ty) &&
			    (LLVMGetTypeKind(ty) == LLVMStructTypeKind ||
			     LLVMGetTypeKind(ty) == LLVMArrayTypeKind))
				return LLVMABISizeOfType(s->td, ty);
		}
		if (LLVMIsABitCastInst(ptr) == NULL &&
		    (LLVMIsAConstantExpr(ptr) == NULL ||
		     LLVMGetConstOpcode(ptr) != LLVMBitCast))
			break;
		ptr = LLVMGetOperand(ptr, 0);
	}
	return AZ_LOC_UNKNOWN_LEN;
}
