/* src/model/forward.c: the forward pass of every family (llama2.c's order of operations, Hugging
 * Face's numerics): embedding (x sqrt(d) for Gemma), per layer RMSNorm -> attention with RoPE
 * and grouped-query heads over the KV cache (q/k/v biases, soft-capped scores, sliding window
 * where the config says) -> [post-norm] -> residual add -> RMSNorm -> gated MLP (SiLU or GELU)
 * -> [post-norm] -> residual add, then the final norm, lm_head and [final soft-cap]. The
 * family decisions are flags of the config, read once per call or per layer, never per
 * element. Hooks see [T, d] tensors at the sites of sea_site and may rewrite them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernels/matmul.h"
#include "kernels/quant.h"
#include "model/model_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Parallel loops only pay off above this much work (in multiply-adds). */
#define PAR_MIN_WORK 65536

static sea_status hook_failed(sea_ctx *c, sea_err *err, sea_status st, int layer)
{
    if (c->hook_msg[0]) {
        sea__err(err, st, "layer %d: %s", layer, c->hook_msg);
        c->hook_msg[0] = '\0';
        return st;
    }
    if (err && err->status == SEA_OK) return sea__err(err, st, "a hook stopped the forward pass at layer %d", layer);
    return st;
}

void sea_ctx_hook_error(sea_ctx *c, const char *msg)
{
    snprintf(c->hook_msg, sizeof c->hook_msg, "%s", msg ? msg : "");
}

static sea_status run_hooks(sea_ctx *c, sea_site site, int layer, float *x, int T, int pos0)
{
    for (int i = 0; i < c->n_hooks; i++)
        if (c->hooks[i].mask & SEA_SITE_MASK(site)) {
            sea_status st = c->hooks[i].fn(c->hooks[i].user, site, layer, x, T, pos0, c->m->cfg.d);
            if (st != SEA_OK) return st;
        }
    return SEA_OK;
}

/* out[t] = x[t] / rms(x[t]) * w, as Hugging Face LlamaRMSNorm (sum of squares in double). */
static void rmsnorm(float *out, const float *x, const float *w, int T, int d, float eps, int nth)
{
    int t;
    (void)nth;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nth) if ((long)T * d >= PAR_MIN_WORK)
#endif
    for (t = 0; t < T; t++) {
        const float *xt = x + (size_t)t * (size_t)d;
        float *ot = out + (size_t)t * (size_t)d;
        double ss = 0;
        float var, r;
        for (int i = 0; i < d; i++) ss += (double)xt[i] * (double)xt[i];
        var = (float)(ss / d);
        r = (float)(1.0 / sqrt((double)(var + eps)));
        for (int i = 0; i < d; i++) ot[i] = w[i] * (xt[i] * r);
    }
}

/* Rotate-half RoPE on n_heads vectors of head_dim at position pos (pairs (i, i + half)), or
 * on interleaved pairs (2i, 2i + 1) for weights stored that way (GGUF). */
static void rope(float *v, int n_heads, int head_dim, const float *cos_p, const float *sin_p, int interleaved)
{
    int half = head_dim / 2;
    for (int h = 0; h < n_heads && interleaved; h++) {
        float *p = v + (size_t)h * (size_t)head_dim;
        for (int i = 0; i < half; i++) {
            float a = p[2 * i], b = p[2 * i + 1];
            p[2 * i] = a * cos_p[i] - b * sin_p[i];
            p[2 * i + 1] = b * cos_p[i] + a * sin_p[i];
        }
    }
    for (int h = 0; h < n_heads && !interleaved; h++) {
        float *p = v + (size_t)h * (size_t)head_dim;
        for (int i = 0; i < half; i++) {
            float a = p[i], b = p[i + half];
            p[i] = a * cos_p[i] - b * sin_p[i];
            p[i + half] = b * cos_p[i] + a * sin_p[i];
        }
    }
}

/* Attention of T queries (positions pos0..pos0+T-1) over cached positions lo..pos, where
 * lo = 0, or pos - window + 1 on a sliding layer (window > 0). Scores are q.k * attn_scale,
 * soft-capped (cap * tanh(s / cap)) before the mask when the family caps them. */
static void attention(sea_ctx *c, int layer, int T, int pos0, int window)
{
    const sea_llama_config *cfg = &c->m->cfg;
    const sea_kernels *K = sea__kernels();
    int hd = cfg->head_dim, nh = cfg->n_head, group = cfg->n_head / cfg->n_kv_head;
    size_t kvdim = (size_t)cfg->n_kv_head * (size_t)hd, qdim = (size_t)nh * (size_t)hd;
    const float *kc = c->k_cache + (size_t)layer * (size_t)c->n_ctx * kvdim;
    const float *vc = c->v_cache + (size_t)layer * (size_t)c->n_ctx * kvdim;
    float scale = cfg->attn_scale, cap = cfg->attn_softcap;
    long work = (long)T * nh * (window > 0 ? SEA_MIN(pos0 + T, window) : pos0 + T) * hd;
    int i;
    (void)work;
#ifdef _OPENMP
#pragma omp parallel for num_threads(c->n_threads) schedule(dynamic, 1) if (work >= PAR_MIN_WORK)
#endif
    for (i = 0; i < T * nh; i++) {
        int t = i / nh, h = i % nh, pos = pos0 + t, g = h / group;
        int lo = window > 0 && pos - window + 1 > 0 ? pos - window + 1 : 0;
#ifdef _OPENMP
        float *sc = c->scores + (size_t)omp_get_thread_num() * (size_t)c->n_ctx;
#else
        float *sc = c->scores;
#endif
        const float *q = c->q + (size_t)t * qdim + (size_t)h * (size_t)hd;
        float *o = c->att + (size_t)t * qdim + (size_t)h * (size_t)hd;
        float mx = -INFINITY;
        double sum = 0;
        if (cap > 0) {
            for (int j = lo; j <= pos; j++) {
                float s = K->dot_f32(q, kc + (size_t)j * kvdim + (size_t)g * (size_t)hd, hd) * scale;
                sc[j] = tanhf(s / cap) * cap;
                if (sc[j] > mx) mx = sc[j];
            }
        } else {
            for (int j = lo; j <= pos; j++) {
                sc[j] = K->dot_f32(q, kc + (size_t)j * kvdim + (size_t)g * (size_t)hd, hd) * scale;
                if (sc[j] > mx) mx = sc[j];
            }
        }
        for (int j = lo; j <= pos; j++) {
            sc[j] = expf(sc[j] - mx);
            sum += sc[j];
        }
        memset(o, 0, (size_t)hd * sizeof *o);
        for (int j = lo; j <= pos; j++)
            K->axpy_f32(o, (float)(sc[j] / sum), vc + (size_t)j * kvdim + (size_t)g * (size_t)hd, hd);
    }
}

static void silu_mul(float *h1, const float *h2, size_t n, int nth)
{
    long i;
    (void)nth;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nth) if (n >= PAR_MIN_WORK)
#endif
    for (i = 0; i < (long)n; i++) {
        float g = h1[i];
        h1[i] = g / (1.0f + expf(-g)) * h2[i];
    }
}

/* gelu_pytorch_tanh(gate) * up, in float32 as PyTorch's tanh-approximate GELU */
static void gelu_tanh_mul(float *h1, const float *h2, size_t n, int nth)
{
    const float beta = 0.7978845608028654f /* sqrt(2 / pi) */, kappa = 0.044715f;
    long i;
    (void)nth;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nth) if (n >= PAR_MIN_WORK)
#endif
    for (i = 0; i < (long)n; i++) {
        float x = h1[i], inner = beta * (x + kappa * x * x * x);
        h1[i] = 0.5f * x * (1.0f + tanhf(inner)) * h2[i];
    }
}

/* exact gelu(gate) * up: 0.5 x (1 + erf(x / sqrt 2)) */
static void gelu_mul(float *h1, const float *h2, size_t n, int nth)
{
    long i;
    (void)nth;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nth) if (n >= PAR_MIN_WORK)
#endif
    for (i = 0; i < (long)n; i++) {
        float x = h1[i];
        h1[i] = x * 0.5f * (1.0f + erff(x * 0.70710678118654752f)) * h2[i];
    }
}

/* rows[t] += b for T rows of n with the given row stride */
static void add_bias(float *rows, const float *b, int T, size_t n, size_t stride)
{
    for (int t = 0; t < T; t++) {
        float *r = rows + (size_t)t * stride;
        for (size_t i = 0; i < n; i++) r[i] += b[i];
    }
}

static void add_rows(float *x, const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] += y[i];
}

/* One decoder layer over rows x[0..T) at positions pos0.. (K/V of these positions written). */
static sea_status layer_forward(sea_ctx *c, int l, float *x, int T, int pos0)
{
    const sea_llama_config *cfg = &c->m->cfg;
    const sea_layer_weights *L = &c->m->layers[l];
    int d = cfg->d, hd = cfg->head_dim, half = hd / 2, nth = c->n_threads;
    size_t kvdim = (size_t)cfg->n_kv_head * (size_t)hd, qdim = (size_t)cfg->n_head * (size_t)hd;
    float *kc = c->k_cache + ((size_t)l * (size_t)c->n_ctx + (size_t)pos0) * kvdim;
    float *vc = c->v_cache + ((size_t)l * (size_t)c->n_ctx + (size_t)pos0) * kvdim;
    sea_status st;

    rmsnorm(c->xb, x, L->attn_norm, T, d, cfg->rms_eps, nth);
    {
        /* K and V go straight into the cache: its row stride is kvdim */
        float *const ys[3] = {c->q, kc, vc};
        const sea_mat *const ws[3] = {&L->wq, &L->wk, &L->wv};
        sea__matmul_multi(ys, c->xb, T, ws, 3, nth);
    }
    if (L->bq) { /* Qwen2: q/k/v biases, before RoPE */
        add_bias(c->q, L->bq, T, qdim, qdim);
        add_bias(kc, L->bk, T, kvdim, kvdim);
        add_bias(vc, L->bv, T, kvdim, kvdim);
    }
    for (int t = 0; t < T; t++) {
        const float *cs = c->cos_t + (size_t)(pos0 + t) * (size_t)half;
        const float *sn = c->sin_t + (size_t)(pos0 + t) * (size_t)half;
        rope(c->q + (size_t)t * qdim, cfg->n_head, hd, cs, sn, c->m->rope_interleaved);
        rope(kc + (size_t)t * kvdim, cfg->n_kv_head, hd, cs, sn, c->m->rope_interleaved);
    }
    attention(c, l, T, pos0, cfg->sliding_layers[l] ? cfg->sliding_window : 0);
    sea__matmul(c->xb, c->att, T, &L->wo, nth);
    /* Gemma 2: the block output is normed before it joins the residual stream; the hook sees
     * it as added */
    if (L->attn_post_norm) rmsnorm(c->xb, c->xb, L->attn_post_norm, T, d, cfg->rms_eps, nth);
    if ((st = run_hooks(c, SEA_SITE_ATTN, l, c->xb, T, pos0)) != SEA_OK) return st;
    add_rows(x, c->xb, (size_t)T * (size_t)d);

    rmsnorm(c->xb, x, L->ffn_norm, T, d, cfg->rms_eps, nth);
    {
        float *const ys[2] = {c->h1, c->h2};
        const sea_mat *const ws[2] = {&L->w_gate, &L->w_up};
        sea__matmul_multi(ys, c->xb, T, ws, 2, nth);
    }
    if (cfg->act == SEA_ACT_SILU) silu_mul(c->h1, c->h2, (size_t)T * (size_t)cfg->d_ff, nth);
    else if (cfg->act == SEA_ACT_GELU_TANH) gelu_tanh_mul(c->h1, c->h2, (size_t)T * (size_t)cfg->d_ff, nth);
    else gelu_mul(c->h1, c->h2, (size_t)T * (size_t)cfg->d_ff, nth);
    sea__matmul(c->xb, c->h1, T, &L->w_down, nth);
    if (L->ffn_post_norm) rmsnorm(c->xb, c->xb, L->ffn_post_norm, T, d, cfg->rms_eps, nth);
    if ((st = run_hooks(c, SEA_SITE_MLP, l, c->xb, T, pos0)) != SEA_OK) return st;
    add_rows(x, c->xb, (size_t)T * (size_t)d);
    return run_hooks(c, SEA_SITE_RESIDUAL, l, x, T, pos0);
}

static sea_status check_tokens(const sea_ctx *c, const int32_t *tokens, int T, sea_err *err)
{
    for (int t = 0; t < T; t++)
        if (tokens[t] < 0 || tokens[t] >= c->m->cfg.n_vocab)
            return sea__err(err, SEA_ERR_ARG, "token id %d at index %d is outside the vocabulary (0..%d)",
                            (int)tokens[t], t, c->m->cfg.n_vocab - 1);
    return SEA_OK;
}

static void embed_rows(sea_ctx *c, float *x, const int32_t *tokens, int T)
{
    const sea_mat *e = &c->m->embed;
    size_t d = (size_t)c->m->cfg.d, es = sea_dtype_size(e->dtype);
    if (sea_dtype_block(e->dtype)) { /* block-quantized embedding (GGUF): one row at a time */
        size_t row = d / (size_t)sea_dtype_block(e->dtype) * sea_dtype_block_bytes(e->dtype);
        for (int t = 0; t < T; t++)
            sea__dequantize(e->dtype, x + (size_t)t * d, (const char *)e->data + (size_t)tokens[t] * row, d);
        return;
    }
    for (int t = 0; t < T; t++)
        sea__to_f32(x + (size_t)t * d, (const char *)e->data + (size_t)tokens[t] * d * es, e->dtype, d);
    if (c->m->cfg.embed_scale) {
        /* Gemma: times sqrt(hidden_size), the factor a float32 tensor as Hugging Face makes it */
        float s = (float)sqrt((double)d);
        for (size_t i = 0; i < (size_t)T * d; i++) x[i] *= s;
    }
}

/* Gemma 2: logits -> cap * tanh(logits / cap) */
static void softcap_rows(float *v, size_t n, float cap)
{
    for (size_t i = 0; i < n; i++) v[i] = tanhf(v[i] / cap) * cap;
}

/* Final norm over rows [0, T) of x, then logits for the rows the mode asks for. */
static sea_status finish(sea_ctx *c, const float *x, int T, int pos0, sea_logits_mode mode,
                         const float **logits, sea_err *err)
{
    const sea_llama_config *cfg = &c->m->cfg;
    size_t d = (size_t)cfg->d;
    sea_status st;
    if (logits) *logits = NULL;
    rmsnorm(c->xb, x, c->m->final_norm, T, cfg->d, cfg->rms_eps, c->n_threads);
    if ((st = run_hooks(c, SEA_SITE_FINAL_NORM, cfg->n_layer, c->xb, T, pos0)) != SEA_OK)
        return hook_failed(c, err, st, cfg->n_layer);
    if (mode == SEA_LOGITS_NONE) return SEA_OK;
    {
        /* grown on demand: calls that want every row's logits are rare and short */
        int rows = mode == SEA_LOGITS_LAST ? 1 : T;
        if (rows > c->logits_rows) {
            size_t n;
            float *nl;
            if (sea__mul_size(&n, (size_t)rows, (size_t)cfg->n_vocab) || sea__mul_size(&n, n, sizeof(float)) ||
                !(nl = sea__realloc(c->logits, n)))
                return sea__err(err, SEA_ERR_NOMEM, "out of memory for logits of %d tokens x %d", rows, cfg->n_vocab);
            c->logits = nl;
            c->logits_rows = rows;
        }
    }
    if (mode == SEA_LOGITS_LAST)
        sea__matmul(c->logits, c->xb + (size_t)(T - 1) * d, 1, &c->m->lm_head, c->n_threads);
    else
        sea__matmul(c->logits, c->xb, T, &c->m->lm_head, c->n_threads);
    if (cfg->final_softcap > 0)
        softcap_rows(c->logits, (size_t)(mode == SEA_LOGITS_LAST ? 1 : T) * (size_t)cfg->n_vocab, cfg->final_softcap);
    if (logits) *logits = c->logits;
    return SEA_OK;
}

sea_status sea_forward(sea_ctx *c, const int32_t *tokens, int T, sea_logits_mode mode,
                       const float **logits, sea_err *err)
{
    const sea_llama_config *cfg = &c->m->cfg;
    size_t d = (size_t)cfg->d;
    sea_status st;
    if (logits) *logits = NULL;
    if (T <= 0) return sea__err(err, SEA_ERR_ARG, "forward call with %d tokens", T);
    if (c->n_past + T > c->n_ctx)
        return sea__err(err, SEA_ERR_LIMIT, "%d tokens after %d cached positions exceed the context of %d",
                        T, c->n_past, c->n_ctx);
    if ((st = check_tokens(c, tokens, T, err)) != SEA_OK) return st;
    if (T > c->n_batch && mode == SEA_LOGITS_ALL)
        return sea__err(err, SEA_ERR_LIMIT, "%d tokens with all logits exceed the batch of %d", T, c->n_batch);
    while (T > 0) {
        int n = SEA_MIN(T, c->n_batch), pos0 = c->n_past;
        embed_rows(c, c->x, tokens, n);
        if ((st = run_hooks(c, SEA_SITE_EMBED, -1, c->x, n, pos0)) != SEA_OK) return hook_failed(c, err, st, -1);
        for (int l = 0; l < cfg->n_layer; l++) {
            if (l == c->keep_layer) memcpy(c->kept + (size_t)pos0 * d, c->x, (size_t)n * d * sizeof(float));
            if ((st = layer_forward(c, l, c->x, n, pos0)) != SEA_OK) return hook_failed(c, err, st, l);
        }
        c->n_past += n;
        tokens += n;
        T -= n;
        if (T == 0) return finish(c, c->x, n, pos0, mode, logits, err);
        if ((st = finish(c, c->x, n, pos0, SEA_LOGITS_NONE, NULL, err)) != SEA_OK) return st;
    }
    return SEA_OK;
}

sea_status sea_forward_recompute(sea_ctx *c, const int32_t *tokens, int T, int layer, int pos_begin,
                                 sea_logits_mode mode, const float **logits, sea_err *err)
{
    const sea_llama_config *cfg = &c->m->cfg;
    size_t d = (size_t)cfg->d;
    int n_old, rows, pos0 = c->n_past;
    sea_status st;
    if (logits) *logits = NULL;
    if (layer != c->keep_layer)
        return sea__err(err, SEA_ERR_ARG, "recompute from layer %d needs sea_ctx_keep_layer_input(%d) first",
                        layer, layer);
    if (T <= 0 || pos_begin < 0 || pos_begin > c->n_past)
        return sea__err(err, SEA_ERR_ARG, "recompute: bad range (T %d, begin %d, cached %d)", T, pos_begin, c->n_past);
    n_old = c->n_past - pos_begin;
    rows = n_old + T;
    if (c->n_past + T > c->n_ctx) return sea__err(err, SEA_ERR_LIMIT, "recompute exceeds the context of %d", c->n_ctx);
    if (rows > c->n_batch) return sea__err(err, SEA_ERR_LIMIT, "recompute of %d rows exceeds the batch of %d", rows, c->n_batch);
    if ((st = check_tokens(c, tokens, T, err)) != SEA_OK) return st;
    /* new tokens through the layers below `layer`, stored after the old rows */
    {
        float *xn = c->x + (size_t)n_old * d;
        embed_rows(c, xn, tokens, T);
        if ((st = run_hooks(c, SEA_SITE_EMBED, -1, xn, T, pos0)) != SEA_OK) return hook_failed(c, err, st, -1);
        for (int l = 0; l < layer; l++)
            if ((st = layer_forward(c, l, xn, T, pos0)) != SEA_OK) return hook_failed(c, err, st, l);
        memcpy(c->kept + (size_t)pos0 * d, xn, (size_t)T * d * sizeof(float));
    }
    /* old rows from the snapshot, then all rows through the rest of the stack */
    memcpy(c->x, c->kept + (size_t)pos_begin * d, (size_t)n_old * d * sizeof(float));
    for (int l = layer; l < cfg->n_layer; l++)
        if ((st = layer_forward(c, l, c->x, rows, pos_begin)) != SEA_OK) return hook_failed(c, err, st, l);
    c->n_past += T;
    return finish(c, c->x, rows, pos_begin, mode, logits, err);
}

void sea_log_softmax_at(double *out, const float *logits, const int32_t *targets, int T, int n_vocab)
{
    for (int t = 0; t < T; t++) {
        const float *l = logits + (size_t)t * (size_t)n_vocab;
        float mx = l[0];
        double sum = 0;
        for (int i = 1; i < n_vocab; i++)
            if (l[i] > mx) mx = l[i];
        for (int i = 0; i < n_vocab; i++) sum += exp((double)l[i] - (double)mx);
        out[t] = (double)l[targets[t]] - (double)mx - log(sum);
    }
}
