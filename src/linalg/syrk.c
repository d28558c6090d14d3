/* src/linalg/syrk.c: symmetric rank-k update, C = alpha·op(A)·op(A)ᵀ + beta·C (upper triangle),
 * the Gram matrices of the randomized fit (three 2000 x 2000 x 4096 products per layer, most
 * of its arithmetic).
 *
 * The gemm blocking with B = op(A)ᵀ, computing only the tiles that touch the upper triangle
 * (half the flops). Threads take column ranges of equal area, [n·sqrt(t/T), n·sqrt((t+1)/T)),
 * each with its own packing buffers and no barrier inside; several matrices are done in one
 * parallel region. Every element is summed in a fixed order (k-blocks in turn, the same
 * kernel on the same panels), so the result does not depend on the thread count, and G(i, j)
 * and G(j, i) come out bitwise equal (the same products summed in the same order).
 * sea__syrk_packed writes the whole symmetric matrix straight into the packed layout of a
 * left operand (sea__apack), ready for repeated products with thin matrices. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "linalg/gemm_blocks.h"

/* Boundaries giving each of nt threads the same share of the upper triangle (columns [0, c)
 * hold about c²/2 elements), on multiples of unit (the kernel's nr for column ranges, so the
 * tile grid is the same for any split; mr for row ranges). cut has nt + 1 entries. */
static void split_area(size_t *cut, size_t n, int nt, size_t unit)
{
    cut[0] = 0;
    for (int t = 1; t < nt; t++) {
        size_t c = (size_t)((double)n * sqrt((double)t / (double)nt) + 0.5);
        c = ((c + unit / 2) / unit) * unit;
        if (c < cut[t - 1]) c = cut[t - 1];
        if (c > n) c = n;
        cut[t] = c;
    }
    cut[nt] = n;
}

/* Columns [j_lo, j_hi) of the upper triangle, serial. */
static void syrk_part(const sea__dgemm_kernel *kern, size_t n, size_t k, double alpha, const sea__mat *a, int overwrite,
                      const sea__cout *c, size_t j_lo, size_t j_hi, double *pa, double *pb)
{
    size_t mr = kern->mr, nr = kern->nr;
    sea__mat bt = *a;
    bt.trans = !a->trans; /* op(B) = op(A)ᵀ: the same stored matrix read the other way */
    for (size_t jc = j_lo; jc < j_hi; jc += SEA__NC) {
        size_t nc = SEA_MIN((size_t)SEA__NC, j_hi - jc), rows = jc + nc; /* rows below jc + nc: no upper element */
        for (size_t pc = 0; pc < k; pc += SEA__KC) {
            size_t kc = SEA_MIN((size_t)SEA__KC, k - pc);
            sea__pack_b(pb, &bt, pc, jc, kc, nc, nr);
            for (size_t ic = 0; ic < rows; ic += SEA__MC) {
                size_t mc = SEA_MIN((size_t)SEA__MC, rows - ic);
                sea__pack_a(pa, a, ic, pc, mc, kc, mr);
                sea__tiles(kern, pa, pb, mc, nc, kc, alpha, overwrite && pc == 0, c, ic, jc, 1);
            }
        }
    }
    (void)n;
}

/* Runs count SYRKs, thread t doing columns [cut[t], cut[t+1]) of each. outs[g] says where
 * matrix g goes. */
static sea_status syrk_run(const sea__dgemm_kernel *kern, size_t count, size_t n, size_t k, double alpha,
                           const sea__mat *a, int overwrite, const sea__cout *outs, int nt, const size_t *cut, sea_err *err)
{
    size_t mr = kern->mr, nr = kern->nr, widest = 0, abuf, nbuf;
    double *pa, *pb;
    for (int t = 0; t < nt; t++) widest = SEA_MAX(widest, cut[t + 1] - cut[t]);
    abuf = (size_t)SEA__KC * ((SEA_MIN((size_t)SEA__MC, n) + mr - 1) / mr) * mr;
    nbuf = (size_t)SEA__KC * ((SEA_MIN((size_t)SEA__NC, widest) + nr - 1) / nr) * nr;
    pa = sea__work_alloc(abuf * (size_t)nt, sizeof *pa);
    pb = sea__work_alloc(nbuf * (size_t)nt, sizeof *pb);
    if (!pa || !pb) {
        sea__work_free(pa);
        sea__work_free(pb);
        return sea__err_nomem(err, "syrk panels");
    }
    /* tasks (matrix, column range) of equal size handed out in turn: a thread slowed down by
     * another job on its core takes fewer of them (each task's result is the same whoever runs
     * it) */
    {
        long ntask = (long)count * nt;
        (void)ntask;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (nt > 1)
#endif
        {
            int me = 0;
#ifdef _OPENMP
            me = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
#endif
            for (long task = 0; task < ntask; task++) {
                size_t g = (size_t)task / (size_t)nt, t = (size_t)task % (size_t)nt;
                if (cut[t + 1] > cut[t])
                    syrk_part(kern, n, k, alpha, &a[g], overwrite, &outs[g], cut[t], cut[t + 1], pa + abuf * (size_t)me,
                              pb + nbuf * (size_t)me);
            }
        }
    }
    sea__work_free(pa);
    sea__work_free(pb);
    return SEA_OK;
}

/* Threads for an n x n x k triangle: one below ~2 MFLOP, and never more than 64. */
static int syrk_threads(int n_threads, size_t n, size_t k)
{
    int nt = sea__threads(n_threads);
    if ((double)n * (double)n * (double)k < 4e6) nt = 1;
    if (nt > 64) nt = 64;
    if (nt < 1) nt = 1;
    return nt;
}

sea_status sea__syrk(const sea__dgemm_kernel *kern, size_t count, size_t n, size_t k, double alpha,
                     const sea__mat *a, double beta, double *const *c, size_t ldc, int n_threads, sea_err *err)
{
    size_t cut[65];
    sea__cout outs[8];
    int nt;
    if (n == 0 || count == 0) return SEA_OK;
    if (count > 8) return sea__err(err, SEA_ERR_ARG, "syrk: at most 8 matrices at once");
    if (ldc < n) return sea__err(err, SEA_ERR_ARG, "syrk: leading dimension too small");
    for (size_t g = 0; g < count; g++) {
        if (a[g].ld < (a[g].trans ? k : n) || a[g].ld == 0)
            return sea__err(err, SEA_ERR_ARG, "syrk: leading dimension too small");
        if (beta != 1.0 && !(beta == 0.0 && k > 0 && alpha != 0.0))
            for (size_t j = 0; j < n; j++)
                for (size_t i = 0; i <= j; i++) c[g][i + j * ldc] = beta == 0.0 ? 0.0 : beta * c[g][i + j * ldc];
        outs[g].c = c[g];
        outs[g].ldc = ldc;
        outs[g].packed = NULL;
    }
    if (k == 0 || alpha == 0.0) return SEA_OK;
    nt = syrk_threads(n_threads, n, k);
    split_area(cut, n, nt, kern->nr);
    return syrk_run(kern, count, n, k, alpha, a, beta == 0.0, outs, nt, cut, err);
}

/* Row panels [r_lo, r_hi) of the strict lower triangle of a packed symmetric matrix from its
 * upper triangle. With KC a multiple of mr, the mr x mr block of rows i0.., columns s0.. is
 * contiguous in the layout (column-major, ld mr), and so is its mirror image (rows s0..,
 * columns i0..): each block is one small transpose between two 1-2 KiB pieces. */
static void mirror_rows(const sea__apack *pk, size_t r_lo, size_t r_hi)
{
    size_t mr = pk->kern->mr, n = pk->m;
    for (size_t i0 = r_lo; i0 < r_hi && i0 < n; i0 += mr) {
        size_t h = SEA_MIN(mr, n - i0);
        double *diag = sea__apack_at(pk, i0, i0);
        for (size_t s0 = 0; s0 < i0; s0 += mr) {
            double *dst = sea__apack_at(pk, i0, s0);
            const double *src = sea__apack_at(pk, s0, i0);
            /* dst (i0 + ii, s0 + ss) = src (s0 + ss, i0 + ii) */
            for (size_t ss = 0; ss < mr; ss++)
                for (size_t ii = 0; ii < h; ii++) dst[ss * mr + ii] = src[ii * mr + ss];
        }
        for (size_t ss = 0; ss < h; ss++)
            for (size_t ii = ss + 1; ii < h; ii++) diag[ss * mr + ii] = diag[ii * mr + ss];
    }
}

sea_status sea__syrk_packed(size_t count, size_t n, size_t k, const sea__mat *a, sea__apack *out, int n_threads,
                            sea_err *err)
{
    size_t cut[65];
    sea__cout outs[8];
    const sea__dgemm_kernel *kern;
    sea_status st;
    int nt;
    if (n == 0 || count == 0) return SEA_OK;
    if (count > 8) return sea__err(err, SEA_ERR_ARG, "syrk: at most 8 matrices at once");
    kern = out[0].kern;
    for (size_t g = 0; g < count; g++) {
        if (out[g].kern != kern || out[g].m != n || out[g].k != n)
            return sea__err(err, SEA_ERR_ARG, "syrk: packed output of the wrong shape");
        if (a[g].ld < (a[g].trans ? k : n) || a[g].ld == 0)
            return sea__err(err, SEA_ERR_ARG, "syrk: leading dimension too small");
        outs[g].c = NULL;
        outs[g].ldc = 0;
        outs[g].packed = &out[g];
    }
    if (k == 0) {
        for (size_t g = 0; g < count; g++) memset(out[g].p, 0, out[g].m_pad * n * sizeof *out[g].p);
        return SEA_OK;
    }
    nt = syrk_threads(n_threads, n, k);
    split_area(cut, n, nt, kern->nr);
    st = syrk_run(kern, count, n, k, 1.0, a, 1, outs, nt, cut, err);
    if (st) return st;
    /* the strict lower triangles, row panels split by area */
    split_area(cut, n, nt, kern->mr);
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (nt > 1)
#endif
    for (int t = 0; t < nt; t++)
        for (size_t g = 0; g < count; g++) mirror_rows(&out[g], cut[t], cut[t + 1]);
    return SEA_OK;
}

sea_status sea_dsyrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda, double beta, double *c,
                     size_t ldc, int n_threads, sea_err *err)
{
    sea__mat am = sea__mat_d(a, lda, trans);
    double *cs[1];
    cs[0] = c;
    return sea__syrk(sea__dgemm_pick(), 1, n, k, alpha, &am, beta, cs, ldc, n_threads, err);
}
