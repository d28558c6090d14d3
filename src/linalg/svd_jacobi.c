/* src/linalg/svd_jacobi.c: one-sided (Hestenes) Jacobi SVD, the accurate workhorse for the
 * N x N core of the spectral fit.
 *
 * Plane rotations applied on the right orthogonalise the columns of X: X J_1 J_2 … = W with
 * orthogonal columns, so W = U Σ and the left singular vectors come out of the columns without
 * accumulating anything (V, when wanted, is the product of the rotations). Each pair (i, j) is
 * rotated when |x_iᵀx_j| > tol·‖x_i‖‖x_j‖: the test is relative, which is what gives one-sided
 * Jacobi its high relative accuracy (Demmel & Veselić 1992).
 *
 * Speed: (1) preconditioning as in LAPACK dgejsv (Drmač & Veselić 2008): a QR when m > n, then
 * an LQ step, with columns/rows presorted by norm, so the Jacobi runs on an n x n triangular
 * factor whose columns are already close to orthogonal and graded; (2) a blocked cyclic order:
 * columns in blocks of b that fit two-at-a-time in L2, all pairs inside a block, then block
 * pairs in a round-robin tournament whose pairs are disjoint and run in parallel (OpenMP); the
 * order never depends on the thread count, so neither does the result; (3) columns sorted by
 * norm at the start of every sweep (de Rijk), (4) SIMD dot and rotation kernels. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "linalg/linalg_internal.h"

#define ULP 2.220446049250313e-16
#define TINY_COL 1e-150

sea_svd_params sea_svd_default_params(void)
{
    sea_svd_params p;
    p.tol = 0.0;
    p.max_sweeps = 60;
    p.precondition = 1;
    p.n_threads = 0;
    p.energy = 0.0;
    p.min_lead = 0;
    p.min_values = 0;
    return p;
}

/* At log level SEA_LOG_TRACE: time of each phase through the log hook (benchmarks). */
static double jnow(void)
{
    return sea__phase_clock();
}

static void jtrace(double *t, const char *what, size_t n)
{
    double dt;
    if (sea__phase_lap(t, &dt)) sea__trace("jacobi %zu: %-34s %8.3f s", n, what, dt);
}

typedef struct jac {
    double *x;     /* p x n, ld p */
    double *v;     /* n x n, ld n, or NULL */
    double *d;     /* squared column norms [n] */
    size_t p, n;
    double tol;
    size_t lead;   /* rotations of a pair (i, j), i < lead, are counted apart */
} jac;

/* Rotate columns i and j if they are not orthogonal enough. Returns 1 if rotated; *off keeps
 * the largest relative off-diagonal seen. */
static int rotate_pair(jac *J, size_t i, size_t j, double *off)
{
    double di = J->d[i], dj = J->d[j], g, rel, zeta, t, c, s, ni, nj;
    double *xi = J->x + i * J->p, *xj = J->x + j * J->p;
    if (di == 0.0 || dj == 0.0) return 0;
    g = sea__ddot(J->p, xi, xj);
    rel = fabs(g) / (sqrt(di) * sqrt(dj));
    if (rel > *off) *off = rel;
    if (!(rel > J->tol)) return 0;
    zeta = (dj - di) / (2.0 * g);
    if (fabs(zeta) > 1e150)
        t = 0.5 / zeta; /* sqrt(1 + ζ²) would overflow; t ≈ 1/(2ζ) */
    else
        t = copysign(1.0, zeta) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
    c = 1.0 / sqrt(1.0 + t * t);
    s = c * t;
    sea__drot(J->p, xi, xj, c, s);
    if (J->v) sea__drot(J->n, J->v + i * J->n, J->v + j * J->n, c, s);
    ni = di - t * g;
    nj = dj + t * g;
    /* the updates cancel when a column loses most of its norm: recompute it then */
    J->d[i] = (ni < 0.25 * di) ? sea__ddot(J->p, xi, xi) : ni;
    J->d[j] = (nj < 0.25 * dj) ? sea__ddot(J->p, xj, xj) : nj;
    return 1;
}

/* One sweep over all pairs. Returns rotations done; *off_out gets the max relative
 * off-diagonal seen before rotating. */
static uint64_t sweep(jac *J, size_t b, size_t head_blocks, int nt, double *off_out, uint64_t *rot_lead)
{
    size_t n = J->n, nblk = (n + b - 1) / b, nrr = nblk + (nblk & 1);
    uint64_t rot = 0, rl = 0;
    double off = 0;
    long lnblk = (long)nblk;
    int par = nt > 1 && nblk > 1;
    (void)par; /* used by the OpenMP clause only */
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (par) reduction(+ : rot, rl) reduction(max : off)
#endif
    {
        double myoff = 0;
        uint64_t myrot = 0, mylead = 0;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (long bi = 0; bi < lnblk; bi++) {
            if ((size_t)bi >= head_blocks) continue; /* tail-only pairs are not rotated */
            size_t lo = (size_t)bi * b, hi = SEA_MIN(n, lo + b);
            for (size_t i = lo; i < hi; i++)
                for (size_t j = i + 1; j < hi; j++)
                    if (rotate_pair(J, i, j, &myoff)) {
                        myrot++;
                        mylead += i < J->lead;
                    }
        }
        /* round robin: player 0 stays, the others rotate; nrr players (a dummy if odd) */
        for (size_t r = 0; r + 1 < nrr; r++) {
            long half = (long)(nrr / 2);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
            for (long q = 0; q < half; q++) {
                size_t pa, pb, lo_a, hi_a, lo_b, hi_b;
                pa = q == 0 ? 0 : 1 + ((size_t)q - 1 + r) % (nrr - 1);
                pb = 1 + ((nrr - 1 - (size_t)q) - 1 + r) % (nrr - 1);
                if (pa >= nblk || pb >= nblk || (pa >= head_blocks && pb >= head_blocks)) continue;
                if (pa > pb) {
                    size_t tmp = pa;
                    pa = pb;
                    pb = tmp;
                }
                lo_a = pa * b, hi_a = SEA_MIN(n, lo_a + b);
                lo_b = pb * b, hi_b = SEA_MIN(n, lo_b + b);
                for (size_t i = lo_a; i < hi_a; i++)
                    for (size_t j = lo_b; j < hi_b; j++)
                        if (rotate_pair(J, i, j, &myoff)) {
                            myrot++;
                            mylead += i < J->lead;
                        }
            }
        }
        rot += myrot;
        rl += mylead;
        if (myoff > off) off = myoff;
    }
    *off_out = off;
    *rot_lead = rl;
    return rot;
}

typedef struct idx_norm {
    double key;
    size_t idx;
} idx_norm;

static int cmp_desc(const void *pa, const void *pb)
{
    const idx_norm *a = pa, *b = pb;
    if (a->key > b->key) return -1;
    if (a->key < b->key) return 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx); /* stable: deterministic */
}

/* Permute the n columns (length len, ld len) of x by order[]: new column j = old order[j]. */
static void permute_cols(double *x, size_t len, size_t n, const size_t *order, double *tmp)
{
    memcpy(tmp, x, len * n * sizeof *x);
    for (size_t j = 0; j < n; j++) memcpy(x + j * len, tmp + order[j] * len, len * sizeof *x);
}

/* Sort columns by squared norm, descending (de Rijk); V's columns follow, so V stays the
 * product of every column operation applied to X. tmp holds p x n doubles. */
static sea_status sort_columns(jac *J, idx_norm *keys, size_t *ord, double *tmp)
{
    size_t n = J->n;
    int sorted = 1;
    for (size_t j = 0; j < n; j++) {
        keys[j].key = J->d[j];
        keys[j].idx = j;
        if (j && J->d[j] > J->d[j - 1]) sorted = 0;
    }
    if (sorted) return SEA_OK;
    qsort(keys, n, sizeof *keys, cmp_desc);
    for (size_t j = 0; j < n; j++) {
        ord[j] = keys[j].idx;
        keys[j].key = J->d[ord[j]];
    }
    for (size_t j = 0; j < n; j++) J->d[j] = keys[j].key;
    permute_cols(J->x, J->p, n, ord, tmp);
    if (J->v) permute_cols(J->v, n, n, ord, tmp);
    return SEA_OK;
}

/* Columns of u (p x n) with s[j] == 0: replace by unit vectors orthogonal to all others
 * (Gram-Schmidt twice against the rest, trying e_0, e_1, … in turn). */
static void complete_basis(double *u, size_t p, size_t n, const double *s, size_t rank)
{
    size_t next = 0;
    for (size_t j = rank; j < n; j++) {
        double *uj = u + j * p;
        (void)s;
        while (next < p) {
            double nrm;
            memset(uj, 0, p * sizeof *uj);
            uj[next++] = 1.0;
            for (int pass = 0; pass < 2; pass++)
                for (size_t k = 0; k < j; k++) {
                    const double *uk = u + k * p;
                    sea__daxpy(p, -sea__ddot(p, uk, uj), uk, uj);
                }
            nrm = sqrt(sea__ddot(p, uj, uj));
            if (nrm > 0.5) {
                for (size_t i = 0; i < p; i++) uj[i] /= nrm;
                break;
            }
        }
    }
}

/* Column-presorted QR used by the preconditioner: b (rows x cols, ld rows) is overwritten;
 * order[] receives the original column of each sorted column. */
static sea_status presorted_qr(double *b, size_t rows, size_t cols, size_t *order, double *tau,
                               double *tmp, int nt, sea_err *err)
{
    idx_norm *keys = sea__malloc_array(cols, sizeof *keys);
    if (!keys) return sea__err_nomem(err, "jacobi presort");
    for (size_t j = 0; j < cols; j++) {
        keys[j].key = sea_dnormf(b + j * rows, rows, rows, 1);
        keys[j].idx = j;
    }
    qsort(keys, cols, sizeof *keys, cmp_desc);
    for (size_t j = 0; j < cols; j++) order[j] = keys[j].idx;
    sea__free(keys);
    permute_cols(b, rows, cols, order, tmp);
    return sea_qr(b, rows, rows, cols, tau, nt, err);
}

/* Cholesky of the n x n symmetric matrix a (lower part used; column-major, ld n), blocked
 * left-looking with the updates through gemm. Returns 0 when positive definite, -1 when a
 * pivot is not positive (or not a number). */
static int cholesky_lower(double *a, size_t n, int nt)
{
    const size_t nb = 64;
    for (size_t j0 = 0; j0 < n; j0 += nb) {
        size_t jb = SEA_MIN(nb, n - j0);
        if (j0 > 0 && sea_dgemm(0, 1, n - j0, jb, j0, -1.0, a + j0, n, a + j0, n, 1.0, a + j0 + j0 * n, n, nt, NULL))
            return -1;
        for (size_t j = j0; j < j0 + jb; j++) {
            double dj = a[j + j * n];
            for (size_t k = j0; k < j; k++) dj -= a[j + k * n] * a[j + k * n];
            if (!(dj > 0)) return -1;
            dj = sqrt(dj);
            a[j + j * n] = dj;
            for (size_t i = j + 1; i < n; i++) {
                double v = a[i + j * n];
                for (size_t k = j0; k < j; k++) v -= a[i + k * n] * a[j + k * n];
                a[i + j * n] = v / dj;
            }
        }
    }
    return 0;
}

/* A certified upper bound on the largest singular value of the tail columns x[:, h..n) (p
 * rows, ld p): T = X_tᵀX_t, an estimate λ of its largest eigenvalue by power iteration, then a
 * proof that λ_max(T) < θ: the Cholesky factorisation of θI − T succeeds (θ raised until it
 * does). Rounding in that factorisation is covered by a relative margin of 8·n·ulp. Returns
 * -1 when out of memory. */
static double tail_bound(const double *x, size_t p, size_t h, size_t n, int nt)
{
    size_t m = n - h;
    double *t, *c, *v, *w, lam = 0, theta, trace = 0, bound;
    if (m == 0) return 0;
    t = sea__work_alloc(m * m, sizeof *t);
    c = sea__work_alloc(m * m, sizeof *c);
    v = sea__malloc_array(m, sizeof *v);
    w = sea__malloc_array(m, sizeof *w);
    if (!t || !c || !v || !w) {
        bound = -1;
        goto out;
    }
    /* T = X_tᵀX_t: column blocks of the upper triangle through gemm, then mirrored */
    for (size_t j0 = 0; j0 < m; j0 += 512) {
        size_t bj = SEA_MIN((size_t)512, m - j0);
        if (sea_dgemm(1, 0, j0 + bj, bj, p, 1.0, x + h * p, p, x + (h + j0) * p, p, 0.0, t + j0 * m, m, nt, NULL)) {
            bound = -1;
            goto out;
        }
    }
    for (size_t j = 0; j < m; j++)
        for (size_t i = j + 1; i < m; i++) t[i + j * m] = t[j + i * m];
    for (size_t i = 0; i < m; i++) {
        trace += t[i + i * m];
        v[i] = 1.0 / sqrt((double)m) * (1.0 + 0.01 * (double)(i % 7));
    }
    bound = sqrt(trace); /* always valid: λ_max <= trace for a PSD matrix */
    if (trace == 0) goto out;
    for (int it = 0; it < 40; it++) {
        double nw = 0;
        for (size_t j = 0; j < m; j++) w[j] = 0;
        for (size_t j = 0; j < m; j++) sea__daxpy(m, v[j], t + j * m, w);
        lam = sea__ddot(m, v, w);
        nw = sqrt(sea__ddot(m, w, w));
        if (!(nw > 0)) break;
        for (size_t i = 0; i < m; i++) v[i] = w[i] / nw;
    }
    theta = 1.1 * lam + 1e-300;
    for (int tries = 0; tries < 12 && theta < trace; tries++, theta *= 1.6) {
        for (size_t j = 0; j < m; j++)
            for (size_t i = 0; i < m; i++) c[i + j * m] = (i == j ? theta : 0.0) - t[i + j * m];
        if (cholesky_lower(c, m, nt) == 0) {
            bound = fmin(bound, sqrt(theta * (1.0 + 8.0 * (double)m * ULP)));
            break;
        }
    }
out:
    sea__work_free(t);
    sea__work_free(c);
    sea__free(v);
    sea__free(w);
    return bound;
}

/* The `want` largest singular values of the columns x[:, h..n) (p rows), into out: the
 * eigenvalues of their Gram matrix (rounding ~ n·ulp·‖X‖² in the squares). */
static sea_status rest_values(const double *x, size_t p, size_t h, size_t n, size_t want, double *out, int nt,
                              sea_err *err)
{
    size_t m = n - h;
    double *t = sea__work_alloc(m * m, sizeof *t), *w = sea__malloc_array(m ? m : 1, sizeof *w);
    sea_status st = SEA_OK;
    if (!t || !w) {
        st = sea__err_nomem(err, "jacobi svd: values of the rest");
        goto out;
    }
    st = sea_dsyrk(1, m, p, 1.0, x + h * p, p, 0.0, t, m, nt, err);
    if (st) goto out;
    for (size_t j = 0; j < m; j++)
        for (size_t i = j + 1; i < m; i++) t[i + j * m] = t[j + i * m];
    st = sea__syev_values(t, m, m, w, nt, err);
    if (st) goto out;
    for (size_t j = 0; j < want; j++) out[j] = j < m && w[j] > 0 ? sqrt(w[j]) : 0.0;
out:
    sea__work_free(t);
    sea__free(w);
    return st;
}

sea_status sea_svd_jacobi(double *a, size_t lda, size_t m, size_t n, double *s, double *v,
                          size_t ldv, const sea_svd_params *params, sea_svd_info *info,
                          sea_err *err)
{
    sea_svd_params P = params ? *params : sea_svd_default_params();
    sea_svd_info inf;
    int nt = sea__threads(P.n_threads), e2 = 0, pre, use_qr;
    size_t p, b, nn, pn, mn, rank = 0, head, n_valid = 0, n_values = 0, buffer_mult = 1;
    double tj = jnow();
    int pre_lq;
    int full;
    double amax = 0, scale, *x = NULL, *tau1 = NULL, *tau2 = NULL, *q2 = NULL, *tmp = NULL;
    double *d = NULL, *qa = NULL;
    size_t *ord = NULL, *order1 = NULL, *order2 = NULL;
    idx_norm *keys = NULL;
    sea_status st = SEA_OK;
    jac J;

    memset(&J, 0, sizeof J);
    memset(&inf, 0, sizeof inf);
    inf.scale = 1.0;
    if (info) *info = inf;
    if (m < n) return sea__err(err, SEA_ERR_ARG, "jacobi svd: needs m >= n, got %zu x %zu (transpose it)", m, n);
    if (n == 0) return SEA_OK;
    if (lda < m) return sea__err(err, SEA_ERR_ARG, "jacobi svd: lda %zu < m %zu", lda, m);
    if (v && ldv < n) return sea__err(err, SEA_ERR_ARG, "jacobi svd: ldv %zu < n %zu", ldv, n);
    if (v && P.energy > 0) return sea__err(err, SEA_ERR_ARG, "jacobi svd: V is only computed by the full SVD (energy = 0)");
    if (P.energy > 1) return sea__err(err, SEA_ERR_ARG, "jacobi svd: energy fraction %g > 1", P.energy);
    if (P.max_sweeps <= 0) P.max_sweeps = 60;
    if (!(P.tol > 0)) P.tol = sqrt((double)m) * ULP;
    if (!sea__all_finite(a, lda, m, n))
        return sea__err(err, SEA_ERR_NUMERIC, "jacobi svd: the %zu x %zu input has NaN or Inf", m, n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++)
            if (fabs(a[i + j * lda]) > amax) amax = fabs(a[i + j * lda]);

    pre = P.precondition != 0;
    pre_lq = pre;
    use_qr = pre && m > n;
    p = pre ? n : m; /* rows of the matrix the rotations act on */
    if (sea__mul_size(&nn, n, n) || sea__mul_size(&pn, p, n) || sea__mul_size(&mn, m, n))
        return sea__err(err, SEA_ERR_LIMIT, "jacobi svd: %zu x %zu is too large", m, n);
    x = sea__work_alloc(pn, sizeof *x);
    tmp = sea__work_alloc(pn, sizeof *tmp);
    d = sea__malloc_array(n, sizeof *d);
    ord = sea__malloc_array(n, sizeof *ord);
    keys = sea__malloc_array(n, sizeof *keys);
    order1 = sea__malloc_array(n, sizeof *order1);
    order2 = sea__malloc_array(n, sizeof *order2);
    tau1 = sea__malloc_array(n, sizeof *tau1);
    tau2 = sea__malloc_array(n, sizeof *tau2);
    if (!x || !tmp || !d || !ord || !keys || !order1 || !order2 || !tau1 || !tau2) goto nomem;
    if (amax == 0.0) {
        /* zero matrix: Σ = 0, U = first n columns of I, V = I */
        for (size_t j = 0; j < n; j++) {
            s[j] = 0.0;
            for (size_t i = 0; i < m; i++) a[i + j * lda] = (i == j) ? 1.0 : 0.0;
            if (v)
                for (size_t i = 0; i < n; i++) v[i + j * ldv] = (i == j) ? 1.0 : 0.0;
        }
        goto done;
    }
    /* scale by a power of two (exact) so the largest entry is in [0.5, 1): sums of m squares
     * then neither overflow nor lose small columns to underflow needlessly */
    (void)frexp(amax, &e2);
    scale = ldexp(1.0, -e2);
    inf.scale = scale;

    for (size_t j = 0; j < n; j++) order1[j] = order2[j] = j;
    if (use_qr) {
        /* A P1 = Q1 R1 (columns presorted by norm); X1 = R1 */
        qa = sea__work_alloc(mn, sizeof *qa);
        if (!qa) goto nomem;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < m; i++) qa[i + j * m] = a[i + j * lda] * scale;
        {
            double *scratch = sea__work_alloc(mn, sizeof *scratch);
            if (!scratch) goto nomem;
            st = presorted_qr(qa, m, n, order1, tau1, scratch, nt, err);
            sea__work_free(scratch);
        }
        if (st) goto out;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) x[i + j * n] = i <= j ? qa[i + j * m] : 0.0;
    } else {
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < p; i++) x[i + j * p] = a[i + j * lda] * scale;
    }
    if (pre_lq) {
        /* LQ step: X1ᵀ P2 = Q2 R2 (rows of X1 presorted), so X1 = P2 R2ᵀ Q2ᵀ: the rotations run
         * on X = R2ᵀ (lower triangular); U_X1 = P2 U_X and V_X1 = Q2 V_X */
        q2 = sea__work_alloc(nn, sizeof *q2);
        if (!q2) goto nomem;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) q2[j + i * n] = x[i + j * n];
        st = presorted_qr(q2, n, n, order2, tau2, tmp, nt, err);
        if (st) goto out;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) x[i + j * n] = i >= j ? q2[j + i * n] : 0.0;
    }

    jtrace(&tj, "scaling and preconditioning (QR, LQ)", n);
    J.x = x;
    J.p = p;
    J.n = n;
    J.tol = P.tol;
    J.d = d;
    if (v) {
        J.v = sea__work_alloc(nn, sizeof *J.v);
        if (!J.v) goto nomem;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) J.v[i + j * n] = i == j ? 1.0 : 0.0;
    }
    b = 49152 / p;
    b = SEA_MAX((size_t)4, SEA_MIN((size_t)64, b));

    /* Leading-part mode: the sweeps rotate only pairs that touch the `head` largest columns
     * (the `need` wanted ones plus as many again, at least 32, so that what is left in the
     * tail is well below them and their coupling to it dies fast); the wanted ones are done
     * when a sweep rotates none of their pairs, and then certified against all the rest. */
    full = !(P.energy > 0) || n <= 4 * b;
    for (;;) {
        uint64_t rot, rot_lead;
        double off, etot = 0, cum = 0;
        size_t hb, need = 0;
        for (size_t j = 0; j < n; j++) d[j] = sea__ddot(p, x + j * p, x + j * p);
        sort_columns(&J, keys, ord, tmp);
        if (!full) {
            for (size_t j = 0; j < n; j++) etot += d[j];
            for (size_t j = 0; j < n && !need; j++) {
                cum += d[j];
                if (cum >= P.energy * etot) need = j + 1;
            }
            need = SEA_MAX(need, SEA_MIN(P.min_lead, n));
            if (need == 0) need = 1;
            head = SEA_MIN(n, need + SEA_MAX(need, (size_t)32) * buffer_mult);
            /* a wanted column inside a cluster of the tail couples to it for many sweeps: after
             * 15 sweeps of that, rotate everything (full sweeps converge quadratically) */
            if (head + b >= n || inf.sweeps >= 15) full = 1;
        }
        J.lead = full ? n : need;
        hb = full ? (n + b - 1) / b : (head + b - 1) / b;
        if (inf.sweeps >= P.max_sweeps) break;
        rot = sweep(&J, b, hb, nt, &off, &rot_lead);
        if (jnow() >= 0)
            sea__trace("jacobi %zu: sweep %d: %llu rotations (%llu of the %zu wanted), head %zu, off %.3g%s", n,
                    inf.sweeps + 1, (unsigned long long)rot, (unsigned long long)rot_lead, J.lead, full ? n : hb * b, off,
                    full ? " (full)" : "");
        inf.sweeps++;
        inf.rotations += rot;
        inf.off = off;
        if (full) {
            if (rot == 0) break;
            continue;
        }
        if (rot_lead != 0) continue;
        {
            /* no pair of the `need` leading columns moved: they are orthogonal to every other
             * column, so their norms are singular values; they are the leading ones if all the
             * rest stays below them */
            double bound;
            jtrace(&tj, "sweeps", n);
            bound = tail_bound(x, p, need, n, nt);
            jtrace(&tj, "certification (tail Gram, Cholesky)", n);
            if (bound < 0) goto nomem;
            if (sqrt(d[need - 1]) > bound) {
                n_valid = need;
                inf.tail_bound = bound / scale;
                break;
            }
            buffer_mult *= 2; /* not separated yet: widen the head and go on */
        }
    }
    if (full) n_valid = n;
    n_values = n_valid;
    if (!full && P.min_values > n_valid) {
        /* values (no vectors) beyond the certified part, for statistics: the eigenvalues of the
         * rest's Gram matrix (tridiagonalisation and QL, syev.c), square roots taken */
        size_t want = SEA_MIN(P.min_values, n) - n_valid;
        st = rest_values(x, p, n_valid, n, want, s + n_valid, nt, err);
        if (st) goto out;
        for (size_t j = n_valid; j < n_valid + want; j++) s[j] /= scale;
        n_values = n_valid + want;
    }

    jtrace(&tj, "sweeps / values of the rest", n);
    /* singular values = column norms (recomputed with scaling); U = normalised columns */
    for (size_t j = 0; j < n; j++) {
        keys[j].key = sea_dnormf(x + j * p, p, p, 1);
        keys[j].idx = j;
    }
    qsort(keys, n, sizeof *keys, cmp_desc);
    for (size_t j = 0; j < n; j++) ord[j] = keys[j].idx;
    permute_cols(x, p, n, ord, tmp);
    if (J.v) permute_cols(J.v, n, n, ord, tmp);
    for (size_t j = 0; j < n; j++) {
        double sj = keys[j].key;
        if (j >= n_valid) {
            /* partial mode: column j is not a singular vector; s[j] is a value of the rest or NaN */
            if (j >= n_values) s[j] = NAN;
            continue;
        }
        s[j] = sj / scale;
        /* below ~sqrt(DBL_MIN) (after scaling to max |a| ~ 1) a column's squared norm
         * underflows and the rotations could not orthogonalise it: it is numerical zero */
        if (sj > TINY_COL && isfinite(s[j])) {
            double *xj = x + j * p;
            rank++;
            for (size_t i = 0; i < p; i++) xj[i] /= sj;
        } else {
            s[j] = 0.0;
        }
    }
    if (n_valid == n) complete_basis(x, p, n, s, rank);

    /* back to A's space */
    if (use_qr) {
        /* U_A = Q1 · [P2 U_X; 0] */
        for (size_t j = 0; j < n; j++) {
            double *aj = a + j * lda;
            for (size_t i = 0; i < m; i++) aj[i] = 0.0;
            for (size_t i = 0; i < n; i++) aj[order2[i]] = x[i + j * n];
        }
        st = sea_qr_apply(0, a, lda, m, n, qa, m, n, tau1, nt, err);
        if (st) goto out;
    } else {
        for (size_t j = 0; j < n; j++) {
            double *aj = a + j * lda;
            if (pre_lq)
                for (size_t i = 0; i < p; i++) aj[order2[i]] = x[i + j * p];
            else
                memcpy(aj, x + j * p, p * sizeof *aj);
        }
    }
    if (v) {
        /* V_X1 = Q2 V_X; then V_A = P1 V_X1 (row order1[i] of V_A is row i of V_X1) */
        if (pre_lq) {
            st = sea_qr_apply(0, J.v, n, n, n, q2, n, n, tau2, nt, err);
            if (st) goto out;
        }
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) v[order1[i] + j * ldv] = J.v[i + j * n];
    }
done:
    inf.rank = rank;
    inf.n_valid = amax == 0.0 ? n : n_valid;
    inf.n_values = amax == 0.0 ? n : n_values;
    if (info) *info = inf;
    if (inf.sweeps >= P.max_sweeps && inf.rotations > 0 && inf.off > P.tol)
        st = sea__err(err, SEA_ERR_NO_CONVERGENCE,
                      "jacobi svd: %zu x %zu did not converge in %d sweeps (largest relative "
                      "off-diagonal %.3g > tol %.3g)",
                      m, n, inf.sweeps, inf.off, P.tol);
    goto out;
nomem:
    st = sea__err_nomem(err, "jacobi svd workspace");
out:
    sea__work_free(J.v);
    sea__work_free(x);
    sea__work_free(tmp);
    sea__free(d);
    sea__free(ord);
    sea__free(keys);
    sea__free(order1);
    sea__free(order2);
    sea__free(tau1);
    sea__free(tau2);
    sea__work_free(q2);
    sea__work_free(qa);
    return st;
}
