/* src/eval/runner.c: running many scoring jobs on the model: item selection (limit, folds),
 * workers, the edit on each worker's context, progress and token accounting. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include "eval/eval_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif


sea_eval_params sea_eval_default_params(void)
{
    sea_eval_params p;
    memset(&p, 0, sizeof p);
    p.tmpl = SEA_TEMPLATE_NONE;
    p.edit = sea_edit_default_params();
    return p;
}

sea_status sea__eval_select(size_t **idx, size_t *n, size_t n_total, const sea_eval_params *p, sea_err *err)
{
    size_t lo = 0, hi = n_total;
    *idx = NULL;
    *n = 0;
    if (p->folds < 0 || (p->folds > 0 && (p->fold < 0 || p->fold >= p->folds)))
        return sea__err(err, SEA_ERR_ARG, "fold %d of %d: need 0 <= fold < folds", p->fold, p->folds);
    if (p->folds > 1) {
        /* contiguous blocks, the first ones one larger when n does not divide */
        size_t q = n_total / (size_t)p->folds, r = n_total % (size_t)p->folds, f = (size_t)p->fold;
        lo = f * q + SEA_MIN(f, r);
        hi = lo + q + (f < r ? 1 : 0);
    }
    if (p->limit && hi - lo > p->limit) hi = lo + p->limit;
    if (hi <= lo) return sea__err(err, SEA_ERR_ARG, "no items selected");
    *idx = sea__malloc_array(hi - lo, sizeof **idx);
    if (!*idx) return sea__err_nomem(err, "the item list");
    for (size_t i = lo; i < hi; i++) (*idx)[i - lo] = i;
    *n = hi - lo;
    return SEA_OK;
}

sea_status sea__job_make(sea__job *j, const sea_tokenizer *tok, const char *prompt_text, const char *sep,
                         const char *completion, int n_prefix, size_t item, int max_pos, int *max_len,
                         sea_err *err)
{
    sea_buf b;
    size_t nf = 0;
    sea_status st;
    j->ids = NULL;
    sea__buf_init(&b);
    sea__buf_puts(&b, prompt_text);
    sea__buf_puts(&b, sep);
    sea__buf_puts(&b, completion);
    st = b.failed ? sea__err_nomem(err, "a prompt") : sea_tokenize(tok, b.data, b.len, 1, &j->ids, &nf, err);
    sea__buf_free(&b);
    if (st != SEA_OK) return st;
    if (nf > (size_t)max_pos)
        return sea__err(err, SEA_ERR_LIMIT, "prompt + answer is %zu tokens, longer than the model's %d positions", nf,
                        max_pos);
    j->n = (int)nf;
    j->n_prefix = n_prefix;
    j->item = item;
    if ((int)nf > *max_len) *max_len = (int)nf;
    return SEA_OK;
}

typedef struct eval_worker {
    sea_ctx *c;
    sea_editor *ed;
    sea__scorer sc;
    int ready;
} eval_worker;

sea_status sea__eval_score(double *scores, const sea_model *m, const sea_eval_params *p, const sea__job *jobs,
                           size_t n_jobs, size_t n_items, int max_len, int mean, sea_eval_cost *cost, sea_err *err)
{
    int n_threads = p->n_threads, n_workers = 1, each;
    eval_worker *ws;
    sea_status st = SEA_OK, first = SEA_OK;
    sea_err werr;
    size_t done = 0, *item_start;
    double t0 = sea__now();
    memset(cost, 0, sizeof *cost);
    if (n_jobs == 0) return sea__err(err, SEA_ERR_ARG, "nothing to evaluate");
    sea__split_workers(&n_workers, &each, n_threads, n_items, sea_model_weight_bytes(m));
    /* first job of each item */
    item_start = sea__malloc_array(n_items + 1, sizeof *item_start);
    ws = sea__calloc((size_t)n_workers, sizeof *ws);
    if (!item_start || !ws) {
        sea__free(item_start);
        sea__free(ws);
        return sea__err_nomem(err, "evaluation workers");
    }
    {
        size_t j = 0;
        for (size_t it = 0; it < n_items; it++) {
            item_start[it] = j;
            while (j < n_jobs && jobs[j].item == it) j++;
        }
        item_start[n_items] = n_jobs;
    }
    for (int w = 0; w < n_workers && st == SEA_OK; w++) {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = max_len;
        cp.n_threads = each;
        if ((st = sea_ctx_new(&ws[w].c, m, &cp, err)) != SEA_OK) break;
        if (p->proj) {
            if ((st = sea_editor_new(&ws[w].ed, p->proj, m, &p->edit, err)) != SEA_OK) break;
            if ((st = sea_editor_attach(ws[w].ed, ws[w].c, err)) != SEA_OK) break;
        }
        if ((st = sea__scorer_init(&ws[w].sc, ws[w].c, ws[w].ed, err)) != SEA_OK) break;
        ws[w].ready = 1;
    }
    if (st == SEA_OK) {
        int w;
        sea_err_clear(&werr);
#ifdef _OPENMP
#pragma omp parallel for num_threads(n_workers) schedule(static, 1) if (n_workers > 1)
#endif
        for (w = 0; w < n_workers; w++) {
            size_t lo = n_items * (size_t)w / (size_t)n_workers, hi = n_items * (size_t)(w + 1) / (size_t)n_workers;
            for (size_t it = lo; it < hi; it++) {
                sea_err e1;
                sea_status s1 = SEA_OK;
                int stop, ns;
#ifdef _OPENMP
#pragma omp atomic read
#endif
                stop = first;
                if (stop != SEA_OK) break;
                for (size_t j = item_start[it]; j < item_start[it + 1] && s1 == SEA_OK; j++)
                    s1 = sea__scorer_score(&ws[w].sc, jobs[j].ids, jobs[j].n, jobs[j].n_prefix, mean, &scores[j], &ns, &e1);
#ifdef _OPENMP
#pragma omp critical(sea_eval)
#endif
                {
                    if (s1 != SEA_OK && first == SEA_OK) {
                        first = s1;
                        werr = e1;
                    }
                    done++;
                    if (p->progress && s1 == SEA_OK) p->progress(p->progress_user, done, n_items);
                }
            }
        }
        if (first != SEA_OK) {
            st = first;
            if (err) *err = werr;
        }
    }
    for (int w = 0; w < n_workers; w++) {
        if (ws[w].ready) {
            cost->tokens_computed += ws[w].sc.token_layers;
            cost->tokens_naive += ws[w].sc.tokens_naive;
            sea__scorer_free(&ws[w].sc);
        }
        sea_editor_free(ws[w].ed);
        sea_ctx_free(ws[w].c);
    }
    {
        int nl = sea_model_config(m)->n_layer;
        cost->tokens_computed = (cost->tokens_computed + (uint64_t)nl / 2) / (uint64_t)nl;
    }
    cost->seconds = sea__now() - t0;
    sea__free(ws);
    sea__free(item_start);
    return st;
}
