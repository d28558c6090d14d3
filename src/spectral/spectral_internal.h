/* src/spectral/spectral_internal.h: the projection set's layout, shared by the fit (which fills it) and
 * the file code (which saves and loads it). Not installed. */
#ifndef SEA_SPECTRAL_INTERNAL_H
#define SEA_SPECTRAL_INTERNAL_H

#include <stddef.h>

#include "core/internal.h"
#include "sea/model.h"
#include "sea/spectral.h"

typedef struct sea__proj_layer {
    int present;
    size_t k[2];     /* k+ (kept), k- (removed) */
    float *u[2];     /* [d, k] row-major */
    size_t ns[2];    /* singular values stored */
    float *s[2];     /* [ns] descending */
    float *ev[2];    /* [ns] cumulative explained ratio */
    double signature;/* NaN when unknown */
    char solver[16]; /* "exact" / "randomized" */
} sea__proj_layer;

struct sea_proj {
    size_t d, n_layer, n_demos;
    char *site;          /* NULL = unknown */
    sea_feature feature;
    float alpha, eps;
    int center;
    double k_ratio[2];   /* NaN when a fixed k was asked for */
    char *origin;        /* NULL (fitted by sea) or "pt-import" (no singular values; n_demos may be 0) */
    char *source;        /* JSON object text: where an imported set came from, or NULL */
    char *provenance;    /* JSON object text (model, template, site, demos...), or NULL */
    float *mean;         /* --center: [n_layer, d] column means of the base activations (in
                            feature space), used by the edit; NULL when not centred */
    sea__proj_layer *layers; /* [n_layer] */
};

/* ---- provenance (provenance.c) ---- */
/* Append the model's identity as a JSON object (name, architecture, shapes, config.json and
 * weight-sample SHA-256). -1 when out of memory. */
int sea__model_identity(sea_buf *b, const sea_model *m);
/* Append the provenance object of a trace. */
int sea__trace_provenance(sea_buf *b, const sea_model *m, const char *template_name, const char *system,
                          const char *site, const char *demos_sha256, size_t n_demos, long max_new_tokens);
/* Compare provenance `prov` (JSON text; NULL = unknown, accepted) with the model, the edit site
 * (the MLP output) and the prompts' template (NULL = not checked): SEA_ERR_MISMATCH naming both
 * sides, or a warning with force. */
sea_status sea__provenance_check(const char *prov, const sea_model *m, const char *template_name, int force,
                                 sea_err *err);
/* Attach provenance JSON text to an activation set (copied; NULL clears). */
sea_status sea__acts_set_provenance(sea_acts *a, const char *json, sea_err *err);

/* Zeroed set with every layer absent and the default feature parameters; NULL on OOM. */
sea_proj *sea__proj_alloc(size_t n_layer, size_t d);

#endif /* SEA_SPECTRAL_INTERNAL_H */
