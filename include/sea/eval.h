/* sea/eval.h: evaluations: perplexity (this issue), TruthfulQA and BBQ (SEA-SPEC §5). */
#ifndef SEA_EVAL_H
#define SEA_EVAL_H

#include "sea/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Perplexity of ids[0..n) with windows of `window` tokens taken every window-1 tokens: each
 * window starts from an empty cache, its first token is context only, and every other token
 * is predicted exactly once (n - 1 predictions in all). Hooks on the context (edits) apply.
 * *nll_sum gets the summed negative log-likelihood (double), *n_pred the predictions;
 * perplexity = exp(nll_sum / n_pred). progress (may be NULL) is called after each window. */
typedef void (*sea_progress_fn)(void *user, size_t done, size_t total);
SEA_API sea_status sea_perplexity(sea_ctx *c, const int32_t *ids, size_t n, int window,
                                  double *nll_sum, size_t *n_pred, sea_progress_fn progress,
                                  void *user, sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_EVAL_H */
