/* src/model/ctx.c: the inference context: KV cache, scratch buffers sized once for the
 * largest call, RoPE tables, and the hook list. Nothing is allocated per token. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "model/model_internal.h"

sea_ctx_params sea_ctx_default_params(void)
{
    sea_ctx_params p;
    p.n_ctx = 0;
    p.n_batch = 0;
    p.n_threads = 0;
    return p;
}

static void resolve_params(sea_ctx_params *p, const sea_llama_config *cfg)
{
    if (p->n_ctx == 0) p->n_ctx = SEA_MIN(cfg->max_pos, 4096);
    if (p->n_batch == 0 || p->n_batch > p->n_ctx) p->n_batch = p->n_ctx;
}

uint64_t sea_ctx_bytes(const sea_model *m, const sea_ctx_params *pp)
{
    const sea_llama_config *c = &m->cfg;
    sea_ctx_params p = pp ? *pp : sea_ctx_default_params();
    uint64_t kvdim = (uint64_t)c->n_kv_head * (uint64_t)c->head_dim, qdim = (uint64_t)c->n_head * (uint64_t)c->head_dim;
    uint64_t per_row;
    resolve_params(&p, c);
    per_row = 2 * (uint64_t)c->d + 2 * qdim + 2 * (uint64_t)c->d_ff;
    /* logits are grown on demand: count the one row every generation step needs */
    return 4 * (2 * (uint64_t)c->n_layer * (uint64_t)p.n_ctx * kvdim + (uint64_t)p.n_batch * per_row +
                (uint64_t)p.n_ctx * (uint64_t)c->head_dim + (uint64_t)c->n_vocab);
}

void sea_ctx_free(sea_ctx *c)
{
    if (!c) return;
    sea__free(c->k_cache);
    sea__free(c->v_cache);
    sea__free(c->x);
    sea__free(c->xb);
    sea__free(c->q);
    sea__free(c->kv);
    sea__free(c->att);
    sea__free(c->h1);
    sea__free(c->h2);
    sea__free(c->scores);
    sea__free(c->logits);
    sea__free(c->cos_t);
    sea__free(c->sin_t);
    sea__free(c->kept);
    sea__free(c);
}

/* malloc of a*b*c floats with overflow checks; not zeroed (pages stay untouched until used) */
static float *fbuf(size_t a, size_t b, size_t c, int *fail)
{
    size_t n;
    float *p;
    if (sea__mul_size(&n, a, b) || sea__mul_size(&n, n, c) || sea__mul_size(&n, n, sizeof(float))) {
        *fail = 1;
        return NULL;
    }
    p = sea__malloc_big(n, 1); /* huge pages where available: first touches are cheaper */
    if (!p) *fail = 1;
    return p;
}

sea_status sea_ctx_new(sea_ctx **out, const sea_model *m, const sea_ctx_params *pp, sea_err *err)
{
    const sea_llama_config *cfg = &m->cfg;
    sea_ctx_params p = pp ? *pp : sea_ctx_default_params();
    sea_ctx *c;
    size_t kvdim = (size_t)cfg->n_kv_head * (size_t)cfg->head_dim;
    size_t qdim = (size_t)cfg->n_head * (size_t)cfg->head_dim;
    size_t half = (size_t)cfg->head_dim / 2;
    int fail = 0;
    *out = NULL;
    if (p.n_ctx < 0 || p.n_batch < 0 || p.n_threads < 0)
        return sea__err(err, SEA_ERR_ARG, "context sizes must not be negative");
    if (p.n_ctx > cfg->max_pos)
        return sea__err(err, SEA_ERR_ARG, "context of %d positions exceeds max_position_embeddings (%d)",
                        p.n_ctx, cfg->max_pos);
    resolve_params(&p, cfg);
    if (p.n_threads == 0) p.n_threads = sea_default_threads();
    c = sea__calloc(1, sizeof *c);
    if (!c) return sea__err_nomem(err, "an inference context");
    c->m = m;
    c->n_ctx = p.n_ctx;
    c->n_batch = p.n_batch;
    c->n_threads = p.n_threads;
    c->keep_layer = -1;
    c->k_cache = fbuf((size_t)cfg->n_layer, (size_t)c->n_ctx, kvdim, &fail);
    c->v_cache = fbuf((size_t)cfg->n_layer, (size_t)c->n_ctx, kvdim, &fail);
    c->x = fbuf((size_t)c->n_batch, (size_t)cfg->d, 1, &fail);
    c->xb = fbuf((size_t)c->n_batch, (size_t)cfg->d, 1, &fail);
    c->q = fbuf((size_t)c->n_batch, qdim, 1, &fail);
    c->att = fbuf((size_t)c->n_batch, qdim, 1, &fail);
    c->h1 = fbuf((size_t)c->n_batch, (size_t)cfg->d_ff, 1, &fail);
    c->h2 = fbuf((size_t)c->n_batch, (size_t)cfg->d_ff, 1, &fail);
    c->scores = fbuf((size_t)c->n_threads, (size_t)c->n_ctx, 1, &fail);
    c->cos_t = fbuf((size_t)c->n_ctx, half, 1, &fail);
    c->sin_t = fbuf((size_t)c->n_ctx, half, 1, &fail);
    if (fail) {
        sea_ctx_free(c);
        return sea__err(err, SEA_ERR_NOMEM, "out of memory for a context of %d positions (try a smaller --ctx)",
                        p.n_ctx);
    }
    /* Hugging Face: angle = position * inv_freq in float32, then cos/sin in float32 */
    for (int pos = 0; pos < c->n_ctx; pos++)
        for (size_t i = 0; i < half; i++) {
            float ang = (float)pos * m->rope_inv_freq[i];
            c->cos_t[(size_t)pos * half + i] = (float)cos((double)ang);
            c->sin_t[(size_t)pos * half + i] = (float)sin((double)ang);
        }
    *out = c;
    return SEA_OK;
}

int sea_ctx_n_ctx(const sea_ctx *c) { return c->n_ctx; }
int sea_ctx_n_past(const sea_ctx *c) { return c->n_past; }
int sea_ctx_n_threads(const sea_ctx *c) { return c->n_threads; }
const sea_model *sea_ctx_model(const sea_ctx *c) { return c->m; }

void sea_ctx_truncate(sea_ctx *c, int n_past)
{
    if (n_past < 0) n_past = 0;
    if (n_past < c->n_past) c->n_past = n_past;
}

void sea_ctx_set_threads(sea_ctx *c, int n_threads)
{
    /* the scores scratch is per thread: never grow past the count it was sized for */
    if (n_threads >= 1 && n_threads <= c->n_threads) c->n_threads = n_threads;
}

sea_status sea_ctx_add_hook(sea_ctx *c, sea_hook_fn fn, void *user, unsigned site_mask, sea_err *err)
{
    if (!fn) return sea__err(err, SEA_ERR_ARG, "hook function is NULL");
    if (c->n_hooks == SEA_MAX_HOOKS) return sea__err(err, SEA_ERR_LIMIT, "more than %d hooks", SEA_MAX_HOOKS);
    c->hooks[c->n_hooks].fn = fn;
    c->hooks[c->n_hooks].user = user;
    c->hooks[c->n_hooks].mask = site_mask;
    c->n_hooks++;
    return SEA_OK;
}

void sea_ctx_clear_hooks(sea_ctx *c)
{
    c->n_hooks = 0;
}

sea_status sea_ctx_keep_layer_input(sea_ctx *c, int layer, sea_err *err)
{
    if (layer < 0 || layer >= c->m->cfg.n_layer)
        return sea__err(err, SEA_ERR_ARG, "layer %d out of range", layer);
    if (!c->kept) {
        int fail = 0;
        c->kept = fbuf((size_t)c->n_ctx, (size_t)c->m->cfg.d, 1, &fail);
        if (fail) return sea__err_nomem(err, "the layer-input snapshot");
    }
    if (layer != c->keep_layer) {
        c->keep_layer = layer;
        c->n_past = 0; /* positions computed so far have no snapshot */
    }
    return SEA_OK;
}

static const char *const site_names[] = {"embed", "attn", "mlp", "residual", "final_norm"};

const char *sea_site_name(sea_site s)
{
    return (unsigned)s < SEA_ARRAY_LEN(site_names) ? site_names[s] : "?";
}

sea_status sea_site_parse(sea_site *out, const char *name, sea_err *err)
{
    for (size_t i = 0; i < SEA_ARRAY_LEN(site_names); i++)
        if (strcmp(name, site_names[i]) == 0) {
            *out = (sea_site)i;
            return SEA_OK;
        }
    return sea__err(err, SEA_ERR_ARG, "unknown site '%s' (embed, attn, mlp, residual, final_norm)", name);
}
