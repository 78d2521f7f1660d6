/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HA_EPOCH_H
#define HA_EPOCH_H

/*
 * The epoch store: one decimal number in STATE_DIR/epoch. A new value is
 * durable before anyone uses it: written to STATE_DIR/epoch.tmp, fsynced,
 * renamed over the old file, and the directory fsynced, so after a crash
 * the file holds either the old or the new epoch, never less.
 */

#include <stdint.h>

#define HA_EPOCH_FILE		"epoch"
#define HA_EPOCH_TMP		"epoch.tmp"

struct ha_epoch {
	char dir[4096];
	uint64_t value;		/* last stored (0: none yet) */
};

/** Loads STATE_DIR/epoch (absent: 0). @return 0, -EINVAL (bad content,
 *  message on stderr naming the file), -ENAMETOOLONG, -errno. */
int ha_epoch_open(struct ha_epoch *e, const char *state_dir);

/** Makes @p value durable (see above). Lowering is refused.
 *  @return 0, -ERANGE (lower than stored), -errno. */
int ha_epoch_store(struct ha_epoch *e, uint64_t value);

#endif /* HA_EPOCH_H */
