/* src/spectral/proj_pt.c: the authors' projections (torch.save'd dense projectors) to and from
 * projection files. Their uu_positive holds P+ = U+U+ᵀ (rank k+, the kept directions) and their
 * uu_negative the projector onto what the negative edit keeps, I − U-U-ᵀ (rank d − k-); a
 * projection file stores U+ and the k- removed directions U-, so the import takes the
 * complement of the negative file. Each dense projector is reduced to its orthonormal basis by
 * a range finder (rank = round(trace P)) and checked: symmetric, and ‖UUᵀ − P‖_F within the
 * tolerance, or the layer is refused. One layer is in memory at a time (the files are mapped). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "io/pt_internal.h"
#include "sea/json.h"
#include "sea/linalg.h"
#include "sea/spectral.h"
#include "spectral/spectral_internal.h"

#define D_MAX ((size_t)1 << 15)
#define L_MAX ((size_t)1 << 12)

sea_proj_import_params sea_proj_import_default_params(void)
{
    sea_proj_import_params p;
    memset(&p, 0, sizeof p);
    p.tol = 1e-3;
    return p;
}

/* One layer's [d, d] matrix inside a file: element (i, j) at offset + i*s0 + j*s1. */
typedef struct layer_view {
    const sea__pt_tensor *t;
    uint64_t off, s0, s1;
} layer_view;

static sea_status view_2d(layer_view *v, const sea__pt_tensor *t, size_t *d, size_t idx, const char *path, sea_err *err)
{
    if (t->rank != 2 || t->shape[0] != t->shape[1] || t->shape[0] == 0)
        return sea__err(err, SEA_ERR_FORMAT, "%s: layer %zu is not a square [d, d] tensor", path, idx);
    if (*d && t->shape[0] != *d)
        return sea__err(err, SEA_ERR_FORMAT, "%s: layer %zu is [%llu, %llu] but layer 0 is [%zu, %zu]", path, idx,
                        (unsigned long long)t->shape[0], (unsigned long long)t->shape[0], *d, *d);
    *d = (size_t)t->shape[0];
    v->t = t;
    v->off = t->offset;
    v->s0 = t->stride[0];
    v->s1 = t->stride[1];
    return SEA_OK;
}

/* Trailing decimal number of a key ("3", "layers.3", 3), or -1. */
static long key_index(const sea__pt_val *k)
{
    const char *s, *e;
    long v = 0;
    if (k->kind == SEA__PT_INT) return k->i >= 0 && k->i < (int64_t)L_MAX ? (long)k->i : -1;
    if (k->kind != SEA__PT_STR || !k->len) return -1;
    e = k->s + k->len;
    s = e;
    while (s > k->s && s[-1] >= '0' && s[-1] <= '9') s--;
    if (s == e || e - s > 6) return -1;
    for (; s < e; s++) v = v * 10 + (*s - '0');
    return v < (long)L_MAX ? v : -1;
}

static sea_status collect(layer_view **out, size_t *n_layer, size_t *d, const sea__pt_file *f, sea_err *err)
{
    const char *path = sea__pt_name(f);
    const sea__pt_val *root = sea__pt_root(f), *stacked = NULL;
    layer_view *v = NULL;
    size_t n;
    sea_status st = SEA_OK;
    *out = NULL;
    *n_layer = *d = 0;
    if (root->kind == SEA__PT_TENSOR) stacked = root;
    if (root->kind == SEA__PT_DICT && root->n == 2 && root->items[1]->kind == SEA__PT_TENSOR && root->items[1]->t.rank == 3)
        stacked = root->items[1];
    if (stacked) {
        const sea__pt_tensor *t = &stacked->t;
        if (t->rank == 2) {
            if (!(v = sea__calloc(1, sizeof *v))) return sea__err_nomem(err, path);
            if ((st = view_2d(v, t, d, 0, path, err)) != SEA_OK) goto fail;
            *n_layer = 1;
            *out = v;
            return SEA_OK;
        }
        if (t->rank != 3 || t->shape[0] == 0 || t->shape[1] != t->shape[2] || t->shape[1] == 0)
            return sea__err(err, SEA_ERR_FORMAT, "%s: the tensor is not a stack of square projectors [L, d, d] (rank %d)", path, t->rank);
        if (t->shape[0] > L_MAX || t->shape[1] > D_MAX)
            return sea__err(err, SEA_ERR_LIMIT, "%s: [%llu, %llu, %llu] exceeds the limits (L <= %zu, d <= %zu)", path,
                            (unsigned long long)t->shape[0], (unsigned long long)t->shape[1], (unsigned long long)t->shape[2], L_MAX, D_MAX);
        n = (size_t)t->shape[0];
        if (!(v = sea__calloc(n, sizeof *v))) return sea__err_nomem(err, path);
        for (size_t l = 0; l < n; l++) {
            v[l].t = t;
            v[l].off = t->offset + l * t->stride[0]; /* cannot overflow: bounded at rebuild */
            v[l].s0 = t->stride[1];
            v[l].s1 = t->stride[2];
        }
        *d = (size_t)t->shape[1];
        *n_layer = n;
        *out = v;
        return SEA_OK;
    }
    if (root->kind == SEA__PT_LIST || root->kind == SEA__PT_TUPLE || root->kind == SEA__PT_DICT) {
        int is_dict = root->kind == SEA__PT_DICT, by_key = is_dict;
        n = is_dict ? root->n / 2 : root->n;
        if (n == 0) return sea__err(err, SEA_ERR_FORMAT, "%s: empty %s", path, is_dict ? "dict" : "list");
        if (n > L_MAX) return sea__err(err, SEA_ERR_LIMIT, "%s: %zu layers (limit %zu)", path, n, L_MAX);
        if (!(v = sea__calloc(n, sizeof *v))) return sea__err_nomem(err, path);
        /* dict keys: layer numbers (3, "3", "layers.3") placing each layer, else insertion order */
        for (size_t i = 0; by_key && i < n; i++) {
            long ki = key_index(root->items[2 * i]);
            if (ki < 0 || (size_t)ki >= n || v[ki].t) by_key = 0;
            else v[ki].t = (const sea__pt_tensor *)1;
        }
        memset(v, 0, n * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            const sea__pt_val *x = is_dict ? root->items[2 * i + 1] : root->items[i];
            size_t slot = by_key ? (size_t)key_index(root->items[2 * i]) : i;
            if (x->kind != SEA__PT_TENSOR) {
                st = sea__err(err, SEA_ERR_FORMAT, "%s: entry %zu is not a tensor", path, i);
                goto fail;
            }
            if ((st = view_2d(&v[slot], &x->t, d, slot, path, err)) != SEA_OK) goto fail;
        }
        if (*d > D_MAX) {
            st = sea__err(err, SEA_ERR_LIMIT, "%s: d = %zu exceeds %zu", path, *d, D_MAX);
            goto fail;
        }
        *n_layer = n;
        *out = v;
        return SEA_OK;
    }
    return sea__err(err, SEA_ERR_FORMAT, "%s: holds neither a tensor [L, d, d] nor a dict or list of [d, d] tensors", path);
fail:
    sea__free(v);
    return st;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Orthonormal basis U [d, k] (row-major float, new array) of the projector in v (or of I − it
 * when complement). Errors name the layer. */
static sea_status layer_basis(float **u_out, size_t *k_out, const layer_view *v, size_t d, int complement, double tol,
                              int nt, size_t l, const char *path, sea_err *err)
{
    double *P = NULL, *A = NULL, *B = NULL, *tau = NULL, tr = 0, fro2 = 0, asym = 0, trqw = 0, e2;
    float *u = NULL;
    size_t k, dd = d * d;
    uint64_t seed = 0x5EA0000ull + l;
    sea_status st = SEA_OK;
    /* half-precision files round every entry: allow for it (unit roundoff u, ‖P‖_F = sqrt(k)) */
    double u_r = v->t->dtype == SEA_DTYPE_F16 ? 1.0 / 2048 : v->t->dtype == SEA_DTYPE_BF16 ? 1.0 / 256 : 0.0;
    *u_out = NULL;
    *k_out = 0;
    P = sea__work_alloc(dd, sizeof *P);
    if (!P) return sea__err_nomem(err, "a layer of the import");
    for (size_t j = 0; j < d; j++)
        for (size_t i = 0; i < d; i++) {
            float x = sea__pt_elem(v->t, v->off + i * v->s0 + j * v->s1);
            if (!isfinite(x)) {
                st = sea__err(err, SEA_ERR_NUMERIC, "%s: layer %zu has a non-finite value at [%zu, %zu]", path, l, i, j);
                goto out;
            }
            P[i + j * d] = (complement ? (i == j) - (double)x : (double)x);
        }
    for (size_t j = 0; j < d; j++) {
        tr += P[j + j * d];
        for (size_t i = 0; i < d; i++) {
            double a = P[i + j * d];
            fro2 += a * a;
            if (i < j && fabs(a - P[j + i * d]) > asym) asym = fabs(a - P[j + i * d]);
        }
    }
    tol += 2.0 * u_r * sqrt(fro2);
    if (asym > tol) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: layer %zu is not a projector: not symmetric (max |P - Pt| = %.3g)", path, l, asym);
        goto out;
    }
    if (!(tr > -0.5 && tr < (double)d + 0.5)) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: layer %zu is not a projector: trace %.6g is outside [0, %zu]", path, l, tr, d);
        goto out;
    }
    k = (size_t)llround(tr < 0 ? 0 : tr);
    if (k == 0) {
        if (sqrt(fro2) > tol) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: layer %zu is not a projector: trace rounds to 0 but ||P||_F = %.3g", path, l, sqrt(fro2));
            goto out;
        }
        if (!(*u_out = sea__malloc(sizeof(float)))) st = sea__err_nomem(err, "the import");
        goto out;
    }
    A = sea__work_alloc(d * k, sizeof *A);
    B = sea__work_alloc(d * k, sizeof *B);
    tau = sea__malloc_array(k, sizeof *tau);
    u = sea__malloc_array(d * k, sizeof *u);
    if (!A || !B || !tau || !u) {
        st = sea__err_nomem(err, "a layer of the import");
        goto out;
    }
    /* range finder: B = P·Ω, A = orth(B), then one power step A = orth(P·A) (eigenvalues 1 and
     * 0: it removes what the random start caught of the rounding noise), then the check
     * ‖AAᵀ − P‖_F² = ‖P‖_F² − 2 tr(AᵀPA) + k with B = P·A */
    for (size_t i = 0; i < d * k; i++) A[i] = (double)(splitmix(&seed) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
    for (int pass = 0; pass < 3; pass++) {
        if ((st = sea_dgemm(0, 0, d, k, d, 1.0, P, d, A, d, 0.0, B, d, nt, err)) != SEA_OK) goto out;
        if (pass == 2) break;
        if ((st = sea_qr(B, d, d, k, tau, nt, err)) != SEA_OK) goto out;
        memset(A, 0, d * k * sizeof *A);
        for (size_t j = 0; j < k; j++) A[j + j * d] = 1.0;
        if ((st = sea_qr_apply(0, A, d, d, k, B, d, k, tau, nt, err)) != SEA_OK) goto out;
    }
    for (size_t i = 0; i < d * k; i++) trqw += A[i] * B[i];
    e2 = fro2 - 2.0 * trqw + (double)k;
    if (!(sqrt(e2 > 0 ? e2 : 0) <= tol)) {
        st = sea__err(err, SEA_ERR_FORMAT,
                      "%s: layer %zu is not a projector: ||UU^T - P||_F = %.3g for rank %zu = round(trace %.6g) (tolerance %g)",
                      path, l, sqrt(e2 > 0 ? e2 : 0), k, tr, tol);
        goto out;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < k; j++) u[i * k + j] = (float)A[i + j * d];
    *u_out = u;
    *k_out = k;
    u = NULL;
out:
    sea__free(u);
    sea__free(tau);
    sea__work_free(A);
    sea__work_free(B);
    sea__work_free(P);
    return st;
}

/* sea-args.json of the authors' sea-train.py: the settings that carry over. */
static sea_status read_args(sea_proj *p, sea_buf *src, const char *path, sea_err *err)
{
    char *text = NULL;
    size_t len;
    sea_json_doc *doc = NULL;
    const sea_json *root, *v;
    sea_status st = sea__read_file(&text, &len, path, (size_t)1 << 20, err);
    if (st) return st;
    st = sea_json_parse(&doc, text, len, NULL, err);
    if (st) {
        sea__err_prefix(err, "%s", path);
        goto out;
    }
    root = sea_json_root(doc);
    if (root->type != SEA_JSON_OBJECT) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: not a JSON object", path);
        goto out;
    }
    if ((v = sea_json_get(root, "demonstration_number")) && v->type == SEA_JSON_NUMBER) {
        uint64_t n;
        if ((st = sea_json_as_u64(&n, v, "demonstration_number", err)) != SEA_OK || n > ((uint64_t)1 << 40)) {
            if (!st) st = sea__err(err, SEA_ERR_FORMAT, "demonstration_number is out of range");
            sea__err_prefix(err, "%s", path);
            goto out;
        }
        p->n_demos = (size_t)n;
    }
    for (int s = 0; s < 2; s++) {
        const char *key = s ? "negative_k_ratio" : "positive_k_ratio";
        if ((v = sea_json_get(root, key)) && v->type == SEA_JSON_NUMBER) {
            double x = v->v.num.d;
            if (!(x > 0 && x <= 1)) {
                st = sea__err(err, SEA_ERR_FORMAT, "%s: %s %g is not in (0, 1]", path, key, x);
                goto out;
            }
            p->k_ratio[s] = x;
        }
    }
    if ((v = sea_json_get(root, "feature_function")) && v->type == SEA_JSON_STRING) {
        if ((st = sea_feature_parse(&p->feature, v->v.str.s, err)) != SEA_OK) {
            sea__err_prefix(err, "%s: feature_function", path);
            goto out;
        }
    }
    sea__buf_puts(src, ",\"args\":");
    sea__buf_json_string(src, sea__basename(path), strlen(sea__basename(path)));
    if ((v = sea_json_get(root, "do_mean_subtraction")) && v->type == SEA_JSON_TRUE)
        sea__buf_puts(src, ",\"authors_mean_subtraction\":true");
    if ((v = sea_json_get(root, "dataset_name")) && v->type == SEA_JSON_STRING) {
        sea__buf_puts(src, ",\"dataset\":");
        sea__buf_json_string(src, v->v.str.s, v->v.str.len);
    }
out:
    sea_json_free(doc);
    sea__free(text);
    return st;
}

sea_status sea_proj_import_pt(sea_proj **out, const char *pos_path, const char *neg_path,
                              const sea_proj_import_params *params, sea_err *err)
{
    sea_proj_import_params ip = params ? *params : sea_proj_import_default_params();
    sea__pt_file *fp = NULL, *fn = NULL;
    layer_view *vp = NULL, *vn = NULL;
    size_t Lp, Ln, dp, dn;
    sea_proj *p = NULL;
    sea_buf src;
    sea_status st;
    *out = NULL;
    sea__buf_init(&src);
    if (!(ip.tol > 0 && ip.tol < 1)) return sea__err(err, SEA_ERR_ARG, "import: tolerance %g must be in (0, 1)", ip.tol);
    if ((st = sea__pt_open(&fp, pos_path, err)) != SEA_OK) goto out;
    if ((st = sea__pt_open(&fn, neg_path, err)) != SEA_OK) goto out;
    if ((st = collect(&vp, &Lp, &dp, fp, err)) != SEA_OK) goto out;
    if ((st = collect(&vn, &Ln, &dn, fn, err)) != SEA_OK) goto out;
    if (Lp != Ln || dp != dn) {
        st = sea__err(err, SEA_ERR_MISMATCH, "%s holds %zu layers of [%zu, %zu] but %s holds %zu of [%zu, %zu]", pos_path, Lp, dp,
                      dp, neg_path, Ln, dn, dn);
        goto out;
    }
    if (!(p = sea__proj_alloc(Lp, dp))) {
        st = sea__err_nomem(err, "the import");
        goto out;
    }
    sea__buf_puts(&src, "{\"format\":\"pt\",\"pos\":");
    sea__buf_json_string(&src, sea__basename(pos_path), strlen(sea__basename(pos_path)));
    sea__buf_puts(&src, ",\"neg\":");
    sea__buf_json_string(&src, sea__basename(neg_path), strlen(sea__basename(neg_path)));
    if (ip.args_path && (st = read_args(p, &src, ip.args_path, err)) != SEA_OK) goto out;
    sea__buf_putc(&src, '}');
    if (src.failed) {
        st = sea__err_nomem(err, "the import");
        goto out;
    }
    for (size_t l = 0; l < Lp; l++) {
        sea__proj_layer *L = &p->layers[l];
        if ((st = layer_basis(&L->u[0], &L->k[0], &vp[l], dp, 0, ip.tol, ip.n_threads, l, pos_path, err)) != SEA_OK) goto out;
        if ((st = layer_basis(&L->u[1], &L->k[1], &vn[l], dp, 1, ip.tol, ip.n_threads, l, neg_path, err)) != SEA_OK) goto out;
        snprintf(L->solver, sizeof L->solver, "import");
        L->present = 1;
        if (ip.progress) ip.progress(l + 1, Lp, ip.progress_user);
    }
    if (!(p->origin = sea__strdup("pt-import")) || !(p->source = sea__strdup(sea__buf_cstr(&src)))) {
        st = sea__err_nomem(err, "the import");
        goto out;
    }
    *out = p;
    p = NULL;
out:
    sea_proj_free(p);
    sea__free(vp);
    sea__free(vn);
    sea__pt_close(fp);
    sea__pt_close(fn);
    sea__buf_free(&src);
    return st;
}

/* ---- export: dense projectors in the authors' layout ---- */
typedef struct exp_ctx {
    const sea_proj *p;
    int neg;
} exp_ctx;

/* Row r of the stack: layer r's P+ = U+U+ᵀ, or I − U-U-ᵀ (what the authors' negative keeps).
 * A layer absent from the file is written as the no-op pair (P+ = 0, kept = I). */
static sea_status fill_layer(void *user, size_t r, float *buf, sea_err *err)
{
    const exp_ctx *c = user;
    size_t d = sea_proj_d(c->p), k = 0;
    const float *u = c->neg ? sea_proj_u_neg(c->p, r, &k) : sea_proj_u_pos(c->p, r, &k);
    double *ud = NULL, *pd = NULL;
    sea_status st = SEA_OK;
    if (k) {
        /* U row-major [d, k] is the column-major k x d matrix Uᵀ: P = (Uᵀ)ᵀ Uᵀ */
        ud = sea__work_alloc(d * k, sizeof *ud);
        pd = sea__work_alloc(d * d, sizeof *pd);
        if (!ud || !pd) {
            st = sea__err_nomem(err, "export");
            goto out;
        }
        for (size_t i = 0; i < d * k; i++) ud[i] = u[i];
        if ((st = sea_dgemm(1, 0, d, d, k, 1.0, ud, k, ud, k, 0.0, pd, d, 0, err)) != SEA_OK) goto out;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double s = pd ? pd[i + j * d] : 0.0;
            buf[i * d + j] = (float)(c->neg ? (i == j) - s : s);
        }
out:
    sea__work_free(ud);
    sea__work_free(pd);
    return st;
}

sea_status sea_proj_export_pt(const sea_proj *p, const char *pos_path, const char *neg_path, sea_err *err)
{
    exp_ctx c;
    sea_status st;
    if (p->center || p->feature != SEA_FEATURE_NONE)
        sea__warn("export: the authors' files hold only the projectors; %s%s%s is not carried (write it into their sea-args.json)",
                  p->center ? "centring" : "", p->center && p->feature != SEA_FEATURE_NONE ? " and " : "",
                  p->feature != SEA_FEATURE_NONE ? "the feature function" : "");
    c.p = p;
    c.neg = 0;
    st = sea__pt_write_stacked(pos_path, p->n_layer, p->d, p->d, fill_layer, &c, err);
    if (st) return st;
    c.neg = 1;
    return sea__pt_write_stacked(neg_path, p->n_layer, p->d, p->d, fill_layer, &c, err);
}
