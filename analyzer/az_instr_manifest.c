/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module-wide part of `statealyzr instrument` (az_instr.h): heap
 * allocation to the state arena, the embedded manifest and the
 * descriptors that point to it, linkage, verification and output.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>

#include "az_instr.h"
#include "az_instr_impl.h"

/* struct sa_middlebox (sa/mbox.h) has this many members, `manifest` the
 * tenth (`command` follows it): the fallback when no debug info names
 * them. */
#define AZ_DESC_MEMBERS		11
#define AZ_DESC_MANIFEST_IDX	9
#define AZ_DESC_MANIFEST	"manifest"
#define AZ_DESC_MAX		16
#define AZ_NAME_MAX		512

/* --- allocation ------------------------------------------------------------ */

/* libc allocator -> the state arena's (sa/replica.h). Same signatures, so
 * every use, address-taken ones included, can be replaced. */
static const struct {
	const char *from;
	const char *to;
} az_redirects[] = {
	{ "malloc", "sa_state_alloc" },
	{ "calloc", "sa_state_calloc" },
	{ "realloc", "sa_state_realloc" },
	{ "free", "sa_state_free" },
	{ "strdup", "sa_state_strdup" },
	{ "__strdup", "sa_state_strdup" },
	{ "strndup", "sa_state_strndup" },
	{ "aligned_alloc", "sa_state_aligned_alloc" },
	{ "memalign", "sa_state_aligned_alloc" },
	{ "posix_memalign", "sa_state_posix_memalign" },
};

/* Allocators the arena has no counterpart for: left alone, said once. */
static const char *const az_unredirected[] = {
	"valloc", "pvalloc", "reallocarray", "mmap",
};

/* Calls of @p fn, directly or through a cast of it. */
static size_t
az_count_calls(LLVMValueRef fn)
{
	LLVMValueRef user;
	LLVMUseRef u;
	size_t n = 0;

	for (u = LLVMGetFirstUse(fn); u != NULL; u = LLVMGetNextUse(u)) {
		user = LLVMGetUser(u);
		if (LLVMIsACallInst(user) != NULL)
			n += LLVMGetCalledValue(user) == fn;
		else if (LLVMIsAConstantExpr(user) != NULL)
			n += az_count_calls(user);
	}
	return n;
}

static int
az_redirect_heap(struct az_module *m, size_t *count)
{
	LLVMModuleRef mod = az_module_llvm(m);
	LLVMValueRef from, to, repl;
	size_t i;

	*count = 0;
	for (i = 0; i < sizeof(az_redirects) / sizeof(az_redirects[0]); i++) {
		from = LLVMGetNamedFunction(mod, az_redirects[i].from);
		if (from == NULL || !LLVMIsDeclaration(from) ||
		    LLVMGetFirstUse(from) == NULL)
			continue;
		to = LLVMGetNamedFunction(mod, az_redirects[i].to);
		if (to == NULL)
			to = LLVMAddFunction(mod, az_redirects[i].to,
					     LLVMGlobalGetValueType(from));
		if (to == NULL)
			return -ENOMEM;
		repl = LLVMTypeOf(to) == LLVMTypeOf(from) ? to :
		       LLVMConstBitCast(to, LLVMTypeOf(from));
		*count += az_count_calls(from);
		LLVMReplaceAllUsesWith(from, repl);
	}
	for (i = 0; i < sizeof(az_unredirected) / sizeof(az_unredirected[0]);
	     i++) {
		from = LLVMGetNamedFunction(mod, az_unredirected[i]);
		if (from != NULL && LLVMGetFirstUse(from) != NULL)
			az_log(AZ_LOG_WARN, "%s: %s is not redirected to the "
			       "state arena: memory from it is not replicated",
			       az_module_path(m), az_unredirected[i]);
	}
	return 0;
}

/* --- manifest ---------------------------------------------------------------- */

struct az_region {
	LLVMValueRef g;
	const char *name;
	uint64_t len;
	uint32_t cls;
};

static int
az_region_cmp(const void *a, const void *b)
{
	const struct az_region *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return strcmp(LLVMGetValueName(x->g), LLVMGetValueName(y->g));
}

/* Region class of a persistent object (sa/replica.h). */
static uint32_t
az_region_cls(const struct az_robj *ro)
{
	size_t i;

	if (!ro->flag[AZ_FLAG_UPDATEABLE])
		return AZ_CLS_READ_ONLY;
	for (i = 0; i < ro->n_fields; i++)
		if (ro->fields[i].flag[AZ_FLAG_UPDATEABLE] &&
		    ro->fields[i].flag[AZ_FLAG_OUTPUT])
			return AZ_CLS_OUTPUT_IMPACTING;
	return AZ_CLS_UPDATE_ONLY;
}

/* The persistent globals and function statics, sorted by name, each
 * once (regions must not overlap). */
static int
az_regions(struct az_module *m, struct az_result *r, struct az_region **out,
	   size_t *n_out)
{
	LLVMTargetDataRef td = az_module_target_data(m);
	const struct az_obj_info *in;
	const struct az_robj *ro;
	struct az_region *v;
	char name[AZ_NAME_MAX];
	size_t i, j, n = 0;

	v = calloc(r->n_objs + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < r->n_objs; i++) {
		ro = &r->objs[i];
		in = az_pta_obj(r->pta, ro->obj);
		if ((ro->kind != AZ_POBJ_GLOBAL && ro->kind != AZ_POBJ_STATIC) ||
		    in->site == NULL || LLVMIsAGlobalVariable(in->site) == NULL ||
		    LLVMIsDeclaration(in->site))
			continue;
		for (j = 0; j < n && v[j].g != in->site; j++)
			;
		if (j < n)
			continue;
		v[n].g = in->site;
		v[n].len = LLVMABISizeOfType(td,
					     LLVMGlobalGetValueType(in->site));
		if (v[n].len == 0)
			continue;
		v[n].cls = az_region_cls(ro);
		if (ro->kind == AZ_POBJ_STATIC && ro->func != NULL) {
			snprintf(name, sizeof(name), "%s.%s", ro->func,
				 ro->name);
			v[n].name = az_result_str(r, name);
		} else {
			v[n].name = ro->name;
		}
		if (v[n].name == NULL) {
			free(v);
			return -ENOMEM;
		}
		n++;
	}
	qsort(v, n, sizeof(*v), az_region_cmp);
	*out = v;
	*n_out = n;
	return 0;
}

static LLVMValueRef
az_const_str(LLVMModuleRef mod, LLVMContextRef ctx, const char *s)
{
	LLVMValueRef init = LLVMConstStringInContext(ctx, s,
						     (unsigned int)strlen(s), 0);
	LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(init),
				       "sa_manifest.name");

	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetLinkage(g, LLVMPrivateLinkage);
	LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
	return LLVMConstBitCast(g, LLVMPointerType(LLVMInt8TypeInContext(ctx),
						   0));
}

static unsigned int
az_hexval(char c)
{
	return c >= 'a' ? (unsigned int)(c - 'a' + 10) :
			  (unsigned int)(c - '0');
}

/* struct sa_manifest_region { const void *addr; uint64_t len; uint32_t cls;
 * const char *name; } and struct sa_manifest { uint32_t version, n_regions;
 * const struct sa_manifest_region *regions; uint8_t analysis_hash[32]; }. */
static LLVMValueRef
az_emit_manifest(struct az_module *m, const struct az_result *r,
		 const struct az_region *v, size_t n, bool external)
{
	LLVMModuleRef mod = az_module_llvm(m);
	LLVMContextRef ctx = az_module_context(m);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(ctx);
	LLVMTypeRef i8p = LLVMPointerType(i8, 0);
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
	LLVMTypeRef rty, mty, el[4];
	LLVMValueRef *rv, f[4], arr, ga, regions, hash[AZ_MANIFEST_HASH_LEN];
	LLVMValueRef g;
	size_t i;

	rty = LLVMStructCreateNamed(ctx, "sa.manifest_region");
	el[0] = i8p;
	el[1] = i64;
	el[2] = i32;
	el[3] = i8p;
	LLVMStructSetBody(rty, el, 4, 0);
	mty = LLVMStructCreateNamed(ctx, "sa.manifest");
	el[0] = i32;
	el[1] = i32;
	el[2] = LLVMPointerType(rty, 0);
	el[3] = LLVMArrayType(i8, AZ_MANIFEST_HASH_LEN);
	LLVMStructSetBody(mty, el, 4, 0);
	rv = calloc(n + 1, sizeof(*rv));
	if (rv == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		f[0] = LLVMConstBitCast(v[i].g, i8p);
		f[1] = LLVMConstInt(i64, v[i].len, 0);
		f[2] = LLVMConstInt(i32, v[i].cls, 0);
		f[3] = az_const_str(mod, ctx, v[i].name);
		rv[i] = LLVMConstNamedStruct(rty, f, 4);
	}
	regions = LLVMConstNull(LLVMPointerType(rty, 0));
	if (n > 0) {
		arr = LLVMConstArray(rty, rv, (unsigned int)n);
		ga = LLVMAddGlobal(mod, LLVMTypeOf(arr), "sa_manifest.regions");
		LLVMSetInitializer(ga, arr);
		LLVMSetGlobalConstant(ga, 1);
		LLVMSetLinkage(ga, LLVMPrivateLinkage);
		regions = LLVMConstBitCast(ga, LLVMPointerType(rty, 0));
	}
	free(rv);
	for (i = 0; i < AZ_MANIFEST_HASH_LEN; i++)
		hash[i] = LLVMConstInt(i8, az_hexval(r->hash[2 * i]) << 4 |
				       az_hexval(r->hash[2 * i + 1]), 0);
	f[0] = LLVMConstInt(i32, AZ_MANIFEST_VERSION, 0);
	f[1] = LLVMConstInt(i32, n, 0);
	f[2] = regions;
	f[3] = LLVMConstArray(i8, hash, AZ_MANIFEST_HASH_LEN);
	g = LLVMAddGlobal(mod, mty, AZ_MANIFEST_NAME);
	LLVMSetInitializer(g, LLVMConstNamedStruct(mty, f, 4));
	LLVMSetGlobalConstant(g, 1);
	LLVMSetLinkage(g, external ? LLVMExternalLinkage : LLVMInternalLinkage);
	return g;
}

/* --- descriptors --------------------------------------------------------------- */

/* IR element of the descriptor's `manifest` member: by name and offset
 * from debug info, else by the layout of sa/mbox.h. */
static int
az_manifest_member(struct az_module *m, LLVMValueRef g, unsigned int *idx)
{
	LLVMTypeRef ty = LLVMGlobalGetValueType(g);
	LLVMTargetDataRef td = az_module_target_data(m);
	unsigned int i, j, n = LLVMCountStructElementTypes(ty);
	struct az_var var;

	if (az_module_var(m, g, &var) == 0 && var.from_debug_info &&
	    var.type->kind == AZ_TYPE_STRUCT) {
		for (j = 0; j < var.type->n_fields; j++) {
			if (strcmp(var.type->fields[j].name,
				   AZ_DESC_MANIFEST) != 0)
				continue;
			for (i = 0; i < n; i++)
				if (LLVMOffsetOfElement(td, ty, i) ==
				    var.type->fields[j].offset) {
					*idx = i;
					return 0;
				}
		}
		return -ENOENT;
	}
	if (n == AZ_DESC_MEMBERS &&
	    LLVMGetTypeKind(LLVMStructGetTypeAtIndex(ty,
			AZ_DESC_MANIFEST_IDX)) == LLVMPointerTypeKind) {
		*idx = AZ_DESC_MANIFEST_IDX;
		return 0;
	}
	return -ENOENT;
}

static int
az_set_manifest(struct az_module *m, LLVMValueRef g, LLVMValueRef mf)
{
	LLVMTypeRef ty = LLVMGlobalGetValueType(g);
	LLVMValueRef init = LLVMGetInitializer(g), ops[AZ_DESC_MEMBERS * 2];
	unsigned int i, idx, n;

	if (LLVMGetTypeKind(ty) != LLVMStructTypeKind ||
	    (n = LLVMCountStructElementTypes(ty)) > AZ_DESC_MEMBERS * 2 ||
	    az_manifest_member(m, g, &idx) != 0) {
		az_module_diag(m, AZ_LOG_ERR, g, "descriptor %s has no '%s' "
			       "member: is it built against an old sa/mbox.h?",
			       LLVMGetValueName(g), AZ_DESC_MANIFEST);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (init != NULL && LLVMIsAConstantStruct(init) != NULL)
			ops[i] = LLVMGetOperand(init, i);
		else
			ops[i] = LLVMConstNull(LLVMStructGetTypeAtIndex(ty, i));
	}
	ops[idx] = LLVMConstBitCast(mf, LLVMStructGetTypeAtIndex(ty, idx));
	LLVMSetInitializer(g, LLVMConstNamedStruct(ty, ops, n));
	return 0;
}

/* --- linkage ---------------------------------------------------------------------- */

static void
az_internalize_one(LLVMValueRef v)
{
	LLVMLinkage l = LLVMGetLinkage(v);

	if (LLVMIsDeclaration(v) || l == LLVMInternalLinkage ||
	    l == LLVMPrivateLinkage || l == LLVMAppendingLinkage)
		return;
	LLVMSetLinkage(v, LLVMInternalLinkage);
	/* Local linkage requires default visibility and storage. */
	LLVMSetVisibility(v, LLVMDefaultVisibility);
	LLVMSetDLLStorageClass(v, LLVMDefaultStorageClass);
}

static bool
az_keep_external(LLVMValueRef v, const struct az_descriptor *d, size_t nd,
		 LLVMValueRef keep)
{
	const char *name = LLVMGetValueName(v);
	size_t i;

	if (v == keep || strncmp(name, "llvm.", 5) == 0)
		return true;
	for (i = 0; i < nd; i++)
		if (d[i].global == v)
			return true;
	return false;
}

/* Everything but the descriptors (sa-runtime and tests name them), main
 * and @p keep, so that libsa's copy and other middleboxes never clash. */
static void
az_internalize(struct az_module *m, const struct az_descriptor *d, size_t nd,
	       LLVMValueRef keep)
{
	LLVMModuleRef mod = az_module_llvm(m);
	LLVMValueRef v;

	for (v = LLVMGetFirstFunction(mod); v; v = LLVMGetNextFunction(v))
		if (strcmp(LLVMGetValueName(v), "main") != 0)
			az_internalize_one(v);
	for (v = LLVMGetFirstGlobal(mod); v; v = LLVMGetNextGlobal(v))
		if (!az_keep_external(v, d, nd, keep))
			az_internalize_one(v);
	for (v = LLVMGetFirstGlobalAlias(mod); v; v = LLVMGetNextGlobalAlias(v))
		az_internalize_one(v);
}

int
az_instr_module(struct az_module *m, struct az_result *r)
{
	struct az_descriptor d[AZ_DESC_MAX];
	struct az_region *v = NULL;
	size_t i, n = 0, nd;
	LLVMValueRef mf;
	int rc;

	nd = az_module_descriptors(m, d, AZ_DESC_MAX);
	if (nd > AZ_DESC_MAX) {
		az_log(AZ_LOG_ERR, "%s: %zu sa_middlebox descriptors, at most "
		       "%d supported", az_module_path(m), nd, AZ_DESC_MAX);
		return -EINVAL;
	}
	rc = az_regions(m, r, &v, &n);
	if (rc != 0)
		return rc;
	mf = az_emit_manifest(m, r, v, n, nd == 0);
	free(v);
	if (mf == NULL)
		return -ENOMEM;
	r->instr.manifest_regions = n;
	for (i = 0; i < nd && rc == 0; i++)
		rc = az_set_manifest(m, d[i].global, mf);
	if (rc == 0)
		rc = az_redirect_heap(m, &r->instr.allocs_redirected);
	if (rc != 0)
		return rc;
	az_internalize(m, d, nd, nd == 0 ? mf : NULL);
	r->instr.done = true;
	return 0;
}

/* --- output ------------------------------------------------------------------------- */

int
az_instr_write(struct az_module *m, const char *path)
{
	char *msg = NULL;
	FILE *f;
	int err;

	if (LLVMVerifyModule(az_module_llvm(m), LLVMReturnStatusAction,
			     &msg)) {
		az_log(AZ_LOG_ERR, "%s: the instrumented module does not "
		       "verify: %s", az_module_path(m),
		       msg != NULL ? msg : "?");
		LLVMDisposeMessage(msg);
		return -EINVAL;
	}
	LLVMDisposeMessage(msg);
	/* LLVM says only that writing failed; fopen says why. */
	f = fopen(path, "wb");
	if (f == NULL) {
		err = errno;
		az_log(AZ_LOG_ERR, "cannot write %s: %s", path, strerror(err));
		return -err;
	}
	fclose(f);
	if (LLVMWriteBitcodeToFile(az_module_llvm(m), path) != 0) {
		az_log(AZ_LOG_ERR, "cannot write %s", path);
		unlink(path);
		return -EIO;
	}
	return 0;
}
