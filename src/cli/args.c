/* src/cli/args.c: option parsing with help generated from the option table, and the
 * small helpers every command uses (errors, model directory default, int lists, progress). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sea/tokenizer.h"

static void print_help(const char *cmd, const cli_opt *opts, size_t n, const char *usage,
                       const char *description)
{
    printf("usage: sea %s %s\n\n", cmd, usage);
    if (description) printf("%s\n\n", description);
    printf("options:\n");
    for (size_t i = 0; i < n; i++) {
        char left[64];
        const cli_opt *o = &opts[i];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->long_name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->long_name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        printf("  %-26s %s\n", left, o->help);
    }
    printf("  %-26s %s\n", "-h, --help", "show this help and exit");
}

static int parse_value(const char *cmd, const cli_opt *o, const char *val)
{
    char *end;
    errno = 0;
    switch (o->kind) {
    case CLI_FLAG: *(int *)o->dest = 1; return 0;
    case CLI_STR: *(const char **)o->dest = val; return 0;
    case CLI_INT: {
        long v = strtol(val, &end, 10);
        if (errno || end == val || *end)
            return cli_usage_error(cmd, "--%s expects an integer, got '%s'", o->long_name, val);
        if (o->min <= o->max && (v < o->min || v > o->max))
            return cli_usage_error(cmd, "--%s must be between %.0f and %.0f, got %ld", o->long_name,
                                   o->min, o->max, v);
        *(long *)o->dest = v;
        return 0;
    }
    case CLI_DOUBLE: {
        double v = strtod(val, &end);
        if (errno || end == val || *end || !isfinite(v))
            return cli_usage_error(cmd, "--%s expects a number, got '%s'", o->long_name, val);
        if (o->min <= o->max && (v < o->min || v > o->max))
            return cli_usage_error(cmd, "--%s must be between %g and %g, got %g", o->long_name,
                                   o->min, o->max, v);
        *(double *)o->dest = v;
        return 0;
    }
    }
    return CLI_EXIT_USAGE;
}

int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n_opts, const char *usage,
              const char *description, char **pos, int max_pos, int *n_pos)
{
    const char *cmd = argv[0];
    int only_pos = 0;
    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const cli_opt *o = NULL;
        const char *val = NULL;
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (*n_pos >= max_pos) return cli_usage_error(cmd, "unexpected argument '%s'", a);
            pos[(*n_pos)++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) { only_pos = 1; continue; }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            print_help(cmd, opts, n_opts, usage, description);
            return CLI_EXIT_OK;
        }
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < n_opts; k++)
                if (strlen(opts[k].long_name) == len && strncmp(opts[k].long_name, name, len) == 0)
                    o = &opts[k];
            if (!o) return cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
            if (eq) {
                if (o->kind == CLI_FLAG)
                    return cli_usage_error(cmd, "option '--%s' takes no value", o->long_name);
                val = eq + 1;
            }
        } else {
            for (size_t k = 0; k < n_opts; k++)
                if (opts[k].short_name && opts[k].short_name == a[1]) o = &opts[k];
            if (!o) return cli_usage_error(cmd, "unknown option '%s'", a);
            if (a[2]) {
                if (o->kind == CLI_FLAG) return cli_usage_error(cmd, "unknown option '%s'", a);
                val = a + 2;
            }
        }
        if (o->kind != CLI_FLAG && !val) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "option '--%s' needs a value (%s)", o->long_name,
                                       o->metavar ? o->metavar : "VALUE");
            val = argv[++i];
        }
        {
            int rc = parse_value(cmd, o, val);
            if (rc) return rc;
        }
        if (o->seen) *o->seen = 1;
    }
    return -1;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sea %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

int cli_fail_err(const char *cmd, const sea_err *err)
{
    return cli_fail(cmd, "%s", err->msg[0] ? err->msg : sea_status_str(err->status));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sea %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'sea %s --help')\n", cmd);
    return CLI_EXIT_USAGE;
}

const char *cli_model_dir(const char *given)
{
    static char buf[4096];
    const char *env;
    if (given && given[0]) return given;
    env = getenv("SEA_MODEL");
    if (env && env[0]) return env;
    snprintf(buf, sizeof buf, "%s/kjv-demo", SEA_SRC_MODELDIR);
    if (access(buf, R_OK) == 0) return buf;
    snprintf(buf, sizeof buf, "%s/kjv-demo", SEA_INSTALLED_MODELDIR);
    return buf;
}

sea_model_params cli_model_params(void)
{
    sea_model_params p = sea_model_default_params();
    const char *env = getenv("SEA_LOAD");
    if (env && strcmp(env, "copy") == 0) p.load = SEA_LOAD_COPY;
    return p;
}

sea_status cli_model_open(sea_model **out, const char *dir, sea_err *err)
{
    sea_model_params p = cli_model_params();
    return sea_model_open_ex(out, dir, &p, err);
}

int cli_parse_int_list(const char *s, int **out, size_t *n, long min, long max, char *msg,
                       size_t msg_len)
{
    size_t cap = 16, cnt = 0;
    int *v = malloc(cap * sizeof *v);
    const char *p = s;
    if (!v) {
        snprintf(msg, msg_len, "out of memory");
        return -1;
    }
    while (*p) {
        char *end;
        long x;
        errno = 0;
        x = strtol(p, &end, 10);
        if (errno || end == p || (*end && *end != ',') || x < min || x > max) {
            snprintf(msg, msg_len, "'%s' is not a comma-separated list of integers in [%ld, %ld]", s,
                     min, max);
            free(v);
            return -1;
        }
        if (cnt == cap) {
            int *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) {
                free(v);
                snprintf(msg, msg_len, "out of memory");
                return -1;
            }
            v = nv;
            cap *= 2;
        }
        v[cnt++] = (int)x;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p) {
            snprintf(msg, msg_len, "'%s' ends with a comma", s);
            free(v);
            return -1;
        }
    }
    if (cnt == 0) {
        snprintf(msg, msg_len, "empty list");
        free(v);
        return -1;
    }
    *out = v;
    *n = cnt;
    return 0;
}

const char *cli_system_prompt(const char *arg)
{
    if (arg && strcmp(arg, "llama2-default") == 0) return SEA_LLAMA2_SYSTEM_PROMPT;
    return arg;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = a + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", dir, a == 0 || dir[a - 1] == '/' ? "" : "/", name);
    return p;
}

const char *cli_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int cli_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int cli_default_threads(void)
{
    return sea_default_threads();
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress(const char *what, size_t done, size_t total, double elapsed_s)
{
    static int tty = -1;
    if (tty < 0) tty = isatty(2);
    if (!tty && done != total && done % (total / 10 + 1) != 0) return;
    if (done > 0 && done < total) {
        double eta = elapsed_s / (double)done * (double)(total - done);
        fprintf(stderr, "%s%s: %zu/%zu, %.1f s, ETA %.0f s%s", tty ? "\r" : "", what, done, total,
                elapsed_s, eta, tty ? "\033[K" : "\n");
    } else {
        fprintf(stderr, "%s%s: %zu/%zu, %.1f s%s", tty ? "\r" : "", what, done, total, elapsed_s,
                (done == total || !tty) ? "\n" : "");
    }
    fflush(stderr);
}
