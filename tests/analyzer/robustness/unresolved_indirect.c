/*
 * check-name: a call through a pointer obtained from outside the module is reported as unresolved
 * check-object: hook_count updateable all-flows
 * check-object: hook !updateable output_impacting all-flows
 * check-approx: unresolved-indirect-call
 * check-approx: unknown-external plugin_symbol
 *
 * hook comes from plugin_symbol(), a loader outside the module, so the
 * analysis cannot know the callee. It must say so, and assume the callee
 * writes what it is given (hook_count). Its result decides the verdict.
 */
#include <stdint.h>

#include <sa/mbox.h>

typedef int (*hook_fn)(uint64_t *count, const uint8_t *frame, uint32_t len);

void *plugin_symbol(const char *name);

hook_fn hook;
uint64_t hook_count;

static int
ui_init(struct sa_ctx *ctx, const struct sa_config *cfg)
{
	(void)ctx;
	(void)cfg;
	hook = (hook_fn)plugin_symbol("mb_filter");
	return 0;
}

static void
ui_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (hook != NULL && hook(&hook_count, pkt->data, pkt->len) != 0) {
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox ui_mb = {
	.name = "unresolved-indirect",
	.init = ui_init,
	.process = ui_process,
};

SA_MIDDLEBOX_REGISTER(ui_mb)
