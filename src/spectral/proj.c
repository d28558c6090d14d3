/* src/spectral/proj.c: projection files (SEA-SPEC §6.2): per fitted layer the low-rank factors
 * u_pos [d, k+] (directions kept) and u_neg [d, k-] (directions removed), the singular values
 * and cumulative explained ratios, and "sea" metadata; save atomically, open with full
 * validation, accessors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sea/json.h"
#include "sea/safetensors.h"
#include "sea/spectral.h"
#include "spectral/spectral_internal.h"

static const char *const sign_name[2] = {"pos", "neg"};

void sea_proj_free(sea_proj *p)
{
    if (!p) return;
    if (p->layers)
        for (size_t l = 0; l < p->n_layer; l++)
            for (int s = 0; s < 2; s++) {
                sea__free(p->layers[l].u[s]);
                sea__free(p->layers[l].s[s]);
                sea__free(p->layers[l].ev[s]);
            }
    sea__free(p->layers);
    sea__free(p->site);
    sea__free(p->origin);
    sea__free(p->source);
    sea__free(p->provenance);
    sea__free(p->mean);
    sea__free(p);
}

sea_proj *sea__proj_alloc(size_t n_layer, size_t d)
{
    sea_proj *p = sea__calloc(1, sizeof *p);
    if (!p) return NULL;
    p->layers = sea__calloc(n_layer ? n_layer : 1, sizeof *p->layers);
    if (!p->layers) {
        sea__free(p);
        return NULL;
    }
    p->n_layer = n_layer;
    p->d = d;
    p->alpha = SEA_FEATURE_DEFAULT_ALPHA;
    p->eps = SEA_FEATURE_DEFAULT_EPS;
    p->k_ratio[0] = p->k_ratio[1] = NAN;
    for (size_t l = 0; l < n_layer; l++) p->layers[l].signature = NAN;
    return p;
}

size_t sea_proj_d(const sea_proj *p) { return p->d; }
size_t sea_proj_n_layer(const sea_proj *p) { return p->n_layer; }
size_t sea_proj_n_demos(const sea_proj *p) { return p->n_demos; }
int sea_proj_has_layer(const sea_proj *p, size_t l) { return l < p->n_layer && p->layers[l].present; }
sea_feature sea_proj_feature(const sea_proj *p) { return p->feature; }
float sea_proj_alpha(const sea_proj *p) { return p->alpha; }
float sea_proj_eps(const sea_proj *p) { return p->eps; }
int sea_proj_center(const sea_proj *p) { return p->center; }
const char *sea_proj_site(const sea_proj *p) { return p->site ? p->site : "unknown"; }
const char *sea_proj_origin(const sea_proj *p) { return p->origin; }
const char *sea_proj_provenance(const sea_proj *p) { return p->provenance; }
const float *sea_proj_mean(const sea_proj *p, size_t l)
{
    return p->mean && sea_proj_has_layer(p, l) ? p->mean + l * p->d : NULL;
}
const char *sea_proj_source(const sea_proj *p) { return p->source; }
/* SEA_PROJ_POS (> 0) -> 0, SEA_PROJ_NEG (< 0) -> 1, 0 -> -1 (invalid) */
static int side_index(int sign) { return sign > 0 ? 0 : sign < 0 ? 1 : -1; }

double sea_proj_k_ratio(const sea_proj *p, int sign) { return side_index(sign) >= 0 ? p->k_ratio[side_index(sign)] : NAN; }

static const float *get_u(const sea_proj *p, size_t l, int s, size_t *k)
{
    if (!sea_proj_has_layer(p, l)) {
        if (k) *k = 0;
        return NULL;
    }
    if (k) *k = p->layers[l].k[s];
    return p->layers[l].u[s];
}

const float *sea_proj_u_pos(const sea_proj *p, size_t l, size_t *k) { return get_u(p, l, 0, k); }
const float *sea_proj_u_neg(const sea_proj *p, size_t l, size_t *k) { return get_u(p, l, 1, k); }

const float *sea_proj_singular_values(const sea_proj *p, size_t l, int sign, size_t *n)
{
    int s = side_index(sign);
    if (!sea_proj_has_layer(p, l) || s < 0) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = p->layers[l].ns[s];
    return p->layers[l].s[s];
}

const float *sea_proj_explained(const sea_proj *p, size_t l, int sign, size_t *n)
{
    int s = side_index(sign);
    if (!sea_proj_has_layer(p, l) || s < 0) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = p->layers[l].ns[s];
    return p->layers[l].ev[s];
}

double sea_proj_signature(const sea_proj *p, size_t l)
{
    return sea_proj_has_layer(p, l) ? p->layers[l].signature : NAN;
}

const char *sea_proj_layer_solver(const sea_proj *p, size_t l)
{
    return sea_proj_has_layer(p, l) && p->layers[l].solver[0] ? p->layers[l].solver : NULL;
}

/* ---- save ---- */
static void json_num_or_null(sea_buf *b, double v)
{
    if (isnan(v))
        sea__buf_puts(b, "null");
    else
        sea__buf_json_double(b, v);
}

static int meta_json(sea_buf *b, const sea_proj *p)
{
    const char *site = sea_proj_site(p);
    sea__buf_puts(b, "{\"kind\":\"projections\",\"site\":");
    sea__buf_json_string(b, site, strlen(site));
    if (p->origin) {
        sea__buf_puts(b, ",\"origin\":");
        sea__buf_json_string(b, p->origin, strlen(p->origin));
    }
    sea__buf_puts(b, ",\"k_ratio_pos\":");
    json_num_or_null(b, p->k_ratio[0]);
    sea__buf_puts(b, ",\"k_ratio_neg\":");
    json_num_or_null(b, p->k_ratio[1]);
    sea__buf_printf(b, ",\"feature\":\"%s\",\"alpha\":", sea_feature_name(p->feature));
    sea__buf_json_double(b, (double)p->alpha);
    sea__buf_puts(b, ",\"eps\":");
    sea__buf_json_double(b, (double)p->eps);
    sea__buf_printf(b, ",\"center\":%s,\"n_demos\":%zu,\"d\":%zu,\"n_layer\":%zu", p->center ? "true" : "false",
                    p->n_demos, p->d, p->n_layer);
    for (int s = 0; s < 2; s++) {
        sea__buf_printf(b, ",\"k_%s\":[", sign_name[s]);
        for (size_t l = 0; l < p->n_layer; l++) {
            if (l) sea__buf_putc(b, ',');
            if (p->layers[l].present)
                sea__buf_printf(b, "%zu", p->layers[l].k[s]);
            else
                sea__buf_puts(b, "null");
        }
        sea__buf_putc(b, ']');
    }
    sea__buf_puts(b, ",\"solver\":[");
    for (size_t l = 0; l < p->n_layer; l++) {
        const char *sv = p->layers[l].present && p->layers[l].solver[0] ? p->layers[l].solver : NULL;
        if (l) sea__buf_putc(b, ',');
        if (sv)
            sea__buf_json_string(b, sv, strlen(sv));
        else
            sea__buf_puts(b, "null");
    }
    sea__buf_puts(b, "],\"signature\":[");
    for (size_t l = 0; l < p->n_layer; l++) {
        if (l) sea__buf_putc(b, ',');
        json_num_or_null(b, p->layers[l].present ? p->layers[l].signature : NAN);
    }
    sea__buf_puts(b, "]}");
    return b->failed ? -1 : 0;
}

sea_status sea_proj_save(const sea_proj *p, const char *path, sea_err *err)
{
    sea_st_writer *w = NULL;
    sea_buf b;
    sea_status st;
    char name[64];
    sea__buf_init(&b);
    if (meta_json(&b, p)) {
        sea__buf_free(&b);
        return sea__err_nomem(err, path);
    }
    st = sea_st_writer_new(&w, err);
    for (size_t l = 0; !st && l < p->n_layer; l++) {
        const sea__proj_layer *L = &p->layers[l];
        if (!L->present) continue;
        for (int s = 0; !st && s < 2; s++) {
            uint64_t shape[2] = {p->d, L->k[s]}, ns = L->ns[s];
            snprintf(name, sizeof name, "layers.%zu.u_%s", l, sign_name[s]);
            st = sea_st_writer_add(w, name, SEA_DTYPE_F32, 2, shape, L->u[s], err);
            if (ns == 0) continue; /* imported: no singular values */
            snprintf(name, sizeof name, "layers.%zu.s_%s", l, sign_name[s]);
            if (!st) st = sea_st_writer_add(w, name, SEA_DTYPE_F32, 1, &ns, L->s[s], err);
            snprintf(name, sizeof name, "layers.%zu.ev_%s", l, sign_name[s]);
            if (!st) st = sea_st_writer_add(w, name, SEA_DTYPE_F32, 1, &ns, L->ev[s], err);
        }
    }
    if (!st && p->mean) {
        uint64_t shape[2] = {p->n_layer, p->d};
        st = sea_st_writer_add(w, "mean", SEA_DTYPE_F32, 2, shape, p->mean, err);
    }
    if (!st) st = sea_st_writer_set_metadata(w, "sea", sea__buf_cstr(&b), err);
    if (!st && p->source) st = sea_st_writer_set_metadata(w, "sea_source", p->source, err);
    if (!st && p->provenance) st = sea_st_writer_set_metadata(w, "sea_provenance", p->provenance, err);
    if (!st) st = sea_st_writer_save(w, path, err);
    sea_st_writer_free(w);
    sea__buf_free(&b);
    return st;
}

/* ---- open ---- */
#define FAIL(...)                                        \
    do {                                                 \
        st = sea__err(err, SEA_ERR_FORMAT, __VA_ARGS__); \
        goto out;                                        \
    } while (0)
#define CHECK(call)                                 \
    do {                                            \
        if ((st = (call)) != SEA_OK) {              \
            sea__err_prefix(err, "metadata 'sea'"); \
            goto out;                               \
        }                                           \
    } while (0)

/* An integer count in [0, max], for messages `what`. */
static sea_status get_count(size_t *out, const sea_json *v, const char *what, uint64_t max, sea_err *err)
{
    uint64_t u;
    sea_status st = sea_json_as_u64(&u, v, what, err);
    if (st) return st;
    if (u > max) return sea__err(err, SEA_ERR_FORMAT, "'%s' = %llu is out of range (max %llu)", what,
                                 (unsigned long long)u, (unsigned long long)max);
    *out = (size_t)u;
    return SEA_OK;
}

static sea_status parse_meta(sea_proj **out, const char *text, sea_err *err)
{
    sea_json_doc *doc = NULL;
    const sea_json *root, *v, *karr[2], *solv, *sig;
    const char *str;
    size_t len, d = 0, n_layer = 0, n_demos = 0;
    double x;
    int imported = 0;
    sea_proj *p = NULL;
    sea_status st = sea_json_parse(&doc, text, strlen(text), NULL, err);
    *out = NULL;
    if (st) {
        sea__err_prefix(err, "metadata 'sea'");
        return st;
    }
    root = sea_json_root(doc);
    if (root->type != SEA_JSON_OBJECT) FAIL("metadata 'sea' is not a JSON object");
    if (!(v = sea_json_get(root, "kind"))) FAIL("metadata 'sea' has no 'kind'");
    CHECK(sea_json_as_string(&str, &len, v, "kind", err));
    if (strcmp(str, "projections") != 0) FAIL("metadata 'sea' has kind '%s', expected 'projections'", str);
    if (!(v = sea_json_get(root, "d"))) FAIL("metadata 'sea' has no 'd'");
    CHECK(get_count(&d, v, "d", (uint64_t)1 << 24, err));
    if (!(v = sea_json_get(root, "n_layer"))) FAIL("metadata 'sea' has no 'n_layer'");
    CHECK(get_count(&n_layer, v, "n_layer", 1u << 16, err));
    if (d == 0 || n_layer == 0) FAIL("metadata 'sea': d = %zu and n_layer = %zu must be positive", d, n_layer);
    if ((v = sea_json_get(root, "origin")) != NULL) {
        CHECK(sea_json_as_string(&str, &len, v, "origin", err));
        if (strcmp(str, "pt-import") != 0) FAIL("metadata 'sea': origin '%s' is not 'pt-import'", str);
        imported = 1;
    }
    if (!(v = sea_json_get(root, "n_demos"))) FAIL("metadata 'sea' has no 'n_demos'");
    CHECK(get_count(&n_demos, v, "n_demos", (uint64_t)1 << 40, err));
    if (n_demos == 0 && !imported) FAIL("metadata 'sea': n_demos is 0");
    p = sea__proj_alloc(n_layer, d);
    if (!p) {
        st = sea__err_nomem(err, "projections");
        goto out;
    }
    p->n_demos = n_demos;
    if (imported && !(p->origin = sea__strdup("pt-import"))) {
        st = sea__err_nomem(err, "projections");
        goto out;
    }
    if ((v = sea_json_get(root, "site")) != NULL) {
        CHECK(sea_json_as_string(&str, &len, v, "site", err));
        if (strcmp(str, "mlp") && strcmp(str, "residual") && strcmp(str, "unknown"))
            FAIL("metadata 'sea': site '%s' is not 'mlp', 'residual' or 'unknown'", str);
        if (!(p->site = sea__strdup(str))) {
            st = sea__err_nomem(err, "projections");
            goto out;
        }
    }
    if (!(v = sea_json_get(root, "feature"))) FAIL("metadata 'sea' has no 'feature'");
    CHECK(sea_json_as_string(&str, &len, v, "feature", err));
    if ((st = sea_feature_parse(&p->feature, str, err)) != SEA_OK) {
        sea__err_prefix(err, "metadata 'sea'");
        goto out;
    }
    if ((v = sea_json_get(root, "alpha")) != NULL) {
        CHECK(sea_json_as_double(&x, v, "alpha", err));
        /* checked as the float32 it is stored and used as (1e-50 would become 0) */
        if (!(x >= SEA_FEATURE_ALPHA_MIN && x <= SEA_FEATURE_ALPHA_MAX))
            FAIL("metadata 'sea': alpha %g must be in [%g, %g]", x, SEA_FEATURE_ALPHA_MIN, SEA_FEATURE_ALPHA_MAX);
        p->alpha = (float)x;
    }
    if ((v = sea_json_get(root, "eps")) != NULL) {
        CHECK(sea_json_as_double(&x, v, "eps", err));
        if (!(x > 0 && x < 1 && (float)x > 0 && (float)x < 1)) FAIL("metadata 'sea': eps %g must be in (0, 1) as a float32", x);
        p->eps = (float)x;
    }
    if ((v = sea_json_get(root, "center")) != NULL) CHECK(sea_json_as_bool(&p->center, v, "center", err));
    for (int s = 0; s < 2; s++) {
        char key[16];
        snprintf(key, sizeof key, "k_ratio_%s", sign_name[s]);
        if ((v = sea_json_get(root, key)) != NULL && v->type != SEA_JSON_NULL) {
            CHECK(sea_json_as_double(&x, v, key, err));
            if (!(x > 0 && x <= 1)) FAIL("metadata 'sea': %s %g is not in (0, 1]", key, x);
            p->k_ratio[s] = x;
        }
        snprintf(key, sizeof key, "k_%s", sign_name[s]);
        karr[s] = sea_json_get(root, key);
        if (!karr[s]) FAIL("metadata 'sea' has no '%s'", key);
        if (karr[s]->type != SEA_JSON_ARRAY || karr[s]->v.arr.n != n_layer)
            FAIL("metadata 'sea': '%s' must be an array of %zu entries (one per layer)", key, n_layer);
    }
    solv = sea_json_get(root, "solver");
    sig = sea_json_get(root, "signature");
    if (solv && (solv->type != SEA_JSON_ARRAY || solv->v.arr.n != n_layer))
        FAIL("metadata 'sea': 'solver' must be an array of %zu entries", n_layer);
    if (sig && (sig->type != SEA_JSON_ARRAY || sig->v.arr.n != n_layer))
        FAIL("metadata 'sea': 'signature' must be an array of %zu entries", n_layer);
    for (size_t l = 0; l < n_layer; l++) {
        sea__proj_layer *L = &p->layers[l];
        int nulls = 0;
        for (int s = 0; s < 2; s++) {
            const sea_json *e = &karr[s]->v.arr.items[l];
            char what[32];
            if (e->type == SEA_JSON_NULL) {
                nulls++;
                continue;
            }
            snprintf(what, sizeof what, "k_%s[%zu]", sign_name[s], l);
            /* fitted: k <= rank(Ω) <= min(d, N); imported: the file's rank, <= d */
            CHECK(get_count(&L->k[s], e, what, imported ? d : SEA_MIN(d, n_demos), err));
        }
        if (nulls == 1) FAIL("metadata 'sea': layer %zu has k_pos or k_neg null but not both", l);
        L->present = nulls == 0;
        if (L->present && solv && solv->v.arr.items[l].type == SEA_JSON_STRING)
            snprintf(L->solver, sizeof L->solver, "%s", solv->v.arr.items[l].v.str.s);
        if (L->present && sig && sig->v.arr.items[l].type == SEA_JSON_NUMBER) L->signature = sig->v.arr.items[l].v.num.d;
    }
    *out = p;
    p = NULL;
out:
    sea_proj_free(p);
    sea_json_free(doc);
    return st;
}

/* Read one tensor of the file into a new float array, checking the shape. */
static sea_status read_tensor(float **dst, const sea_st_file *f, const char *name, int rank, const uint64_t *shape,
                              sea_err *err)
{
    const sea_st_tensor *t = sea_st_find(f, name);
    sea_status st;
    *dst = NULL;
    if (!t) return sea__err(err, SEA_ERR_FORMAT, "missing tensor '%s' (the metadata lists this layer)", name);
    st = sea_st_expect(f, t, SEA_DTYPE_F32, rank, shape, err);
    if (st) return st;
    *dst = sea__malloc_array(t->n_elements ? (size_t)t->n_elements : 1, sizeof(float));
    if (!*dst) return sea__err_nomem(err, name);
    st = sea_st_read_f32(*dst, t, err);
    if (st) return st;
    for (uint64_t i = 0; i < t->n_elements; i++)
        if (!isfinite((*dst)[i])) return sea__err(err, SEA_ERR_NUMERIC, "tensor '%s' has a non-finite value at %llu", name, (unsigned long long)i);
    return SEA_OK;
}

/* Is `name` one this metadata expects ("layers.L.{u,s,ev}_{pos,neg}" for a present layer)? */
static int expected_name(const sea_proj *p, const char *name)
{
    static const char *const kinds[6] = {"u_pos", "u_neg", "s_pos", "s_neg", "ev_pos", "ev_neg"};
    const char *q;
    char *end;
    unsigned long l;
    if (strncmp(name, "layers.", 7) != 0 || !(name[7] >= '0' && name[7] <= '9')) return 0;
    l = strtoul(name + 7, &end, 10);
    if (*end != '.' || (name[7] == '0' && end != name + 8)) return 0;
    if (l >= p->n_layer || !p->layers[l].present) return 0;
    q = end + 1;
    for (int k = 0; k < 6; k++)
        if (strcmp(q, kinds[k]) == 0) return 1;
    return 0;
}

/* An optional metadata value that must be a JSON object (kept as text). */
static sea_status read_text_meta(char **dst, const sea_st_file *f, const char *key, sea_err *err)
{
    const char *text = sea_st_metadata(f, key);
    sea_json_doc *doc = NULL;
    sea_status st;
    *dst = NULL;
    if (!text) return SEA_OK;
    if ((st = sea_json_parse(&doc, text, strlen(text), NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "metadata '%s'", key);
        return st;
    }
    st = sea_json_root(doc)->type == SEA_JSON_OBJECT ? SEA_OK : sea__err(err, SEA_ERR_FORMAT, "metadata '%s' is not a JSON object", key);
    sea_json_free(doc);
    if (!st && !(*dst = sea__strdup(text))) st = sea__err_nomem(err, key);
    return st;
}

sea_status sea_proj_open(sea_proj **out, const char *path, sea_err *err)
{
    sea_st_file *f = NULL;
    sea_proj *p = NULL;
    const char *meta;
    char name[64];
    sea_status st;
    size_t q, ns_min;
    *out = NULL;
    st = sea_st_open(&f, path, err);
    if (st) return st;
    meta = sea_st_metadata(f, "sea");
    if (!meta) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: no 'sea' metadata: not a projection file", path);
        goto done;
    }
    st = parse_meta(&p, meta, err);
    if (st) goto fail;
    if ((st = read_text_meta(&p->source, f, "sea_source", err)) != SEA_OK ||
        (st = read_text_meta(&p->provenance, f, "sea_provenance", err)) != SEA_OK)
        goto fail;
    for (size_t i = 0; i < sea_st_count(f); i++) {
        const char *tn = sea_st_at(f, i)->name;
        if (!expected_name(p, tn) && !(strcmp(tn, "mean") == 0 && p->center)) {
            st = sea__err(err, SEA_ERR_FORMAT, "unexpected tensor '%s' (not a layer the metadata lists)", tn);
            goto fail;
        }
    }
    if (sea_st_find(f, "mean")) { /* --center: the base means the edit uses */
        uint64_t shape[2] = {p->n_layer, p->d};
        if ((st = read_tensor(&p->mean, f, "mean", 2, shape, err)) != SEA_OK) goto fail;
    } else if (p->center) {
        sea__warn("%s: fitted with centring but stores no means (written by an older sea): the edit runs uncentred", path);
    }
    q = SEA_MIN(p->d, p->n_demos ? p->n_demos : p->d);
    ns_min = p->origin ? 0 : SEA_MIN(q, (size_t)64);
    for (size_t l = 0; l < p->n_layer; l++) {
        sea__proj_layer *L = &p->layers[l];
        if (!L->present) continue;
        for (int s = 0; s < 2; s++) {
            uint64_t shape[2] = {p->d, L->k[s]};
            const sea_st_tensor *t;
            uint64_t ns;
            snprintf(name, sizeof name, "layers.%zu.u_%s", l, sign_name[s]);
            if ((st = read_tensor(&L->u[s], f, name, 2, shape, err)) != SEA_OK) goto fail;
            /* columns of U are orthonormal: check their norms (d·k work, unlike UᵀU) */
            for (size_t j = 0; j < L->k[s]; j++) {
                double nrm = 0;
                for (size_t i = 0; i < p->d; i++) nrm += (double)L->u[s][i * L->k[s] + j] * L->u[s][i * L->k[s] + j];
                if (fabs(sqrt(nrm) - 1.0) > 1e-3) {
                    st = sea__err(err, SEA_ERR_FORMAT, "tensor '%s': column %zu has norm %.6g, not 1", name, j, sqrt(nrm));
                    goto fail;
                }
            }
            snprintf(name, sizeof name, "layers.%zu.s_%s", l, sign_name[s]);
            t = sea_st_find(f, name);
            if (!t && p->origin) continue; /* imported: singular values unknown */
            if (!t) {
                st = sea__err(err, SEA_ERR_FORMAT, "missing tensor '%s' (the metadata lists this layer)", name);
                goto fail;
            }
            ns = t->rank == 1 ? t->shape[0] : 0;
            if (t->rank != 1 || ns < ns_min || ns > q) {
                st = sea__err(err, SEA_ERR_FORMAT, "tensor '%s' must be 1-D with %zu to %zu values (min(N, d) = %zu)", name,
                              ns_min, q, q);
                goto fail;
            }
            L->ns[s] = (size_t)ns;
            if ((st = read_tensor(&L->s[s], f, name, 1, &ns, err)) != SEA_OK) goto fail;
            for (size_t j = 0; j < L->ns[s]; j++)
                if (L->s[s][j] < 0 || (j && L->s[s][j] > L->s[s][j - 1])) {
                    st = sea__err(err, SEA_ERR_FORMAT, "tensor '%s': singular values must be >= 0 and descending (index %zu)", name, j);
                    goto fail;
                }
            snprintf(name, sizeof name, "layers.%zu.ev_%s", l, sign_name[s]);
            if ((st = read_tensor(&L->ev[s], f, name, 1, &ns, err)) != SEA_OK) goto fail;
            for (size_t j = 0; j < L->ns[s]; j++)
                if (L->ev[s][j] < 0 || L->ev[s][j] > 1.0f + 1e-5f || (j && L->ev[s][j] < L->ev[s][j - 1])) {
                    st = sea__err(err, SEA_ERR_FORMAT, "tensor '%s': explained ratios must be in [0, 1] and non-decreasing (index %zu)", name, j);
                    goto fail;
                }
        }
    }
    *out = p;
    p = NULL;
    goto done;
fail:
    sea__err_prefix(err, "%s", path);
done:
    sea_proj_free(p);
    sea_st_close(f);
    return st;
}
