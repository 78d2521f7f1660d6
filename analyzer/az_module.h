/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_MODULE_H
#define AZ_MODULE_H

/**
 * @file
 * The module under analysis: loading, verification, preparation, source
 * locations, debug-info types and the sa_middlebox descriptor.
 *
 * Contract:
 * - az_module_load() reads a .bc (bitcode magic) or textual .ll file into
 *   its own LLVMContext and verifies it. It returns 0, -ENOENT / -EACCES /
 *   -EISDIR (cannot read, after an error naming the file), -EINVAL (not
 *   LLVM IR, or IR that fails verification: the parser's / verifier's
 *   message is printed with the file name). The module is freed with
 *   az_module_free(), which disposes the LLVM module and context.
 * - az_module_prepare() runs "mem2reg" (and nothing that inlines, deletes
 *   stores to globals or changes the call graph) so that -O0 code has SSA
 *   values instead of stack slots. Run it once, before any analysis: the
 *   analyses key their results on LLVMValueRef of the prepared module.
 *   Returns 0 or -EINVAL (pass pipeline error, message printed).
 * - Every string returned (names, file names, type names) is owned by the
 *   module and lives until az_module_free(). Types (struct az_type) are
 *   interned per module: compare them by pointer.
 * - Debug info is used when present (clang -g). Without it names come from
 *   the IR (value names, "struct.x" types, members "f<i>"), the module says
 *   so once through az_log (note), and az_module_has_debug_info() is
 *   false. A value with neither (e.g. an unnamed temporary) gets "<anon>".
 * - Not thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "az_log.h"

#ifdef __cplusplus
extern "C" {
#endif

struct az_module;

/** A source position; file NULL when unknown (then line and col are 0). */
struct az_srcloc {
	const char *file;	/**< as in the debug info (DIFile filename) */
	unsigned int line;
	unsigned int col;
};

enum az_type_kind {
	AZ_TYPE_UNKNOWN = 0,	/**< no information (opaque, void) */
	AZ_TYPE_SCALAR,		/**< integer, float, bool, enum */
	AZ_TYPE_POINTER,	/**< elem: the pointee (NULL if unknown/void) */
	AZ_TYPE_STRUCT,		/**< fields */
	AZ_TYPE_UNION,		/**< fields, all at offset 0 */
	AZ_TYPE_ARRAY,		/**< elem, count (0: unknown / flexible) */
	AZ_TYPE_FUNCTION,	/**< a function (type of a function object) */
};

struct az_type;

/** A member of a struct or union. */
struct az_field {
	const char *name;	/**< member name; "<anon>" for unnamed */
	uint64_t offset;	/**< bytes from the start of the aggregate */
	uint64_t size;		/**< bytes; bit-fields: the bytes they span */
	const struct az_type *type;
};

/** A type, typedefs and qualifiers looked through (name keeps them). */
struct az_type {
	enum az_type_kind kind;
	/** C spelling: "uint32_t", "struct nat_config", "uint8_t *",
	 *  "struct nat_session[16]", "union <anon>". */
	const char *name;
	uint64_t size;			/**< bytes, 0 unknown */
	const struct az_type *elem;	/**< POINTER / ARRAY */
	uint64_t count;			/**< ARRAY: elements, 0 unknown */
	unsigned int n_fields;		/**< STRUCT / UNION */
	const struct az_field *fields;
	bool from_ir;			/**< built from IR, not debug info */
};

/** What debug info (or, failing it, the IR) says about a variable. */
struct az_var {
	const char *name;		/**< source name, or IR name */
	struct az_srcloc loc;		/**< declaration */
	const struct az_type *type;	/**< never NULL: UNKNOWN at worst */
	/** Function a local or function-static belongs to, else NULL. */
	LLVMValueRef func;
	bool is_static;			/**< internal linkage (file or function) */
	bool from_debug_info;
};

/** One registered struct sa_middlebox and its callbacks (NULL if unset). */
struct az_descriptor {
	LLVMValueRef global;		/**< the descriptor variable */
	const char *name;		/**< its .name string, NULL if not constant */
	LLVMValueRef init;
	LLVMValueRef process;
	LLVMValueRef tick;
	LLVMValueRef fini;
	LLVMValueRef stats;
};

/**
 * Loads @p path (.bc or .ll) and verifies it.
 * @return 0; -ENOENT/-EACCES/-EISDIR/-EIO if unreadable; -EINVAL if not
 *   valid LLVM IR; -ENOMEM.
 */
int az_module_load(const char *path, struct az_module **out);

/**
 * Runs the preparation pipeline (mem2reg) on every defined function except
 * the @p n_keep functions in @p keep (loop procedures, whose stack
 * variables are loop-local state and must stay memory objects; see
 * az_entry_loop_procs()). @p keep may be NULL. @return 0 or -EINVAL.
 */
int az_module_prepare(struct az_module *m, const LLVMValueRef *keep,
		      size_t n_keep);

/** Frees @p m and its LLVM module and context; NULL is ignored. */
void az_module_free(struct az_module *m);

LLVMModuleRef az_module_llvm(const struct az_module *m);
LLVMContextRef az_module_context(const struct az_module *m);
/** Data layout of the module (sizes, struct element offsets). */
LLVMTargetDataRef az_module_target_data(const struct az_module *m);
const char *az_module_path(const struct az_module *m);
bool az_module_has_debug_info(const struct az_module *m);
/** Number of defined functions / instructions (for the summary). */
size_t az_module_n_functions(const struct az_module *m);
size_t az_module_n_instructions(const struct az_module *m);

/** The function's name (never NULL). */
const char *az_module_fn_name(LLVMValueRef fn);

/**
 * Source location of an instruction, global, function or argument
 * (its function's). @return 0, or -ENOENT with @p loc zeroed.
 */
int az_module_loc(struct az_module *m, LLVMValueRef v, struct az_srcloc *loc);

/** "file:line" (or "file:line:col" when @p with_col) of @p v into @p buf;
 *  "<unknown>" if no location. Returns @p buf. */
char *az_module_loc_str(struct az_module *m, LLVMValueRef v, bool with_col,
			char *buf, size_t size);

/** az_diag() at @p v's location; falls back to the enclosing function's
 *  name when @p v has no location. */
void az_module_diag(struct az_module *m, enum az_log_level level,
		    LLVMValueRef v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Variable information of a global, an alloca (through its dbg.declare),
 * a function argument, or a function (name, location, function type).
 * @return 0, or -EINVAL for other values (out filled from the IR anyway).
 */
int az_module_var(struct az_module *m, LLVMValueRef v, struct az_var *out);

/** Type of an IR type: the debug-info struct of the same name when there
 *  is one (so heap objects typed by a cast get member names), else built
 *  from the IR. Never NULL. */
const struct az_type *az_module_ir_type(struct az_module *m, LLVMTypeRef ty);

/**
 * The leaf member of @p t covering byte @p off, with arrays folded to
 * their element (offset modulo element size), as the report names fields,
 * relative to the object: "pool.n", "sessions[].ext_port", "buf[]"; an
 * object that is itself an array gives "[].port" (prefix the object's
 * name). Scalars and unknown types give the empty name "". In a union the
 * first member covering @p off is taken. @p field_off / @p field_size (may be NULL) get
 * the leaf's folded offset and size.
 * @return 0; -ERANGE if @p off is outside a known size; -ENOSPC if the
 *   name did not fit (truncated).
 */
int az_type_field_at(const struct az_type *t, uint64_t off, char *name,
		     size_t size, uint64_t *field_off, uint64_t *field_size);

/** Callback of az_type_leaves(): one leaf (scalar or pointer member). */
typedef int (*az_type_leaf_cb)(void *arg, const char *name, uint64_t off,
			       uint64_t size, const struct az_type *type);

/** Calls @p cb for every leaf of @p t in offset order, arrays folded
 *  (one visit per element member), every member of a union (they
 *  overlap). Stops at and returns the first non-zero return of @p cb;
 *  0 otherwise. */
int az_type_leaves(const struct az_type *t, az_type_leaf_cb cb, void *arg);

/**
 * Finds the sa_middlebox descriptors: globals whose (debug-info or IR)
 * type is struct sa_middlebox, with the callbacks read from their
 * constant initializers. @return how many were found (may exceed
 * @p max; only the first @p max are written).
 */
size_t az_module_descriptors(struct az_module *m, struct az_descriptor *out,
			     size_t max);

#ifdef __cplusplus
}
#endif

#endif /* AZ_MODULE_H */
