/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TG_PROF_H
#define TG_PROF_H

/**
 * @file
 * The profiles other than default, written as scripted sessions. A
 * profile draws its sessions up front (start time, what, between whom);
 * the runner builds each session's frames whole once its start is due,
 * merges the frames of the live sessions by time, adds malformed copies
 * and writes the pcap. A session's frames depend on nothing but the
 * session and its own random stream, so the arguments fix the trace.
 */

#include <stdint.h>

#include "tg_opts.h"
#include "tg_rng.h"

/** The frames of one session, in time order: records of a struct
 *  tg_rec followed by the frame bytes, each padded to 8 bytes. */
struct tg_out {
	uint8_t *buf;
	size_t len, cap;
	size_t last_off;	/**< where the last record starts */
	uint64_t last_us;	/**< time of the last frame */
	uint32_t n;		/**< frames */
	int failed;		/**< a put failed: out of memory, or a bug */
};

struct tg_rec {
	uint64_t ts_us;
	uint32_t len;
	uint32_t pad;
};

/** One session: what the profile needs to build it later. */
struct tg_sess {
	uint64_t start_us;	/**< no frame of it comes earlier */
	uint64_t rng;		/**< its own splitmix64 stream */
	uint32_t order;		/**< draw order: breaks ties of start_us */
	uint32_t kind;		/**< the profile's */
	uint32_t a, b, c;	/**< the profile's, e.g. client and server */
};

struct tg_prof;

/** What a profile provides. */
struct tg_prof_ops {
	const char *name;
	/** Sets up p->priv and draws every session (tg_prof_add); prints
	 *  why and returns -1 on failure. */
	int (*init)(struct tg_prof *p);
	/** Writes the frames of @p s to @p out (tg_out_put and tg_conv). */
	int (*build)(struct tg_prof *p, struct tg_sess *s, struct tg_out *out);
	/** Prints the profile's own key=value lines for --stats. */
	void (*stats)(const struct tg_prof *p);
	void (*fini)(struct tg_prof *p);
};

struct tg_prof {
	const struct tg_opts *o;
	const struct tg_prof_ops *ops;
	void *priv;		/**< the profile's state */
	struct tg_rng rng;	/**< drawing sessions, in draw order */
	struct tg_sess *sess;	/**< sorted by start once init returns */
	uint32_t n_sess, cap_sess;
	/** While build() runs: frames written so far, which is the input
	 *  position (counted from 0) of the session's first frame when
	 *  that frame is at its start time. */
	uint64_t pos;
};

extern const struct tg_prof_ops tg_prof_lb_ops;
extern const struct tg_prof_ops tg_prof_ids_ops;
extern const struct tg_prof_ops tg_prof_monitor_ops;

/**
 * Appends a session of @p kind starting @p start_us after the trace
 * start, with a random stream of its own. @return it (valid until the
 * next call), or NULL after printing "out of memory".
 */
struct tg_sess *tg_prof_add(struct tg_prof *p, uint64_t start_us,
			    uint32_t kind);

/** Appends a frame sent at @p ts_us, not before the previous frame. */
void tg_out_put(struct tg_out *out, uint64_t ts_us, const uint8_t *frame,
		uint32_t len);

/** Removes the frames for which @p drop returns true, keeping the order
 *  of the rest. @return how many were removed. */
uint32_t tg_out_filter(struct tg_out *out,
		       int (*drop)(void *arg, uint64_t ts_us,
				   const uint8_t *frame, uint32_t len),
		       void *arg);

/** The last frame put, or NULL; its length in *@p len. */
const uint8_t *tg_out_last(const struct tg_out *out, uint32_t *len);

/** Generates the trace of profile o->profile. @return the exit status. */
int tg_prof_main(const struct tg_opts *o);

#endif /* TG_PROF_H */
