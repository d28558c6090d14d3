/* src/eval/score.c: scoring answers after a prompt with the fewest tokens through the model.
 *
 * Unedited, or with an edit whose effect on a position depends only on that position
 * (token-norm, average, sum), everything cached stays valid: each answer runs only the tokens
 * after the longest prefix it shares with what is cached (at least the last prompt token, whose
 * logits predict the first answer token; never the answer's last token, whose logits nothing
 * needs). With seq-norm, the edit of every position depends on the whole call, as in the
 * reference's single forward call over prompt + answer: then only the layers below the first
 * edited layer are reused, and every edited layer sees the whole sequence again
 * (sea_forward_recompute). */
#include <math.h>
#include <string.h>

#include "eval/eval_internal.h"

double sea__logsumexp(const double *v, size_t n)
{
    double mx = -INFINITY, s = 0;
    if (n == 0) return -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (v[i] > mx) mx = v[i];
    if (mx == -INFINITY) return -INFINITY;
    for (size_t i = 0; i < n; i++) s += exp(v[i] - mx);
    return mx + log(s);
}

sea_status sea__scorer_init(sea__scorer *s, sea_ctx *c, const sea_editor *editor, sea_err *err)
{
    const sea_llama_config *cfg = sea_model_config(sea_ctx_model(c));
    memset(s, 0, sizeof *s);
    s->c = c;
    s->n_vocab = cfg->n_vocab;
    s->n_layer = cfg->n_layer;
    s->recompute_layer = -1;
    s->cached = sea__malloc_array((size_t)sea_ctx_n_ctx(c) + 1, sizeof *s->cached);
    s->lp = sea__malloc_array((size_t)sea_ctx_n_ctx(c) + 1, sizeof *s->lp);
    if (!s->cached || !s->lp) {
        sea__scorer_free(s);
        return sea__err_nomem(err, "the scorer");
    }
    sea_ctx_truncate(c, 0);
    if (editor && !sea_editor_is_causal(editor)) {
        sea_status st;
        s->recompute_layer = sea_editor_first_layer(editor);
        if ((st = sea_ctx_keep_layer_input(c, s->recompute_layer, err)) != SEA_OK) {
            sea__scorer_free(s);
            return st;
        }
    }
    return SEA_OK;
}

void sea__scorer_free(sea__scorer *s)
{
    sea__free(s->cached);
    sea__free(s->lp);
    s->cached = NULL;
    s->lp = NULL;
}

sea_status sea__scorer_score(sea__scorer *s, const int32_t *full, int n, int n_prefix, int mean,
                             double *score, int *n_scored, sea_err *err)
{
    const float *logits;
    int keep = 0, first_row, limit;
    sea_status st;
    double total = 0;
    *score = 0;
    *n_scored = 0;
    if (n > sea_ctx_n_ctx(s->c))
        return sea__err(err, SEA_ERR_LIMIT, "%d tokens exceed the context of %d", n, sea_ctx_n_ctx(s->c));
    s->tokens_naive += (uint64_t)n;
    if (n_prefix < 1) n_prefix = 1; /* the first token is never predicted */
    if (n <= n_prefix) return SEA_OK; /* no answer tokens: score 0, as the reference's empty sum */
    if (s->recompute_layer < 0) {
        limit = n_prefix - 1;
        while (keep < s->n_cached && keep < limit && s->cached[keep] == full[keep]) keep++;
        sea_ctx_truncate(s->c, keep);
        if ((st = sea_forward(s->c, full + keep, n - 1 - keep, SEA_LOGITS_ALL, &logits, err)) != SEA_OK) {
            s->n_cached = 0;
            sea_ctx_truncate(s->c, 0);
            return st;
        }
        s->token_layers += (uint64_t)(n - 1 - keep) * (uint64_t)s->n_layer;
        memcpy(s->cached + keep, full + keep, (size_t)(n - 1 - keep) * sizeof *full);
        s->n_cached = n - 1;
        first_row = n_prefix - 1 - keep;
    } else {
        int L = s->recompute_layer;
        limit = n - 1;
        while (keep < s->n_cached && keep < limit && s->cached[keep] == full[keep]) keep++;
        sea_ctx_truncate(s->c, keep);
        if ((st = sea_forward_recompute(s->c, full + keep, n - keep, L, 0, SEA_LOGITS_ALL, &logits, err)) != SEA_OK) {
            s->n_cached = 0;
            sea_ctx_truncate(s->c, 0);
            return st;
        }
        s->token_layers += (uint64_t)(n - keep) * (uint64_t)L + (uint64_t)n * (uint64_t)(s->n_layer - L);
        memcpy(s->cached + keep, full + keep, (size_t)(n - keep) * sizeof *full);
        s->n_cached = n;
        first_row = n_prefix - 1;
    }
    sea_log_softmax_at(s->lp, logits + (size_t)first_row * (size_t)s->n_vocab, full + n_prefix, n - n_prefix, s->n_vocab);
    for (int t = 0; t < n - n_prefix; t++) total += s->lp[t];
    *n_scored = n - n_prefix;
    *score = mean ? total / (double)(n - n_prefix) : total;
    return SEA_OK;
}
