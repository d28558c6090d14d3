/* src/spectral/feature.c: the feature functions of Φ-SEA (SEA-SPEC §3.1, paper Eq. 5-6) and their
 * clamped "pseudo-inverses", in float (for the edit, per token) and double (for the fit). */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "sea/spectral.h"

sea_status sea_feature_parse(sea_feature *out, const char *name, sea_err *err)
{
    if (!name) return sea__err(err, SEA_ERR_ARG, "feature: no name given");
    if (strcmp(name, "none") == 0 || strcmp(name, "linear") == 0)
        *out = SEA_FEATURE_NONE;
    else if (strcmp(name, "squared-exponential") == 0 || strcmp(name, "rbf") == 0)
        *out = SEA_FEATURE_SQEXP;
    else if (strcmp(name, "tanh") == 0)
        *out = SEA_FEATURE_TANH;
    else if (strcmp(name, "elu") == 0)
        *out = SEA_FEATURE_ELU;
    else
        return sea__err(err, SEA_ERR_ARG,
                        "unknown feature function '%s' (none, squared-exponential, rbf, tanh, elu)", name);
    return SEA_OK;
}

const char *sea_feature_name(sea_feature f)
{
    switch (f) {
    case SEA_FEATURE_NONE: return "none";
    case SEA_FEATURE_SQEXP: return "squared-exponential";
    case SEA_FEATURE_TANH: return "tanh";
    case SEA_FEATURE_ELU: return "elu";
    }
    return "?";
}

void sea_feature_apply(float *x, size_t n, sea_feature f, float alpha)
{
    switch (f) {
    case SEA_FEATURE_NONE: return;
    case SEA_FEATURE_SQEXP: {
        float inv = 1.0f / (2.0f * alpha * alpha);
        for (size_t i = 0; i < n; i++) x[i] = expf(-x[i] * x[i] * inv);
        return;
    }
    case SEA_FEATURE_TANH:
        for (size_t i = 0; i < n; i++) x[i] = tanhf(x[i]);
        return;
    case SEA_FEATURE_ELU:
        for (size_t i = 0; i < n; i++)
            if (x[i] < 0) x[i] = alpha * expm1f(x[i]);
        return;
    }
}

void sea_feature_apply_d(double *x, size_t n, sea_feature f, double alpha)
{
    switch (f) {
    case SEA_FEATURE_NONE: return;
    case SEA_FEATURE_SQEXP: {
        double inv = 1.0 / (2.0 * alpha * alpha);
        for (size_t i = 0; i < n; i++) x[i] = exp(-x[i] * x[i] * inv);
        return;
    }
    case SEA_FEATURE_TANH:
        for (size_t i = 0; i < n; i++) x[i] = tanh(x[i]);
        return;
    case SEA_FEATURE_ELU:
        for (size_t i = 0; i < n; i++)
            if (x[i] < 0) x[i] = alpha * expm1(x[i]);
        return;
    }
}

void sea_feature_inverse(float *y, size_t n, sea_feature f, float alpha, float eps)
{
    switch (f) {
    case SEA_FEATURE_NONE: return;
    case SEA_FEATURE_SQEXP: {
        /* −2α²·log(max(y, ε)): the paper's formula, which gives z², not z (even φ) */
        float k = -2.0f * alpha * alpha;
        for (size_t i = 0; i < n; i++) y[i] = k * logf(y[i] > eps ? y[i] : eps);
        return;
    }
    case SEA_FEATURE_TANH: {
        float lo = -1.0f + eps, hi = 1.0f - eps;
        for (size_t i = 0; i < n; i++) {
            float c = y[i] < lo ? lo : (y[i] > hi ? hi : y[i]);
            y[i] = atanhf(c);
        }
        return;
    }
    case SEA_FEATURE_ELU: {
        /* y if y >= 0, else log(max(y, −α+ε)/α + 1) */
        float lo = -alpha + eps;
        for (size_t i = 0; i < n; i++)
            if (y[i] < 0) y[i] = logf((y[i] > lo ? y[i] : lo) / alpha + 1.0f);
        return;
    }
    }
}
