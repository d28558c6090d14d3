/* src/linalg/svd_gram.c: leading singular triplets with a time that does not depend on the
 * spectrum: the eigenvectors of the Gram matrix precondition a one-sided Jacobi SVD.
 *
 *   1. G = AᵀA (n x n, symmetric rank-k update), its Householder tridiagonalisation and all its
 *      eigenvalues λ_j (implicit QL): O(m n² + n³), the same work whatever the spectrum;
 *   2. the wanted count (energy ratio, min_lead) read off the λ_j, plus a buffer: h columns;
 *   3. eigenvectors of the tridiagonal for λ_1..λ_h (inverse iteration), back-transformed:
 *      V_h (n x h), the leading right singular subspace up to the Gram's rounding;
 *   4. X = A V_h (m x h) and the one-sided Jacobi SVD of X (QR and LQ preconditioned). Its
 *      columns are already orthogonal up to the Gram's rounding, so the Jacobi converges in
 *      two or three sweeps; its singular values are those of A restricted to span(V_h)
 *      (Rayleigh-Ritz), its left vectors are orthonormal to the Jacobi's accuracy.
 *
 * Why not the Gram's eigenvalues themselves: forming AᵀA squares the spectrum, so its rounding
 * (about n·ulp·σ₁²) moves a small σ_j by up to sqrt(n·ulp)·σ₁. Step 4 removes that: the values
 * come from A itself, and the subspace error enters them only to second order (|σ_j² − θ_j²| ≤
 * ‖R‖²/gap, ‖R‖ of the order of the Gram's rounding, gap the distance from the kept Ritz values
 * to λ_{h+1}), and to first order at most (‖R‖/(2σ_j)). Every value beyond the kept ones is
 * bounded by β = sqrt(λ_{h+1} + ε), ε = (m + 8n)·ulp·‖A‖_F² (the rounding of the Gram and of the
 * eigensolver, Weyl), so values above β are the leading ones. With energy = 0 (full SVD) h = n
 * and step 4 is a Jacobi SVD of A·V with V orthogonal: the Jacobi's own accuracy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg_internal.h"

#define ULP 2.220446049250313e-16

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

sea_status sea_svd_gram(double *a, size_t lda, size_t m, size_t n, double *s, double *v, size_t ldv,
                        const sea_svd_params *params, sea_svd_info *info, sea_err *err)
{
    sea_svd_params P = params ? *params : sea_svd_default_params(), jp;
    sea_svd_info inf, ji;
    int nt = sea__threads(P.n_threads), e2 = 0, full;
    size_t mn, nn, need = 0, h, n_valid = 0, n_values = 0, rank = 0;
    double amax = 0, scale, etot = 0, cum = 0, beta = 0, eps;
    double *as = NULL, *g = NULL, *dd = NULL, *ee = NULL, *lam = NULL, *tau = NULL, *z = NULL, *x = NULL, *w = NULL;
    double *sx = NULL;
    sea_status st = SEA_OK;

    memset(&inf, 0, sizeof inf);
    inf.scale = 1.0;
    if (info) *info = inf;
    if (m < n) return sea__err(err, SEA_ERR_ARG, "gram svd: needs m >= n, got %zu x %zu (transpose it)", m, n);
    if (n == 0) return SEA_OK;
    if (lda < m) return sea__err(err, SEA_ERR_ARG, "gram svd: lda %zu < m %zu", lda, m);
    if (v && ldv < n) return sea__err(err, SEA_ERR_ARG, "gram svd: ldv %zu < n %zu", ldv, n);
    if (v && P.energy > 0) return sea__err(err, SEA_ERR_ARG, "gram svd: V is only computed by the full SVD (energy = 0)");
    if (P.energy > 1) return sea__err(err, SEA_ERR_ARG, "gram svd: energy fraction %g > 1", P.energy);
    if (!sea__all_finite(a, lda, m, n))
        return sea__err(err, SEA_ERR_NUMERIC, "gram svd: the %zu x %zu input has NaN or Inf", m, n);
    if (sea__mul_size(&mn, m, n) || sea__mul_size(&nn, n, n))
        return sea__err(err, SEA_ERR_LIMIT, "gram svd: %zu x %zu is too large", m, n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++)
            if (fabs(a[i + j * lda]) > amax) amax = fabs(a[i + j * lda]);
    if (amax == 0.0) {
        for (size_t j = 0; j < n; j++) {
            s[j] = 0.0;
            for (size_t i = 0; i < m; i++) a[i + j * lda] = (i == j) ? 1.0 : 0.0;
            if (v)
                for (size_t i = 0; i < n; i++) v[i + j * ldv] = (i == j) ? 1.0 : 0.0;
        }
        inf.n_valid = inf.n_values = n;
        if (info) *info = inf;
        return SEA_OK;
    }
    /* power-of-two scaling (exact): max |a| in [0.5, 1), so the Gram neither overflows nor
     * loses what it need not */
    (void)frexp(amax, &e2);
    scale = ldexp(1.0, -e2);
    inf.scale = scale;

    as = sea__work_alloc(mn, sizeof *as);
    g = sea__work_alloc(nn, sizeof *g);
    dd = sea__malloc_array(n, sizeof *dd);
    ee = sea__malloc_array(n, sizeof *ee);
    lam = sea__malloc_array(n, sizeof *lam);
    tau = sea__malloc_array(n, sizeof *tau);
    sx = sea__malloc_array(n, sizeof *sx);
    if (!as || !g || !dd || !ee || !lam || !tau || !sx) goto nomem;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) as[i + j * m] = a[i + j * lda] * scale;
    etot = 0;
    for (size_t j = 0; j < n; j++) etot += sea__ddot(m, as + j * m, as + j * m);

    /* 1. G = AᵀA (upper), mirrored to the lower triangle; tridiagonal; eigenvalues */
    st = sea_dsyrk(1, n, m, 1.0, as, m, 0.0, g, n, nt, err);
    if (st) goto out;
    for (size_t j = 0; j < n; j++)
        for (size_t i = j + 1; i < n; i++) g[i + j * n] = g[j + i * n];
    st = sea__sytrd(g, n, n, dd, ee, tau, nt, err);
    if (st) goto out;
    memcpy(lam, dd, n * sizeof *lam);
    {
        double *e2c = sea__malloc_array(n, sizeof *e2c);
        if (!e2c) goto nomem;
        memcpy(e2c, ee, (n - 1) * sizeof *e2c);
        if (sea__stev_values(lam, e2c, n)) {
            sea__free(e2c);
            st = sea__err(err, SEA_ERR_NO_CONVERGENCE, "gram svd: tridiagonal QL did not converge (n = %zu)", n);
            goto out;
        }
        sea__free(e2c);
    }
    qsort(lam, n, sizeof *lam, cmp_desc);
    eps = ((double)m + 8.0 * (double)n) * ULP * etot;

    /* 2. how many: the energy ratio and min_lead, then a buffer */
    full = !(P.energy > 0);
    if (!full) {
        for (size_t j = 0; j < n && !need; j++) {
            cum += lam[j] > 0 ? lam[j] : 0;
            if (cum >= P.energy * etot) need = j + 1;
        }
        if (!need) need = n;
        need = SEA_MAX(need, SEA_MIN(P.min_lead, n));
        if (need == 0) need = 1;
    }
    h = full ? n : SEA_MIN(n, need + SEA_MAX((size_t)32, need / 2));
    for (;;) {
        if (h * 4 >= n * 3) h = n;
        /* 3. V_h = Q Z */
        sea__work_free(z);
        sea__work_free(x);
        z = sea__work_alloc(n * h, sizeof *z);
        x = sea__work_alloc(m * h, sizeof *x);
        if (!z || !x) goto nomem;
        st = sea__stein(dd, ee, n, lam, h, z, n, err);
        if (!st) st = sea__sytrd_apply(z, n, n, h, g, n, tau, nt, err);
        /* 4. X = A V_h and its Jacobi SVD */
        if (!st) st = sea_dgemm(0, 0, m, h, n, 1.0, as, m, z, n, 0.0, x, m, nt, err);
        if (st) goto out;
        jp = sea_svd_default_params();
        jp.tol = P.tol;
        jp.max_sweeps = P.max_sweeps;
        jp.n_threads = nt;
        /* tall X: its QR (then the LQ step) keeps the columns' near-orthogonality (an upper
         * triangular factor with orthogonal columns is diagonal); a square X is used as is, an
         * LQ step of it would mix its columns again */
        jp.precondition = m > h;
        if (v) {
            sea__free(w);
            w = sea__malloc_array(h * h, sizeof *w);
            if (!w) goto nomem;
        }
        st = sea_svd_jacobi(x, m, m, h, sx, w, h, &jp, &ji, err);
        inf.sweeps += ji.sweeps;
        inf.rotations += ji.rotations;
        inf.off = ji.off;
        if (st) goto out;
        if (h == n) {
            n_valid = n;
            beta = 0;
            break;
        }
        beta = sqrt((lam[h] > 0 ? lam[h] : 0) + eps);
        n_valid = 0;
        while (n_valid < h && sx[n_valid] > beta) n_valid++;
        if (n_valid >= need) break;
        /* a wanted value is not separated from the rest: widen */
        h = SEA_MIN(n, 2 * h);
    }
    n_values = n_valid;
    for (size_t j = 0; j < n; j++) {
        if (j < n_valid) {
            s[j] = sx[j] / scale;
            if (sx[j] > 0) rank++;
            memcpy(a + j * lda, x + j * m, m * sizeof *a);
        } else {
            s[j] = NAN;
        }
    }
    if (P.min_values > n_valid) {
        /* values only, beyond the kept triplets (statistics): the Ritz values of X while they
         * last, then the Gram's, kept non-increasing */
        size_t want = SEA_MIN(P.min_values, n);
        for (size_t j = n_valid; j < want; j++) {
            double sj = j < h ? sx[j] : sqrt(lam[j] > 0 ? lam[j] : 0);
            if (j > 0 && sj > s[j - 1] * scale) sj = s[j - 1] * scale;
            s[j] = sj / scale;
        }
        n_values = want;
    }
    if (v) {
        /* V = V_h W (full mode: h = n) */
        st = sea_dgemm(0, 0, n, n, n, 1.0, z, n, w, n, 0.0, v, ldv, nt, err);
        if (st) goto out;
    }
    if (n_valid == n) rank = ji.rank;
    inf.rank = rank;
    inf.n_valid = n_valid;
    inf.n_values = n_values;
    inf.tail_bound = beta / scale;
    if (info) *info = inf;
    goto out;
nomem:
    st = sea__err_nomem(err, "gram svd workspace");
out:
    sea__work_free(as);
    sea__work_free(g);
    sea__work_free(z);
    sea__work_free(x);
    sea__free(w);
    sea__free(dd);
    sea__free(ee);
    sea__free(lam);
    sea__free(tau);
    sea__free(sx);
    return st;
}
