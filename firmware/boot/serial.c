/* firmware/boot/serial.c: COM1 output for newlib's write(), polled input for
 * the host's replies (lib/host_event.h). */
#include "boot/serial.h"

#include "boot/io.h"

#define COM1          0x3f8
#define UART_THR      0 /* transmit holding register */
#define UART_RBR      0 /* receive buffer register */
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LCR_DLAB 0x80

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);          /* no interrupts: polled */
	outb(COM1 + UART_LCR, UART_LCR_DLAB); /* divisor latch */
	outb(COM1 + 0, 1);                    /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0x07); /* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	/* QEMU's UART is always ready; the bound keeps real hardware from hanging us. */
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		serial_putc(buf[i]);
}

int serial_read_byte(void)
{
	if (!(inb(COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1 + UART_RBR);
}
