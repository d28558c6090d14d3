/* src/eval/eval_internal.h: the answer scorer shared by TruthfulQA and BBQ: log-probability
 * of answer tokens after a prompt, reusing the KV cache of shared prefixes. */
#ifndef SEA_EVAL_INTERNAL_H
#define SEA_EVAL_INTERNAL_H

#include "core/internal.h"
#include "sea/edit.h"
#include "sea/eval.h"

typedef struct sea__scorer {
    sea_ctx *c;
    int n_vocab, n_layer;
    int32_t *cached; /* tokens whose K/V are in the cache */
    int n_cached;
    int recompute_layer; /* -1, or the first edited layer of a seq-norm edit */
    double *lp;          /* scratch log-probabilities [n_ctx] */
    uint64_t token_layers; /* work done, in tokens x layers */
    uint64_t tokens_naive; /* tokens a from-scratch scorer would run */
} sea__scorer;

/* The context must be new (empty); editor may be NULL. */
sea_status sea__scorer_init(sea__scorer *s, sea_ctx *c, const sea_editor *editor, sea_err *err);
void sea__scorer_free(sea__scorer *s);
/* Score of full[n_prefix..n) given everything before: the sum of log p (or the mean when
 * `mean`), over the full vocabulary. *n_scored gets the number of answer tokens. */
sea_status sea__scorer_score(sea__scorer *s, const int32_t *full, int n, int n_prefix, int mean,
                             double *score, int *n_scored, sea_err *err);

/* Strict CSV (RFC 4180: quoted fields with "" escapes and embedded newlines), UTF-8, an
 * optional BOM. Rows of fields; errors name the line. */
typedef struct sea__csv {
    char ***rows;   /* [n_rows][n_fields[i]] */
    size_t *n_fields;
    size_t *line;   /* first line of each row */
    size_t n_rows;
} sea__csv;
sea_status sea__csv_parse(sea__csv *out, const char *text, size_t len, const char *name, sea_err *err);
void sea__csv_free(sea__csv *c);

/* One answer to score: the whole token sequence (prompt + answer) and where the answer starts. */
typedef struct sea__job {
    int32_t *ids; /* owned by the caller */
    int n, n_prefix;
    size_t item;  /* which item it belongs to (jobs are sorted by item) */
} sea__job;

/* Score every job (sum or mean of answer-token log-probabilities) with the model and the
 * edit of p. Small models run items on several workers (one context each; items split in
 * contiguous blocks so that results and token counts are reproducible), large models run on
 * one context with every thread in the kernels. max_len: the longest job. */
sea_status sea__eval_score(double *scores, const sea_model *m, const sea_eval_params *p, const sea__job *jobs,
                           size_t n_jobs, size_t n_items, int max_len, int mean, sea_eval_cost *cost, sea_err *err);

/* Fill job j with the tokens of prompt_text + sep + completion (special tokens added, as the
 * reference tokenizes both the prompt and the full text), answer starting at n_prefix; refuse
 * a text longer than max_pos; raise *max_len. On error j->ids is NULL or owned by j. */
sea_status sea__job_make(sea__job *j, const sea_tokenizer *tok, const char *prompt_text, const char *sep,
                         const char *completion, int n_prefix, size_t item, int max_pos, int *max_len,
                         sea_err *err);

/* Item indices selected by limit and folds: *idx (caller frees with sea__free), *n. */
sea_status sea__eval_select(size_t **idx, size_t *n, size_t n_total, const sea_eval_params *p, sea_err *err);

/* BBQ figures from the answer scores ([n * 3], item idx[k] of data): predictions, overall, by
 * context condition and by category (out's arrays allocated here; free with
 * sea_bbq_result_free). */
sea_status sea__bbq_tally(sea_bbq_result *out, const sea_bbq *data, const size_t *idx, const double *scores,
                          size_t n, sea_err *err);

/* log(sum(exp(v))) over n values, stable; -inf for n == 0 */
double sea__logsumexp(const double *v, size_t n);

#endif
