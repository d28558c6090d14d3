/* tests/parity_util.h: one model directory against its golden.safetensors (the layout of the
 * Hugging Face goldens: input_ids.{s}, logits.{s}, embed.{s}, attn/mlp/hidden.L{l}.{s},
 * final_norm.{s}, greedy.{s}, rope_inv_freq): every captured tensor within 1e-4 of the
 * tensor's max-abs, the greedy continuation identical, decoded one token at a time over the
 * KV cache. Used by the family parity suites. */
#ifndef SEA_PARITY_UTIL_H
#define SEA_PARITY_UTIL_H

#include <stdint.h>

#include "testutil.h"

#define PARITY_TOL 1e-4 /* SEA-SPEC §8: relative to the tensor's max-abs */

static const sea_st_tensor *pu_tensor(const sea_st_file *g, const char *fmt, int a, int b)
{
    char name[128];
    const sea_st_tensor *t;
    if (b < 0) snprintf(name, sizeof name, fmt, a);
    else snprintf(name, sizeof name, fmt, a, b);
    t = sea_st_find(g, name);
    ck_assert_msg(t != NULL, "golden tensor %s missing", name);
    return t;
}

static int32_t *pu_ids(const sea_st_tensor *t, int *n)
{
    int64_t *v = malloc(t->n_elements * sizeof *v);
    int32_t *ids = malloc(t->n_elements * sizeof *ids);
    sea_err err;
    ck_assert_int_eq(sea_st_read_i64(v, t, &err), SEA_OK);
    for (uint64_t i = 0; i < t->n_elements; i++) ids[i] = (int32_t)v[i];
    free(v);
    *n = (int)t->n_elements;
    return ids;
}

typedef struct pu_capture {
    size_t nd;
    float *embed, *final_norm, *attn, *mlp, *hidden;
} pu_capture;

static sea_status pu_hook(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    pu_capture *c = user;
    float *dst = site == SEA_SITE_EMBED ? c->embed
                 : site == SEA_SITE_FINAL_NORM ? c->final_norm
                 : site == SEA_SITE_ATTN ? c->attn + (size_t)layer * c->nd
                 : site == SEA_SITE_MLP ? c->mlp + (size_t)layer * c->nd
                                        : c->hidden + (size_t)layer * c->nd;
    ck_assert_int_eq(pos0, 0);
    memcpy(dst, x, (size_t)T * (size_t)d * sizeof *dst);
    return SEA_OK;
}

static double pu_close(const float *got, const sea_st_tensor *want, const char *what, const char *model)
{
    double e = rel_max_err(got, (const float *)want->data, want->n_elements, 1e-30);
    ck_assert_msg(e <= PARITY_TOL, "%s: %s differs from the reference by %.3g of max-abs (tolerance %g)", model, what, e,
                  PARITY_TOL);
    return e;
}

/* Returns the worst relative error seen over every tensor. */
static double pu_check_model(const char *dir, const char *golden, int n_threads)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_st_file *g;
    const sea_llama_config *cfg;
    double worst = 0, e;
    int s;
    ck_assert_msg(sea_st_open(&g, golden, &err) == SEA_OK, "%s", err.msg);
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    cfg = sea_model_config(m);
    for (s = 0;; s++) {
        char nm[64];
        int T;
        int32_t *ids;
        pu_capture cap;
        const float *logits;
        sea_ctx_params cp = sea_ctx_default_params();
        snprintf(nm, sizeof nm, "input_ids.%d", s);
        if (!sea_st_find(g, nm)) break;
        ids = pu_ids(sea_st_find(g, nm), &T);
        cp.n_threads = n_threads;
        ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &err), SEA_OK);
        cap.nd = (size_t)T * (size_t)cfg->d;
        cap.embed = malloc(cap.nd * sizeof(float));
        cap.final_norm = malloc(cap.nd * sizeof(float));
        cap.attn = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        cap.mlp = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        cap.hidden = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        ck_assert_int_eq(sea_ctx_add_hook(c, pu_hook, &cap, 0x1f, &err), SEA_OK);
        ck_assert_msg(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err) == SEA_OK, "%s", err.msg);
        e = pu_close(logits, pu_tensor(g, "logits.%d", s, -1), "logits", dir);
        if (e > worst) worst = e;
        e = pu_close(cap.embed, pu_tensor(g, "embed.%d", s, -1), "embed", dir);
        if (e > worst) worst = e;
        e = pu_close(cap.final_norm, pu_tensor(g, "final_norm.%d", s, -1), "final_norm", dir);
        if (e > worst) worst = e;
        for (int l = 0; l < cfg->n_layer; l++) {
            static const char *const kinds[] = {"attn", "mlp", "hidden"};
            float *bufs[3] = {cap.attn, cap.mlp, cap.hidden};
            for (int k = 0; k < 3; k++) {
                char what[48], fmt[48];
                snprintf(what, sizeof what, "%s.L%d", kinds[k], l);
                snprintf(fmt, sizeof fmt, "%s.L%%d.%%d", kinds[k]);
                e = pu_close(bufs[k] + (size_t)l * cap.nd, pu_tensor(g, fmt, l, s), what, dir);
                if (e > worst) worst = e;
            }
        }
        {
            /* greedy continuation, no EOS stop, one token at a time over the KV cache */
            int n_want;
            int32_t *want = pu_ids(pu_tensor(g, "greedy.%d", s, -1), &n_want), *out;
            size_t n_out;
            sea_generate_params gp = sea_generate_default_params();
            gp.n_predict = n_want;
            gp.ignore_eos = 1;
            sea_ctx_clear_hooks(c);
            sea_ctx_truncate(c, 0);
            ck_assert_int_eq(sea_generate(c, ids, (size_t)T, &gp, NULL, NULL, &out, &n_out, &err), SEA_OK);
            ck_assert_int_eq((int)n_out, n_want);
            for (int i = 0; i < n_want; i++)
                ck_assert_msg(out[i] == want[i], "%s seq %d: greedy token %d is %d, reference %d", dir, s, i, out[i],
                              want[i]);
            sea_free(out);
            free(want);
        }
        free(cap.embed);
        free(cap.final_norm);
        free(cap.attn);
        free(cap.mlp);
        free(cap.hidden);
        free(ids);
        sea_ctx_free(c);
    }
    ck_assert_msg(s >= 2, "%s: expected at least two golden sequences", golden);
    {
        const sea_st_tensor *rf = sea_st_find(g, "rope_inv_freq");
        float *mine = malloc((size_t)cfg->head_dim / 2 * sizeof(float));
        ck_assert_ptr_nonnull(rf);
        ck_assert_uint_eq(rf->n_elements, (uint64_t)cfg->head_dim / 2);
        sea_config_rope_inv_freq(cfg, mine);
        ck_assert_msg(rel_max_err(mine, rf->data, rf->n_elements, 1e-30) <= 1e-6, "%s: rope_inv_freq differs", dir);
        free(mine);
    }
    sea_model_close(m);
    sea_st_close(g);
    return worst;
}

#endif /* SEA_PARITY_UTIL_H */
