/* sea/edit.h: applying SEA projections inside the forward pass (SEA-SPEC §4).
 *
 * At the MLP output z [T, d] of each selected layer, before the residual add:
 *   z+ = U+ (U+^T f),  z- = f - U- (U-^T f),  f = z (or phi(z) for Phi-SEA, then z± = phi^-1(z±)),
 *   s  = z+ + z-, merged into z by one of the rules of sea_merge.
 * Only the low-rank factors are stored and multiplied: O(d (k+ + k-)) per token, never d x d.
 *
 * Contracts of every function here:
 *   - shapes: z is row-major [T, d] with d the model's hidden size (cfg->d) and T >= 1 the rows
 *     of one forward call; U+ [d, k+] and U- [d, k-] come from the projection file, k+ or k-
 *     may be 0 (then z+ = 0, or z- = f);
 *   - NaN policy: values are not checked. A NaN or Inf in z reaches the output through the
 *     products (and, with seq-norm, the scale of its coordinate for every position of the
 *     call; with token-norm, every coordinate of its position). A merge whose s has (near)
 *     zero norm (sum of squares < 1e-24) writes 0 there instead of dividing by zero;
 *   - threading: an editor holds scratch and running statistics, so it is used by one thread
 *     at a time and attached to one context at a time (one editor per context for parallel
 *     work, as sea_eval and sea_trace do); the products use n_threads threads (the context's
 *     count in the hook) and the result does not depend on that count;
 *   - memory: the editor keeps the transposes, (k+ + k-) x d floats per selected layer, and
 *     scratch of (3d + max k) floats per row, grown to the largest T seen;
 *   - failure: sea_editor_new sets *out = NULL and names the mismatch or the missing layer;
 *     sea_editor_apply fails only with SEA_ERR_NOMEM (scratch for T rows), leaving z
 *     untouched. In the forward pass the reason reaches the caller: the forward call fails with
 *     that status and its error reads "layer L: out of memory allocating edit scratch". */
#ifndef SEA_EDIT_H
#define SEA_EDIT_H

#include "sea/model.h"
#include "sea/spectral.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sea_merge {
    SEA_MERGE_SEQ_NORM,   /* per coordinate i over the T positions of the call:
                             s_i(t) * ||z_i(1..T)|| / ||s_i(1..T)|| (paper Eq. 4; default) */
    SEA_MERGE_TOKEN_NORM, /* per token: s(t) * ||z(t)|| / ||s(t)|| (causal) */
    SEA_MERGE_AVERAGE,    /* s / 2 */
    SEA_MERGE_SUM         /* s */
} sea_merge;

/* "seq-norm", "token-norm", "average", "sum" */
SEA_API sea_status sea_merge_parse(sea_merge *out, const char *name, sea_err *err);
SEA_API const char *sea_merge_name(sea_merge m);

/* Layer selection: "all", "first:L", "last:L" or "list:i,j,..." (0-based) into mask[n_layer]. */
SEA_API sea_status sea_layers_parse(unsigned char *mask, const char *spec, int n_layer, sea_err *err);

typedef struct sea_edit_params {
    sea_merge merge;    /* default SEA_MERGE_SEQ_NORM */
    const char *layers; /* NULL: every layer the projection file has */
    double scale;       /* edit strength λ (default 1): z' = z + λ (edit(z) − z). λ = 1 is the
                           edit itself (bit-identical), λ = 0 leaves z untouched (bit-identical
                           to no edit), negative λ pushes the other way. Finite, |λ| <= 1e3. */
    const char *template_name; /* template of the prompts being edited, checked against the
                                  projection's provenance (NULL: not checked) */
    int force;          /* 1: provenance mismatches (model, site, template) only warn */
} sea_edit_params;

SEA_API sea_edit_params sea_edit_default_params(void);

typedef struct sea_editor sea_editor;

/* Prepare an edit of `model` with projections `p` (borrowed: keep p alive while the editor
 * lives). Refused with a clear error when d or the layer count differ from the model's, or
 * when a selected layer is absent from the file. A projection that carries provenance is
 * checked against the model (architecture, shapes, config and weight-sample digests), the
 * edit site (the MLP output) and ep->template_name: a mismatch is SEA_ERR_MISMATCH naming
 * both sides (a warning with ep->force). Without provenance (older files) a projection fitted
 * at another site only warns. With --center's means, f is centred on the base mean before
 * projecting and the mean is added back to both branches. */
SEA_API sea_status sea_editor_new(sea_editor **out, const sea_proj *p, const sea_model *model,
                                  const sea_edit_params *ep, sea_err *err);
SEA_API void sea_editor_free(sea_editor *e);
/* Add the edit to a context as a hook at the MLP sites (detach with sea_ctx_clear_hooks).
 * The editor must outlive the attachment; an edit failure inside the forward pass is
 * reported through sea_ctx_hook_error, so the forward call's error says why. */
SEA_API sea_status sea_editor_attach(sea_editor *e, sea_ctx *c, sea_err *err);
/* Lowest edited layer, and whether the edit of a position depends only on that position
 * (every merge but seq-norm): what prefix caching may reuse (doc/EVAL.md). */
SEA_API int sea_editor_first_layer(const sea_editor *e);
SEA_API int sea_editor_is_causal(const sea_editor *e);
SEA_API size_t sea_editor_n_layers(const sea_editor *e);

/* Apply the edit of layer `layer` to z [T, d] in place (what the hook does); a layer that is
 * not selected (or out of range) is left as it is and gives SEA_OK. */
SEA_API sea_status sea_editor_apply(sea_editor *e, int layer, float *z, int T, int n_threads,
                                    sea_err *err);

/* Running statistics: mean over edited tokens of ||z_edited - z|| / ||z||. */
SEA_API double sea_editor_mean_change(const sea_editor *e);

/* ---- baking a linear edit into the weights (doc/SPECTRAL.md, "Baked edits") ----
 * The sum and average merges are linear: z' = E z with E = c (I + U+U+ᵀ − U-U-ᵀ), c = 1 or 1/2,
 * and with strength λ, z' = z + λ(E z − z). sea_bake writes a copy of a Hugging Face model
 * directory whose down_proj weights of the selected layers are W' = W + λ(E W − W) (as F32),
 * so that any runtime computes the edited model. Other files are copied as they are, weight
 * files of other formats (.bin, .pt, .gguf, ...) left out (*n_skipped counts them); the
 * edited safetensors files carry the metadata entry "sea_bake" describing the edit. Refused
 * with the reason: the seq-norm and token-norm merges, feature maps, centred projections
 * (not linear), a projection that does not fit the model, an existing out_dir. Nothing is
 * left behind on failure. */
typedef struct sea_bake_params {
    sea_merge merge;     /* SEA_MERGE_SUM (default) or SEA_MERGE_AVERAGE */
    const char *layers;  /* NULL: every layer the projection file has */
    double scale;        /* λ (default 1; 0 writes the original weights as F32) */
} sea_bake_params;

SEA_API sea_bake_params sea_bake_default_params(void);
SEA_API sea_status sea_bake(const char *model_dir, const sea_proj *p, const char *proj_name,
                            const sea_bake_params *bp, const char *out_dir, size_t *n_skipped,
                            sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_EDIT_H */
