/* bench/bench_fit.c: speed of `sea fit` on one layer of synthetic activations with low-rank
 * structure (default d = 4096, N = 2000), exact and randomized solvers, against the released
 * SEA code's route (two dense d x d cross-covariances in float64 and full SVDs, as
 * bench/bench_fit_torch.py does in torch) measured in the same run.
 *
 * usage: bench_fit [--d D] [--n N] [--spectrum fast|slow] [--rank R] [--decay G] [--noise S] [--k-ratio K] [--threads T]
 *                  [--repeat R] [--dir DIR] [--torch SCRIPT] [--python PY]
 * Writes DIR/bench-fit-acts.safetensors (the input of both sides), fits it with both solvers,
 * R times each (default 3; the randomized solver first), then runs the torch script on it when
 * --torch is given (it writes DIR/bench-fit-torch.safetensors: its U+ and U- and its time), and
 * prints the median time of each solver, every run, the ratios to the torch time, the k's,
 * max |UUᵀ − U_t U_tᵀ| against torch and the two solvers against each other. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sea.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* xorshift-based normals: the bench only needs reproducible data */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* H = Z B + noise, H± = Z B± + noise: a shared latent Z [N, r], loadings B with scales decay^j
 * (B± = B with each entry perturbed by 30 %), isotropic noise. Defaults: r = 128, decay 0.97,
 * noise 0.1, which puts k at K = 0.99 around 60-90 (a harder case than a clean low rank). */
static int make_acts(sea_acts **out, size_t N, size_t d, size_t r, double decay, double noise)
{
    sea_acts *a;
    double *z = malloc(N * r * sizeof *z), *b = malloc(r * d * sizeof *b), *dp = malloc(r * d * sizeof *dp);
    double *hv = malloc(N * d * sizeof *hv);
    if (!z || !b || !dp || !hv || sea_acts_new(&a, N, 1, d, NULL)) return -1;
    for (size_t i = 0; i < N * r; i++) z[i] = normal();
    for (size_t j = 0; j < r; j++)
        for (size_t i = 0; i < d; i++) b[j * d + i] = pow(decay, (double)j) * normal() / sqrt((double)d) * 10.0;
    for (int w = 0; w < 3; w++) {
        float *h = sea_acts_data(a, w);
        for (size_t j = 0; j < r * d; j++) dp[j] = b[j] * (1.0 + (w == SEA_ACTS_BASE ? 0.0 : 0.3 * normal()));
        /* hv (d x N column-major, i.e. [N, d] row-major) = dpᵀ-major product: hv[i + n d] =
         * Σ_j z[n r + j] dp[j d + i], i.e. hv = DP · Zᵀ with DP d x r (ld d), Zᵀ r x N (ld r) */
        if (sea_dgemm(0, 0, d, N, r, 1.0, dp, d, z, r, 0.0, hv, d, 0, NULL)) return -1;
        for (size_t n = 0; n < N; n++)
            for (size_t i = 0; i < d; i++) h[n * d + i] = (float)(hv[i + n * d] + noise * normal());
    }
    free(z);
    free(b);
    free(dp);
    free(hv);
    *out = a;
    return 0;
}

/* median of n values (n <= 16) */
static double median(const double *x, int n)
{
    double v[16];
    memcpy(v, x, (size_t)n * sizeof *v);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* max |U Uᵀ − V Vᵀ| over the d x d projector; U [d, ku], V [d, kv] row-major. */
static double proj_diff(const float *u, size_t ku, const float *v, size_t kv, size_t d)
{
    double worst = 0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++) {
            double x = 0, y = 0;
            for (size_t t = 0; t < ku; t++) x += (double)u[i * ku + t] * u[j * ku + t];
            for (size_t t = 0; t < kv; t++) y += (double)v[i * kv + t] * v[j * kv + t];
            if (fabs(x - y) > worst) worst = fabs(x - y);
        }
    return worst;
}

int main(int argc, char **argv)
{
    size_t d = 4096, N = 2000, r = 128;
    double noise = 0.1, K = 0.99, decay = 0.97, t_torch = -1;
    int threads = 2;
    const char *dir = "/tmp", *torch = NULL, *py = "/usr/bin/python3";
    char acts_path[4096], torch_path[4096], cmd[16384];
    sea_acts *acts;
    sea_err err;
    sea_st_file *tf = NULL;
    sea_proj *proj[2] = {NULL, NULL};
    double t_sea[2] = {0, 0}, t_run[2][16];
    int repeat = 3;
    /* the library reads no environment: SEA_FIT_TRACE=1 asks for its phase timings */
    if (getenv("SEA_FIT_TRACE")) sea_set_log_level(SEA_LOG_TRACE);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--d")) d = (size_t)atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--n")) N = (size_t)atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--rank")) r = (size_t)atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--noise")) noise = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--decay")) decay = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--spectrum")) {
            /* presets: fast (the default: latent rank 128, scales 0.97^j, k = 38 at K = 0.99) and
             * slow (latent rank 600, scales 0.988^j: k in the 90s at K = 0.99, over 120 at 0.998) */
            if (!strcmp(argv[i + 1], "slow")) {
                r = 600;
                decay = 0.988;
            } else if (strcmp(argv[i + 1], "fast")) {
                fprintf(stderr, "bench_fit: --spectrum fast|slow\n");
                return 2;
            }
        }
        else if (!strcmp(argv[i], "--k-ratio")) K = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--torch")) torch = argv[i + 1];
        else if (!strcmp(argv[i], "--python")) py = argv[i + 1];
        else {
            fprintf(stderr, "bench_fit: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (repeat < 1 || repeat > 16) {
        fprintf(stderr, "bench_fit: --repeat must be 1..16\n");
        return 2;
    }
    snprintf(acts_path, sizeof acts_path, "%s/bench-fit-acts.safetensors", dir);
    snprintf(torch_path, sizeof torch_path, "%s/bench-fit-torch.safetensors", dir);
    if (make_acts(&acts, N, d, r, decay, noise)) {
        fprintf(stderr, "bench_fit: out of memory\n");
        return 1;
    }
    if (sea_acts_save(acts, acts_path, &err)) {
        fprintf(stderr, "bench_fit: %s\n", err.msg);
        return 1;
    }
    printf("one layer, d = %zu, N = %zu, latent rank %zu (scales %g^j), noise %g, K = %g, %d threads\n", d, N, r, decay, noise,
           K, threads);
    /* our two solvers first, each `repeat` times (the randomized one first, in the state a fresh
     * `sea fit` process has), then the baseline; the ratios use the median of the repeats */
    for (int sv = 1; sv >= 0; sv--) {
        sea_fit_params p = sea_fit_default_params();
        p.k_ratio_pos = p.k_ratio_neg = K;
        p.solver = sv ? SEA_SOLVER_RANDOMIZED : SEA_SOLVER_EXACT;
        p.n_threads = threads;
        for (int rep = 0; rep < repeat; rep++) {
            double t0 = now();
            if (rep > 0) sea_proj_free(proj[sv]);
            if (sea_fit(&proj[sv], acts, &p, &err)) {
                fprintf(stderr, "bench_fit: %s\n", err.msg);
                return 1;
            }
            t_run[sv][rep] = now() - t0;
        }
        t_sea[sv] = median(t_run[sv], repeat);
    }
    if (torch) {
        double t0 = now();
        snprintf(cmd, sizeof cmd, "%s %s %s %s %g %d", py, torch, acts_path, torch_path, K, threads);
        if (system(cmd) != 0 || sea_st_open(&tf, torch_path, &err)) {
            fprintf(stderr, "bench_fit: the torch baseline failed (%s)\n", cmd);
            return 1;
        }
        t_torch = atof(sea_st_metadata(tf, "seconds"));
        printf("%-34s %8.2f s  (wall incl. python start %.1f s)  k+ %s k- %s\n", "released route (torch float64)",
               t_torch, now() - t0, sea_st_metadata(tf, "k_pos"), sea_st_metadata(tf, "k_neg"));
    }
    for (int sv = 0; sv < 2; sv++) {
        size_t kp, kn;
        const float *up = sea_proj_u_pos(proj[sv], 0, &kp), *un = sea_proj_u_neg(proj[sv], 0, &kn);
        printf("sea fit --solver %-10s %7.3f s", sv ? "randomized" : "exact", t_sea[sv]);
        if (t_torch > 0) printf("  %6.1fx faster", t_torch / t_sea[sv]);
        printf("  k+ %zu k- %zu", kp, kn);
        printf("  (runs");
        for (int rep = 0; rep < repeat; rep++) printf(" %.3f", t_run[sv][rep]);
        printf(")");
        if (tf) {
            const sea_st_tensor *tp = sea_st_find(tf, "u_pos"), *tn = sea_st_find(tf, "u_neg");
            float *vp = malloc(tp->n_elements * sizeof *vp), *vn = malloc(tn->n_elements * sizeof *vn);
            sea_st_read_f32(vp, tp, NULL);
            sea_st_read_f32(vn, tn, NULL);
            printf("  max|dP+| %.2g max|dP-| %.2g", proj_diff(up, kp, vp, (size_t)tp->shape[1], d),
                   proj_diff(un, kn, vn, (size_t)tn->shape[1], d));
            free(vp);
            free(vn);
        }
        printf("\n");
    }
    {
        /* the two solvers against each other: projectors and the leading singular values */
        double ds = 0;
        for (int side = 0; side < 2; side++) {
            size_t ke, kr, ne, nr;
            const float *ue = side ? sea_proj_u_neg(proj[0], 0, &ke) : sea_proj_u_pos(proj[0], 0, &ke);
            const float *ur = side ? sea_proj_u_neg(proj[1], 0, &kr) : sea_proj_u_pos(proj[1], 0, &kr);
            const float *se = sea_proj_singular_values(proj[0], 0, side ? SEA_PROJ_NEG : SEA_PROJ_POS, &ne);
            const float *sr = sea_proj_singular_values(proj[1], 0, side ? SEA_PROJ_NEG : SEA_PROJ_POS, &nr);
            for (size_t j = 0; j < ke && j < kr && j < ne && j < nr; j++) ds = fmax(ds, fabs(se[j] - sr[j]) / se[0]);
            printf("randomized vs exact, %s side: k %zu / %zu, max|dP| %.2g\n", side ? "negative" : "positive", kr, ke,
                   proj_diff(ur, kr, ue, ke, d));
        }
        printf("randomized vs exact: leading singular values within %.2g of s1\n", ds);
    }
    for (int sv = 0; sv < 2; sv++) sea_proj_free(proj[sv]);
    if (tf) sea_st_close(tf);
    sea_acts_free(acts);
    return 0;
}
