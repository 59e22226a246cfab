/* tests/bench/dpdk/vf_sysfs.c: see vf_sysfs.h. */
#define _GNU_SOURCE
#include "vf_sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "bench/linux/kfile.h"

#define PCI_DEVICES  "/sys/bus/pci/devices"
#define BIND_WAIT_NS 5000000000ull

static bool dev_attr(const char *bdf, const char *attr, char *path, size_t len)
{
	return snprintf(path, len, PCI_DEVICES "/%s/%s", bdf, attr) < (int)len;
}

bool vf_sysfs_find_pf(struct vf_set *s, unsigned vendor, unsigned device)
{
	DIR *d = opendir(PCI_DEVICES);
	struct dirent *e;
	bool found = false;
	memset(s, 0, sizeof(*s));
	while (d && !found && (e = readdir(d))) {
		char p[PATH_MAX];
		unsigned long v, dv, total;
		if (e->d_name[0] == '.' || strlen(e->d_name) >= VF_SYSFS_BDF_LEN)
			continue;
		if (!dev_attr(e->d_name, "vendor", p, sizeof(p)) || !kfile_read_num(p, 16, &v) || v != vendor)
			continue;
		if (!dev_attr(e->d_name, "device", p, sizeof(p)) || !kfile_read_num(p, 16, &dv) ||
		    dv != device)
			continue;
		if (!dev_attr(e->d_name, "sriov_totalvfs", p, sizeof(p)) || !kfile_read_num(p, 10, &total))
			continue;
		snprintf(s->pf, sizeof(s->pf), "%s", e->d_name);
		s->total = (int)total;
		found = true;
	}
	if (d)
		closedir(d);
	return found;
}

static bool pf_write(const struct vf_set *s, const char *attr, int value)
{
	char p[PATH_MAX], v[16];
	snprintf(v, sizeof(v), "%d", value);
	return dev_attr(s->pf, attr, p, sizeof(p)) && kfile_write(p, v);
}

const char *vf_sysfs_enable(struct vf_set *s, int n)
{
	if (n > VF_SYSFS_MAX_VFS)
		return "more VFs than the DPDK guest handles";
	if (!pf_write(s, "sriov_drivers_autoprobe", 0))
		return "writing sriov_drivers_autoprobe failed";
	if (!pf_write(s, "sriov_numvfs", n))
		return "writing sriov_numvfs failed";
	s->n = 0;
	for (int i = 0; i < n; i++) {
		char link[64], p[PATH_MAX], real[PATH_MAX];
		snprintf(link, sizeof(link), "virtfn%d", i);
		if (!dev_attr(s->pf, link, p, sizeof(p)) || !realpath(p, real))
			return "a VF has no virtfn link under its PF";
		const char *base = strrchr(real, '/');
		snprintf(s->vf[i], sizeof(s->vf[i]), "%s", base ? base + 1 : real);
		s->n++;
	}
	return NULL;
}

static bool bound_to(const char *bdf, const char *driver)
{
	char p[PATH_MAX], real[PATH_MAX];
	if (!dev_attr(bdf, "driver", p, sizeof(p)) || !realpath(p, real))
		return false;
	const char *base = strrchr(real, '/');
	return base && !strcmp(base + 1, driver);
}

const char *vf_sysfs_bind(const struct vf_set *s, const char *driver)
{
	for (int i = 0; i < s->n; i++) {
		char p[PATH_MAX];
		if (bound_to(s->vf[i], driver))
			continue;
		if (!dev_attr(s->vf[i], "driver_override", p, sizeof(p)) || !kfile_write(p, driver))
			return "writing a VF's driver_override failed";
		if (!kfile_write("/sys/bus/pci/drivers_probe", s->vf[i]))
			return "drivers_probe refused a VF (is the driver loaded?)";
	}
	uint64_t end = clock_now() + clock_ns_to_ticks(BIND_WAIT_NS);
	for (int i = 0; i < s->n; i++)
		while (!bound_to(s->vf[i], driver)) {
			if (clock_now() > end)
				return "a VF was not bound within 5 s";
			usleep(50);
		}
	return NULL;
}
