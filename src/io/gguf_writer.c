/* src/io/gguf_writer.c: GGUF version 3 writer. Metadata is serialized as it is added; tensors
 * are kept (copied) until sea_gguf_write lays them out at 32-byte aligned offsets in the
 * order added and writes the whole file atomically (a temporary renamed into place). */
#include <string.h>

#include "core/internal.h"
#include "sea/gguf.h"

#define W_ALIGN 32

typedef struct wtensor {
    char *name;
    sea_dtype dtype;
    int rank;
    uint64_t ne[2];
    void *data;
    size_t nbytes;
} wtensor;

struct sea_gguf_writer {
    sea_buf kv; /* serialized metadata */
    uint64_t n_kv;
    char **keys;
    wtensor *t;
    size_t n_t, cap_t;
};

static void put_le(sea_buf *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++) x[i] = (unsigned char)(v >> (8 * i));
    sea__buf_append(b, x, (size_t)n);
}

sea_status sea_gguf_writer_new(sea_gguf_writer **out, sea_err *err)
{
    *out = sea__calloc(1, sizeof **out);
    if (!*out) return sea__err_nomem(err, "a GGUF writer");
    sea__buf_init(&(*out)->kv);
    return SEA_OK;
}

void sea_gguf_writer_free(sea_gguf_writer *w)
{
    if (!w) return;
    sea__buf_free(&w->kv);
    for (uint64_t i = 0; i < w->n_kv; i++) sea__free(w->keys[i]);
    sea__free(w->keys);
    for (size_t i = 0; i < w->n_t; i++) {
        sea__free(w->t[i].name);
        sea__free(w->t[i].data);
    }
    sea__free(w->t);
    sea__free(w);
}

/* the key, unique, then its type */
static sea_status begin(sea_gguf_writer *w, const char *key, uint32_t type, sea_err *err)
{
    size_t n = strlen(key);
    if (n == 0) return sea__err(err, SEA_ERR_ARG, "GGUF writer: empty metadata key");
    for (uint64_t i = 0; i < w->n_kv; i++)
        if (strcmp(w->keys[i], key) == 0) return sea__err(err, SEA_ERR_ARG, "GGUF writer: metadata '%s' added twice", key);
    char **k = sea__realloc(w->keys, (size_t)(w->n_kv + 1) * sizeof *k);
    if (!k) return sea__err_nomem(err, "GGUF metadata");
    w->keys = k;
    if (!(k[w->n_kv] = sea__strdup(key))) return sea__err_nomem(err, "GGUF metadata");
    w->n_kv++;
    put_le(&w->kv, n, 8);
    sea__buf_append(&w->kv, key, n);
    put_le(&w->kv, type, 4);
    return w->kv.failed ? sea__err_nomem(err, "GGUF metadata") : SEA_OK;
}

static sea_status end(sea_gguf_writer *w, sea_err *err)
{
    return w->kv.failed ? sea__err_nomem(err, "GGUF metadata") : SEA_OK;
}

sea_status sea_gguf_put_u32(sea_gguf_writer *w, const char *key, uint32_t v, sea_err *err)
{
    sea_status st = begin(w, key, SEA_GGUF_U32, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, v, 4);
    return end(w, err);
}

sea_status sea_gguf_put_i32(sea_gguf_writer *w, const char *key, int32_t v, sea_err *err)
{
    sea_status st = begin(w, key, SEA_GGUF_I32, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, (uint32_t)v, 4);
    return end(w, err);
}

sea_status sea_gguf_put_f32(sea_gguf_writer *w, const char *key, float v, sea_err *err)
{
    uint32_t u;
    sea_status st = begin(w, key, SEA_GGUF_F32, err);
    if (st != SEA_OK) return st;
    memcpy(&u, &v, 4);
    put_le(&w->kv, u, 4);
    return end(w, err);
}

sea_status sea_gguf_put_bool(sea_gguf_writer *w, const char *key, int v, sea_err *err)
{
    sea_status st = begin(w, key, SEA_GGUF_BOOL, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, v ? 1 : 0, 1);
    return end(w, err);
}

sea_status sea_gguf_put_str(sea_gguf_writer *w, const char *key, const char *s, size_t len, sea_err *err)
{
    sea_status st = begin(w, key, SEA_GGUF_STRING, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, len, 8);
    sea__buf_append(&w->kv, s, len);
    return end(w, err);
}

static size_t elem_size(sea_gguf_vtype t)
{
    switch (t) {
    case SEA_GGUF_U8: case SEA_GGUF_I8: case SEA_GGUF_BOOL: return 1;
    case SEA_GGUF_U16: case SEA_GGUF_I16: return 2;
    case SEA_GGUF_U32: case SEA_GGUF_I32: case SEA_GGUF_F32: return 4;
    case SEA_GGUF_U64: case SEA_GGUF_I64: case SEA_GGUF_F64: return 8;
    default: return 0;
    }
}

sea_status sea_gguf_put_arr(sea_gguf_writer *w, const char *key, sea_gguf_vtype elem, const void *vals, uint64_t n,
                            sea_err *err)
{
    size_t es = elem_size(elem);
    if (!es) return sea__err(err, SEA_ERR_ARG, "GGUF writer: '%s': arrays of %d use sea_gguf_put_arr_str", key, (int)elem);
    sea_status st = begin(w, key, SEA_GGUF_ARRAY, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, (uint32_t)elem, 4);
    put_le(&w->kv, n, 8);
    for (uint64_t i = 0; i < n; i++) { /* host values to little-endian */
        const unsigned char *p = (const unsigned char *)vals + i * es;
        uint64_t v = 0;
        if (es == 1) v = p[0];
        else if (es == 2) { uint16_t x; memcpy(&x, p, 2); v = x; }
        else if (es == 4) { uint32_t x; memcpy(&x, p, 4); v = x; }
        else memcpy(&v, p, 8);
        put_le(&w->kv, v, (int)es);
    }
    return end(w, err);
}

sea_status sea_gguf_put_arr_str(sea_gguf_writer *w, const char *key, const char *const *strs, const size_t *lens, uint64_t n,
                                sea_err *err)
{
    sea_status st = begin(w, key, SEA_GGUF_ARRAY, err);
    if (st != SEA_OK) return st;
    put_le(&w->kv, SEA_GGUF_STRING, 4);
    put_le(&w->kv, n, 8);
    for (uint64_t i = 0; i < n; i++) {
        put_le(&w->kv, lens[i], 8);
        sea__buf_append(&w->kv, strs[i], lens[i]);
    }
    return end(w, err);
}

static sea_status add(sea_gguf_writer *w, const char *name, sea_dtype dt, int rank, uint64_t rows, uint64_t cols,
                      const void *data, size_t nbytes, sea_err *err)
{
    uint64_t need;
    int bs = sea_dtype_block(dt);
    size_t es = sea_dtype_size(dt);
    if (sea_gguf_type_of(dt) < 0) return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s': type %s cannot be written", name, sea_dtype_name(dt));
    if (strlen(name) == 0 || strlen(name) >= 64) return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor name '%s' is empty or 64 bytes or longer", name);
    if (bs && cols % (uint64_t)bs) return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s': %llu columns are not a multiple of the %s block", name, (unsigned long long)cols, sea_dtype_name(dt));
    if (bs) {
        if (sea__mul_u64(&need, rows, cols / (uint64_t)bs) || sea__mul_u64(&need, need, sea_dtype_block_bytes(dt)))
            return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s' too large", name);
    } else if (sea__mul_u64(&need, rows, cols) || sea__mul_u64(&need, need, es)) {
        return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s' too large", name);
    }
    if (need != nbytes) return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s' has %zu bytes, its shape needs %llu", name, nbytes, (unsigned long long)need);
    for (size_t i = 0; i < w->n_t; i++)
        if (strcmp(w->t[i].name, name) == 0) return sea__err(err, SEA_ERR_ARG, "GGUF writer: tensor '%s' added twice", name);
    if (w->n_t == w->cap_t) {
        size_t cap = w->cap_t ? 2 * w->cap_t : 64;
        wtensor *t = sea__realloc(w->t, cap * sizeof *t);
        if (!t) return sea__err_nomem(err, "GGUF tensors");
        w->t = t, w->cap_t = cap;
    }
    wtensor *t = &w->t[w->n_t];
    memset(t, 0, sizeof *t);
    t->name = sea__strdup(name);
    t->data = sea__malloc(nbytes ? nbytes : 1);
    if (!t->name || !t->data) {
        sea__free(t->name);
        sea__free(t->data);
        return sea__err_nomem(err, "a GGUF tensor");
    }
    memcpy(t->data, data, nbytes);
    t->dtype = dt, t->rank = rank, t->ne[0] = cols, t->ne[1] = rows, t->nbytes = nbytes;
    w->n_t++;
    return SEA_OK;
}

sea_status sea_gguf_add_tensor(sea_gguf_writer *w, const char *name, sea_dtype dtype, uint64_t rows, uint64_t cols,
                               const void *data, size_t nbytes, sea_err *err)
{
    return add(w, name, dtype, 2, rows, cols, data, nbytes, err);
}

sea_status sea_gguf_add_vector(sea_gguf_writer *w, const char *name, sea_dtype dtype, uint64_t n, const void *data,
                               size_t nbytes, sea_err *err)
{
    return add(w, name, dtype, 1, 1, n, data, nbytes, err);
}

sea_status sea_gguf_write(sea_gguf_writer *w, const char *path, sea_err *err)
{
    static const unsigned char zeros[W_ALIGN];
    sea_buf h;
    sea_afile f;
    sea_status st;
    uint64_t off = 0;
    sea__buf_init(&h);
    sea__buf_append(&h, "GGUF", 4);
    put_le(&h, 3, 4);
    put_le(&h, w->n_t, 8);
    put_le(&h, w->n_kv, 8);
    sea__buf_append(&h, w->kv.data, w->kv.len);
    for (size_t i = 0; i < w->n_t; i++) {
        const wtensor *t = &w->t[i];
        size_t n = strlen(t->name);
        put_le(&h, n, 8);
        sea__buf_append(&h, t->name, n);
        put_le(&h, (uint64_t)t->rank, 4);
        for (int d = 0; d < t->rank; d++) put_le(&h, t->ne[d], 8);
        put_le(&h, (uint64_t)sea_gguf_type_of(t->dtype), 4);
        put_le(&h, off, 8);
        off += (t->nbytes + W_ALIGN - 1) / W_ALIGN * W_ALIGN;
    }
    while (h.len % W_ALIGN) sea__buf_putc(&h, 0);
    if (h.failed) {
        sea__buf_free(&h);
        return sea__err_nomem(err, "a GGUF header");
    }
    if ((st = sea__afile_open(&f, path, err)) != SEA_OK) {
        sea__buf_free(&h);
        return st;
    }
    st = sea__afile_write(&f, h.data, h.len, err);
    sea__buf_free(&h);
    for (size_t i = 0; st == SEA_OK && i < w->n_t; i++) {
        size_t pad = (W_ALIGN - w->t[i].nbytes % W_ALIGN) % W_ALIGN;
        st = sea__afile_write(&f, w->t[i].data, w->t[i].nbytes, err);
        if (st == SEA_OK && pad) st = sea__afile_write(&f, zeros, pad, err);
    }
    if (st != SEA_OK) {
        sea__afile_abort(&f);
        return st;
    }
    return sea__afile_commit(&f, err);
}
