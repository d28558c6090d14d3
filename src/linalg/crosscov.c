/* src/linalg/crosscov.c: leading singular triplets of a cross-covariance Ω = A0·Asᵀ/N (A0, As
 * d x N, N <= d typically) that is never formed, from the N x N Gram matrices G0 = A0ᵀA0 and
 * Gs = AsᵀAs, which the randomized fit needs anyway for the exact total energy
 * ‖Ω‖_F² = ⟨G0, Gs⟩/N². This is the fit's range finder (Halko, Martinsson & Tropp 2011,
 * Alg. 4.4: subspace iteration, then Rayleigh-Ritz). One power iteration: on the benchmark
 * data (k = 38 of a 108-column sketch) the projectors agree with the exact solver to 3e-9
 * (4e-10 with two iterations, 1.5e-5 with none) and the Ritz values to float precision, and
 * each iteration costs two N x N x l products.
 *
 * Fast path, in the coordinates of A0's columns. Every left singular vector of Ω with σ > 0
 * lies in range(A0), so write the sketch as Y = A0·X (X is N x l): then A0ᵀY = G0·X and
 * ΩΩᵀY = A0·(Gs·G0·X)/N², i.e. one power iteration is X <- Gs·(G0·X), two N x N x l products
 * with the packed Gram matrices (4N²l flops instead of 4dNl + 2N²l, and no d-sized work at
 * all). X is re-orthonormalised (one Cholesky-QR pass) after every product pair only to keep
 * its columns apart. Rayleigh-Ritz needs an orthonormal basis of range(Y): with P = G0·X,
 * YᵀY = XᵀP = RᵀR (Cholesky), Q = Y·R⁻¹, and QᵀΩΩᵀQ = R⁻ᵀ (Pᵀ·Gs·P) R⁻¹/N² = S (l x l), whose
 * eigenvectors V and eigenvalues σ² give the Ritz pairs: U = Q·V = A0·(X·R⁻¹·V), σ = sqrt(λ).
 * Only the k wanted columns of U are ever formed (one d x N x k product). Forming YᵀY squares
 * the condition number of Y, so the path is taken only when that is harmless: the exact 1-norm
 * condition number of R is below 1e4 (then YᵀY is accurate to about 1e-8 relative) and the U
 * formed is orthonormal to 1e-7 (checked, d·k² flops). Otherwise, and for N > d, the classic
 * route in d-space below is used (the same subspace, reached through products with A0).
 *
 * Ritz values from S are squares taken back: each σ² has an absolute error of a few ulp of
 * ‖G0‖‖Gs‖/N², the same order as the energy ⟨G0, Gs⟩/N² they are compared with.
 *
 * d-space route (fallback): Y = A0·(Gs·R), then Y <- orth(A0·(Gs·(A0ᵀ·Y))), then the
 * one-sided Jacobi SVD of Bᵀ = As·(A0ᵀ·Q)/N (d x l) gives U = Q·V with relatively accurate
 * singular values. */
#include <math.h>
#include <string.h>

#include "linalg/linalg_internal.h"

#define POWER_ITERS 1 /* see the note at the top */
#define COND_MAX 1e4   /* largest κ₁(R) for the fast path */

/* y (rows x l) <- orthonormal basis of its columns (thin Householder Q); tmp rows x l, tau l */
static sea_status orth(double *y, size_t rows, size_t l, double *tmp, double *tau, sea_err *err)
{
    sea_status st;
    memcpy(tmp, y, rows * l * sizeof *y);
    st = sea_qr(tmp, rows, rows, l, tau, 1, err);
    if (st) return st;
    return sea__qr_form_q(y, rows, rows, tmp, rows, l, tau, 1, err);
}

static void symmetrize(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < j; i++) {
            double m = 0.5 * (a[i + j * n] + a[j + i * n]);
            a[i + j * n] = a[j + i * n] = m;
        }
}

/* Upper Cholesky factor of the n x n SPD matrix a (in place, a = RᵀR; strict lower part
 * zeroed). Returns 0 when a pivot is not positive. */
static int cholesky_upper(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j + j * n];
        for (size_t p = 0; p < j; p++) d -= a[p + j * n] * a[p + j * n];
        if (!(d > 0)) return 0;
        d = sqrt(d);
        a[j + j * n] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = a[j + i * n];
            for (size_t p = 0; p < j; p++) s -= a[p + j * n] * a[p + i * n];
            a[j + i * n] = s / d;
        }
        for (size_t i = j + 1; i < n; i++) a[i + j * n] = 0.0;
    }
    return 1;
}

/* inv = R⁻¹ for upper triangular R (n x n); returns κ₁(R) = ‖R‖₁‖R⁻¹‖₁ */
static double tri_inverse(double *inv, const double *r, size_t n)
{
    memset(inv, 0, n * n * sizeof *inv);
    for (size_t j = n; j-- > 0;) {
        /* column j of R⁻¹: solve R x = e_j (x[i] = 0 for i > j) */
        inv[j + j * n] = 1.0 / r[j + j * n];
        for (size_t i = j; i-- > 0;) {
            double s = 0;
            for (size_t p = i + 1; p <= j; p++) s += r[i + p * n] * inv[p + j * n];
            inv[i + j * n] = -s / r[i + i * n];
        }
    }
    return sea_dnorm1(r, n, n, n) * sea_dnorm1(inv, n, n, n);
}

/* x (N x l) <- a well-conditioned basis of its columns for the next power iteration: one
 * Cholesky QR pass (XᵀX = RᵀR, X R⁻¹; a fifth of the Householder cost at l ~ 100), or the
 * Householder Q when X is too ill-conditioned for it (κ₁(R) > 1e6, so that XᵀX is still
 * accurate to 1e-4 and X R⁻¹ orthonormal to about that: plenty for a power iteration). */
static sea_status orth_n(double *x, size_t N, size_t l, double *tmp, double *tau, double *m, double *ri, sea_err *err)
{
    sea__mat xm = sea__mat_d(x, N, 1);
    double *cs[1];
    sea_status st;
    cs[0] = m;
    st = sea__syrk(sea__dgemm_pick(), 1, l, N, 1.0, &xm, 0.0, cs, l, 1, err);
    if (st) return st;
    if (cholesky_upper(m, l) && tri_inverse(ri, m, l) <= 1e6) {
        memcpy(tmp, x, N * l * sizeof *x);
        return sea_dgemm(0, 0, N, l, l, 1.0, tmp, N, ri, l, 0.0, x, N, 1, err);
    }
    return orth(x, N, l, tmp, tau, err);
}

void sea__xsketch_free(sea__xsketch *o)
{
    if (!o) return;
    sea__free(o->s);
    sea__work_free(o->x);
    sea__free(o->f);
    sea__work_free(o->u);
    memset(o, 0, sizeof *o);
}

/* The fast path. Returns SEA_OK with o filled, SEA_ERR_NUMERIC when Y is too ill-conditioned
 * for it (not an error: the caller takes the d-space route), or an allocation error. */
static sea_status nspace(sea__xsketch *o, const sea__apack *g0, const sea__apack *gs, size_t N, uint64_t seed, sea_err *err)
{
    size_t sk = o->sk, nsk = N * sk;
    double *x = NULL, *p = NULL, *w = NULL, *tau = NULL, *m = NULL, *t = NULL, *ri = NULL, *sm = NULL, *ev = NULL;
    sea__mat pm, xm;
    sea_svd_params sp = sea_svd_default_params();
    sea__rng rng;
    sea_status st = SEA_OK;
    /* X, P, W in one block (X first: it is kept, and freeing it frees the block), a work
     * array: huge pages throughout (src/core/bigmem.c says why) */
    x = sea__work_alloc(3 * nsk, sizeof *x);
    p = x ? x + nsk : NULL;
    w = x ? x + 2 * nsk : NULL;
    tau = sea__malloc_array(sk, sizeof *tau);
    m = sea__malloc_array(sk * sk, sizeof *m);
    t = sea__malloc_array(sk * sk, sizeof *t);
    ri = sea__malloc_array(sk * sk, sizeof *ri);
    sm = sea__malloc_array(sk * sk, sizeof *sm);
    ev = sea__malloc_array(sk, sizeof *ev);
    o->s = sea__malloc_array(sk, sizeof *o->s);
    if (!x || !p || !w || !tau || !m || !t || !ri || !sm || !ev || !o->s) {
        st = sea__err_nomem(err, "randomized fit");
        goto out;
    }
    pm = sea__mat_d(p, N, 0);
    xm = sea__mat_d(x, N, 0);
    /* test matrix Gs·R (R random signs: as good as Gaussian for a range finder, and 64 of them
     * per draw instead of two logarithms and a sine per pair): Y0 = A0·Gs·R = N·Ω·(As·R), a random combination inside
     * Ω's row space, as the d-space route starts */
    sea__rng_seed(&rng, seed);
    sea__rng_signs(p, nsk, &rng);
    st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, gs, &pm, 0.0, x, N, 1, err);
    if (!st) st = orth_n(x, N, sk, w, tau, m, ri, err);
    for (int it = 0; !st && it < POWER_ITERS; it++) {
        st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, g0, &xm, 0.0, p, N, 1, err);
        if (!st) st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, gs, &pm, 0.0, x, N, 1, err);
        if (!st) st = orth_n(x, N, sk, w, tau, m, ri, err);
    }
    /* Rayleigh-Ritz: P = G0·X, W = Gs·P, M = XᵀP = YᵀY, T = PᵀW = N²·YᵀΩΩᵀY */
    if (!st) st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, g0, &xm, 0.0, p, N, 1, err);
    if (!st) st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, gs, &pm, 0.0, w, N, 1, err);
    if (!st) st = sea_dgemm(1, 0, sk, sk, N, 1.0, x, N, p, N, 0.0, m, sk, 1, err);
    if (!st) st = sea_dgemm(1, 0, sk, sk, N, 1.0, p, N, w, N, 0.0, t, sk, 1, err);
    if (st) goto out;
    symmetrize(m, sk);
    symmetrize(t, sk);
    if (!cholesky_upper(m, sk) || !(tri_inverse(ri, m, sk) <= COND_MAX)) {
        st = SEA_ERR_NUMERIC;
        goto out;
    }
    /* S = R⁻ᵀ T R⁻¹ / N² (sm = T R⁻¹, then t = R⁻ᵀ sm) */
    st = sea_dgemm(0, 0, sk, sk, sk, 1.0, t, sk, ri, sk, 0.0, sm, sk, 1, err);
    if (!st) st = sea_dgemm(1, 0, sk, sk, sk, 1.0 / ((double)N * (double)N), ri, sk, sm, sk, 0.0, t, sk, 1, err);
    if (st) goto out;
    symmetrize(t, sk);
    /* S is symmetric positive semi-definite: its SVD is its eigendecomposition */
    sp.n_threads = 1;
    st = sea_svd_jacobi(t, sk, sk, sk, ev, NULL, 0, &sp, NULL, err);
    if (st) goto out;
    for (size_t j = 0; j < sk; j++) o->s[j] = sqrt(ev[j]);
    /* F = R⁻¹ V: U = A0 (X F) */
    o->f = sea__malloc_array(sk * sk, sizeof *o->f);
    if (!o->f) {
        st = sea__err_nomem(err, "randomized fit");
        goto out;
    }
    st = sea_dgemm(0, 0, sk, sk, sk, 1.0, ri, sk, t, sk, 0.0, o->f, sk, 1, err);
    if (st) goto out;
    o->x = x;
    x = NULL;
out:
    sea__work_free(x);
    sea__free(tau);
    sea__free(m);
    sea__free(t);
    sea__free(ri);
    sea__free(sm);
    sea__free(ev);
    return st;
}

/* The d-space route: o->u (d x sk) and o->s. */
static sea_status dspace(sea__xsketch *o, const sea__mat *a0, const sea__mat *as, const sea__apack *gs, size_t d,
                         size_t N, uint64_t seed, sea_err *err)
{
    size_t sk = o->sk;
    double *y = NULL, *z = NULL, *z2 = NULL, *tmp = NULL, *tau = NULL, *v = NULL, *bt = NULL;
    sea__mat a0t = *a0, zm, z2m, ym;
    sea_svd_params sp = sea_svd_default_params();
    sea__rng rng;
    sea_status st = SEA_OK;
    a0t.trans = !a0->trans;
    y = sea__work_alloc(d * sk, sizeof *y);
    z = sea__malloc_array(N * sk, sizeof *z);
    z2 = sea__malloc_array(N * sk, sizeof *z2);
    tmp = sea__work_alloc(d * sk, sizeof *tmp);
    bt = sea__work_alloc(d * sk, sizeof *bt);
    tau = sea__malloc_array(sk, sizeof *tau);
    v = sea__malloc_array(sk * sk, sizeof *v);
    o->s = sea__malloc_array(sk, sizeof *o->s);
    o->u = sea__work_alloc(d * sk, sizeof *o->u);
    if (!y || !z || !z2 || !tmp || !bt || !tau || !v || !o->s || !o->u) {
        st = sea__err_nomem(err, "randomized fit");
        goto out;
    }
    zm = sea__mat_d(z, N, 0);
    z2m = sea__mat_d(z2, N, 0);
    ym = sea__mat_d(y, d, 0);
    sea__rng_seed(&rng, seed);
    sea__rng_signs(z, N * sk, &rng);
    st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, gs, &zm, 0.0, z2, N, 1, err);
    if (!st) st = sea__gemm(sea__dgemm_pick(), d, sk, N, 1.0, a0, NULL, &z2m, 0.0, y, d, 1, err);
    if (!st) st = orth(y, d, sk, tmp, tau, err);
    for (int it = 0; !st && it < POWER_ITERS; it++) {
        st = sea__gemm(sea__dgemm_pick(), N, sk, d, 1.0, &a0t, NULL, &ym, 0.0, z, N, 1, err);
        if (!st) st = sea__gemm(NULL, 0, sk, 0, 1.0, NULL, gs, &zm, 0.0, z2, N, 1, err);
        if (!st) st = sea__gemm(sea__dgemm_pick(), d, sk, N, 1.0, a0, NULL, &z2m, 0.0, y, d, 1, err);
        if (!st) st = orth(y, d, sk, tmp, tau, err);
    }
    if (!st) st = sea__gemm(sea__dgemm_pick(), N, sk, d, 1.0, &a0t, NULL, &ym, 0.0, z, N, 1, err);
    if (!st) st = sea__gemm(sea__dgemm_pick(), d, sk, N, 1.0 / (double)N, as, NULL, &zm, 0.0, bt, d, 1, err);
    if (st) goto out;
    sp.n_threads = 1;
    st = sea_svd_jacobi(bt, d, d, sk, o->s, v, sk, &sp, NULL, err);
    if (!st) st = sea_dgemm(0, 0, d, sk, sk, 1.0, y, d, v, sk, 0.0, o->u, d, 1, err);
out:
    sea__work_free(y);
    sea__free(z);
    sea__free(z2);
    sea__work_free(tmp);
    sea__work_free(bt);
    sea__free(tau);
    sea__free(v);
    return st;
}

sea_status sea__xcov_sketch(sea__xsketch *o, size_t l, const sea__mat *a0, const sea__mat *as, const sea__apack *g0,
                            const sea__apack *gs, size_t d, size_t N, uint64_t seed, int route, sea_err *err)
{
    size_t q = SEA_MIN(d, N), nr = gs->kern->nr;
    sea_status st;
    memset(o, 0, sizeof *o);
    /* at least 10 extra columns, rounded up to whole kernel panels (no edge tiles) */
    o->sk = SEA_MIN(((l + 10 + nr - 1) / nr) * nr, q);
    o->l = SEA_MIN(l, o->sk);
    o->d = d;
    o->n = N;
    if (route != 2 && N <= d) {
        st = nspace(o, g0, gs, N, seed, err);
        if (st != SEA_ERR_NUMERIC) {
            if (st) sea__xsketch_free(o);
            return st;
        }
        sea__xsketch_free(o);
        o->sk = SEA_MIN(((l + 10 + nr - 1) / nr) * nr, q);
        o->l = SEA_MIN(l, o->sk);
        o->d = d;
        o->n = N;
    }
    if (route == 1) return SEA_ERR_NUMERIC; /* tests: the fast path only */
    st = dspace(o, a0, as, gs, d, N, seed, err);
    if (st) sea__xsketch_free(o);
    return st;
}

sea_status sea__xcov_coeffs(const sea__xsketch *o, size_t k, double *c, size_t ldc, sea_err *err)
{
    if (!o->x || k > o->sk) return sea__err(err, SEA_ERR_ARG, "randomized fit: no N-space sketch of %zu vectors", k);
    if (k == 0) return SEA_OK;
    return sea_dgemm(0, 0, o->n, k, o->sk, 1.0, o->x, o->n, o->f, o->sk, 0.0, c, ldc, 1, err);
}

double sea__orth_error(const double *u, size_t ldu, size_t d, size_t k, sea_err *err)
{
    double *g, worst = 0;
    if (k == 0) return 0;
    g = sea__malloc_array(k * k, sizeof *g);
    if (!g) {
        sea__err_nomem(err, "orthonormality check");
        return NAN;
    }
    if (sea_dgemm(1, 0, k, k, d, 1.0, u, ldu, u, ldu, 0.0, g, k, 1, err)) worst = NAN;
    for (size_t j = 0; j < k && worst == worst; j++)
        for (size_t i = 0; i < k; i++) {
            double e = fabs(g[i + j * k] - (i == j ? 1.0 : 0.0));
            if (!(e <= worst)) worst = e; /* NaN propagates */
        }
    sea__free(g);
    return worst;
}

sea_status sea__xcov_vectors(const sea__xsketch *o, size_t k, double *u, const sea__mat *a0, sea_err *err)
{
    size_t d = o->d, N = o->n;
    double *c, e;
    sea__mat cm;
    sea_status st;
    if (k == 0) return SEA_OK;
    if (k > o->sk) return sea__err(err, SEA_ERR_ARG, "randomized fit: %zu vectors wanted from a sketch of %zu", k, o->sk);
    if (o->u) {
        memcpy(u, o->u, d * k * sizeof *u);
        return SEA_OK;
    }
    c = sea__malloc_array(N * k, sizeof *c);
    if (!c) return sea__err_nomem(err, "randomized fit");
    cm = sea__mat_d(c, N, 0);
    st = sea__xcov_coeffs(o, k, c, N, err);
    if (!st) st = sea__gemm(sea__dgemm_pick(), d, k, N, 1.0, a0, NULL, &cm, 0.0, u, d, 1, err);
    sea__free(c);
    if (st) return st;
    e = sea__orth_error(u, d, d, k, err);
    if (e != e) return SEA_ERR_NOMEM;
    if (!(e <= SEA__ORTH_TOL)) return SEA_ERR_NUMERIC; /* the caller redoes it in d-space */
    return SEA_OK;
}
