/* src/spectral/trace.c: SEA step 1 (SEA-SPEC §2): read demonstrations, run the model, keep the
 * last-token activation of P + positive, P + negative and P + greedy completion at every
 * layer. Small models trace several demonstrations at once (one context per thread); large
 * ones trace one at a time with every thread in the matrix products. Either way a
 * demonstration's numbers are computed the same way, so results do not depend on threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sea/json.h"
#include "sea/trace.h"
#include "spectral/spectral_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define DEMOS_MAX_BYTES ((size_t)1 << 30)

struct sea_demos {
    sea_demo *items;
    size_t n;
    char *text; /* the file; fields point into copies in `strings` */
    char *strings;
    char sha[65];
};

void sea_demos_free(sea_demos *d)
{
    if (!d) return;
    sea__free(d->items);
    sea__free(d->strings);
    sea__free(d);
}

size_t sea_demos_count(const sea_demos *d) { return d->n; }
const sea_demo *sea_demos_at(const sea_demos *d, size_t i) { return i < d->n ? &d->items[i] : NULL; }
const char *sea_demos_sha256(const sea_demos *d) { return d->sha; }

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

sea_status sea_demos_parse(sea_demos **out, const char *text, size_t len, const char *name, sea_err *err)
{
    static const char *const keys[3] = {"prompt", "positive", "negative"};
    sea_demos *d;
    size_t cap_items = 0, cap_str = 0, used = 0, line = 0;
    sea_status st = SEA_OK;
    *out = NULL;
    d = sea__calloc(1, sizeof *d);
    if (!d) return sea__err_nomem(err, "demonstrations");
    /* items grow with the demonstrations found, not with the lines: a file of blank lines
     * must not ask for memory in proportion to its newlines */
    d->strings = sea__malloc(len + 1); /* decoded strings are never longer than the file */
    if (!d->strings) {
        sea_demos_free(d);
        return sea__err_nomem(err, "demonstrations");
    }
    cap_str = len + 1;
    sea__sha256_hex(d->sha, text, len);
    for (size_t pos = 0; pos < len;) {
        const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ln) : len - pos;
        sea_json_doc *doc = NULL;
        const sea_json *root;
        sea_demo *it;
        pos += ll + (nl ? 1 : 0);
        line++;
        if (blank(ln, ll)) continue;
        if ((st = sea_json_parse(&doc, ln, ll, NULL, err)) != SEA_OK) {
            sea__err_prefix(err, "%s: line %zu", name, line);
            break; /* the reader's status (FORMAT, LIMIT or NOMEM), which err carries too */
        }
        root = sea_json_root(doc);
        if (root->type != SEA_JSON_OBJECT) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: expected a JSON object with prompt, positive and negative",
                          name, line);
            sea_json_free(doc);
            break;
        }
        if (d->n == cap_items) {
            size_t nc = cap_items ? 2 * cap_items : 64;
            /* no overflow: each demonstration takes more bytes of the file than sizeof(sea_demo) */
            sea_demo *ni = sea__realloc(d->items, nc * sizeof *ni);
            if (!ni) {
                st = sea__err_nomem(err, "demonstrations");
                sea_json_free(doc);
                break;
            }
            d->items = ni;
            cap_items = nc;
        }
        it = &d->items[d->n];
        memset(it, 0, sizeof *it);
        for (int k = 0; k < 3; k++) {
            const sea_json *v = sea_json_get(root, keys[k]);
            const char **field = k == 0 ? &it->prompt : k == 1 ? &it->positive : &it->negative;
            if (!v || v->type != SEA_JSON_STRING) {
                st = sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: '%s' %s", name, line, keys[k],
                              !v ? "is missing" : "must be a string");
                break;
            }
            if (v->v.str.len == 0 || memchr(v->v.str.s, 0, v->v.str.len)) {
                st = sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: '%s' is %s", name, line, keys[k],
                              v->v.str.len ? "contains a NUL character" : "empty");
                break;
            }
            if (used + v->v.str.len + 1 > cap_str) { /* cannot happen: decoded <= raw */
                st = sea__err(err, SEA_ERR_INTERNAL, "%s: line %zu: string storage overflow", name, line);
                break;
            }
            memcpy(d->strings + used, v->v.str.s, v->v.str.len + 1);
            *field = d->strings + used;
            used += v->v.str.len + 1;
        }
        sea_json_free(doc);
        if (st != SEA_OK) break;
        it->line = line;
        d->n++;
    }
    if (st == SEA_OK && d->n == 0) st = sea__err(err, SEA_ERR_FORMAT, "%s: no demonstrations", name);
    if (st != SEA_OK) {
        sea_demos_free(d);
        return st;
    }
    *out = d;
    return SEA_OK;
}

sea_status sea_demos_load(sea_demos **out, const char *path, sea_err *err)
{
    char *text;
    size_t len;
    sea_status st = sea__read_file(&text, &len, path, DEMOS_MAX_BYTES, err);
    if (st != SEA_OK) return st;
    st = sea_demos_parse(out, text, len, path, err);
    sea__free(text);
    return st;
}

sea_trace_params sea_trace_default_params(void)
{
    sea_trace_params p;
    memset(&p, 0, sizeof p);
    p.site = SEA_SITE_MLP;
    p.tmpl = SEA_TEMPLATE_NONE;
    p.max_new_tokens = 64;
    p.shard_i = 0;
    p.shard_n = 1;
    return p;
}

/* ---- one worker: a context, a capture buffer, the cached token sequence ---- */
typedef struct worker {
    sea_ctx *c;
    float *cap;      /* [n_layer, d]: last row of the latest call at the traced site */
    int32_t *cached; /* tokens in the KV cache */
    int n_cached;
    sea_site site;
    int d;
} worker;

static sea_status capture_last(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    worker *w = user;
    (void)site;
    (void)pos0;
    memcpy(w->cap + (size_t)layer * (size_t)d, x + (size_t)(T - 1) * (size_t)d, (size_t)d * sizeof(float));
    return SEA_OK;
}

/* Run `ids` reusing the longest cached prefix (at least the last token is computed, so the
 * capture sees it); the capture then holds the activations of the last token. */
static sea_status run_ids(worker *w, const int32_t *ids, int n, sea_err *err)
{
    int keep = 0;
    sea_status st;
    while (keep < w->n_cached && keep < n - 1 && w->cached[keep] == ids[keep]) keep++;
    sea_ctx_truncate(w->c, keep);
    if ((st = sea_forward(w->c, ids + keep, n - keep, SEA_LOGITS_NONE, NULL, err)) != SEA_OK) return st;
    memcpy(w->cached + keep, ids + keep, (size_t)(n - keep) * sizeof *ids);
    w->n_cached = n;
    return SEA_OK;
}

/* Tokenize template(prompt) + suffix (suffix may be NULL) with special tokens. */
static sea_status encode(int32_t **ids, size_t *n, const sea_tokenizer *tok, const char *p_text,
                         const char *suffix, sea_err *err)
{
    size_t a = strlen(p_text), b = suffix ? strlen(suffix) : 0;
    char *s = sea__malloc(a + b + 1);
    sea_status st;
    if (!s) return sea__err_nomem(err, "a demonstration text");
    memcpy(s, p_text, a);
    if (b) memcpy(s + a, suffix, b);
    s[a + b] = '\0';
    st = sea_tokenize(tok, s, a + b, 1, ids, n, err);
    sea__free(s);
    return st;
}

static int is_eos(const sea_llama_config *c, int32_t id)
{
    for (int i = 0; i < c->n_eos; i++)
        if (c->eos_ids[i] == id) return 1;
    return 0;
}

/* Trace one demonstration into pos/neg/base rows [n_layer, d] each. */
static sea_status trace_one(worker *w, const sea_model *m, const sea_tokenizer *tok, const sea_demo *dm,
                            const sea_trace_params *p, float *pos, float *neg, float *base, sea_err *err)
{
    const sea_llama_config *cfg = sea_model_config(m);
    size_t row = (size_t)cfg->n_layer * (size_t)cfg->d * sizeof(float);
    char *ptext = NULL;
    int32_t *ids = NULL;
    size_t n;
    sea_status st;
    const char *which[2] = {dm->positive, dm->negative};
    float *dst[2] = {pos, neg};
    if ((st = sea_template_apply(&ptext, p->tmpl, p->system, dm->prompt, err)) != SEA_OK) goto out;
    for (int k = 0; k < 2; k++) {
        if ((st = encode(&ids, &n, tok, ptext, which[k], err)) != SEA_OK) goto out;
        if (n == 0 || n > (size_t)sea_ctx_n_ctx(w->c)) {
            st = sea__err(err, SEA_ERR_LIMIT, "line %zu: %s text is %zu tokens, the context holds %d", dm->line,
                          k ? "negative" : "positive", n, sea_ctx_n_ctx(w->c));
            goto out;
        }
        if ((st = run_ids(w, ids, (int)n, err)) != SEA_OK) goto out;
        memcpy(dst[k], w->cap, row);
        sea_free(ids);
        ids = NULL;
    }
    /* neutral: P and its greedy completion, stopping before EOS; activation at the last token */
    if ((st = encode(&ids, &n, tok, ptext, NULL, err)) != SEA_OK) goto out;
    if (n == 0 || n + (size_t)p->max_new_tokens > (size_t)sea_ctx_n_ctx(w->c)) {
        st = sea__err(err, SEA_ERR_LIMIT, "line %zu: prompt of %zu tokens plus %d new tokens exceeds the context of %d",
                      dm->line, n, p->max_new_tokens, sea_ctx_n_ctx(w->c));
        goto out;
    }
    {
        int32_t *seq = sea__malloc_array(n + (size_t)p->max_new_tokens + 1, sizeof *seq);
        size_t len = n;
        const float *logits;
        if (!seq) {
            st = sea__err_nomem(err, "a completion");
            goto out;
        }
        memcpy(seq, ids, n * sizeof *seq);
        /* the prompt, with logits for the first new token */
        {
            int keep = 0;
            while (keep < w->n_cached && keep < (int)n - 1 && w->cached[keep] == ids[keep]) keep++;
            sea_ctx_truncate(w->c, keep);
            st = sea_forward(w->c, ids + keep, (int)n - keep, SEA_LOGITS_LAST, &logits, err);
            if (st == SEA_OK) {
                memcpy(w->cached + keep, ids + keep, (n - (size_t)keep) * sizeof *ids);
                w->n_cached = (int)n;
            }
        }
        for (int g = 0; st == SEA_OK && g < p->max_new_tokens; g++) {
            int32_t next = -1;
            /* greedy; before min_new_tokens the EOS ids are out of the running (as a
             * min-new-tokens logits processor masks them) */
            for (int i = 0; i < cfg->n_vocab; i++)
                if ((next < 0 || logits[i] > logits[next]) && (g >= p->min_new_tokens || !is_eos(cfg, i))) next = i;
            if (next < 0 || is_eos(cfg, next)) break;
            seq[len++] = next;
            /* feeding the token both extends the completion and captures its activation */
            st = sea_forward(w->c, &next, 1, SEA_LOGITS_LAST, &logits, err);
            if (st == SEA_OK) w->cached[w->n_cached++] = next;
        }
        sea__free(seq);
        if (st != SEA_OK) goto out;
        memcpy(base, w->cap, row);
    }
out:
    if (st != SEA_OK && err && !strstr(err->msg, "line ")) sea__err_prefix(err, "line %zu", dm->line);
    sea_free(ids);
    sea_free(ptext);
    return st;
}

/* Longest context any demonstration of the shard needs; texts that do not fit the model are
 * refused here, before any compute, naming their line. */
static sea_status context_needed(int *need, const sea_model *m, const sea_tokenizer *tok, const sea_demos *demos,
                                 const sea_trace_params *p, size_t n_shard, sea_err *err)
{
    int max_pos = sea_model_config(m)->max_pos;
    *need = 1;
    for (size_t j = 0; j < n_shard; j++) {
        const sea_demo *dm = &demos->items[p->shard_i + j * p->shard_n];
        char *ptext = NULL;
        const char *suffix[3] = {dm->positive, dm->negative, NULL};
        sea_status st = sea_template_apply(&ptext, p->tmpl, p->system, dm->prompt, err);
        for (int k = 0; st == SEA_OK && k < 3; k++) {
            int32_t *ids;
            size_t n, want;
            if ((st = encode(&ids, &n, tok, ptext, suffix[k], err)) != SEA_OK) break;
            sea_free(ids);
            want = n + (k == 2 ? (size_t)p->max_new_tokens : 0);
            if (n == 0 || want > (size_t)max_pos)
                st = sea__err(err, SEA_ERR_LIMIT, "line %zu: %s is %zu tokens%s, longer than the model's context of %d",
                              dm->line, k == 0 ? "prompt + positive" : k == 1 ? "prompt + negative" : "the prompt", n,
                              k == 2 ? " plus max_new_tokens" : "", max_pos);
            else if ((int)want > *need)
                *need = (int)want;
        }
        sea_free(ptext);
        if (st != SEA_OK) {
            if (err && !strstr(err->msg, "line ")) sea__err_prefix(err, "line %zu", dm->line);
            return st;
        }
    }
    return SEA_OK;
}

sea_status sea_trace(sea_acts **out, const sea_model *m, const sea_tokenizer *tok, const sea_demos *demos,
                     const sea_trace_params *pp, sea_err *err)
{
    const sea_llama_config *cfg = sea_model_config(m);
    sea_trace_params p = pp ? *pp : sea_trace_default_params();
    size_t n_total = demos->n, n_shard, done = 0;
    int n_workers = 1, threads_each, n_threads = p.n_threads, n_ctx;
    worker *ws = NULL;
    sea_acts *acts = NULL;
    sea_status st = SEA_OK, first_err = SEA_OK;
    sea_err werr;
    float *P, *N, *B;
    size_t row = (size_t)cfg->n_layer * (size_t)cfg->d;
    *out = NULL;
    if (p.site != SEA_SITE_MLP && p.site != SEA_SITE_RESIDUAL)
        return sea__err(err, SEA_ERR_ARG, "trace site must be mlp or residual");
    if (p.shard_n == 0 || p.shard_i >= p.shard_n)
        return sea__err(err, SEA_ERR_ARG, "shard %zu/%zu: need 0 <= i < n", p.shard_i, p.shard_n);
    if (p.max_new_tokens < 0) return sea__err(err, SEA_ERR_ARG, "max_new_tokens must not be negative");
    if (p.min_new_tokens < 0 || p.min_new_tokens > p.max_new_tokens)
        return sea__err(err, SEA_ERR_ARG, "min_new_tokens must be between 0 and max_new_tokens (%d)", p.max_new_tokens);
    n_shard = n_total > p.shard_i ? (n_total - p.shard_i + p.shard_n - 1) / p.shard_n : 0;
    if (n_shard == 0) return sea__err(err, SEA_ERR_ARG, "shard %zu/%zu of %zu demonstrations is empty", p.shard_i, p.shard_n, n_total);
    sea__split_workers(&n_workers, &threads_each, n_threads, n_shard, sea_model_weight_bytes(m));
    if ((st = context_needed(&n_ctx, m, tok, demos, &p, n_shard, err)) != SEA_OK) return st;
    if ((st = sea_acts_new(&acts, n_shard, (size_t)cfg->n_layer, (size_t)cfg->d, err)) != SEA_OK) return st;
    P = sea_acts_data(acts, SEA_ACTS_POSITIVE);
    N = sea_acts_data(acts, SEA_ACTS_NEGATIVE);
    B = sea_acts_data(acts, SEA_ACTS_BASE);
    ws = sea__calloc((size_t)n_workers, sizeof *ws);
    if (!ws) {
        st = sea__err_nomem(err, "trace workers");
        goto done;
    }
    for (int i = 0; i < n_workers; i++) {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = n_ctx;
        cp.n_threads = threads_each;
        ws[i].site = p.site;
        ws[i].d = cfg->d;
        ws[i].cap = sea__malloc_array(row, sizeof(float));
        ws[i].cached = sea__malloc_array((size_t)n_ctx + 1, sizeof(int32_t));
        if (!ws[i].cap || !ws[i].cached) {
            st = sea__err_nomem(err, "trace workers");
            goto done;
        }
        if ((st = sea_ctx_new(&ws[i].c, m, &cp, err)) != SEA_OK) goto done;
        if ((st = sea_ctx_add_hook(ws[i].c, capture_last, &ws[i], SEA_SITE_MASK(p.site), err)) != SEA_OK) goto done;
    }
    sea_err_clear(&werr);
    {
        long j;
        (void)threads_each;
#ifdef _OPENMP
#pragma omp parallel for num_threads(n_workers) schedule(dynamic, 1) if (n_workers > 1)
#endif
        for (j = 0; j < (long)n_shard; j++) {
            int wi = 0;
            sea_err e1;
            sea_status s1;
            int stop;
#ifdef _OPENMP
            wi = omp_get_thread_num();
#endif
#ifdef _OPENMP
#pragma omp atomic read
#endif
            stop = first_err;
            if (stop != SEA_OK) continue;
            s1 = trace_one(&ws[wi], m, tok, &demos->items[p.shard_i + (size_t)j * p.shard_n], &p,
                           P + (size_t)j * row, N + (size_t)j * row, B + (size_t)j * row, &e1);
#ifdef _OPENMP
#pragma omp critical(sea_trace)
#endif
            {
                if (s1 != SEA_OK && first_err == SEA_OK) {
                    first_err = s1;
                    werr = e1;
                }
                done++;
                if (p.progress && s1 == SEA_OK) p.progress(done, n_shard, p.progress_user);
            }
        }
    }
    if (first_err != SEA_OK) {
        st = first_err;
        if (err) *err = werr;
        goto done;
    }
    {
        sea_acts_meta meta;
        memset(&meta, 0, sizeof meta);
        meta.site = sea_site_name(p.site);
        meta.model = p.model_name ? p.model_name : sea__basename(sea_model_dir(m));
        meta.template_name = sea_template_name(p.tmpl);
        meta.demos_sha256 = demos->sha;
        meta.max_new_tokens = p.max_new_tokens;
        meta.shard_i = p.shard_i;
        meta.shard_n = p.shard_n;
        st = sea_acts_set_meta(acts, &meta, err);
        if (!st) {
            sea_buf b;
            sea__buf_init(&b);
            st = sea__trace_provenance(&b, m, meta.template_name, p.system, meta.site, demos->sha, demos->n, p.max_new_tokens)
                     ? sea__err_nomem(err, "provenance")
                     : sea__acts_set_provenance(acts, sea__buf_cstr(&b), err);
            sea__buf_free(&b);
        }
    }
done:
    if (ws)
        for (int i = 0; i < n_workers; i++) {
            sea_ctx_free(ws[i].c);
            sea__free(ws[i].cap);
            sea__free(ws[i].cached);
        }
    sea__free(ws);
    if (st != SEA_OK) {
        sea_acts_free(acts);
        return st;
    }
    *out = acts;
    return SEA_OK;
}
