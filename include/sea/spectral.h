/* sea/spectral.h: the SEA method without a model: feature functions, activation files,
 * fitting the spectral projections (SEA-SPEC §3), projection files (§6.2).
 *
 * Pipeline: `sea trace` fills a sea_acts (positive/negative/base activations), sea_fit turns
 * it into a sea_proj (per layer, the directions to keep U+ [d, k+] and to remove U- [d, k-]),
 * and the editing code applies z + U+(U+ᵀz) − U-(U-ᵀz) (see doc/SPECTRAL.md).
 *
 * Contracts of every function here:
 *   - shapes: activations are row-major [N, n_layer, d] per kind (positive, negative, base:
 *     N demonstrations, the model's n_layer and hidden size d), F32; a projection holds per
 *     fitted layer U+ [d, k+] and U- [d, k-] (F32, orthonormal columns up to float rounding),
 *     k± <= min(N, d);
 *   - NaN policy: files are checked when read (a non-finite activation or projection value is
 *     SEA_ERR_NUMERIC naming the tensor and index); sea_fit computes in double and, on the
 *     exact route, refuses non-finite input with SEA_ERR_NUMERIC (the Jacobi SVD checks);
 *     feature functions map values as their formula does (outside the alpha range below they
 *     give 0, inf or NaN);
 *   - threading: sea_fit fits layers in parallel with n_threads (0 = sea_default_threads())
 *     and the projections do not depend on the thread count; a sea_proj is read-only once
 *     made and may be shared by threads (every editor of sea_eval's workers reads one); a
 *     sea_acts is written only through sea_acts_data / sea_acts_set_meta, never while
 *     another thread reads it;
 *   - failure: the opening and fitting calls set *out = NULL and fill err with one line naming
 *     the file, tensor or layer; files are written atomically, so a failed save leaves
 *     nothing half-written. */
#ifndef SEA_SPECTRAL_H
#define SEA_SPECTRAL_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- feature functions (SEA-SPEC §3.1, paper Eq. 5-6) ---- */
typedef enum sea_feature {
    SEA_FEATURE_NONE,
    SEA_FEATURE_SQEXP, /* squared-exponential: exp(-z²/(2α²)); φ̂⁻¹ returns z² (paper's formula) */
    SEA_FEATURE_TANH,
    SEA_FEATURE_ELU
} sea_feature;

#define SEA_FEATURE_DEFAULT_ALPHA 1.0f
/* alpha and eps are used as float32: alpha in [1e-15, 1e15] keeps 2 alpha^2 and its inverse
 * finite normal floats (outside it the squared-exponential map and its inverse give 0, inf or
 * NaN); eps in [1e-30, 0.5] is what `sea fit --eps` accepts. */
#define SEA_FEATURE_ALPHA_MIN 1e-15
#define SEA_FEATURE_ALPHA_MAX 1e15
#define SEA_FEATURE_DEFAULT_EPS 1e-4f

/* "none", "squared-exponential" (alias "rbf"), "tanh", "elu". */
SEA_API sea_status sea_feature_parse(sea_feature *out, const char *name, sea_err *err);
/* Canonical name ("none", "squared-exponential", "tanh", "elu"). */
SEA_API const char *sea_feature_name(sea_feature f);
/* φ in place on x[0..n). */
SEA_API void sea_feature_apply(float *x, size_t n, sea_feature f, float alpha);
/* φ̂⁻¹ in place on y[0..n) (inputs clamped into the valid range with eps, as SEA-SPEC §3.1). */
SEA_API void sea_feature_inverse(float *y, size_t n, sea_feature f, float alpha, float eps);
/* Double-precision φ, used by the fit (same formulas). */
SEA_API void sea_feature_apply_d(double *x, size_t n, sea_feature f, double alpha);

/* ---- activations (SEA-SPEC §6.1): positive/negative/base, F32 [N, n_layer, d] ---- */
typedef struct sea_acts sea_acts;

enum { SEA_ACTS_POSITIVE = 0, SEA_ACTS_NEGATIVE = 1, SEA_ACTS_BASE = 2 };

/* Provenance recorded in the "sea" metadata. Strings are NULL when unknown; max_new_tokens is
 * -1 when unknown; shard_n is 1 (shard_i 0) for a complete file. */
typedef struct sea_acts_meta {
    const char *site;         /* "mlp" or "residual" */
    const char *model;        /* free text (model directory name) */
    const char *template_name;/* "none", "llama2-chat", ... */
    const char *demos_sha256; /* 64 lowercase hex digits */
    long max_new_tokens;
    size_t shard_i, shard_n;
} sea_acts_meta;

/* Open and validate a file completely: the three tensors present, F32, rank 3, one shape
 * [N, n_layer, d] with every dimension >= 1, every value finite; the "sea" metadata, when
 * present, strictly (kind "activations", types, n_layer and d equal to the tensors', shard
 * "i/n" with i < n). Files without "sea" (older tools, the goldens) are accepted with unknown
 * provenance (legacy "site" and "max_new_tokens" keys are read). The data is used in place
 * from the mapping when possible. */
SEA_API sea_status sea_acts_open(sea_acts **out, const char *path, sea_err *err);
/* A zeroed, writable set for tracing. */
SEA_API sea_status sea_acts_new(sea_acts **out, size_t N, size_t n_layer, size_t d, sea_err *err);
SEA_API void sea_acts_free(sea_acts *a);
SEA_API size_t sea_acts_n(const sea_acts *a);
SEA_API size_t sea_acts_n_layer(const sea_acts *a);
SEA_API size_t sea_acts_d(const sea_acts *a);
/* Read-only view [N, n_layer, d] (which = SEA_ACTS_POSITIVE/NEGATIVE/BASE); NULL if out of range. */
SEA_API const float *sea_acts_view(const sea_acts *a, int which);
/* Writable data [N, n_layer, d]. For a set opened from a file this first makes a private copy of
 * that tensor (NULL when out of memory). */
SEA_API float *sea_acts_data(sea_acts *a, int which);
/* Provenance (borrowed; strings valid until the next set or free). has_meta: 1 if the file
 * carried "sea" metadata or sea_acts_set_meta was called. */
SEA_API const sea_acts_meta *sea_acts_get_meta(const sea_acts *a, int *has_meta);
/* Full provenance as JSON object text (model identity: architecture, shapes, SHA-256 of
 * config.json and of a weight sample; template, system prompt, site, demos SHA-256, N,
 * max_new_tokens, tool version), or NULL for files written before it existed. */
SEA_API const char *sea_acts_provenance(const sea_acts *a);
/* Copy provenance in (strings are copied; validated: site, sha256 form, shard_i < shard_n). */
SEA_API sea_status sea_acts_set_meta(sea_acts *a, const sea_acts_meta *m, sea_err *err);
/* Write atomically: tensors positive, negative, base and metadata "sea". */
SEA_API sea_status sea_acts_save(const sea_acts *a, const char *path, sea_err *err);
/* Join shards from `sea trace --shard i/n` (any order): each must carry "sea" metadata with the
 * same model, site, n_layer, d, template, max_new_tokens, demos_sha256 and n, every i in [0, n)
 * exactly once, and N_i = ceil((N - i)/n) rows. Row j of the result is row j/n of shard j%n:
 * the same file one unsharded run gives. Errors name the offending file. */
SEA_API sea_status sea_acts_merge(sea_acts **out, sea_acts *const *shards, const char *const *names,
                                  size_t n_shards, sea_err *err);

typedef struct sea_proj sea_proj; /* fitted projections, see below */

/* ---- fitting (SEA-SPEC §3) ---- */
typedef enum sea_solver {
    SEA_SOLVER_AUTO,      /* randomized when the selected k is far below N (<= N/8), else exact */
    SEA_SOLVER_EXACT,     /* thin QR factors + one-sided Jacobi SVD of the N x N core */
    SEA_SOLVER_RANDOMIZED /* range finder on the implicit cross-covariance, k grown until K */
} sea_solver;

SEA_API sea_status sea_solver_parse(sea_solver *out, const char *name, sea_err *err);
SEA_API const char *sea_solver_name(sea_solver s);

typedef struct sea_fit_params {
    double k_ratio_pos, k_ratio_neg; /* K in (0, 1] (default 0.99); ignored when k_pos/k_neg >= 0 */
    long k_pos, k_neg;               /* fixed k (-1 = choose by ratio); clamped to min(N, d) */
    sea_feature feature;             /* default SEA_FEATURE_NONE */
    double alpha, eps;               /* feature parameters (1, 1e-4); eps is stored for the edit */
    int center;                      /* subtract column means (default 0, as the paper's runs) */
    const unsigned char *layers;     /* [n_layer] 1 = fit this layer; NULL = all */
    sea_solver solver;               /* default SEA_SOLVER_AUTO */
    int n_threads;                   /* 0 = all processors */
    /* progress callback after each layer (may be NULL) */
    void (*progress)(size_t done, size_t total, void *user);
    void *progress_user;
} sea_fit_params;

SEA_API sea_fit_params sea_fit_default_params(void);

/* Fit every selected layer (layers in parallel). Errors name the layer. Refused with an
 * explanation: a lone shard of a multi-shard trace (merge first), a fixed k larger than the
 * number of demonstrations, and a result with k+ = k- = 0 on every layer (an edit that does
 * nothing). The activations' provenance is carried into the projections. */
SEA_API sea_status sea_fit(sea_proj **out, const sea_acts *acts, const sea_fit_params *p,
                           sea_err *err);

/* ---- projections (SEA-SPEC §6.2) ---- */

/* Which side: Ω+ (directions kept) or Ω- (directions removed). Any positive value means Ω+,
 * any negative one Ω-. */
enum { SEA_PROJ_POS = +1, SEA_PROJ_NEG = -1 };

SEA_API sea_status sea_proj_save(const sea_proj *p, const char *path, sea_err *err);
/* Open and validate: metadata "sea" (kind "projections", d, n_layer, feature, k arrays),
 * every tensor's shape against it, no unknown or missing tensor, finite values, unit-norm
 * columns in u_pos/u_neg, singular values >= 0 and descending, ratios in [0, 1] and
 * non-decreasing. */
SEA_API sea_status sea_proj_open(sea_proj **out, const char *path, sea_err *err);
SEA_API void sea_proj_free(sea_proj *p);
SEA_API size_t sea_proj_d(const sea_proj *p);
SEA_API size_t sea_proj_n_layer(const sea_proj *p);
SEA_API size_t sea_proj_n_demos(const sea_proj *p);
SEA_API int sea_proj_has_layer(const sea_proj *p, size_t l);
/* U [d, k] row-major, as stored; *k receives k (0 and NULL for a missing layer). */
SEA_API const float *sea_proj_u_pos(const sea_proj *p, size_t l, size_t *k);
SEA_API const float *sea_proj_u_neg(const sea_proj *p, size_t l, size_t *k);
/* Singular values (descending) and cumulative explained ratios of Ω+ (sign > 0) or Ω- (sign < 0)
 * for layer l; *n receives their count. */
SEA_API const float *sea_proj_singular_values(const sea_proj *p, size_t l, int sign, size_t *n);
SEA_API const float *sea_proj_explained(const sea_proj *p, size_t l, int sign, size_t *n);
/* Layer signature (paper §4.7 / App. A): sum of the singular values of the d x 2 matrix
 * [mean of positives, mean of negatives]; NaN when unknown. */
SEA_API double sea_proj_signature(const sea_proj *p, size_t l);
/* Which solver fitted layer l ("exact"/"randomized"), or NULL. */
SEA_API const char *sea_proj_layer_solver(const sea_proj *p, size_t l);
SEA_API sea_feature sea_proj_feature(const sea_proj *p);
SEA_API float sea_proj_alpha(const sea_proj *p);
SEA_API float sea_proj_eps(const sea_proj *p);
SEA_API int sea_proj_center(const sea_proj *p);
/* K used for the positive/negative projection; NaN when fixed k was asked for. */
SEA_API double sea_proj_k_ratio(const sea_proj *p, int sign);
SEA_API const char *sea_proj_site(const sea_proj *p); /* "unknown" when the acts did not say */

/* ---- the authors' projections (torch.save'd dense projectors; doc/FORMATS.md) ---- */
typedef struct sea_proj_import_params {
    const char *args_path; /* their sea-args.json (k ratios, N, feature), or NULL */
    double tol;            /* largest ‖UUᵀ − P‖_F (and |P − Pᵀ|) accepted per layer (default 1e-3) */
    int n_threads;         /* 0 = all processors */
    void (*progress)(size_t done, size_t total, void *user); /* after each layer (may be NULL) */
    void *progress_user;
} sea_proj_import_params;

SEA_API sea_proj_import_params sea_proj_import_default_params(void);
/* Read uu_positive (U+U+ᵀ) and uu_negative (I − U-U-ᵀ, what the negative edit keeps) .pt files,
 * stacked [L, d, d] or dicts/lists of [d, d], float32/float16/bfloat16/float64, into a set
 * whose U± span the same spaces (rank = round(trace)). A matrix that is not a symmetric
 * projector within tol is refused, naming the file and the layer. */
SEA_API sea_status sea_proj_import_pt(sea_proj **out, const char *pos_path, const char *neg_path,
                                      const sea_proj_import_params *params, sea_err *err);
/* Write the authors' layout back: stacked float32 [n_layer, d, d] U+U+ᵀ and I − U-U-ᵀ (a
 * layer absent from the set is written as the no-op pair 0 and I). Files of 4 GiB or more are
 * refused. */
SEA_API sea_status sea_proj_export_pt(const sea_proj *p, const char *pos_path, const char *neg_path,
                                      sea_err *err);
/* Provenance JSON text carried over from the activations (see sea_acts_provenance), or NULL. */
SEA_API const char *sea_proj_provenance(const sea_proj *p);
/* --center: the mean [d] of the base activations (in feature space) of layer l that the edit
 * subtracts before projecting and adds back after; NULL when the fit did not centre. */
SEA_API const float *sea_proj_mean(const sea_proj *p, size_t l);
/* "pt-import" for an imported set, NULL for a fitted one. */
SEA_API const char *sea_proj_origin(const sea_proj *p);
/* JSON object text describing where an imported set came from, or NULL. */
SEA_API const char *sea_proj_source(const sea_proj *p);

#ifdef __cplusplus
}
#endif
#endif /* SEA_SPECTRAL_H */
