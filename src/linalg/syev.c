/* src/linalg/syev.c: the symmetric eigenproblem pieces behind the Gram-preconditioned SVD
 * (svd_gram.c) and the Jacobi SVD's values of the rest: Householder tridiagonalisation
 * (blocked, LAPACK dsytrd's lower layout), its back-transformation, all eigenvalues of a
 * symmetric tridiagonal matrix by the implicit QL algorithm with Wilkinson shifts, and chosen
 * eigenvectors of it by inverse iteration (reorthogonalised inside clusters).
 *
 * Tridiagonalisation, A = Q T Qᵀ (lower triangle referenced): step i builds the reflector
 * H_i = I − tau_i v_i v_iᵀ that zeroes A[i+2:, i] (v_i[i+1] = 1, stored below the subdiagonal
 * of column i) and applies it on both sides of the trailing block, A22 ← A22 − v wᵀ − w vᵀ with
 * p = tau A22 v and w = p − (tau/2)(pᵀv) v. Blocked as in dlatrd: inside a panel of NB columns
 * the rank-2 updates are kept as V and W and folded in lazily (column i is brought up to date
 * just before its reflector is made; the symmetric product A22 v uses the panel-start matrix
 * and corrects it with V and W), and the trailing matrix is updated once per panel by gemm
 * (A22 −= [V W][W V]ᵀ, lower part by column blocks). Half the flops are in the symmetric
 * matrix-vector products, which read the lower triangle once per column (each column is used
 * for a dot product and an axpy while it is in L1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cpu.h"
#include "linalg/linalg_internal.h"

#define ULP 2.220446049250313e-16
#define NB 32  /* panel width of the blocked tridiagonalisation */
#define CB 256 /* column block of the trailing update */

/* Reflector for x[0..n) (as in qr.c): x[0] = beta afterwards, x[1..n) = v (v[0] = 1 implied). */
static double reflector(double *x, size_t n)
{
    double alpha, xnorm, beta, tau, scal;
    if (n <= 1) return 0.0;
    alpha = x[0];
    xnorm = sea_dnormf(x + 1, n - 1, n - 1, 1);
    if (xnorm == 0.0) return 0.0;
    beta = -copysign(hypot(alpha, xnorm), alpha);
    tau = (beta - alpha) / beta;
    scal = 1.0 / (alpha - beta);
    if (isfinite(scal))
        for (size_t i = 1; i < n; i++) x[i] *= scal;
    else
        for (size_t i = 1; i < n; i++) x[i] /= (alpha - beta);
    x[0] = beta;
    return tau;
}

void sea__dsymv4_scalar(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y,
                        double *dots)
{
    const double *c0 = a, *c1 = a + lda, *c2 = a + 2 * lda, *c3 = a + 3 * lda;
    double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] += xs[0] * c0[i] + xs[1] * c1[i] + xs[2] * c2[i] + xs[3] * c3[i];
        t0 += c0[i] * x[i];
        t1 += c1[i] * x[i];
        t2 += c2[i] * x[i];
        t3 += c3[i] * x[i];
    }
    dots[0] += t0;
    dots[1] += t1;
    dots[2] += t2;
    dots[3] += t3;
}

void sea__dsymv4(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y, double *dots)
{
    switch (sea__simd_level()) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: sea__dsymv4_avx512(n, a, lda, xs, x, y, dots); return;
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: sea__dsymv4_avx2(n, a, lda, xs, x, y, dots); return;
#endif
    default: sea__dsymv4_scalar(n, a, lda, xs, x, y, dots); return;
    }
}

/* y = S x for the symmetric len x len matrix whose lower triangle is at s (ld lds): columns in
 * fours (the 4 x 4 diagonal block by hand, the rows below it by the fused kernel, which reads
 * each column once for both its axpy and its dot product), the last few one by one. */
static void symv_lower(const double *s, size_t lds, size_t len, const double *x, double *y)
{
    size_t c = 0;
    memset(y, 0, len * sizeof *y);
    for (; c + 4 <= len; c += 4) {
        double dots[4] = {0, 0, 0, 0};
        for (size_t k = 0; k < 4; k++) {
            const double *col = s + (c + k) * lds;
            y[c + k] += col[c + k] * x[c + k];
            for (size_t r = c + k + 1; r < c + 4; r++) {
                y[r] += col[r] * x[c + k];
                dots[k] += col[r] * x[r];
            }
        }
        if (c + 4 < len) sea__dsymv4(len - c - 4, s + (c + 4) + c * lds, lds, x + c, x + c + 4, y + c + 4, dots);
        for (size_t k = 0; k < 4; k++) y[c + k] += dots[k];
    }
    for (; c < len; c++) {
        const double *col = s + c * lds;
        size_t r = len - c - 1;
        y[c] += col[c] * x[c];
        if (r) {
            sea__daxpy(r, x[c], col + c + 1, y + c + 1);
            y[c] += sea__ddot(r, col + c + 1, x + c + 1);
        }
    }
}

sea_status sea__sytrd(double *a, size_t lda, size_t n, double *d, double *e, double *tau, int n_threads,
                      sea_err *err)
{
    double *vw = NULL, *wv = NULL, *tmp = NULL;
    size_t ld = n;
    sea_status st = SEA_OK;
    if (n == 0) return SEA_OK;
    if (n == 1) {
        d[0] = a[0];
        return SEA_OK;
    }
    vw = sea__work_calloc(ld * 2 * NB, sizeof *vw); /* [V W] */
    wv = sea__work_alloc(ld * 2 * NB, sizeof *wv);  /* [W V] */
    tmp = sea__malloc_array(4 * NB + n, sizeof *tmp);
    if (!vw || !wv || !tmp) {
        st = sea__err_nomem(err, "tridiagonalisation");
        goto out;
    }
    for (size_t i0 = 0; i0 < n; i0 += NB) {
        size_t nb = SEA_MIN((size_t)NB, n - i0);
        double *V = vw, *W = vw + ld * NB;
        for (size_t j = 0; j < nb; j++) {
            size_t i = i0 + j, len;
            double *ai = a + i * lda, *v, *w, *c1 = tmp, *c2 = tmp + NB, t, alpha;
            /* bring column i (rows i..n) up to date with the panel's earlier reflectors */
            for (size_t jj = 0; jj < j; jj++) {
                double wi = W[i + jj * ld], vi = V[i + jj * ld];
                sea__daxpy(n - i, -wi, V + i + jj * ld, ai + i);
                sea__daxpy(n - i, -vi, W + i + jj * ld, ai + i);
            }
            d[i] = ai[i];
            if (i + 1 >= n) break;
            len = n - i - 1;
            t = reflector(ai + i + 1, len);
            tau[i] = t;
            e[i] = ai[i + 1];
            v = V + j * ld;
            w = W + j * ld;
            memset(v, 0, (i + 1) * sizeof *v);
            memset(w, 0, (i + 1) * sizeof *w);
            v[i + 1] = 1.0;
            memcpy(v + i + 2, ai + i + 2, (len - 1) * sizeof *v);
            if (t == 0.0) {
                memset(w + i + 1, 0, len * sizeof *w);
                continue;
            }
            /* p = tau (A22 − V Wᵀ − W Vᵀ) v, A22 the panel-start trailing block */
            symv_lower(a + (i + 1) + (i + 1) * lda, lda, len, v + i + 1, w + i + 1);
            for (size_t jj = 0; jj < j; jj++) {
                c1[jj] = sea__ddot(len, W + i + 1 + jj * ld, v + i + 1);
                c2[jj] = sea__ddot(len, V + i + 1 + jj * ld, v + i + 1);
            }
            for (size_t jj = 0; jj < j; jj++) {
                sea__daxpy(len, -c1[jj], V + i + 1 + jj * ld, w + i + 1);
                sea__daxpy(len, -c2[jj], W + i + 1 + jj * ld, w + i + 1);
            }
            for (size_t r = 0; r < len; r++) w[i + 1 + r] *= t;
            alpha = -0.5 * t * sea__ddot(len, w + i + 1, v + i + 1);
            sea__daxpy(len, alpha, v + i + 1, w + i + 1);
        }
        /* trailing update, lower part by column blocks: A22 −= [V W][W V]ᵀ (only a full panel
         * has a trailing block, so W starts right after V's NB columns) */
        if (i0 + nb < n) {
            size_t c0 = i0 + nb;
            for (size_t j = 0; j < nb; j++) {
                memcpy(wv + j * ld, W + j * ld, n * sizeof *wv);
                memcpy(wv + (nb + j) * ld, V + j * ld, n * sizeof *wv);
            }
            for (size_t cb = c0; cb < n && !st; cb += CB) {
                size_t jb = SEA_MIN((size_t)CB, n - cb);
                st = sea_dgemm(0, 1, n - cb, jb, 2 * nb, -1.0, vw + cb, ld, wv + cb, ld, 1.0,
                               a + cb + cb * lda, lda, n_threads, err);
            }
            if (st) goto out;
        }
    }
out:
    sea__work_free(vw);
    sea__work_free(wv);
    sea__free(tmp);
    return st;
}

sea_status sea__sytrd_apply(double *c, size_t ldc, size_t n, size_t nc, const double *a, size_t lda, const double *tau,
                            int n_threads, sea_err *err)
{
    /* Q = H_0 … H_{n−2} acts on rows 1..n−1 like the Q of a QR of a[1:, 0:n−1] */
    if (n <= 1 || nc == 0) return SEA_OK;
    return sea_qr_apply(0, c + 1, ldc, n - 1, nc, a + 1, lda, n - 1, tau, n_threads, err);
}

/* All eigenvalues of the symmetric tridiagonal (d, e): implicit QL with Wilkinson shifts
 * (values only, O(n²)). d is overwritten with them (unsorted), e destroyed. Returns 0, or -1
 * when an eigenvalue needs more than 60 iterations. */
int sea__stev_values(double *d, double *e, size_t n)
{
    double tnorm = 0;
    if (n == 0) return 0;
    e[n - 1] = 0.0;
    /* an off-diagonal below ulp·‖T‖ is rounding noise: it splits the matrix (eigenvalues move by
     * less than that absolute amount, which is the accuracy the Householder reduction has) */
    for (size_t i = 0; i < n; i++) tnorm = fmax(tnorm, fabs(d[i]) + fabs(e[i]) + (i ? fabs(e[i - 1]) : 0.0));
    for (size_t l = 0; l < n; l++) {
        int iter = 0;
        for (;;) {
            size_t m = l;
            double g, r, s, c, p;
            int restart = 0;
            while (m + 1 < n) {
                double dd = fabs(d[m]) + fabs(d[m + 1]);
                if (fabs(e[m]) <= ULP * dd || fabs(e[m]) <= 0.5 * ULP * tnorm) {
                    e[m] = 0.0;
                    break;
                }
                m++;
            }
            if (m == l) break;
            if (++iter > 60) return -1;
            /* Wilkinson shift from the leading 2 x 2 block */
            g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            r = hypot(g, 1.0);
            g = d[m] - d[l] + e[l] / (g + copysign(r, g));
            s = c = 1.0;
            p = 0.0;
            for (size_t i = m; i-- > l;) {
                double f = s * e[i], b = c * e[i];
                /* |f|, |g| <= a few ‖T‖ (the caller scales T to order one): no overflow; an
                 * underflow to r = 0 splits the chain below, as it should */
                r = sqrt(f * f + g * g);
                e[i + 1] = r;
                if (r == 0.0) {
                    /* underflow: the chain splits here; start over */
                    d[i + 1] -= p;
                    e[m] = 0.0;
                    restart = 1;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
            }
            if (restart) continue;
            d[l] -= p;
            e[l] = g;
            e[m] = 0.0;
        }
    }
    return 0;
}

/* Solve (T − λI) x = b in place (b -> x) with the LU factorisation of T − λI by partial
 * pivoting (a tridiagonal's U has two superdiagonals); tiny pivots are replaced by `tiny`. */
static void tri_solve(const double *d, const double *e, size_t n, double lam, double tiny, double *x, double *u0,
                      double *u1, double *u2, double *ml, unsigned char *piv)
{
    /* elimination: row i has (sub, diag, super, super2) after pivoting */
    double a = d[0] - lam, b = n > 1 ? e[0] : 0.0, c = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        double sub = e[i], nd = d[i + 1] - lam, ns = i + 2 < n ? e[i + 1] : 0.0;
        if (fabs(a) >= fabs(sub)) {
            double m = a != 0.0 ? sub / a : 0.0;
            if (a == 0.0) a = tiny, m = sub / a;
            piv[i] = 0;
            u0[i] = a;
            u1[i] = b;
            u2[i] = c;
            ml[i] = m;
            a = nd - m * b;
            b = ns - m * c;
            c = 0.0;
        } else {
            double m = a / sub;
            piv[i] = 1;
            u0[i] = sub;
            u1[i] = nd;
            u2[i] = ns;
            ml[i] = m;
            a = b - m * nd;
            b = c - m * ns;
            c = 0.0;
        }
    }
    u0[n - 1] = a == 0.0 ? tiny : a;
    if (fabs(u0[n - 1]) < tiny) u0[n - 1] = copysign(tiny, u0[n - 1]);
    for (size_t i = 0; i + 1 < n; i++)
        if (fabs(u0[i]) < tiny) u0[i] = copysign(tiny, u0[i]);
    /* forward: apply the row swaps and multipliers to x */
    for (size_t i = 0; i + 1 < n; i++) {
        if (piv[i]) {
            double t = x[i];
            x[i] = x[i + 1];
            x[i + 1] = t;
        }
        x[i + 1] -= ml[i] * x[i];
    }
    /* back substitution */
    for (size_t i = n; i-- > 0;) {
        double v = x[i];
        if (i + 1 < n) v -= u1[i] * x[i + 1];
        if (i + 2 < n) v -= u2[i] * x[i + 2];
        x[i] = v / u0[i];
    }
}

sea_status sea__stein(const double *d, const double *e, size_t n, const double *lam, size_t h, double *z, size_t ldz,
                      sea_err *err)
{
    double tnorm = 0, *u0 = NULL, *u1 = NULL, *u2 = NULL, *ml = NULL, tiny, ortol, prev = 0;
    unsigned char *piv = NULL;
    size_t first = 0; /* first index of the current cluster */
    sea__rng rng;
    if (h == 0 || n == 0) return SEA_OK;
    for (size_t i = 0; i < n; i++) {
        double r = fabs(d[i]) + (i ? fabs(e[i - 1]) : 0.0) + (i + 1 < n ? fabs(e[i]) : 0.0);
        if (r > tnorm) tnorm = r;
    }
    u0 = sea__malloc_array(n, sizeof *u0);
    u1 = sea__malloc_array(n, sizeof *u1);
    u2 = sea__malloc_array(n, sizeof *u2);
    ml = sea__malloc_array(n, sizeof *ml);
    piv = sea__malloc_array(n, 1);
    if (!u0 || !u1 || !u2 || !ml || !piv) {
        sea__free(u0);
        sea__free(u1);
        sea__free(u2);
        sea__free(ml);
        sea__free(piv);
        return sea__err_nomem(err, "inverse iteration");
    }
    if (tnorm == 0) tnorm = 1;
    tiny = ULP * tnorm;
    ortol = 1e-3 * tnorm;
    sea__rng_seed(&rng, 0x57e1aull);
    for (size_t j = 0; j < h; j++) {
        double *zj = z + j * ldz, l = lam[j], nrm;
        if (j > 0 && prev - l > ortol) first = j;
        /* equal eigenvalues (to rounding) get distinct shifts so the solves differ */
        if (j > 0 && l >= prev - 10.0 * ULP * fabs(prev)) l = prev - 10.0 * ULP * fmax(fabs(prev), tiny);
        prev = l;
        for (size_t i = 0; i < n; i++) zj[i] = sea__rng_uniform(&rng) - 0.5;
        for (int it = 0; it < 4; it++) {
            tri_solve(d, e, n, l, tiny, zj, u0, u1, u2, ml, piv);
            /* Gram-Schmidt (twice) against the cluster's earlier vectors */
            for (int pass = 0; pass < 2; pass++)
                for (size_t k = first; k < j; k++) {
                    double *zk = z + k * ldz;
                    sea__daxpy(n, -sea__ddot(n, zk, zj), zk, zj);
                }
            nrm = sea_dnormf(zj, n, n, 1);
            if (!(nrm > 0) || !isfinite(nrm)) {
                for (size_t i = 0; i < n; i++) zj[i] = sea__rng_uniform(&rng) - 0.5;
                continue;
            }
            for (size_t i = 0; i < n; i++) zj[i] /= nrm;
        }
    }
    sea__free(u0);
    sea__free(u1);
    sea__free(u2);
    sea__free(ml);
    sea__free(piv);
    return SEA_OK;
}

static int cmp_desc_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

sea_status sea__syev_values(double *a, size_t lda, size_t n, double *w, int n_threads, sea_err *err)
{
    double *e, *tau;
    sea_status st;
    if (n == 0) return SEA_OK;
    e = sea__malloc_array(n, sizeof *e);
    tau = sea__malloc_array(n, sizeof *tau);
    if (!e || !tau) {
        sea__free(e);
        sea__free(tau);
        return sea__err_nomem(err, "symmetric eigenvalues");
    }
    st = sea__sytrd(a, lda, n, w, e, tau, n_threads, err);
    if (!st && sea__stev_values(w, e, n))
        st = sea__err(err, SEA_ERR_NO_CONVERGENCE, "symmetric eigenvalues: QL did not converge (n = %zu)", n);
    if (!st) qsort(w, n, sizeof *w, cmp_desc_d);
    sea__free(e);
    sea__free(tau);
    return st;
}
