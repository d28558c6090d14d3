/* src/sea/fit.c: fitting the SEA projections (SEA-SPEC §3), layer by layer.
 *
 * For one layer, H (base), H+ and H- are [N, d]; the cross-covariances Ω± = Hᵀ H± / N are
 * d x d but never formed. Exact route (thin factors): Hᵀ = Q0 R0, H±ᵀ = Q± R± (Householder,
 * Q never formed), core C± = R0 R±ᵀ / N (q x q, q = min(N, d)), one-sided Jacobi SVD
 * C± = Uc Σ Vcᵀ, and U± = Q0 Uc: the same Σ and left singular vectors as Ω±, at O(d N²)
 * instead of O(d³). Total energy Σσ² = ‖C‖_F², so k is chosen without the tail.
 * Randomized route: the range finder of sea_svd_randomized on the operator x -> Hᵀ(H± x)/N,
 * with the total energy from the Gram matrices (‖Ω‖_F² = ⟨H Hᵀ, H± H±ᵀ⟩ / N²), growing the
 * sketch until the captured energy reaches K. Every step in double; U stored as F32. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/internal.h"
#include "linalg/linalg_internal.h"
#include "sea/linalg.h"
#include "sea/sea_internal.h"
#include "sea/spectral.h"

sea_fit_params sea_fit_default_params(void)
{
    sea_fit_params p;
    memset(&p, 0, sizeof p);
    p.k_ratio_pos = p.k_ratio_neg = 0.99;
    p.k_pos = p.k_neg = -1;
    p.feature = SEA_FEATURE_NONE;
    p.alpha = SEA_FEATURE_DEFAULT_ALPHA;
    p.eps = SEA_FEATURE_DEFAULT_EPS;
    p.center = 0;
    p.layers = NULL;
    p.solver = SEA_SOLVER_AUTO;
    p.n_threads = 0;
    return p;
}

sea_status sea_solver_parse(sea_solver *out, const char *name, sea_err *err)
{
    if (name && strcmp(name, "auto") == 0) *out = SEA_SOLVER_AUTO;
    else if (name && strcmp(name, "exact") == 0) *out = SEA_SOLVER_EXACT;
    else if (name && strcmp(name, "randomized") == 0) *out = SEA_SOLVER_RANDOMIZED;
    else return sea__err(err, SEA_ERR_ARG, "unknown solver '%s' (auto, exact, randomized)", name ? name : "");
    return SEA_OK;
}

const char *sea_solver_name(sea_solver s)
{
    switch (s) {
    case SEA_SOLVER_AUTO: return "auto";
    case SEA_SOLVER_EXACT: return "exact";
    case SEA_SOLVER_RANDOMIZED: return "randomized";
    }
    return "?";
}

/* SEA_FIT_TRACE=1 in the environment prints the time of each phase to stderr (benchmarks). */
static double trace_t0(void)
{
    struct timespec ts;
    static int on = -1;
    if (on < 0) on = getenv("SEA_FIT_TRACE") != NULL;
    if (!on) return -1;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void trace(double *t, const char *what, size_t l)
{
    double now = trace_t0();
    if (now < 0) return;
    fprintf(stderr, "sea fit: layer %zu: %-28s %8.3f s\n", l, what, now - *t);
    *t = now;
}

/* Result of one side (positive or negative) of one layer, in double. */
typedef struct side {
    size_t k, ns, rank;
    double energy;   /* ‖Ω‖_F² */
    double *u;       /* d x k column-major */
    double *s;       /* [ns] */
    const char *solver;
} side;

/* k = smallest with Σ_{j<=k} σ_j² / E >= K, compared in double; rank when never reached
 * (round-off as K -> 1); 0 for an all-zero Ω. */
static size_t select_k(const double *s, size_t ns, double energy, double K, size_t rank, int *reached)
{
    double cum = 0;
    *reached = 0;
    if (!(energy > 0)) {
        *reached = 1;
        return 0;
    }
    for (size_t j = 0; j < ns; j++) {
        cum += s[j] * s[j];
        if (cum / energy >= K) {
            *reached = 1;
            return j + 1;
        }
    }
    return rank;
}

/* ---- randomized route ---- */

/* Gram matrices G = AᵀA (N x N, column-major) of up to three d x N matrices (want[g] != 0):
 * column blocks of the upper triangles through gemm, then mirrored (half the flops of a full
 * product). The blocks of all three are independent tasks handed to the threads, largest
 * first (each task's gemm is serial: no barriers, no B panel packed twice). */
static sea_status grams_compute(double **g, double *const *a, const int *want, size_t d, size_t N, int nt, sea_err *err)
{
    const size_t T = 512;
    size_t nb = (N + T - 1) / T;
    long ntask = (long)(3 * nb);
    sea_status st = SEA_OK;
    int tq = nt > 1 ? nt : 1;
    (void)tq;
#ifdef _OPENMP
#pragma omp parallel for num_threads(tq) schedule(dynamic, 1) if (tq > 1)
#endif
    for (long t = 0; t < ntask; t++) {
        size_t gi = (size_t)t % 3, blk = nb - 1 - (size_t)t / 3, j0 = blk * T, bj = SEA_MIN(T, N - j0);
        sea_status s1;
        if (!want[gi]) continue;
        /* rows 0 .. j0+bj of columns j0 .. j0+bj; a failure here can only be an impossible
         * argument error, reported after the loop */
        s1 = sea_dgemm(1, 0, j0 + bj, bj, d, 1.0, a[gi], d, a[gi] + j0 * d, d, 0.0, g[gi] + j0 * N, N, 1, NULL);
        if (s1) {
#ifdef _OPENMP
#pragma omp critical(sea_fit_gram)
#endif
            st = s1;
        }
    }
    if (st) return sea__err(err, st, "fit: Gram matrix product failed");
    /* mirror the upper triangles of G+ and G- (the sketch multiplies by them) in 64 x 64 tiles,
     * so both sides of the copy stay in cache; G0 only enters the energies, which read its upper
     * triangle */
    for (int gi = 1; gi < 3; gi++) {
        if (!want[gi]) continue;
        for (size_t j0 = 0; j0 < N; j0 += 64)
            for (size_t i0 = j0; i0 < N; i0 += 64)
                for (size_t j = j0; j < SEA_MIN(N, j0 + 64); j++)
                    for (size_t i = SEA_MAX(i0, j + 1); i < SEA_MIN(N, i0 + 64); i++) g[gi][i + j * N] = g[gi][j + i * N];
    }
    return SEA_OK;
}

/* y (rows x l) <- orthonormal basis of its columns (thin Householder Q). */
static sea_status orth(double *y, size_t rows, size_t l, double *tmp, double *tau, sea_err *err)
{
    sea_status st;
    memcpy(tmp, y, rows * l * sizeof *y);
    st = sea_qr(tmp, rows, rows, l, tau, 1, err);
    if (st) return st;
    return sea__qr_form_q(y, rows, rows, tmp, rows, l, tau, 1, err);
}

/* Leading l singular triplets of Ω = A0 Asᵀ / N by subspace iteration (Halko, Martinsson &
 * Tropp 2011, Alg. 4.4 with q = 2), using Gs = AsᵀAs (N x N) so that ΩΩᵀ Y = A0 (Gs (A0ᵀ Y)) / N²
 * costs 4dNl + 2N²l instead of 8dNl; re-orthonormalised after every product with ΩΩᵀ. Then
 * Bᵀ = Ωᵀ Q = As (A0ᵀ Q) / N and its Jacobi SVD Bᵀ = W Σ Vᵀ give U = Q V. u: d x l, s: [l]. */
static sea_status sketch_svd(double *u, double *s, size_t l, const double *a0, const double *as, const double *gs,
                             size_t d, size_t N, uint64_t seed, sea_err *err)
{
    size_t sk = SEA_MIN(l + 10, SEA_MIN(d, N));
    double *y = NULL, *z = NULL, *z2 = NULL, *tmp = NULL, *tau = NULL, *v = NULL, *sv = NULL, *bt = NULL;
    sea_svd_params sp = sea_svd_default_params();
    sea__rng rng;
    sea_status st = SEA_OK;
    y = sea__malloc_big(d * sk, sizeof *y);
    z = sea__malloc_array(N * sk, sizeof *z);
    z2 = sea__malloc_array(N * sk, sizeof *z2);
    tmp = sea__malloc_big(d * sk, sizeof *tmp);
    bt = sea__malloc_big(d * sk, sizeof *bt);
    tau = sea__malloc_array(sk, sizeof *tau);
    v = sea__malloc_array(sk * sk, sizeof *v);
    sv = sea__malloc_array(sk, sizeof *sv);
    if (!y || !z || !z2 || !tmp || !bt || !tau || !v || !sv) {
        st = sea__err_nomem(err, "randomized fit");
        goto out;
    }
    /* test matrix As R (R Gaussian): a random combination inside Ω's row space, and Ω (As R)
     * = A0 (Gs R) / N needs no product with As */
    sea__rng_seed(&rng, seed);
    for (size_t i = 0; i < N * sk; i++) z[i] = sea__rng_normal(&rng);
    st = sea_dgemm(0, 0, N, sk, N, 1.0, gs, N, z, N, 0.0, z2, N, 1, err);
    if (!st) st = sea_dgemm(0, 0, d, sk, N, 1.0, a0, d, z2, N, 0.0, y, d, 1, err);
    if (!st) st = orth(y, d, sk, tmp, tau, err);
    for (int it = 0; !st && it < 2; it++) {
        st = sea_dgemm(1, 0, N, sk, d, 1.0, a0, d, y, d, 0.0, z, N, 1, err);
        if (!st) st = sea_dgemm(0, 0, N, sk, N, 1.0, gs, N, z, N, 0.0, z2, N, 1, err);
        if (!st) st = sea_dgemm(0, 0, d, sk, N, 1.0, a0, d, z2, N, 0.0, y, d, 1, err);
        if (!st) st = orth(y, d, sk, tmp, tau, err);
    }
    if (!st) st = sea_dgemm(1, 0, N, sk, d, 1.0, a0, d, y, d, 0.0, z, N, 1, err);
    if (!st) st = sea_dgemm(0, 0, d, sk, N, 1.0 / (double)N, as, d, z, N, 0.0, bt, d, 1, err);
    if (st) goto out;
    sp.n_threads = 1;
    st = sea_svd_jacobi(bt, d, d, sk, sv, v, sk, &sp, NULL, err);
    if (!st) st = sea_dgemm(0, 0, d, l, sk, 1.0, y, d, v, sk, 0.0, u, d, 1, err);
    if (!st) memcpy(s, sv, l * sizeof *s);
out:
    sea__free(y);
    sea__free(z);
    sea__free(z2);
    sea__free(tmp);
    sea__free(bt);
    sea__free(tau);
    sea__free(v);
    sea__free(sv);
    return st;
}

/* Randomized side: a sketch of l = 96 directions (then 2k + 16, ...) until the captured energy reaches
 * K·E with the selected k in the first half of the sketch (where the Ritz values are
 * accurate). Returns SEA_ERR_LIMIT (not an error to the caller in auto mode) when that needs
 * more than `cap` directions. Serial (the two sides run in parallel). */
static sea_status randomized_side(side *out, const double *a0, const double *as, const double *gs, size_t d, size_t N,
                                  double energy, double K, long kfix, size_t cap, sea_err *err)
{
    size_t q = SEA_MIN(d, N), l = SEA_MIN(q, SEA_MAX((size_t)96, kfix >= 0 ? 2 * (size_t)kfix : 0));
    sea_status st;
    for (;;) {
        int reached;
        double *u = sea__malloc_array(d * l, sizeof *u), *s = sea__malloc_array(l, sizeof *s);
        if (!u || !s) {
            sea__free(u);
            sea__free(s);
            return sea__err_nomem(err, "randomized fit");
        }
        st = sketch_svd(u, s, l, a0, as, gs, d, N, 0x5ea5eedull + l, err);
        if (st) {
            sea__free(u);
            sea__free(s);
            return st;
        }
        out->rank = 0;
        while (out->rank < l && s[out->rank] > 0) out->rank++;
        if (kfix >= 0) {
            out->k = (size_t)kfix;
            reached = 1;
        } else {
            out->k = select_k(s, l, energy, K, out->rank, &reached);
            if (reached && out->k > l / 2 && l < q) reached = 0; /* too close to the sketch's edge */
            if (!reached && l >= q) reached = 1;                   /* all directions seen: k = rank */
        }
        if (reached) {
            out->u = u;
            out->s = s;
            out->ns = l;
            out->energy = energy;
            out->solver = "randomized";
            return SEA_OK;
        }
        sea__free(u);
        sea__free(s);
        if (l >= cap) return SEA_ERR_LIMIT;
        /* the sketch saw K reached at k (or not at all): aim for k in the first half next time */
        {
            size_t next = (reached || out->k > 0) ? 2 * out->k + 16 : 2 * l;
            if (next <= l) next = 2 * l;
            l = SEA_MIN(SEA_MIN(next, q), SEA_MAX(cap, l + 1));
        }
    }
}

/* Exact side, from the QR of A0 (a0qr, tau0) and of As (asqr): core SVD and back-transform. */
static sea_status exact_side(side *out, const double *a0qr, const double *tau0, const double *asqr,
                             const double *taus, size_t d, size_t N, double K, long kfix, int nt, sea_err *err)
{
    size_t q = SEA_MIN(d, N);
    double *r0 = NULL, *rs = NULL, *c = NULL, *cc = NULL, *s = NULL, *u = NULL;
    sea_svd_params sp = sea_svd_default_params();
    sea_svd_info info;
    sea_status st = SEA_OK;
    int reached;
    r0 = sea__calloc_big(q * N, sizeof *r0);
    rs = sea__calloc_big(q * N, sizeof *rs);
    c = sea__malloc_big(q * q, sizeof *c);
    cc = sea__malloc_big(q * q, sizeof *cc);
    s = sea__malloc_array(q, sizeof *s);
    (void)taus;
    if (!r0 || !rs || !c || !cc || !s) {
        st = sea__err_nomem(err, "exact fit");
        goto out;
    }
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i <= j && i < q; i++) {
            r0[i + j * q] = a0qr[i + j * d];
            rs[i + j * q] = asqr[i + j * d];
        }
    /* C = R0 Rsᵀ / N; Rs[j, p] = 0 for p < j, so column block J only needs p >= J0 */
    for (size_t j0 = 0; j0 < q; j0 += 128) {
        size_t jb = SEA_MIN((size_t)128, q - j0);
        st = sea_dgemm(0, 1, q, jb, N - j0, 1.0 / (double)N, r0 + j0 * q, q, rs + j0 + j0 * q, q, 0.0,
                       c + j0 * q, q, nt, err);
        if (st) goto out;
    }
    out->energy = sea_dnormf(c, q, q, q);
    out->energy *= out->energy;
    sp.n_threads = nt;
    /* only the leading part is needed: the directions up to K of the energy (or the fixed k)
     * and the first min(q, 64) values for the file, certified exact (see sea_svd_params) */
    sp.energy = kfix >= 0 ? 1e-300 : K;
    sp.min_lead = kfix >= 0 ? (size_t)kfix : 0;
    sp.min_values = SEA_MIN(q, (size_t)64);
    memcpy(cc, c, q * q * sizeof *c);
    st = sea_svd_jacobi(c, q, q, q, s, NULL, 0, &sp, &info, err);
    if (st) goto out;
    if (kfix >= 0) {
        out->k = (size_t)kfix;
        reached = 1;
    } else {
        out->k = select_k(s, info.n_valid, out->energy, K, info.rank, &reached);
    }
    if (!reached || out->k > info.n_valid) {
        /* the certified part ends just short of K by rounding of the two energy sums: do it all */
        memcpy(c, cc, q * q * sizeof *c);
        sp.energy = 0;
        st = sea_svd_jacobi(c, q, q, q, s, NULL, 0, &sp, &info, err);
        if (st) goto out;
        out->k = kfix >= 0 ? (size_t)kfix : select_k(s, q, out->energy, K, info.rank, &reached);
    }
    out->rank = info.rank;
    if (trace_t0() >= 0)
        fprintf(stderr, "sea fit: core %zu x %zu: %d sweeps, %llu rotations, %zu certified, %zu values, k = %zu\n", q, q,
                info.sweeps, (unsigned long long)info.rotations, info.n_valid, info.n_values, out->k);
    /* U = Q0 [Uc[:, :k]; 0] */
    u = sea__calloc_big(d * (out->k ? out->k : 1), sizeof *u);
    if (!u) {
        st = sea__err_nomem(err, "exact fit");
        goto out;
    }
    for (size_t j = 0; j < out->k; j++) memcpy(u + j * d, c + j * q, q * sizeof *u);
    st = sea_qr_apply(0, u, d, d, out->k, a0qr, d, q, tau0, nt, err);
    if (st) goto out;
    out->u = u;
    u = NULL;
    out->s = s;
    s = NULL;
    out->ns = info.n_values;
    out->solver = "exact";
out:
    sea__free(r0);
    sea__free(rs);
    sea__free(c);
    sea__free(cc);
    sea__free(s);
    sea__free(u);
    return st;
}

/* Sum of the singular values of the d x 2 matrix [mean of positives, mean of negatives]
 * (raw activations of this layer), via the 2 x 2 Gram matrix. */
static double signature(const sea_acts *acts, size_t l)
{
    size_t N = sea_acts_n(acts), L = sea_acts_n_layer(acts), d = sea_acts_d(acts);
    const float *pos = sea_acts_view(acts, SEA_ACTS_POSITIVE), *neg = sea_acts_view(acts, SEA_ACTS_NEGATIVE);
    double g11 = 0, g12 = 0, g22 = 0, mid, rad, l1, l2;
    double *mp = sea__calloc(d, sizeof *mp), *mn = sea__calloc(d, sizeof *mn);
    if (!mp || !mn) {
        sea__free(mp);
        sea__free(mn);
        return NAN;
    }
    /* row by row (the activations are [N, n_layer, d]): contiguous reads */
    for (size_t n = 0; n < N; n++) {
        const float *rp = pos + (n * L + l) * d, *rn = neg + (n * L + l) * d;
        for (size_t i = 0; i < d; i++) {
            mp[i] += rp[i];
            mn[i] += rn[i];
        }
    }
    for (size_t i = 0; i < d; i++) {
        double a = mp[i] / (double)N, b = mn[i] / (double)N;
        g11 += a * a;
        g12 += a * b;
        g22 += b * b;
    }
    sea__free(mp);
    sea__free(mn);
    mid = 0.5 * (g11 + g22);
    rad = hypot(0.5 * (g11 - g22), g12);
    l1 = mid + rad;
    l2 = mid - rad;
    return sqrt(l1 > 0 ? l1 : 0) + sqrt(l2 > 0 ? l2 : 0);
}

/* Store one side into the projection layer as float. */
static sea_status store_side(sea__proj_layer *L, int sgn, const side *sd, size_t d, sea_err *err)
{
    size_t k = sd->k;
    double cum = 0;
    L->u[sgn] = sea__malloc_array(d * (k ? k : 1), sizeof(float));
    L->s[sgn] = sea__malloc_array(sd->ns ? sd->ns : 1, sizeof(float));
    L->ev[sgn] = sea__malloc_array(sd->ns ? sd->ns : 1, sizeof(float));
    if (!L->u[sgn] || !L->s[sgn] || !L->ev[sgn]) return sea__err_nomem(err, "projections");
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < k; j++) L->u[sgn][i * k + j] = (float)sd->u[i + j * d];
    for (size_t j = 0; j < sd->ns; j++) {
        float ev;
        cum += sd->s[j] * sd->s[j];
        ev = sd->energy > 0 ? (float)(cum / sd->energy) : 0.0f;
        L->s[sgn][j] = (float)sd->s[j];
        /* rounding of the energy sums may push the last ratio a hair past 1 */
        L->ev[sgn][j] = ev > 1.0f ? 1.0f : ev;
        if (j && L->ev[sgn][j] < L->ev[sgn][j - 1]) L->ev[sgn][j] = L->ev[sgn][j - 1];
    }
    L->k[sgn] = k;
    L->ns[sgn] = sd->ns;
    return SEA_OK;
}

static sea_status fit_layer(sea__proj_layer *L, const sea_acts *acts, const sea_fit_params *p, size_t l, int nt,
                            sea_err *err)
{
    size_t N = sea_acts_n(acts), nl = sea_acts_n_layer(acts), d = sea_acts_d(acts), q = SEA_MIN(N, d), dn;
    double *a[3] = {NULL, NULL, NULL}, *grams[3] = {NULL, NULL, NULL}, *tau0 = NULL, *taus = NULL, energy[2] = {0, 0};
    static const int src[3] = {SEA_ACTS_BASE, SEA_ACTS_POSITIVE, SEA_ACTS_NEGATIVE};
    side sd[2];
    long kfix[2] = {p->k_pos, p->k_neg};
    double K[2] = {p->k_ratio_pos, p->k_ratio_neg};
    int use_rand[2], done[2] = {0, 0};
    sea_status st = SEA_OK;
    double tt = trace_t0();
    memset(sd, 0, sizeof sd);
    if (sea__mul_size(&dn, d, N)) return sea__err(err, SEA_ERR_LIMIT, "layer too large");
    for (int k = 0; k < 3; k++) {
        const float *v = sea_acts_view(acts, src[k]);
        a[k] = sea__malloc_big(dn, sizeof(double));
        if (!a[k]) {
            st = sea__err_nomem(err, "fit");
            goto out;
        }
        /* column n of the d x N matrix Aᵀ is demonstration n's activation */
        for (size_t n = 0; n < N; n++)
            for (size_t i = 0; i < d; i++) a[k][i + n * d] = v[(n * nl + l) * d + i];
        sea_feature_apply_d(a[k], dn, p->feature, p->alpha);
        if (p->center)
            for (size_t i = 0; i < d; i++) {
                double m = 0;
                for (size_t n = 0; n < N; n++) m += a[k][i + n * d];
                m /= (double)N;
                for (size_t n = 0; n < N; n++) a[k][i + n * d] -= m;
            }
    }
    L->signature = signature(acts, l);
    trace(&tt, "gather, features, signature", l);
    for (int s = 0; s < 2; s++) {
        if (kfix[s] > (long)q) kfix[s] = (long)q;
        switch (p->solver) {
        case SEA_SOLVER_EXACT: use_rand[s] = 0; break;
        case SEA_SOLVER_RANDOMIZED: use_rand[s] = 1; break;
        default:
            /* auto: the randomized route pays when k is far below N; small cores are cheap, and
             * with N > d its N x N Gram matrices cost more than the d x d core */
            use_rand[s] = q >= 256 && N <= d && (kfix[s] < 0 || (size_t)kfix[s] <= q / 8);
        }
    }
    if (use_rand[0] || use_rand[1]) {
        /* Gram matrices: the energies ‖Ω±‖_F² = ⟨G0, G±⟩ / N² and the sketch operator */
        sea_status sst[2] = {SEA_OK, SEA_OK};
        sea_err serr[2];
        size_t nn;
        int two;
        if (sea__mul_size(&nn, N, N)) {
            st = sea__err(err, SEA_ERR_LIMIT, "fit: N = %zu is too large for the randomized solver", N);
            goto out;
        }
        {
            int wantg[3] = {1, use_rand[0], use_rand[1]};
            for (int g = 0; g < 3; g++)
                if (wantg[g]) {
                    grams[g] = sea__malloc_big(nn, sizeof(double));
                    if (!grams[g]) {
                        st = sea__err_nomem(err, "fit Gram matrices");
                        goto out;
                    }
                }
            st = grams_compute(grams, a, wantg, d, N, nt, err);
            if (st) goto out;
        }
        for (int s = 0; s < 2; s++)
            if (use_rand[s]) {
                /* ⟨G0, G±⟩ from the upper triangles: the diagonal once, the rest twice */
                double diag = 0, off = 0;
                const double *g0 = grams[0], *gs = grams[1 + s];
                for (size_t j = 0; j < N; j++) {
                    for (size_t i = 0; i < j; i++) off += g0[i + j * N] * gs[i + j * N];
                    diag += g0[j + j * N] * gs[j + j * N];
                }
                energy[s] = (diag + 2.0 * off) / ((double)N * (double)N);
            }
        trace(&tt, "Gram matrices and energies", l);
        two = (use_rand[0] && use_rand[1] && nt >= 2) ? 2 : 1;
        (void)two; /* used by the OpenMP clause only */
#ifdef _OPENMP
#pragma omp parallel for num_threads(two) schedule(static, 1) if (two > 1)
#endif
        for (int s = 0; s < 2; s++) {
            size_t cap = p->solver == SEA_SOLVER_RANDOMIZED ? q : SEA_MAX((size_t)64, q / 8);
            if (!use_rand[s]) continue;
            sea_err_clear(&serr[s]);
            sst[s] = randomized_side(&sd[s], a[0], a[1 + s], grams[1 + s], d, N, energy[s], K[s], kfix[s], cap, &serr[s]);
            if (sst[s] == SEA_OK) done[s] = 1;
        }
        for (int s = 0; s < 2; s++)
            if (sst[s] && sst[s] != SEA_ERR_LIMIT) {
                st = sst[s];
                if (err) *err = serr[s];
                goto out;
            }
        trace(&tt, "randomized range finders", l);
        for (int g = 0; g < 3; g++) {
            sea__free(grams[g]);
            grams[g] = NULL;
        }
    }
    if (!done[0] || !done[1]) {
        sea_status sst[2] = {SEA_OK, SEA_OK};
        sea_err serr[2];
        tau0 = sea__malloc_array(2 * q, sizeof *tau0);
        taus = sea__malloc_array(2 * q, sizeof *taus);
        if (!tau0 || !taus) {
            st = sea__err_nomem(err, "fit");
            goto out;
        }
        {
            /* the (up to) three QRs are independent: with two or more threads each runs whole on
             * one thread, no barriers; with one, they run in turn */
            sea_status qst[3] = {SEA_OK, SEA_OK, SEA_OK};
            sea_err qerr[3];
            int jobs = 1 + !done[0] + !done[1], tq = nt >= 2 ? SEA_MIN(nt, jobs) : 1;
            (void)tq;
#ifdef _OPENMP
#pragma omp parallel for num_threads(tq) schedule(dynamic, 1) if (tq > 1)
#endif
            for (int g = 0; g < 3; g++) {
                int inner_qr = tq > 1 ? 1 : nt;
                if (g > 0 && done[g - 1]) continue;
                sea_err_clear(&qerr[g]);
                qst[g] = sea_qr(a[g], d, d, N, g == 0 ? tau0 : taus + (size_t)(g - 1) * q, inner_qr, &qerr[g]);
            }
            for (int g = 0; g < 3; g++)
                if (qst[g]) {
                    st = qst[g];
                    if (err) *err = qerr[g];
                    goto out;
                }
        }
        trace(&tt, "Householder QR of H, H+, H-", l);
        /* the two cores are independent: one thread each (the Jacobi sweeps are serial code
         * with no barriers, which also keeps a busy machine from stalling them) */
        {
            int two = (!done[0] && !done[1] && nt >= 2) ? 2 : 1, inner = two == 2 ? nt / 2 : nt;
            (void)two;
#ifdef _OPENMP
#pragma omp parallel for num_threads(two) schedule(static, 1) if (two > 1)
#endif
            for (int s = 0; s < 2; s++) {
                if (done[s]) continue;
                sea_err_clear(&serr[s]);
                sst[s] = exact_side(&sd[s], a[0], tau0, a[1 + s], taus + (size_t)s * q, d, N, K[s], kfix[s], inner, &serr[s]);
            }
        }
        trace(&tt, "cores, Jacobi SVDs, U = Q0 Uc", l);
        for (int s = 0; s < 2; s++)
            if (sst[s]) {
                st = sst[s];
                if (err) *err = serr[s];
                goto out;
            }
    }
    for (int s = 0; s < 2; s++) {
        st = store_side(L, s, &sd[s], d, err);
        if (st) goto out;
    }
    snprintf(L->solver, sizeof L->solver, "%s", strcmp(sd[0].solver, sd[1].solver) == 0 ? sd[0].solver : "mixed");
    L->present = 1;
out:
    for (int k = 0; k < 3; k++) {
        sea__free(a[k]);
        sea__free(grams[k]);
    }
    for (int s = 0; s < 2; s++) {
        sea__free(sd[s].u);
        sea__free(sd[s].s);
    }
    sea__free(tau0);
    sea__free(taus);
    return st;
}

sea_status sea_fit(sea_proj **out, const sea_acts *acts, const sea_fit_params *params, sea_err *err)
{
    sea_fit_params p = params ? *params : sea_fit_default_params();
    size_t nl = sea_acts_n_layer(acts), d = sea_acts_d(acts), N = sea_acts_n(acts), n_sel = 0, done = 0;
    size_t *sel = NULL;
    sea_proj *P = NULL;
    sea_err *errs = NULL;
    sea_status *sts = NULL, st = SEA_OK;
    const sea_acts_meta *m = sea_acts_get_meta(acts, NULL);
    int nt = sea__threads(p.n_threads), outer, inner;
    *out = NULL;
    for (int s = 0; s < 2; s++) {
        double K = s ? p.k_ratio_neg : p.k_ratio_pos;
        long kf = s ? p.k_neg : p.k_pos;
        if (kf < -1) return sea__err(err, SEA_ERR_ARG, "fit: fixed k must be >= 0 (or -1 for a ratio), got %ld", kf);
        if (kf < 0 && !(K > 0 && K <= 1)) return sea__err(err, SEA_ERR_ARG, "fit: k ratio %g is not in (0, 1]", K);
    }
    if (!(p.alpha > 0 && isfinite(p.alpha))) return sea__err(err, SEA_ERR_ARG, "fit: alpha %g must be positive", p.alpha);
    if (!(p.eps > 0 && p.eps < 1)) return sea__err(err, SEA_ERR_ARG, "fit: eps %g must be in (0, 1)", p.eps);
    if (p.feature < SEA_FEATURE_NONE || p.feature > SEA_FEATURE_ELU) return sea__err(err, SEA_ERR_ARG, "fit: unknown feature");
    for (int s = 0; s < 2; s++) {
        long kf = s ? p.k_neg : p.k_pos;
        if (kf > (long)SEA_MIN(N, d))
            sea__warn("fit: fixed k_%s = %ld exceeds min(N, d) = %zu; using %zu", s ? "neg" : "pos", kf, SEA_MIN(N, d),
                      SEA_MIN(N, d));
    }
    sel = sea__malloc_array(nl, sizeof *sel);
    errs = sea__calloc(nl, sizeof *errs);
    sts = sea__calloc(nl, sizeof *sts);
    P = sea__proj_alloc(nl, d);
    if (!sel || !errs || !sts || !P) {
        st = sea__err_nomem(err, "fit");
        goto out;
    }
    for (size_t l = 0; l < nl; l++)
        if (!p.layers || p.layers[l]) sel[n_sel++] = l;
    if (n_sel == 0) {
        st = sea__err(err, SEA_ERR_ARG, "fit: no layer selected");
        goto out;
    }
    P->n_demos = N;
    P->feature = p.feature;
    P->alpha = (float)p.alpha;
    P->eps = (float)p.eps;
    P->center = p.center;
    P->k_ratio[0] = p.k_pos >= 0 ? NAN : p.k_ratio_pos;
    P->k_ratio[1] = p.k_neg >= 0 ? NAN : p.k_ratio_neg;
    if (m->site && !(P->site = sea__strdup(m->site))) {
        st = sea__err_nomem(err, "fit");
        goto out;
    }
    /* layers in parallel when there are enough of them; the rest of the threads go inside */
    outer = (int)SEA_MIN((size_t)nt, n_sel);
    inner = nt / outer > 0 ? nt / outer : 1;
    {
        long ns = (long)n_sel;
#ifdef _OPENMP
#pragma omp parallel for num_threads(outer) schedule(dynamic, 1) if (outer > 1)
#endif
        for (long t = 0; t < ns; t++) {
            size_t l = sel[t];
            sea_err_clear(&errs[l]);
            sts[l] = fit_layer(&P->layers[l], acts, &p, l, inner, &errs[l]);
#ifdef _OPENMP
#pragma omp critical(sea_fit_progress)
#endif
            {
                done++;
                if (p.progress) p.progress(done, n_sel, p.progress_user);
            }
        }
    }
    for (size_t t = 0; t < n_sel; t++) {
        size_t l = sel[t];
        if (sts[l]) {
            st = sts[l];
            if (err) {
                *err = errs[l];
                sea__err_prefix(err, "fit: layer %zu", l);
            }
            goto out;
        }
    }
    *out = P;
    P = NULL;
out:
    sea_proj_free(P);
    sea__free(sel);
    sea__free(errs);
    sea__free(sts);
    return st;
}
