/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The library model table (az_models.def) and the user's additions to
 * the output and receive lists. Lookups go through a name map built on
 * first use.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "az_models.h"
#include "az_util.h"

/* Effect constructors for az_models.def. */
#define AZ_E(k, a, a2, ...)						\
	{ .kind = (k), .arg = (a), .arg2 = (a2), __VA_ARGS__ }
#define LARG(i)		.len = AZ_LEN_ARG, .len_arg = (i)
#define LMUL(i, j)	.len = AZ_LEN_ARG_MUL, .len_arg = (i), .len_arg2 = (j)
#define LSTR		.len = AZ_LEN_STR
#define LANY		.len = AZ_LEN_ANY
#define LDEREF		.len = AZ_LEN_DEREF
#define ARGBIT(i)	(1u << (i))
#define CBS(a, b, c, d)	.cb = { (a), (b), (c), (d) }

#define READ(a, L)		AZ_E(AZ_EFF_READ, a, -1, L)
#define READ_DEEP(a)		AZ_E(AZ_EFF_READ, a, -1, LANY, \
				     .flags = AZ_EFF_F_DEEP)
#define WRITE(a, L)		AZ_E(AZ_EFF_WRITE, a, -1, L)
#define WRITEP(a, L)		AZ_E(AZ_EFF_WRITE, a, -1, L, \
				     .flags = AZ_EFF_F_PACKET)
#define WRITE_DEEP(a)		AZ_E(AZ_EFF_WRITE, a, -1, LANY, \
				     .flags = AZ_EFF_F_DEEP)
#define WRITE_DEEP_PKT(a)	AZ_E(AZ_EFF_WRITE, a, -1, LANY, \
				     .flags = AZ_EFF_F_DEEP | AZ_EFF_F_PACKET)
#define COPY(d, s, L)		AZ_E(AZ_EFF_COPY, d, s, L)
#define RET_ARG(a)		AZ_E(AZ_EFF_RET_ARG, a, -1, .len = 0)
#define RET_INSIDE(a)		AZ_E(AZ_EFF_RET_INSIDE, a, -1, .len = 0)
#define RET_ALLOC		AZ_E(AZ_EFF_RET_ALLOC, -1, -1, .len = 0)
#define RET_STATIC		AZ_E(AZ_EFF_RET_STATIC, -1, -1, .len = 0)
#define RET_PACKET		AZ_E(AZ_EFF_RET_PACKET, -1, -1, .len = 0)
#define RET_KEPT		AZ_E(AZ_EFF_RET_KEPT, -1, -1, .len = 0)
#define KEEP_ARG(a)		AZ_E(AZ_EFF_KEEP_ARG, a, -1, .len = 0)
#define OUT_KEPT(a)		AZ_E(AZ_EFF_OUT_KEPT, a, -1, .len = 0)
#define OUT_INSIDE(a, s)	AZ_E(AZ_EFF_OUT_INSIDE, a, s, .len = 0)
#define OUT_ALLOC(a)		AZ_E(AZ_EFF_OUT_ALLOC, a, -1, .len = 0)
#define OUT_STATIC(a)		AZ_E(AZ_EFF_OUT_STATIC, a, -1, .len = 0)
#define OUT_PACKET(a)		AZ_E(AZ_EFF_OUT_PACKET, a, -1, .len = 0)
#define OUT_PKTDESC(a)		AZ_E(AZ_EFF_OUT_PKTDESC, a, -1, .len = 0)
#define FREE(a)			AZ_E(AZ_EFF_FREE, a, -1, .len = 0)
#define CALLBACK0(f)		AZ_E(AZ_EFF_CALLBACK, f, -1, \
				     CBS(AZ_SRC_NONE, AZ_SRC_NONE, \
					 AZ_SRC_NONE, AZ_SRC_NONE))
#define CALLBACK1(f, a)		AZ_E(AZ_EFF_CALLBACK, f, -1, \
				     CBS(a, AZ_SRC_NONE, AZ_SRC_NONE, \
					 AZ_SRC_NONE))
#define CALLBACK2(f, a, b)	AZ_E(AZ_EFF_CALLBACK, f, -1, \
				     CBS(a, b, AZ_SRC_NONE, AZ_SRC_NONE))
#define CALLBACK3(f, a, b, c)	AZ_E(AZ_EFF_CALLBACK, f, -1, \
				     CBS(a, b, c, AZ_SRC_NONE))
#define CALLBACK3T(f, a, b, c, t) AZ_E(AZ_EFF_CALLBACK, f, t, \
				     CBS(a, b, c, AZ_SRC_NONE))
#define KEY(a, t, L)		AZ_E(AZ_EFF_KEY, a, t, L)
#define READ_TKEY(t)		AZ_E(AZ_EFF_READ_TKEY, t, -1, LANY)
#define WRITE_TKEY(t)		AZ_E(AZ_EFF_WRITE_TKEY, t, -1, LANY)
#define WRITE_TVAL(t)		AZ_E(AZ_EFF_WRITE_TVAL, t, -1, LANY)
#define RET_TVAL(t)		AZ_E(AZ_EFF_RET_TVAL, t, -1, .len = 0)
#define RET_TKEY(t)		AZ_E(AZ_EFF_RET_TKEY, t, -1, .len = 0)
#define OUT_TVAL(t, o)		AZ_E(AZ_EFF_OUT_TVAL, t, o, .len = 0)
#define OUT_TKEY(t, o)		AZ_E(AZ_EFF_OUT_TKEY, t, o, .len = 0)
#define OUT_TABLE(a)		AZ_E(AZ_EFF_OUT_TABLE, a, -1, .len = 0)

#define AZ_EFFS(...)	((const struct az_effect[]){ __VA_ARGS__ })
#define AZ_NEFF(...)	(sizeof(AZ_EFFS(__VA_ARGS__)) /			\
			 sizeof(struct az_effect))
#define AZ_MODEL(nm, fl, ...)						\
	{ .name = #nm, .flags = (fl), .table_arg = -1,			\
	  .eff = AZ_EFFS(__VA_ARGS__), .n_eff = AZ_NEFF(__VA_ARGS__) },
#define AZ_PURE(nm, fl)							\
	{ .name = #nm, .flags = (fl), .table_arg = -1 },
#define AZ_OVERRIDE(nm, fl, nb, bt, ta, ...)				\
	{ .name = #nm, .flags = (fl) | AZ_MODEL_OVERRIDE,		\
	  .nobind = (nb), .bind_table = (bt), .table_arg = (ta),	\
	  .eff = AZ_EFFS(__VA_ARGS__), .n_eff = AZ_NEFF(__VA_ARGS__) },

static const struct az_model az_models[] = {
#include "az_models.def"
};

#define AZ_N_MODELS	(sizeof(az_models) / sizeof(az_models[0]))

static struct az_strmap az_model_index;
static struct az_strmap az_user_outputs;
static struct az_strmap az_user_recvs;
static struct az_strpool az_user_names;

static void
az_models_index(void)
{
	unsigned int i;

	if (az_model_index.n != 0)
		return;
	for (i = 0; i < AZ_N_MODELS; i++)
		if (az_strmap_put(&az_model_index, az_models[i].name,
				  (void *)&az_models[i], false) < 0)
			return;
}

const struct az_model *
az_model_lookup(const char *name)
{
	az_models_index();
	return az_strmap_get(&az_model_index, name);
}

unsigned int
az_models_count(void)
{
	return AZ_N_MODELS;
}

const struct az_model *
az_models_at(unsigned int i)
{
	return i < AZ_N_MODELS ? &az_models[i] : NULL;
}

static int
az_models_add(struct az_strmap *map, const char *name)
{
	char *copy;

	if (name == NULL || name[0] == '\0')
		return -EINVAL;
	copy = az_strpool_add(&az_user_names, name, strlen(name));
	if (copy == NULL)
		return -ENOMEM;
	return az_strmap_put(map, copy, copy, false);
}

int
az_models_add_output(const char *name)
{
	return az_models_add(&az_user_outputs, name);
}

int
az_models_add_recv(const char *name)
{
	return az_models_add(&az_user_recvs, name);
}

void
az_models_reset(void)
{
	az_strmap_fini(&az_user_outputs);
	az_strmap_fini(&az_user_recvs);
	az_strpool_fini(&az_user_names);
}

bool
az_model_is_output(const char *name)
{
	const struct az_model *m = az_model_lookup(name);

	return (m != NULL && (m->flags & AZ_MODEL_OUTPUT)) ||
	       az_strmap_get(&az_user_outputs, name) != NULL;
}

bool
az_model_is_recv(const char *name)
{
	const struct az_model *m = az_model_lookup(name);

	return (m != NULL && (m->flags & AZ_MODEL_RECV)) ||
	       az_strmap_get(&az_user_recvs, name) != NULL;
}
