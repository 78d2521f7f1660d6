/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_LOG_H
#define AZ_LOG_H

/**
 * @file
 * The analyzer's one logging module: leveled messages, compiler-style
 * diagnostics and the progress line. Everything goes to stderr; the report
 * itself goes to stdout / the JSON file and never through here.
 *
 * Contract:
 * - az_log() prints "statealyzr: <kind>: <message>\n" when @p level is at
 *   or below the current level (default AZ_LOG_NOTE).
 * - az_diag() prints "file:line:col: <kind>: <message>\n" (col 0 is left
 *   out, a NULL file prints "<unknown>"), the form editors and CI parse.
 * - Errors and warnings are counted whatever the level, so the CLI can
 *   derive its exit status from az_log_count().
 * - Progress: az_progress_begin(phase) starts a phase; az_progress_step()
 *   is cheap enough for inner loops (it reads the clock once every 4096
 *   calls). Nothing is printed unless the phase has lasted more than
 *   AZ_PROGRESS_DELAY_NS on CLOCK_MONOTONIC; then one line per second at
 *   most ("\r"-rewritten on a terminal, plain lines otherwise), and
 *   az_progress_end() finishes it. Phases do not nest: begin ends the
 *   previous one. az_log_set_progress(false) silences it (tests, --quiet).
 * - Not thread-safe: the analyzer is single-threaded.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum az_log_level {
	AZ_LOG_ERR = 0,		/**< "error": the command will fail */
	AZ_LOG_WARN = 1,	/**< "warning": result may be less precise */
	AZ_LOG_NOTE = 2,	/**< "note": approximations, defaults taken */
	AZ_LOG_INFO = 3,	/**< "info": phase summaries (-v) */
	AZ_LOG_DEBUG = 4,	/**< "debug": solver statistics (-vv) */
};

/** Progress is silent for phases shorter than this. */
#define AZ_PROGRESS_DELAY_NS	2000000000ull

void az_log_set_level(enum az_log_level level);
enum az_log_level az_log_get_level(void);
/** True when a message at @p level would be printed. */
bool az_log_enabled(enum az_log_level level);

/** "statealyzr: kind: message". */
void az_log(enum az_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** "file:line:col: kind: message"; @p line 0 prints the file alone. */
void az_diag(enum az_log_level level, const char *file, unsigned int line,
	     unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** Messages emitted (printed or not) at @p level since start or reset. */
unsigned int az_log_count(enum az_log_level level);
void az_log_reset_counts(void);

/** Nanoseconds on CLOCK_MONOTONIC. */
uint64_t az_log_now_ns(void);

void az_log_set_progress(bool enabled);
/** Starts phase @p name (a string literal or one that outlives the phase);
 *  @p total is the expected number of steps, 0 if unknown. */
void az_progress_begin(const char *name, uint64_t total);
/** Reports @p done steps of the current phase. */
void az_progress_step(uint64_t done);
/** Ends the current phase, clearing or finishing its line if printed. */
void az_progress_end(void);

#ifdef __cplusplus
}
#endif

#endif /* AZ_LOG_H */
