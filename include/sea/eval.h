/* sea/eval.h: evaluations (SEA-SPEC §5): perplexity, TruthfulQA multiple choice
 * (MC1/MC2/MC3) and BBQ (disambiguated), each with or without an edit. */
#ifndef SEA_EVAL_H
#define SEA_EVAL_H

#include "sea/edit.h"
#include "sea/model.h"
#include "sea/tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*sea_progress_fn)(void *user, size_t done, size_t total);

/* Perplexity of ids[0..n) with windows of `window` tokens taken every window-1 tokens: each
 * window starts from an empty cache, its first token is context only, and every other token
 * is predicted exactly once (n - 1 predictions in all). Hooks on the context (edits) apply.
 * *nll_sum gets the summed negative log-likelihood (double), *n_pred the predictions;
 * perplexity = exp(nll_sum / n_pred). progress (may be NULL) is called after each window. */
SEA_API sea_status sea_perplexity(sea_ctx *c, const int32_t *ids, size_t n, int window,
                                  double *nll_sum, size_t *n_pred, sea_progress_fn progress,
                                  void *user, sea_err *err);

/* ---- common evaluation settings ---- */
typedef struct sea_eval_params {
    sea_template tmpl;      /* chat template around the prompt (default none) */
    const char *system;     /* system prompt for the template, or NULL */
    size_t limit;           /* first `limit` items only (0 = all) */
    int folds, fold;        /* items of fold `fold` of `folds` contiguous blocks (folds 0 = all) */
    int n_threads;          /* 0 = all processors */
    const sea_proj *proj;   /* projections to apply, or NULL for the unedited model */
    sea_edit_params edit;   /* how to apply them */
    sea_progress_fn progress;
    void *progress_user;
    int truncate_context;   /* BBQ: when prompt + answer exceeds the model's positions, drop the
                             * oldest prompt tokens (after BOS) so it fits, instead of an error */
} sea_eval_params;

SEA_API sea_eval_params sea_eval_default_params(void);

/* Token accounting of an evaluation: tokens run through the model (in token x layer units
 * divided by the number of layers, when an edit forces some layers to be recomputed), and
 * what a scorer that runs every prompt + answer from scratch would run. */
typedef struct sea_eval_cost {
    uint64_t tokens_computed, tokens_naive;
    double seconds;
} sea_eval_cost;

/* ---- TruthfulQA (MC1/MC2/MC3 as SEA-SPEC §5.1) ---- */
typedef struct sea_tqa_question {
    const char *type, *category, *question;
    const char *best;               /* formatted: stripped, "." appended */
    const char *const *true_answers;/* formatted; includes best */
    size_t n_true;
    const char *const *false_answers;
    size_t n_false;
    size_t line;                    /* first line of the row in the CSV */
} sea_tqa_question;

typedef struct sea_tqa sea_tqa;
/* Read TruthfulQA.csv (columns by header: Question, Best Answer, Correct Answers, Incorrect
 * Answers; Type and Category optional). Errors name the line. */
SEA_API sea_status sea_tqa_load(sea_tqa **out, const char *path, sea_err *err);
SEA_API void sea_tqa_free(sea_tqa *d);
SEA_API size_t sea_tqa_count(const sea_tqa *d);
SEA_API const sea_tqa_question *sea_tqa_at(const sea_tqa *d, size_t i);
/* The 6-shot "QA primer" of TruthfulQA (curly quotes and trailing blank line included). */
SEA_API const char *sea_tqa_primer(void);

typedef struct sea_tqa_result {
    double mc1, mc2, mc3;   /* means over questions */
    size_t n;               /* questions evaluated */
    size_t *index;          /* [n] question indices in the file */
    double *q_mc1, *q_mc2, *q_mc3; /* [n] per question (for paired tests) */
    size_t n_categories;
    const char **category;  /* [n_categories], first-seen order (borrowed from the data) */
    double *cat_mc1, *cat_mc2, *cat_mc3;
    size_t *cat_n;
    double *answer_scores;  /* summed log-probability of every answer: question k's true answers
                             * (as sea_tqa_question lists them) then its false ones, from
                             * answer_scores[answer_start[k]] */
    size_t *answer_start;   /* [n + 1] */
    sea_eval_cost cost;
} sea_tqa_result;

SEA_API sea_status sea_eval_truthfulqa(sea_tqa_result *out, const sea_model *m, const sea_tokenizer *tok,
                                       const sea_tqa *data, const sea_eval_params *p, sea_err *err);
SEA_API void sea_tqa_result_free(sea_tqa_result *r);

/* ---- BBQ (SEA-SPEC §5.2; ambiguous and disambiguated contexts) ---- */
typedef struct sea_bbq sea_bbq;
/* Read BBQ JSON Lines (context, question, ans0..2, label, answer_info, additional_metadata,
 * question_polarity, category; context_condition "ambig" or "disambig", disambig when absent).
 * Errors name the line. */
SEA_API sea_status sea_bbq_load(sea_bbq **out, const char *path, sea_err *err);
SEA_API void sea_bbq_free(sea_bbq *d);
SEA_API size_t sea_bbq_count(const sea_bbq *d);
/* The 4-shot header and examples of the paper's BBQ prompt. */
SEA_API const char *sea_bbq_primer(void);

typedef struct sea_bbq_stats {
    size_t n;
    double accuracy;      /* 1[s(gold) > both others] */
    double unknown_rate;  /* top choice is the "unknown" option */
    double bias_score;    /* 2 * n_biased / n_non_unknown - 1 over these items (0 when every
                           * choice is unknown); on disambiguated items, BBQ's s_DIS */
    double s_amb;         /* (1 - accuracy) * bias_score; on ambiguous items, BBQ's s_AMB */
    double stereotype_rate; /* stereotypical predictions among items whose gold answer is anti-stereotypical */
    size_t n_non_unknown, n_biased, n_anti, n_stereo_on_anti;
} sea_bbq_stats;

typedef struct sea_bbq_result {
    sea_bbq_stats all;          /* every item, whatever its context condition */
    sea_bbq_stats disambig, ambig; /* by context condition (n = 0 when there is none) */
    double s_dis, s_amb;        /* disambig.bias_score and ambig.s_amb (NAN when n = 0) */
    size_t n_categories;
    const char **category;      /* borrowed from the data */
    sea_bbq_stats *by_category;
    sea_bbq_stats *by_category_disambig, *by_category_ambig; /* [n_categories] */
    size_t n_truncated;         /* items whose prompt lost tokens to truncate_context */
    size_t *index;              /* [all.n] item indices */
    int *pred;                  /* [all.n] chosen answer 0..2 */
    double *scores;             /* [all.n * 3] mean log-probabilities */
    sea_eval_cost cost;
} sea_bbq_result;

SEA_API sea_status sea_eval_bbq(sea_bbq_result *out, const sea_model *m, const sea_tokenizer *tok,
                                const sea_bbq *data, const sea_eval_params *p, sea_err *err);
SEA_API void sea_bbq_result_free(sea_bbq_result *r);

/* ---- held-out demonstrations: does the model prefer the positive completion? ---- */
struct sea_demos;
typedef struct sea_pairs_result {
    size_t n;
    double *pos, *neg;       /* [n] summed log-probabilities of each completion */
    double prefer_positive;  /* share of pairs with pos > neg */
    double mean_margin;      /* mean of pos - neg, in nats */
    sea_eval_cost cost;
} sea_pairs_result;

/* Score each demonstration's positive and negative completion after template(prompt), as
 * TruthfulQA scores answers (sum of token log-probabilities). */
SEA_API sea_status sea_eval_pairs(sea_pairs_result *out, const sea_model *m, const sea_tokenizer *tok,
                                  const struct sea_demos *demos, const sea_eval_params *p, sea_err *err);
SEA_API void sea_pairs_result_free(sea_pairs_result *r);

#ifdef __cplusplus
}
#endif
#endif /* SEA_EVAL_H */
