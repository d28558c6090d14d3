/* src/model/generate.c: choosing the next token (greedy, or sampled with Hugging Face's
 * logits processors in their order: repetition penalty, temperature, top-k, top-p, min-p)
 * and the generation loop over the KV cache. The random generator is the library's (core/rng.c:
 * xoshiro256** seeded by splitmix64), so a seed gives the same text on every platform. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

typedef struct cand {
    float logit;
    int32_t id;
} cand;

struct sea_sampler {
    sea_sampler_params p;
    int n_vocab;
    sea__rng rng;
    cand *c;       /* [n_vocab] */
    float *work;   /* [n_vocab] */
    double *prob;  /* [n_vocab] */
    unsigned char *seen; /* [n_vocab] for the repetition penalty */
};

sea_sampler_params sea_sampler_default_params(void)
{
    sea_sampler_params p;
    p.greedy = 1;
    p.temperature = 1.0f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.0f;
    p.seed = 42;
    return p;
}

sea_status sea_sampler_new(sea_sampler **out, const sea_sampler_params *p, int n_vocab, sea_err *err)
{
    sea_sampler *s;
    *out = NULL;
    if (n_vocab <= 0) return sea__err(err, SEA_ERR_ARG, "sampler: vocabulary size %d", n_vocab);
    if (!p->greedy) {
        if (!(p->temperature > 0) || !isfinite(p->temperature))
            return sea__err(err, SEA_ERR_ARG, "temperature must be positive (use greedy for 0)");
        if (p->top_k < 0) return sea__err(err, SEA_ERR_ARG, "top-k must not be negative");
        if (!(p->top_p > 0 && p->top_p <= 1)) return sea__err(err, SEA_ERR_ARG, "top-p must be in (0, 1]");
        if (!(p->min_p >= 0 && p->min_p < 1)) return sea__err(err, SEA_ERR_ARG, "min-p must be in [0, 1)");
    }
    if (!(p->repeat_penalty > 0) || !isfinite(p->repeat_penalty))
        return sea__err(err, SEA_ERR_ARG, "repetition penalty must be positive");
    s = sea__calloc(1, sizeof *s);
    if (!s) return sea__err_nomem(err, "a sampler");
    s->p = *p;
    s->n_vocab = n_vocab;
    s->c = sea__malloc_array((size_t)n_vocab, sizeof *s->c);
    s->work = sea__malloc_array((size_t)n_vocab, sizeof *s->work);
    s->prob = sea__malloc_array((size_t)n_vocab, sizeof *s->prob);
    s->seen = sea__calloc((size_t)n_vocab, 1);
    if (!s->c || !s->work || !s->prob || !s->seen) {
        sea_sampler_free(s);
        return sea__err_nomem(err, "a sampler");
    }
    sea__rng_seed(&s->rng, p->seed);
    *out = s;
    return SEA_OK;
}

void sea_sampler_free(sea_sampler *s)
{
    if (!s) return;
    sea__free(s->c);
    sea__free(s->work);
    sea__free(s->prob);
    sea__free(s->seen);
    sea__free(s);
}

static int cmp_cand_desc(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->logit != y->logit) return x->logit > y->logit ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int32_t argmax(const float *l, int n)
{
    int32_t best = 0;
    for (int i = 1; i < n; i++)
        if (l[i] > l[best]) best = i; /* first maximum, as torch.argmax */
    return best;
}

/* softmax of c[0..n) into prob (double); returns nothing, prob sums to 1 */
static void softmax_cands(double *prob, const cand *c, size_t n)
{
    double sum = 0, mx = c[0].logit;
    for (size_t i = 0; i < n; i++) sum += (prob[i] = exp((double)c[i].logit - mx));
    for (size_t i = 0; i < n; i++) prob[i] /= sum;
}

int32_t sea_sampler_next(sea_sampler *s, const float *logits, const int32_t *history, size_t n_history)
{
    const sea_sampler_params *p = &s->p;
    float *l = s->work;
    size_t n = (size_t)s->n_vocab, keep;
    double u, acc;
    memcpy(l, logits, n * sizeof *l);
    if (p->repeat_penalty != 1.0f) {
        /* each distinct id once: positive logits divided, negative multiplied */
        for (size_t i = 0; i < n_history; i++) {
            int32_t id = history[i];
            if (id < 0 || (size_t)id >= n || s->seen[id]) continue;
            s->seen[id] = 1;
            l[id] = l[id] > 0 ? l[id] / p->repeat_penalty : l[id] * p->repeat_penalty;
        }
        for (size_t i = 0; i < n_history; i++)
            if (history[i] >= 0 && (size_t)history[i] < n) s->seen[history[i]] = 0;
    }
    if (p->greedy) return argmax(l, (int)n);
    for (size_t i = 0; i < n; i++) {
        s->c[i].logit = l[i] / p->temperature;
        s->c[i].id = (int32_t)i;
    }
    qsort(s->c, n, sizeof *s->c, cmp_cand_desc);
    keep = n;
    if (p->top_k > 0 && (size_t)p->top_k < n) {
        /* keep everything not below the k-th largest (ties at the threshold stay) */
        float thr = s->c[p->top_k - 1].logit;
        keep = (size_t)p->top_k;
        while (keep < n && s->c[keep].logit >= thr) keep++;
    }
    if (p->top_p < 1.0f) {
        /* remove tokens whose ascending cumulative probability is <= 1 - top_p; keep >= 1 */
        double tail = 0;
        softmax_cands(s->prob, s->c, keep);
        for (size_t i = keep; i-- > 1;) {
            tail += s->prob[i];
            if (tail <= 1.0 - (double)p->top_p) keep = i;
            else break;
        }
    }
    if (p->min_p > 0.0f) {
        softmax_cands(s->prob, s->c, keep);
        {
            double thr = (double)p->min_p * s->prob[0];
            size_t k = 1;
            while (k < keep && s->prob[k] >= thr) k++;
            keep = k;
        }
    }
    softmax_cands(s->prob, s->c, keep);
    u = sea__rng_unit(&s->rng);
    acc = 0;
    for (size_t i = 0; i < keep; i++) {
        acc += s->prob[i];
        if (u < acc) return s->c[i].id;
    }
    return s->c[keep - 1].id;
}

sea_generate_params sea_generate_default_params(void)
{
    sea_generate_params g;
    g.n_predict = 64;
    g.ignore_eos = 0;
    g.sampler = sea_sampler_default_params();
    return g;
}

static int is_eos(const sea_llama_config *c, int32_t id)
{
    for (int i = 0; i < c->n_eos; i++)
        if (c->eos_ids[i] == id) return 1;
    return 0;
}

sea_status sea_generate(sea_ctx *c, const int32_t *prompt, size_t n_prompt,
                        const sea_generate_params *p, sea_token_fn on_token, void *user,
                        int32_t **out, size_t *n_out, sea_err *err)
{
    const sea_llama_config *cfg = &c->m->cfg;
    sea_sampler *smp = NULL;
    int32_t *hist = NULL;
    size_t n_hist = 0, cap;
    const float *logits;
    sea_status st;
    *out = NULL;
    *n_out = 0;
    if (n_prompt == 0) return sea__err(err, SEA_ERR_ARG, "generation needs at least one prompt token");
    if (p->n_predict < 0) return sea__err(err, SEA_ERR_ARG, "n_predict must not be negative");
    if (n_prompt > (size_t)(c->n_ctx - c->n_past))
        return sea__err(err, SEA_ERR_LIMIT, "prompt of %zu tokens does not fit the context of %d", n_prompt, c->n_ctx);
    if ((st = sea_sampler_new(&smp, &p->sampler, cfg->n_vocab, err)) != SEA_OK) return st;
    cap = n_prompt + (size_t)p->n_predict + 1;
    hist = sea__malloc_array(cap, sizeof *hist);
    if (!hist) {
        sea_sampler_free(smp);
        return sea__err_nomem(err, "the generated tokens");
    }
    memcpy(hist, prompt, n_prompt * sizeof *hist);
    n_hist = n_prompt;
    st = sea_forward(c, prompt, (int)n_prompt, SEA_LOGITS_LAST, &logits, err);
    for (int i = 0; st == SEA_OK && i < p->n_predict; i++) {
        int32_t id = sea_sampler_next(smp, logits, hist, n_hist);
        if (!p->ignore_eos && is_eos(cfg, id)) break;
        hist[n_hist++] = id;
        if (on_token && on_token(user, id)) break;
        if (i + 1 == p->n_predict) break;
        if (c->n_past >= c->n_ctx) {
            sea__warn("generation stopped: the context of %d positions is full", c->n_ctx);
            break;
        }
        st = sea_forward(c, &id, 1, SEA_LOGITS_LAST, &logits, err);
    }
    sea_sampler_free(smp);
    if (st != SEA_OK) {
        sea__free(hist);
        return st;
    }
    /* return only the new ids */
    memmove(hist, hist + n_prompt, (n_hist - n_prompt) * sizeof *hist);
    *out = hist;
    *n_out = n_hist - n_prompt;
    return SEA_OK;
}
