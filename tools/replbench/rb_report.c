/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The results: a table on stdout, a CSV row per mode, and an SVG bar
 * chart of bytes per packet on a log scale, written by hand (no plotting
 * dependency).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rb.h"

#define RB_NUM_BUF	32

/* SVG geometry, in pixels. */
#define SVG_W		720
#define SVG_H		420
#define SVG_LEFT	80
#define SVG_RIGHT	20
#define SVG_TOP		50
#define SVG_BOTTOM	70
#define SVG_BAR_FILL	0.6	/* of a bar's slot */
#define SVG_LABEL_GAP	6

static const struct rb_result *
rb_find(const struct rb_report *r, enum rb_mode m)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->res[i].mode == m)
			return &r->res[i];
	return NULL;
}

void
rb_report_init(struct rb_report *r, const struct rb_opts *o,
	       const struct rb_result *res, unsigned int n)
{
	const struct rb_result *a;

	r->opts = o;
	r->res = res;
	r->n = n;
	/* Every mode counts the same flow updates; analyzed's is the
	 * reference, else the first run's. */
	a = rb_find(r, RB_ANALYZED);
	r->flow_updates = a != NULL ? a->flow_updates : res[0].flow_updates;
}

static double
rb_div(uint64_t a, uint64_t b)
{
	return b == 0 ? NAN : (double)a / (double)b;
}

static double
rb_per_update(const struct rb_report *r, const struct rb_result *x)
{
	return rb_div(x->delta_bytes, r->flow_updates);
}

static double
rb_ratio(const struct rb_report *r, const struct rb_result *x)
{
	const struct rb_result *a = rb_find(r, RB_ANALYZED);

	return a == NULL ? NAN : rb_div(x->delta_bytes, a->delta_bytes);
}

/* Three significant digits or so, whatever the magnitude. */
static const char *
rb_num(char *buf, double v)
{
	if (isnan(v))
		snprintf(buf, RB_NUM_BUF, "n/a");
	else if (v >= 1000)
		snprintf(buf, RB_NUM_BUF, "%.0f", v);
	else if (v >= 100)
		snprintf(buf, RB_NUM_BUF, "%.1f", v);
	else if (v >= 0.1 || v == 0)
		snprintf(buf, RB_NUM_BUF, "%.2f", v);
	else
		snprintf(buf, RB_NUM_BUF, "%.2g", v);
	return buf;
}

void
rb_report_print(const struct rb_report *r)
{
	const struct rb_result *a = rb_find(r, RB_ANALYZED);
	const struct rb_result *s = rb_find(r, RB_SNAPSHOT);
	char b[6][RB_NUM_BUF];
	unsigned int i;

	printf("%s: %s, %s: %" PRIu64 " packets, %" PRIu64 " batches, %"
	       PRIu64 " flow updates\n", RB_PROG, r->opts->mb,
	       r->opts->trace, r->res[0].packets, r->res[0].batches,
	       r->flow_updates);
	printf("%-10s %-8s %10s %12s %8s %9s %9s %9s %10s %9s\n", "mode",
	       "tracking", "sync B", "delta B", "messages", "B/packet",
	       "B/batch", "B/update", "x analyzed", "all B/pkt");
	for (i = 0; i < r->n; i++) {
		const struct rb_result *x = &r->res[i];

		printf("%-10s %-8s %10" PRIu64 " %12" PRIu64 " %8" PRIu64
		       " %9s %9s %9s %10s %9s\n", rb_mode_name(x->mode),
		       x->tracking, x->sync_bytes, x->delta_bytes, x->frames,
		       rb_num(b[0], rb_div(x->delta_bytes, x->packets)),
		       rb_num(b[1], rb_div(x->delta_bytes, x->batches)),
		       rb_num(b[2], rb_per_update(r, x)),
		       rb_num(b[3], rb_ratio(r, x)),
		       rb_num(b[4], rb_div(x->wire_bytes, x->packets)));
		if (x->flow_updates != r->flow_updates)
			printf("  warning: %s counted %" PRIu64 " flow updates, "
			       "not %" PRIu64 "\n", rb_mode_name(x->mode),
			       x->flow_updates, r->flow_updates);
	}
	if (r->flow_updates == 0)
		printf("no flow updates: the middlebox made no "
		       "OUTPUT_IMPACTING hook call (not instrumented), so "
		       "B/update is n/a\n");
	if (a != NULL && strcmp(a->tracking, "hooks") != 0)
		printf("note: analyzed ran as '%s': the runtime has no "
		       "manifest for %s\n", a->tracking, r->opts->mb);
	if (a != NULL && s != NULL)
		printf("analyzed vs snapshot: %sx\n",
		       rb_num(b[5], rb_div(s->delta_bytes, a->delta_bytes)));
	else
		printf("analyzed vs snapshot: n/a\n");
}

/* A CSV number; n/a is an empty field. */
static void
csv_num(FILE *f, double v, const char *sep)
{
	if (isnan(v))
		fputs(sep, f);
	else
		fprintf(f, "%.4f%s", v, sep);
}

int
rb_report_csv(const struct rb_report *r, const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (f == NULL) {
		fprintf(stderr, RB_PROG ": --csv: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "middlebox,mode,tracking,packets,batches,flow_updates,"
		"messages,wire_bytes,sync_bytes,delta_bytes,snapshot_state_bytes,"
		"delta_state_bytes,ack_bytes,bytes_per_packet,bytes_per_batch,"
		"bytes_per_flow_update,ratio_to_analyzed,"
		"all_bytes_per_packet\n");
	for (i = 0; i < r->n; i++) {
		const struct rb_result *x = &r->res[i];

		fprintf(f, "%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
			PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",", r->opts->mb,
			rb_mode_name(x->mode), x->tracking, x->packets,
			x->batches, r->flow_updates, x->frames, x->wire_bytes,
			x->sync_bytes, x->delta_bytes, x->snapshot_bytes,
			x->range_bytes, x->ack_bytes);
		csv_num(f, rb_div(x->delta_bytes, x->packets), ",");
		csv_num(f, rb_div(x->delta_bytes, x->batches), ",");
		csv_num(f, rb_per_update(r, x), ",");
		csv_num(f, rb_ratio(r, x), ",");
		csv_num(f, rb_div(x->wire_bytes, x->packets), "\n");
	}
	if (fclose(f) != 0) {
		fprintf(stderr, RB_PROG ": --csv: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Text for SVG: the few characters XML reserves, escaped. */
static void
svg_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

struct svg_scale {
	double lo_exp;		/* log10 of the axis' bottom */
	double hi_exp;
	double plot_h;
};

static double
svg_y(const struct svg_scale *sc, double v)
{
	double e = v > 0 ? log10(v) : sc->lo_exp;

	if (e < sc->lo_exp)
		e = sc->lo_exp;
	return SVG_TOP + sc->plot_h * (1 - (e - sc->lo_exp) /
				       (sc->hi_exp - sc->lo_exp));
}

static void
svg_axis(FILE *f, const struct svg_scale *sc)
{
	char lbl[RB_NUM_BUF];
	double e, y;

	for (e = sc->lo_exp; e <= sc->hi_exp; e++) {
		y = svg_y(sc, pow(10, e));
		if (e >= 0 && e < 6)
			snprintf(lbl, sizeof(lbl), "%.0f", pow(10, e));
		else
			snprintf(lbl, sizeof(lbl), "1e%.0f", e);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\" font-size=\"12\">%s</text>\n",
			SVG_LEFT, y, SVG_W - SVG_RIGHT, y,
			SVG_LEFT - SVG_LABEL_GAP, y + 4, lbl);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#000\"/>\n", SVG_LEFT, SVG_TOP, SVG_LEFT,
		SVG_TOP + sc->plot_h);
	fprintf(f, "<text x=\"18\" y=\"%.1f\" font-size=\"13\" "
		"text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">"
		"bytes per packet (log scale)</text>\n",
		SVG_TOP + sc->plot_h / 2, SVG_TOP + sc->plot_h / 2);
}

static void
svg_bars(FILE *f, const struct rb_report *r, const struct svg_scale *sc)
{
	double slot = (double)(SVG_W - SVG_LEFT - SVG_RIGHT) / r->n;
	double base = SVG_TOP + sc->plot_h, v, x, y;
	char lbl[RB_NUM_BUF];
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		const struct rb_result *m = &r->res[i];

		v = rb_div(m->delta_bytes, m->packets);
		x = SVG_LEFT + slot * i + slot * (1 - SVG_BAR_FILL) / 2;
		y = svg_y(sc, v);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"/>\n", x, y,
			slot * SVG_BAR_FILL, base - y,
			m->mode == RB_ANALYZED ? "#2a7ab0" : "#9ab");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"12\">%s</text>\n", x + slot *
			SVG_BAR_FILL / 2, y - SVG_LABEL_GAP, rb_num(lbl, v));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"13\">%s</text>\n", x + slot *
			SVG_BAR_FILL / 2, base + 18, rb_mode_name(m->mode));
		if (strcmp(m->tracking, rb_mode_name(m->mode)) != 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" font-size=\"11\" "
				"fill=\"#555\">(", x + slot * SVG_BAR_FILL / 2,
				base + 34);
			svg_text(f, m->tracking);
			fputs(")</text>\n", f);
		}
	}
}

int
rb_report_svg(const struct rb_report *r, const char *path)
{
	struct svg_scale sc = { .plot_h = SVG_H - SVG_TOP - SVG_BOTTOM };
	double lo = INFINITY, hi = 0, v;
	unsigned int i;
	FILE *f;

	for (i = 0; i < r->n; i++) {
		v = rb_div(r->res[i].delta_bytes, r->res[i].packets);
		if (v > 0 && v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	if (hi <= 0)
		lo = hi = 1;
	sc.lo_exp = floor(log10(lo));
	sc.hi_exp = ceil(log10(hi));
	if (sc.hi_exp <= sc.lo_exp)
		sc.hi_exp = sc.lo_exp + 1;
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, RB_PROG ": --plot: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">"
		"\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
		"<text x=\"%d\" y=\"24\" text-anchor=\"middle\" "
		"font-size=\"15\">", SVG_W, SVG_H, SVG_W, SVG_H, SVG_W / 2);
	svg_text(f, r->opts->mb);
	fputs(": StateDelta bytes per packet, framing included</text>\n", f);
	svg_axis(f, &sc);
	svg_bars(f, r, &sc);
	fputs("</svg>\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, RB_PROG ": --plot: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}
