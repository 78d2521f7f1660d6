/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sa_config_impl.h"

struct sa_config_entry {
	char *key;
	char *value;
	unsigned int line;
};

struct sa_config {
	char *file;
	char *name;
	unsigned int line;
	unsigned int n;
	unsigned int cap;
	struct sa_config_entry *e;
};

struct sa_config *
sa_config_create(const char *file, const char *name, unsigned int line)
{
	struct sa_config *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	cfg->file = strdup(file);
	cfg->name = strdup(name);
	cfg->line = line;
	if (cfg->file == NULL || cfg->name == NULL) {
		sa_config_free(cfg);
		return NULL;
	}
	return cfg;
}

int
sa_config_add(struct sa_config *cfg, const char *key, const char *value,
	      unsigned int line)
{
	struct sa_config_entry *e;

	if (cfg->n == cfg->cap) {
		unsigned int cap = cfg->cap ? cfg->cap * 2 : 8;

		e = realloc(cfg->e, cap * sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		cfg->e = e;
		cfg->cap = cap;
	}
	e = &cfg->e[cfg->n];
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (e->key == NULL || e->value == NULL) {
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	cfg->n++;
	return 0;
}

void
sa_config_free(struct sa_config *cfg)
{
	unsigned int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n; i++) {
		free(cfg->e[i].key);
		free(cfg->e[i].value);
	}
	free(cfg->e);
	free(cfg->file);
	free(cfg->name);
	free(cfg);
}

unsigned int
sa_config_line(const struct sa_config *cfg, int idx)
{
	if (idx < 0 || (unsigned int)idx >= cfg->n)
		return cfg->line;
	return cfg->e[idx].line;
}

const char *
sa_config_name(const struct sa_config *cfg)
{
	return cfg->name;
}

unsigned int
sa_config_count(const struct sa_config *cfg)
{
	return cfg->n;
}

int
sa_config_entry(const struct sa_config *cfg, unsigned int idx,
		const char **key, const char **value)
{
	if (idx >= cfg->n)
		return -ENOENT;
	*key = cfg->e[idx].key;
	*value = cfg->e[idx].value;
	return 0;
}

int
sa_config_find(const struct sa_config *cfg, const char *key)
{
	unsigned int i;

	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->e[i].key, key) == 0)
			return (int)i;
	return -ENOENT;
}

const char *
sa_config_get(const struct sa_config *cfg, const char *key)
{
	int i = sa_config_find(cfg, key);

	return i < 0 ? NULL : cfg->e[i].value;
}

void
sa_config_error(const struct sa_config *cfg, int idx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((idx < 0 || (unsigned int)idx >= cfg->n) && cfg->line == 0)
		sa_log(NULL, SA_LOG_ERR, "%s: [%s]: %s", cfg->file, cfg->name,
		       msg);
	else if (idx < 0 || (unsigned int)idx >= cfg->n)
		sa_log(NULL, SA_LOG_ERR, "%s:%u: [%s]: %s", cfg->file,
		       cfg->line, cfg->name, msg);
	else
		sa_log(NULL, SA_LOG_ERR, "%s:%u: [%s] %s: %s", cfg->file,
		       cfg->e[idx].line, cfg->name, cfg->e[idx].key, msg);
}

/* strtoull alone accepts "-1", leading blanks and trailing junk. */
static int
parse_u64(const char *s, uint64_t *out, char **end)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, end, 0);
	if (errno != 0 || *end == s)
		return -EINVAL;
	return 0;
}

int
sa_config_u64(const struct sa_config *cfg, const char *key, uint64_t def,
	      uint64_t min, uint64_t max, uint64_t *out)
{
	int idx = sa_config_find(cfg, key);
	char *end;
	uint64_t v;

	if (idx < 0) {
		*out = def;
		return 0;
	}
	if (parse_u64(cfg->e[idx].value, &v, &end) < 0 || *end != '\0') {
		sa_config_error(cfg, idx, "'%s' is not an unsigned integer",
				cfg->e[idx].value);
		return -EINVAL;
	}
	if (v < min || v > max) {
		sa_config_error(cfg, idx, "%" PRIu64 " is outside [%" PRIu64
				", %" PRIu64 "]", v, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *unit;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1ULL },
	{ "us", 1000ULL },
	{ "ms", 1000000ULL },
	{ "s", 1000000000ULL },
	{ "m", 60ULL * 1000000000ULL },
	{ "h", 3600ULL * 1000000000ULL },
	{ "", 1000000000ULL },
};

int
sa_config_duration(const struct sa_config *cfg, const char *key,
		   uint64_t def_ns, uint64_t min_ns, uint64_t max_ns,
		   uint64_t *out)
{
	int idx = sa_config_find(cfg, key);
	const char *val;
	char *end;
	uint64_t v;
	size_t i;

	if (idx < 0) {
		*out = def_ns;
		return 0;
	}
	val = cfg->e[idx].value;
	if (parse_u64(val, &v, &end) < 0)
		goto bad;
	for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]);
	     i++) {
		if (strcmp(end, duration_units[i].unit) != 0)
			continue;
		if (v > UINT64_MAX / duration_units[i].ns)
			goto bad;
		v *= duration_units[i].ns;
		if (v < min_ns || v > max_ns) {
			sa_config_error(cfg, idx, "%s is outside [%" PRIu64
					"ns, %" PRIu64 "ns]", val, min_ns,
					max_ns);
			return -EINVAL;
		}
		*out = v;
		return 0;
	}
bad:
	sa_config_error(cfg, idx, "'%s' is not a duration "
			"(a number with ns, us, ms, s, m or h)", val);
	return -EINVAL;
}

int
sa_config_bool(const struct sa_config *cfg, const char *key, int def, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	int idx = sa_config_find(cfg, key);
	size_t i;

	if (idx < 0) {
		*out = def;
		return 0;
	}
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(cfg->e[idx].value, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(cfg->e[idx].value, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	sa_config_error(cfg, idx, "'%s' is not a boolean (yes/no)",
			cfg->e[idx].value);
	return -EINVAL;
}

int
sa_config_choice(const struct sa_config *cfg, const char *key,
		 const char *const *names, unsigned int n, unsigned int def,
		 unsigned int *out)
{
	int idx = sa_config_find(cfg, key);
	char list[128];
	size_t used = 0;
	unsigned int i;

	if (idx < 0) {
		*out = def;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(cfg->e[idx].value, names[i]) == 0) {
			*out = i;
			return 0;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used,
						 sizeof(list) - used, "%s'%s'",
						 i > 0 ? ", " : "", names[i]);
	}
	sa_config_error(cfg, idx, "'%s' is not one of %s", cfg->e[idx].value,
			n > 0 ? list : "(none)");
	return -EINVAL;
}
