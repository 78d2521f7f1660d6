/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AZ_MODELS_H
#define AZ_MODELS_H

/**
 * @file
 * Library models: what a call to a function whose body the analyzer does
 * not see (libc, libpcap, sockets, DPDK, the sa_* runtime API) does to
 * memory, as data. The table lives in az_models.def.
 *
 * Contract:
 * - az_model_lookup(name) returns the model of a function, or NULL when
 *   the function is unknown (then the pointer analysis treats the call
 *   conservatively and lists it as an approximation).
 * - The table is data in az_models.def: one AZ_MODEL() line per function.
 * - Effects use argument indices from 0. A length is one of az_len_kind;
 *   mod/ref uses READ/WRITE/COPY with their lengths to say which bytes a
 *   call touches; the pointer analysis uses COPY, RET_*, OUT_*, CALLBACK.
 * - Variadic arguments: AZ_ARG_VARARGS as an effect's arg means "every
 *   argument from the last named one on" (e.g. the sprintf family reads
 *   them, the scanf family writes through them).
 * - AZ_MODEL_OUTPUT / AZ_MODEL_RECV are the default output and receive
 *   functions of DESIGN §4.2; az_models_add_output() / _add_recv() extend
 *   them (--output, --recv) and az_model_is_output() / _is_recv() answer
 *   for any name, modelled or not.
 * - AZ_MODEL_OVERRIDE: the model is applied even when the module defines
 *   the function (the sa_table library is compiled into each middlebox):
 *   the body is still called with the arguments not in nobind, so its own
 *   reads and writes are seen, but results come from the model, which
 *   gives one table object per sa_table_create() call site and separate
 *   key and value objects, instead of one merged allocation.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How many bytes an effect covers. */
enum az_len_kind {
	AZ_LEN_NONE = 0,	/**< no memory (RET_*, CALLBACK, FREE) */
	AZ_LEN_ARG,		/**< the value of argument len_arg */
	AZ_LEN_ARG_MUL,		/**< len_arg * len_arg2 (calloc, fread) */
	AZ_LEN_STR,		/**< a NUL-terminated string at the pointer */
	AZ_LEN_CONST,		/**< len_arg bytes, a constant */
	AZ_LEN_ANY,		/**< unknown: from the pointer to object end */
	AZ_LEN_DEREF,		/**< the pointee's size (sizeof *arg) */
};

enum az_eff_kind {
	AZ_EFF_READ = 1,	/**< reads memory at arg */
	AZ_EFF_WRITE,		/**< writes data (no pointers) at arg */
	AZ_EFF_COPY,		/**< copies memory from arg2 to arg, pointers too */
	AZ_EFF_RET_ARG,		/**< returns a pointer into arg's object */
	AZ_EFF_RET_ALLOC,	/**< returns a fresh heap object of this site */
	AZ_EFF_RET_STATIC,	/**< returns library-owned memory (one object
				     per modelled function: getenv, strtok) */
	AZ_EFF_RET_PACKET,	/**< returns a pointer to packet bytes */
	AZ_EFF_OUT_ALLOC,	/**< stores a fresh heap object at *arg */
	AZ_EFF_OUT_STATIC,	/**< stores library-owned memory at *arg */
	AZ_EFF_OUT_PACKET,	/**< stores a pointer to packet bytes at *arg */
	AZ_EFF_CALLBACK,	/**< calls function pointer arg with cb[] */
	AZ_EFF_FREE,		/**< frees arg's object */
	AZ_EFF_KEY,		/**< arg is a lookup key (flowspace) of table
				     arg2, len bytes */
	AZ_EFF_RET_TVAL,	/**< returns a pointer to table arg's values */
	AZ_EFF_OUT_TVAL,	/**< stores table arg's value pointer at *arg2 */
	AZ_EFF_RET_TKEY,	/**< returns a pointer to table arg's keys */
	AZ_EFF_OUT_TKEY,	/**< stores table arg's key pointer at *arg2 */
	AZ_EFF_OUT_TABLE,	/**< stores a fresh table (object + keys +
				     values) of this site at *arg */
	AZ_EFF_RET_INSIDE,	/**< returns a pointer somewhere inside arg's
				     object (strchr, strtok) */
	AZ_EFF_OUT_INSIDE,	/**< stores at *arg a pointer inside arg2's
				     object (strtol's end pointer) */
	AZ_EFF_KEEP_ARG,	/**< the library keeps pointer arg in its own
				     state (strtok's string) */
	AZ_EFF_RET_KEPT,	/**< returns a pointer inside what it kept */
	AZ_EFF_OUT_KEPT,	/**< stores at *arg a pointer inside what it
				     kept (strtok_r's save pointer) */
	AZ_EFF_OUT_PKTDESC,	/**< stores at *arg a pointer to a packet
				     descriptor (rte_mbuf): runtime memory
				     whose pointers lead to packet bytes */
	AZ_EFF_READ_TKEY,	/**< reads the keys of table arg */
	AZ_EFF_READ_TVAL,	/**< reads the values of table arg */
	AZ_EFF_WRITE_TKEY,	/**< writes the keys of table arg */
	AZ_EFF_WRITE_TVAL,	/**< writes the values of table arg */
};

/** Argument sources of a CALLBACK's parameters (cb[i] >= 0: that arg). */
#define AZ_SRC_NONE	(-1)	/**< no parameter / not a pointer */
#define AZ_SRC_PACKET	(-2)	/**< a pointer to packet bytes */
#define AZ_SRC_ENV	(-3)	/**< library-owned memory (pcap_pkthdr) */
#define AZ_SRC_TKEY	(-4)	/**< a key of table arg2 */
#define AZ_SRC_TVAL	(-5)	/**< a value of table arg2 */

/** arg meaning "all variadic arguments". */
#define AZ_ARG_VARARGS	(-2)
/** COPY destination meaning "the returned object" (realloc). */
#define AZ_ARG_RET	(-3)
/** Most callback parameters a model describes. */
#define AZ_CB_MAX	4

/** Effect flags. */
#define AZ_EFF_F_PACKET	0x1u	/**< WRITE: the bytes are received packet
				     data (recv, read, fread on a socket) */
#define AZ_EFF_F_DEEP	0x2u	/**< READ/WRITE: also memory reached through
				     pointers stored there (recvmsg's iovec
				     buffers, rte_eth_tx_burst's mbufs) */

struct az_effect {
	uint8_t kind;		/**< enum az_eff_kind */
	int8_t arg;		/**< main argument, AZ_ARG_VARARGS */
	int8_t arg2;		/**< COPY, OUT_INSIDE: source; KEY, CALLBACK:
				     the table; OUT_TVAL, OUT_TKEY: the out
				     pointer; else -1 */
	uint8_t len;		/**< enum az_len_kind */
	int8_t len_arg;		/**< LEN_ARG / LEN_ARG_MUL / LEN_CONST */
	int8_t len_arg2;	/**< LEN_ARG_MUL */
	uint8_t flags;		/**< AZ_EFF_F_* */
	int8_t cb[AZ_CB_MAX];	/**< CALLBACK parameter sources */
};

/** Model flags. */
#define AZ_MODEL_OUTPUT		0x01u	/**< an output statement */
#define AZ_MODEL_RECV		0x02u	/**< a receive function */
#define AZ_MODEL_ALLOC		0x04u	/**< an allocator (RET/OUT_ALLOC) */
#define AZ_MODEL_FREE		0x08u	/**< a deallocator */
#define AZ_MODEL_OVERRIDE	0x10u	/**< applies over a defined body */
#define AZ_MODEL_SCALAR_RET	0x20u	/**< returns no pointer (documents
					     that RET_* are absent on purpose) */
#define AZ_MODEL_NORETURN	0x40u	/**< exit, abort */

struct az_model {
	const char *name;
	unsigned int flags;		/**< AZ_MODEL_* */
	uint32_t nobind;		/**< OVERRIDE: args not bound to body */
	/** OVERRIDE: args bound to the body as the table argument
	 *  (table_arg) instead: inside the library a value pointer is just
	 *  a pointer into the table's block. */
	uint32_t bind_table;
	int8_t table_arg;
	unsigned int n_eff;
	const struct az_effect *eff;
};

/** The model of @p name, or NULL. */
const struct az_model *az_model_lookup(const char *name);

/** Number of built-in models, and the i-th (for tests and docs). */
unsigned int az_models_count(void);
const struct az_model *az_models_at(unsigned int i);

/** Adds a user output / receive function name (--output, --recv).
 *  @return 0, -EINVAL for an empty name, -ENOMEM. */
int az_models_add_output(const char *name);
int az_models_add_recv(const char *name);
/** Drops user additions (tests). */
void az_models_reset(void);

/** Built-in flag or user addition. */
bool az_model_is_output(const char *name);
bool az_model_is_recv(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* AZ_MODELS_H */
