/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outside world: memory that unmodelled code may reach (escaped), the
 * functions it may call, and the roots the runtime or the system calls
 * (descriptor callbacks, main, uncalled exports), with their parameters
 * bound by type.
 */

#include <string.h>

#include "az_pta_impl.h"

#define AZ_DESC_MAX	16

/* A function the outside world may call with anything escaped. */
static void
az_bind_escaped_fn(struct az_pta *p, LLVMValueRef fn)
{
	unsigned int i, np = LLVMCountParams(fn);
	uint32_t n;

	for (i = 0; i < np; i++) {
		n = az_pta_node(p, LLVMGetParam(fn, i));
		if (n != AZ_NODE_NONE)
			az_pta_add_edge(p, p->esc, n);
	}
	az_pta_add_edge(p, az_pta_ret_node(p, fn), p->esc);
}

void
az_pta_escape_obj(struct az_pta *p, az_obj_t o)
{
	struct az_obj *ob = &p->objs[o];
	uint32_t i, n;

	if (ob->info.escaped)
		return;
	ob->info.escaped = true;
	for (i = 0; i < ob->n_fields; i++) {
		n = p->locs[ob->fields[i].loc].node;
		az_pta_add_edge(p, n, p->esc);
		az_pta_add_edge(p, p->esc, n);
	}
	if (ob->info.kind == AZ_OBJ_FUNCTION &&
	    !LLVMIsDeclaration(ob->info.site)) {
		az_bind_escaped_fn(p, ob->info.site);
		az_pta_add_approx(p, AZ_APPROX_ESCAPED_ROOT,
				  az_module_fn_name(ob->info.site),
				  ob->info.site, "may be called by external "
				  "code with any escaped memory");
	}
}

/* Parameters of a function the runtime calls, bound by their type. */
static void
az_bind_typed_root(struct az_pta *p, LLVMValueRef fn)
{
	unsigned int i, np = LLVMCountParams(fn);
	LLVMTypeRef ty, el;
	const char *sname;
	uint32_t n;

	for (i = 0; i < np; i++) {
		n = az_pta_node(p, LLVMGetParam(fn, i));
		ty = LLVMTypeOf(LLVMGetParam(fn, i));
		if (n == AZ_NODE_NONE ||
		    LLVMGetTypeKind(ty) != LLVMPointerTypeKind)
			continue;
		el = LLVMGetElementType(ty);
		sname = LLVMGetTypeKind(el) == LLVMStructTypeKind ?
			LLVMGetStructName(el) : NULL;
		if (sname != NULL && strncmp(sname, "struct.sa_pkt", 13) == 0 &&
		    (sname[13] == '\0' || sname[13] == '.'))
			az_pta_add_edge(p, az_pta_addr_node(p,
					az_pta_pktdesc_obj(p), AZ_OFF_ANY), n);
		else
			az_pta_add_edge(p, az_pta_addr_node(p, p->env,
							    AZ_OFF_ANY), n);
	}
}

static bool
az_fn_uncalled_export(LLVMValueRef fn)
{
	LLVMLinkage l = LLVMGetLinkage(fn);

	return !LLVMIsDeclaration(fn) && LLVMGetFirstUse(fn) == NULL &&
	       l != LLVMInternalLinkage && l != LLVMPrivateLinkage;
}

int
az_pta_bind_roots(struct az_pta *p)
{
	struct az_descriptor d[AZ_DESC_MAX];
	size_t i, nd;
	LLVMValueRef fn;

	if (p->opts.roots != NULL) {
		for (i = 0; i < p->opts.n_roots; i++)
			az_bind_typed_root(p, p->opts.roots[i]);
		return 0;
	}
	nd = az_module_descriptors(p->m, d, AZ_DESC_MAX);
	for (i = 0; i < nd && i < AZ_DESC_MAX; i++) {
		LLVMValueRef cbs[] = { d[i].init, d[i].process, d[i].tick,
				       d[i].fini, d[i].stats };
		size_t k;

		for (k = 0; k < sizeof(cbs) / sizeof(cbs[0]); k++)
			if (cbs[k] != NULL)
				az_bind_typed_root(p, cbs[k]);
	}
	fn = LLVMGetNamedFunction(p->mod, "main");
	if (fn != NULL && !LLVMIsDeclaration(fn))
		az_bind_typed_root(p, fn);
	/* Without a descriptor the module may be a library or a program
	 * whose callers are unknown: exported functions nobody calls get
	 * unknown arguments. */
	for (fn = LLVMGetFirstFunction(p->mod); nd == 0 && fn;
	     fn = LLVMGetNextFunction(fn)) {
		if (!az_fn_uncalled_export(fn) ||
		    strcmp(az_module_fn_name(fn), "main") == 0)
			continue;
		az_bind_escaped_fn(p, fn);
		az_pta_add_approx(p, AZ_APPROX_ESCAPED_ROOT,
				  az_module_fn_name(fn), fn, "exported and "
				  "not called in the module: arguments may "
				  "be any escaped memory");
	}
	return 0;
}

