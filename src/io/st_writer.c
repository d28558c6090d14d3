/* src/io/st_writer.c: writing safetensors files. The header lists tensors in the order they
 * were added, is padded with spaces so the data starts 8-byte aligned, and the file appears
 * under its name only once it is complete (temporary file + rename). */
#include <string.h>

#include "core/internal.h"
#include "sea/safetensors.h"

typedef struct wentry {
    char *name;
    sea_dtype dtype;
    int rank;
    uint64_t shape[SEA_ST_MAX_RANK];
    const void *data;
    void *owned; /* copy of the data, when the caller asked for one */
    sea_st_fill_fn fill; /* or a producer called at save time */
    void *fill_user;
    uint64_t nbytes;
} wentry;

struct sea_st_writer {
    wentry *e;
    size_t n, cap;
    char **meta_k, **meta_v;
    size_t n_meta, cap_meta;
};

sea_status sea_st_writer_new(sea_st_writer **out, sea_err *err)
{
    *out = sea__calloc(1, sizeof **out);
    return *out ? SEA_OK : sea__err_nomem(err, "a safetensors writer");
}

void sea_st_writer_free(sea_st_writer *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->n; i++) {
        sea__free(w->e[i].name);
        sea__free(w->e[i].owned);
    }
    for (size_t i = 0; i < w->n_meta; i++) {
        sea__free(w->meta_k[i]);
        sea__free(w->meta_v[i]);
    }
    sea__free(w->e);
    sea__free(w->meta_k);
    sea__free(w->meta_v);
    sea__free(w);
}

static sea_status add(sea_st_writer *w, const char *name, sea_dtype dtype, int rank,
                      const uint64_t *shape, const void *data, int copy, sea_st_fill_fn fill,
                      void *fill_user, sea_err *err)
{
    wentry *e;
    uint64_t n = 1;
    size_t len = strlen(name);
    int printable = 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) printable = 0;
    /* names the reader would refuse are refused here, so every file written can be read */
    if (len == 0 || len > SEA_ST_MAX_NAME || !printable || strcmp(name, "__metadata__") == 0)
        return sea__err(err, SEA_ERR_ARG, "safetensors writer: invalid tensor name '%.64s'",
                        printable ? name : "(control characters)");
    if ((unsigned)dtype >= SEA_DTYPE_COUNT || rank < 0 || rank > SEA_ST_MAX_RANK)
        return sea__err(err, SEA_ERR_ARG, "safetensors writer: tensor '%s': bad dtype or rank", name);
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->e[i].name, name) == 0)
            return sea__err(err, SEA_ERR_ARG, "safetensors writer: duplicate tensor name '%s'", name);
    for (int i = 0; i < rank; i++)
        if (sea__mul_u64(&n, n, shape[i]))
            return sea__err(err, SEA_ERR_ARG, "safetensors writer: tensor '%s' is too large", name);
    if (sea__mul_u64(&n, n, sea_dtype_size(dtype)) || n > (uint64_t)SIZE_MAX)
        return sea__err(err, SEA_ERR_ARG, "safetensors writer: tensor '%s' is too large", name);
    if (n && !data && !fill)
        return sea__err(err, SEA_ERR_ARG, "safetensors writer: tensor '%s' has no data", name);
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        wentry *ne = sea__realloc(w->e, cap * sizeof *ne);
        if (!ne) return sea__err_nomem(err, "the writer's tensor list");
        w->e = ne;
        w->cap = cap;
    }
    e = &w->e[w->n];
    memset(e, 0, sizeof *e);
    e->name = sea__strdup(name);
    if (!e->name) return sea__err_nomem(err, "a tensor name");
    if (copy) {
        e->owned = sea__malloc((size_t)n);
        if (!e->owned) {
            sea__free(e->name);
            return sea__err_nomem(err, "a tensor copy");
        }
        if (n) memcpy(e->owned, data, (size_t)n);
        data = e->owned;
    }
    e->dtype = dtype;
    e->rank = rank;
    for (int i = 0; i < rank; i++) e->shape[i] = shape[i];
    e->data = data;
    e->fill = fill;
    e->fill_user = fill_user;
    e->nbytes = n;
    w->n++;
    return SEA_OK;
}

sea_status sea_st_writer_add(sea_st_writer *w, const char *name, sea_dtype dtype, int rank,
                             const uint64_t *shape, const void *data, sea_err *err)
{
    return add(w, name, dtype, rank, shape, data, 0, NULL, NULL, err);
}

sea_status sea_st_writer_add_copy(sea_st_writer *w, const char *name, sea_dtype dtype, int rank,
                                  const uint64_t *shape, const void *data, sea_err *err)
{
    return add(w, name, dtype, rank, shape, data, 1, NULL, NULL, err);
}

sea_status sea_st_writer_add_fn(sea_st_writer *w, const char *name, sea_dtype dtype, int rank,
                                const uint64_t *shape, sea_st_fill_fn fill, void *user, sea_err *err)
{
    if (!fill) return sea__err(err, SEA_ERR_ARG, "safetensors writer: NULL fill function");
    return add(w, name, dtype, rank, shape, NULL, 0, fill, user, err);
}

/* Stream a produced tensor through a bounded buffer. */
static sea_status write_filled(sea_afile *f, const wentry *e, sea_err *err)
{
    size_t chunk = (size_t)SEA_MIN(e->nbytes, (uint64_t)(16u << 20));
    unsigned char *buf;
    sea_status st = SEA_OK;
    if (e->nbytes == 0) return SEA_OK;
    buf = sea__malloc(chunk);
    if (!buf) {
        sea__afile_abort(f);
        return sea__err_nomem(err, "a write buffer");
    }
    for (uint64_t off = 0; off < e->nbytes && st == SEA_OK; off += chunk) {
        size_t n = (size_t)SEA_MIN((uint64_t)chunk, e->nbytes - off);
        st = e->fill(e->fill_user, buf, off, n, err);
        if (st != SEA_OK) sea__afile_abort(f);
        else st = sea__afile_write(f, buf, n, err);
    }
    sea__free(buf);
    return st;
}

sea_status sea_st_writer_set_metadata(sea_st_writer *w, const char *key, const char *value,
                                      sea_err *err)
{
    char *k, *v;
    for (size_t i = 0; i < w->n_meta; i++)
        if (strcmp(w->meta_k[i], key) == 0) {
            v = sea__strdup(value);
            if (!v) return sea__err_nomem(err, "a metadata value");
            sea__free(w->meta_v[i]);
            w->meta_v[i] = v;
            return SEA_OK;
        }
    if (w->n_meta == w->cap_meta) {
        size_t cap = w->cap_meta ? 2 * w->cap_meta : 8;
        char **nk = sea__realloc(w->meta_k, cap * sizeof *nk);
        if (!nk) return sea__err_nomem(err, "metadata");
        w->meta_k = nk;
        {
            char **nv = sea__realloc(w->meta_v, cap * sizeof *nv);
            if (!nv) return sea__err_nomem(err, "metadata");
            w->meta_v = nv;
        }
        w->cap_meta = cap;
    }
    k = sea__strdup(key);
    v = sea__strdup(value);
    if (!k || !v) {
        sea__free(k);
        sea__free(v);
        return sea__err_nomem(err, "metadata");
    }
    w->meta_k[w->n_meta] = k;
    w->meta_v[w->n_meta++] = v;
    return SEA_OK;
}

sea_status sea_st_writer_save(sea_st_writer *w, const char *path, sea_err *err)
{
    sea_buf h;
    uint64_t off = 0;
    unsigned char prefix[8];
    sea_afile f;
    sea_status st;
    sea__buf_init(&h);
    sea__buf_putc(&h, '{');
    if (w->n_meta) {
        sea__buf_puts(&h, "\"__metadata__\":{");
        for (size_t i = 0; i < w->n_meta; i++) {
            if (i) sea__buf_putc(&h, ',');
            sea__buf_json_string(&h, w->meta_k[i], strlen(w->meta_k[i]));
            sea__buf_putc(&h, ':');
            sea__buf_json_string(&h, w->meta_v[i], strlen(w->meta_v[i]));
        }
        sea__buf_putc(&h, '}');
    }
    for (size_t i = 0; i < w->n; i++) {
        const wentry *e = &w->e[i];
        if (i || w->n_meta) sea__buf_putc(&h, ',');
        sea__buf_json_string(&h, e->name, strlen(e->name));
        sea__buf_printf(&h, ":{\"dtype\":\"%s\",\"shape\":[", sea_dtype_name(e->dtype));
        for (int k = 0; k < e->rank; k++) sea__buf_printf(&h, "%s%llu", k ? "," : "", (unsigned long long)e->shape[k]);
        if (off + e->nbytes < off) {
            sea__buf_free(&h);
            return sea__err(err, SEA_ERR_LIMIT, "%s: tensor data exceeds 2^64 bytes", path);
        }
        sea__buf_printf(&h, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
                        (unsigned long long)(off + e->nbytes));
        off += e->nbytes;
    }
    sea__buf_putc(&h, '}');
    while (!h.failed && (8 + h.len) % 8) sea__buf_putc(&h, ' ');
    if (h.failed) {
        sea__buf_free(&h);
        return sea__err(err, SEA_ERR_NOMEM, "%s: out of memory building the header", path);
    }
    if (h.len > SEA_ST_MAX_HEADER) { /* readers refuse such a file: do not write it */
        size_t hl = h.len;
        sea__buf_free(&h);
        return sea__err(err, SEA_ERR_LIMIT, "%s: header of %zu bytes exceeds the limit of %u", path, hl,
                        SEA_ST_MAX_HEADER);
    }
    sea__store_le64(prefix, h.len);
    if ((st = sea__afile_open(&f, path, err)) != SEA_OK) goto out;
    if ((st = sea__afile_write(&f, prefix, 8, err)) != SEA_OK) goto out;
    if ((st = sea__afile_write(&f, h.data, h.len, err)) != SEA_OK) goto out;
    for (size_t i = 0; i < w->n; i++) {
        st = w->e[i].fill ? write_filled(&f, &w->e[i], err)
                          : sea__afile_write(&f, w->e[i].data, (size_t)w->e[i].nbytes, err);
        if (st != SEA_OK) goto out; /* the temporary is already removed */
    }
    st = sea__afile_commit(&f, err);
out:
    sea__buf_free(&h);
    return st;
}
