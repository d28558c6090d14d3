/* src/io/safetensors.c: one safetensors file: map it, validate every byte of it, look tensors
 * up by name, convert their data.
 *
 * Validation order follows the reference implementation (huggingface/safetensors,
 * Metadata::validate) with the stricter choices of doc/FORMATS.md: duplicate names and fields
 * are refused explicitly (not as a side effect), unknown entry fields are refused, names must
 * be printable, rank <= 8 and every dimension <= 2^48 - 1 (the format's schema bound). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#if defined(HAVE_MMAP)
#include <sys/mman.h>
#endif
#include "io/st_internal.h"
#include "sea/json.h"
#include "sea/safetensors.h"

#define MAX_DIM ((uint64_t)1 << 48) /* exclusive */

/* Valid safetensors dtypes that sea does not compute with: validated by bit size only. */
static const struct {
    const char *name;
    unsigned bits;
} exotic_dtypes[] = {
    {"F4", 4},           {"F6_E2M3", 6},      {"F6_E3M2", 6},      {"F8_E5M2", 8},
    {"F8_E4M3", 8},      {"F8_E8M0", 8},      {"F8_E4M3FNUZ", 8},  {"F8_E5M2FNUZ", 8},
    {"C64", 64},
};

struct sea_st_file {
    char *path;
    const unsigned char *base; /* whole file image */
    size_t len;
    int how; /* 0 external memory, 1 mmap, 2 malloc copy */
    sea_st_tensor *tensors; /* [n], sorted by name */
    size_t n;
    char *strings; /* names, dtype names, metadata (one block) */
    const char **meta_keys, **meta_vals;
    size_t n_meta;
};

static int cmp_by_name(const void *a, const void *b)
{
    return strcmp(((const sea_st_tensor *)a)->name, ((const sea_st_tensor *)b)->name);
}

typedef struct span {
    uint64_t begin, end;
    size_t idx;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return 0;
}

static sea_status ferr(sea_err *err, const char *name, sea_status st, const char *fmt, ...)
    SEA_PRINTF(4, 5);
static sea_status ferr(sea_err *err, const char *name, sea_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sea__verr(err, st, fmt, ap);
    va_end(ap);
    sea__err_prefix(err, "%s", name);
    return st;
}

static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len > SEA_ST_MAX_NAME) return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
    return 1;
}

/* Parse and check one tensor entry; fills t (name and dtype_name set by the caller). */
static sea_status parse_entry(sea_st_tensor *t, uint64_t off[2], const sea_json_member *m,
                              const char *file, sea_err *err)
{
    const sea_json *v = &m->value, *dt = NULL, *sh = NULL, *of = NULL;
    unsigned bits = 0;
    uint64_t n = 1, nbits;
    if (v->type != SEA_JSON_OBJECT)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': entry must be an object, got %s",
                    m->key, sea_json_type_name(v->type));
    for (size_t i = 0; i < v->v.obj.n; i++) {
        const sea_json_member *f = &v->v.obj.members[i];
        if (strcmp(f->key, "dtype") == 0) dt = &f->value;
        else if (strcmp(f->key, "shape") == 0) sh = &f->value;
        else if (strcmp(f->key, "data_offsets") == 0) of = &f->value;
        else
            return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': unknown field '%.64s'", m->key, f->key);
    }
    if (!dt || !sh || !of)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': missing field '%s'", m->key,
                    !dt ? "dtype" : !sh ? "shape" : "data_offsets");
    if (dt->type != SEA_JSON_STRING)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': dtype must be a string", m->key);
    if (sea_dtype_parse(&t->dtype, dt->v.str.s, dt->v.str.len) == SEA_OK) {
        bits = (unsigned)sea_dtype_size(t->dtype) * 8;
        t->dtype_name = sea_dtype_name(t->dtype);
    } else {
        t->dtype = SEA_DTYPE_COUNT;
        for (size_t i = 0; i < SEA_ARRAY_LEN(exotic_dtypes); i++)
            if (strlen(exotic_dtypes[i].name) == dt->v.str.len &&
                memcmp(exotic_dtypes[i].name, dt->v.str.s, dt->v.str.len) == 0) {
                bits = exotic_dtypes[i].bits;
                t->dtype_name = exotic_dtypes[i].name; /* static: outlives the header JSON */
            }
        if (!bits)
            return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': unknown dtype '%.32s'", m->key,
                        dt->v.str.s);
    }
    if (sh->type != SEA_JSON_ARRAY)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': shape must be an array", m->key);
    if (sh->v.arr.n > SEA_ST_MAX_RANK)
        return ferr(err, file, SEA_ERR_LIMIT, "tensor '%s': rank %zu exceeds the limit of %d",
                    m->key, sh->v.arr.n, SEA_ST_MAX_RANK);
    t->rank = (int)sh->v.arr.n;
    for (int i = 0; i < t->rank; i++) {
        const sea_json *d = &sh->v.arr.items[i];
        if (d->type != SEA_JSON_NUMBER || !(d->v.num.flags & SEA_JSON_NUM_U64))
            return ferr(err, file, SEA_ERR_FORMAT,
                        "tensor '%s': shape[%d] must be a non-negative integer", m->key, i);
        if (d->v.num.u >= MAX_DIM)
            return ferr(err, file, SEA_ERR_LIMIT, "tensor '%s': shape[%d] = %llu exceeds 2^48 - 1",
                        m->key, i, (unsigned long long)d->v.num.u);
        t->shape[i] = d->v.num.u;
        if (sea__mul_u64(&n, n, d->v.num.u))
            return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': element count overflows 64 bits",
                        m->key);
    }
    if (of->type != SEA_JSON_ARRAY || of->v.arr.n != 2)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': data_offsets must be [begin, end]", m->key);
    for (int i = 0; i < 2; i++) {
        const sea_json *d = &of->v.arr.items[i];
        if (d->type != SEA_JSON_NUMBER || !(d->v.num.flags & SEA_JSON_NUM_U64))
            return ferr(err, file, SEA_ERR_FORMAT,
                        "tensor '%s': data_offsets must be non-negative integers", m->key);
        off[i] = d->v.num.u;
    }
    if (off[1] < off[0])
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': data_offsets [%llu, %llu] end before they begin",
                    m->key, (unsigned long long)off[0], (unsigned long long)off[1]);
    if (sea__mul_u64(&nbits, n, bits))
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': byte size overflows 64 bits", m->key);
    if (nbits % 8)
        return ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': %llu elements of %u bits are not whole bytes",
                    m->key, (unsigned long long)n, bits);
    if (off[1] - off[0] != nbits / 8)
        return ferr(err, file, SEA_ERR_FORMAT,
                    "tensor '%s': data_offsets [%llu, %llu] span %llu bytes, but shape and dtype %.32s need %llu",
                    m->key, (unsigned long long)off[0], (unsigned long long)off[1],
                    (unsigned long long)(off[1] - off[0]), dt->v.str.s, (unsigned long long)(nbits / 8));
    t->n_elements = n;
    t->nbytes = nbits / 8;
    return SEA_OK;
}

/* Validate the image f->base[0..f->len) and build the tensor table. */
static sea_status parse_image(sea_st_file *f, sea_err *err)
{
    const char *file = f->path;
    uint64_t hlen, data_len, running = 0;
    sea_json_doc *doc = NULL;
    const sea_json *root;
    sea_status st;
    size_t n_t = 0, n_m = 0, strbytes = 0;
    span *spans = NULL;
    char *sp;
    if (f->len < 8)
        return ferr(err, file, SEA_ERR_FORMAT, "file is %zu bytes, too small for a safetensors header", f->len);
    hlen = sea__load_le64(f->base);
    if (hlen > SEA_ST_MAX_HEADER)
        return ferr(err, file, SEA_ERR_LIMIT, "header length %llu exceeds the limit of %u bytes",
                    (unsigned long long)hlen, SEA_ST_MAX_HEADER);
    if (hlen > (uint64_t)f->len - 8)
        return ferr(err, file, SEA_ERR_FORMAT, "header length %llu exceeds the file size (%zu bytes)",
                    (unsigned long long)hlen, f->len);
    data_len = (uint64_t)f->len - 8 - hlen;
    {
        sea_json_params jp = sea_json_default_params();
        jp.max_depth = 64;
        st = sea_json_parse(&doc, (const char *)f->base + 8, (size_t)hlen, &jp, err);
    }
    if (st != SEA_OK) {
        sea__err_prefix(err, "%s: header", file);
        return st == SEA_ERR_NOMEM ? st : (st == SEA_ERR_LIMIT ? st : SEA_ERR_FORMAT);
    }
    root = sea_json_root(doc);
    if (root->type != SEA_JSON_OBJECT) {
        st = ferr(err, file, SEA_ERR_FORMAT, "header must be a JSON object, got %s",
                  sea_json_type_name(root->type));
        goto done;
    }
    /* count and size the string block */
    for (size_t i = 0; i < root->v.obj.n; i++) {
        const sea_json_member *m = &root->v.obj.members[i];
        if (strcmp(m->key, "__metadata__") == 0 && m->key_len == 12) {
            if (m->value.type != SEA_JSON_OBJECT) {
                st = ferr(err, file, SEA_ERR_FORMAT, "__metadata__ must be an object of strings");
                goto done;
            }
            for (size_t j = 0; j < m->value.v.obj.n; j++) {
                const sea_json_member *e = &m->value.v.obj.members[j];
                if (e->value.type != SEA_JSON_STRING) {
                    st = ferr(err, file, SEA_ERR_FORMAT, "__metadata__ value of '%.64s' must be a string, got %s",
                              e->key, sea_json_type_name(e->value.type));
                    goto done;
                }
                if (memchr(e->key, 0, e->key_len) || memchr(e->value.v.str.s, 0, e->value.v.str.len)) {
                    st = ferr(err, file, SEA_ERR_FORMAT, "__metadata__ contains a NUL character");
                    goto done;
                }
                strbytes += e->key_len + e->value.v.str.len + 2;
                n_m++;
            }
            continue;
        }
        if (!name_ok(m->key, m->key_len)) {
            st = ferr(err, file, SEA_ERR_FORMAT,
                      "tensor name %s (names must be 1..%d printable bytes)",
                      m->key_len == 0 ? "is empty" : m->key_len > SEA_ST_MAX_NAME ? "is too long" : "has control characters",
                      SEA_ST_MAX_NAME);
            goto done;
        }
        strbytes += m->key_len + 1;
        n_t++;
    }
    f->tensors = sea__calloc(n_t ? n_t : 1, sizeof *f->tensors);
    spans = sea__malloc_array(n_t ? n_t : 1, sizeof *spans);
    f->meta_keys = sea__calloc(n_m ? n_m : 1, sizeof *f->meta_keys);
    f->meta_vals = sea__calloc(n_m ? n_m : 1, sizeof *f->meta_vals);
    f->strings = sea__malloc(strbytes + 1);
    if (!f->tensors || !spans || !f->meta_keys || !f->meta_vals || !f->strings) {
        st = ferr(err, file, SEA_ERR_NOMEM, "out of memory for a table of %zu tensors", n_t);
        goto done;
    }
    sp = f->strings;
    for (size_t i = 0; i < root->v.obj.n; i++) {
        const sea_json_member *m = &root->v.obj.members[i];
        if (strcmp(m->key, "__metadata__") == 0 && m->key_len == 12) {
            for (size_t j = 0; j < m->value.v.obj.n; j++) {
                const sea_json_member *e = &m->value.v.obj.members[j];
                memcpy(sp, e->key, e->key_len + 1);
                f->meta_keys[f->n_meta] = sp;
                sp += e->key_len + 1;
                memcpy(sp, e->value.v.str.s, e->value.v.str.len + 1);
                f->meta_vals[f->n_meta++] = sp;
                sp += e->value.v.str.len + 1;
            }
            continue;
        }
        {
            sea_st_tensor *t = &f->tensors[f->n];
            uint64_t off[2] = {0, 0};
            if ((st = parse_entry(t, off, m, file, err)) != SEA_OK) goto done;
            memcpy(sp, m->key, m->key_len + 1);
            t->name = sp;
            sp += m->key_len + 1;
            spans[f->n].begin = off[0];
            spans[f->n].end = off[1];
            spans[f->n].idx = f->n;
            f->n++;
        }
    }
    /* layout: sorted by offsets, each tensor starts where the previous ended, and the last
     * ends exactly at the end of the file */
    qsort(spans, f->n, sizeof *spans, cmp_span);
    for (size_t i = 0; i < f->n; i++) {
        const sea_st_tensor *t = &f->tensors[spans[i].idx];
        if (spans[i].begin != running) {
            st = ferr(err, file, SEA_ERR_FORMAT, "tensor '%s': data_offsets [%llu, %llu] %s (expected to begin at %llu)",
                      t->name, (unsigned long long)spans[i].begin, (unsigned long long)spans[i].end,
                      spans[i].begin < running ? "overlap another tensor" : "leave a gap before them",
                      (unsigned long long)running);
            goto done;
        }
        running = spans[i].end;
    }
    if (running != data_len) {
        st = ferr(err, file, SEA_ERR_FORMAT,
                  running < data_len ? "%llu bytes of data follow the last tensor (file not fully covered by the header)"
                                     : "file is truncated: tensors need %llu more bytes of data",
                  (unsigned long long)(running < data_len ? data_len - running : running - data_len));
        goto done;
    }
    for (size_t i = 0; i < f->n; i++) {
        sea_st_tensor *t = &f->tensors[spans[i].idx];
        t->data = f->base + 8 + hlen + spans[i].begin;
        t->shard = 0;
    }
    qsort(f->tensors, f->n, sizeof *f->tensors, cmp_by_name);
    st = SEA_OK;
done:
    sea__free(spans);
    sea_json_free(doc);
    return st;
}

static void file_free(sea_st_file *f)
{
    if (!f) return;
#if defined(HAVE_MMAP)
    if (f->how == 1) munmap((void *)f->base, f->len);
#endif
    if (f->how == 2) sea__free((void *)f->base);
    sea__free(f->tensors);
    sea__free(f->strings);
    sea__free(f->meta_keys);
    sea__free(f->meta_vals);
    sea__free(f->path);
    sea__free(f);
}

void sea_st_close(sea_st_file *f)
{
    file_free(f);
}

sea_status sea_st_open_memory(sea_st_file **out, const void *data, size_t len, const char *name,
                              sea_err *err)
{
    sea_st_file *f;
    sea_status st;
    *out = NULL;
    f = sea__calloc(1, sizeof *f);
    if (!f) return sea__err_nomem(err, "a safetensors handle");
    f->path = sea__strdup(name ? name : "<memory>");
    if (!f->path) {
        sea__free(f);
        return sea__err_nomem(err, "a safetensors handle");
    }
    f->base = data;
    f->len = len;
    f->how = 0;
    if ((st = parse_image(f, err)) != SEA_OK) {
        sea__st_one_line(err);
        file_free(f);
        return st;
    }
    *out = f;
    return SEA_OK;
}

sea_status sea_st_open(sea_st_file **out, const char *path, sea_err *err)
{
    sea_st_file *f;
    struct stat s;
    sea_status st;
    int fd;
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO planted under a tensor file's name must not wait for a
     * writer; anything but a regular file is refused right after */
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
    f = sea__calloc(1, sizeof *f);
    if (!f || !(f->path = sea__strdup(path))) {
        sea__free(f);
        close(fd);
        return sea__err_nomem(err, "a safetensors handle");
    }
    f->len = (size_t)s.st_size;
    if (f->len < 8) {
        close(fd);
        st = ferr(err, path, SEA_ERR_FORMAT, "file is %zu bytes, too small for a safetensors header", f->len);
        file_free(f);
        return st;
    }
#if defined(HAVE_MMAP)
    {
        void *m = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            f->base = m;
            f->how = 1;
            /* Huge pages for the mapping (advice: a no-op where unsupported). With it, a kernel
             * whose page cache holds large folios for this file system (Linux 6.18 on ext4 here)
             * reads the file in 2 MiB folios and maps them whole: decode streams the weights
             * with one TLB entry per 2 MiB instead of 512, 1.8x faster on 1 thread and 1.4x
             * on 2 in mmap mode on the development VM (doc/PERFORMANCE.md). */
            sea__advise_huge(m, f->len);
        }
    }
#endif
    if (!f->how) { /* no mmap: read the file */
        unsigned char *buf = sea__malloc(f->len);
        size_t got = 0;
        if (!buf) {
            close(fd);
            file_free(f);
            return sea__err(err, SEA_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, s.st_size > 0 ? (size_t)s.st_size : 0);
        }
        while (got < f->len) {
            ssize_t n = read(fd, buf + got, f->len - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                sea__free(buf);
                close(fd);
                file_free(f);
                return sea__err(err, SEA_ERR_IO, "%s: read failed", path);
            }
            got += (size_t)n;
        }
        f->base = buf;
        f->how = 2;
    }
    close(fd);
    if ((st = parse_image(f, err)) != SEA_OK) {
        sea__st_one_line(err);
        file_free(f);
        return st;
    }
    *out = f;
    return SEA_OK;
}

const char *sea_st_file_path(const sea_st_file *f) { return f->path; }
size_t sea_st_count(const sea_st_file *f) { return f->n; }
const sea_st_tensor *sea_st_at(const sea_st_file *f, size_t i) { return i < f->n ? &f->tensors[i] : NULL; }

const sea_st_tensor *sea_st_find(const sea_st_file *f, const char *name)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(f->tensors[mid].name, name);
        if (c == 0) return &f->tensors[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

size_t sea_st_metadata_count(const sea_st_file *f) { return f->n_meta; }

void sea_st_metadata_at(const sea_st_file *f, size_t i, const char **key, const char **value)
{
    *key = i < f->n_meta ? f->meta_keys[i] : NULL;
    *value = i < f->n_meta ? f->meta_vals[i] : NULL;
}

const char *sea_st_metadata(const sea_st_file *f, const char *key)
{
    for (size_t i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta_keys[i], key) == 0) return f->meta_vals[i];
    return NULL;
}

void sea__st_one_line(sea_err *err)
{
    if (!err) return;
    for (char *c = err->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
}

size_t sea__st_format_shape(char *buf, size_t cap, int rank, const uint64_t *shape)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, cap - o, "[");
    for (int i = 0; i < rank && o < cap; i++) {
        if (shape[i] == SEA_ST_ANY) o += (size_t)snprintf(buf + o, cap - o, "%s*", i ? ", " : "");
        else o += (size_t)snprintf(buf + o, cap - o, "%s%llu", i ? ", " : "", (unsigned long long)shape[i]);
    }
    if (o < cap) o += (size_t)snprintf(buf + o, cap - o, "]");
    return o;
}

sea_status sea_st_expect(const sea_st_file *f, const sea_st_tensor *t, sea_dtype dtype, int rank,
                         const uint64_t *shape, sea_err *err)
{
    const char *file = f ? f->path : "<tensors>";
    int ok = t->rank == rank;
    for (int i = 0; ok && i < rank; i++)
        if (shape[i] != SEA_ST_ANY && shape[i] != t->shape[i]) ok = 0;
    if (!ok) {
        char a[160], b[160];
        sea__st_format_shape(a, sizeof a, t->rank, t->shape);
        sea__st_format_shape(b, sizeof b, rank, shape);
        return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' has shape %s, expected %s", file, t->name, a, b);
    }
    if (t->dtype != dtype)
        return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' has dtype %s, expected %s", file, t->name,
                        t->dtype_name ? t->dtype_name : "?", sea_dtype_name(dtype));
    return SEA_OK;
}

sea_status sea_st_read_f32(float *dst, const sea_st_tensor *t, sea_err *err)
{
    const unsigned char *p = t->data;
    uint64_t n = t->n_elements;
    switch (t->dtype) {
    case SEA_DTYPE_F32: if (n) memcpy(dst, p, (size_t)n * 4); return SEA_OK;
    case SEA_DTYPE_F64:
        for (uint64_t i = 0; i < n; i++) {
            double v;
            memcpy(&v, p + 8 * i, 8);
            /* converting a finite double beyond the float range is undefined in C: round it
             * to the infinity IEEE conversion would give */
            if (v > FLT_MAX && v < HUGE_VAL) v = HUGE_VAL;
            else if (v < -FLT_MAX && v > -HUGE_VAL) v = -HUGE_VAL;
            dst[i] = (float)v;
        }
        return SEA_OK;
    case SEA_DTYPE_F16:
    case SEA_DTYPE_BF16:
        for (uint64_t i = 0; i < n; i++) {
            uint16_t h = (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
            dst[i] = t->dtype == SEA_DTYPE_F16 ? sea_f16_to_f32(h) : sea_bf16_to_f32(h);
        }
        return SEA_OK;
    default:
        return sea__err(err, SEA_ERR_UNSUPPORTED, "tensor '%s': dtype %s cannot be read as float",
                        t->name, t->dtype_name ? t->dtype_name : "?");
    }
}

sea_status sea_st_read_i64(int64_t *dst, const sea_st_tensor *t, sea_err *err)
{
    const unsigned char *p = t->data;
    uint64_t n = t->n_elements;
    switch (t->dtype) { /* refuse other dtypes even when the tensor is empty */
    case SEA_DTYPE_I64: case SEA_DTYPE_I32: case SEA_DTYPE_U32: case SEA_DTYPE_I16:
    case SEA_DTYPE_U16: case SEA_DTYPE_I8: case SEA_DTYPE_U8: case SEA_DTYPE_BOOL: break;
    default:
        return sea__err(err, SEA_ERR_UNSUPPORTED, "tensor '%s': dtype %s cannot be read as integers",
                        t->name, t->dtype_name ? t->dtype_name : "?");
    }
    for (uint64_t i = 0; i < n; i++) {
        switch (t->dtype) {
        case SEA_DTYPE_I64: { int64_t v; memcpy(&v, p + 8 * i, 8); dst[i] = v; break; }
        case SEA_DTYPE_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); dst[i] = v; break; }
        case SEA_DTYPE_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); dst[i] = v; break; }
        case SEA_DTYPE_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); dst[i] = v; break; }
        case SEA_DTYPE_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); dst[i] = v; break; }
        case SEA_DTYPE_I8: dst[i] = (int8_t)p[i]; break;
        case SEA_DTYPE_U8:
        case SEA_DTYPE_BOOL: dst[i] = p[i]; break;
        default:
            return sea__err(err, SEA_ERR_UNSUPPORTED, "tensor '%s': dtype %s cannot be read as integers",
                            t->name, t->dtype_name ? t->dtype_name : "?");
        }
    }
    return SEA_OK;
}
