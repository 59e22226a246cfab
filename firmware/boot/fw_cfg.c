/* firmware/boot/fw_cfg.c: the I/O-port interface of QEMU's fw_cfg
 * (QEMU docs/specs/fw_cfg.rst: selector 0x510, data 0x511, big-endian
 * file directory at key 0x19). */
#include "boot/fw_cfg.h"

#include <stdint.h>
#include <string.h>

#include "boot/io.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019
#define FW_CFG_NAME_LEN  56

static void fw_cfg_bytes(void *buf, size_t len)
{
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++)
		b[i] = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

bool fw_cfg_read_file(const char *name, char *buf, size_t len)
{
	char sig[4];
	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	fw_cfg_bytes(sig, 4);
	if (memcmp(sig, "QEMU", 4) != 0 || len == 0)
		return false;
	uint8_t count_be[4];
	outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
	fw_cfg_bytes(count_be, 4);
	uint32_t count = be32(count_be);
	for (uint32_t i = 0; i < count && i < 4096; i++) {
		uint8_t entry[8 + FW_CFG_NAME_LEN];
		fw_cfg_bytes(entry, sizeof(entry));
		entry[sizeof(entry) - 1] = 0;
		if (strcmp((const char *)entry + 8, name) != 0)
			continue;
		uint32_t size = be32(entry);
		uint16_t select = (uint16_t)(entry[4] << 8 | entry[5]);
		size_t n = size < len - 1 ? size : len - 1;
		outw(FW_CFG_PORT_SEL, select);
		fw_cfg_bytes(buf, n);
		buf[n] = 0;
		return true;
	}
	return false;
}
