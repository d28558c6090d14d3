/* sea/trace.h: SEA step 1: demonstrations in, activations out (SEA-SPEC §2).
 *
 * For each demonstration {prompt, positive, negative}: P = template(prompt); the activation at
 * the last token of P + positive, of P + negative, and of P followed by the model's greedy
 * completion (at most max_new_tokens, stopping before EOS), for every layer, at the MLP output
 * or the residual stream. */
#ifndef SEA_TRACE_H
#define SEA_TRACE_H

#include "sea/model.h"
#include "sea/spectral.h"
#include "sea/tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- demonstrations: JSON Lines of {"prompt": str, "positive": str, "negative": str} ---- */
typedef struct sea_demo {
    const char *prompt, *positive, *negative; /* UTF-8, NUL-terminated */
    size_t line;                              /* 1-based line number in the file */
} sea_demo;

typedef struct sea_demos sea_demos;

/* Read a demonstrations file. Other keys are ignored; a line that is not a JSON object, a
 * missing, non-string or empty field is an error naming the file and the line. Blank lines
 * are skipped. */
SEA_API sea_status sea_demos_load(sea_demos **out, const char *path, sea_err *err);
SEA_API sea_status sea_demos_parse(sea_demos **out, const char *text, size_t len, const char *name,
                                   sea_err *err);
SEA_API void sea_demos_free(sea_demos *d);
SEA_API size_t sea_demos_count(const sea_demos *d);
SEA_API const sea_demo *sea_demos_at(const sea_demos *d, size_t i);
/* SHA-256 of the file's bytes, 64 lowercase hex digits. */
SEA_API const char *sea_demos_sha256(const sea_demos *d);

/* ---- tracing ---- */
typedef struct sea_trace_params {
    sea_site site;          /* SEA_SITE_MLP (default) or SEA_SITE_RESIDUAL */
    sea_template tmpl;      /* default SEA_TEMPLATE_NONE */
    const char *system;     /* system prompt for the template, or NULL */
    int max_new_tokens;     /* neutral completion length (default 64) */
    int min_new_tokens;     /* EOS is never chosen before this many new tokens (default 0; at
                             * most max_new_tokens): the argmax skips the EOS ids */
    size_t shard_i, shard_n;/* trace demonstrations j with j % shard_n == shard_i (default 0/1) */
    int n_threads;          /* 0 = all processors */
    const char *model_name; /* recorded in the metadata (default: the model directory) */
    void (*progress)(size_t done, size_t total, void *user);
    void *progress_user;
} sea_trace_params;

SEA_API sea_trace_params sea_trace_default_params(void);

/* Trace the shard's demonstrations; *out holds positive/negative/base [N_shard, n_layer, d]
 * and the metadata of SEA-SPEC §6.1. A text longer than the model's context is an error naming
 * the line. Results do not depend on the thread count. */
SEA_API sea_status sea_trace(sea_acts **out, const sea_model *m, const sea_tokenizer *tok,
                             const sea_demos *demos, const sea_trace_params *p, sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_TRACE_H */
