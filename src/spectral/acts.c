/* src/spectral/acts.c: activation files (SEA-SPEC §6.1): positive/negative/base F32
 * [N, n_layer, d] with "sea" provenance metadata; open with full validation, create for
 * tracing, save atomically, and merge the shards of `sea trace --shard i/n`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sea/json.h"
#include "sea/safetensors.h"
#include "sea/spectral.h"
#include "spectral/spectral_internal.h"

static const char *const tensor_names[3] = {"positive", "negative", "base"};

struct sea_acts {
    size_t N, n_layer, d, count; /* count = N·n_layer·d */
    const float *view[3];
    float *own[3];      /* owned data (then view[k] == own[k]), or NULL when view is mapped */
    sea_st_file *file;  /* the mapping the views point into, or NULL */
    int has_meta;
    sea_acts_meta meta; /* strings point at the s_* copies */
    char *s_site, *s_model, *s_template, *s_sha;
    char *provenance;   /* JSON object text, or NULL */
};

const char *sea_acts_provenance(const sea_acts *a) { return a->provenance; }

sea_status sea__acts_set_provenance(sea_acts *a, const char *json, sea_err *err)
{
    char *c = NULL;
    if (json && !(c = sea__strdup(json))) return sea__err_nomem(err, "activation provenance");
    sea__free(a->provenance);
    a->provenance = c;
    return SEA_OK;
}

size_t sea_acts_n(const sea_acts *a) { return a->N; }
size_t sea_acts_n_layer(const sea_acts *a) { return a->n_layer; }
size_t sea_acts_d(const sea_acts *a) { return a->d; }

const float *sea_acts_view(const sea_acts *a, int which)
{
    return (which >= 0 && which < 3) ? a->view[which] : NULL;
}

float *sea_acts_data(sea_acts *a, int which)
{
    if (which < 0 || which > 2) return NULL;
    if (!a->own[which]) {
        float *c = sea__malloc_big(a->count, sizeof *c);
        if (!c) return NULL;
        memcpy(c, a->view[which], a->count * sizeof *c);
        a->own[which] = c;
        a->view[which] = c;
    }
    return a->own[which];
}

static void clear_meta(sea_acts *a)
{
    sea__free(a->s_site);
    sea__free(a->s_model);
    sea__free(a->s_template);
    sea__free(a->s_sha);
    a->s_site = a->s_model = a->s_template = a->s_sha = NULL;
    memset(&a->meta, 0, sizeof a->meta);
    a->meta.max_new_tokens = -1;
    a->meta.shard_i = 0;
    a->meta.shard_n = 1;
}

void sea_acts_free(sea_acts *a)
{
    if (!a) return;
    for (int k = 0; k < 3; k++) sea__free(a->own[k]);
    if (a->file) sea_st_close(a->file);
    clear_meta(a);
    sea__free(a->provenance);
    sea__free(a);
}

const sea_acts_meta *sea_acts_get_meta(const sea_acts *a, int *has_meta)
{
    if (has_meta) *has_meta = a->has_meta;
    return &a->meta;
}

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) return 0;
    return n == 64;
}

static int valid_site(const char *s) { return strcmp(s, "mlp") == 0 || strcmp(s, "residual") == 0; }

static sea_status dup_opt(char **dst, const char *src, sea_err *err)
{
    *dst = NULL;
    if (!src) return SEA_OK;
    *dst = sea__strdup(src);
    return *dst ? SEA_OK : sea__err_nomem(err, "activation metadata");
}

sea_status sea_acts_set_meta(sea_acts *a, const sea_acts_meta *m, sea_err *err)
{
    char *site = NULL, *model = NULL, *tmpl = NULL, *sha = NULL;
    if (m->site && !valid_site(m->site))
        return sea__err(err, SEA_ERR_ARG, "activation metadata: site '%s' is not 'mlp' or 'residual'", m->site);
    if (m->demos_sha256 && !is_sha256_hex(m->demos_sha256))
        return sea__err(err, SEA_ERR_ARG, "activation metadata: demos_sha256 is not 64 lowercase hex digits");
    if (m->shard_n == 0 || m->shard_i >= m->shard_n)
        return sea__err(err, SEA_ERR_ARG, "activation metadata: shard %zu/%zu is not i/n with i < n", m->shard_i, m->shard_n);
    if (m->max_new_tokens < -1)
        return sea__err(err, SEA_ERR_ARG, "activation metadata: max_new_tokens %ld < 0", m->max_new_tokens);
    if (dup_opt(&site, m->site, err)) return SEA_ERR_NOMEM;
    if (dup_opt(&model, m->model, err) || dup_opt(&tmpl, m->template_name, err) ||
        dup_opt(&sha, m->demos_sha256, err)) {
        sea__free(site);
        sea__free(model);
        sea__free(tmpl);
        return SEA_ERR_NOMEM;
    }
    clear_meta(a);
    a->s_site = site;
    a->s_model = model;
    a->s_template = tmpl;
    a->s_sha = sha;
    a->meta.site = site;
    a->meta.model = model;
    a->meta.template_name = tmpl;
    a->meta.demos_sha256 = sha;
    a->meta.max_new_tokens = m->max_new_tokens;
    a->meta.shard_i = m->shard_i;
    a->meta.shard_n = m->shard_n;
    a->has_meta = 1;
    return SEA_OK;
}

static sea_acts *acts_alloc(void)
{
    sea_acts *a = sea__calloc(1, sizeof *a);
    if (a) clear_meta(a);
    return a;
}

sea_status sea_acts_new(sea_acts **out, size_t N, size_t n_layer, size_t d, sea_err *err)
{
    sea_acts *a;
    size_t count;
    *out = NULL;
    if (N == 0 || n_layer == 0 || d == 0)
        return sea__err(err, SEA_ERR_ARG, "activations: shape [%zu, %zu, %zu] has a zero dimension", N, n_layer, d);
    if (sea__mul_size(&count, N, n_layer) || sea__mul_size(&count, count, d) ||
        count > SIZE_MAX / sizeof(float))
        return sea__err(err, SEA_ERR_LIMIT, "activations: shape [%zu, %zu, %zu] is too large", N, n_layer, d);
    a = acts_alloc();
    if (!a) return sea__err_nomem(err, "activations");
    a->N = N;
    a->n_layer = n_layer;
    a->d = d;
    a->count = count;
    for (int k = 0; k < 3; k++) {
        a->own[k] = sea__calloc(count, sizeof(float));
        if (!a->own[k]) {
            sea_acts_free(a);
            return sea__err_nomem(err, "activations");
        }
        a->view[k] = a->own[k];
    }
    *out = a;
    return SEA_OK;
}

/* Parse "i/n" strictly (decimal, no signs or spaces, i < n). */
static int parse_shard(const char *s, size_t *i, size_t *n)
{
    char *end;
    unsigned long long a, b;
    if (!(*s >= '0' && *s <= '9')) return -1;
    a = strtoull(s, &end, 10);
    if (*end != '/' || !(end[1] >= '0' && end[1] <= '9')) return -1;
    b = strtoull(end + 1, &end, 10);
    if (*end || b == 0 || a >= b || b > 1000000) return -1;
    *i = (size_t)a;
    *n = (size_t)b;
    return 0;
}

/* The "sea" metadata object, validated strictly. */
static sea_status read_sea_meta(sea_acts *a, const char *text, sea_err *err)
{
    sea_json_doc *doc = NULL;
    const sea_json *root, *v;
    sea_acts_meta m;
    const char *str;
    size_t len;
    uint64_t u;
    sea_status st;
    memset(&m, 0, sizeof m);
    m.max_new_tokens = -1;
    m.shard_n = 1;
    st = sea_json_parse(&doc, text, strlen(text), NULL, err);
    if (st) {
        sea__err_prefix(err, "metadata 'sea'");
        return st;
    }
    root = sea_json_root(doc);
#define FAIL(...)                                        \
    do {                                                 \
        st = sea__err(err, SEA_ERR_FORMAT, __VA_ARGS__); \
        goto out;                                        \
    } while (0)
#define CHECK(call)                                        \
    do {                                                   \
        if ((st = (call)) != SEA_OK) {                     \
            sea__err_prefix(err, "metadata 'sea'");        \
            goto out;                                      \
        }                                                  \
    } while (0)
    if (root->type != SEA_JSON_OBJECT) FAIL("metadata 'sea' is not a JSON object");
    v = sea_json_get(root, "kind");
    if (!v) FAIL("metadata 'sea' has no 'kind'");
    CHECK(sea_json_as_string(&str, &len, v, "kind", err));
    if (strcmp(str, "activations") != 0) FAIL("metadata 'sea' has kind '%s', expected 'activations'", str);
    v = sea_json_get(root, "site");
    if (!v) FAIL("metadata 'sea' has no 'site'");
    CHECK(sea_json_as_string(&m.site, &len, v, "site", err));
    if (!valid_site(m.site)) FAIL("metadata 'sea': site '%s' is not 'mlp' or 'residual'", m.site);
    v = sea_json_get(root, "n_layer");
    if (!v) FAIL("metadata 'sea' has no 'n_layer'");
    CHECK(sea_json_as_u64(&u, v, "n_layer", err));
    if (u != a->n_layer) FAIL("metadata 'sea' says n_layer %llu but the tensors have %zu layers", (unsigned long long)u, a->n_layer);
    v = sea_json_get(root, "d");
    if (!v) FAIL("metadata 'sea' has no 'd'");
    CHECK(sea_json_as_u64(&u, v, "d", err));
    if (u != a->d) FAIL("metadata 'sea' says d %llu but the tensors have width %zu", (unsigned long long)u, a->d);
    if ((v = sea_json_get(root, "model")) != NULL) CHECK(sea_json_as_string(&m.model, &len, v, "model", err));
    if ((v = sea_json_get(root, "template")) != NULL) CHECK(sea_json_as_string(&m.template_name, &len, v, "template", err));
    if ((v = sea_json_get(root, "max_new_tokens")) != NULL) {
        CHECK(sea_json_as_u64(&u, v, "max_new_tokens", err));
        if (u > 1000000000u) FAIL("metadata 'sea': max_new_tokens %llu is too large", (unsigned long long)u);
        m.max_new_tokens = (long)u;
    }
    if ((v = sea_json_get(root, "demos_sha256")) != NULL) {
        CHECK(sea_json_as_string(&m.demos_sha256, &len, v, "demos_sha256", err));
        if (!is_sha256_hex(m.demos_sha256)) FAIL("metadata 'sea': demos_sha256 is not 64 lowercase hex digits");
    }
    if ((v = sea_json_get(root, "shard")) != NULL) {
        CHECK(sea_json_as_string(&str, &len, v, "shard", err));
        if (parse_shard(str, &m.shard_i, &m.shard_n)) FAIL("metadata 'sea': shard '%s' is not 'i/n' with i < n", str);
    }
    st = sea_acts_set_meta(a, &m, err);
out:
#undef FAIL
#undef CHECK
    sea_json_free(doc);
    return st;
}

/* Files without "sea" (older tools, the goldens): read the loose keys some writers use. */
static sea_status read_legacy_meta(sea_acts *a, const sea_st_file *f, sea_err *err)
{
    const char *site = sea_st_metadata(f, "site"), *mnt = sea_st_metadata(f, "max_new_tokens");
    sea_acts_meta m;
    sea_status st;
    memset(&m, 0, sizeof m);
    m.max_new_tokens = -1;
    m.shard_n = 1;
    if (site) {
        if (!valid_site(site)) return sea__err(err, SEA_ERR_FORMAT, "metadata 'site' is '%s', not 'mlp' or 'residual'", site);
        m.site = site;
    }
    if (mnt) {
        char *end;
        long v = strtol(mnt, &end, 10);
        if (!(*mnt >= '0' && *mnt <= '9') || *end || v > 1000000000L)
            return sea__err(err, SEA_ERR_FORMAT, "metadata 'max_new_tokens' is '%s', not a count", mnt);
        m.max_new_tokens = v;
    }
    st = sea_acts_set_meta(a, &m, err);
    a->has_meta = 0;
    return st;
}

sea_status sea_acts_open(sea_acts **out, const char *path, sea_err *err)
{
    sea_st_file *f = NULL;
    const sea_st_tensor *t[3];
    sea_acts *a = NULL;
    sea_status st;
    uint64_t shape[3], count64;
    const char *sea_meta;
    *out = NULL;
    st = sea_st_open(&f, path, err);
    if (st) return st;
    a = acts_alloc();
    if (!a) {
        sea_st_close(f);
        return sea__err_nomem(err, path);
    }
    a->file = f;
    for (size_t i = 0; i < sea_st_count(f); i++) {
        const char *name = sea_st_at(f, i)->name;
        if (strcmp(name, "positive") && strcmp(name, "negative") && strcmp(name, "base")) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: unexpected tensor '%s' (an activation file holds positive, negative, base)", path, name);
            goto fail;
        }
    }
    for (int k = 0; k < 3; k++) {
        t[k] = sea_st_find(f, tensor_names[k]);
        if (!t[k]) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: missing tensor '%s' (an activation file holds positive, negative, base)", path, tensor_names[k]);
            goto fail;
        }
    }
    if (t[0]->rank != 3) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: tensor 'positive' has rank %d, expected 3 ([N, n_layer, d])", path, t[0]->rank);
        goto fail;
    }
    memcpy(shape, t[0]->shape, sizeof shape);
    for (int k = 0; k < 3; k++) {
        st = sea_st_expect(f, t[k], SEA_DTYPE_F32, 3, shape, err);
        if (st) goto fail;
    }
    if (shape[0] == 0 || shape[1] == 0 || shape[2] == 0) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: activations have shape [%llu, %llu, %llu]: %s is zero", path,
                      (unsigned long long)shape[0], (unsigned long long)shape[1], (unsigned long long)shape[2],
                      shape[0] == 0 ? "N (demonstrations)" : shape[1] == 0 ? "n_layer" : "d");
        goto fail;
    }
    count64 = t[0]->n_elements;
    if (count64 > SIZE_MAX / sizeof(float) || shape[0] > SIZE_MAX || shape[1] > SIZE_MAX || shape[2] > SIZE_MAX) {
        st = sea__err(err, SEA_ERR_LIMIT, "%s: activations too large for this machine", path);
        goto fail;
    }
    a->N = (size_t)shape[0];
    a->n_layer = (size_t)shape[1];
    a->d = (size_t)shape[2];
    a->count = (size_t)count64;
    for (int k = 0; k < 3; k++) {
        const float *p;
#ifndef SEA_BIG_ENDIAN
        if (((uintptr_t)t[k]->data & (sizeof(float) - 1)) == 0) {
            a->view[k] = (const float *)t[k]->data;
        } else
#endif
        {
            a->own[k] = sea__malloc_big(a->count, sizeof(float));
            if (!a->own[k]) {
                st = sea__err_nomem(err, path);
                goto fail;
            }
            st = sea_st_read_f32(a->own[k], t[k], err);
            if (st) goto fail;
            a->view[k] = a->own[k];
        }
        p = a->view[k];
        for (size_t i = 0; i < a->count; i++)
            if (!isfinite(p[i])) {
                size_t row = i / (a->n_layer * a->d), rem = i % (a->n_layer * a->d);
                st = sea__err(err, SEA_ERR_NUMERIC, "%s: tensor '%s' has a non-finite value (%g) at [%zu, %zu, %zu]",
                              path, tensor_names[k], (double)p[i], row, rem / a->d, rem % a->d);
                goto fail;
            }
    }
    sea_meta = sea_st_metadata(f, "sea");
    st = sea_meta ? read_sea_meta(a, sea_meta, err) : read_legacy_meta(a, f, err);
    if (!st && sea_st_metadata(f, "sea_provenance")) {
        const char *pv = sea_st_metadata(f, "sea_provenance");
        sea_json_doc *doc = NULL;
        st = sea_json_parse(&doc, pv, strlen(pv), NULL, err);
        if (!st && sea_json_root(doc)->type != SEA_JSON_OBJECT)
            st = sea__err(err, SEA_ERR_FORMAT, "metadata 'sea_provenance' is not a JSON object");
        else if (st)
            sea__err_prefix(err, "metadata 'sea_provenance'");
        sea_json_free(doc);
        if (!st) st = sea__acts_set_provenance(a, pv, err);
    }
    if (st) {
        sea__err_prefix(err, "%s", path);
        goto fail;
    }
    *out = a;
    return SEA_OK;
fail:
    sea_acts_free(a);
    return st;
}

/* The "sea" metadata JSON of a set (buffer owned by the caller). */
static int meta_json(sea_buf *b, const sea_acts *a, int with_shard)
{
    const sea_acts_meta *m = &a->meta;
    sea__buf_puts(b, "{\"kind\":\"activations\",\"site\":");
    sea__buf_json_string(b, m->site ? m->site : "mlp", strlen(m->site ? m->site : "mlp"));
    if (m->model) {
        sea__buf_puts(b, ",\"model\":");
        sea__buf_json_string(b, m->model, strlen(m->model));
    }
    sea__buf_printf(b, ",\"n_layer\":%zu,\"d\":%zu", a->n_layer, a->d);
    if (m->template_name) {
        sea__buf_puts(b, ",\"template\":");
        sea__buf_json_string(b, m->template_name, strlen(m->template_name));
    }
    if (m->max_new_tokens >= 0) sea__buf_printf(b, ",\"max_new_tokens\":%ld", m->max_new_tokens);
    if (m->demos_sha256) sea__buf_printf(b, ",\"demos_sha256\":\"%s\"", m->demos_sha256);
    if (with_shard && m->shard_n > 1) sea__buf_printf(b, ",\"shard\":\"%zu/%zu\"", m->shard_i, m->shard_n);
    sea__buf_putc(b, '}');
    return b->failed ? -1 : 0;
}

sea_status sea_acts_save(const sea_acts *a, const char *path, sea_err *err)
{
    sea_st_writer *w = NULL;
    sea_buf b;
    uint64_t shape[3];
    sea_status st;
    shape[0] = a->N;
    shape[1] = a->n_layer;
    shape[2] = a->d;
    sea__buf_init(&b);
    if (meta_json(&b, a, 1)) {
        sea__buf_free(&b);
        return sea__err_nomem(err, path);
    }
    st = sea_st_writer_new(&w, err);
    for (int k = 0; !st && k < 3; k++)
        st = sea_st_writer_add(w, tensor_names[k], SEA_DTYPE_F32, 3, shape, a->view[k], err);
    if (!st) st = sea_st_writer_set_metadata(w, "sea", sea__buf_cstr(&b), err);
    if (!st && a->provenance) st = sea_st_writer_set_metadata(w, "sea_provenance", a->provenance, err);
    if (!st) st = sea_st_writer_save(w, path, err);
    sea_st_writer_free(w);
    sea__buf_free(&b);
    return st;
}

static int same_str(const char *x, const char *y)
{
    if (!x || !y) return x == y;
    return strcmp(x, y) == 0;
}

sea_status sea_acts_merge(sea_acts **out, sea_acts *const *shards, const char *const *names,
                          size_t n_shards, sea_err *err)
{
    const sea_acts *first, **by_i = NULL;
    size_t n, N = 0, row;
    sea_acts *res = NULL;
    sea_acts_meta m;
    sea_status st;
#define NAME(k) (names && names[k] ? names[k] : "shard")
    *out = NULL;
    if (n_shards == 0) return sea__err(err, SEA_ERR_ARG, "merge: no shards given");
    first = shards[0];
    for (size_t k = 0; k < n_shards; k++)
        if (!shards[k]->has_meta)
            return sea__err(err, SEA_ERR_FORMAT, "%s: no 'sea' metadata, so it cannot be placed as a shard", NAME(k));
    n = first->meta.shard_n;
    if (n != n_shards)
        return sea__err(err, SEA_ERR_MISMATCH, "%s: is shard %zu/%zu but %zu file%s given: expected %zu", NAME(0),
                        first->meta.shard_i, n, n_shards, n_shards == 1 ? " was" : "s were", n);
    by_i = sea__calloc(n, sizeof *by_i);
    if (!by_i) return sea__err_nomem(err, "merge");
    for (size_t k = 0; k < n_shards; k++) {
        const sea_acts *s = shards[k];
        const sea_acts_meta *sm = &s->meta;
        const char *what = NULL;
        if (sm->shard_n != n) {
            st = sea__err(err, SEA_ERR_MISMATCH, "%s: is shard %zu/%zu but %s is %zu/%zu", NAME(k), sm->shard_i, sm->shard_n, NAME(0), first->meta.shard_i, n);
            goto fail;
        }
        if (s->n_layer != first->n_layer) what = "n_layer";
        else if (s->d != first->d) what = "d";
        else if (!same_str(sm->site, first->meta.site)) what = "site";
        else if (!same_str(sm->model, first->meta.model)) what = "model";
        else if (!same_str(sm->template_name, first->meta.template_name)) what = "template";
        else if (sm->max_new_tokens != first->meta.max_new_tokens) what = "max_new_tokens";
        else if (!same_str(sm->demos_sha256, first->meta.demos_sha256)) what = "demos_sha256";
        if (what) {
            st = sea__err(err, SEA_ERR_MISMATCH, "%s: %s differs from %s's: not shards of one run", NAME(k), what, NAME(0));
            goto fail;
        }
        if (by_i[sm->shard_i]) {
            st = sea__err(err, SEA_ERR_MISMATCH, "%s: shard %zu/%zu given twice", NAME(k), sm->shard_i, n);
            goto fail;
        }
        by_i[sm->shard_i] = s;
        N += s->N;
    }
    /* shard i holds the j < N with j % n == i: ceil((N - i)/n) rows */
    for (size_t i = 0; i < n; i++) {
        size_t want = N > i ? (N - i + n - 1) / n : 0;
        if (by_i[i]->N != want) {
            size_t k = 0;
            while (shards[k] != by_i[i]) k++;
            st = sea__err(err, SEA_ERR_MISMATCH, "%s: shard %zu/%zu has %zu demonstrations, but %zu in total need %zu there",
                          NAME(k), i, n, by_i[i]->N, N, want);
            goto fail;
        }
    }
    st = sea_acts_new(&res, N, first->n_layer, first->d, err);
    if (st) goto fail;
    row = first->n_layer * first->d;
    for (size_t j = 0; j < N; j++) {
        const sea_acts *s = by_i[j % n];
        for (int k = 0; k < 3; k++)
            memcpy(res->own[k] + j * row, s->view[k] + (j / n) * row, row * sizeof(float));
    }
    m = first->meta;
    m.shard_i = 0;
    m.shard_n = 1;
    st = sea_acts_set_meta(res, &m, err);
    if (!st) st = sea__acts_set_provenance(res, first->provenance, err);
    if (st) goto fail;
    sea__free((void *)by_i);
    *out = res;
    return SEA_OK;
fail:
    sea_acts_free(res);
    sea__free((void *)by_i);
    return st;
#undef NAME
}
