/* tests/check_linalg.c: the double-precision linear algebra against LAPACK's own test ratios
 * (TESTING/EIG ddrvbd: residual ‖A − UΣVᵀ‖₁/(‖A‖₁·max(m,n)·ulp), orthogonality
 * ‖I − UᵀU‖₁/(m·ulp), both < 30) on random, graded, rank-deficient, Hilbert, zero, identity
 * and tiny/huge-scaled matrices; gemm against a naive triple loop for every kernel; QR
 * residual and orthogonality; randomized SVD against the exact one; NaN/Inf refused. */
#include "testutil.h"
#include "core/internal.h"
#include "kernels/cpu.h"
#include "linalg/linalg_internal.h"

#define ULP 2.220446049250313e-16
#define THRESH 30.0

static double *dalloc(size_t n)
{
    double *p = calloc(n ? n : 1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void randn(double *a, size_t n, uint64_t seed)
{
    sea__rng r;
    sea__rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) a[i] = sea__rng_normal(&r);
}

/* Random m x n matrix with orthonormal columns (m >= n), from the QR of a Gaussian. */
static double *rand_orth(size_t m, size_t n, uint64_t seed)
{
    double *g = dalloc(m * n), *q = dalloc(m * n), *tau = dalloc(n);
    randn(g, m * n, seed);
    ck_assert_int_eq(sea_qr(g, m, m, n, tau, 1, NULL), SEA_OK);
    ck_assert_int_eq(sea__qr_form_q(q, m, m, g, m, n, tau, 1, NULL), SEA_OK);
    free(g);
    free(tau);
    return q;
}

/* A = U diag(d) Vᵀ (m x n, m >= n), exact enough for the ratios (errors ~ ulp·‖A‖). */
static double *with_spectrum(size_t m, size_t n, const double *dg, uint64_t seed)
{
    double *u = rand_orth(m, n, seed), *v = rand_orth(n, n, seed + 1), *a = dalloc(m * n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) u[i + j * m] *= dg[j];
    ck_assert_int_eq(sea_dgemm(0, 1, m, n, n, 1.0, u, m, v, n, 0.0, a, m, 1, NULL), SEA_OK);
    free(u);
    free(v);
    return a;
}

/* ‖I − QᵀQ‖₁/(rows·ulp) for rows x cols. */
static double orth_ratio(const double *q, size_t rows, size_t cols)
{
    double *g = dalloc(cols * cols), r;
    if (cols == 0) return 0;
    ck_assert_int_eq(sea_dgemm(1, 0, cols, cols, rows, 1.0, q, rows, q, rows, 0.0, g, cols, 1, NULL), SEA_OK);
    for (size_t i = 0; i < cols; i++) g[i + i * cols] -= 1.0;
    r = sea_dnorm1(g, cols, cols, cols) / ((double)SEA_MAX(rows, 1) * ULP);
    free(g);
    return r;
}

/* ‖A − U diag(s) Vᵀ‖₁/(‖A‖₁·max(m,n)·ulp), computed in the units of `unit` (a power of two)
 * so that huge and tiny matrices neither overflow nor underflow. */
static double resid_ratio(const double *a, size_t m, size_t n, const double *u, const double *s,
                          const double *v, double unit)
{
    double *us = dalloc(m * n), *r = dalloc(m * n), an, rn;
    for (size_t i = 0; i < m * n; i++) r[i] = a[i] / unit;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) us[i + j * m] = u[i + j * m] * (s[j] / unit);
    an = sea_dnorm1(r, m, m, n);
    ck_assert_int_eq(sea_dgemm(0, 1, m, n, n, -1.0, us, m, v, n, 1.0, r, m, 1, NULL), SEA_OK);
    rn = sea_dnorm1(r, m, m, n);
    free(us);
    free(r);
    if (an == 0) return rn / ULP;
    return rn / (an * (double)SEA_MAX(m, n) * ULP);
}

/* Which full SVD check_svd runs: 0 = sea_svd_jacobi, 1 = sea_svd_gram (set by the tests). */
static int g_gram;

/* Run the Jacobi (or Gram-preconditioned) SVD on a copy of a (m x n) and check every LAPACK
 * ratio; returns info. */
static sea_svd_info check_svd(const double *a, size_t m, size_t n, const char *what, int precond,
                              int threads, double unit, const double *expect_s)
{
    double *u = dalloc(m * n), *v = dalloc(n * n), *s = dalloc(n), r1, r2, r3;
    sea_svd_params p = sea_svd_default_params();
    sea_svd_info info;
    sea_err err;
    memcpy(u, a, m * n * sizeof *u);
    p.precondition = precond;
    p.n_threads = threads;
    sea_err_clear(&err);
    if (g_gram)
        ck_assert_msg(sea_svd_gram(u, m, m, n, s, v, n, &p, &info, &err) == SEA_OK, "%s (gram): %s", what, err.msg);
    else
        ck_assert_msg(sea_svd_jacobi(u, m, m, n, s, v, n, &p, &info, &err) == SEA_OK, "%s: %s", what, err.msg);
    r1 = resid_ratio(a, m, n, u, s, v, unit);
    r2 = orth_ratio(u, m, n);
    r3 = orth_ratio(v, n, n);
    ck_assert_msg(r1 < THRESH, "%s (%zux%zu, precond %d, gram %d): residual ratio %.3g", what, m, n, precond, g_gram, r1);
    ck_assert_msg(r2 < THRESH, "%s (%zux%zu, precond %d, gram %d): U orthogonality ratio %.3g", what, m, n, precond, g_gram, r2);
    ck_assert_msg(r3 < THRESH, "%s (%zux%zu, precond %d, gram %d): V orthogonality ratio %.3g", what, m, n, precond, g_gram, r3);
    for (size_t j = 0; j < n; j++) {
        ck_assert_msg(s[j] >= 0 && (j == 0 || s[j] <= s[j - 1]), "%s: s not sorted/non-negative at %zu", what, j);
        if (expect_s)
            ck_assert_msg(fabs(s[j] - expect_s[j]) <= 30 * n * ULP * expect_s[0] + 1e-300,
                          "%s (gram %d): s[%zu] = %.17g, expected %.17g", what, g_gram, j, s[j], expect_s[j]);
    }
    free(u);
    free(v);
    free(s);
    return info;
}

static const size_t shapes[][2] = {{1, 1}, {2, 1}, {3, 3}, {5, 3}, {10, 10}, {17, 9}, {40, 40}, {64, 31}, {90, 90}};

START_TEST(test_svd_spectra)
{
    g_gram = _i;
    for (size_t t = 0; t < SEA_ARRAY_LEN(shapes); t++) {
        size_t m = shapes[t][0], n = shapes[t][1];
        double *dg = dalloc(n);
        for (int kind = 0; kind < 5; kind++) {
            double *a;
            const char *name = "";
            for (size_t j = 0; j < n; j++) {
                double x = n > 1 ? (double)j / (double)(n - 1) : 0;
                switch (kind) {
                case 0: name = "evenly spaced 1..ulp"; dg[j] = 1.0 - x * (1.0 - ULP); break;
                case 1: name = "geometric 1..ulp (graded)"; dg[j] = pow(ULP, x); break;
                case 2: name = "rank-deficient"; dg[j] = j < n / 2 ? 1.0 / (double)(j + 1) : 0.0; break;
                case 3: name = "clustered"; dg[j] = j == 0 ? 1.0 : 1e-8 * (1 + 1e-12 * (double)j); break;
                default: name = "identity-like"; dg[j] = 1.0; break;
                }
            }
            a = with_spectrum(m, n, dg, 100 + t * 7 + (uint64_t)kind);
            for (int pre = 0; pre <= 1; pre++)
                check_svd(a, m, n, name, pre, 1, 1.0, kind == 4 || kind == 0 ? dg : NULL);
            free(a);
        }
        free(dg);
    }
}
END_TEST

START_TEST(test_svd_special)
{
    size_t n = 12;
    double *h = dalloc(n * n), *z = dalloc(30 * 7), *id = dalloc(9 * 9), *big, *tiny, *dg = dalloc(20);
    double unit_big, unit_tiny;
    g_gram = _i;
    /* plain Gaussian random matrices */
    {
        double *g = dalloc(70 * 45);
        randn(g, 70 * 45, 21);
        check_svd(g, 70, 45, "Gaussian", 1, 1, 1.0, NULL);
        check_svd(g, 70, 45, "Gaussian", 0, 2, 1.0, NULL);
        check_svd(g, 45, 45, "Gaussian square", 1, 1, 1.0, NULL);
        free(g);
    }
    /* Hilbert: condition ~1e16 */
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) h[i + j * n] = 1.0 / (double)(i + j + 1);
    check_svd(h, n, n, "Hilbert", 1, 1, 1.0, NULL);
    check_svd(h, n, n, "Hilbert", 0, 1, 1.0, NULL);
    /* zero matrix: s = 0, U and V still orthonormal */
    check_svd(z, 30, 7, "zero", 1, 1, 1.0, NULL);
    for (size_t i = 0; i < 9; i++) id[i + i * 9] = 1.0;
    check_svd(id, 9, 9, "identity", 1, 1, 1.0, NULL);
    /* LAPACK's scaled types: spectrum 1..ulp times underflow/ulp and times overflow·ulp */
    for (size_t j = 0; j < 20; j++) dg[j] = 1.0 - (double)j / 19.0 * (1.0 - ULP);
    big = with_spectrum(25, 20, dg, 7);
    tiny = with_spectrum(25, 20, dg, 7);
    unit_big = ldexp(1.0, 970);    /* ≈ overflow·ulp */
    unit_tiny = ldexp(1.0, -970);  /* ≈ underflow/ulp */
    for (size_t i = 0; i < 25 * 20; i++) {
        big[i] *= unit_big;
        tiny[i] *= unit_tiny;
    }
    check_svd(big, 25, 20, "huge-scaled", 1, 1, unit_big, NULL);
    check_svd(big, 25, 20, "huge-scaled", 0, 1, unit_big, NULL);
    check_svd(tiny, 25, 20, "tiny-scaled", 1, 1, unit_tiny, NULL);
    check_svd(tiny, 25, 20, "tiny-scaled", 0, 1, unit_tiny, NULL);
    free(h);
    free(z);
    free(id);
    free(big);
    free(tiny);
    free(dg);
}
END_TEST

START_TEST(test_svd_rank_one_duplicates)
{
    /* every column the same: rank 1, U completed to an orthonormal set */
    size_t m = 20, n = 8;
    double *a = dalloc(m * n), *u = dalloc(m * n), *s = dalloc(n), expect;
    sea_svd_info info;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) a[i + j * m] = (double)(i % 5) - 2.0;
    check_svd(a, m, n, "rank one", 1, 1, 1.0, NULL);
    check_svd(a, m, n, "rank one", 0, 1, 1.0, NULL);
    memcpy(u, a, m * n * sizeof *u);
    ck_assert_int_eq(sea_svd_jacobi(u, m, m, n, s, NULL, 0, NULL, &info, NULL), SEA_OK);
    expect = sqrt(8.0 * 40.0); /* ‖column‖ = sqrt(4·(4+1+0+1+4)) = sqrt(40), times sqrt(8) */
    ck_assert_msg(fabs(s[0] - expect) < 1e-13 * expect, "s0 %.17g vs %.17g", s[0], expect);
    ck_assert_msg(s[1] < 1e-14 * expect, "s1 = %g should be ~0", s[1]);
    ck_assert_double_le(orth_ratio(u, m, n), THRESH);
    free(a);
    free(u);
    free(s);
}
END_TEST

START_TEST(test_svd_threads_and_simd_agree)
{
    /* same result bitwise for 1 and 2 threads; every SIMD level meets the ratios */
    size_t m = 150, n = 140;
    double *dg = dalloc(n), *a, *u1 = dalloc(m * n), *u2 = dalloc(m * n), *s1 = dalloc(n), *s2 = dalloc(n);
    sea_svd_params p = sea_svd_default_params();
    sea_simd saved = sea__simd_level();
    for (size_t j = 0; j < n; j++) dg[j] = exp(-0.1 * (double)j);
    a = with_spectrum(m, n, dg, 42);
    memcpy(u1, a, m * n * sizeof *a);
    memcpy(u2, a, m * n * sizeof *a);
    p.n_threads = 1;
    ck_assert_int_eq(sea_svd_jacobi(u1, m, m, n, s1, NULL, 0, &p, NULL, NULL), SEA_OK);
    p.n_threads = 2;
    ck_assert_int_eq(sea_svd_jacobi(u2, m, m, n, s2, NULL, 0, &p, NULL, NULL), SEA_OK);
    ck_assert_msg(memcmp(s1, s2, n * sizeof *s1) == 0, "singular values depend on the thread count");
    ck_assert_msg(memcmp(u1, u2, m * n * sizeof *u1) == 0, "U depends on the thread count");
    for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
        if (!sea__simd_available((sea_simd)lvl)) continue;
        sea__simd_force((sea_simd)lvl);
        check_svd(a, m, n, sea__simd_name((sea_simd)lvl), 1, 2, 1.0, NULL);
        check_svd(a, m, n, sea__simd_name((sea_simd)lvl), 0, 2, 1.0, NULL);
    }
    sea__simd_force(saved);
    free(dg);
    free(a);
    free(u1);
    free(u2);
    free(s1);
    free(s2);
}
END_TEST

START_TEST(test_svd_bad_input)
{
    double a[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, s[4];
    sea_err err;
    sea_err_clear(&err);
    a[5] = NAN;
    ck_assert_int_eq(sea_svd_jacobi(a, 4, 4, 3, s, NULL, 0, NULL, NULL, &err), SEA_ERR_NUMERIC);
    ck_assert_ptr_nonnull(strstr(err.msg, "NaN or Inf"));
    a[5] = INFINITY;
    ck_assert_int_eq(sea_svd_jacobi(a, 4, 4, 3, s, NULL, 0, NULL, NULL, &err), SEA_ERR_NUMERIC);
    a[5] = 6;
    ck_assert_int_eq(sea_svd_jacobi(a, 3, 3, 4, s, NULL, 0, NULL, NULL, &err), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "m >= n"));
    ck_assert_int_eq(sea_svd_jacobi(a, 2, 4, 3, s, NULL, 0, NULL, NULL, &err), SEA_ERR_ARG);
}
END_TEST

START_TEST(test_svd_sweep_limit)
{
    /* one sweep is not enough for a random 30 x 30: NO_CONVERGENCE with diagnostics, and
     * the outputs are still a sorted, orthonormal approximation */
    size_t n = 30;
    double *a = dalloc(n * n), *s = dalloc(n);
    sea_svd_params p = sea_svd_default_params();
    sea_svd_info info;
    sea_err err;
    randn(a, n * n, 3);
    p.max_sweeps = 1;
    p.precondition = 0;
    sea_err_clear(&err);
    ck_assert_int_eq(sea_svd_jacobi(a, n, n, n, s, NULL, 0, &p, &info, &err), SEA_ERR_NO_CONVERGENCE);
    ck_assert_int_eq(info.sweeps, 1);
    ck_assert(info.off > p.tol || info.off > 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "did not converge in 1 sweeps"));
    for (size_t j = 1; j < n; j++) ck_assert(s[j] <= s[j - 1]);
    free(a);
    free(s);
}
END_TEST


START_TEST(test_svd_partial)
{
    /* energy mode: leading triplets certified and equal to the full SVD's */
    size_t n = 300;
    double *dg = dalloc(n), *a, *uf = dalloc(n * n), *up = dalloc(n * n), *sf = dalloc(n), *sp = dalloc(n), cum = 0, tot = 0;
    sea_svd_params p = sea_svd_default_params();
    sea_svd_info info;
    size_t need = 0;
    for (size_t j = 0; j < n; j++) dg[j] = j < 12 ? pow(0.6, (double)j) : 2e-3 * (1.0 - 0.5 * (double)j / (double)n);
    a = with_spectrum(n, n, dg, 5);
    memcpy(uf, a, n * n * sizeof *a);
    ck_assert_int_eq(sea_svd_jacobi(uf, n, n, n, sf, NULL, 0, NULL, NULL, NULL), SEA_OK);
    for (size_t j = 0; j < n; j++) tot += sf[j] * sf[j];
    for (size_t j = 0; j < n && !need; j++) {
        cum += sf[j] * sf[j];
        if (cum >= 0.99 * tot) need = j + 1;
    }
    for (int variant = 0; variant < 2; variant++) {
        memcpy(up, a, n * n * sizeof *a);
        p.energy = 0.99;
        p.min_lead = variant ? 20 : 0;
        p.min_values = 64;
        ck_assert_int_eq(sea_svd_jacobi(up, n, n, n, sp, NULL, 0, &p, &info, NULL), SEA_OK);
        ck_assert_uint_ge(info.n_valid, variant ? 20 : need);
        if (variant == 0) {
            ck_assert_uint_lt(info.n_valid, n); /* it did stop early */
            ck_assert_uint_eq(info.n_values, 64);
            ck_assert_msg(info.tail_bound >= sf[info.n_valid] && info.tail_bound < sp[info.n_valid - 1],
                          "tail bound %g not in [%g, %g)", info.tail_bound, sf[info.n_valid], sp[info.n_valid - 1]);
        } else {
            /* 20 wanted, 8 of them inside the flat tail: it falls back to full sweeps */
            ck_assert_uint_eq(info.n_valid, n);
            continue;
        }
        for (size_t j = 0; j < info.n_valid; j++) {
            double c = fabs(sea__ddot(n, up + j * n, uf + j * n));
            ck_assert_msg(fabs(sp[j] - sf[j]) <= 1e-13 * sf[0], "s[%zu] %.17g vs full %.17g", j, sp[j], sf[j]);
            if (j < 12) ck_assert_msg(fabs(c - 1) < 1e-10, "u[%zu] differs from the full SVD's (|cos| = %.17g)", j, c);
        }
        /* the rest's values come from its Gram matrix: squares exact to ~n·ulp·σ₁² */
        for (size_t j = info.n_valid; j < 64; j++)
            ck_assert_msg(fabs(sp[j] * sp[j] - sf[j] * sf[j]) <= 30 * n * ULP * sf[0] * sf[0], "value %zu of the rest: %.17g vs %.17g",
                          j, sp[j], sf[j]);
        ck_assert(isnan(sp[64]));
    }
    /* V is refused in this mode */
    p.min_lead = 0;
    ck_assert_int_eq(sea_svd_jacobi(up, n, n, n, sp, uf, n, &p, NULL, NULL), SEA_ERR_ARG);
    free(dg);
    free(a);
    free(uf);
    free(up);
    free(sf);
    free(sp);
}
END_TEST

/* The Gram-preconditioned SVD's leading-part mode against the full Jacobi SVD of the same
 * matrix: the kept values to 1e-10·σ₁, U orthonormal to 1e-12, the kept vectors' projector
 * (where a gap separates them) to 1e-9, and the tail bound above every value not kept. */
static void gram_partial_case(size_t m, size_t n, const double *dg, double K, size_t min_lead, const char *what)
{
    double *a = with_spectrum(m, n, dg, 77 + m + n), *uf = dalloc(m * n), *ug = dalloc(m * n), *sf = dalloc(n),
           *sg = dalloc(n), tot = 0, cum = 0, oe = 0;
    sea_svd_params p = sea_svd_default_params();
    sea_svd_info info;
    sea_err err;
    size_t need = 0, nv;
    memcpy(uf, a, m * n * sizeof *a);
    memcpy(ug, a, m * n * sizeof *a);
    ck_assert_int_eq(sea_svd_jacobi(uf, m, m, n, sf, NULL, 0, NULL, NULL, NULL), SEA_OK);
    p.energy = K;
    p.min_lead = min_lead;
    p.min_values = SEA_MIN(n, (size_t)64);
    sea_err_clear(&err);
    ck_assert_msg(sea_svd_gram(ug, m, m, n, sg, NULL, 0, &p, &info, &err) == SEA_OK, "%s: %s", what, err.msg);
    for (size_t j = 0; j < n; j++) tot += sf[j] * sf[j];
    for (size_t j = 0; j < n && !need; j++) {
        cum += sf[j] * sf[j];
        if (cum >= K * tot * (1 - 1e-12)) need = j + 1;
    }
    nv = info.n_valid;
    ck_assert_msg(nv >= SEA_MAX(need, SEA_MIN(min_lead, n)) && nv <= n, "%s: %zu kept, %zu wanted", what, nv, need);
    ck_assert_uint_ge(info.n_values, SEA_MIN(n, (size_t)64));
    for (size_t j = 0; j < nv; j++) {
        ck_assert_msg(fabs(sg[j] - sf[j]) <= 1e-10 * sf[0], "%s: s[%zu] %.17g vs Jacobi %.17g", what, j, sg[j], sf[j]);
        for (size_t i = 0; i <= j; i++) oe = fmax(oe, fabs(sea__ddot(m, ug + i * m, ug + j * m) - (i == j)));
    }
    ck_assert_msg(oe <= 1e-12, "%s: |UᵀU − I| = %.3g", what, oe);
    for (size_t j = nv; j < info.n_values; j++)
        ck_assert_msg(sg[j] <= sg[j - 1] && sg[j] >= 0, "%s: value %zu not sorted", what, j);
    if (nv < n) {
        ck_assert_msg(info.tail_bound >= sf[nv] * (1 - 1e-12), "%s: tail bound %g below the next value %g", what,
                      info.tail_bound, sf[nv]);
        ck_assert_msg(info.tail_bound < sg[nv - 1], "%s: tail bound %g not below the last kept %g", what, info.tail_bound,
                      sg[nv - 1]);
        ck_assert(isnan(sg[SEA_MAX(nv, info.n_values)]) || info.n_values == n);
    }
    /* projector onto the leading `need` directions where a gap separates them */
    if (need > 0 && need < n && sf[need - 1] - sf[need] > 1e-3 * sf[0]) {
        double worst = 0;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j <= i; j++) {
                double x = 0, y = 0;
                for (size_t t = 0; t < need; t++) {
                    x += ug[i + t * m] * ug[j + t * m];
                    y += uf[i + t * m] * uf[j + t * m];
                }
                worst = fmax(worst, fabs(x - y));
            }
        ck_assert_msg(worst < 1e-9, "%s: projectors differ by %.3g", what, worst);
    }
    free(a);
    free(uf);
    free(ug);
    free(sf);
    free(sg);
}

START_TEST(test_gram_partial)
{
    size_t sizes[][2] = {{300, 300}, {400, 250}, {250, 250}};
    for (size_t t = 0; t < SEA_ARRAY_LEN(sizes); t++) {
        size_t m = sizes[t][0], n = sizes[t][1];
        double *dg = dalloc(n);
        for (size_t j = 0; j < n; j++) dg[j] = pow(0.97, (double)j); /* slow decay */
        gram_partial_case(m, n, dg, 0.99, 0, "slow decay 0.97^j");
        gram_partial_case(m, n, dg, 0.5, 40, "slow decay, min_lead 40");
        for (size_t j = 0; j < n; j++) dg[j] = pow(ULP, (double)j / (double)(n - 1)); /* graded 1..ulp */
        gram_partial_case(m, n, dg, 0.999, 0, "graded 1..ulp");
        for (size_t j = 0; j < n; j++) dg[j] = j < 20 ? 1.0 / (double)(j + 1) : 0.0; /* rank 20 */
        gram_partial_case(m, n, dg, 0.99, 0, "rank-deficient (rank 20)");
        for (size_t j = 0; j < n; j++) dg[j] = j < 10 ? 1.0 : 1e-3 * (1 + 1e-9 * (double)j); /* two clusters */
        gram_partial_case(m, n, dg, 0.9, 0, "clustered");
        for (size_t j = 0; j < n; j++) dg[j] = j < 12 ? pow(0.6, (double)j) : 2e-3 * (1.0 - 0.5 * (double)j / (double)n);
        gram_partial_case(m, n, dg, 0.99, 20, "wanted values inside a flat tail");
        free(dg);
    }
    {
        /* a plain Gaussian matrix (flat spectrum, no gap) */
        size_t m = 260, n = 200;
        double *g = dalloc(m * n), *u1 = dalloc(m * n), *u2 = dalloc(m * n), *s1 = dalloc(n), *s2 = dalloc(n);
        sea_svd_params p = sea_svd_default_params();
        sea_svd_info info;
        randn(g, m * n, 8);
        memcpy(u1, g, m * n * sizeof *g);
        memcpy(u2, g, m * n * sizeof *g);
        ck_assert_int_eq(sea_svd_jacobi(u1, m, m, n, s1, NULL, 0, NULL, NULL, NULL), SEA_OK);
        p.energy = 0.3;
        ck_assert_int_eq(sea_svd_gram(u2, m, m, n, s2, NULL, 0, &p, &info, NULL), SEA_OK);
        for (size_t j = 0; j < info.n_valid; j++)
            ck_assert_msg(fabs(s1[j] - s2[j]) <= 1e-10 * s1[0], "Gaussian: s[%zu] %.17g vs %.17g", j, s2[j], s1[j]);
        free(g);
        free(u1);
        free(u2);
        free(s1);
        free(s2);
    }
}
END_TEST

START_TEST(test_gram_threads_and_errors)
{
    /* bitwise the same for 1 and 2 threads; NaN, wide shapes and V in the partial mode refused */
    size_t m = 220, n = 200;
    double *dg = dalloc(n), *a, *u1 = dalloc(m * n), *u2 = dalloc(m * n), *s1 = dalloc(n), *s2 = dalloc(n);
    double bad[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    sea_svd_params p = sea_svd_default_params();
    sea_svd_info i1, i2;
    sea_err err;
    for (size_t j = 0; j < n; j++) dg[j] = exp(-0.03 * (double)j);
    a = with_spectrum(m, n, dg, 43);
    memcpy(u1, a, m * n * sizeof *a);
    memcpy(u2, a, m * n * sizeof *a);
    p.energy = 0.99;
    p.min_values = 64;
    p.n_threads = 1;
    ck_assert_int_eq(sea_svd_gram(u1, m, m, n, s1, NULL, 0, &p, &i1, NULL), SEA_OK);
    p.n_threads = 2;
    ck_assert_int_eq(sea_svd_gram(u2, m, m, n, s2, NULL, 0, &p, &i2, NULL), SEA_OK);
    ck_assert_uint_eq(i1.n_valid, i2.n_valid);
    ck_assert_msg(memcmp(s1, s2, i1.n_values * sizeof *s1) == 0, "singular values depend on the thread count");
    ck_assert_msg(memcmp(u1, u2, m * i1.n_valid * sizeof *u1) == 0, "U depends on the thread count");
    sea_err_clear(&err);
    bad[5] = NAN;
    ck_assert_int_eq(sea_svd_gram(bad, 4, 4, 3, s1, NULL, 0, NULL, NULL, &err), SEA_ERR_NUMERIC);
    ck_assert_ptr_nonnull(strstr(err.msg, "NaN or Inf"));
    bad[5] = 6;
    ck_assert_int_eq(sea_svd_gram(bad, 3, 3, 4, s1, NULL, 0, NULL, NULL, &err), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "m >= n"));
    ck_assert_int_eq(sea_svd_gram(u1, m, m, n, s1, u2, n, &p, NULL, &err), SEA_ERR_ARG);
    free(dg);
    free(a);
    free(u1);
    free(u2);
    free(s1);
    free(s2);
}
END_TEST

START_TEST(test_tridiagonal)
{
    /* the fused symmetric-product kernel: every SIMD level against the scalar reference */
    {
        size_t lda = 45;
        double *a = dalloc(lda * 4), *x = dalloc(lda), *y0 = dalloc(lda), *y1 = dalloc(lda), xs[4] = {0.5, -1, 2, 0.25};
        sea_simd saved = sea__simd_level();
        randn(a, lda * 4, 5);
        randn(x, lda, 6);
        for (size_t n = 0; n <= 41; n++)
            for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
                double d0[4] = {1, 2, 3, 4}, d1[4] = {1, 2, 3, 4};
                if (!sea__simd_available((sea_simd)lvl)) continue;
                for (size_t i = 0; i < lda; i++) y0[i] = y1[i] = (double)i;
                sea__dsymv4_scalar(n, a, lda, xs, x, y0, d0);
                sea__simd_force((sea_simd)lvl);
                sea__dsymv4(n, a, lda, xs, x, y1, d1);
                sea__simd_force(saved);
                for (size_t i = 0; i < lda; i++) ck_assert_msg(fabs(y0[i] - y1[i]) <= 1e-13 * (1 + fabs(y0[i])), "y[%zu]", i);
                for (int k = 0; k < 4; k++) ck_assert_msg(fabs(d0[k] - d1[k]) <= 1e-13 * (10 + fabs(d0[k])), "dot %d", k);
            }
        free(a);
        free(x);
        free(y0);
        free(y1);
    }
    /* Qᵀ A Q = T to rounding, Q orthogonal, for sizes around the panel width; the QL
     * eigenvalues sum to the trace and match the Jacobi SVD of a PSD matrix */
    size_t sizes[] = {1, 2, 3, 31, 32, 33, 97, 300};
    for (size_t t = 0; t < SEA_ARRAY_LEN(sizes); t++) {
        size_t n = sizes[t];
        double *g = dalloc(n * n), *g0 = dalloc(n * n), *d = dalloc(n), *e = dalloc(n), *tau = dalloc(n),
               *q = dalloc(n * n), *tm = dalloc(n * n), *w = dalloc(n * n), *r = dalloc(n * n), worst = 0;
        randn(w, n * n, 90 + n);
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++) g[i + j * n] = g[j + i * n] = w[i + j * n];
        memcpy(g0, g, n * n * sizeof *g);
        ck_assert_int_eq(sea__sytrd(g, n, n, d, e, tau, 2, NULL), SEA_OK);
        for (size_t i = 0; i < n; i++) q[i + i * n] = 1;
        ck_assert_int_eq(sea__sytrd_apply(q, n, n, n, g, n, tau, 1, NULL), SEA_OK);
        ck_assert_double_le(orth_ratio(q, n, n), THRESH);
        for (size_t i = 0; i < n; i++) {
            tm[i + i * n] = d[i];
            if (i + 1 < n) tm[i + 1 + i * n] = tm[i + (i + 1) * n] = e[i];
        }
        ck_assert_int_eq(sea_dgemm(0, 0, n, n, n, 1, q, n, tm, n, 0, w, n, 1, NULL), SEA_OK);
        ck_assert_int_eq(sea_dgemm(0, 1, n, n, n, 1, w, n, q, n, 0, r, n, 1, NULL), SEA_OK);
        for (size_t i = 0; i < n * n; i++) worst = fmax(worst, fabs(r[i] - g0[i]));
        ck_assert_msg(worst <= 30 * n * ULP * sea_dnorm1(g0, n, n, n), "n %zu: |Q T Qᵀ − A| = %.3g", n, worst);
        {
            /* eigenvalues of AᵀA (PSD) against the squared Jacobi singular values of A */
            double *ata = dalloc(n * n), *s = dalloc(n), *u = dalloc(n * n), *lam = dalloc(n);
            ck_assert_int_eq(sea_dgemm(1, 0, n, n, n, 1, g0, n, g0, n, 0, ata, n, 1, NULL), SEA_OK);
            memcpy(u, g0, n * n * sizeof *u);
            ck_assert_int_eq(sea_svd_jacobi(u, n, n, n, s, NULL, 0, NULL, NULL, NULL), SEA_OK);
            ck_assert_int_eq(sea__syev_values(ata, n, n, lam, 1, NULL), SEA_OK);
            for (size_t j = 0; j < n; j++)
                ck_assert_msg(fabs(lam[j] - s[j] * s[j]) <= 30 * n * ULP * s[0] * s[0], "n %zu: λ[%zu] %.17g vs %.17g", n,
                              j, lam[j], s[j] * s[j]);
            free(ata);
            free(s);
            free(u);
            free(lam);
        }
        free(g);
        free(g0);
        free(d);
        free(e);
        free(tau);
        free(q);
        free(tm);
        free(w);
        free(r);
    }
}
END_TEST

/* ---- gemm ---- */
static void naive(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *a,
                  size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) {
            long double s = 0;
            for (size_t p = 0; p < k; p++)
                s += (long double)(ta ? a[p + i * lda] : a[i + p * lda]) * (tb ? b[j + p * ldb] : b[p + j * ldb]);
            c[i + j * ldc] = (double)(alpha * s + beta * c[i + j * ldc]);
        }
}

START_TEST(test_gemm_all_kernels)
{
    static const size_t dims[][3] = {{1, 1, 1}, {7, 5, 3}, {16, 12, 300}, {33, 29, 17}, {200, 130, 270}, {5, 300, 9}};
    for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
        const sea__dgemm_kernel *kern;
        if (!sea__simd_available((sea_simd)lvl)) continue;
        kern = sea__dgemm_kernel_for(lvl);
        for (size_t t = 0; t < SEA_ARRAY_LEN(dims); t++)
            for (int ta = 0; ta <= 1; ta++)
                for (int tb = 0; tb <= 1; tb++) {
                    size_t m = dims[t][0], n = dims[t][1], k = dims[t][2];
                    size_t lda = (ta ? k : m) + 3, ldb = (tb ? n : k) + 1, ldc = m + 2;
                    double *a = dalloc(lda * (ta ? m : k)), *b = dalloc(ldb * (tb ? k : n));
                    double *c = dalloc(ldc * n), *r = dalloc(ldc * n), err_max = 0, scale = 0;
                    randn(a, lda * (ta ? m : k), 1 + t);
                    randn(b, ldb * (tb ? k : n), 2 + t);
                    randn(c, ldc * n, 3 + t);
                    memcpy(r, c, ldc * n * sizeof *c);
                    ck_assert_int_eq(sea__dgemm_with(kern, ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, c, ldc, 2, NULL), SEA_OK);
                    naive(ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, r, ldc);
                    for (size_t j = 0; j < n; j++)
                        for (size_t i = 0; i < ldc; i++) {
                            double d = fabs(c[i + j * ldc] - r[i + j * ldc]);
                            if (i >= m) ck_assert(d == 0); /* padding rows untouched */
                            if (d > err_max) err_max = d;
                            if (fabs(r[i + j * ldc]) > scale) scale = fabs(r[i + j * ldc]);
                        }
                    ck_assert_msg(err_max <= 4.0 * sqrt((double)k) * ULP * (scale + sqrt((double)k)),
                                  "%s gemm %zux%zux%zu ta=%d tb=%d error %g", kern->name, m, n, k, ta, tb, err_max);
                    free(a);
                    free(b);
                    free(c);
                    free(r);
                }
    }
}
END_TEST

/* ---- QR ---- */
START_TEST(test_qr)
{
    static const size_t dims[][2] = {{1, 1}, {5, 3}, {3, 5}, {40, 40}, {100, 37}, {37, 100}, {300, 90}};
    for (size_t t = 0; t < SEA_ARRAY_LEN(dims); t++) {
        size_t m = dims[t][0], n = dims[t][1], q = SEA_MIN(m, n);
        double *a = dalloc(m * n), *f = dalloc(m * n), *tau = dalloc(q), *qm = dalloc(m * q);
        double *r = dalloc(q * n), *c = dalloc(m * n), an, rn, ratio;
        randn(a, m * n, 11 + t);
        memcpy(f, a, m * n * sizeof *a);
        ck_assert_int_eq(sea_qr(f, m, m, n, tau, 2, NULL), SEA_OK);
        ck_assert_int_eq(sea__qr_form_q(qm, m, m, f, m, q, tau, 2, NULL), SEA_OK);
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < q; i++) r[i + j * q] = i <= j ? f[i + j * m] : 0.0;
        memcpy(c, a, m * n * sizeof *a);
        an = sea_dnorm1(a, m, m, n);
        ck_assert_int_eq(sea_dgemm(0, 0, m, n, q, -1.0, qm, m, r, q, 1.0, c, m, 1, NULL), SEA_OK);
        rn = sea_dnorm1(c, m, m, n);
        ratio = rn / (an * (double)m * ULP);
        ck_assert_msg(ratio < THRESH, "qr %zux%zu residual ratio %.3g", m, n, ratio);
        ratio = orth_ratio(qm, m, q);
        ck_assert_msg(ratio < THRESH, "qr %zux%zu orthogonality ratio %.3g", m, n, ratio);
        /* Qᵀ (Q x) = x */
        randn(c, m, 5);
        memcpy(a, c, m * sizeof *c);
        ck_assert_int_eq(sea_qr_apply(0, c, m, m, 1, f, m, q, tau, 1, NULL), SEA_OK);
        ck_assert_int_eq(sea_qr_apply(1, c, m, m, 1, f, m, q, tau, 1, NULL), SEA_OK);
        for (size_t i = 0; i < m; i++) ck_assert(fabs(c[i] - a[i]) < 1e-13 * (1 + fabs(a[i])));
        free(a);
        free(f);
        free(tau);
        free(qm);
        free(r);
        free(c);
    }
}
END_TEST

/* ---- randomized ---- */
START_TEST(test_randomized_matches_exact)
{
    size_t m = 300, n = 200, k = 12;
    double *dg = dalloc(n), *a, *ue = dalloc(m * n), *se = dalloc(n), *ur = dalloc(m * k), *sr = dalloc(k);
    double *pe = dalloc(m * m), *pr = dalloc(m * m), d = 0;
    sea_linop_dense op;
    sea_rsvd_params rp = sea_rsvd_default_params();
    sea_rsvd_info info;
    for (size_t j = 0; j < n; j++) dg[j] = j < k ? pow(0.7, (double)j) : 1e-3 * pow(0.99, (double)j);
    a = with_spectrum(m, n, dg, 77);
    memcpy(ue, a, m * n * sizeof *a);
    ck_assert_int_eq(sea_svd_jacobi(ue, m, m, n, se, NULL, 0, NULL, NULL, NULL), SEA_OK);
    sea_linop_dense_init(&op, a, m, m, n, 1);
    rp.oversample = 3; /* raised to 10 by contract */
    ck_assert_int_eq(sea_svd_randomized(ur, m, sr, k, &op.op, &rp, &info, NULL), SEA_OK);
    ck_assert_uint_eq(info.sketch, k + 10);
    ck_assert_int_eq(info.power_iters, 7);
    for (size_t j = 0; j < k; j++) {
        ck_assert_msg(fabs(sr[j] - se[j]) < 1e-10 * se[0], "sigma %zu: %.17g vs %.17g", j, sr[j], se[j]);
        ck_assert(sr[j] <= se[j] * (1 + 1e-12));
    }
    ck_assert_double_le(orth_ratio(ur, m, k), THRESH);
    /* same subspace: ‖U_r U_rᵀ − U_e U_eᵀ‖_max */
    ck_assert_int_eq(sea_dgemm(0, 1, m, m, k, 1.0, ue, m, ue, m, 0.0, pe, m, 1, NULL), SEA_OK);
    ck_assert_int_eq(sea_dgemm(0, 1, m, m, k, 1.0, ur, m, ur, m, 0.0, pr, m, 1, NULL), SEA_OK);
    for (size_t i = 0; i < m * m; i++) d = fmax(d, fabs(pe[i] - pr[i]));
    ck_assert_msg(d < 1e-9, "projector difference %g", d);
    /* k > min(m, n) and NaN are refused */
    ck_assert_int_eq(sea_svd_randomized(ur, m, sr, n + 1, &op.op, NULL, NULL, NULL), SEA_ERR_ARG);
    a[17] = NAN;
    ck_assert_int_eq(sea_svd_randomized(ur, m, sr, k, &op.op, NULL, NULL, NULL), SEA_ERR_NUMERIC);
    free(dg);
    free(a);
    free(ue);
    free(se);
    free(ur);
    free(sr);
    free(pe);
    free(pr);
}
END_TEST

/* ---- symmetric rank-k update, packed operands, float operands ---- */

/* Reference: upper triangle of alpha·op(A)·op(A)ᵀ + beta·C in long double. */
static void naive_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda, double beta, double *c,
                       size_t ldc)
{
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i <= j; i++) {
            long double s = 0;
            for (size_t p = 0; p < k; p++)
                s += (long double)(trans ? a[p + i * lda] : a[i + p * lda]) * (trans ? a[p + j * lda] : a[j + p * lda]);
            c[i + j * ldc] = (double)(alpha * s + (beta == 0 ? 0 : beta * c[i + j * ldc]));
        }
}

START_TEST(test_syrk_all_kernels)
{
    static const size_t dims[][2] = {{1, 1}, {7, 3}, {16, 300}, {33, 17}, {130, 250}, {300, 9}};
    static const double betas[] = {0.0, 1.0, -0.5};
    for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
        const sea__dgemm_kernel *kern;
        if (!sea__simd_available((sea_simd)lvl)) continue;
        kern = sea__dgemm_kernel_for(lvl);
        for (size_t t = 0; t < SEA_ARRAY_LEN(dims); t++)
            for (int trans = 0; trans <= 1; trans++)
                for (size_t bi = 0; bi < SEA_ARRAY_LEN(betas); bi++) {
                    size_t n = dims[t][0], k = dims[t][1], lda = (trans ? k : n) + 2, ldc = n + 3;
                    double *a = dalloc(lda * (trans ? n : k)), *c1 = dalloc(ldc * n), *c2 = dalloc(ldc * n), *r = dalloc(ldc * n);
                    double err_max = 0, scale = 0, *cs[1];
                    sea__mat am = sea__mat_d(a, lda, trans);
                    randn(a, lda * (trans ? n : k), 21 + t);
                    randn(c1, ldc * n, 22 + t);
                    memcpy(c2, c1, ldc * n * sizeof *c1);
                    memcpy(r, c1, ldc * n * sizeof *c1);
                    cs[0] = c1;
                    ck_assert_int_eq(sea__syrk(kern, 1, n, k, 0.75, &am, betas[bi], cs, ldc, 1, NULL), SEA_OK);
                    cs[0] = c2;
                    ck_assert_int_eq(sea__syrk(kern, 1, n, k, 0.75, &am, betas[bi], cs, ldc, 2, NULL), SEA_OK);
                    ck_assert_msg(memcmp(c1, c2, ldc * n * sizeof *c1) == 0, "%s syrk %zux%zu depends on the thread count",
                                  kern->name, n, k);
                    naive_syrk(trans, n, k, 0.75, a, lda, betas[bi], r, ldc);
                    for (size_t j = 0; j < n; j++)
                        for (size_t i = 0; i < ldc; i++) {
                            double d = fabs(c1[i + j * ldc] - r[i + j * ldc]);
                            /* the strict lower triangle and the padding rows are untouched */
                            if (i > j) ck_assert_msg(d == 0, "%s syrk wrote (%zu, %zu) below the diagonal", kern->name, i, j);
                            if (d > err_max) err_max = d;
                            if (fabs(r[i + j * ldc]) > scale) scale = fabs(r[i + j * ldc]);
                        }
                    ck_assert_msg(err_max <= 4.0 * sqrt((double)k) * ULP * (scale + sqrt((double)k)),
                                  "%s syrk %zux%zu trans=%d beta=%g error %g", kern->name, n, k, trans, betas[bi], err_max);
                    free(a);
                    free(c1);
                    free(c2);
                    free(r);
                }
    }
    /* the public entry point and its argument checks */
    {
        double a[6] = {1, 2, 3, 4, 5, 6}, c[4] = {9, 9, 9, 9};
        /* A 2 x 3 column-major (trans = 0): C = A Aᵀ = [[35, 44], [44, 56]], C(1, 0) untouched */
        ck_assert_int_eq(sea_dsyrk(0, 2, 3, 1.0, a, 2, 0.0, c, 2, 1, NULL), SEA_OK);
        ck_assert(c[0] == 35 && c[2] == 44 && c[3] == 56 && c[1] == 9);
        ck_assert_int_eq(sea_dsyrk(0, 2, 3, 1.0, a, 1, 0.0, c, 2, 1, NULL), SEA_ERR_ARG);
        ck_assert_int_eq(sea_dsyrk(0, 2, 3, 1.0, a, 2, 0.0, c, 1, 1, NULL), SEA_ERR_ARG);
    }
}
END_TEST

/* Float operands are converted exactly: a float matrix and its double copy give bitwise the
 * same products; a packed left operand gives bitwise the same product as packing on the fly. */
START_TEST(test_float_and_packed_operands)
{
    size_t m = 150, n = 37, k = 290;
    for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
        const sea__dgemm_kernel *kern;
        if (!sea__simd_available((sea_simd)lvl)) continue;
        kern = sea__dgemm_kernel_for(lvl);
        for (int ta = 0; ta <= 1; ta++)
            for (int tb = 0; tb <= 1; tb++) {
                size_t lda = ta ? k : m, ldb = tb ? n : k;
                float *af = malloc(m * k * sizeof *af), *bf = malloc(n * k * sizeof *bf);
                double *ad = dalloc(m * k), *bd = dalloc(n * k), *c1 = dalloc(m * n), *c2 = dalloc(m * n), *c3 = dalloc(m * n);
                double *r = dalloc(m * n), err_max = 0, scale = 0;
                sea__mat amf = sea__mat_f(af, lda, ta), amd = sea__mat_d(ad, lda, ta);
                sea__mat bmf = sea__mat_f(bf, ldb, tb), bmd = sea__mat_d(bd, ldb, tb);
                sea__apack pk;
                randn(ad, m * k, 31);
                randn(bd, n * k, 32);
                for (size_t i = 0; i < m * k; i++) ad[i] = af[i] = (float)ad[i];
                for (size_t i = 0; i < n * k; i++) bd[i] = bf[i] = (float)bd[i];
                ck_assert_int_eq(sea__gemm(kern, m, n, k, 1.5, &amf, NULL, &bmf, 0.0, c1, m, 2, NULL), SEA_OK);
                ck_assert_int_eq(sea__gemm(kern, m, n, k, 1.5, &amd, NULL, &bmd, 0.0, c2, m, 1, NULL), SEA_OK);
                ck_assert_msg(memcmp(c1, c2, m * n * sizeof *c1) == 0, "%s: float operands differ from double", kern->name);
                ck_assert_int_eq(sea__apack_alloc(&pk, kern, m, k, NULL), SEA_OK);
                sea__apack_fill(&pk, &amf);
                for (size_t i = 0; i < m; i += 7)
                    for (size_t p = 0; p < k; p += 11) ck_assert(sea__apack_get(&pk, i, p) == (ta ? ad[p + i * lda] : ad[i + p * lda]));
                ck_assert_int_eq(sea__gemm(NULL, 0, n, 0, 1.5, NULL, &pk, &bmd, 0.0, c3, m, 2, NULL), SEA_OK);
                ck_assert_msg(memcmp(c1, c3, m * n * sizeof *c1) == 0, "%s: packed operand differs", kern->name);
                naive(ta, tb, m, n, k, 1.5, ad, lda, bd, ldb, 0.0, r, m);
                for (size_t i = 0; i < m * n; i++) {
                    err_max = fmax(err_max, fabs(c1[i] - r[i]));
                    scale = fmax(scale, fabs(r[i]));
                }
                ck_assert_msg(err_max <= 6.0 * sqrt((double)k) * ULP * (scale + sqrt((double)k)), "%s error %g", kern->name,
                              err_max);
                sea__apack_free(&pk);
                free(af);
                free(bf);
                free(ad);
                free(bd);
                free(c1);
                free(c2);
                free(c3);
                free(r);
            }
    }
}
END_TEST

/* Several Gram matrices into the packed layout: every element against the long-double sum,
 * exact symmetry, the same bits for 1 and 2 threads, and ⟨G0, G1⟩ from the packed arrays. */
START_TEST(test_syrk_packed)
{
    static const size_t dims[][2] = {{5, 3}, {61, 250}, {300, 500}};
    sea_simd was = sea__simd_level();
    for (int lvl = SEA_SIMD_SCALAR; lvl <= SEA_SIMD_AVX512; lvl++) {
        const sea__dgemm_kernel *kern;
        if (!sea__simd_available((sea_simd)lvl)) continue;
        kern = sea__dgemm_kernel_for(lvl);
        sea__simd_force((sea_simd)lvl);
        for (size_t t = 0; t < SEA_ARRAY_LEN(dims); t++) {
            size_t n = dims[t][0], k = dims[t][1];
            float *f[3];
            double *g = dalloc(n * n), *ad = dalloc(k * n), dot_ref = 0, dot, dot1;
            sea__mat am[3];
            sea__apack p1[3], p2[3];
            for (int q = 0; q < 3; q++) {
                f[q] = malloc(k * n * sizeof *f[q]);
                randn(ad, k * n, 40 + (uint64_t)q);
                for (size_t i = 0; i < k * n; i++) f[q][i] = (float)ad[i];
                am[q] = sea__mat_f(f[q], k, 1); /* k x n stored: op = its transpose, n x k */
                ck_assert_int_eq(sea__apack_alloc(&p1[q], kern, n, n, NULL), SEA_OK);
                ck_assert_int_eq(sea__apack_alloc(&p2[q], kern, n, n, NULL), SEA_OK);
            }
            ck_assert_int_eq(sea__syrk_packed(3, n, k, am, p1, 1, NULL), SEA_OK);
            ck_assert_int_eq(sea__syrk_packed(3, n, k, am, p2, 2, NULL), SEA_OK);
            for (int q = 0; q < 3; q++) {
                double err_max = 0, scale = 0;
                ck_assert_msg(memcmp(p1[q].p, p2[q].p, p1[q].m_pad * n * sizeof(double)) == 0,
                              "%s packed syrk depends on the thread count", kern->name);
                for (size_t i = 0; i < k * n; i++) ad[i] = f[q][i];
                naive_syrk(1, n, k, 1.0, ad, k, 0.0, g, n);
                for (size_t j = 0; j < n; j++)
                    for (size_t i = 0; i < n; i++) {
                        double v = sea__apack_get(&p1[q], i, j), ref = i <= j ? g[i + j * n] : g[j + i * n];
                        ck_assert_msg(v == sea__apack_get(&p1[q], j, i), "%s G(%zu,%zu) != G(%zu,%zu)", kern->name, i, j, j, i);
                        err_max = fmax(err_max, fabs(v - ref));
                        scale = fmax(scale, fabs(ref));
                        if (q == 1) dot_ref += sea__apack_get(&p1[0], i, j) * v;
                    }
                ck_assert_msg(err_max <= 4.0 * sqrt((double)k) * ULP * (scale + sqrt((double)k)), "%s packed syrk %zux%zu error %g",
                              kern->name, n, k, err_max);
            }
            dot = sea__apack_dot(&p1[0], &p1[1], 2);
            dot1 = sea__apack_dot(&p1[0], &p1[1], 1);
            ck_assert(dot == dot1);
            ck_assert_msg(fabs(dot - dot_ref) <= 1e-12 * fabs(dot_ref) + 1e-300, "dot %.17g vs %.17g", dot, dot_ref);
            for (int q = 0; q < 3; q++) {
                sea__apack_free(&p1[q]);
                sea__apack_free(&p2[q]);
                free(f[q]);
            }
            free(g);
            free(ad);
        }
    }
    sea__simd_force(was);
}
END_TEST

/* The fit's range finder on Gram matrices: Ω = A0·Asᵀ/N formed and solved by Jacobi as the
 * reference; the N-space path (route 1) and the d-space one (route 2) against it; an
 * ill-conditioned A0 makes the N-space path decline and route 0 fall back to d-space. */
static void xcov_case(size_t d, size_t N, size_t l, double outlier, int expect_nspace)
{
    const sea__dgemm_kernel *kern = sea__dgemm_pick();
    size_t k = 10;
    double *a0 = dalloc(d * N), *as = dalloc(d * N), *om = dalloc(d * d), *s = dalloc(d), *pe = dalloc(d * d), *pr = dalloc(d * d);
    double *u = dalloc(d * k), *z = dalloc(N * 20), *b = dalloc(20 * d), *e = dalloc(d * N), diff;
    sea__mat m0 = sea__mat_d(a0, d, 0), ms = sea__mat_d(as, d, 0), gin[2];
    sea__apack g[2];
    sea__xsketch sk;
    /* H = Z B + noise (rank 20, scales 0.7^j), H± = Z B + other noise; coordinate 3 of A0
     * multiplied by `outlier` */
    randn(z, N * 20, 50);
    randn(b, 20 * d, 51);
    randn(e, d * N, 52);
    for (size_t n = 0; n < N; n++)
        for (size_t i = 0; i < d; i++) {
            double v = 0;
            for (size_t j = 0; j < 20; j++) v += z[n * 20 + j] * b[j * d + i] * pow(0.7, (double)j);
            a0[i + n * d] = v + 0.05 * e[i + n * d];
            as[i + n * d] = v + 0.05 * e[(i * 7 + n * 13) % (d * N)];
        }
    for (size_t n = 0; n < N; n++) a0[3 + n * d] *= outlier;
    gin[0] = m0;
    gin[1] = ms;
    gin[0].trans = gin[1].trans = 1;
    ck_assert_int_eq(sea__apack_alloc(&g[0], kern, N, N, NULL), SEA_OK);
    ck_assert_int_eq(sea__apack_alloc(&g[1], kern, N, N, NULL), SEA_OK);
    ck_assert_int_eq(sea__syrk_packed(2, N, d, gin, g, 2, NULL), SEA_OK);
    ck_assert_int_eq(sea_dgemm(0, 1, d, d, N, 1.0 / (double)N, a0, d, as, d, 0.0, om, d, 2, NULL), SEA_OK);
    ck_assert_int_eq(sea_svd_jacobi(om, d, d, d, s, NULL, 0, NULL, NULL, NULL), SEA_OK);
    ck_assert_int_eq(sea_dgemm(0, 1, d, d, k, 1.0, om, d, om, d, 0.0, pe, d, 1, NULL), SEA_OK);
    for (int route = 0; route <= 2; route++) {
        sea_status st = sea__xcov_sketch(&sk, l, &m0, &ms, &g[0], &g[1], d, N, 7, route, NULL);
        if (route == 1 && !expect_nspace) {
            ck_assert_int_eq(st, SEA_ERR_NUMERIC);
            continue;
        }
        ck_assert_int_eq(st, SEA_OK);
        ck_assert_msg((sk.u == NULL) == (route == 1 || (route == 0 && expect_nspace)), "route %d took the wrong path", route);
        ck_assert_uint_ge(sk.sk, l + 10);
        for (size_t j = 0; j < k; j++)
            ck_assert_msg(fabs(sk.s[j] - s[j]) <= 1e-9 * s[0], "route %d sigma %zu: %.17g vs %.17g", route, j, sk.s[j], s[j]);
        ck_assert_int_eq(sea__xcov_vectors(&sk, k, u, &m0, NULL), SEA_OK);
        ck_assert_double_le(sea__orth_error(u, d, d, k, NULL), 1e-10);
        ck_assert_int_eq(sea_dgemm(0, 1, d, d, k, 1.0, u, d, u, d, 0.0, pr, d, 1, NULL), SEA_OK);
        diff = 0;
        for (size_t i = 0; i < d * d; i++) diff = fmax(diff, fabs(pe[i] - pr[i]));
        ck_assert_msg(diff < 1e-6, "route %d: projector difference %g", route, diff);
        sea__xsketch_free(&sk);
    }
    sea__apack_free(&g[0]);
    sea__apack_free(&g[1]);
    free(a0);
    free(as);
    free(om);
    free(s);
    free(pe);
    free(pr);
    free(u);
    free(z);
    free(b);
    free(e);
}

START_TEST(test_crosscov_routes)
{
    xcov_case(160, 100, 24, 1.0, 1); /* well-conditioned: N-space */
    xcov_case(160, 100, 24, 1e7, 0); /* one coordinate 1e7 times the rest: d-space */
}
END_TEST


/* Work arrays: every byte usable, 2 MiB-aligned from 1 MiB up (16-byte aligned below), zeroed
 * by _calloc, NULL on a size overflow, and each one handed back to the allocator it came from
 * (a counting allocator sees as many frees as mallocs, of the pointers it gave out) once the
 * buffer cache has released it. */
static long g_live;
static void *count_malloc(size_t n, void *u) { (void)u; g_live++; return malloc(n); }
static void *count_realloc(void *p, size_t n, void *u) { (void)u; return realloc(p, n); }
static void count_free(void *p, void *u) { (void)u; if (p) g_live--; free(p); }

#define MIB ((size_t)1 << 20)

START_TEST(test_work_arrays)
{
    static const size_t sizes[] = {1, 17, 4096, MIB - 1, MIB, MIB + 1, 5 * MIB + 12345};
    sea_allocator counting = {count_malloc, count_realloc, count_free, NULL};
    sea_set_allocator(&counting);
    g_live = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *p = sea__work_alloc(n, 1), *z = sea__work_calloc(n, 1);
        uintptr_t align = n >= MIB ? ((uintptr_t)2 << 20) : 16;
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(z);
        ck_assert_ptr_ne(p, z);
        ck_assert_uint_eq((uintptr_t)p % align, 0);
        ck_assert_uint_eq((uintptr_t)z % align, 0);
        ck_assert_int_eq(g_live, 2);
        memset(z, 0x5a, n); /* a reused block must come back zeroed by _calloc */
        sea__work_free(z);
        z = sea__work_calloc(n, 1);
        ck_assert_ptr_nonnull(z);
        memset(p, 0xa5, n); /* the whole array is writable (AddressSanitizer checks the ends) */
        for (size_t j = 0; j < n; j++) ck_assert_uint_eq(z[j], 0);
        ck_assert_uint_eq(p[n - 1], 0xa5);
        sea__work_free(p);
        sea__work_free(z);
        /* from 1 MiB up the cache keeps them; below, they are gone at once */
        ck_assert_int_eq(g_live, n >= MIB ? 2 : 0);
        sea_release_buffers();
        ck_assert_int_eq(g_live, 0);
        ck_assert_uint_eq(sea__work_cached(), 0);
    }
    ck_assert_ptr_null(sea__work_alloc(SIZE_MAX / 2, 4));
    ck_assert_ptr_null(sea__work_alloc(SIZE_MAX - 100, 1)); /* size + slack overflows */
    ck_assert_int_eq(g_live, 0);
    sea__work_free(NULL);
    sea_set_allocator(NULL);
}
END_TEST

/* The buffer cache: a freed array is handed out again (best fit, at most twice the request),
 * the bound holds, 0 disables it, and sea_set_allocator gives the blocks back to the allocator
 * they came from. */
START_TEST(test_work_cache)
{
    sea_allocator counting = {count_malloc, count_realloc, count_free, NULL};
    void *a, *b, *c, *x;
    sea_set_allocator(&counting);
    g_live = 0;
    a = sea__work_alloc(3 * MIB, 1);     /* 4 MiB of huge pages */
    b = sea__work_alloc(5 * MIB + 1, 1); /* 6 MiB */
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    sea__work_free(a);
    sea__work_free(b);
    ck_assert_int_eq(g_live, 2);
    ck_assert_uint_eq(sea__work_cached(), 10 * MIB);
    c = sea__work_alloc(3 * MIB + 1000, 1); /* both would do: the smaller one */
    ck_assert_ptr_eq(c, a);
    ck_assert_uint_eq(sea__work_cached(), 6 * MIB);
    x = sea__work_alloc(MIB, 1); /* 2 MiB: the 6 MiB block is more than twice that: a new block */
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_ne(x, b);
    ck_assert_int_eq(g_live, 3);
    memset(x, 1, MIB);
    sea__work_free(x);
    sea__work_free(c);
    c = sea__work_alloc(5 * MIB, 1);
    ck_assert_ptr_eq(c, b);
    sea__work_free(c);
    ck_assert_int_eq(g_live, 3);
    /* the bound: 6 MiB holds the 4 MiB block, not a second one */
    sea_set_buffer_cache(6 * MIB);
    ck_assert_int_eq(g_live, 0);
    a = sea__work_alloc(4 * MIB, 1);
    b = sea__work_alloc(4 * MIB, 1);
    sea__work_free(a);
    sea__work_free(b);
    ck_assert_int_eq(g_live, 1);
    ck_assert_uint_eq(sea__work_cached(), 4 * MIB);
    /* disabled: nothing kept */
    sea_set_buffer_cache(0);
    ck_assert_int_eq(g_live, 0);
    a = sea__work_alloc(4 * MIB, 1);
    sea__work_free(a);
    ck_assert_int_eq(g_live, 0);
    /* back to the default; a new allocator first takes the cached blocks back to the old one */
    sea_set_buffer_cache(SEA_BUFFER_CACHE_DEFAULT);
    a = sea__work_alloc(4 * MIB, 1);
    sea__work_free(a);
    ck_assert_int_eq(g_live, 1);
    sea_set_allocator(NULL);
    ck_assert_int_eq(g_live, 0);
    ck_assert_uint_eq(sea__work_cached(), 0);
}
END_TEST

/* Threads taking and returning blocks at once: each stamps the blocks it holds and finds its
 * stamps intact before giving them back (a block handed to two threads at once would not
 * be), the cache's byte count stays within its bound, and every block is released exactly
 * once (AddressSanitizer reports a double free). Without the lock this fails within a few
 * thousand rounds on two cores. */
START_TEST(test_work_cache_threads)
{
    long bad = 0;
#ifdef _OPENMP
#pragma omp parallel for num_threads(4) schedule(static, 64) reduction(+ : bad)
#endif
    for (long i = 0; i < 200000; i++) {
        size_t n1 = (size_t)(1 + i % 3) * MIB, n2 = (size_t)(1 + (i / 3) % 3) * MIB;
        long *p = sea__work_alloc(n1, 1), *q = sea__work_alloc(n2, 1);
        if (!p || !q || p == q) {
            bad++;
        } else {
            p[0] = i;
            q[0] = -i - 1;
            p[n1 / sizeof *p - 1] = i;
            if (p[0] != i || q[0] != -i - 1 || p[n1 / sizeof *p - 1] != i) bad++;
        }
        if (sea__work_cached() > SEA_BUFFER_CACHE_DEFAULT) bad++;
        sea__work_free(q);
        sea__work_free(p);
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_uint_le(sea__work_cached(), SEA_BUFFER_CACHE_DEFAULT);
    sea_release_buffers();
    ck_assert_uint_eq(sea__work_cached(), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("linalg");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gemm_all_kernels);
    tcase_add_test(tc, test_qr);
    /* loop index 0: the Jacobi SVD, 1: the Gram-preconditioned SVD */
    tcase_add_loop_test(tc, test_svd_spectra, 0, 2);
    tcase_add_loop_test(tc, test_svd_special, 0, 2);
    tcase_add_test(tc, test_svd_rank_one_duplicates);
    tcase_add_test(tc, test_svd_threads_and_simd_agree);
    tcase_add_test(tc, test_svd_bad_input);
    tcase_add_test(tc, test_svd_sweep_limit);
    tcase_add_test(tc, test_svd_partial);
    tcase_add_test(tc, test_gram_partial);
    tcase_add_test(tc, test_gram_threads_and_errors);
    tcase_add_test(tc, test_tridiagonal);
    tcase_add_test(tc, test_randomized_matches_exact);
    tcase_add_test(tc, test_syrk_all_kernels);
    tcase_add_test(tc, test_float_and_packed_operands);
    tcase_add_test(tc, test_syrk_packed);
    tcase_add_test(tc, test_crosscov_routes);
    tcase_add_test(tc, test_work_arrays);
    tcase_add_test(tc, test_work_cache);
    tcase_add_test(tc, test_work_cache_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
