/* firmware/boot/exceptions.c: our IDT, and the report a fault produces. */
#include "boot/exceptions.h"

#include <stdio.h>

#include "boot/exit.h"
#include "lib/tap.h"

struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr; /* 0x8e: present, DPL 0, 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

struct __attribute__((packed)) idt_pointer {
	uint16_t limit;
	uint64_t base;
};

extern const uint64_t isr_stub_table[32];
void exception_entry(const struct exception_frame *f);

static struct idt_gate idt[32] __attribute__((aligned(16)));

static const char *const vector_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM no math coprocessor",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD exception",
    "#VE virtualization",
    "#CP control protection",
};

void exceptions_install(void)
{
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < 32; v++) {
		uint64_t a = isr_stub_table[v];
		idt[v] = (struct idt_gate){
		    .offset_low = (uint16_t)a,
		    .selector = cs,
		    .type_attr = 0x8e,
		    .offset_mid = (uint16_t)(a >> 16),
		    .offset_high = (uint32_t)(a >> 32),
		};
	}
	struct idt_pointer p = {.limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(p));
}

void exception_entry(const struct exception_frame *f)
{
	uint64_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	const char *name = f->vector < 32 && vector_names[f->vector] ? vector_names[f->vector] : "reserved";
	char what[160];
	snprintf(what, sizeof(what), "CPU exception %llu (%s) at RIP 0x%llx, error code 0x%llx, CR2 0x%llx",
	         (unsigned long long)f->vector, name, (unsigned long long)f->rip,
	         (unsigned long long)f->error_code, (unsigned long long)cr2);
	tap_crash(what);
	vfprobe_exit(VERDICT_CRASH);
}
