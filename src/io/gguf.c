/* src/io/gguf.c: the GGUF reader (layout and checks: include/sea/gguf.h, doc/FORMATS.md).
 *
 * A cursor walks the header; every count and length is compared with the bytes left before
 * anything is allocated for it, so a hostile header costs at most a small multiple of the
 * file's own size. Metadata strings and arrays point into the image; keys and tensor names
 * are copied NUL-terminated after being checked for NUL and control bytes. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#if defined(HAVE_MMAP)
#include <sys/mman.h>
#endif
#include "io/st_internal.h"
#include "sea/gguf.h"

#define GGUF_MAX_NAME 64       /* tensor names: the format's tools refuse 64 bytes and more */
#define GGUF_MAX_KEY 65535     /* metadata keys */
#define GGUF_DEFAULT_ALIGN 32
#define GGUF_MAX_ALIGN (1u << 24)
#define GGUF_MAX_DIM ((uint64_t)1 << 48)

struct sea_gguf {
    char *path;
    const unsigned char *base;
    size_t len;
    int how; /* 0 external, 1 mmap, 2 malloc copy */
    uint32_t version;
    uint64_t alignment;
    sea_gguf_kv *kv;
    size_t n_kv;
    sea_gguf_tensor *t;
    size_t n_t;
    const sea_gguf_tensor **t_sorted; /* sorted by name */
    sea_gguf_str *strpool; /* all arrays of strings */
    size_t strpool_n, strpool_cap;
};

/* A tensor type's block: elements and bytes (0 when the type is unknown). */
static const struct {
    uint32_t type;
    const char *name;
    uint32_t block, bytes;
} ggml_types[] = {
    {0, "F32", 1, 4},       {1, "F16", 1, 2},       {2, "Q4_0", 32, 18},   {3, "Q4_1", 32, 20},
    {6, "Q5_0", 32, 22},    {7, "Q5_1", 32, 24},    {8, "Q8_0", 32, 34},   {9, "Q8_1", 32, 36},
    {10, "Q2_K", 256, 84},  {11, "Q3_K", 256, 110}, {12, "Q4_K", 256, 144}, {13, "Q5_K", 256, 176},
    {14, "Q6_K", 256, 210}, {15, "Q8_K", 256, 292}, {24, "I8", 1, 1},      {25, "I16", 1, 2},
    {26, "I32", 1, 4},      {27, "I64", 1, 8},      {28, "F64", 1, 8},     {30, "BF16", 1, 2},
};

static int type_row(uint32_t type)
{
    for (size_t i = 0; i < SEA_ARRAY_LEN(ggml_types); i++)
        if (ggml_types[i].type == type) return (int)i;
    return -1;
}

int sea_gguf_type_of(sea_dtype t)
{
    switch (t) {
    case SEA_DTYPE_F32: return SEA_GGML_F32;
    case SEA_DTYPE_F16: return SEA_GGML_F16;
    case SEA_DTYPE_BF16: return SEA_GGML_BF16;
    case SEA_DTYPE_Q8_0: return SEA_GGML_Q8_0;
    case SEA_DTYPE_Q4_0: return SEA_GGML_Q4_0;
    case SEA_DTYPE_Q4_K: return SEA_GGML_Q4_K;
    case SEA_DTYPE_Q6_K: return SEA_GGML_Q6_K;
    default: return -1;
    }
}

sea_dtype sea_gguf_dtype_of(uint32_t type)
{
    switch (type) {
    case SEA_GGML_F32: return SEA_DTYPE_F32;
    case SEA_GGML_F16: return SEA_DTYPE_F16;
    case SEA_GGML_BF16: return SEA_DTYPE_BF16;
    case SEA_GGML_Q8_0: return SEA_DTYPE_Q8_0;
    case SEA_GGML_Q4_0: return SEA_DTYPE_Q4_0;
    case SEA_GGML_Q4_K: return SEA_DTYPE_Q4_K;
    case SEA_GGML_Q6_K: return SEA_DTYPE_Q6_K;
    default: return SEA_DTYPE_COUNT;
    }
}

static const char *vtype_name(uint32_t t)
{
    static const char *const names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32",
                                        "bool", "string", "array", "u64", "i64", "f64"};
    return t < SEA_ARRAY_LEN(names) ? names[t] : "?";
}

static size_t vtype_size(uint32_t t)
{
    switch (t) {
    case SEA_GGUF_U8: case SEA_GGUF_I8: case SEA_GGUF_BOOL: return 1;
    case SEA_GGUF_U16: case SEA_GGUF_I16: return 2;
    case SEA_GGUF_U32: case SEA_GGUF_I32: case SEA_GGUF_F32: return 4;
    case SEA_GGUF_U64: case SEA_GGUF_I64: case SEA_GGUF_F64: return 8;
    default: return 0;
    }
}

typedef struct cur {
    const unsigned char *p;
    size_t left, pos;
} cur;

static sea_status gerr(sea_err *err, const sea_gguf *g, sea_status st, const char *fmt, ...) SEA_PRINTF(4, 5);
static sea_status gerr(sea_err *err, const sea_gguf *g, sea_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sea__verr(err, st, fmt, ap);
    va_end(ap);
    sea__err_prefix(err, "%s", g->path);
    return st;
}

static int take(cur *c, void *out, size_t n)
{
    if (c->left < n) return -1;
    if (out) memcpy(out, c->p, n);
    c->p += n, c->left -= n, c->pos += n;
    return 0;
}
static uint64_t le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
}
static int take_u32(cur *c, uint32_t *v)
{
    unsigned char b[4];
    if (take(c, b, 4)) return -1;
    *v = (uint32_t)le(b, 4);
    return 0;
}
static int take_u64(cur *c, uint64_t *v)
{
    unsigned char b[8];
    if (take(c, b, 8)) return -1;
    *v = le(b, 8);
    return 0;
}

/* A string: u64 length then bytes (bounded by the bytes left). */
static sea_status take_str(cur *c, sea_gguf_str *s, const sea_gguf *g, const char *what, sea_err *err)
{
    uint64_t n;
    size_t at = c->pos;
    if (take_u64(c, &n)) return gerr(err, g, SEA_ERR_FORMAT, "truncated at byte %zu (length of %s)", at, what);
    if (n > c->left)
        return gerr(err, g, SEA_ERR_FORMAT, "%s at byte %zu is %llu bytes long, past the end of the file (%zu left)", what,
                    at, (unsigned long long)n, c->left);
    s->s = (const char *)c->p;
    s->len = n;
    take(c, NULL, (size_t)n);
    return SEA_OK;
}

static int printable(const sea_gguf_str *s)
{
    for (uint64_t i = 0; i < s->len; i++)
        if ((unsigned char)s->s[i] < 0x20 || s->s[i] == 0x7f) return 0;
    return 1;
}

static double num_at(uint32_t t, const unsigned char *p)
{
    uint64_t u = le(p, vtype_size(t));
    switch (t) {
    case SEA_GGUF_I8: return (double)(int8_t)u;
    case SEA_GGUF_I16: return (double)(int16_t)u;
    case SEA_GGUF_I32: return (double)(int32_t)u;
    case SEA_GGUF_I64: return (double)(int64_t)u;
    case SEA_GGUF_F32: {
        uint32_t b = (uint32_t)u;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    case SEA_GGUF_F64: {
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    default: return (double)u;
    }
}

static sea_status read_value(cur *c, sea_gguf_kv *kv, sea_gguf *g, sea_err *err)
{
    size_t at = c->pos;
    uint32_t t;
    if (take_u32(c, &t)) return gerr(err, g, SEA_ERR_FORMAT, "truncated at byte %zu (type of '%s')", at, kv->key);
    if (t > SEA_GGUF_F64) return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' has unknown value type %u", kv->key, t);
    kv->type = (sea_gguf_vtype)t;
    kv->n = 1;
    if (t == SEA_GGUF_STRING) return take_str(c, &kv->str, g, "a string value", err);
    if (t != SEA_GGUF_ARRAY) {
        size_t sz = vtype_size(t);
        const unsigned char *p = c->p;
        if (take(c, NULL, sz)) return gerr(err, g, SEA_ERR_FORMAT, "truncated at byte %zu (value of '%s')", c->pos, kv->key);
        if (t == SEA_GGUF_BOOL && p[0] > 1)
            return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' is a bool holding %u", kv->key, p[0]);
        if (t == SEA_GGUF_F32 || t == SEA_GGUF_F64) kv->v.f = num_at(t, p);
        else if (t == SEA_GGUF_I64) kv->v.i = (int64_t)le(p, 8); /* not through double: 2^63 would not convert back */
        else if (t == SEA_GGUF_I8 || t == SEA_GGUF_I16 || t == SEA_GGUF_I32) kv->v.i = (int64_t)num_at(t, p);
        else kv->v.u = le(p, sz);
        return SEA_OK;
    }
    uint32_t et;
    uint64_t n;
    if (take_u32(c, &et) || take_u64(c, &n))
        return gerr(err, g, SEA_ERR_FORMAT, "truncated at byte %zu (array header of '%s')", c->pos, kv->key);
    if (et == SEA_GGUF_ARRAY) return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' is an array of arrays (not supported)", kv->key);
    if (et > SEA_GGUF_F64) return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' is an array of unknown type %u", kv->key, et);
    kv->elem = (sea_gguf_vtype)et;
    kv->n = n;
    if (et != SEA_GGUF_STRING) {
        size_t sz = vtype_size(et);
        if (n > c->left / sz)
            return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' claims %llu %s elements, more than the %zu bytes left hold", kv->key,
                        (unsigned long long)n, vtype_name(et), c->left);
        kv->arr = c->p;
        take(c, NULL, (size_t)n * sz);
        if (et == SEA_GGUF_BOOL)
            for (uint64_t i = 0; i < n; i++)
                if (kv->arr[i] > 1) return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' element %llu is a bool holding %u", kv->key, (unsigned long long)i, kv->arr[i]);
        return SEA_OK;
    }
    if (n > c->left / 8)
        return gerr(err, g, SEA_ERR_FORMAT, "metadata '%s' claims %llu strings, more than the %zu bytes left hold", kv->key,
                    (unsigned long long)n, c->left);
    /* room in the pool: bounded by the file size / 8 over all arrays */
    if (g->strpool_n + (size_t)n > g->strpool_cap) {
        size_t cap = g->strpool_cap ? g->strpool_cap : 64;
        while (cap < g->strpool_n + (size_t)n) cap *= 2;
        sea_gguf_str *p = sea__realloc(g->strpool, cap * sizeof *p);
        if (!p) return sea__err_nomem(err, "GGUF string arrays");
        g->strpool = p, g->strpool_cap = cap;
    }
    for (uint64_t i = 0; i < n; i++) {
        sea_status st = take_str(c, &g->strpool[g->strpool_n + i], g, "an array string", err);
        if (st != SEA_OK) return st;
    }
    kv->strs = (const sea_gguf_str *)(uintptr_t)g->strpool_n; /* index until the pool stops moving */
    g->strpool_n += (size_t)n;
    return SEA_OK;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(((const sea_gguf_kv *)a)->key, ((const sea_gguf_kv *)b)->key);
}

static int cmp_tptr(const void *a, const void *b)
{
    return strcmp((*(const sea_gguf_tensor *const *)a)->name, (*(const sea_gguf_tensor *const *)b)->name);
}

typedef struct span {
    uint64_t b, e;
    size_t i;
} span;
static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->b != y->b ? (x->b < y->b ? -1 : 1) : x->e != y->e ? (x->e < y->e ? -1 : 1) : 0;
}

static sea_status parse(sea_gguf *g, sea_err *err)
{
    cur c = {g->base, g->len, 0};
    uint32_t magic, ver;
    uint64_t n_t, n_kv;
    sea_status st;
    if (take_u32(&c, &magic) || magic != 0x46554747u) /* "GGUF" */
        return gerr(err, g, SEA_ERR_FORMAT, "not a GGUF file (no 'GGUF' magic)");
    if (take_u32(&c, &ver)) return gerr(err, g, SEA_ERR_FORMAT, "truncated in the header");
    if (ver != 2 && ver != 3)
        return gerr(err, g, SEA_ERR_FORMAT, "GGUF version %u is not supported (only 2 and 3)", ver);
    g->version = ver;
    if (take_u64(&c, &n_t) || take_u64(&c, &n_kv)) return gerr(err, g, SEA_ERR_FORMAT, "truncated in the header");
    /* a metadata entry takes at least 8 + 4 + 1 bytes, a tensor entry 8 + 4 + 4 + 8 + 8 */
    if (n_kv > c.left / 13)
        return gerr(err, g, SEA_ERR_FORMAT, "header claims %llu metadata entries, more than the file's %zu bytes can hold",
                    (unsigned long long)n_kv, g->len);
    if (n_t > c.left / 32)
        return gerr(err, g, SEA_ERR_FORMAT, "header claims %llu tensors, more than the file's %zu bytes can hold",
                    (unsigned long long)n_t, g->len);
    g->kv = sea__calloc((size_t)n_kv + 1, sizeof *g->kv);
    g->t = sea__calloc((size_t)n_t + 1, sizeof *g->t);
    g->t_sorted = sea__calloc((size_t)n_t + 1, sizeof *g->t_sorted);
    if (!g->kv || !g->t || !g->t_sorted) return sea__err_nomem(err, "a GGUF header");
    g->alignment = GGUF_DEFAULT_ALIGN;
    for (uint64_t i = 0; i < n_kv; i++) {
        sea_gguf_kv *kv = &g->kv[i];
        sea_gguf_str k;
        if ((st = take_str(&c, &k, g, "a metadata key", err)) != SEA_OK) return st;
        if (k.len == 0 || k.len > GGUF_MAX_KEY || !printable(&k))
            return gerr(err, g, SEA_ERR_FORMAT, "metadata key %llu is empty, too long or holds control bytes", (unsigned long long)i);
        if (!(kv->key = sea__strndup(k.s, (size_t)k.len))) return sea__err_nomem(err, "a GGUF key");
        g->n_kv = (size_t)i + 1;
        if ((st = read_value(&c, kv, g, err)) != SEA_OK) return st;
        if (strcmp(kv->key, "general.alignment") == 0) {
            if (kv->type != SEA_GGUF_U32)
                return gerr(err, g, SEA_ERR_FORMAT, "general.alignment is a %s, not a u32", vtype_name(kv->type));
            if (kv->v.u == 0 || (kv->v.u & (kv->v.u - 1)) || kv->v.u > GGUF_MAX_ALIGN)
                return gerr(err, g, SEA_ERR_FORMAT, "general.alignment %llu is not a power of two up to 2^24", (unsigned long long)kv->v.u);
            g->alignment = kv->v.u;
        }
    }
    for (size_t i = 0; i < g->n_kv; i++) /* string-array pointers, now that the pool is final */
        if (g->kv[i].type == SEA_GGUF_ARRAY && g->kv[i].elem == SEA_GGUF_STRING)
            g->kv[i].strs = g->strpool ? g->strpool + (size_t)(uintptr_t)g->kv[i].strs : NULL; /* NULL: only empty arrays */
    {
        sea_gguf_kv *sorted = sea__malloc_array(g->n_kv + 1, sizeof *sorted);
        if (!sorted) return sea__err_nomem(err, "a GGUF header");
        memcpy(sorted, g->kv, g->n_kv * sizeof *sorted);
        qsort(sorted, g->n_kv, sizeof *sorted, cmp_key);
        for (size_t i = 1; i < g->n_kv; i++)
            if (strcmp(sorted[i].key, sorted[i - 1].key) == 0) {
                st = gerr(err, g, SEA_ERR_FORMAT, "metadata key '%s' appears twice", sorted[i].key);
                sea__free(sorted);
                return st;
            }
        sea__free(sorted);
    }
    for (uint64_t i = 0; i < n_t; i++) {
        sea_gguf_tensor *t = &g->t[i];
        sea_gguf_str nm;
        uint32_t rank, type;
        if ((st = take_str(&c, &nm, g, "a tensor name", err)) != SEA_OK) return st;
        if (nm.len == 0 || nm.len >= GGUF_MAX_NAME || !printable(&nm))
            return gerr(err, g, SEA_ERR_FORMAT, "tensor %llu: name is empty, %d bytes or longer, or holds control bytes",
                        (unsigned long long)i, GGUF_MAX_NAME);
        if (!(t->name = sea__strndup(nm.s, (size_t)nm.len))) return sea__err_nomem(err, "a GGUF tensor name");
        g->n_t = (size_t)i + 1;
        if (take_u32(&c, &rank)) return gerr(err, g, SEA_ERR_FORMAT, "truncated in tensor '%s'", t->name);
        if (rank < 1 || rank > SEA_GGUF_MAX_DIMS)
            return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' has %u dimensions (1 to 4 allowed)", t->name, rank);
        t->rank = (int)rank;
        uint64_t nel = 1;
        for (int d = 0; d < SEA_GGUF_MAX_DIMS; d++) t->ne[d] = 1;
        for (uint32_t d = 0; d < rank; d++) {
            if (take_u64(&c, &t->ne[d])) return gerr(err, g, SEA_ERR_FORMAT, "truncated in tensor '%s'", t->name);
            if (t->ne[d] == 0 || t->ne[d] >= GGUF_MAX_DIM)
                return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' dimension %u is %llu (1 to 2^48-1 allowed)", t->name, d,
                            (unsigned long long)t->ne[d]);
            if (sea__mul_u64(&nel, nel, t->ne[d]) || nel >= GGUF_MAX_DIM)
                return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' has more than 2^48 elements", t->name);
        }
        if (take_u32(&c, &type) || take_u64(&c, &t->offset))
            return gerr(err, g, SEA_ERR_FORMAT, "truncated in tensor '%s'", t->name);
        int row = type_row(type);
        if (row < 0) return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' has unknown type %u", t->name, type);
        t->ggml_type = type;
        t->dtype = sea_gguf_dtype_of(type);
        if (t->ne[0] % ggml_types[row].block)
            return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' of type %s has rows of %llu values, not a multiple of its block of %u",
                        t->name, ggml_types[row].name, (unsigned long long)t->ne[0], ggml_types[row].block);
        t->nbytes = nel / ggml_types[row].block * ggml_types[row].bytes;
        if (t->offset % g->alignment)
            return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' data offset %llu is not a multiple of the alignment %llu", t->name,
                        (unsigned long long)t->offset, (unsigned long long)g->alignment);
    }
    /* the data section starts at the next multiple of the alignment */
    uint64_t data0 = ((uint64_t)c.pos + g->alignment - 1) / g->alignment * g->alignment;
    if (n_t > 0 && data0 > g->len)
        return gerr(err, g, SEA_ERR_FORMAT, "truncated: the data section would start at byte %llu of %zu", (unsigned long long)data0,
                    g->len);
    uint64_t data_len = data0 <= g->len ? g->len - data0 : 0;
    span *sp = sea__malloc_array(g->n_t + 1, sizeof *sp);
    if (!sp) return sea__err_nomem(err, "a GGUF header");
    for (size_t i = 0; i < g->n_t; i++) {
        sea_gguf_tensor *t = &g->t[i];
        if (t->offset > data_len || t->nbytes > data_len - t->offset) {
            st = gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' data [%llu, +%llu) lies past the end of the file (data section is %llu bytes)",
                      t->name, (unsigned long long)t->offset, (unsigned long long)t->nbytes, (unsigned long long)data_len);
            sea__free(sp);
            return st;
        }
        t->data = g->base + data0 + t->offset;
        sp[i].b = t->offset, sp[i].e = t->offset + t->nbytes, sp[i].i = i;
    }
    qsort(sp, g->n_t, sizeof *sp, cmp_span);
    for (size_t i = 1; i < g->n_t; i++)
        if (sp[i].b < sp[i - 1].e) {
            st = gerr(err, g, SEA_ERR_FORMAT, "tensors '%s' and '%s' overlap in the data section", g->t[sp[i - 1].i].name,
                      g->t[sp[i].i].name);
            sea__free(sp);
            return st;
        }
    sea__free(sp);
    for (size_t i = 0; i < g->n_t; i++) g->t_sorted[i] = &g->t[i];
    qsort(g->t_sorted, g->n_t, sizeof *g->t_sorted, cmp_tptr);
    for (size_t i = 1; i < g->n_t; i++)
        if (strcmp(g->t_sorted[i]->name, g->t_sorted[i - 1]->name) == 0)
            return gerr(err, g, SEA_ERR_FORMAT, "tensor '%s' appears twice", g->t_sorted[i]->name);
    return SEA_OK;
}

void sea_gguf_close(sea_gguf *g)
{
    if (!g) return;
#if defined(HAVE_MMAP)
    if (g->how == 1) munmap((void *)g->base, g->len);
#endif
    if (g->how == 2) sea__free((void *)g->base);
    for (size_t i = 0; i < g->n_kv; i++) sea__free((void *)g->kv[i].key);
    for (size_t i = 0; i < g->n_t; i++) sea__free((void *)g->t[i].name);
    sea__free(g->kv);
    sea__free(g->t);
    sea__free((void *)g->t_sorted);
    sea__free(g->strpool);
    sea__free(g->path);
    sea__free(g);
}

static sea_status finish(sea_gguf **out, sea_gguf *g, sea_err *err)
{
    sea_status st = parse(g, err);
    if (st != SEA_OK) {
        sea__st_one_line(err);
        sea_gguf_close(g);
        return st;
    }
    *out = g;
    return SEA_OK;
}

sea_status sea_gguf_open_memory(sea_gguf **out, const void *data, size_t len, const char *name, sea_err *err)
{
    sea_gguf *g;
    *out = NULL;
    g = sea__calloc(1, sizeof *g);
    if (!g || !(g->path = sea__strdup(name ? name : "<memory>"))) {
        sea__free(g);
        return sea__err_nomem(err, "a GGUF handle");
    }
    g->base = data;
    g->len = len;
    return finish(out, g, err);
}

sea_status sea_gguf_open(sea_gguf **out, const char *path, sea_err *err)
{
    struct stat s;
    sea_gguf *g;
    int fd;
    *out = NULL;
    fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return sea__err(err, SEA_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode)) {
        close(fd);
        return sea__err(err, SEA_ERR_IO, "%s: not a regular file", path);
    }
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if ((uint64_t)s.st_size > (uint64_t)SIZE_MAX) {
        close(fd);
        return sea__err(err, SEA_ERR_LIMIT, "%s: file too large for this platform", path);
    }
    g = sea__calloc(1, sizeof *g);
    if (!g || !(g->path = sea__strdup(path))) {
        sea__free(g);
        close(fd);
        return sea__err_nomem(err, "a GGUF handle");
    }
    g->len = (size_t)s.st_size;
    if (g->len < 24) {
        close(fd);
        sea_status st = gerr(err, g, SEA_ERR_FORMAT, "file is %zu bytes, too small for a GGUF header", g->len);
        sea_gguf_close(g);
        return st;
    }
#if defined(HAVE_MMAP)
    {
        void *m = mmap(NULL, g->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            g->base = m;
            g->how = 1;
            sea__advise_huge(m, g->len);
        }
    }
#endif
    if (!g->how) {
        unsigned char *buf = sea__malloc(g->len);
        size_t got = 0;
        if (!buf) {
            close(fd);
            sea_gguf_close(g);
            return sea__err(err, SEA_ERR_NOMEM, "%s: out of memory reading the file", path);
        }
        while (got < g->len) {
            ssize_t n = read(fd, buf + got, g->len - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                sea__free(buf);
                close(fd);
                sea_gguf_close(g);
                return sea__err(err, SEA_ERR_IO, "%s: read failed", path);
            }
            got += (size_t)n;
        }
        g->base = buf;
        g->how = 2;
    }
    close(fd);
    return finish(out, g, err);
}

const char *sea_gguf_path(const sea_gguf *g) { return g->path; }
uint32_t sea_gguf_version(const sea_gguf *g) { return g->version; }
uint64_t sea_gguf_alignment(const sea_gguf *g) { return g->alignment; }
size_t sea_gguf_file_size(const sea_gguf *g) { return g->len; }
size_t sea_gguf_kv_count(const sea_gguf *g) { return g->n_kv; }
const sea_gguf_kv *sea_gguf_kv_at(const sea_gguf *g, size_t i) { return i < g->n_kv ? &g->kv[i] : NULL; }
size_t sea_gguf_tensor_count(const sea_gguf *g) { return g->n_t; }
const sea_gguf_tensor *sea_gguf_tensor_at(const sea_gguf *g, size_t i) { return i < g->n_t ? &g->t[i] : NULL; }

const sea_gguf_kv *sea_gguf_find_kv(const sea_gguf *g, const char *key)
{
    for (size_t i = 0; i < g->n_kv; i++)
        if (strcmp(g->kv[i].key, key) == 0) return &g->kv[i];
    return NULL;
}

const sea_gguf_tensor *sea_gguf_find_tensor(const sea_gguf *g, const char *name)
{
    size_t lo = 0, hi = g->n_t;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->t_sorted[mid]->name, name);
        if (c == 0) return g->t_sorted[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static sea_status need(const sea_gguf *g, const char *key, const sea_gguf_kv **kv, sea_err *err)
{
    *kv = sea_gguf_find_kv(g, key);
    if (!*kv) return sea__err(err, SEA_ERR_NOT_FOUND, "%s: metadata '%s' is missing", g->path, key);
    return SEA_OK;
}

sea_status sea_gguf_get_u64(const sea_gguf *g, const char *key, uint64_t *out, sea_err *err)
{
    const sea_gguf_kv *kv;
    sea_status st = need(g, key, &kv, err);
    if (st != SEA_OK) return st;
    switch (kv->type) {
    case SEA_GGUF_U8: case SEA_GGUF_U16: case SEA_GGUF_U32: case SEA_GGUF_U64: *out = kv->v.u; return SEA_OK;
    case SEA_GGUF_I8: case SEA_GGUF_I16: case SEA_GGUF_I32: case SEA_GGUF_I64:
        if (kv->v.i < 0) break;
        *out = (uint64_t)kv->v.i;
        return SEA_OK;
    default: break;
    }
    return sea__err(err, SEA_ERR_FORMAT, "%s: metadata '%s' is not a non-negative integer", g->path, key);
}

sea_status sea_gguf_get_f64(const sea_gguf *g, const char *key, double *out, sea_err *err)
{
    const sea_gguf_kv *kv;
    sea_status st = need(g, key, &kv, err);
    if (st != SEA_OK) return st;
    switch (kv->type) {
    case SEA_GGUF_F32: case SEA_GGUF_F64: *out = kv->v.f; return SEA_OK;
    case SEA_GGUF_U8: case SEA_GGUF_U16: case SEA_GGUF_U32: case SEA_GGUF_U64: *out = (double)kv->v.u; return SEA_OK;
    case SEA_GGUF_I8: case SEA_GGUF_I16: case SEA_GGUF_I32: case SEA_GGUF_I64: *out = (double)kv->v.i; return SEA_OK;
    default: break;
    }
    return sea__err(err, SEA_ERR_FORMAT, "%s: metadata '%s' is not a number", g->path, key);
}

sea_status sea_gguf_get_str(const sea_gguf *g, const char *key, sea_gguf_str *out, sea_err *err)
{
    const sea_gguf_kv *kv;
    sea_status st = need(g, key, &kv, err);
    if (st != SEA_OK) return st;
    if (kv->type != SEA_GGUF_STRING) return sea__err(err, SEA_ERR_FORMAT, "%s: metadata '%s' is not a string", g->path, key);
    *out = kv->str;
    return SEA_OK;
}

double sea_gguf_arr_f64(const sea_gguf_kv *kv, uint64_t i)
{
    if (kv->type != SEA_GGUF_ARRAY || i >= kv->n || !kv->arr) return 0;
    return num_at(kv->elem, kv->arr + i * vtype_size(kv->elem));
}

int64_t sea_gguf_arr_i64(const sea_gguf_kv *kv, uint64_t i)
{
    if (kv->type != SEA_GGUF_ARRAY || i >= kv->n || !kv->arr) return 0;
    if (kv->elem == SEA_GGUF_I64 || kv->elem == SEA_GGUF_U64) return (int64_t)le(kv->arr + i * 8, 8);
    double d = num_at(kv->elem, kv->arr + i * vtype_size(kv->elem));
    return d > -9.2e18 && d < 9.2e18 ? (int64_t)d : 0; /* floats out of range (or NaN): 0 */
}
