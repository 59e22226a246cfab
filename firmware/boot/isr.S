/* firmware/boot/isr.S: entry stubs for CPU exception vectors 0-31.
 *
 * Each stub makes the stack look the same (an error code, real or 0, then
 * the vector) and jumps to one common path that calls exception_entry()
 * with a pointer to that frame. Nothing returns: a CPU exception inside a
 * test ends the run. */
	.text

.macro STUB vec, has_error
	.p2align 4
isr_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm

isr_common:
	cld
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_entry
1:	cli
	hlt
	jmp 1b

/* Vectors that push an error code: 8, 10-14, 17, 21, 29, 30 (SDM Vol. 3 §6.3.1). */
STUB 0,0
STUB 1,0
STUB 2,0
STUB 3,0
STUB 4,0
STUB 5,0
STUB 6,0
STUB 7,0
STUB 8,1
STUB 9,0
STUB 10,1
STUB 11,1
STUB 12,1
STUB 13,1
STUB 14,1
STUB 15,0
STUB 16,0
STUB 17,1
STUB 18,0
STUB 19,0
STUB 20,0
STUB 21,1
STUB 22,0
STUB 23,0
STUB 24,0
STUB 25,0
STUB 26,0
STUB 27,0
STUB 28,0
STUB 29,1
STUB 30,1
STUB 31,0

	.section .data
	.p2align 3
	.globl isr_stub_table
isr_stub_table:
	.irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr

	.section .note.GNU-stack,"",@progbits
