/* src/eval/pairs.c: held-out demonstrations as an evaluation: the log-probability of the
 * positive and of the negative completion after the prompt, and how often the positive one
 * wins (what `sea demo` reports before and after the edit). */
#include <string.h>

#include "eval/eval_internal.h"
#include "sea/trace.h"

void sea_pairs_result_free(sea_pairs_result *r)
{
    sea__free(r->pos);
    sea__free(r->neg);
    memset(r, 0, sizeof *r);
}

sea_status sea_eval_pairs(sea_pairs_result *out, const sea_model *m, const sea_tokenizer *tok,
                          const sea_demos *demos, const sea_eval_params *pp, sea_err *err)
{
    sea_eval_params p = pp ? *pp : sea_eval_default_params();
    size_t *idx = NULL, n_sel;
    sea__job *jobs = NULL;
    double *scores = NULL;
    int max_len = 1, max_pos = sea_model_config(m)->max_pos;
    sea_status st;
    memset(out, 0, sizeof *out);
    if ((st = sea__eval_select(&idx, &n_sel, sea_demos_count(demos), &p, err)) != SEA_OK) return st;
    if (!(jobs = sea__calloc(2 * n_sel, sizeof *jobs))) st = sea__err_nomem(err, "pair jobs");
    for (size_t k = 0; k < n_sel && st == SEA_OK; k++) {
        const sea_demo *d = sea_demos_at(demos, idx[k]);
        char *ptext = NULL;
        int32_t *pids = NULL;
        size_t np = 0;
        st = sea_template_apply(&ptext, p.tmpl, p.system, d->prompt, err);
        if (st == SEA_OK) st = sea_tokenize(tok, ptext, strlen(ptext), 1, &pids, &np, err);
        for (int s = 0; s < 2 && st == SEA_OK; s++)
            st = sea__job_make(&jobs[2 * k + (size_t)s], tok, ptext, "", s ? d->negative : d->positive, (int)np, k,
                               max_pos, &max_len, err);
        if (st != SEA_OK) sea__err_prefix(err, "line %zu", d->line);
        sea_free(pids);
        sea_free(ptext);
    }
    if (st == SEA_OK && !(scores = sea__malloc_array(2 * n_sel, sizeof *scores))) st = sea__err_nomem(err, "scores");
    if (st == SEA_OK) st = sea__eval_score(scores, m, &p, jobs, 2 * n_sel, n_sel, max_len, 0, &out->cost, err);
    if (st == SEA_OK) {
        out->pos = sea__malloc_array(n_sel, sizeof *out->pos);
        out->neg = sea__malloc_array(n_sel, sizeof *out->neg);
        if (!out->pos || !out->neg) st = sea__err_nomem(err, "results");
    }
    if (st == SEA_OK) {
        out->n = n_sel;
        for (size_t k = 0; k < n_sel; k++) {
            out->pos[k] = scores[2 * k];
            out->neg[k] = scores[2 * k + 1];
            out->prefer_positive += out->pos[k] > out->neg[k];
            out->mean_margin += out->pos[k] - out->neg[k];
        }
        out->prefer_positive /= (double)n_sel;
        out->mean_margin /= (double)n_sel;
    }
    if (jobs)
        for (size_t i = 0; i < 2 * n_sel; i++) sea_free(jobs[i].ids);
    sea__free(jobs);
    sea__free(scores);
    sea__free(idx);
    if (st != SEA_OK) sea_pairs_result_free(out);
    return st;
}
