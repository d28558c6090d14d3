/* src/spectral/edit.c: the SEA edit in the forward pass (SEA-SPEC §4): low-rank projections at the
 * MLP output of the selected layers, Phi-SEA feature maps, and the four merge rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/matmul.h"
#include "sea/edit.h"
#include "spectral/spectral_internal.h"

typedef struct edit_layer {
    int layer;
    int kp, kn;
    sea_mat up, upt; /* U+ [d, k+] and its transpose [k+, d], F32 */
    sea_mat un, unt; /* U- [d, k-] and [k-, d] */
    float *owned;    /* the transposes */
    const float *mean; /* [d] base mean (--center), or NULL */
} edit_layer;

struct sea_editor {
    int d, n_layer;
    sea_merge merge;
    double scale;       /* λ */
    sea_feature feat;
    float alpha, eps;
    edit_layer *layers; /* [n_sel], by increasing layer */
    size_t n_sel;
    int *slot;          /* [n_layer]: index into layers, -1 when not edited */
    float *scratch;     /* F, Zp, Zn [T, d] and C [T, max k] */
    size_t cap_T;
    int n_threads;
    sea_ctx *ctx; /* the context attached to (its forward call reports edit failures) */
    double change_sum;
    size_t change_n;
};

static const char *const merge_names[] = {"seq-norm", "token-norm", "average", "sum"};

sea_status sea_merge_parse(sea_merge *out, const char *name, sea_err *err)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, merge_names[i]) == 0) {
            *out = (sea_merge)i;
            return SEA_OK;
        }
    return sea__err(err, SEA_ERR_ARG, "unknown merge '%s' (seq-norm, token-norm, average or sum)", name);
}

const char *sea_merge_name(sea_merge m)
{
    return (unsigned)m < 4 ? merge_names[m] : "?";
}

sea_edit_params sea_edit_default_params(void)
{
    sea_edit_params p;
    p.merge = SEA_MERGE_SEQ_NORM;
    p.layers = NULL;
    p.scale = 1.0;
    p.template_name = NULL;
    p.force = 0;
    return p;
}

static int parse_count(const char *s, long *out)
{
    char *end;
    long v;
    if (!*s) return -1;
    v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 1000000) return -1;
    *out = v;
    return 0;
}

sea_status sea_layers_parse(unsigned char *mask, const char *spec, int n_layer, sea_err *err)
{
    long L;
    memset(mask, 0, (size_t)n_layer);
    if (strcmp(spec, "all") == 0) {
        memset(mask, 1, (size_t)n_layer);
        return SEA_OK;
    }
    if (strncmp(spec, "first:", 6) == 0 || strncmp(spec, "last:", 5) == 0) {
        int first = spec[0] == 'f';
        if (parse_count(spec + (first ? 6 : 5), &L) || L < 1 || L > n_layer)
            return sea__err(err, SEA_ERR_ARG, "layers '%s': L must be between 1 and %d", spec, n_layer);
        for (long i = 0; i < L; i++) mask[first ? i : n_layer - 1 - i] = 1;
        return SEA_OK;
    }
    if (strncmp(spec, "list:", 5) == 0) {
        const char *p = spec + 5;
        if (!*p) return sea__err(err, SEA_ERR_ARG, "layers '%s': empty list", spec);
        while (*p) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p || (*end && *end != ',') || v < 0 || v >= n_layer)
                return sea__err(err, SEA_ERR_ARG, "layers '%s': entries must be layer numbers 0..%d", spec, n_layer - 1);
            if (mask[v]) return sea__err(err, SEA_ERR_ARG, "layers '%s': layer %ld listed twice", spec, v);
            mask[v] = 1;
            p = *end ? end + 1 : end;
            if (*end == ',' && !*p) return sea__err(err, SEA_ERR_ARG, "layers '%s': trailing comma", spec);
        }
        return SEA_OK;
    }
    return sea__err(err, SEA_ERR_ARG, "layers '%s': expected all, first:L, last:L or list:i,j,...", spec);
}

void sea_editor_free(sea_editor *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n_sel; i++) sea__free(e->layers[i].owned);
    sea__free(e->layers);
    sea__free(e->slot);
    sea__free(e->scratch);
    sea__free(e);
}

static void transpose(float *dst, const float *src, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) dst[(size_t)c * (size_t)rows + (size_t)r] = src[(size_t)r * (size_t)cols + (size_t)c];
}

static void set_mat(sea_mat *m, const float *data, int rows, int cols)
{
    m->data = data;
    m->dtype = SEA_DTYPE_F32;
    m->rows = rows;
    m->cols = cols;
}

sea_status sea_editor_new(sea_editor **out, const sea_proj *p, const sea_model *model,
                          const sea_edit_params *ep, sea_err *err)
{
    const sea_llama_config *cfg = sea_model_config(model);
    sea_edit_params prm = ep ? *ep : sea_edit_default_params();
    sea_editor *e;
    unsigned char *mask;
    sea_status st = SEA_OK;
    *out = NULL;
    if (!(prm.scale >= -1e3 && prm.scale <= 1e3))
        return sea__err(err, SEA_ERR_ARG, "edit scale %g must be a finite number in [-1000, 1000]", prm.scale);
    if (sea_proj_d(p) != (size_t)cfg->d)
        return sea__err(err, SEA_ERR_MISMATCH, "projections have d = %zu, but the model's hidden size is %d",
                        sea_proj_d(p), cfg->d);
    if (sea_proj_n_layer(p) != (size_t)cfg->n_layer)
        return sea__err(err, SEA_ERR_MISMATCH, "projections are for %zu layers, but the model has %d",
                        sea_proj_n_layer(p), cfg->n_layer);
    if ((st = sea__provenance_check(sea_proj_provenance(p), model, prm.template_name, prm.force, err)) != SEA_OK)
        return st;
    if (!sea_proj_provenance(p) && strcmp(sea_proj_site(p), "mlp") != 0 && !sea_proj_origin(p)) /* imported: the authors apply theirs there too */
        sea__warn("projections were fitted at site '%s'; they are applied at the MLP output, as the paper and "
                  "the released code do", sea_proj_site(p));
    mask = sea__calloc((size_t)cfg->n_layer, 1);
    e = sea__calloc(1, sizeof *e);
    if (!mask || !e) {
        sea__free(mask);
        sea__free(e);
        return sea__err_nomem(err, "an editor");
    }
    e->d = cfg->d;
    e->n_layer = cfg->n_layer;
    e->merge = prm.merge;
    e->scale = prm.scale;
    e->feat = sea_proj_feature(p);
    e->alpha = sea_proj_alpha(p);
    e->eps = sea_proj_eps(p);
    e->n_threads = 1;
    if (prm.layers) {
        if ((st = sea_layers_parse(mask, prm.layers, cfg->n_layer, err)) != SEA_OK) goto fail;
        for (int l = 0; l < cfg->n_layer; l++)
            if (mask[l] && !sea_proj_has_layer(p, (size_t)l)) {
                st = sea__err(err, SEA_ERR_NOT_FOUND, "layer %d is selected but the projection file has no projections for it", l);
                goto fail;
            }
    } else {
        for (int l = 0; l < cfg->n_layer; l++) mask[l] = (unsigned char)sea_proj_has_layer(p, (size_t)l);
    }
    e->slot = sea__malloc_array((size_t)cfg->n_layer, sizeof *e->slot);
    e->layers = sea__calloc((size_t)cfg->n_layer, sizeof *e->layers);
    if (!e->slot || !e->layers) {
        st = sea__err_nomem(err, "an editor");
        goto fail;
    }
    for (int l = 0; l < cfg->n_layer; l++) {
        edit_layer *L;
        size_t kp, kn;
        const float *up, *un;
        e->slot[l] = -1;
        if (!mask[l]) continue;
        L = &e->layers[e->n_sel];
        up = sea_proj_u_pos(p, (size_t)l, &kp);
        un = sea_proj_u_neg(p, (size_t)l, &kn);
        L->layer = l;
        L->mean = sea_proj_mean(p, (size_t)l);
        L->kp = (int)kp;
        L->kn = (int)kn;
        L->owned = sea__malloc_array(((size_t)kp + (size_t)kn) * (size_t)e->d + 1, sizeof(float));
        if (!L->owned) {
            st = sea__err_nomem(err, "projection transposes");
            goto fail;
        }
        transpose(L->owned, up, e->d, (int)kp);
        transpose(L->owned + kp * (size_t)e->d, un, e->d, (int)kn);
        set_mat(&L->up, up, e->d, (int)kp);
        set_mat(&L->upt, L->owned, (int)kp, e->d);
        set_mat(&L->un, un, e->d, (int)kn);
        set_mat(&L->unt, L->owned + kp * (size_t)e->d, (int)kn, e->d);
        e->slot[l] = (int)e->n_sel++;
    }
    if (e->n_sel == 0) {
        st = sea__err(err, SEA_ERR_ARG, "no layer to edit");
        goto fail;
    }
    sea__free(mask);
    *out = e;
    return SEA_OK;
fail:
    sea__free(mask);
    sea_editor_free(e);
    return st;
}

int sea_editor_first_layer(const sea_editor *e) { return e->layers[0].layer; }
int sea_editor_is_causal(const sea_editor *e) { return e->merge != SEA_MERGE_SEQ_NORM; }
size_t sea_editor_n_layers(const sea_editor *e) { return e->n_sel; }

double sea_editor_mean_change(const sea_editor *e)
{
    return e->change_n ? e->change_sum / (double)e->change_n : 0.0;
}

static sea_status reserve(sea_editor *e, int T, sea_err *err)
{
    size_t kmax = 0, per_row, n;
    float *s;
    if ((size_t)T <= e->cap_T) return SEA_OK;
    for (size_t i = 0; i < e->n_sel; i++) kmax = SEA_MAX(kmax, (size_t)SEA_MAX(e->layers[i].kp, e->layers[i].kn));
    per_row = 3 * (size_t)e->d + kmax;
    if (sea__mul_size(&n, per_row, (size_t)T)) return sea__err_nomem(err, "edit scratch");
    s = sea__realloc(e->scratch, n * sizeof *s + sizeof *s);
    if (!s) return sea__err_nomem(err, "edit scratch");
    e->scratch = s;
    e->cap_T = (size_t)T;
    return SEA_OK;
}

sea_status sea_editor_apply(sea_editor *e, int layer, float *z, int T, int n_threads, sea_err *err)
{
    const edit_layer *L;
    size_t nd = (size_t)T * (size_t)e->d, d = (size_t)e->d;
    float *F, *Zp, *Zn, *C;
    sea_status st;
    if (layer < 0 || layer >= e->n_layer || e->slot[layer] < 0) return SEA_OK;
    if (e->scale == 0.0) return SEA_OK; /* λ = 0: z untouched, bit for bit */
    L = &e->layers[e->slot[layer]];
    if ((st = reserve(e, T, err)) != SEA_OK) return st;
    F = e->scratch;
    Zp = F + e->cap_T * d;
    Zn = Zp + e->cap_T * d;
    C = Zn + e->cap_T * d;
    memcpy(F, z, nd * sizeof *F);
    if (e->feat != SEA_FEATURE_NONE) sea_feature_apply(F, nd, e->feat, e->alpha);
    if (L->mean) /* centred fit: project f − μ */
        for (int t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) F[(size_t)t * d + i] -= L->mean[i];
    /* z+ = U+ (U+^T f) */
    if (L->kp > 0) {
        sea__matmul(C, F, T, &L->upt, n_threads);
        sea__matmul(Zp, C, T, &L->up, n_threads);
    } else {
        memset(Zp, 0, nd * sizeof *Zp);
    }
    /* z- = f - U- (U-^T f) */
    if (L->kn > 0) {
        sea__matmul(C, F, T, &L->unt, n_threads);
        sea__matmul(Zn, C, T, &L->un, n_threads);
        for (size_t i = 0; i < nd; i++) Zn[i] = F[i] - Zn[i];
    } else {
        memcpy(Zn, F, nd * sizeof *Zn);
    }
    if (L->mean) /* and add μ back to both branches */
        for (int t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) {
                Zp[(size_t)t * d + i] += L->mean[i];
                Zn[(size_t)t * d + i] += L->mean[i];
            }
    if (e->feat != SEA_FEATURE_NONE) {
        sea_feature_inverse(Zp, nd, e->feat, e->alpha, e->eps);
        sea_feature_inverse(Zn, nd, e->feat, e->alpha, e->eps);
    }
    for (size_t i = 0; i < nd; i++) Zp[i] += Zn[i]; /* s = z+ + z-, kept in Zp */
    switch (e->merge) {
    case SEA_MERGE_SEQ_NORM:
        /* per coordinate over the T positions of this call (F is free again: reuse it) */
        for (size_t i = 0; i < d; i++) {
            double nz = 0, ns = 0;
            for (int t = 0; t < T; t++) {
                double a = z[(size_t)t * d + i], b = Zp[(size_t)t * d + i];
                nz += a * a;
                ns += b * b;
            }
            F[i] = ns < 1e-24 ? 0.0f : (float)(sqrt(nz) / sqrt(ns));
        }
        for (int t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) Zp[(size_t)t * d + i] *= F[i];
        break;
    case SEA_MERGE_TOKEN_NORM:
        for (int t = 0; t < T; t++) {
            double nz = 0, ns = 0;
            float scale;
            for (size_t i = 0; i < d; i++) {
                double a = z[(size_t)t * d + i], b = Zp[(size_t)t * d + i];
                nz += a * a;
                ns += b * b;
            }
            scale = ns < 1e-24 ? 0.0f : (float)(sqrt(nz) / sqrt(ns));
            for (size_t i = 0; i < d; i++) Zp[(size_t)t * d + i] *= scale;
        }
        break;
    case SEA_MERGE_AVERAGE:
        for (size_t i = 0; i < nd; i++) Zp[i] *= 0.5f;
        break;
    case SEA_MERGE_SUM:
        break;
    }
    /* strength: z' = z + λ (edit(z) − z); λ = 1 keeps edit(z) as computed */
    if (e->scale != 1.0) {
        float lam = (float)e->scale;
        for (size_t i = 0; i < nd; i++) Zp[i] = z[i] + lam * (Zp[i] - z[i]);
    }
    /* how much the edit moved each token, then write it back */
    for (int t = 0; t < T; t++) {
        double diff = 0, norm = 0;
        for (size_t i = 0; i < d; i++) {
            double a = z[(size_t)t * d + i], b = Zp[(size_t)t * d + i];
            diff += (b - a) * (b - a);
            norm += a * a;
        }
        if (norm > 0) {
            e->change_sum += sqrt(diff / norm);
            e->change_n++;
        }
    }
    memcpy(z, Zp, nd * sizeof *z);
    return SEA_OK;
}

static sea_status edit_hook(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    sea_editor *e = user;
    (void)site;
    (void)pos0;
    (void)d;
    sea_err why;
    sea_status st;
    sea_err_clear(&why);
    st = sea_editor_apply(e, layer, x, T, e->n_threads, &why);
    /* the reason goes with the failure to the caller of the forward pass */
    if (st != SEA_OK && e->ctx) sea_ctx_hook_error(e->ctx, why.msg);
    return st;
}

sea_status sea_editor_attach(sea_editor *e, sea_ctx *c, sea_err *err)
{
    e->n_threads = sea_ctx_n_threads(c);
    e->ctx = c;
    return sea_ctx_add_hook(c, edit_hook, e, SEA_SITE_MASK(SEA_SITE_MLP), err);
}
