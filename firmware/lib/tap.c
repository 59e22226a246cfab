/* firmware/lib/tap.c: TAP 13 output and counting. */
#include "lib/tap.h"

#include <stdarg.h>
#include <string.h>

static FILE *out;
static struct tap_counts counts;
static char context[96];
static const char *todo_reason;

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
	context[0] = 0;
	todo_reason = NULL;
	fprintf(stream(), "TAP version 13\n");
}

void tap_context(const char *fmt, ...)
{
	context[0] = 0;
	if (!fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
}

const char *tap_context_name(void)
{
	return context[0] ? context : "(no test)";
}

/* YAML scalars are quoted; embedded quotes become single quotes. */
static void yaml_scalar(FILE *f, const char *key, const char *value)
{
	fprintf(f, "  %s: \"", key);
	for (const char *p = value ? value : ""; *p; p++)
		fputc(*p == '"' ? '\'' : *p, f);
	fprintf(f, "\"\n");
}

static void point(bool ok, const char *rule, const char *got, const char *want, const char *fmt, va_list ap)
{
	FILE *f = stream();
	const char *todo = todo_reason;
	todo_reason = NULL;
	counts.total++;
	if (ok || todo)
		counts.passed++;
	else
		counts.failed++;
	if (!ok && todo)
		counts.todo++;
	fprintf(f, "%s %u - ", ok ? "ok" : "not ok", counts.total);
	if (context[0])
		fprintf(f, "%s: ", context);
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
	point(ok, rule, got, want, fmt, ap);
	va_end(ap);
	return ok;
}

bool tap_check_eq(uint64_t got, uint64_t want, const char *rule, const char *fmt, ...)
{
	char g[24], w[24];
	snprintf(g, sizeof(g), "0x%llx", (unsigned long long)got);
	snprintf(w, sizeof(w), "0x%llx", (unsigned long long)want);
	va_list ap;
	va_start(ap, fmt);
	point(got == want, rule, g, w, fmt, ap);
	va_end(ap);
	return got == want;
}

bool tap_check_true(bool ok, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	point(ok, rule, ok ? "true" : "false", "true", fmt, ap);
	va_end(ap);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	FILE *f = stream();
	va_list ap;
	counts.total++;
	counts.skipped++;
	todo_reason = NULL;
	fprintf(f, "ok %u - ", counts.total);
	if (context[0])
		fprintf(f, "%s: ", context);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, " # SKIP %s\n", reason);
}

void tap_todo_next(const char *reason)
{
	todo_reason = reason;
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
	fprintf(f, "not ok %u - %s # CPU exception\n", counts.total, tap_context_name());
	fprintf(f, "  ---\n");
	yaml_scalar(f, "rule", "a test must not raise a CPU exception");
	yaml_scalar(f, "got", what);
	yaml_scalar(f, "test", tap_context_name());
	fprintf(f, "  ...\n");
	fprintf(f, "Bail out! %s in test '%s'\n", what, tap_context_name());
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
