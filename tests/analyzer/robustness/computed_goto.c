/*
 * check-name: a threaded interpreter with computed gotos (indirectbr) over persistent registers
 * check-object: regs updateable output_impacting all-flows
 * check-object: steps updateable !output_impacting all-flows
 *
 * A tiny packet-filter VM in the style of BPF interpreters: its
 * accumulator survives between packets, and its verdict is the
 * program's return value, which depends on the accumulator. prog is const
 * data.
 */
#include <stdint.h>

#include <sa/mbox.h>

enum op { OP_LOAD, OP_ADD, OP_JGT, OP_RET };

struct insn {
	uint8_t op;
	uint8_t jt;
	uint32_t k;
};

struct vm_regs {
	uint32_t acc;
	uint32_t pc;
};

struct vm_regs regs;
const struct insn prog[] = {
	{ OP_LOAD, 0, 12 }, { OP_ADD, 0, 1 }, { OP_JGT, 1, 1000 },
	{ OP_RET, 0, 0 }, { OP_RET, 0, 1 },
};
uint64_t steps;

static uint32_t
vm_run(const uint8_t *frame, uint32_t len)
{
	static const void *const dispatch[] = {
		[OP_LOAD] = &&do_load, [OP_ADD] = &&do_add,
		[OP_JGT] = &&do_jgt, [OP_RET] = &&do_ret,
	};
	const struct insn *i;

	regs.pc = 0;
next:
	steps++;
	i = &prog[regs.pc++];
	goto *dispatch[i->op];
do_load:
	if (i->k < len)
		regs.acc += frame[i->k];
	goto next;
do_add:
	regs.acc += i->k;
	goto next;
do_jgt:
	if (regs.acc > i->k)
		regs.pc += i->jt;
	goto next;
do_ret:
	return i->k;
}

static void
cg_process(struct sa_ctx *ctx, struct sa_pkt *pkt)
{
	if (vm_run(pkt->data, pkt->len) != 0) {
		regs.acc = 0;
		sa_drop(ctx, pkt, SA_DROP_MB_BASE);
		return;
	}
	sa_emit(ctx, pkt, SA_ARM_OUTSIDE);
}

const struct sa_middlebox cg_mb = {
	.name = "computed-goto",
	.process = cg_process,
};

SA_MIDDLEBOX_REGISTER(cg_mb)
