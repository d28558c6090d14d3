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
#include <math.h>
#include <stdio.h>
#include <string.h>
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

/* ---- the implicit cross-covariance operator Ω = A0 Asᵀ / N (A's are d x N) ---- */
typedef struct cross_op {
    sea_linop op;
    const double *a0, *as;
    size_t d, N;
    double *tmp; /* N x l scratch */
    size_t tmp_cols;
    int nt;
} cross_op;

static sea_status cross_apply(const sea_linop *op, int trans, const double *x, size_t ldx, size_t ncol,
                              double *y, size_t ldy, sea_err *err)
{
    cross_op *c = op->ctx;
    const double *right = trans ? c->a0 : c->as, *left = trans ? c->as : c->a0;
    sea_status st;
    if (ncol > c->tmp_cols) return sea__err(err, SEA_ERR_INTERNAL, "cross operator: %zu columns > scratch %zu", ncol, c->tmp_cols);
    /* y = left · (rightᵀ x) / N */
    st = sea_dgemm(1, 0, c->N, ncol, c->d, 1.0, right, c->d, x, ldx, 0.0, c->tmp, c->N, c->nt, err);
    if (st) return st;
    return sea_dgemm(0, 0, c->d, ncol, c->N, 1.0 / (double)c->N, left, c->d, c->tmp, c->N, 0.0, y, ldy, c->nt, err);
}

/* ‖A0 A1ᵀ‖_F²/N² and ‖A0 A2ᵀ‖_F²/N² (those wanted), from Gram tiles: ⟨A0ᵀA0, AsᵀAs⟩. The
 * N x N Grams are never held: 256 x 256 tiles of the upper triangle, off-diagonal ones twice. */
static sea_status gram_energies(double *e, const int *want, const double *a0, const double *a1, const double *a2,
                                size_t d, size_t N, int nt, sea_err *err)
{
    const size_t T = 256;
    double *g0 = sea__malloc_array(T * T, sizeof *g0), *gs = sea__malloc_array(T * T, sizeof *gs);
    const double *as[2] = {a1, a2};
    sea_status st = SEA_OK;
    e[0] = e[1] = 0;
    if (!g0 || !gs) {
        st = sea__err_nomem(err, "energy tiles");
        goto out;
    }
    for (size_t i0 = 0; i0 < N; i0 += T)
        for (size_t j0 = i0; j0 < N; j0 += T) {
            size_t bi = SEA_MIN(T, N - i0), bj = SEA_MIN(T, N - j0);
            double w = i0 == j0 ? 1.0 : 2.0;
            st = sea_dgemm(1, 0, bi, bj, d, 1.0, a0 + i0 * d, d, a0 + j0 * d, d, 0.0, g0, bi, nt, err);
            if (st) goto out;
            for (int s = 0; s < 2; s++) {
                double acc = 0;
                if (!want[s]) continue;
                st = sea_dgemm(1, 0, bi, bj, d, 1.0, as[s] + i0 * d, d, as[s] + j0 * d, d, 0.0, gs, bi, nt, err);
                if (st) goto out;
                for (size_t t = 0; t < bi * bj; t++) acc += g0[t] * gs[t];
                e[s] += w * acc;
            }
        }
    e[0] /= (double)N * (double)N;
    e[1] /= (double)N * (double)N;
out:
    sea__free(g0);
    sea__free(gs);
    return st;
}

/* Randomized side. Returns SEA_OK with out->u set, or SEA_ERR_LIMIT (not an error to the caller
 * in auto mode) when K is not reached within `cap` directions. */
static sea_status randomized_side(side *out, const double *a0, const double *as, size_t d, size_t N, double energy,
                                  double K, long kfix, size_t cap, int nt, sea_err *err)
{
    size_t q = SEA_MIN(d, N), l = kfix >= 0 ? (size_t)kfix : SEA_MIN(q, (size_t)64);
    cross_op c;
    sea_rsvd_params rp = sea_rsvd_default_params();
    sea_status st;
    memset(&c, 0, sizeof c);
    c.op.m = c.op.n = d;
    c.op.apply = cross_apply;
    c.op.ctx = &c;
    c.a0 = a0;
    c.as = as;
    c.d = d;
    c.N = N;
    c.nt = nt;
    rp.n_threads = nt;
    if (l < SEA_MIN(q, (size_t)64)) l = SEA_MIN(q, (size_t)64); /* the file keeps >= min(N, 64) values */
    for (;;) {
        size_t sk = SEA_MIN(l + 10, d); /* the sketch width sea_svd_randomized uses */
        int reached;
        double *u, *s;
        if (sea__mul_size(&c.tmp_cols, sk, 1) || !(c.tmp = sea__malloc_array(N * sk, sizeof *c.tmp)))
            return sea__err_nomem(err, "randomized fit");
        u = sea__malloc_array(d * l, sizeof *u);
        s = sea__malloc_array(l, sizeof *s);
        if (!u || !s) {
            sea__free(u);
            sea__free(s);
            sea__free(c.tmp);
            return sea__err_nomem(err, "randomized fit");
        }
        st = sea_svd_randomized(u, d, s, l, &c.op, &rp, NULL, err);
        sea__free(c.tmp);
        c.tmp = NULL;
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
            if (!reached && l >= q) reached = 1; /* all directions seen: k = rank, as exact */
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
        l = SEA_MIN(SEA_MIN(2 * l, q), SEA_MAX(cap, l + 1));
    }
}

/* Exact side, from the QR of A0 (a0qr, tau0) and of As (asqr): core SVD and back-transform. */
static sea_status exact_side(side *out, const double *a0qr, const double *tau0, const double *asqr, size_t d,
                             size_t N, double K, long kfix, int nt, sea_err *err)
{
    size_t q = SEA_MIN(d, N);
    double *r0 = NULL, *rs = NULL, *c = NULL, *s = NULL, *u = NULL;
    sea_svd_params sp = sea_svd_default_params();
    sea_svd_info info;
    sea_status st = SEA_OK;
    int reached;
    r0 = sea__calloc(q * N, sizeof *r0);
    rs = sea__calloc(q * N, sizeof *rs);
    c = sea__malloc_array(q * q, sizeof *c);
    s = sea__malloc_array(q, sizeof *s);
    if (!r0 || !rs || !c || !s) {
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
    st = sea_svd_jacobi(c, q, q, q, s, NULL, 0, &sp, &info, err);
    if (st) goto out;
    out->rank = info.rank;
    if (kfix >= 0)
        out->k = (size_t)kfix;
    else
        out->k = select_k(s, q, out->energy, K, info.rank, &reached);
    /* U = Q0 [Uc[:, :k]; 0] */
    u = sea__calloc(d * (out->k ? out->k : 1), sizeof *u);
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
    out->ns = q;
    out->solver = "exact";
out:
    sea__free(r0);
    sea__free(rs);
    sea__free(c);
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
    for (size_t i = 0; i < d; i++) {
        double mp = 0, mn = 0;
        for (size_t n = 0; n < N; n++) {
            mp += pos[(n * L + l) * d + i];
            mn += neg[(n * L + l) * d + i];
        }
        mp /= (double)N;
        mn /= (double)N;
        g11 += mp * mp;
        g12 += mp * mn;
        g22 += mn * mn;
    }
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
    double *a[3] = {NULL, NULL, NULL}, *tau0 = NULL, *taus = NULL, energy[2] = {0, 0};
    static const int src[3] = {SEA_ACTS_BASE, SEA_ACTS_POSITIVE, SEA_ACTS_NEGATIVE};
    side sd[2];
    long kfix[2] = {p->k_pos, p->k_neg};
    double K[2] = {p->k_ratio_pos, p->k_ratio_neg};
    int use_rand[2], done[2] = {0, 0}, want[2];
    sea_status st = SEA_OK;
    memset(sd, 0, sizeof sd);
    if (sea__mul_size(&dn, d, N)) return sea__err(err, SEA_ERR_LIMIT, "layer too large");
    for (int k = 0; k < 3; k++) {
        const float *v = sea_acts_view(acts, src[k]);
        a[k] = sea__malloc_array(dn, sizeof(double));
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
    for (int s = 0; s < 2; s++) {
        if (kfix[s] > (long)q) kfix[s] = (long)q;
        switch (p->solver) {
        case SEA_SOLVER_EXACT: use_rand[s] = 0; break;
        case SEA_SOLVER_RANDOMIZED: use_rand[s] = 1; break;
        default:
            /* auto: the randomized route pays when k is far below N; small cores are cheap */
            use_rand[s] = q >= 256 && (kfix[s] < 0 || (size_t)kfix[s] <= q / 8);
        }
        want[s] = use_rand[s] && kfix[s] < 0;
    }
    if (want[0] || want[1]) {
        st = gram_energies(energy, want, a[0], a[1], a[2], d, N, nt, err);
        if (st) goto out;
    }
    for (int s = 0; s < 2; s++) {
        size_t cap = p->solver == SEA_SOLVER_RANDOMIZED ? q : SEA_MAX((size_t)64, q / 8);
        if (!use_rand[s]) continue;
        st = randomized_side(&sd[s], a[0], a[1 + s], d, N, energy[s], K[s], kfix[s], cap, nt, err);
        if (st == SEA_OK)
            done[s] = 1;
        else if (st != SEA_ERR_LIMIT)
            goto out;
        st = SEA_OK;
    }
    if (!done[0] || !done[1]) {
        tau0 = sea__malloc_array(q, sizeof *tau0);
        taus = sea__malloc_array(q, sizeof *taus);
        if (!tau0 || !taus) {
            st = sea__err_nomem(err, "fit");
            goto out;
        }
        st = sea_qr(a[0], d, d, N, tau0, nt, err);
        for (int s = 0; !st && s < 2; s++) {
            if (done[s]) continue;
            st = sea_qr(a[1 + s], d, d, N, taus, nt, err);
            if (!st) st = exact_side(&sd[s], a[0], tau0, a[1 + s], d, N, K[s], kfix[s], nt, err);
        }
        if (st) goto out;
    }
    for (int s = 0; s < 2; s++) {
        st = store_side(L, s, &sd[s], d, err);
        if (st) goto out;
    }
    snprintf(L->solver, sizeof L->solver, "%s", strcmp(sd[0].solver, sd[1].solver) == 0 ? sd[0].solver : "mixed");
    L->present = 1;
out:
    for (int k = 0; k < 3; k++) sea__free(a[k]);
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
#pragma omp parallel for num_threads(outer) schedule(dynamic, 1) if (outer > 1)
        for (long t = 0; t < ns; t++) {
            size_t l = sel[t];
            sea_err_clear(&errs[l]);
            sts[l] = fit_layer(&P->layers[l], acts, &p, l, inner, &errs[l]);
#pragma omp critical(sea_fit_progress)
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
