/* tests/check_fit.c: sea_fit against the reference fits of the kjv-demo activations
 * (../shared/golden/sea): k per layer exactly, U+U+ᵀ and U-U-ᵀ within 1e-5 of the reference
 * projectors, singular values, for linear K=0.99 and 0.9, squared-exponential and tanh.
 * The in-repo fixture tests/fixtures/sea/fit-*.ref.safetensors carries the reference
 * projectors as orthonormal bases (derive.py), so these checks run on a fresh clone; with
 * SEA_SHARED the dense golden projectors are compared too. Also: solver agreement, fixed k,
 * layer selection, centring invariance, thread independence, save/open round trip. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "testutil.h"
#include "core/internal.h"
#include "linalg/linalg_internal.h"

typedef struct setting {
    const char *name;
    double K;
    sea_feature feature;
} setting;

static const setting settings[] = {
    {"linear-k0.99", 0.99, SEA_FEATURE_NONE},
    {"linear-k0.9", 0.9, SEA_FEATURE_NONE},
    {"rbf-k0.99", 0.99, SEA_FEATURE_SQEXP},
    {"tanh-k0.99", 0.99, SEA_FEATURE_TANH},
};

static sea_acts *open_acts(const char *name)
{
    sea_acts *a = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_acts_open(&a, fixture(name), &err) == SEA_OK, "%s", err.msg);
    return a;
}

static sea_proj *fit(const sea_acts *a, double K, sea_feature f, sea_solver solver, int threads)
{
    sea_fit_params p = sea_fit_default_params();
    sea_proj *proj = NULL;
    sea_err err;
    p.k_ratio_pos = p.k_ratio_neg = K;
    p.feature = f;
    p.solver = solver;
    p.n_threads = threads;
    sea_err_clear(&err);
    ck_assert_msg(sea_fit(&proj, a, &p, &err) == SEA_OK, "fit: %s", err.msg);
    return proj;
}

/* max |U Uᵀ − ref| over a d x d projector, U [d, k] row-major float; ref given as a basis B
 * [d, kb] (dense = 0) or as the dense projector (dense = 1). */
static double proj_diff(const float *u, size_t k, const float *ref, size_t kb, int dense, size_t d)
{
    double worst = 0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double a = 0, b = 0;
            for (size_t t = 0; t < k; t++) a += (double)u[i * k + t] * u[j * k + t];
            if (dense)
                b = ref[i * d + j];
            else
                for (size_t t = 0; t < kb; t++) b += (double)ref[i * kb + t] * ref[j * kb + t];
            if (fabs(a - b) > worst) worst = fabs(a - b);
        }
    return worst;
}

static void read_k(const char *json, const char *key, long *k, size_t n)
{
    sea_json_doc *doc;
    const sea_json *arr;
    ck_assert_int_eq(sea_json_parse(&doc, json, strlen(json), NULL, NULL), SEA_OK);
    arr = sea_json_get(sea_json_root(doc), key);
    ck_assert_ptr_nonnull(arr);
    ck_assert_uint_eq(arr->v.arr.n, n);
    for (size_t l = 0; l < n; l++) k[l] = (long)arr->v.arr.items[l].v.num.i;
    sea_json_free(doc);
}

/* Compare a fit with a reference file: basis form (fixture) or dense goldens (shared). */
static void compare(const sea_proj *p, const char *ref_path, int dense)
{
    sea_st_file *f;
    sea_err err;
    long kref[2][16];
    size_t nl = sea_proj_n_layer(p), d = sea_proj_d(p);
    char name[64];
    sea_err_clear(&err);
    ck_assert_msg(sea_st_open(&f, ref_path, &err) == SEA_OK, "%s", err.msg);
    read_k(sea_st_metadata(f, "sea"), "k_pos", kref[0], nl);
    read_k(sea_st_metadata(f, "sea"), "k_neg", kref[1], nl);
    for (size_t l = 0; l < nl; l++)
        for (int s = 0; s < 2; s++) {
            size_t k, kb, ns;
            const float *u = s ? sea_proj_u_neg(p, l, &k) : sea_proj_u_pos(p, l, &k);
            const float *sv = sea_proj_singular_values(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns);
            const sea_st_tensor *t;
            float *ref, *sref;
            double diff;
            ck_assert_msg((long)k == kref[s][l], "%s layer %zu: k_%s = %zu, reference %ld", ref_path, l, s ? "neg" : "pos", k, kref[s][l]);
            if (dense)
                snprintf(name, sizeof name, "layers.%zu.%s", l, s ? "p_neg_removed" : "p_pos");
            else
                snprintf(name, sizeof name, "layers.%zu.%s", l, s ? "u_neg_ref" : "u_pos_ref");
            t = sea_st_find(f, name);
            ck_assert_ptr_nonnull(t);
            ref = malloc(t->n_elements * sizeof *ref);
            ck_assert_int_eq(sea_st_read_f32(ref, t, NULL), SEA_OK);
            kb = dense ? d : (size_t)t->shape[1];
            diff = proj_diff(u, k, ref, kb, dense, d);
            ck_assert_msg(diff <= 1e-5, "%s layer %zu %s: max |UUᵀ - ref| = %.3g > 1e-5", ref_path, l, name, diff);
            free(ref);
            snprintf(name, sizeof name, "layers.%zu.s_%s", l, s ? "neg" : "pos");
            t = sea_st_find(f, name);
            ck_assert_ptr_nonnull(t);
            sref = malloc(t->n_elements * sizeof *sref);
            ck_assert_int_eq(sea_st_read_f32(sref, t, NULL), SEA_OK);
            ck_assert_uint_ge(ns, t->n_elements);
            for (size_t j = 0; j < t->n_elements; j++)
                ck_assert_msg(fabs(sv[j] - sref[j]) <= 1e-5 * sref[0], "layer %zu %s[%zu]: %.8g vs %.8g", l, name, j, sv[j], sref[j]);
            free(sref);
        }
    sea_st_close(f);
}

START_TEST(test_fixture_settings)
{
    const setting *S = &settings[_i];
    sea_acts *a = open_acts("sea/acts-mlp.safetensors");
    char ref[256];
    for (int solver = SEA_SOLVER_EXACT; solver <= SEA_SOLVER_RANDOMIZED; solver++) {
        sea_proj *p = fit(a, S->K, S->feature, (sea_solver)solver, 2);
        snprintf(ref, sizeof ref, "sea/fit-%s.ref.safetensors", S->name);
        compare(p, fixture(ref), 0);
        sea_proj_free(p);
    }
    sea_acts_free(a);
}
END_TEST

START_TEST(test_shared_goldens)
{
    const setting *S = &settings[_i];
    sea_acts *a;
    sea_proj *p;
    char rel[256];
    const char *path;
    snprintf(rel, sizeof rel, "golden/sea/fit-%s.safetensors", S->name);
    path = shared_path(rel);
    if (!path) return; /* counted as passing: the fixture test above covers a fresh clone */
    a = open_acts("sea/acts-mlp.safetensors");
    p = fit(a, S->K, S->feature, SEA_SOLVER_AUTO, 2);
    compare(p, path, 1);
    sea_proj_free(p);
    sea_acts_free(a);
}
END_TEST

START_TEST(test_invariants)
{
    sea_acts *a = open_acts("sea/acts-residual.safetensors");
    sea_proj *p = fit(a, 0.95, SEA_FEATURE_NONE, SEA_SOLVER_AUTO, 2);
    for (size_t l = 0; l < sea_proj_n_layer(p); l++)
        for (int s = 0; s < 2; s++) {
            size_t k, ns, d = sea_proj_d(p);
            const float *u = s ? sea_proj_u_neg(p, l, &k) : sea_proj_u_pos(p, l, &k);
            const float *ev = sea_proj_explained(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns);
            /* orthonormal columns */
            for (size_t i = 0; i < k; i++)
                for (size_t j = 0; j < k; j++) {
                    double g = 0;
                    for (size_t r = 0; r < d; r++) g += (double)u[r * k + i] * u[r * k + j];
                    ck_assert_msg(fabs(g - (i == j)) < 1e-5, "layer %zu: UᵀU[%zu,%zu] = %g", l, i, j, g);
                }
            /* k is the first index reaching K */
            ck_assert_uint_ge(k, 1);
            ck_assert_msg(ev[k - 1] >= 0.95f - 1e-6f, "ev[k-1] = %g < K", ev[k - 1]);
            if (k >= 2) ck_assert_msg(ev[k - 2] < 0.95f + 1e-6f, "ev[k-2] = %g >= K: k not minimal", ev[k - 2]);
            ck_assert(fabs(ev[ns - 1] - 1.0) < 1e-5);
            ck_assert(sea_proj_signature(p, l) > 0);
        }
    ck_assert_str_eq(sea_proj_site(p), "residual"); /* legacy "site" key of the golden file */
    sea_proj_free(p);
    sea_acts_free(a);
}
END_TEST

START_TEST(test_fixed_k_and_layers)
{
    sea_acts *a = open_acts("sea/acts-mlp.safetensors");
    sea_fit_params fp = sea_fit_default_params();
    unsigned char sel[6] = {0, 0, 1, 0, 0, 1};
    sea_proj *p, *full = fit(a, 0.99, SEA_FEATURE_NONE, SEA_SOLVER_EXACT, 1);
    sea_err err;
    fp.k_pos = 5;
    fp.k_neg = 7;
    fp.layers = sel;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_OK);
    for (size_t l = 0; l < 6; l++) {
        size_t k, kf;
        ck_assert_int_eq(sea_proj_has_layer(p, l), sel[l]);
        if (!sel[l]) {
            ck_assert_ptr_null(sea_proj_u_pos(p, l, &k));
            continue;
        }
        {
            const float *u = sea_proj_u_pos(p, l, &k), *uf = sea_proj_u_pos(full, l, &kf);
            float *top = malloc(256 * 5 * sizeof *top);
            ck_assert_uint_eq(k, 5);
            /* the same leading 5 directions as the ratio fit */
            for (size_t i = 0; i < 256; i++)
                for (size_t j = 0; j < 5; j++) top[i * 5 + j] = uf[i * kf + j];
            ck_assert_double_le(proj_diff(u, 5, top, 5, 0, 256), 1e-5);
            free(top);
            sea_proj_u_neg(p, l, &k);
            ck_assert_uint_eq(k, 7);
        }
    }
    ck_assert(isnan(sea_proj_k_ratio(p, SEA_PROJ_POS)));
    sea_proj_free(p);
    /* k larger than N = 48: more directions than demonstrations is refused, with the reason */
    fp.k_pos = 1000;
    fp.layers = NULL;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "only 48 demonstrations") != NULL, "%s", err.msg);
    /* k = N is the most there is */
    fp.k_pos = 48;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_OK);
    {
        size_t k;
        sea_proj_u_pos(p, 0, &k);
        ck_assert_uint_eq(k, 48);
    }
    sea_proj_free(p);
    /* bad parameters */
    fp = sea_fit_default_params();
    fp.k_ratio_pos = 1.5;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "not in (0, 1]"));
    fp = sea_fit_default_params();
    memset(sel, 0, sizeof sel);
    fp.layers = sel;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "no layer"));
    /* alpha and eps must stay meaningful as float32 (2 alpha^2 finite and normal, eps > 0) */
    {
        static const double bad_alpha[] = {0, -1, 1e-16, 1e16, NAN, INFINITY}, bad_eps[] = {0, 1, 1e-50, NAN};
        for (size_t i = 0; i < sizeof bad_alpha / sizeof *bad_alpha; i++) {
            fp = sea_fit_default_params();
            fp.alpha = bad_alpha[i];
            ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
            ck_assert_msg(strstr(err.msg, "alpha") && strstr(err.msg, "must be in [1e-15, 1e+15]"), "%s", err.msg);
        }
        for (size_t i = 0; i < sizeof bad_eps / sizeof *bad_eps; i++) {
            fp = sea_fit_default_params();
            fp.eps = bad_eps[i];
            ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
            ck_assert_msg(strstr(err.msg, "eps") && strstr(err.msg, "as a float32"), "%s", err.msg);
        }
    }
    sea_proj_free(full);
    sea_acts_free(a);
}
END_TEST

START_TEST(test_center_shift_invariance)
{
    /* with --center, adding one vector to every activation changes nothing */
    sea_acts *a = open_acts("sea/acts-mlp.safetensors"), *b;
    sea_fit_params fp = sea_fit_default_params();
    sea_proj *pa, *pb;
    size_t N = sea_acts_n(a), nl = sea_acts_n_layer(a), d = sea_acts_d(a);
    ck_assert_int_eq(sea_acts_new(&b, N, nl, d, NULL), SEA_OK);
    for (int w = 0; w < 3; w++) {
        const float *src = sea_acts_view(a, w);
        float *dst = sea_acts_data(b, w);
        for (size_t i = 0; i < N * nl * d; i++) dst[i] = src[i] + 0.25f * (float)((i % d) % 7) - 0.5f;
    }
    fp.center = 1;
    ck_assert_int_eq(sea_fit(&pa, a, &fp, NULL), SEA_OK);
    ck_assert_int_eq(sea_fit(&pb, b, &fp, NULL), SEA_OK);
    for (size_t l = 0; l < nl; l++) {
        size_t ka, kb;
        const float *ua = sea_proj_u_pos(pa, l, &ka), *ub = sea_proj_u_pos(pb, l, &kb);
        ck_assert_uint_eq(ka, kb);
        ck_assert_double_le(proj_diff(ua, ka, ub, kb, 0, d), 1e-4);
    }
    ck_assert(sea_proj_center(pa));
    sea_proj_free(pa);
    sea_proj_free(pb);
    sea_acts_free(a);
    sea_acts_free(b);
}
END_TEST

START_TEST(test_threads_and_roundtrip)
{
    sea_acts *a = open_acts("sea/acts-mlp.safetensors");
    sea_proj *p1 = fit(a, 0.99, SEA_FEATURE_TANH, SEA_SOLVER_EXACT, 1);
    sea_proj *p2 = fit(a, 0.99, SEA_FEATURE_TANH, SEA_SOLVER_EXACT, 2), *r;
    char path[] = "/tmp/sea-check-fit-XXXXXX";
    sea_err err;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    for (size_t l = 0; l < 6; l++) {
        size_t k1, k2;
        const float *u1 = sea_proj_u_pos(p1, l, &k1), *u2 = sea_proj_u_pos(p2, l, &k2);
        ck_assert_uint_eq(k1, k2);
        ck_assert_msg(memcmp(u1, u2, 256 * k1 * sizeof *u1) == 0, "layer %zu depends on the thread count", l);
    }
    ck_assert_int_eq(sea_proj_save(p2, path, &err), SEA_OK);
    ck_assert_msg(sea_proj_open(&r, path, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_proj_feature(r), SEA_FEATURE_TANH);
    ck_assert(sea_proj_alpha(r) == 1.0f && sea_proj_eps(r) == 1e-4f);
    ck_assert_uint_eq(sea_proj_n_demos(r), 48);
    ck_assert(sea_proj_k_ratio(r, SEA_PROJ_NEG) == 0.99);
    for (size_t l = 0; l < 6; l++)
        for (int s = 0; s < 2; s++) {
            size_t k1, k2, n1, n2;
            const float *u1 = s ? sea_proj_u_neg(p2, l, &k1) : sea_proj_u_pos(p2, l, &k1);
            const float *u2 = s ? sea_proj_u_neg(r, l, &k2) : sea_proj_u_pos(r, l, &k2);
            const float *s1 = sea_proj_singular_values(p2, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &n1), *s2 = sea_proj_singular_values(r, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &n2);
            ck_assert_uint_eq(k1, k2);
            ck_assert_uint_eq(n1, n2);
            ck_assert(memcmp(u1, u2, 256 * k1 * sizeof *u1) == 0);
            ck_assert(memcmp(s1, s2, n1 * sizeof *s1) == 0);
            ck_assert(sea_proj_signature(r, l) == sea_proj_signature(p2, l));
            ck_assert_str_eq(sea_proj_layer_solver(r, l), "exact");
        }
    unlink(path);
    sea_proj_free(p1);
    sea_proj_free(p2);
    sea_proj_free(r);
    sea_acts_free(a);
}
END_TEST


/* Synthetic activations with low-rank structure: H = Z B + noise, H± = Z B± + noise, the
 * loadings' scales decay^j. */
static sea_acts *synthetic_decay(size_t N, size_t d, size_t r, double noise, uint64_t seed, double decay)
{
    sea_acts *a;
    sea__rng g;
    double *z = malloc(N * r * sizeof *z), *b = malloc(r * d * sizeof *b);
    sea__rng_seed(&g, seed);
    ck_assert_int_eq(sea_acts_new(&a, N, 1, d, NULL), SEA_OK);
    for (size_t i = 0; i < N * r; i++) z[i] = sea__rng_normal(&g);
    for (int w = 0; w < 3; w++) {
        float *h = sea_acts_data(a, w);
        for (size_t j = 0; j < r; j++)
            for (size_t i = 0; i < d; i++) b[j * d + i] = pow(decay, (double)j) * sea__rng_normal(&g);
        for (size_t n = 0; n < N; n++)
            for (size_t i = 0; i < d; i++) {
                double v = 0;
                for (size_t j = 0; j < r; j++) v += z[n * r + j] * b[j * d + i];
                h[n * d + i] = (float)(v + noise * sea__rng_normal(&g));
            }
    }
    free(z);
    free(b);
    return a;
}

static sea_acts *synthetic(size_t N, size_t d, size_t r, double noise, uint64_t seed)
{
    return synthetic_decay(N, d, r, noise, seed, 0.75);
}

/* The released code's route in double: Ω = Hᵀ H± / N formed (d x d), full Jacobi SVD, k by
 * ratio; returns U [d, k] row-major float in *u. */
static size_t direct_route(float **u, const sea_acts *a, int which, double K)
{
    size_t N = sea_acts_n(a), d = sea_acts_d(a), k = 0;
    double *h0 = malloc(d * N * sizeof *h0), *hs = malloc(d * N * sizeof *hs), *om = malloc(d * d * sizeof *om);
    double *s = malloc(d * sizeof *s), tot = 0, cum = 0;
    for (size_t i = 0; i < d * N; i++) {
        h0[i] = sea_acts_view(a, SEA_ACTS_BASE)[i];
        hs[i] = sea_acts_view(a, which)[i];
    }
    /* column-major d x N views of the row-major [N, d] data; Ω = H0ᵀ Hs / N */
    ck_assert_int_eq(sea_dgemm(0, 1, d, d, N, 1.0 / (double)N, h0, d, hs, d, 0.0, om, d, 2, NULL), SEA_OK);
    ck_assert_int_eq(sea_svd_jacobi(om, d, d, d, s, NULL, 0, NULL, NULL, NULL), SEA_OK);
    for (size_t j = 0; j < d; j++) tot += s[j] * s[j];
    while (k < d) {
        cum += s[k] * s[k];
        k++;
        if (cum / tot >= K) break;
    }
    *u = malloc(d * k * sizeof **u);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < k; j++) (*u)[i * k + j] = (float)om[i + j * d];
    free(h0);
    free(hs);
    free(om);
    free(s);
    return k;
}

START_TEST(test_synthetic_routes)
{
    /* N = 300, d = 400: big enough for the leading-part Jacobi and for auto to go randomized */
    sea_acts *a = synthetic(300, 400, 14, 0.02, 9);
    float *ref[2];
    size_t kref[2];
    static const sea_solver solvers[3] = {SEA_SOLVER_EXACT, SEA_SOLVER_RANDOMIZED, SEA_SOLVER_AUTO};
    kref[0] = direct_route(&ref[0], a, SEA_ACTS_POSITIVE, 0.95);
    kref[1] = direct_route(&ref[1], a, SEA_ACTS_NEGATIVE, 0.95);
    for (int v = 0; v < 3; v++) {
        sea_proj *p = fit(a, 0.95, SEA_FEATURE_NONE, solvers[v], 2);
        for (int s = 0; s < 2; s++) {
            size_t k;
            const float *u = s ? sea_proj_u_neg(p, 0, &k) : sea_proj_u_pos(p, 0, &k);
            double diff;
            ck_assert_msg(k == kref[s], "solver %d side %d: k = %zu, direct route %zu", v, s, k, kref[s]);
            diff = proj_diff(u, k, ref[s], kref[s], 0, 400);
            ck_assert_msg(diff < (v == 0 ? 1e-6 : 1e-5), "solver %d side %d: max |dP| = %g", v, s, diff);
        }
        ck_assert_str_eq(sea_proj_layer_solver(p, 0), v == 0 ? "exact" : "randomized");
        sea_proj_free(p);
    }
    free(ref[0]);
    free(ref[1]);
    sea_acts_free(a);
}
END_TEST

/* The exact solver (Gram-preconditioned) on slowly decaying spectra, N < d and N > d, K = 0.99
 * and 0.998: the direct route's k and projectors within 1e-6. */
START_TEST(test_exact_slow_spectra)
{
    static const size_t shapes[2][2] = {{260, 340}, {340, 260}}; /* N, d */
    static const double ks[2] = {0.99, 0.998};
    for (int t = 0; t < 2; t++) {
        size_t N = shapes[t][0], d = shapes[t][1];
        sea_acts *a = synthetic_decay(N, d, 200, 0.05, 31 + (uint64_t)t, 0.97);
        for (int kk = 0; kk < 2; kk++) {
            float *ref[2];
            size_t kref[2];
            sea_proj *p = fit(a, ks[kk], SEA_FEATURE_NONE, SEA_SOLVER_EXACT, 2);
            kref[0] = direct_route(&ref[0], a, SEA_ACTS_POSITIVE, ks[kk]);
            kref[1] = direct_route(&ref[1], a, SEA_ACTS_NEGATIVE, ks[kk]);
            ck_assert_msg(kref[0] > 30, "the spectrum is not slow enough (k = %zu)", kref[0]);
            for (int s = 0; s < 2; s++) {
                size_t k;
                const float *u = s ? sea_proj_u_neg(p, 0, &k) : sea_proj_u_pos(p, 0, &k);
                double diff;
                ck_assert_msg(k == kref[s], "N %zu d %zu K %g side %d: k = %zu, direct route %zu", N, d, ks[kk], s, k,
                              kref[s]);
                diff = proj_diff(u, k, ref[s], kref[s], 0, d);
                ck_assert_msg(diff < 1e-6, "N %zu d %zu K %g side %d: max |dP| = %g", N, d, ks[kk], s, diff);
            }
            free(ref[0]);
            free(ref[1]);
            sea_proj_free(p);
        }
        sea_acts_free(a);
    }
}
END_TEST

/* The randomized route on harder inputs: bitwise the same for 1 and 2 threads; one coordinate
 * of the neutral activations 1e6 times the others (a "massive activation"), which makes the
 * N-space range finder decline (Gram matrices too ill-conditioned) and the d-space one take
 * over: still the direct route's k and projectors. */
START_TEST(test_randomized_threads_and_outlier)
{
    sea_acts *a = synthetic(300, 400, 14, 0.02, 11);
    float *ref[2];
    size_t kref[2];
    sea_proj *p1 = fit(a, 0.95, SEA_FEATURE_NONE, SEA_SOLVER_RANDOMIZED, 1);
    sea_proj *p2 = fit(a, 0.95, SEA_FEATURE_NONE, SEA_SOLVER_RANDOMIZED, 2);
    for (int s = 0; s < 2; s++) {
        size_t k1, k2, n1, n2;
        const float *u1 = s ? sea_proj_u_neg(p1, 0, &k1) : sea_proj_u_pos(p1, 0, &k1);
        const float *u2 = s ? sea_proj_u_neg(p2, 0, &k2) : sea_proj_u_pos(p2, 0, &k2);
        const float *s1 = sea_proj_singular_values(p1, 0, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &n1);
        const float *s2 = sea_proj_singular_values(p2, 0, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &n2);
        ck_assert_uint_eq(k1, k2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_msg(memcmp(u1, u2, 400 * k1 * sizeof *u1) == 0, "side %d depends on the thread count", s);
        ck_assert(memcmp(s1, s2, n1 * sizeof *s1) == 0);
    }
    sea_proj_free(p1);
    sea_proj_free(p2);
    {
        float *h = sea_acts_data(a, SEA_ACTS_BASE);
        for (size_t n = 0; n < 300; n++) h[n * 400 + 5] *= 1e6f;
    }
    kref[0] = direct_route(&ref[0], a, SEA_ACTS_POSITIVE, 0.95);
    kref[1] = direct_route(&ref[1], a, SEA_ACTS_NEGATIVE, 0.95);
    p1 = fit(a, 0.95, SEA_FEATURE_NONE, SEA_SOLVER_RANDOMIZED, 2);
    for (int s = 0; s < 2; s++) {
        size_t k;
        const float *u = s ? sea_proj_u_neg(p1, 0, &k) : sea_proj_u_pos(p1, 0, &k);
        double diff;
        ck_assert_msg(k == kref[s], "outlier side %d: k = %zu, direct route %zu", s, k, kref[s]);
        diff = proj_diff(u, k, ref[s], kref[s], 0, 400);
        ck_assert_msg(diff < 1e-5, "outlier side %d: max |dP| = %g", s, diff);
    }
    sea_proj_free(p1);
    free(ref[0]);
    free(ref[1]);
    sea_acts_free(a);
}
END_TEST

START_TEST(test_features)
{
    float x[5] = {-2.0f, -0.5f, 0.0f, 0.5f, 3.0f}, y[5];
    sea_feature f;
    sea_err err;
    ck_assert_int_eq(sea_feature_parse(&f, "rbf", &err), SEA_OK);
    ck_assert_int_eq(f, SEA_FEATURE_SQEXP);
    ck_assert_str_eq(sea_feature_name(f), "squared-exponential");
    ck_assert_int_eq(sea_feature_parse(&f, "poly", &err), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "poly"));
    /* tanh and elu: φ̂⁻¹(φ(z)) = z inside the clamp range; squared-exponential gives z² */
    memcpy(y, x, sizeof x);
    sea_feature_apply(y, 5, SEA_FEATURE_TANH, 1.0f);
    sea_feature_inverse(y, 5, SEA_FEATURE_TANH, 1.0f, 1e-4f);
    for (int i = 0; i < 5; i++) ck_assert_msg(fabsf(y[i] - x[i]) < 1e-3f, "tanh %d: %g", i, y[i]);
    y[0] = 10.0f; /* tanh(10) rounds to 1: clamped at 1 - eps */
    sea_feature_apply(y, 1, SEA_FEATURE_TANH, 1.0f);
    sea_feature_inverse(y, 1, SEA_FEATURE_TANH, 1.0f, 1e-4f);
    ck_assert(fabsf(y[0] - atanhf(1.0f - 1e-4f)) < 1e-3f);
    memcpy(y, x, sizeof x);
    sea_feature_apply(y, 5, SEA_FEATURE_ELU, 1.0f);
    ck_assert(fabsf(y[0] - expm1f(-2.0f)) < 1e-7f && y[4] == 3.0f);
    sea_feature_inverse(y, 5, SEA_FEATURE_ELU, 1.0f, 1e-4f);
    for (int i = 0; i < 5; i++) ck_assert(fabsf(y[i] - x[i]) < 1e-5f);
    memcpy(y, x, sizeof x);
    sea_feature_apply(y, 5, SEA_FEATURE_SQEXP, 2.0f);
    ck_assert(fabsf(y[0] - expf(-4.0f / 8.0f)) < 1e-7f);
    sea_feature_inverse(y, 5, SEA_FEATURE_SQEXP, 2.0f, 1e-4f);
    for (int i = 0; i < 5; i++) ck_assert_msg(fabsf(y[i] - x[i] * x[i]) < 1e-4f, "sqexp %d: %g", i, y[i]);
    y[0] = -1.0f; /* below eps: clamped */
    sea_feature_inverse(y, 1, SEA_FEATURE_SQEXP, 1.0f, 1e-4f);
    ck_assert(fabsf(y[0] - (-2.0f * logf(1e-4f))) < 1e-4f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_fixture_settings, 0, (int)SEA_ARRAY_LEN(settings));
    tcase_add_loop_test(tc, test_shared_goldens, 0, (int)SEA_ARRAY_LEN(settings));
    tcase_add_test(tc, test_invariants);
    tcase_add_test(tc, test_fixed_k_and_layers);
    tcase_add_test(tc, test_center_shift_invariance);
    tcase_add_test(tc, test_threads_and_roundtrip);
    tcase_add_test(tc, test_features);
    tcase_add_test(tc, test_synthetic_routes);
    tcase_add_test(tc, test_exact_slow_spectra);
    tcase_add_test(tc, test_randomized_threads_and_outlier);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!getenv("SEA_SHARED")) fprintf(stderr, "note: SEA_SHARED unset: dense golden comparisons skipped, fixtures used\n");
    return run_suite(suite());
}
