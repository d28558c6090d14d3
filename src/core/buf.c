/* src/core/buf.c: a growable byte buffer, used to build JSON, file headers and messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

void sea__buf_init(sea_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void sea__buf_free(sea_buf *b)
{
    sea__free(b->data);
    sea__buf_init(b);
}

int sea__buf_reserve(sea_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->failed) return -1;
    if (sea__add_size(&need, b->len, extra) || sea__add_size(&need, need, 1)) goto fail;
    if (need <= b->cap) return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap *= 2;
    }
    p = sea__realloc(b->data, cap);
    if (!p) goto fail;
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = 1;
    return -1;
}

int sea__buf_append(sea_buf *b, const void *data, size_t n)
{
    if (sea__buf_reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sea__buf_puts(sea_buf *b, const char *s)
{
    return sea__buf_append(b, s, strlen(s));
}

int sea__buf_putc(sea_buf *b, char c)
{
    return sea__buf_append(b, &c, 1);
}

int sea__buf_printf(sea_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sea__buf_reserve(b, (size_t)n)) {
        va_end(ap2);
        b->failed = 1;
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return 0;
}

int sea__buf_json_string(sea_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (sea__buf_putc(b, '"')) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sea__buf_append(b, "\\\"", 2); break;
        case '\\': sea__buf_append(b, "\\\\", 2); break;
        case '\n': sea__buf_append(b, "\\n", 2); break;
        case '\r': sea__buf_append(b, "\\r", 2); break;
        case '\t': sea__buf_append(b, "\\t", 2); break;
        case '\b': sea__buf_append(b, "\\b", 2); break;
        case '\f': sea__buf_append(b, "\\f", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                sea__buf_append(b, e, 6);
            } else {
                sea__buf_putc(b, (char)c);
            }
        }
    }
    sea__buf_putc(b, '"');
    return b->failed ? -1 : 0;
}

int sea__buf_json_double(sea_buf *b, double v)
{
    char tmp[40];
    if (!isfinite(v)) return sea__buf_puts(b, "null");
    /* shortest of %.15g .. %.17g that reads back exactly */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    /* make sure an integral value still reads as a number with a fraction or exponent? no:
     * JSON numbers need not carry a '.', keep it as printed */
    return sea__buf_puts(b, tmp);
}

const char *sea__buf_cstr(sea_buf *b)
{
    return b->data ? b->data : "";
}

