/* src/core/status.c: status strings, error reports, element types and half-precision
 * conversions: the small vocabulary every other file speaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

const char *sea_status_str(sea_status s)
{
    switch (s) {
#define SEA__STATUS_CASE(name, code, text) \
    case SEA_##name: return text;
        SEA_STATUS_MAP(SEA__STATUS_CASE)
#undef SEA__STATUS_CASE
    }
    return "unknown status";
}

const char *sea_version(void)
{
#define SEA__STR2(x) #x
#define SEA__STR(x) SEA__STR2(x)
    return SEA__STR(SEA_VERSION_MAJOR) "." SEA__STR(SEA_VERSION_MINOR) "." SEA__STR(SEA_VERSION_PATCH);
}

void sea_err_clear(sea_err *err)
{
    if (!err) return;
    err->status = SEA_OK;
    err->msg[0] = '\0';
}

/* Messages are one line: control characters (which a file may smuggle into a quoted name)
 * become '?'. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

sea_status sea__verr(sea_err *err, sea_status status, const char *fmt, va_list ap)
{
    if (err) {
        err->status = status;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        one_line(err->msg);
    }
    return status;
}

sea_status sea__err(sea_err *err, sea_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sea__verr(err, status, fmt, ap);
    va_end(ap);
    return status;
}

sea_status sea_err_set(sea_err *err, sea_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sea__verr(err, status, fmt, ap);
    va_end(ap);
    return status;
}

static void err_vprefix(sea_err *err, const char *fmt, va_list ap)
{
    char joined[2 * SEA_ERR_MSG_MAX + 4];
    size_t n;
    if (!err) return;
    vsnprintf(joined, SEA_ERR_MSG_MAX, fmt, ap);
    n = strlen(joined);
    memcpy(joined + n, ": ", 3);
    memcpy(joined + n + 2, err->msg, strlen(err->msg) + 1);
    memcpy(err->msg, joined, SEA_ERR_MSG_MAX - 1);
    err->msg[SEA_ERR_MSG_MAX - 1] = '\0';
    one_line(err->msg);
}

void sea__err_prefix(sea_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vprefix(err, fmt, ap);
    va_end(ap);
}

void sea_err_prefix(sea_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vprefix(err, fmt, ap);
    va_end(ap);
}

sea_status sea__err_nomem(sea_err *err, const char *what)
{
    return sea__err(err, SEA_ERR_NOMEM, "out of memory allocating %s", what);
}

static void log_stderr(const char *msg, void *user)
{
    (void)user;
    fprintf(stderr, "sea: warning: %s\n", msg);
}

static sea_log_fn g_log = log_stderr;
static void *g_log_user = NULL;

void sea_set_log(sea_log_fn fn, void *user)
{
    g_log = fn;
    g_log_user = user;
}

void sea_set_log_default(void)
{
    g_log = log_stderr;
    g_log_user = NULL;
}

void sea__warn(const char *fmt, ...)
{
    char msg[SEA_ERR_MSG_MAX];
    va_list ap;
    if (!g_log) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g_log(msg, g_log_user);
}

static sea_log_level g_level = SEA_LOG_WARN;

void sea_set_log_level(sea_log_level level)
{
    g_level = level;
}

sea_log_level sea_log_get_level(void)
{
    return g_level;
}

int sea__tracing(void)
{
    return g_level >= SEA_LOG_TRACE && g_log != NULL;
}

void sea__trace(const char *fmt, ...)
{
    char msg[SEA_ERR_MSG_MAX];
    va_list ap;
    if (!sea__tracing()) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* the default hook prints diagnostics as "sea MESSAGE", not as warnings */
    if (g_log == log_stderr) fprintf(stderr, "sea %s\n", msg);
    else g_log(msg, g_log_user);
}

void sea__assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "sea: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
    abort();
}

/* ---- element types ---- */
static const struct {
    const char *name;
    size_t size;
} dtype_table[] = {
#define SEA__DTYPE_ROW(name, str, size) {str, size},
    SEA_DTYPE_MAP(SEA__DTYPE_ROW)
#undef SEA__DTYPE_ROW
};

const char *sea_dtype_name(sea_dtype t)
{
    switch (t) { /* block-quantized (GGUF) types */
    case SEA_DTYPE_Q8_0: return "Q8_0";
    case SEA_DTYPE_Q4_0: return "Q4_0";
    case SEA_DTYPE_Q4_K: return "Q4_K";
    case SEA_DTYPE_Q6_K: return "Q6_K";
    default: break;
    }
    return ((unsigned)t < SEA_DTYPE_COUNT) ? dtype_table[t].name : "?";
}

size_t sea_dtype_size(sea_dtype t)
{
    return ((unsigned)t < SEA_DTYPE_COUNT) ? dtype_table[t].size : 0;
}

sea_status sea_dtype_parse(sea_dtype *out, const char *name, size_t len)
{
    for (int i = 0; i < SEA_DTYPE_COUNT; i++) {
        if (strlen(dtype_table[i].name) == len && memcmp(dtype_table[i].name, name, len) == 0) {
            *out = (sea_dtype)i;
            return SEA_OK;
        }
    }
    return SEA_ERR_NOT_FOUND;
}

/* ---- half precision ---- */
static float f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static uint32_t bits_from_f32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

float sea_bf16_to_f32(uint16_t h)
{
    return f32_from_bits((uint32_t)h << 16);
}

uint16_t sea_f32_to_bf16(float f)
{
    uint32_t u = bits_from_f32(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    u += 0x7fffu + ((u >> 16) & 1u);                                          /* nearest even */
    return (uint16_t)(u >> 16);
}

float sea_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0) {
        /* zero or subnormal: value = man * 2^-24 */
        float v = (float)man * 5.9604644775390625e-8f;
        return sign ? -v : v;
    }
    if (exp == 31) return f32_from_bits(sign | 0x7f800000u | (man << 13));
    return f32_from_bits(sign | ((exp + 112u) << 23) | (man << 13));
}

uint16_t sea_f32_to_f16(float f)
{
    uint32_t u = bits_from_f32(f);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t au = u & 0x7fffffffu;
    if (au >= 0x7f800000u) return (uint16_t)(sign | 0x7c00u | (au > 0x7f800000u ? 0x200u : 0));
    if (au >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to >= 65520: inf */
    if (au < 0x38800000u) {                                   /* below the smallest normal */
        float a = f32_from_bits(au);
        /* subnormal: round(a / 2^-24) with ties to even, via the float adder */
        float scaled = a * 16777216.0f; /* exact: power of two */
        uint32_t q = (uint32_t)scaled;
        float frac = scaled - (float)q;
        if (frac > 0.5f || (frac == 0.5f && (q & 1u))) q++;
        return (uint16_t)(sign | q);
    }
    uint32_t mant = au & 0x7fffffu;
    uint32_t e = (au >> 23) - 112u;
    uint32_t h = (e << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++;
    return (uint16_t)(sign | h);
}
