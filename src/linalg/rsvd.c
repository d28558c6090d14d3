/* src/linalg/rsvd.c: randomized SVD for when only the leading k singular triplets are needed
 * (Halko, Martinsson & Tropp, SIAM Review 2011: Alg. 4.4 subspace iteration + Alg. 5.1), on an
 * operator known only through products with A and Aᵀ. Its test matrix comes from the
 * library's generator (src/core/rng.c). */
#include <math.h>
#include <string.h>

#include "linalg/linalg_internal.h"

/* ---- dense operator ---- */
static sea_status dense_apply(const sea_linop *op, int trans, const double *x, size_t ldx,
                              size_t ncol, double *y, size_t ldy, sea_err *err)
{
    const sea_linop_dense *d = op->ctx;
    if (!trans)
        return sea_dgemm(0, 0, op->m, ncol, op->n, 1.0, d->a, d->lda, x, ldx, 0.0, y, ldy,
                         d->n_threads, err);
    return sea_dgemm(1, 0, op->n, ncol, op->m, 1.0, d->a, d->lda, x, ldx, 0.0, y, ldy,
                     d->n_threads, err);
}

void sea_linop_dense_init(sea_linop_dense *d, const double *a, size_t lda, size_t m, size_t n,
                          int n_threads)
{
    d->op.m = m;
    d->op.n = n;
    d->op.apply = dense_apply;
    d->op.ctx = d;
    d->a = a;
    d->lda = lda;
    d->n_threads = n_threads;
}

sea_rsvd_params sea_rsvd_default_params(void)
{
    sea_rsvd_params p;
    p.oversample = 10;
    p.power_iters = -1;
    p.seed = 0x5ea5eed;
    p.n_threads = 0;
    return p;
}

/* y (rows x l) <- an orthonormal basis of its own columns (thin Q of a Householder QR). */
static sea_status orthonormalise(double *y, size_t rows, size_t l, double *tau, double *tmp,
                                 int nt, sea_err *err)
{
    sea_status st;
    memcpy(tmp, y, rows * l * sizeof *y);
    st = sea_qr(tmp, rows, rows, l, tau, nt, err);
    if (st) return st;
    return sea__qr_form_q(y, rows, rows, tmp, rows, l, tau, nt, err);
}

static int values_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

sea_status sea_svd_randomized(double *u, size_t ldu, double *s, size_t k, const sea_linop *op,
                              const sea_rsvd_params *params, sea_rsvd_info *info, sea_err *err)
{
    sea_rsvd_params P = params ? *params : sea_rsvd_default_params();
    size_t m = op->m, n = op->n, mn = SEA_MIN(m, n), l, ysz, zsz, bsz;
    int q, nt = sea__threads(P.n_threads);
    double *y = NULL, *z = NULL, *tau = NULL, *tmp = NULL, *w = NULL, *sv = NULL;
    sea__rng rng;
    sea_svd_params sp = sea_svd_default_params();
    sea_status st = SEA_OK;

    if (k > mn) return sea__err(err, SEA_ERR_ARG, "randomized svd: k = %zu > min(m, n) = %zu", k, mn);
    if (k == 0) return SEA_OK;
    if (ldu < m) return sea__err(err, SEA_ERR_ARG, "randomized svd: ldu %zu < m %zu", ldu, m);
    if (P.oversample < 10) P.oversample = 10;
    l = SEA_MIN(k + P.oversample, mn);
    q = P.power_iters >= 0 ? P.power_iters : (k * 10 < mn ? 7 : 4);
    if (sea__mul_size(&ysz, m, l) || sea__mul_size(&zsz, n, l) || sea__mul_size(&bsz, SEA_MAX(m, n), l))
        return sea__err(err, SEA_ERR_LIMIT, "randomized svd: sketch too large");
    y = sea__work_alloc(ysz, sizeof *y);
    z = sea__work_alloc(zsz, sizeof *z);
    tmp = sea__work_alloc(bsz, sizeof *tmp);
    tau = sea__malloc_array(l, sizeof *tau);
    w = sea__malloc_array(l * l, sizeof *w);
    sv = sea__malloc_array(l, sizeof *sv);
    if (!y || !z || !tmp || !tau || !w || !sv) {
        st = sea__err_nomem(err, "randomized svd sketch");
        goto out;
    }
    sea__rng_seed(&rng, P.seed);
    for (size_t i = 0; i < zsz; i++) z[i] = sea__rng_normal(&rng);
    /* Y = A Ω, then q rounds of Y <- A orth(Aᵀ orth(Y)), re-orthonormalised after every product
     * so directions below ε^{1/(2q+1)}·σ₁ survive */
    st = op->apply(op, 0, z, n, l, y, m, err);
    if (st) goto out;
    if (!values_finite(y, ysz)) {
        st = sea__err(err, SEA_ERR_NUMERIC, "randomized svd: the operator produced NaN or Inf");
        goto out;
    }
    st = orthonormalise(y, m, l, tau, tmp, nt, err);
    for (int it = 0; !st && it < q; it++) {
        st = op->apply(op, 1, y, m, l, z, n, err);
        if (!st) st = orthonormalise(z, n, l, tau, tmp, nt, err);
        if (!st) st = op->apply(op, 0, z, n, l, y, m, err);
        if (!st) st = orthonormalise(y, m, l, tau, tmp, nt, err);
    }
    if (st) goto out;
    /* Bᵀ = Aᵀ Q (n x l); Bᵀ = U_b Σ W_bᵀ, so B = W_b Σ U_bᵀ and A ≈ (Q W_b) Σ U_bᵀ */
    st = op->apply(op, 1, y, m, l, z, n, err);
    if (st) goto out;
    if (!values_finite(z, zsz)) {
        st = sea__err(err, SEA_ERR_NUMERIC, "randomized svd: the operator produced NaN or Inf");
        goto out;
    }
    sp.n_threads = P.n_threads;
    st = sea_svd_jacobi(z, n, n, l, sv, w, l, &sp, NULL, err);
    if (st) goto out;
    st = sea_dgemm(0, 0, m, k, l, 1.0, y, m, w, l, 0.0, u, ldu, nt, err);
    if (st) goto out;
    memcpy(s, sv, k * sizeof *s);
    if (info) {
        info->sketch = l;
        info->power_iters = q;
    }
out:
    sea__work_free(y);
    sea__work_free(z);
    sea__work_free(tmp);
    sea__free(tau);
    sea__free(w);
    sea__free(sv);
    return st;
}
