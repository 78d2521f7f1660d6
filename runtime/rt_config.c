/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "rt_config.h"
#include "sa_config_impl.h"

/*
 * rte_cfgfile parses the file but keeps no line numbers and truncates long
 * names and values silently. A first pass over the text therefore checks
 * the syntax the way rte_cfgfile reads it ('#' comments, [section],
 * key = value) and records the line of every entry, so that every later
 * error — a bad value found by a middlebox — names FILE:LINE.
 */

#define RT_CONFIG_COMMENT	'#'
#define RT_CONFIG_MAX_SECTIONS	64
#define RT_CONFIG_LINE_MAX	1024

struct rt_config_line {
	unsigned int section;	/* index into sections */
	char key[CFG_NAME_LEN];
	unsigned int line;
	int used;
};

struct rt_config {
	char *path;
	unsigned int n_sections;
	struct sa_config *sections[RT_CONFIG_MAX_SECTIONS];
	/* Empty sections handed out for names the file lacks. */
	unsigned int n_extra;
	struct sa_config *extra[RT_CONFIG_MAX_SECTIONS];
};

struct rt_scan {
	const char *path;
	unsigned int n_sections;
	char names[RT_CONFIG_MAX_SECTIONS][CFG_NAME_LEN];
	unsigned int section_line[RT_CONFIG_MAX_SECTIONS];
	unsigned int n_lines;
	unsigned int cap;
	struct rt_config_line *lines;
};

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
scan_section(struct rt_scan *sc, char *s, unsigned int line)
{
	char *end = strchr(s, ']');
	unsigned int i;

	if (end == NULL || trim(end + 1)[0] != '\0') {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: malformed section header",
		       sc->path, line);
		return -EINVAL;
	}
	*end = '\0';
	s = trim(s + 1);
	if (*s == '\0' || strlen(s) >= CFG_NAME_LEN) {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: section name empty or longer "
		       "than %d characters", sc->path, line, CFG_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < sc->n_sections; i++) {
		if (strcmp(sc->names[i], s) == 0) {
			sa_log(NULL, SA_LOG_ERR, "%s:%u: section [%s] repeated "
			       "(first at line %u)", sc->path, line, s,
			       sc->section_line[i]);
			return -EINVAL;
		}
	}
	if (sc->n_sections == RT_CONFIG_MAX_SECTIONS) {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: more than %d sections",
		       sc->path, line, RT_CONFIG_MAX_SECTIONS);
		return -EINVAL;
	}
	snprintf(sc->names[sc->n_sections], CFG_NAME_LEN, "%s", s);
	sc->section_line[sc->n_sections++] = line;
	return 0;
}

static int
scan_entry(struct rt_scan *sc, char *s, unsigned int line)
{
	char *eq = strchr(s, '=');
	char *key, *value;
	struct rt_config_line *l;

	if (sc->n_sections == 0) {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: entry outside any [section]",
		       sc->path, line);
		return -EINVAL;
	}
	if (eq == NULL) {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: expected 'key = value'",
		       sc->path, line);
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (*key == '\0' || strlen(key) >= CFG_NAME_LEN ||
	    strlen(value) >= CFG_VALUE_LEN) {
		sa_log(NULL, SA_LOG_ERR, "%s:%u: key empty, or key longer than "
		       "%d or value longer than %d characters", sc->path, line,
		       CFG_NAME_LEN - 1, CFG_VALUE_LEN - 1);
		return -EINVAL;
	}
	if (sc->n_lines == sc->cap) {
		unsigned int cap = sc->cap ? sc->cap * 2 : 32;

		l = realloc(sc->lines, cap * sizeof(*l));
		if (l == NULL)
			return -ENOMEM;
		sc->lines = l;
		sc->cap = cap;
	}
	l = &sc->lines[sc->n_lines++];
	l->section = sc->n_sections - 1;
	snprintf(l->key, sizeof(l->key), "%s", key);
	l->line = line;
	l->used = 0;
	return 0;
}

static int
scan_file(FILE *f, struct rt_scan *sc)
{
	char buf[RT_CONFIG_LINE_MAX];
	unsigned int line = 0;
	char *s, *c;
	int ret;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			sa_log(NULL, SA_LOG_ERR, "%s:%u: line longer than %d "
			       "characters", sc->path, line,
			       RT_CONFIG_LINE_MAX - 2);
			return -EINVAL;
		}
		c = strchr(buf, RT_CONFIG_COMMENT);
		if (c != NULL)
			*c = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		ret = *s == '[' ? scan_section(sc, s, line) :
				  scan_entry(sc, s, line);
		if (ret < 0)
			return ret;
	}
	if (ferror(f)) {
		sa_log(NULL, SA_LOG_ERR, "%s: read error", sc->path);
		return -EIO;
	}
	return 0;
}

/* The k-th occurrence of key in section, in file order, is the k-th entry
 * rte_cfgfile returns for it. */
static unsigned int
entry_line(struct rt_scan *sc, unsigned int section, const char *key)
{
	unsigned int i;

	for (i = 0; i < sc->n_lines; i++) {
		struct rt_config_line *l = &sc->lines[i];

		if (!l->used && l->section == section &&
		    strcmp(l->key, key) == 0) {
			l->used = 1;
			return l->line;
		}
	}
	return sc->section_line[section];
}

static int
build_section(struct rt_config *cfg, struct rte_cfgfile *file,
	      struct rt_scan *sc, unsigned int idx)
{
	const char *name = sc->names[idx];
	struct rte_cfgfile_entry *entries;
	struct sa_config *sec;
	int n, i, ret = 0;

	sec = sa_config_create(cfg->path, name, sc->section_line[idx]);
	if (sec == NULL)
		return -ENOMEM;
	cfg->sections[cfg->n_sections++] = sec;
	n = rte_cfgfile_section_num_entries(file, name);
	if (n <= 0)
		return 0;
	entries = calloc((size_t)n, sizeof(*entries));
	if (entries == NULL)
		return -ENOMEM;
	n = rte_cfgfile_section_entries(file, name, entries, n);
	for (i = 0; i < n && ret == 0; i++)
		ret = sa_config_add(sec, entries[i].name, entries[i].value,
				    entry_line(sc, idx, entries[i].name));
	free(entries);
	return ret;
}

static int
open_checked(const char *path, FILE **f)
{
	*f = fopen(path, "r");
	if (*f == NULL) {
		int err = errno;

		sa_log(NULL, SA_LOG_ERR, "%s: cannot open: %s", path,
		       strerror(err));
		return -err;
	}
	return 0;
}

int
rt_config_load(const char *path, struct rt_config **out)
{
	struct rte_cfgfile_parameters params = {
		.comment_character = RT_CONFIG_COMMENT,
	};
	struct rt_scan sc = { .path = path };
	struct rte_cfgfile *file = NULL;
	struct rt_config *cfg = NULL;
	unsigned int i;
	FILE *f;
	int ret;

	ret = open_checked(path, &f);
	if (ret < 0)
		return ret;
	ret = scan_file(f, &sc);
	fclose(f);
	if (ret < 0)
		goto out;
	file = rte_cfgfile_load_with_params(path, CFG_FLAG_EMPTY_VALUES,
					    &params);
	if (file == NULL) {
		sa_log(NULL, SA_LOG_ERR, "%s: rte_cfgfile cannot parse it",
		       path);
		ret = -EINVAL;
		goto out;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || (cfg->path = strdup(path)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < sc.n_sections && ret == 0; i++)
		ret = build_section(cfg, file, &sc, i);
out:
	if (file != NULL)
		rte_cfgfile_close(file);
	free(sc.lines);
	if (ret < 0) {
		rt_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

static struct sa_config *
find_section(const struct rt_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_sections; i++)
		if (strcmp(sa_config_name(cfg->sections[i]), name) == 0)
			return cfg->sections[i];
	for (i = 0; i < cfg->n_extra; i++)
		if (strcmp(sa_config_name(cfg->extra[i]), name) == 0)
			return cfg->extra[i];
	return NULL;
}

const struct sa_config *
rt_config_section(struct rt_config *cfg, const char *name)
{
	struct sa_config *sec = find_section(cfg, name);

	if (sec != NULL)
		return sec;
	if (cfg->n_extra == RT_CONFIG_MAX_SECTIONS)
		return NULL;
	sec = sa_config_create(cfg->path, name, 0);
	if (sec != NULL)
		cfg->extra[cfg->n_extra++] = sec;
	return sec;
}

int
rt_config_has_section(const struct rt_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_sections; i++)
		if (strcmp(sa_config_name(cfg->sections[i]), name) == 0)
			return 1;
	return 0;
}

void
rt_config_free(struct rt_config *cfg)
{
	unsigned int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n_sections; i++)
		sa_config_free(cfg->sections[i]);
	for (i = 0; i < cfg->n_extra; i++)
		sa_config_free(cfg->extra[i]);
	free(cfg->path);
	free(cfg);
}
