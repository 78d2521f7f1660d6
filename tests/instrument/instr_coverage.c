/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dynamic coverage of the instrumentation, for every in-tree middlebox:
 * its instrumented object (middleboxes/<mb>.inst.o) replays a trace from
 * sa-tracegen through the test shim, and after each packet and each tick
 * every byte of replicated memory (the manifest's regions and the live
 * state-heap blocks) that changed must lie in a range sa_dirty_hook()
 * reported during that step. Blocks allocated during the step are
 * exempt: the runtime's allocator reports them whole. A byte that changed
 * unhooked is a store that escaped the instrumentation (or the analysis):
 * reported with middlebox, step, object and offset; exit 1.
 *
 * Usage: instr-coverage MB... (run from the source tree: configs name
 * files relative to it); SA_TRACEGEN and SA_CONFIGS in the environment.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sa/mbox.h>
#include <sa/replica.h>

#include "sa_shim.h"

#define CHUNK		4096
#define HOOK_MAX	(1u << 16)
#define FAIL_MAX	10
#define TICK_NS		100000000ULL	/* tick = 100ms in configs/ */
#define NS_PER_US	1000ULL
#define NS_PER_S	1000000000ULL
#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_HDR_LEN	24
#define PCAP_REC_LEN	16
#define CMD_MAX		1024
#define PATH_MAX_LEN	512

extern const struct sa_middlebox pt_middlebox, nat_middlebox, fw_middlebox,
	lb_middlebox, ids_middlebox, mon_middlebox;

/* Each middlebox's trace, like tests/integration/run_<mb>.sh's but
 * smaller, with its config. */
static const struct mb_case {
	const char *name;
	const struct sa_middlebox *mb;
	const char *ini;
	const char *trace;
} cases[] = {
	{ "passthrough", &pt_middlebox, "passthrough.ini",
	  "--seed 7 --flows 200 --ipv6 20 --vlan 10 --malformed 5 "
	  "--unsolicited 5" },
	{ "nat", &nat_middlebox, "nat.ini",
	  "--seed 42 --flows 400 --inside 10.0.0.0/16 --nat-pool "
	  "203.0.113.0/30 --ipv6 10 --vlan 5 --unsolicited 5 --malformed 2" },
	{ "firewall", &fw_middlebox, "firewall.ini",
	  "--seed 9 --flows 400 --inside 10.0.0.0/16 --ipv6 20 --vlan 5 "
	  "--unsolicited 5 --malformed 2" },
	{ "lb", &lb_middlebox, "lb.ini",
	  "--profile lb --config configs/lb.ini --seed 21 --flows 400 "
	  "--ipv6 10 --vlan 5 --malformed 1" },
	{ "ids", &ids_middlebox, "ids.ini",
	  "--profile ids --seed 13 --flows 300 --ipv6 10 --vlan 5" },
	{ "monitor", &mon_middlebox, "monitor.ini",
	  "--profile monitor --seed 17 --flows 300 --ipv6 10 --vlan 5 "
	  "--malformed 1" },
};

struct range {
	uintptr_t lo, hi;
};

static struct range hooks[HOOK_MAX];
static unsigned int n_hooks;
static int hooks_overflowed;
static uint64_t total_hooks;

/* Every class: a store the gate let through unhooked would be a miss. */
struct sa_dirty_gate sa_dirty_gate = {
	.mask = (1u << SA_DIRTY_OUTPUT_IMPACTING) | (1u << SA_DIRTY_UPDATE_ONLY),
};

void
sa_dirty_hook(const void *addr, uint64_t len, uint32_t cls)
{
	(void)cls;
	total_hooks++;
	if (n_hooks == HOOK_MAX) {
		hooks_overflowed = 1;
		return;
	}
	hooks[n_hooks].lo = (uintptr_t)addr;
	/* SA_DIRTY_LEN_UNKNOWN is resolved when the step ends. */
	hooks[n_hooks].hi = len == SA_DIRTY_LEN_UNKNOWN ? 0 :
			    (uintptr_t)addr + len;
	n_hooks++;
}

/* One span of replicated memory and its copy from the last step. */
struct span {
	uint8_t *addr;
	size_t len;
	uint8_t *copy;
	const char *name;	/* manifest region, NULL: a heap block */
	unsigned long born;	/* step that allocated a heap block */
	uint64_t serial;	/* the shim's allocation number */
};

struct run {
	const struct mb_case *c;
	struct span *v;
	size_t n, cap;
	unsigned long step;
	unsigned int fails;
	uint64_t changed;
	const char *what;	/* "packet" or "tick" */
};

static void *
xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL) {
		perror("instr-coverage");
		exit(2);
	}
	return p;
}

static void
span_add(struct run *r, struct span *dst, void *addr, size_t len,
	 const char *name)
{
	dst->addr = addr;
	dst->len = len;
	dst->copy = xmalloc(len);
	memcpy(dst->copy, addr, len);
	dst->name = name;
	dst->born = r->step;
	dst->serial = 0;
}

/* Resolves unknown lengths (to the end of the region or block) and sorts
 * the step's hooks. */
static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void
hooks_close(const struct run *r)
{
	const void *base;
	unsigned int i;
	size_t k, size;

	for (i = 0; i < n_hooks; i++) {
		if (hooks[i].hi != 0)
			continue;
		hooks[i].hi = hooks[i].lo;
		for (k = 0; k < r->n; k++)
			if (r->v[k].name != NULL &&
			    hooks[i].lo - (uintptr_t)r->v[k].addr < r->v[k].len)
				hooks[i].hi = (uintptr_t)r->v[k].addr +
					      r->v[k].len;
		if (sa_shim_state_find((void *)hooks[i].lo, &base, &size))
			hooks[i].hi = (uintptr_t)base + size;
	}
	qsort(hooks, n_hooks, sizeof(hooks[0]), range_cmp);
}

static int
hooked(uintptr_t a)
{
	unsigned int lo = 0, hi = n_hooks, mid, i;

	/* First hook starting above a; ranges before it may cover a. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hooks[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i > 0; i--)
		if (a < hooks[i - 1].hi)
			return 1;
	return 0;
}

/* Compares one surviving span with its copy and refreshes the copy. */
static void
span_check(struct run *r, struct span *s, unsigned long heap_no)
{
	size_t off, end, i;

	for (off = 0; off < s->len; off += CHUNK) {
		end = off + CHUNK < s->len ? off + CHUNK : s->len;
		if (memcmp(s->addr + off, s->copy + off, end - off) == 0)
			continue;
		for (i = off; i < end; i++) {
			if (s->addr[i] == s->copy[i])
				continue;
			r->changed++;
			if (hooked((uintptr_t)(s->addr + i)) ||
			    r->fails >= FAIL_MAX)
				continue;
			r->fails++;
			if (s->name != NULL)
				fprintf(stderr, "FAIL %s: %s %lu: %s+%zu "
					"changed without a dirty hook\n",
					r->c->name, r->what, r->step, s->name,
					i);
			else
				fprintf(stderr, "FAIL %s: %s %lu: heap block "
					"#%lu (%zu bytes, allocated at step "
					"%lu)+%zu changed without a dirty "
					"hook\n", r->c->name, r->what,
					r->step, heap_no, s->len, s->born, i);
		}
		memcpy(s->copy + off, s->addr + off, end - off);
	}
}

struct walk {
	struct run *r;
	struct span *old;
	size_t n_old, j;
	struct span *nv;
	size_t n;
	int check;
};

/* Blocks keep their order in the shim's list: survivors are matched in
 * order, the rest are new (exempt) or gone. */
static void
walk_cb(void *arg, void *base, size_t size, uint64_t serial)
{
	struct walk *w = arg;
	struct span *s = &w->nv[w->n];

	while (w->j < w->n_old && w->old[w->j].serial != serial) {
		free(w->old[w->j].copy);
		w->j++;
	}
	if (w->j < w->n_old && w->old[w->j].len == size) {
		*s = w->old[w->j++];
		if (w->check)
			span_check(w->r, s, w->n);
	} else {
		span_add(w->r, s, base, size, NULL);
		s->serial = serial;
	}
	w->n++;
}

static void
count_cb(void *arg, void *base, size_t size, uint64_t serial)
{
	(void)base;
	(void)size;
	(void)serial;
	(*(size_t *)arg)++;
}

/* Ends a step (check = 1) or takes the first snapshot (check = 0). */
static void
step_end(struct run *r, int check)
{
	const struct sa_manifest *mf = r->c->mb->manifest;
	size_t n_regions = mf != NULL ? mf->n_regions : 0, n_blocks = 0, k;
	struct walk w;

	if (check) {
		if (hooks_overflowed) {
			fprintf(stderr, "FAIL %s: %s %lu: more than %u hooks\n",
				r->c->name, r->what, r->step, HOOK_MAX);
			exit(1);
		}
		hooks_close(r);
		for (k = 0; k < n_regions; k++)
			span_check(r, &r->v[k], 0);
	} else {
		r->v = xmalloc(n_regions * sizeof(*r->v));
		for (k = 0; k < n_regions; k++)
			span_add(r, &r->v[k], (void *)mf->regions[k].addr,
				 mf->regions[k].len, mf->regions[k].name);
		r->n = n_regions;
	}
	sa_shim_state_walk(count_cb, &n_blocks);
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.old = r->v + n_regions;
	w.n_old = r->n - n_regions;
	w.nv = xmalloc((n_regions + n_blocks) * sizeof(*w.nv));
	w.check = check;
	memcpy(w.nv, r->v, n_regions * sizeof(*w.nv));
	w.n = n_regions;
	sa_shim_state_walk(walk_cb, &w);
	for (; w.j < w.n_old; w.j++)
		free(w.old[w.j].copy);
	free(r->v);
	r->v = w.nv;
	r->n = w.n;
	n_hooks = 0;
	r->step++;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "instr-coverage: %s: %s\n", path,
			strerror(errno));
		exit(2);
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "instr-coverage: %s: short read\n", path);
		exit(2);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int
run_case(const struct mb_case *c, const char *tracegen, const char *configs)
{
	char path[PATH_MAX_LEN], cmd[CMD_MAX], *ini, *pcap;
	uint64_t now, last_tick = 0;
	struct sa_shim_out out;
	size_t len, off;
	uint32_t incl;
	struct run r;
	int nsec;

	memset(&r, 0, sizeof(r));
	r.c = c;
	snprintf(path, sizeof(path), "%s/instr-coverage-%s-%d.pcap",
		 getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
		 c->name, (int)getpid());
	snprintf(cmd, sizeof(cmd), "\"%s\" --out \"%s\" %s >/dev/null",
		 tracegen, path, c->trace);
	if (system(cmd) != 0) {
		fprintf(stderr, "instr-coverage: %s failed\n", cmd);
		return 2;
	}
	pcap = read_file(path, &len);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", configs, c->ini);
	ini = read_file(path, &off);
	if (c->mb->manifest == NULL) {
		fprintf(stderr, "FAIL %s: no manifest: not instrumented\n",
			c->name);
		return 1;
	}
	if (sa_shim_init(c->mb, ini) != 0) {
		fprintf(stderr, "instr-coverage: %s: init failed: %s\n",
			c->name, sa_shim_last_log());
		return 2;
	}
	step_end(&r, 0);
	nsec = len >= PCAP_HDR_LEN && le32((uint8_t *)pcap) == PCAP_MAGIC_NS;
	for (off = PCAP_HDR_LEN; off + PCAP_REC_LEN <= len;
	     off += PCAP_REC_LEN + incl) {
		const uint8_t *h = (const uint8_t *)pcap + off;

		incl = le32(h + 8);
		if (off + PCAP_REC_LEN + incl > len)
			break;
		now = le32(h) * NS_PER_S + le32(h + 4) * (nsec ? 1 :
							     NS_PER_US);
		if (now - last_tick >= TICK_NS) {
			r.what = "tick";
			sa_shim_tick(now);
			step_end(&r, 1);
			last_tick = now;
		}
		r.what = "packet";
		sa_shim_process(h + PCAP_REC_LEN, incl, SA_ARM_ANY, now, &out);
		step_end(&r, 1);
	}
	printf("instr-coverage %s: %lu steps, %llu hooks, %llu changed bytes, "
	       "%u unhooked\n", c->name, r.step, (unsigned long long)total_hooks,
	       (unsigned long long)r.changed, r.fails);
	sa_shim_fini();
	for (off = 0; off < r.n; off++)
		free(r.v[off].copy);
	free(r.v);
	free(ini);
	free(pcap);
	total_hooks = 0;
	/* A stateful middlebox that changed nothing was not exercised. */
	if (r.changed == 0 && strcmp(c->name, "passthrough") != 0) {
		fprintf(stderr, "FAIL %s: no replicated byte changed\n",
			c->name);
		return 1;
	}
	return r.fails != 0;
}

int
main(int argc, char **argv)
{
	const char *tracegen = getenv("SA_TRACEGEN");
	const char *configs = getenv("SA_CONFIGS");
	int i, rc = 0, found;
	size_t k;

	if (tracegen == NULL || configs == NULL || argc < 2) {
		fprintf(stderr, "usage: SA_TRACEGEN=... SA_CONFIGS=... "
			"instr-coverage MB...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		for (k = 0, found = 0; k < sizeof(cases) / sizeof(cases[0]);
		     k++) {
			if (strcmp(cases[k].name, argv[i]) != 0)
				continue;
			found = 1;
			rc |= run_case(&cases[k], tracegen, configs);
		}
		if (!found) {
			fprintf(stderr, "instr-coverage: unknown middlebox "
				"%s\n", argv[i]);
			rc |= 2;
		}
	}
	return rc;
}
