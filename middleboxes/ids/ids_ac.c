/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Aho-Corasick automaton construction (Aho and Corasick, "Efficient
 * string matching", CACM 1975), compiled to a full DFA.
 *
 * The input alphabet is reduced to byte classes: every byte that occurs in
 * some pattern has its own class, all other bytes share class 0, and for
 * the FOLD automaton 'A'..'Z' share the classes of 'a'..'z' (this is how
 * nocase costs nothing per byte). The transition table then has n_classes
 * columns instead of 256, which keeps a few thousand states within a
 * couple of MiB.
 *
 * Construction: a trie in temporary first-child/next-sibling form (its
 * node count is the exact number of states), then the dense table with
 * the trie edges, then one breadth-first pass that computes failure links
 * and fills every missing transition from the failure state's row, which
 * is complete by then because it is shallower. Each state also gets its
 * dictionary link: the nearest state on its failure chain that ends a
 * pattern, so that reporting every pattern ending at a position walks
 * only states that have one.
 *
 * Finally each entry becomes "row of the next state" (state * n_classes,
 * saving a multiply per byte) with IDS_AC_HIT set when the next state or
 * its dictionary chain ends a pattern: one load, one mask and one rarely
 * taken branch per input byte, whatever the patterns.
 */

#include <errno.h>
#include <string.h>

#include "ids.h"

#define IDS_BYTE_VALUES	256u

/* The trie while patterns are inserted. */
struct ids_trie {
	uint32_t *child;	/* first child */
	uint32_t *sibling;	/* next sibling */
	uint16_t *cls;		/* class of the edge into the node */
	uint32_t *out;		/* pattern ending at the node, or NONE */
	uint32_t n;
};

static uint32_t
ids_ac_classes(struct ids_ac *ac, enum ids_ac_kind kind,
	       const uint8_t **pats, const uint32_t *lens, uint32_t n)
{
	bool used[IDS_BYTE_VALUES] = { false };
	uint32_t i, j, k, n_used = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < lens[i]; j++)
			used[pats[i][j]] = true;
	for (i = 0; i < IDS_BYTE_VALUES; i++)
		n_used += used[i];
	/* Class 0 is for bytes in no pattern, unless every byte is in one. */
	k = n_used < IDS_BYTE_VALUES ? 1 : 0;
	memset(ac->map, 0, sizeof(ac->map));
	for (i = 0; i < IDS_BYTE_VALUES; i++)
		if (used[i])
			ac->map[i] = (uint8_t)k++;
	/* A FOLD pattern holds no upper-case letter: input ones fold. */
	if (kind == IDS_AC_FOLD)
		for (i = 'A'; i <= 'Z'; i++)
			ac->map[i] = ac->map[i - 'A' + 'a'];
	return k;
}

static void
ids_trie_free(struct ids_trie *t)
{
	sa_state_free(t->child);
	sa_state_free(t->sibling);
	sa_state_free(t->cls);
	sa_state_free(t->out);
}

static int
ids_trie_build(struct ids_trie *t, const struct ids_ac *ac,
	       const uint8_t **pats, const uint32_t *lens, uint32_t first,
	       uint32_t n)
{
	uint64_t max = 1;
	uint32_t i, j, s, c;

	for (i = 0; i < n; i++)
		max += lens[i];
	memset(t, 0, sizeof(*t));
	t->child = sa_state_alloc(sizeof(uint32_t) * max);
	t->sibling = sa_state_alloc(sizeof(uint32_t) * max);
	t->cls = sa_state_alloc(sizeof(uint16_t) * max);
	t->out = sa_state_alloc(sizeof(uint32_t) * max);
	if (t->child == NULL || t->sibling == NULL || t->cls == NULL ||
	    t->out == NULL)
		return -ENOMEM;
	t->n = 1;
	t->child[0] = IDS_NONE;
	t->out[0] = IDS_NONE;
	for (i = 0; i < n; i++) {
		for (s = 0, j = 0; j < lens[i]; j++) {
			uint16_t k = ac->map[pats[i][j]];

			for (c = t->child[s]; c != IDS_NONE; c = t->sibling[c])
				if (t->cls[c] == k)
					break;
			if (c == IDS_NONE) {
				c = t->n++;
				t->child[c] = IDS_NONE;
				t->out[c] = IDS_NONE;
				t->cls[c] = k;
				t->sibling[c] = t->child[s];
				t->child[s] = c;
			}
			s = c;
		}
		t->out[s] = first + i;
	}
	return 0;
}

/* Fills failure-derived transitions and dictionary links, breadth first;
 * entries are still state indices. */
static void
ids_ac_bfs(struct ids_ac *ac, uint32_t *queue, uint32_t *fail)
{
	uint32_t nc = ac->n_classes, head = 0, tail = 0, s, c, t, f;

	for (c = 0; c < nc; c++) {
		t = ac->trans[c];
		if (t == IDS_NONE) {
			ac->trans[c] = 0;
			continue;
		}
		fail[t] = 0;
		ac->dict[t] = IDS_NONE;
		queue[tail++] = t;
	}
	while (head < tail) {
		s = queue[head++];
		for (c = 0; c < nc; c++) {
			t = ac->trans[s * nc + c];
			f = ac->trans[fail[s] * nc + c];
			if (t == IDS_NONE) {
				ac->trans[s * nc + c] = f;
				continue;
			}
			fail[t] = f;
			ac->dict[t] = ac->out[f] != IDS_NONE ? f : ac->dict[f];
			queue[tail++] = t;
		}
	}
}

/* State indices to rows, flagging the states that report something. */
static void
ids_ac_rows(struct ids_ac *ac)
{
	uint64_t i, n = (uint64_t)ac->n_states * ac->n_classes;
	uint32_t t;

	for (i = 0; i < n; i++) {
		t = ac->trans[i];
		ac->trans[i] = t * ac->n_classes |
			(ac->out[t] != IDS_NONE || ac->dict[t] != IDS_NONE ?
			 IDS_AC_HIT : 0);
	}
}

static int
ids_ac_dense(struct ids_ac *ac, const struct ids_trie *t, uint32_t *mem_left)
{
	uint64_t cells = (uint64_t)t->n * ac->n_classes;
	uint64_t bytes = cells * sizeof(uint32_t) +
			 (uint64_t)t->n * 2 * sizeof(uint32_t);
	uint32_t s, c;

	if (bytes > *mem_left || cells > IDS_AC_ROW_MASK)
		return -E2BIG;
	*mem_left -= (uint32_t)bytes;
	ac->n_states = t->n;
	ac->trans = sa_state_alloc(cells * sizeof(uint32_t));
	ac->out = sa_state_alloc(sizeof(uint32_t) * t->n);
	ac->dict = sa_state_alloc(sizeof(uint32_t) * t->n);
	if (ac->trans == NULL || ac->out == NULL || ac->dict == NULL)
		return -ENOMEM;
	memset(ac->trans, 0xff, cells * sizeof(uint32_t));
	memcpy(ac->out, t->out, sizeof(uint32_t) * t->n);
	ac->dict[0] = IDS_NONE;
	for (s = 0; s < t->n; s++)
		for (c = t->child[s]; c != IDS_NONE; c = t->sibling[c])
			ac->trans[(uint64_t)s * ac->n_classes + t->cls[c]] = c;
	return 0;
}

/*
 * Builds @ac of @kind over the @n patterns @pats (lengths @lens, distinct,
 * FOLD ones already lower-case), reporting pattern first + i for pats[i].
 * @mem_left is the automaton memory budget left, reduced by what this one
 * takes. Returns 0, -E2BIG over budget, or -ENOMEM.
 */
int
ids_ac_build(struct ids_ac *ac, enum ids_ac_kind kind, const uint8_t **pats,
	     const uint32_t *lens, uint32_t first, uint32_t n,
	     uint32_t *mem_left)
{
	struct ids_trie t;
	uint32_t *queue = NULL, *fail = NULL;
	int rc;

	memset(ac, 0, sizeof(*ac));
	ac->n_classes = ids_ac_classes(ac, kind, pats, lens, n);
	ac->n_patterns = n;
	rc = ids_trie_build(&t, ac, pats, lens, first, n);
	if (rc == 0)
		rc = ids_ac_dense(ac, &t, mem_left);
	if (rc == 0) {
		queue = sa_state_alloc(sizeof(uint32_t) * t.n);
		fail = sa_state_alloc(sizeof(uint32_t) * t.n);
		rc = queue != NULL && fail != NULL ? 0 : -ENOMEM;
	}
	if (rc == 0) {
		ids_ac_bfs(ac, queue, fail);
		ids_ac_rows(ac);
	}
	sa_state_free(queue);
	sa_state_free(fail);
	ids_trie_free(&t);
	if (rc < 0)
		ids_ac_free(ac);
	return rc;
}

void
ids_ac_free(struct ids_ac *ac)
{
	sa_state_free(ac->trans);
	sa_state_free(ac->out);
	sa_state_free(ac->dict);
	memset(ac, 0, sizeof(*ac));
}
