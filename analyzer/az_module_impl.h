/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_MODULE_IMPL_H
#define AZ_MODULE_IMPL_H

/*
 * Layout of struct az_module, shared by az_module.c (loading, locations,
 * descriptors) and az_module_di.c (debug-info types and variables).
 */

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "az_module.h"
#include "az_util.h"

/* Operand positions in LLVM 14's DI nodes. */
#define AZ_DI_TYPE_NAME		2	/* DIType: file, scope, name */
#define AZ_DI_TYPE_BASE		3	/* DIDerived/DIComposite: baseType */
#define AZ_DI_COMP_ELEMENTS	4	/* DICompositeType: elements */
#define AZ_DI_SUBR_TYPES	3	/* DISubroutineType: types */
#define AZ_DI_VAR_SCOPE		0	/* DIVariable: scope, name, file, type */
#define AZ_DI_VAR_NAME		1
#define AZ_DI_VAR_TYPE		3
#define AZ_DI_SP_TYPE		4	/* DISubprogram: ..., type */
#define AZ_DI_BLOCK_SCOPE	1	/* DILexicalBlock(File): file, scope */
#define AZ_DI_RANGE_COUNT	0	/* DISubrange: count */
/* Nesting deeper than this is a cycle through typedefs, or absurd. */
#define AZ_DI_DEPTH_MAX		64
#define AZ_MD_OPS_SMALL		16

/* Operands of a metadata node (az_md_ops). */
struct az_mdops {
	LLVMValueRef *v;
	unsigned int n;
	LLVMValueRef small[AZ_MD_OPS_SMALL];
};

struct az_module {
	char *path;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMTargetDataRef td;
	bool has_di;
	bool prepared;
	bool scanned;		/* az_module_di_scan() ran */
	unsigned int dbg_kind;	/* metadata kind id of "dbg" */
	size_t n_funcs;
	size_t n_insts;
	struct az_strpool strs;
	/* Interned file names, keyed by the metadata's string pointer. */
	struct az_ptrmap files;
	struct az_ptrvec filev;
	/* Types: DI node or LLVMTypeRef -> index in typev. */
	struct az_ptrmap types;
	struct az_ptrvec typev;
	/* Typedef copies to refresh from their targets: (copy, target). */
	struct az_ptrvec tdfix;
	/* Struct tag or typedef name -> DI node of its definition. */
	struct az_strmap by_name;
	/* Variables: alloca / argument -> DILocalVariable (as value). */
	struct az_ptrmap var_of;
	struct az_ptrvec varv;
	/* DISubprogram -> defined function, for the scope of statics. */
	struct az_ptrmap fn_of_sp;
	struct az_ptrvec fnv;
	struct az_type unknown;
};

/* Interns a (not necessarily NUL-terminated) string; NULL if len is 0. */
const char *az_module_intern(struct az_module *m, const char *s, size_t len);
/* Operands of @p md; -EINVAL if it is not a node. Fini after use. */
int az_md_ops(struct az_module *m, LLVMMetadataRef md, struct az_mdops *o);
void az_md_ops_fini(struct az_mdops *o);
/* Operand @p i as metadata / as an interned string; NULL when absent. */
LLVMMetadataRef az_md_op(struct az_module *m, LLVMMetadataRef md,
			 unsigned int i);
const char *az_md_str(struct az_module *m, LLVMMetadataRef md,
		      unsigned int i);
/* The type of DI type node @p md (NULL: void, unknown). */
const struct az_type *az_di_type(struct az_module *m, LLVMMetadataRef md,
				 unsigned int depth);
/* The typedef copies made while building a type, refreshed. */
void az_di_fixup(struct az_module *m);

/* Walks debug info once: variables of allocas and arguments, subprograms,
 * and every named struct type. */
int az_module_di_scan(struct az_module *m);
/* Forgets what was cached per value (allocas, arguments) when the IR
 * changes; types stay valid. */
void az_module_di_reset(struct az_module *m);
/* Releases the debug-info caches. */
void az_module_di_fini(struct az_module *m);

#endif /* AZ_MODULE_IMPL_H */
