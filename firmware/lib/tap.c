/* firmware/lib/tap.c: TAP 13 output and counting. */
#include "lib/tap.h"

#include <stdarg.h>
#include <string.h>

static FILE *out;
static struct tap_counts counts;

/* The prefix stack: the joined text, and where each level starts in it. */
static char prefix[160];
static size_t prefix_end[TAP_PREFIX_DEPTH + 1];
static unsigned depth, overflow;

void tap_set_stream(FILE *f)
{
	out = f;
}

static FILE *stream(void)
{
	return out ? out : stdout;
}

void tap_begin(void)
{
	memset(&counts, 0, sizeof(counts));
	tap_prefix_restore(0);
	fprintf(stream(), "TAP version 13\n");
}

bool tap_resume(const struct tap_counts *before)
{
	if (counts.total)
		return false;
	counts = *before;
	return true;
}

static void prefix_vpush(const char *fmt, va_list ap)
{
	if (depth >= TAP_PREFIX_DEPTH) {
		/* Too deep: counted, and shown once as "..." after the rest. */
		size_t at = prefix_end[depth];
		if (overflow++ == 0 && at + 1 < sizeof(prefix))
			snprintf(prefix + at, sizeof(prefix) - at, "%s...", at ? ": " : "");
		return;
	}
	size_t at = prefix_end[depth];
	int n = 0;
	if (at && at < sizeof(prefix))
		n = snprintf(prefix + at, sizeof(prefix) - at, ": ");
	if (at + (size_t)n < sizeof(prefix))
		vsnprintf(prefix + at + n, sizeof(prefix) - at - (size_t)n, fmt, ap);
	prefix_end[++depth] = strlen(prefix);
}

void tap_prefix_push(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	prefix_vpush(fmt, ap);
	va_end(ap);
}

void tap_prefix_pop(void)
{
	if (overflow) {
		if (--overflow == 0)
			prefix[prefix_end[depth]] = 0;
		return;
	}
	if (depth)
		prefix[prefix_end[--depth]] = 0;
}

void tap_prefix_restore(unsigned d)
{
	while (tap_prefix_depth() > d)
		tap_prefix_pop();
}

unsigned tap_prefix_depth(void)
{
	return depth + overflow;
}

const char *tap_prefix(void)
{
	return prefix[0] ? prefix : "(no test)";
}

/* YAML scalars are quoted; embedded quotes become single quotes. */
static void yaml_scalar(FILE *f, const char *key, const char *value)
{
	fprintf(f, "  %s: \"", key);
	for (const char *p = value ? value : ""; *p; p++)
		fputc(*p == '"' ? '\'' : *p, f);
	fprintf(f, "\"\n");
}

static void point(const char *known, bool ok, const char *rule, const char *got, const char *want,
                  const char *fmt, va_list ap)
{
	FILE *f = stream();
	const char *todo = known;
	counts.total++;
	if (ok || todo)
		counts.passed++;
	else
		counts.failed++;
	if (!ok && todo)
		counts.todo++;
	fprintf(f, "%s %u - ", ok ? "ok" : "not ok", counts.total);
	if (prefix[0])
		fprintf(f, "%s: ", prefix);
	vfprintf(f, fmt, ap);
	if (todo)
		fprintf(f, " # TODO %s", todo);
	fputc('\n', f);
	if (!ok) {
		fprintf(f, "  ---\n");
		yaml_scalar(f, "rule", rule);
		if (got)
			yaml_scalar(f, "got", got);
		if (want)
			yaml_scalar(f, "want", want);
		fprintf(f, "  ...\n");
	}
}

bool tap_check(bool ok, const char *rule, const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	point(NULL, ok, rule, got, want, fmt, ap);
	va_end(ap);
	return ok;
}

bool tap_check_kfail(const char *known, bool ok, const char *rule, const char *got, const char *want,
                     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	point(known, ok, rule, got, want, fmt, ap);
	va_end(ap);
	return ok;
}

static bool check_eq(const char *known, uint64_t got, uint64_t want, const char *rule, const char *fmt,
                     va_list ap)
{
	char g[24], w[24];
	snprintf(g, sizeof(g), "0x%llx", (unsigned long long)got);
	snprintf(w, sizeof(w), "0x%llx", (unsigned long long)want);
	point(known, got == want, rule, g, w, fmt, ap);
	return got == want;
}

bool tap_check_eq(uint64_t got, uint64_t want, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = check_eq(NULL, got, want, rule, fmt, ap);
	va_end(ap);
	return ok;
}

bool tap_check_eq_kfail(const char *known, uint64_t got, uint64_t want, const char *rule, const char *fmt,
                        ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = check_eq(known, got, want, rule, fmt, ap);
	va_end(ap);
	return ok;
}

bool tap_check_true(bool ok, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	point(NULL, ok, rule, ok ? "true" : "false", "true", fmt, ap);
	va_end(ap);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	FILE *f = stream();
	va_list ap;
	counts.total++;
	counts.skipped++;
	fprintf(f, "ok %u - ", counts.total);
	if (prefix[0])
		fprintf(f, "%s: ", prefix);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, " # SKIP %s\n", reason);
}

void tap_diag(const char *fmt, ...)
{
	FILE *f = stream();
	va_list ap;
	fprintf(f, "# ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void tap_crash(const char *what)
{
	FILE *f = stream();
	counts.total++;
	counts.failed++;
	fprintf(f, "not ok %u - %s # CPU exception\n", counts.total, tap_prefix());
	fprintf(f, "  ---\n");
	yaml_scalar(f, "rule", "a test must not raise a CPU exception");
	yaml_scalar(f, "got", what);
	yaml_scalar(f, "test", tap_prefix());
	fprintf(f, "  ...\n");
	fprintf(f, "Bail out! %s in test '%s'\n", what, tap_prefix());
	fflush(f);
}

void tap_bail_out(const char *fmt, ...)
{
	FILE *f = stream();
	va_list ap;
	fprintf(f, "Bail out! ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	counts.bailed = true;
}

struct tap_counts tap_end(void)
{
	FILE *f = stream();
	fprintf(f, "1..%u\n", counts.total);
	if (counts.todo)
		fprintf(f, "# %u known deviation(s) reported as TODO\n", counts.todo);
	fprintf(f, "# %u passed, %u failed, %u skipped\n", counts.passed, counts.failed, counts.skipped);
	fflush(f);
	return counts;
}

struct tap_counts tap_get_counts(void)
{
	return counts;
}
