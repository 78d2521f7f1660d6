/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Debug-info side of the module: types and variables as the report names
 * them. LLVM-C (14) has no DWARF tag accessor and no typed DI node API
 * beyond a few getters, so nodes are walked through their operands
 * (LLVMGetMDNodeOperands) at the positions the LLVM 14 node classes use,
 * and a derived / composite type's tag is read from the node's printed
 * form once per node (results are memoized per node).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "az_module_impl.h"

#define AZ_BITS			8
#define AZ_NAME_MAX		512

enum az_di_tag {
	AZ_TAG_OTHER = 0,
	AZ_TAG_POINTER,
	AZ_TAG_TYPEDEF,
	AZ_TAG_QUALIFIER,
	AZ_TAG_MEMBER,
	AZ_TAG_STRUCT,
	AZ_TAG_UNION,
	AZ_TAG_ARRAY,
	AZ_TAG_ENUM,
};

static const struct {
	const char *name;
	enum az_di_tag tag;
} az_di_tags[] = {
	{ "DW_TAG_pointer_type", AZ_TAG_POINTER },
	{ "DW_TAG_reference_type", AZ_TAG_POINTER },
	{ "DW_TAG_typedef", AZ_TAG_TYPEDEF },
	{ "DW_TAG_const_type", AZ_TAG_QUALIFIER },
	{ "DW_TAG_volatile_type", AZ_TAG_QUALIFIER },
	{ "DW_TAG_restrict_type", AZ_TAG_QUALIFIER },
	{ "DW_TAG_atomic_type", AZ_TAG_QUALIFIER },
	{ "DW_TAG_member", AZ_TAG_MEMBER },
	{ "DW_TAG_structure_type", AZ_TAG_STRUCT },
	{ "DW_TAG_class_type", AZ_TAG_STRUCT },
	{ "DW_TAG_union_type", AZ_TAG_UNION },
	{ "DW_TAG_array_type", AZ_TAG_ARRAY },
	{ "DW_TAG_enumeration_type", AZ_TAG_ENUM },
};

int
az_md_ops(struct az_module *m, LLVMMetadataRef md, struct az_mdops *o)
{
	LLVMValueRef v = LLVMMetadataAsValue(m->ctx, md);

	o->v = o->small;
	o->n = 0;
	if (LLVMIsAMDNode(v) == NULL)
		return -EINVAL;
	o->n = LLVMGetMDNodeNumOperands(v);
	if (o->n > AZ_MD_OPS_SMALL) {
		o->v = malloc(o->n * sizeof(*o->v));
		if (o->v == NULL) {
			o->n = 0;
			return -ENOMEM;
		}
	}
	LLVMGetMDNodeOperands(v, o->v);
	return 0;
}

void
az_md_ops_fini(struct az_mdops *o)
{
	if (o->v != o->small)
		free(o->v);
}

/* Operand @p i of @p md as metadata, NULL when absent. */
LLVMMetadataRef
az_md_op(struct az_module *m, LLVMMetadataRef md, unsigned int i)
{
	struct az_mdops o;
	LLVMMetadataRef r = NULL;

	if (az_md_ops(m, md, &o) == 0 && i < o.n && o.v[i] != NULL)
		r = LLVMValueAsMetadata(o.v[i]);
	az_md_ops_fini(&o);
	return r;
}

/* String operand @p i of @p md, interned; NULL when absent or empty. */
const char *
az_md_str(struct az_module *m, LLVMMetadataRef md, unsigned int i)
{
	struct az_mdops o;
	const char *s = NULL, *r = NULL;
	unsigned int len = 0;

	if (az_md_ops(m, md, &o) == 0 && i < o.n && o.v[i] != NULL)
		s = LLVMGetMDString(o.v[i], &len);
	if (s != NULL && len != 0)
		r = az_module_intern(m, s, len);
	az_md_ops_fini(&o);
	return r;
}

static enum az_di_tag
az_di_tag(struct az_module *m, LLVMMetadataRef md)
{
	char *text = LLVMPrintValueToString(LLVMMetadataAsValue(m->ctx, md));
	const char *t = strstr(text, "tag: ");
	enum az_di_tag tag = AZ_TAG_OTHER;
	size_t i, len;

	if (t != NULL) {
		t += strlen("tag: ");
		len = strcspn(t, ",)");
		for (i = 0; i < sizeof(az_di_tags) / sizeof(az_di_tags[0]); i++)
			if (strlen(az_di_tags[i].name) == len &&
			    strncmp(t, az_di_tags[i].name, len) == 0)
				tag = az_di_tags[i].tag;
	}
	LLVMDisposeMessage(text);
	return tag;
}

/* --- types --------------------------------------------------------- */

/* Allocations of the type graph, all freed together by az_module_free. */
static void *
az_type_alloc(struct az_module *m, size_t size)
{
	void *p = calloc(1, size);

	if (p != NULL && az_ptrvec_push(&m->typev, p) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* A new type memoized under @p key (a DI node or an LLVMTypeRef). */
static struct az_type *
az_type_new(struct az_module *m, const void *key, enum az_type_kind kind)
{
	struct az_type *t = az_type_alloc(m, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->kind = kind;
	t->name = m->unknown.name;
	if (key != NULL &&
	    az_ptrmap_put(&m->types, key, (uint32_t)(m->typev.n - 1)) < 0)
		return NULL;
	return t;
}

static const struct az_type *
az_type_memo(const struct az_module *m, const void *key)
{
	uint32_t i = az_ptrmap_get(&m->types, key);

	return i == AZ_PTRMAP_NONE ? NULL : m->typev.v[i];
}

static const char *
az_ptr_name(struct az_module *m, const struct az_type *elem)
{
	const char *en = elem != NULL ? elem->name : "void";
	size_t len = strlen(en);

	return az_strpool_printf(&m->strs, "%s%s*", en,
				 len != 0 && en[len - 1] == '*' ? "" : " ");
}

/* A typedef is a copy of its target under its own name. The target may
 * still be under construction (a struct reached through a pointer to
 * itself), so the copy is refreshed once the outermost build is done. */
static const struct az_type *
az_di_typedef(struct az_module *m, LLVMMetadataRef md, unsigned int depth)
{
	const char *name = az_md_str(m, md, AZ_DI_TYPE_NAME);
	struct az_type *t = az_type_new(m, md, AZ_TYPE_UNKNOWN);
	const struct az_type *base;

	if (t == NULL)
		return &m->unknown;
	base = az_di_type(m, az_md_op(m, md, AZ_DI_TYPE_BASE), depth + 1);
	*t = *base;
	if (name != NULL)
		t->name = name;
	if (az_ptrvec_push(&m->tdfix, t) == 0 &&
	    az_ptrvec_push(&m->tdfix, (void *)base) < 0)
		m->tdfix.n--;
	return t;
}

static const struct az_type *
az_di_derived(struct az_module *m, LLVMMetadataRef md, unsigned int depth)
{
	LLVMMetadataRef base = az_md_op(m, md, AZ_DI_TYPE_BASE);
	struct az_type *t;

	switch (az_di_tag(m, md)) {
	case AZ_TAG_POINTER:
		t = az_type_new(m, md, AZ_TYPE_POINTER);
		if (t == NULL)
			return &m->unknown;
		t->size = LLVMDITypeGetSizeInBits(md) / AZ_BITS;
		t->elem = base != NULL ? az_di_type(m, base, depth + 1)
				       : NULL;
		t->name = az_ptr_name(m, t->elem);
		return t;
	case AZ_TAG_TYPEDEF:
		return az_di_typedef(m, md, depth);
	default:
		/* Qualifiers and members stand for their base type. */
		return az_di_type(m, base, depth + 1);
	}
}

static void
az_di_member(struct az_module *m, LLVMMetadataRef md, struct az_field *f,
	     unsigned int depth)
{
	uint64_t off = LLVMDITypeGetOffsetInBits(md);
	uint64_t bits = LLVMDITypeGetSizeInBits(md);
	const char *name = az_md_str(m, md, AZ_DI_TYPE_NAME);

	f->name = name != NULL ? name : "<anon>";
	f->type = az_di_type(m, az_md_op(m, md, AZ_DI_TYPE_BASE),
			     depth + 1);
	f->offset = off / AZ_BITS;
	/* A bit-field covers the bytes its bits span. */
	f->size = (off % AZ_BITS + bits + AZ_BITS - 1) / AZ_BITS;
	if (f->size == 0)
		f->size = f->type->size;
}

static const struct az_type *
az_di_record(struct az_module *m, LLVMMetadataRef md, enum az_di_tag tag,
	     unsigned int depth)
{
	LLVMMetadataRef elems = az_md_op(m, md, AZ_DI_COMP_ELEMENTS);
	const char *name = az_md_str(m, md, AZ_DI_TYPE_NAME);
	LLVMMetadataRef def;
	struct az_field *fields;
	struct az_type *t;
	struct az_mdops o;
	unsigned int i;

	/* A declaration stands for the definition elsewhere in the module. */
	if (elems == NULL && name != NULL) {
		def = az_strmap_get(&m->by_name, name);
		if (def != NULL && def != md &&
		    az_md_op(m, def, AZ_DI_COMP_ELEMENTS) != NULL)
			return az_di_type(m, def, depth + 1);
	}
	t = az_type_new(m, md, tag == AZ_TAG_UNION ? AZ_TYPE_UNION :
						    AZ_TYPE_STRUCT);
	if (t == NULL)
		return &m->unknown;
	t->name = az_strpool_printf(&m->strs, "%s %s",
				    tag == AZ_TAG_UNION ? "union" : "struct",
				    name != NULL ? name : "<anon>");
	t->size = LLVMDITypeGetSizeInBits(md) / AZ_BITS;
	if (elems == NULL || az_md_ops(m, elems, &o) < 0)
		return t;
	fields = az_type_alloc(m, (o.n ? o.n : 1) * sizeof(*fields));
	for (i = 0; fields != NULL && i < o.n; i++) {
		LLVMMetadataRef e = o.v[i] ? LLVMValueAsMetadata(o.v[i]) : NULL;

		if (e == NULL ||
		    LLVMGetMetadataKind(e) != LLVMDIDerivedTypeMetadataKind)
			continue;
		az_di_member(m, e, &fields[t->n_fields++], depth);
	}
	t->fields = fields;
	az_md_ops_fini(&o);
	return t;
}

/* Number of elements of a DISubrange: a constant count, else 0. */
static uint64_t
az_di_count(struct az_module *m, LLVMMetadataRef range)
{
	struct az_mdops o;
	int64_t c = 0;

	if (az_md_ops(m, range, &o) == 0 && o.n > AZ_DI_RANGE_COUNT &&
	    o.v[AZ_DI_RANGE_COUNT] != NULL &&
	    LLVMIsAConstantInt(o.v[AZ_DI_RANGE_COUNT]))
		c = LLVMConstIntGetSExtValue(o.v[AZ_DI_RANGE_COUNT]);
	az_md_ops_fini(&o);
	return c > 0 ? (uint64_t)c : 0;
}

/* T x[a][b] is one DI node with two subranges: built as an array of a
 * arrays of b, the outer one memoized under the node. */
static const struct az_type *
az_di_array(struct az_module *m, LLVMMetadataRef md, unsigned int depth)
{
	const struct az_type *elem;
	const char *base_name;
	LLVMMetadataRef elems = az_md_op(m, md, AZ_DI_COMP_ELEMENTS);
	struct az_type *t = NULL;
	struct az_mdops o;
	char dims[AZ_NAME_MAX] = "";
	size_t used = 0;
	unsigned int k;

	elem = az_di_type(m, az_md_op(m, md, AZ_DI_TYPE_BASE),
			  depth + 1);
	base_name = elem->name;
	if (elems == NULL || az_md_ops(m, elems, &o) < 0 || o.n == 0)
		return &m->unknown;
	for (k = o.n; k-- > 0;) {
		uint64_t c = o.v[k] ? az_di_count(m,
					LLVMValueAsMetadata(o.v[k])) : 0;
		char d[32];

		snprintf(d, sizeof(d), c ? "[%llu]" : "[]",
			 (unsigned long long)c);
		memmove(dims + strlen(d), dims, used + 1);
		memcpy(dims, d, strlen(d));
		used += strlen(d);
		t = az_type_new(m, k == 0 ? md : NULL, AZ_TYPE_ARRAY);
		if (t == NULL)
			break;
		t->elem = elem;
		t->count = c;
		t->size = c * elem->size;
		t->name = az_strpool_printf(&m->strs, "%s%s", base_name, dims);
		elem = t;
	}
	az_md_ops_fini(&o);
	return t != NULL ? t : &m->unknown;
}

static const struct az_type *
az_di_composite(struct az_module *m, LLVMMetadataRef md, unsigned int depth)
{
	enum az_di_tag tag = az_di_tag(m, md);
	const char *name;
	struct az_type *t;

	switch (tag) {
	case AZ_TAG_STRUCT:
	case AZ_TAG_UNION:
		return az_di_record(m, md, tag, depth);
	case AZ_TAG_ARRAY:
		return az_di_array(m, md, depth);
	default:
		t = az_type_new(m, md, tag == AZ_TAG_ENUM ? AZ_TYPE_SCALAR :
							    AZ_TYPE_UNKNOWN);
		if (t == NULL)
			return &m->unknown;
		name = az_md_str(m, md, AZ_DI_TYPE_NAME);
		t->name = az_strpool_printf(&m->strs, "enum %s",
					    name ? name : "<anon>");
		t->size = LLVMDITypeGetSizeInBits(md) / AZ_BITS;
		return t;
	}
}

static const struct az_type *
az_di_leaf(struct az_module *m, LLVMMetadataRef md, enum az_type_kind kind)
{
	struct az_type *t = az_type_new(m, md, kind);
	const char *name;

	if (t == NULL)
		return &m->unknown;
	if (kind == AZ_TYPE_FUNCTION) {
		t->name = "function";
		return t;
	}
	name = az_md_str(m, md, AZ_DI_TYPE_NAME);
	t->name = name != NULL ? name : "<anon>";
	t->size = LLVMDITypeGetSizeInBits(md) / AZ_BITS;
	return t;
}

void
az_di_fixup(struct az_module *m)
{
	struct az_type *t;
	const char *name;
	size_t i;

	for (i = 0; i + 1 < m->tdfix.n; i += 2) {
		t = m->tdfix.v[i];
		name = t->name;
		*t = *(const struct az_type *)m->tdfix.v[i + 1];
		t->name = name;
	}
	m->tdfix.n = 0;
}

const struct az_type *
az_di_type(struct az_module *m, LLVMMetadataRef md, unsigned int depth)
{
	const struct az_type *t;

	if (md == NULL || depth > AZ_DI_DEPTH_MAX)
		return &m->unknown;
	t = az_type_memo(m, md);
	if (t != NULL)
		return t;
	switch (LLVMGetMetadataKind(md)) {
	case LLVMDIBasicTypeMetadataKind:
		t = az_di_leaf(m, md, AZ_TYPE_SCALAR);
		break;
	case LLVMDISubroutineTypeMetadataKind:
		t = az_di_leaf(m, md, AZ_TYPE_FUNCTION);
		break;
	case LLVMDIDerivedTypeMetadataKind:
		t = az_di_derived(m, md, depth);
		break;
	case LLVMDICompositeTypeMetadataKind:
		t = az_di_composite(m, md, depth);
		break;
	default:
		t = &m->unknown;
		break;
	}
	if (depth == 0)
		az_di_fixup(m);
	return t;
}

/* --- IR types ------------------------------------------------------ */

/* "struct.nat_session.12" -> "nat_session": the tag name clang gave the
 * type, without the suffix llvm-link appends to duplicates. */
static const char *
az_ir_tag_name(struct az_module *m, LLVMTypeRef ty, bool *is_union)
{
	const char *name = LLVMGetStructName(ty), *p;
	size_t len;

	*is_union = false;
	if (name == NULL)
		return NULL;
	if (strncmp(name, "struct.", 7) == 0) {
		name += 7;
	} else if (strncmp(name, "union.", 6) == 0) {
		name += 6;
		*is_union = true;
	}
	len = strlen(name);
	p = strrchr(name, '.');
	if (p != NULL && p[1] != '\0' && strspn(p + 1, "0123456789") ==
	    strlen(p + 1))
		len = (size_t)(p - name);
	return az_strpool_add(&m->strs, name, len);
}

static const struct az_type *
az_ir_struct(struct az_module *m, LLVMTypeRef ty)
{
	unsigned int i, n = LLVMCountStructElementTypes(ty);
	struct az_field *fields;
	const char *tag;
	LLVMMetadataRef def;
	struct az_type *t;
	bool is_union;

	tag = az_ir_tag_name(m, ty, &is_union);
	if (tag != NULL && m->has_di) {
		def = az_strmap_get(&m->by_name, tag);
		if (def != NULL)
			return az_di_type(m, def, 0);
	}
	t = az_type_new(m, ty, is_union ? AZ_TYPE_UNION : AZ_TYPE_STRUCT);
	if (t == NULL)
		return &m->unknown;
	t->from_ir = true;
	t->name = az_strpool_printf(&m->strs, "%s %s",
				    is_union ? "union" : "struct",
				    tag != NULL ? tag : "<anon>");
	if (LLVMIsOpaqueStruct(ty) || !LLVMTypeIsSized(ty))
		return t;
	t->size = LLVMABISizeOfType(m->td, ty);
	fields = az_type_alloc(m, (n ? n : 1) * sizeof(*fields));
	for (i = 0; fields != NULL && i < n; i++) {
		LLVMTypeRef et = LLVMStructGetTypeAtIndex(ty, i);

		fields[i].name = az_strpool_printf(&m->strs, "f%u", i);
		fields[i].offset = LLVMOffsetOfElement(m->td, ty, i);
		fields[i].size = LLVMTypeIsSized(et) ?
				 LLVMABISizeOfType(m->td, et) : 0;
		fields[i].type = az_module_ir_type(m, et);
	}
	t->fields = fields;
	t->n_fields = fields != NULL ? n : 0;
	return t;
}

static const struct az_type *
az_ir_build(struct az_module *m, LLVMTypeRef ty)
{
	LLVMTypeKind kind = LLVMGetTypeKind(ty);
	struct az_type *t;

	if (kind == LLVMStructTypeKind)
		return az_ir_struct(m, ty);
	t = az_type_new(m, ty, AZ_TYPE_UNKNOWN);
	if (t == NULL)
		return &m->unknown;
	t->from_ir = true;
	if (LLVMTypeIsSized(ty) && kind != LLVMFunctionTypeKind)
		t->size = LLVMABISizeOfType(m->td, ty);
	switch (kind) {
	case LLVMPointerTypeKind:
		t->kind = AZ_TYPE_POINTER;
		t->elem = az_module_ir_type(m, LLVMGetElementType(ty));
		t->name = az_ptr_name(m, t->elem);
		break;
	case LLVMArrayTypeKind:
		t->kind = AZ_TYPE_ARRAY;
		t->elem = az_module_ir_type(m, LLVMGetElementType(ty));
		t->count = LLVMGetArrayLength(ty);
		t->name = az_strpool_printf(&m->strs, "%s[%llu]", t->elem->name,
					    (unsigned long long)t->count);
		break;
	case LLVMFunctionTypeKind:
		t->kind = AZ_TYPE_FUNCTION;
		t->name = "function";
		break;
	case LLVMIntegerTypeKind:
		t->kind = AZ_TYPE_SCALAR;
		t->name = az_strpool_printf(&m->strs, "i%u",
					    LLVMGetIntTypeWidth(ty));
		break;
	case LLVMVoidTypeKind:
		t->name = "void";
		break;
	default:
		if (t->size != 0) {
			t->kind = AZ_TYPE_SCALAR;
			t->name = kind == LLVMFloatTypeKind ? "float" :
				  kind == LLVMDoubleTypeKind ? "double" :
							       "scalar";
		}
		break;
	}
	return t;
}

const struct az_type *
az_module_ir_type(struct az_module *m, LLVMTypeRef ty)
{
	const struct az_type *t;

	if (ty == NULL)
		return &m->unknown;
	if (m->has_di && !m->scanned)
		az_module_di_scan(m);
	t = az_type_memo(m, ty);
	return t != NULL ? t : az_ir_build(m, ty);
}
