/* src/spectral/fit.c: fitting the SEA projections (SEA-SPEC §3), layer by layer.
 *
 * For one layer, H (base), H+ and H- are [N, d]; the cross-covariances Ω± = Hᵀ H± / N are
 * d x d but never formed. Exact route (thin factors): Hᵀ = Q0 R0, H±ᵀ = Q± R± (Householder,
 * Q never formed), core C± = R0 R±ᵀ / N (q x q, q = min(N, d)), one-sided Jacobi SVD
 * C± = Uc Σ Vcᵀ (Gram-preconditioned, sea_svd_gram), and U± = Q0 Uc: the same Σ and left singular vectors as Ω±, at O(d N²)
 * instead of O(d³). Total energy Σσ² = ‖C‖_F², so k is chosen without the tail.
 * Randomized route: the total energy from the Gram matrices (‖Ω‖_F² = ⟨H Hᵀ, H± H±ᵀ⟩ / N²,
 * three symmetric rank-k updates written straight into the packed layout of gemm's left
 * operand), then a range finder that works on those Gram matrices (src/linalg/crosscov.c),
 * growing the sketch until the captured energy reaches K. Without a feature function or
 * centring the float activations are read in place (converted exactly while packed). Every
 * step in double; U stored as F32. */
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
#include "spectral/spectral_internal.h"
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

/* At log level SEA_LOG_TRACE (sea_set_log_level) the time of each phase goes to the log hook
 * (benchmarks). */
static double trace_t0(void)
{
    return sea__phase_clock();
}

static void trace(double *t, const char *what, size_t l)
{
    double dt;
    if (sea__phase_lap(t, &dt)) sea__trace("fit: layer %zu: %-28s %8.3f s", l, what, dt);
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

/* Randomized side: a sketch of l = 96 directions (then 2k + 16, ...) until the captured energy
 * reaches K·E with the selected k in the first half of the sketch (where the Ritz values are
 * accurate). The sketch is left in *keep for the vectors (the caller forms U for both sides
 * with one product). Returns SEA_ERR_LIMIT (not an error to the caller in auto mode) when that
 * needs more than `cap` directions. Serial (the two sides run in parallel). */
static sea_status randomized_side(side *out, sea__xsketch *keep, const sea__mat *a0, const sea__mat *as,
                                  const sea__apack *g0, const sea__apack *gs, size_t d, size_t N, double energy, double K,
                                  long kfix, size_t cap, int route, sea_err *err)
{
    size_t q = SEA_MIN(d, N), l = SEA_MIN(q, SEA_MAX((size_t)96, kfix >= 0 ? 2 * (size_t)kfix : 0));
    sea_status st;
    for (;;) {
        int reached;
        sea__xsketch sk;
        const double *s;
        st = sea__xcov_sketch(&sk, l, a0, as, g0, gs, d, N, 0x5ea5eedull + l, route, err);
        if (st) return st;
        s = sk.s;
        if (trace_t0() >= 0)
            sea__trace("fit: sketch of %zu (+%zu) directions, %s route", l, sk.sk - l, sk.u ? "d-space" : "N-space");
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
            out->s = sea__malloc_array(l, sizeof *out->s);
            if (!out->s) {
                sea__xsketch_free(&sk);
                return sea__err_nomem(err, "randomized fit");
            }
            memcpy(out->s, s, l * sizeof *out->s);
            out->ns = l;
            out->energy = energy;
            out->solver = "randomized";
            *keep = sk;
            return SEA_OK;
        }
        sea__xsketch_free(&sk);
        if (l >= cap) return SEA_ERR_LIMIT;
        /* the sketch saw K reached at k (or not at all): aim for k in the first half next time */
        {
            size_t next = (reached || out->k > 0) ? 2 * out->k + 16 : 2 * l;
            if (next <= l) next = 2 * l;
            l = SEA_MIN(SEA_MIN(next, q), SEA_MAX(cap, l + 1));
        }
    }
}

/* U of the randomized sides (done[s]): the N-space sketches give U = A0·C with a small C, so
 * both sides come out of one d x N x (k+ + k-) product with A0 (read once, nt threads); a side
 * whose vectors are not orthonormal to SEA__ORTH_TOL is redone in d-space (serially). */
static sea_status randomized_vectors(side *sd, sea__xsketch *keep, const int *done, const sea__mat *am,
                                     const sea__apack *grams, size_t d, size_t N, const double *K, const long *kfix,
                                     size_t cap, int nt, sea_err *err)
{
    size_t kt = 0, off[2] = {0, 0};
    double *c = NULL, *ub = NULL;
    sea_status st = SEA_OK;
    for (int s = 0; s < 2; s++)
        if (done[s] && keep[s].x) {
            off[s] = kt;
            kt += sd[s].k;
        }
    if (kt > 0) {
        sea__mat cm;
        ub = sea__work_alloc(d * kt + N * kt, sizeof *ub); /* U, then C: one huge-page block */
        c = ub ? ub + d * kt : NULL;
        if (!ub) {
            st = sea__err_nomem(err, "randomized fit");
            goto out;
        }
        for (int s = 0; s < 2 && !st; s++)
            if (done[s] && keep[s].x) st = sea__xcov_coeffs(&keep[s], sd[s].k, c + off[s] * N, N, err);
        cm = sea__mat_d(c, N, 0);
        if (!st) st = sea__gemm(sea__dgemm_pick(), d, kt, N, 1.0, &am[0], NULL, &cm, 0.0, ub, d, nt, err);
        if (st) goto out;
    }
    for (int s = 0; s < 2; s++) {
        size_t k = sd[s].k;
        if (!done[s]) continue;
        sd[s].u = sea__work_alloc(d * (k ? k : 1), sizeof *sd[s].u);
        if (!sd[s].u) {
            st = sea__err_nomem(err, "randomized fit");
            goto out;
        }
        if (keep[s].x) {
            double e;
            memcpy(sd[s].u, ub + off[s] * d, d * k * sizeof *ub);
            e = sea__orth_error(sd[s].u, d, d, k, err);
            if (e != e) {
                st = SEA_ERR_NOMEM;
                goto out;
            }
            if (!(e <= SEA__ORTH_TOL)) {
                /* squaring in the N-space Rayleigh-Ritz lost too much: the d-space route */
                sea__xsketch_free(&keep[s]);
                sea__work_free(sd[s].u);
                sea__free(sd[s].s);
                sd[s].u = sd[s].s = NULL;
                st = randomized_side(&sd[s], &keep[s], &am[0], &am[1 + s], &grams[0], &grams[1 + s], d, N, sd[s].energy, K[s],
                                     kfix[s], cap, 2, err);
                if (st) goto out;
                k = sd[s].k;
                sd[s].u = sea__work_alloc(d * (k ? k : 1), sizeof *sd[s].u);
                if (!sd[s].u) {
                    st = sea__err_nomem(err, "randomized fit");
                    goto out;
                }
            }
        }
        if (keep[s].u) memcpy(sd[s].u, keep[s].u, d * k * sizeof *sd[s].u);
    }
out:
    sea__work_free(ub);
    return st;
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
    r0 = sea__work_calloc(q * N, sizeof *r0);
    rs = sea__work_calloc(q * N, sizeof *rs);
    c = sea__work_alloc(q * q, sizeof *c);
    cc = sea__work_alloc(q * q, sizeof *cc);
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
     * and the first min(q, 64) values for the file (see sea_svd_params and sea_svd_gram) */
    sp.energy = kfix >= 0 ? 1e-300 : K;
    sp.min_lead = kfix >= 0 ? (size_t)kfix : 0;
    sp.min_values = SEA_MIN(q, (size_t)64);
    memcpy(cc, c, q * q * sizeof *c);
    for (int attempt = 0;; attempt++) {
        /* the Gram-preconditioned SVD: the same work whatever the spectrum (doc/SPECTRAL.md) */
        st = sea_svd_gram(c, q, q, q, s, NULL, 0, &sp, &info, err);
        if (st) goto out;
        if (kfix >= 0) {
            out->k = (size_t)kfix;
            reached = 1;
        } else {
            out->k = select_k(s, info.n_valid, out->energy, K, info.rank, &reached);
        }
        if ((reached && out->k <= info.n_valid) || sp.energy == 0) break;
        /* the kept part ends just short of K by rounding of the two energy sums: ask for more,
         * then (third attempt) for everything */
        memcpy(c, cc, q * q * sizeof *c);
        sp.min_lead = SEA_MIN(q, 2 * info.n_valid + 32);
        if (attempt >= 1) sp.energy = 0;
    }
    if (sp.energy == 0 && kfix < 0) out->k = select_k(s, q, out->energy, K, info.rank, &reached);
    out->rank = info.rank;
    if (trace_t0() >= 0)
        sea__trace("fit: core %zu x %zu (Gram-preconditioned): %d Jacobi sweeps, %llu rotations, %zu kept, %zu values, k = %zu", q, q,
                info.sweeps, (unsigned long long)info.rotations, info.n_valid, info.n_values, out->k);
    /* U = Q0 [Uc[:, :k]; 0] */
    u = sea__work_calloc(d * (out->k ? out->k : 1), sizeof *u);
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
    sea__work_free(r0);
    sea__work_free(rs);
    sea__work_free(c);
    sea__work_free(cc);
    sea__free(s);
    sea__work_free(u);
    return st;
}

/* Sum of the singular values of the d x 2 matrix [mean of positives, mean of negatives]
 * (raw activations of this layer), via the 2 x 2 Gram matrix. */
static double signature(const sea_acts *acts, size_t l, int nt)
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
    /* row by row (the activations are [N, n_layer, d]): contiguous reads; threads take ranges
     * of coordinates, each summed over n in order (the same result for any thread count) */
    {
        long nb = (long)((d + 511) / 512);
        (void)nb;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && nb > 1)
#endif
        for (long b = 0; b < (long)((d + 511) / 512); b++) {
            size_t i0 = (size_t)b * 512, i1 = SEA_MIN(d, i0 + 512);
            for (size_t n = 0; n < N; n++) {
                const float *rp = pos + (n * L + l) * d, *rn = neg + (n * L + l) * d;
                for (size_t i = i0; i < i1; i++) {
                    mp[i] += rp[i];
                    mn[i] += rn[i];
                }
            }
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

/* a[k] (d x N, column n = demonstration n) in double, with the feature function and centring
 * applied; allocated on first need. */
static sea_status gather(double **a, const sea_acts *acts, const sea_fit_params *p, size_t l, sea_err *err)
{
    size_t N = sea_acts_n(acts), nl = sea_acts_n_layer(acts), d = sea_acts_d(acts), dn = d * N;
    static const int src[3] = {SEA_ACTS_BASE, SEA_ACTS_POSITIVE, SEA_ACTS_NEGATIVE};
    for (int k = 0; k < 3; k++) {
        const float *v = sea_acts_view(acts, src[k]);
        if (a[k]) continue;
        a[k] = sea__work_alloc(dn, sizeof(double));
        if (!a[k]) return sea__err_nomem(err, "fit");
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
    return SEA_OK;
}

static sea_status fit_layer(sea__proj_layer *L, const sea_acts *acts, const sea_fit_params *p, size_t l, int nt,
                            sea_err *err)
{
    size_t N = sea_acts_n(acts), nl = sea_acts_n_layer(acts), d = sea_acts_d(acts), q = SEA_MIN(N, d), dn;
    double *a[3] = {NULL, NULL, NULL}, *tau0 = NULL, *taus = NULL, energy[2] = {0, 0};
    static const int src[3] = {SEA_ACTS_BASE, SEA_ACTS_POSITIVE, SEA_ACTS_NEGATIVE};
    sea__apack grams[3];
    sea__xsketch keep[2];
    side sd[2];
    long kfix[2] = {p->k_pos, p->k_neg};
    double K[2] = {p->k_ratio_pos, p->k_ratio_neg};
    int use_rand[2], done[2] = {0, 0};
    sea_status st = SEA_OK;
    double tt = trace_t0();
    memset(sd, 0, sizeof sd);
    memset(grams, 0, sizeof grams);
    memset(keep, 0, sizeof keep);
    if (sea__mul_size(&dn, d, N)) return sea__err(err, SEA_ERR_LIMIT, "layer too large");
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
    /* the exact route works in place on double copies; the randomized one reads the float
     * activations directly unless a feature function or centring transforms them */
    if (!(use_rand[0] && use_rand[1]) || p->feature != SEA_FEATURE_NONE || p->center) {
        st = gather(a, acts, p, l, err);
        if (st) goto out;
    }
    L->signature = signature(acts, l, nt);
    trace(&tt, "gather, features, signature", l);
    if (use_rand[0] || use_rand[1]) {
        /* Gram matrices: the energies ‖Ω±‖_F² = ⟨G0, G±⟩ / N² and the sketch operator */
        sea_status sst[2] = {SEA_OK, SEA_OK};
        sea_err serr[2];
        sea__mat am[3], at[3], gin[3];
        sea__apack gout[3];
        size_t ng = 0;
        int two, gidx[3] = {-1, -1, -1};
        for (int g = 0; g < 3; g++) {
            if (a[g])
                am[g] = sea__mat_d(a[g], d, 0);
            else
                am[g] = sea__mat_f(sea_acts_view(acts, src[g]) + l * d, nl * d, 0);
            at[g] = am[g];
            at[g].trans = 1; /* op = Aᵀ (N x d): the Gram matrix is op·opᵀ */
        }
        for (int g = 0; g < 3; g++) {
            if (g > 0 && !use_rand[g - 1]) continue;
            st = sea__apack_alloc(&grams[g], sea__dgemm_pick(), N, N, err);
            if (st) goto out;
            gidx[g] = (int)ng;
            gin[ng] = at[g];
            gout[ng++] = grams[g];
        }
        st = sea__syrk_packed(ng, N, d, gin, gout, nt, err);
        if (st) goto out;
        trace(&tt, "Gram products", l);
        for (int s = 0; s < 2; s++)
            if (use_rand[s]) energy[s] = sea__apack_dot(&grams[0], &grams[1 + s], nt) / ((double)N * (double)N);
        (void)gidx;
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
            sst[s] = randomized_side(&sd[s], &keep[s], &am[0], &am[1 + s], &grams[0], &grams[1 + s], d, N, energy[s], K[s],
                                     kfix[s], cap, 0, &serr[s]);
            if (sst[s] == SEA_OK) done[s] = 1;
        }
        for (int s = 0; s < 2; s++)
            if (sst[s] && sst[s] != SEA_ERR_LIMIT) {
                st = sst[s];
                if (err) *err = serr[s];
                goto out;
            }
        trace(&tt, "randomized range finders", l);
        {
            size_t cap = p->solver == SEA_SOLVER_RANDOMIZED ? q : SEA_MAX((size_t)64, q / 8);
            st = randomized_vectors(sd, keep, done, am, grams, d, N, K, kfix, cap, nt, err);
            if (st) goto out;
        }
        trace(&tt, "randomized vectors U", l);
        for (int g = 0; g < 3; g++) sea__apack_free(&grams[g]);
        if (!done[0] || !done[1]) {
            st = gather(a, acts, p, l, err);
            if (st) goto out;
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
        sea__work_free(a[k]);
        sea__apack_free(&grams[k]);
    }
    sea__xsketch_free(&keep[0]);
    sea__xsketch_free(&keep[1]);
    for (int s = 0; s < 2; s++) {
        sea__work_free(sd[s].u);
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
    if (!(p.alpha >= SEA_FEATURE_ALPHA_MIN && p.alpha <= SEA_FEATURE_ALPHA_MAX))
        return sea__err(err, SEA_ERR_ARG, "fit: alpha %g must be in [%g, %g]", p.alpha, SEA_FEATURE_ALPHA_MIN,
                        SEA_FEATURE_ALPHA_MAX);
    if (!(p.eps > 0 && p.eps < 1 && (float)p.eps > 0))
        return sea__err(err, SEA_ERR_ARG, "fit: eps %g must be in (0, 1) as a float32", p.eps);
    if (p.feature < SEA_FEATURE_NONE || p.feature > SEA_FEATURE_ELU) return sea__err(err, SEA_ERR_ARG, "fit: unknown feature");
    if (m->shard_n > 1)
        return sea__err(err, SEA_ERR_ARG,
                        "fit: the activations are shard %zu/%zu of a trace: a projection fitted on one shard sees 1/%zu of the "
                        "demonstrations; join all %zu shards with 'sea merge' first",
                        m->shard_i, m->shard_n, m->shard_n, m->shard_n);
    for (int s = 0; s < 2; s++) {
        long kf = s ? p.k_neg : p.k_pos;
        if (kf > (long)N)
            return sea__err(err, SEA_ERR_ARG,
                            "fit: k_%s = %ld directions asked for, but there are only %zu demonstrations: the cross-covariance "
                            "has rank at most N = %zu, so at most %zu directions exist (trace more demonstrations or ask for fewer)",
                            s ? "neg" : "pos", kf, N, N, N);
        if (kf > (long)d)
            sea__warn("fit: fixed k_%s = %ld exceeds d = %zu; using %zu", s ? "neg" : "pos", kf, d, d);
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
    {
        int any = 0;
        for (size_t t = 0; t < n_sel; t++) any |= P->layers[sel[t]].k[0] || P->layers[sel[t]].k[1];
        if (!any) {
            st = sea__err(err, SEA_ERR_ARG,
                          "fit: k+ = k- = 0 on every layer: the edit would keep nothing and remove nothing, so it changes no "
                          "activation (ask for k > 0 or a ratio K > 0)");
            goto out;
        }
    }
    if (sea_acts_provenance(acts) && !(P->provenance = sea__strdup(sea_acts_provenance(acts)))) {
        st = sea__err_nomem(err, "fit");
        goto out;
    }
    if (p.center) { /* the edit subtracts the base mean (in feature space) and adds it back */
        const float *v = sea_acts_view(acts, SEA_ACTS_BASE);
        if (!(P->mean = sea__calloc(nl * d, sizeof *P->mean))) {
            st = sea__err_nomem(err, "fit");
            goto out;
        }
        for (size_t t = 0; t < n_sel; t++) {
            size_t l = sel[t];
            for (size_t i = 0; i < d; i++) {
                double acc = 0;
                for (size_t n = 0; n < N; n++) {
                    double x = v[(n * nl + l) * d + i];
                    sea_feature_apply_d(&x, 1, p.feature, p.alpha);
                    acc += x;
                }
                P->mean[l * d + i] = (float)(acc / (double)N);
            }
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
