/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading and preparing the module under analysis, source locations, and
 * the sa_middlebox descriptors. Every LLVM-C call that can fail is checked
 * and every message or buffer it hands back is disposed, so a bad input
 * ends in one clear error naming the file instead of a crash or a leak.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "az_module_impl.h"

/* Bitcode starts with 'BC' 0xC0DE, or with the wrapper magic 0x0B17C0DE
 * (little-endian) that Darwin toolchains put around it. */
static const unsigned char az_bc_magic[] = { 'B', 'C', 0xc0, 0xde };
static const unsigned char az_bc_wrapper[] = { 0xde, 0xc0, 0x17, 0x0b };
#define AZ_MAGIC_LEN	4

/* Preparation: promote stack slots to SSA, nothing else. Inlining would
 * lose the call structure the report talks about, and passes such as
 * globalopt or dse delete stores to globals, i.e. state updates. */
#define AZ_PREPARE_PASSES	"function(mem2reg)"

/* Fields of struct sa_middlebox in declaration order (sa/mbox.h), used
 * when there is no debug info to find them by name. */
enum az_desc_field {
	AZ_DESC_NAME = 0,
	AZ_DESC_DESC,
	AZ_DESC_INIT,
	AZ_DESC_PROCESS,
	AZ_DESC_TICK,
	AZ_DESC_FINI,
	AZ_DESC_STATS,
	AZ_DESC_NFIELDS,
};

static const char *const az_desc_names[AZ_DESC_NFIELDS] = {
	"name", "desc", "init", "process", "tick", "fini", "stats",
};

const char *
az_module_intern(struct az_module *m, const char *s, size_t len)
{
	uint32_t i;
	char *d;

	if (s == NULL || len == 0)
		return NULL;
	i = az_ptrmap_get(&m->files, s);
	if (i != AZ_PTRMAP_NONE)
		return m->filev.v[i];
	d = az_strpool_add(&m->strs, s, len);
	if (d == NULL || az_ptrvec_push(&m->filev, d) < 0)
		return d;
	if (az_ptrmap_put(&m->files, s, (uint32_t)(m->filev.n - 1)) < 0)
		return d;
	return d;
}

static bool
az_buffer_is_bitcode(LLVMMemoryBufferRef buf)
{
	const char *p = LLVMGetBufferStart(buf);

	if (LLVMGetBufferSize(buf) < AZ_MAGIC_LEN)
		return false;
	return memcmp(p, az_bc_magic, AZ_MAGIC_LEN) == 0 ||
	       memcmp(p, az_bc_wrapper, AZ_MAGIC_LEN) == 0;
}

/* The bitcode reader reports through the context's diagnostic handler. */
static void
az_module_diag_cb(LLVMDiagnosticInfoRef di, void *arg)
{
	const char *path = arg;
	char *msg = LLVMGetDiagInfoDescription(di);
	LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(di);

	az_diag(sev == LLVMDSError ? AZ_LOG_ERR : AZ_LOG_WARN, path, 0, 0,
		"%s", msg);
	LLVMDisposeMessage(msg);
}

static int
az_module_read(const char *path, LLVMMemoryBufferRef *buf)
{
	struct stat st;
	char *msg = NULL;
	int rc;

	if (stat(path, &st) < 0) {
		rc = -errno;
		az_log(AZ_LOG_ERR, "cannot read %s: %s", path, strerror(errno));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		az_log(AZ_LOG_ERR, "cannot read %s: is a directory", path);
		return -EISDIR;
	}
	if (LLVMCreateMemoryBufferWithContentsOfFile(path, buf, &msg)) {
		az_log(AZ_LOG_ERR, "cannot read %s: %s", path,
		       msg ? msg : "unknown error");
		LLVMDisposeMessage(msg);
		return -EIO;
	}
	return 0;
}

static int
az_module_parse(struct az_module *m, LLVMMemoryBufferRef buf)
{
	char *msg = NULL;

	if (az_buffer_is_bitcode(buf)) {
		LLVMBool bad = LLVMParseBitcodeInContext2(m->ctx, buf, &m->mod);

		/* The bitcode reader borrows the buffer. */
		LLVMDisposeMemoryBuffer(buf);
		if (bad) {
			az_log(AZ_LOG_ERR, "%s: invalid bitcode", m->path);
			m->mod = NULL;
			return -EINVAL;
		}
		return 0;
	}
	/* The IR parser owns the buffer from here on, success or not. */
	if (LLVMParseIRInContext(m->ctx, buf, &m->mod, &msg)) {
		az_log(AZ_LOG_ERR, "%s: not LLVM IR (bitcode or text): %s",
		       m->path, msg ? msg : "parse error");
		LLVMDisposeMessage(msg);
		m->mod = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
az_module_verify(struct az_module *m)
{
	char *msg = NULL;
	LLVMBool bad;

	bad = LLVMVerifyModule(m->mod, LLVMReturnStatusAction, &msg);
	if (bad)
		az_log(AZ_LOG_ERR, "%s: invalid module: %s", m->path,
		       msg ? msg : "verifier failed");
	LLVMDisposeMessage(msg);
	return bad ? -EINVAL : 0;
}

static void
az_module_count(struct az_module *m)
{
	LLVMValueRef fn;
	LLVMBasicBlockRef bb;
	LLVMValueRef in;

	m->n_funcs = 0;
	m->n_insts = 0;
	m->has_di = false;
	for (fn = LLVMGetFirstFunction(m->mod); fn;
	     fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		m->n_funcs++;
		if (LLVMGetSubprogram(fn) != NULL)
			m->has_di = true;
		for (bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in))
				m->n_insts++;
	}
}

int
az_module_load(const char *path, struct az_module **out)
{
	LLVMMemoryBufferRef buf;
	struct az_module *m;
	int rc;

	*out = NULL;
	rc = az_module_read(path, &buf);
	if (rc < 0)
		return rc;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->path = strdup(path)) == NULL) {
		free(m);
		LLVMDisposeMemoryBuffer(buf);
		return -ENOMEM;
	}
	m->ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(m->ctx, az_module_diag_cb, m->path);
	rc = az_module_parse(m, buf);
	if (rc == 0)
		rc = az_module_verify(m);
	if (rc < 0) {
		az_module_free(m);
		return rc;
	}
	m->td = LLVMCreateTargetData(LLVMGetDataLayoutStr(m->mod));
	m->dbg_kind = LLVMGetMDKindIDInContext(m->ctx, "dbg", 3);
	m->unknown.kind = AZ_TYPE_UNKNOWN;
	m->unknown.name = "<unknown>";
	m->unknown.from_ir = true;
	az_module_count(m);
	if (!m->has_di)
		az_log(AZ_LOG_NOTE, "%s: no debug info (compile with -g): "
		       "names and types come from the IR", path);
	*out = m;
	return 0;
}

void
az_module_free(struct az_module *m)
{
	if (m == NULL)
		return;
	az_module_di_fini(m);
	if (m->td != NULL)
		LLVMDisposeTargetData(m->td);
	if (m->mod != NULL)
		LLVMDisposeModule(m->mod);
	if (m->ctx != NULL)
		LLVMContextDispose(m->ctx);
	az_ptrmap_fini(&m->files);
	az_ptrvec_fini(&m->filev);
	az_strpool_fini(&m->strs);
	free(m->path);
	free(m);
}

LLVMModuleRef
az_module_llvm(const struct az_module *m)
{
	return m->mod;
}

LLVMContextRef
az_module_context(const struct az_module *m)
{
	return m->ctx;
}

LLVMTargetDataRef
az_module_target_data(const struct az_module *m)
{
	return m->td;
}

const char *
az_module_path(const struct az_module *m)
{
	return m->path;
}

bool
az_module_has_debug_info(const struct az_module *m)
{
	return m->has_di;
}

size_t
az_module_n_functions(const struct az_module *m)
{
	return m->n_funcs;
}

size_t
az_module_n_instructions(const struct az_module *m)
{
	return m->n_insts;
}

const char *
az_module_fn_name(LLVMValueRef fn)
{
	size_t len;
	const char *s = LLVMGetValueName2(fn, &len);

	return s != NULL && len != 0 ? s : "<anon>";
}

/* Adds optnone + noinline (the verifier wants both) where missing; the
 * pass manager then skips the function. Returns a bit mask of what was
 * added, so that exactly that is removed again. */
static unsigned int
az_module_protect(struct az_module *m, LLVMValueRef fn)
{
	static const char *const names[] = { "optnone", "noinline" };
	unsigned int i, added = 0, kind;

	for (i = 0; i < 2; i++) {
		kind = LLVMGetEnumAttributeKindForName(names[i],
						       strlen(names[i]));
		if (LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
						kind) != NULL)
			continue;
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
					LLVMCreateEnumAttribute(m->ctx, kind, 0));
		added |= 1u << i;
	}
	return added;
}

static void
az_module_unprotect(LLVMValueRef fn, unsigned int added)
{
	static const char *const names[] = { "optnone", "noinline" };
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (added & (1u << i))
			LLVMRemoveEnumAttributeAtIndex(fn,
				LLVMAttributeFunctionIndex,
				LLVMGetEnumAttributeKindForName(names[i],
							strlen(names[i])));
}

static int
az_module_run_passes(struct az_module *m)
{
	LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err;
	char *msg;

	err = LLVMRunPasses(m->mod, AZ_PREPARE_PASSES, NULL, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (err != NULL) {
		msg = LLVMGetErrorMessage(err);
		az_log(AZ_LOG_ERR, "%s: preparing the module failed: %s",
		       m->path, msg);
		LLVMDisposeErrorMessage(msg);
		return -EINVAL;
	}
	return 0;
}

int
az_module_prepare(struct az_module *m, const LLVMValueRef *keep,
		  size_t n_keep)
{
	unsigned int *added = NULL;
	size_t i;
	int rc;

	if (n_keep != 0) {
		added = calloc(n_keep, sizeof(*added));
		if (added == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < n_keep; i++)
		if (!LLVMIsDeclaration(keep[i]))
			added[i] = az_module_protect(m, keep[i]);
	rc = az_module_run_passes(m);
	for (i = 0; i < n_keep; i++)
		az_module_unprotect(keep[i], added[i]);
	free(added);
	/* Promoted allocas are gone: per-value debug-info caches restart. */
	az_module_di_reset(m);
	m->prepared = true;
	az_module_count(m);
	return rc;
}

int
az_module_loc(struct az_module *m, LLVMValueRef v, struct az_srcloc *loc)
{
	const char *file;
	unsigned int len = 0;

	memset(loc, 0, sizeof(*loc));
	if (LLVMIsAArgument(v))
		v = LLVMGetParamParent(v);
	if (!LLVMIsAInstruction(v) && !LLVMIsAGlobalVariable(v) &&
	    !LLVMIsAFunction(v))
		return -ENOENT;
	if (LLVMIsAInstruction(v) && LLVMInstructionGetDebugLoc(v) == NULL)
		return -ENOENT;
	file = LLVMGetDebugLocFilename(v, &len);
	if (file == NULL || len == 0)
		return -ENOENT;
	loc->file = az_module_intern(m, file, len);
	loc->line = LLVMGetDebugLocLine(v);
	if (LLVMIsAInstruction(v))
		loc->col = LLVMGetDebugLocColumn(v);
	return loc->file != NULL ? 0 : -ENOENT;
}

char *
az_module_loc_str(struct az_module *m, LLVMValueRef v, bool with_col,
		  char *buf, size_t size)
{
	struct az_srcloc loc;

	if (az_module_loc(m, v, &loc) < 0)
		snprintf(buf, size, "<unknown>");
	else if (with_col && loc.col != 0)
		snprintf(buf, size, "%s:%u:%u", loc.file, loc.line, loc.col);
	else
		snprintf(buf, size, "%s:%u", loc.file, loc.line);
	return buf;
}

static LLVMValueRef
az_value_function(LLVMValueRef v)
{
	if (LLVMIsAFunction(v))
		return v;
	if (LLVMIsAArgument(v))
		return LLVMGetParamParent(v);
	if (LLVMIsAInstruction(v))
		return LLVMGetBasicBlockParent(LLVMGetInstructionParent(v));
	return NULL;
}

void
az_module_diag(struct az_module *m, enum az_log_level level, LLVMValueRef v,
	       const char *fmt, ...)
{
	struct az_srcloc loc = { 0 };
	LLVMValueRef fn = NULL;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v != NULL && az_module_loc(m, v, &loc) == 0) {
		az_diag(level, loc.file, loc.line, loc.col, "%s", msg);
		return;
	}
	if (v != NULL)
		fn = az_value_function(v);
	if (fn != NULL && az_module_loc(m, fn, &loc) == 0)
		az_diag(level, loc.file, loc.line, 0, "in %s: %s",
			az_module_fn_name(fn), msg);
	else if (fn != NULL)
		az_diag(level, m->path, 0, 0, "in %s: %s",
			az_module_fn_name(fn), msg);
	else
		az_diag(level, m->path, 0, 0, "%s", msg);
}

/* A struct type named @p want in the IR ("struct.sa_middlebox"), allowing
 * the ".N" suffix llvm-link adds when it renames a duplicate. */
static bool
az_ir_struct_named(LLVMTypeRef ty, const char *want)
{
	const char *name;
	size_t len = strlen(want);

	if (LLVMGetTypeKind(ty) != LLVMStructTypeKind)
		return false;
	name = LLVMGetStructName(ty);
	if (name == NULL || strncmp(name, want, len) != 0)
		return false;
	return name[len] == '\0' || name[len] == '.';
}

static LLVMValueRef
az_strip_casts(LLVMValueRef v)
{
	while (v != NULL && LLVMIsAConstantExpr(v) &&
	       (LLVMGetConstOpcode(v) == LLVMBitCast ||
		LLVMGetConstOpcode(v) == LLVMAddrSpaceCast))
		v = LLVMGetOperand(v, 0);
	return v;
}

/* The string a constant `const char *` points to, if it is one. */
static const char *
az_const_string(struct az_module *m, LLVMValueRef v)
{
	LLVMValueRef init;
	const char *s;
	size_t len;

	v = az_strip_casts(v);
	if (v != NULL && LLVMIsAConstantExpr(v) &&
	    LLVMGetConstOpcode(v) == LLVMGetElementPtr)
		v = LLVMGetOperand(v, 0);
	if (v == NULL || !LLVMIsAGlobalVariable(v))
		return NULL;
	init = LLVMGetInitializer(v);
	if (init == NULL || !LLVMIsConstantString(init))
		return NULL;
	s = LLVMGetAsString(init, &len);
	if (len != 0 && s[len - 1] == '\0')
		len--;
	return az_strpool_add(&m->strs, s, len);
}

/* IR element at byte @p off of struct @p ty, or UINT32_MAX. */
static unsigned int
az_ir_element_at(struct az_module *m, LLVMTypeRef ty, uint64_t off)
{
	unsigned int i, n = LLVMCountStructElementTypes(ty);

	for (i = 0; i < n; i++)
		if (LLVMOffsetOfElement(m->td, ty, i) == off)
			return i;
	return UINT32_MAX;
}

/* Element index of each descriptor field: by member name and offset from
 * debug info when available (robust to a reordered struct), else by
 * declaration order. */
static void
az_desc_indices(struct az_module *m, LLVMValueRef g, LLVMTypeRef ty,
		unsigned int idx[AZ_DESC_NFIELDS])
{
	struct az_var var;
	const struct az_type *t;
	unsigned int f, j;

	for (f = 0; f < AZ_DESC_NFIELDS; f++)
		idx[f] = f;
	if (az_module_var(m, g, &var) < 0 || !var.from_debug_info ||
	    var.type->kind != AZ_TYPE_STRUCT)
		return;
	t = var.type;
	for (f = 0; f < AZ_DESC_NFIELDS; f++) {
		idx[f] = UINT32_MAX;
		for (j = 0; j < t->n_fields; j++)
			if (strcmp(t->fields[j].name, az_desc_names[f]) == 0)
				idx[f] = az_ir_element_at(m, ty,
							  t->fields[j].offset);
	}
}

static LLVMValueRef
az_desc_fn(LLVMValueRef init, unsigned int idx)
{
	LLVMValueRef v;

	if (idx == UINT32_MAX || idx >= (unsigned int)LLVMGetNumOperands(init))
		return NULL;
	v = az_strip_casts(LLVMGetOperand(init, idx));
	return v != NULL && LLVMIsAFunction(v) ? v : NULL;
}

static bool
az_is_descriptor(struct az_module *m, LLVMValueRef g)
{
	struct az_var var;

	if (az_ir_struct_named(LLVMGlobalGetValueType(g), "struct.sa_middlebox"))
		return true;
	return az_module_var(m, g, &var) == 0 && var.from_debug_info &&
	       strcmp(var.type->name, "struct sa_middlebox") == 0;
}

static void
az_desc_read(struct az_module *m, LLVMValueRef g, struct az_descriptor *d)
{
	LLVMTypeRef ty = LLVMGlobalGetValueType(g);
	LLVMValueRef init = LLVMGetInitializer(g);
	unsigned int idx[AZ_DESC_NFIELDS];

	memset(d, 0, sizeof(*d));
	d->global = g;
	/* A zero initializer registers no callback: nothing to read. */
	if (init == NULL || LLVMGetTypeKind(ty) != LLVMStructTypeKind ||
	    !LLVMIsAConstantStruct(init))
		return;
	az_desc_indices(m, g, ty, idx);
	if (idx[AZ_DESC_NAME] != UINT32_MAX)
		d->name = az_const_string(m, LLVMGetOperand(init,
							    idx[AZ_DESC_NAME]));
	d->init = az_desc_fn(init, idx[AZ_DESC_INIT]);
	d->process = az_desc_fn(init, idx[AZ_DESC_PROCESS]);
	d->tick = az_desc_fn(init, idx[AZ_DESC_TICK]);
	d->fini = az_desc_fn(init, idx[AZ_DESC_FINI]);
	d->stats = az_desc_fn(init, idx[AZ_DESC_STATS]);
}

size_t
az_module_descriptors(struct az_module *m, struct az_descriptor *out,
		      size_t max)
{
	LLVMValueRef g;
	size_t n = 0;

	for (g = LLVMGetFirstGlobal(m->mod); g; g = LLVMGetNextGlobal(g)) {
		if (LLVMIsDeclaration(g) || !az_is_descriptor(m, g))
			continue;
		if (n < max)
			az_desc_read(m, g, &out[n]);
		n++;
	}
	return n;
}
