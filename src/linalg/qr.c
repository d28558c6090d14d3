/* src/linalg/qr.c: thin Householder QR (LAPACK dgeqrf/dorm2r layout) with a blocked trailing
 * update in the compact WY form, so almost all flops go through sea_dgemm.
 *
 * Two levels of blocking: a panel of NB = 32 columns is factorised column by column (dlarfg
 * + dlarf, level 2) and its reflectors H_i = I − tau_i v_i v_iᵀ gathered as I − V T Vᵀ (dlarft,
 * T upper triangular) to update the rest of its block of NB2 = 128 columns; each block's 128
 * reflectors then update the trailing matrix at once with two wide gemms.
 * The same block application gives Q·C and Qᵀ·C without forming Q. */
#include <math.h>
#include <string.h>

#include "linalg/linalg_internal.h"

#define NB 32   /* inner panel width (level-2 factorisation) */
#define NB2 128 /* outer block width (trailing updates through gemm) */

/* Generate a reflector for x[0..n): afterwards x[0] = beta, x[1..n) = v (v[0] = 1 implied)
 * and (I − tau v vᵀ) x_old = beta e_1. beta carries the opposite sign of x_old[0] so that
 * alpha − beta never cancels. */
static double make_reflector(double *x, size_t n)
{
    double alpha, xnorm, beta, tau, scal;
    if (n <= 1) return 0.0;
    alpha = x[0];
    xnorm = sea_dnormf(x + 1, n - 1, n - 1, 1);
    if (xnorm == 0.0) return 0.0;
    beta = -copysign(hypot(alpha, xnorm), alpha);
    tau = (beta - alpha) / beta;
    scal = 1.0 / (alpha - beta);
    if (isfinite(scal)) {
        for (size_t i = 1; i < n; i++) x[i] *= scal;
    } else {
        /* alpha − beta tiny (subnormal range): divide instead of multiplying by 1/x */
        for (size_t i = 1; i < n; i++) x[i] /= (alpha - beta);
    }
    x[0] = beta;
    return tau;
}

/* Level-2 QR of the m x n panel (m >= 1): reflectors in place, tau[0..min(m,n)). */
static void qr_panel(double *a, size_t lda, size_t m, size_t n, double *tau)
{
    size_t q = SEA_MIN(m, n);
    for (size_t i = 0; i < q; i++) {
        double *ci = a + i + i * lda;
        double t = make_reflector(ci, m - i), save;
        tau[i] = t;
        if (t == 0.0) continue;
        save = ci[0];
        ci[0] = 1.0;
        for (size_t j = i + 1; j < n; j++) {
            double *cj = a + i + j * lda;
            double w = t * sea__ddot(m - i, ci, cj);
            sea__daxpy(m - i, -w, ci, cj);
        }
        ci[0] = save;
    }
}

/* Copy the reflectors of a panel (rows x nb, unit lower trapezoidal) into v (ld rows) with the
 * implied ones and zeros made explicit, so gemm can use it. */
static void explicit_v(double *v, size_t rows, size_t nb, const double *a, size_t lda)
{
    for (size_t j = 0; j < nb; j++) {
        double *vj = v + j * rows;
        const double *aj = a + j * lda;
        for (size_t i = 0; i < rows; i++) vj[i] = i < j ? 0.0 : (i == j ? 1.0 : aj[i]);
    }
}

/* T (nb x nb, upper, column-major ld nb) of I − V T Vᵀ = H_0 … H_{nb−1} (dlarft, forward):
 * T[0:i, i] = −tau_i · T[0:i, 0:i] · (V[:, 0:i]ᵀ v_i), with VᵀV from one gemm. g: nb x nb. */
static sea_status form_t(double *t, const double *v, size_t rows, size_t nb, const double *tau, double *g,
                         sea_err *err)
{
    sea_status st = sea_dgemm(1, 0, nb, nb, rows, 1.0, v, rows, v, rows, 0.0, g, nb, 1, err);
    if (st) return st;
    memset(t, 0, nb * nb * sizeof *t);
    for (size_t i = 0; i < nb; i++) {
        double *ti = t + i * nb;
        ti[i] = tau[i];
        if (tau[i] == 0.0) continue;
        for (size_t k = 0; k < i; k++) ti[k] = -tau[i] * g[k + i * nb];
        for (size_t r = 0; r < i; r++) {
            double acc = 0;
            for (size_t k = r; k < i; k++) acc += t[r + k * nb] * ti[k];
            ti[r] = acc;
        }
    }
    return SEA_OK;
}

/* C (rows x nc) <- (I − V T Vᵀ) C (trans 0) or (I − V Tᵀ Vᵀ) C (trans 1). w: nb x nc. */
static sea_status apply_block(int trans, double *c, size_t ldc, size_t rows, size_t nc,
                              const double *v, const double *t, size_t nb, double *w,
                              int n_threads, sea_err *err)
{
    sea_status st;
    if (nc == 0) return SEA_OK;
    st = sea_dgemm(1, 0, nb, nc, rows, 1.0, v, rows, c, ldc, 0.0, w, nb, n_threads, err);
    if (st) return st;
    /* w <- T w or Tᵀ w, column by column (T is small) */
    for (size_t j = 0; j < nc; j++) {
        double *wj = w + j * nb, tmp[NB2];
        for (size_t i = 0; i < nb; i++) {
            double s = 0;
            if (!trans)
                for (size_t k = i; k < nb; k++) s += t[i + k * nb] * wj[k];
            else
                for (size_t k = 0; k <= i; k++) s += t[k + i * nb] * wj[k];
            tmp[i] = s;
        }
        memcpy(wj, tmp, nb * sizeof *wj);
    }
    return sea_dgemm(0, 0, rows, nc, nb, -1.0, v, rows, w, nb, 1.0, c, ldc, n_threads, err);
}

/* Factor the block of columns [j0, j0 + jb) of a (rows from j0 on) in panels of NB with the
 * update restricted to the block; v, t, g, w: workspace. */
static sea_status qr_block(double *a, size_t lda, size_t m, size_t j0, size_t jb, double *tau, double *v, double *t,
                           double *g, double *w, sea_err *err)
{
    for (size_t j = j0; j < j0 + jb; j += NB) {
        size_t pb = SEA_MIN((size_t)NB, j0 + jb - j), rows = m - j;
        double *panel = a + j + j * lda;
        sea_status st;
        qr_panel(panel, lda, rows, pb, tau + j);
        if (j + pb >= j0 + jb) break;
        explicit_v(v, rows, pb, panel, lda);
        st = form_t(t, v, rows, pb, tau + j, g, err);
        if (!st) st = apply_block(1, panel + pb * lda, lda, rows, j0 + jb - j - pb, v, t, pb, w, 1, err);
        if (st) return st;
    }
    return SEA_OK;
}

sea_status sea_qr(double *a, size_t lda, size_t m, size_t n, double *tau, int n_threads,
                  sea_err *err)
{
    size_t q = SEA_MIN(m, n), vsz, wsz;
    double *v = NULL, *t = NULL, *w = NULL, *g = NULL;
    sea_status st = SEA_OK;
    if (q == 0) return SEA_OK;
    if (lda < m) return sea__err(err, SEA_ERR_ARG, "qr: lda %zu < m %zu", lda, m);
    if (sea__mul_size(&vsz, m, NB2) || sea__mul_size(&wsz, n, NB2))
        return sea__err(err, SEA_ERR_LIMIT, "qr: %zu x %zu is too large", m, n);
    v = sea__work_alloc(vsz, sizeof *v);
    t = sea__malloc_array(NB2 * NB2, sizeof *t);
    g = sea__malloc_array(NB2 * NB2, sizeof *g);
    w = sea__work_alloc(wsz, sizeof *w);
    if (!v || !t || !w || !g) {
        st = sea__err_nomem(err, "qr workspace");
        goto out;
    }
    /* blocks of NB2 columns: factored in NB panels, then one wide update of the rest */
    for (size_t j = 0; j < q; j += NB2) {
        size_t jb = SEA_MIN((size_t)NB2, q - j), rows = m - j;
        double *blk = a + j + j * lda;
        st = qr_block(a, lda, m, j, jb, tau, v, t, g, w, err);
        if (st) goto out;
        if (j + jb < n) {
            explicit_v(v, rows, jb, blk, lda);
            st = form_t(t, v, rows, jb, tau + j, g, err);
            if (!st) st = apply_block(1, blk + jb * lda, lda, rows, n - j - jb, v, t, jb, w, n_threads, err);
            if (st) goto out;
        }
    }
out:
    sea__work_free(v);
    sea__free(t);
    sea__free(g);
    sea__work_free(w);
    return st;
}

sea_status sea_qr_apply(int trans, double *c, size_t ldc, size_t m, size_t nc, const double *a,
                        size_t lda, size_t q, const double *tau, int n_threads, sea_err *err)
{
    size_t nblk, vsz, wsz;
    double *v, *t, *w, *g;
    sea_status st = SEA_OK;
    if (q > m) return sea__err(err, SEA_ERR_ARG, "qr_apply: %zu reflectors for %zu rows", q, m);
    if (q == 0 || nc == 0) return SEA_OK;
    if (ldc < m || lda < m) return sea__err(err, SEA_ERR_ARG, "qr_apply: leading dimension too small");
    if (sea__mul_size(&vsz, m, NB2) || sea__mul_size(&wsz, nc, NB2))
        return sea__err(err, SEA_ERR_LIMIT, "qr_apply: %zu x %zu is too large", m, nc);
    v = sea__work_alloc(vsz, sizeof *v);
    t = sea__malloc_array(NB2 * NB2, sizeof *t);
    g = sea__malloc_array(NB2 * NB2, sizeof *g);
    w = sea__work_alloc(wsz, sizeof *w);
    if (!v || !t || !w || !g) {
        st = sea__err_nomem(err, "qr_apply workspace");
        goto out;
    }
    nblk = (q + NB2 - 1) / NB2;
    /* Q C = H_0 (H_1 (… C)): blocks last to first; Qᵀ C: first to last with Tᵀ */
    for (size_t bi = 0; bi < nblk; bi++) {
        size_t b = trans ? bi : nblk - 1 - bi;
        size_t j = b * NB2, jb = SEA_MIN((size_t)NB2, q - j), rows = m - j;
        explicit_v(v, rows, jb, a + j + j * lda, lda);
        st = form_t(t, v, rows, jb, tau + j, g, err);
        if (!st) st = apply_block(trans, c + j, ldc, rows, nc, v, t, jb, w, n_threads, err);
        if (st) goto out;
    }
out:
    sea__work_free(v);
    sea__free(t);
    sea__free(g);
    sea__work_free(w);
    return st;
}

sea_status sea__qr_form_q(double *q, size_t ldq, size_t m, const double *a, size_t lda, size_t nq,
                          const double *tau, int n_threads, sea_err *err)
{
    for (size_t j = 0; j < nq; j++) {
        memset(q + j * ldq, 0, m * sizeof *q);
        if (j < m) q[j + j * ldq] = 1.0;
    }
    return sea_qr_apply(0, q, ldq, m, nq, a, lda, SEA_MIN(nq, m), tau, n_threads, err);
}
