/* src/spectral/spectral_internal.h: the projection set's layout, shared by the fit (which fills it) and
 * the file code (which saves and loads it). Not installed. */
#ifndef SEA_SPECTRAL_INTERNAL_H
#define SEA_SPECTRAL_INTERNAL_H

#include <stddef.h>

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

/* Zeroed set with every layer absent and the default feature parameters; NULL on OOM. */
sea_proj *sea__proj_alloc(size_t n_layer, size_t d);

#endif /* SEA_SPECTRAL_INTERNAL_H */
