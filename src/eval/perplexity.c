/* src/eval/perplexity.c: perplexity over windows that share one token of context, so every
 * token after the first is predicted exactly once (the windowing of the kjv-demo golden). */
#include <stdlib.h>

#include "core/internal.h"
#include "sea/eval.h"

sea_status sea_perplexity(sea_ctx *c, const int32_t *ids, size_t n, int window, double *nll_sum,
                          size_t *n_pred, sea_progress_fn progress, void *user, sea_err *err)
{
    const sea_llama_config *cfg = sea_model_config(sea_ctx_model(c));
    size_t stride, n_windows, done = 0;
    double *lp, total = 0;
    size_t count = 0;
    *nll_sum = 0;
    *n_pred = 0;
    if (window < 2) return sea__err(err, SEA_ERR_ARG, "perplexity window must be at least 2 tokens");
    if (window > sea_ctx_n_ctx(c))
        return sea__err(err, SEA_ERR_ARG, "perplexity window of %d exceeds the context of %d", window, sea_ctx_n_ctx(c));
    if (n < 2) return sea__err(err, SEA_ERR_ARG, "perplexity needs at least 2 tokens, got %zu", n);
    stride = (size_t)window - 1;
    n_windows = (n - 1 + stride - 1) / stride;
    lp = sea__malloc_array((size_t)window, sizeof *lp);
    if (!lp) return sea__err_nomem(err, "perplexity scratch");
    for (size_t s = 0; s + 1 < n; s += stride) {
        size_t len = SEA_MIN((size_t)window, n - s);
        const float *logits;
        sea_status st;
        sea_ctx_truncate(c, 0);
        st = sea_forward(c, ids + s, (int)len, SEA_LOGITS_ALL, &logits, err);
        if (st != SEA_OK) {
            sea__free(lp);
            return st;
        }
        sea_log_softmax_at(lp, logits, ids + s + 1, (int)len - 1, cfg->n_vocab);
        for (size_t t = 0; t + 1 < len; t++) total -= lp[t];
        count += len - 1;
        if (progress) progress(user, ++done, n_windows);
    }
    sea_ctx_truncate(c, 0);
    sea__free(lp);
    *nll_sum = total;
    *n_pred = count;
    return SEA_OK;
}
