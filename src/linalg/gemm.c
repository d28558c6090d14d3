/* src/linalg/gemm.c: double-precision matrix multiply C = alpha·op(A)·op(B) + beta·C, the one
 * level-3 kernel the QR, the SVDs and the fit spend their time in.
 *
 * Classic GotoBLAS/BLIS blocking: op(B) is packed kc x nc into column micro-panels of width nr,
 * op(A) mc x kc into row micro-panels of height mr, and a register micro-kernel (scalar here;
 * AVX2 and AVX-512 in gemm_avx2.c / gemm_avx512.c) computes each mr x nr tile. Packing reads A
 * and B in either orientation, so transposes cost nothing. OpenMP splits the row blocks of C
 * (each C element is summed by one thread in a fixed order: the result does not depend on the
 * thread count). Also here: the dot/rotation dispatch, thread helper and small checks. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/cpu.h"
#include "linalg/linalg_internal.h"

#define KC 256
#define MC_MAX 192
#define NC 2048

int sea__threads(int n_threads)
{
#ifdef _OPENMP
    if (n_threads <= 0) return omp_get_max_threads();
    return n_threads;
#else
    (void)n_threads;
    return 1;
#endif
}

int sea__all_finite(const double *a, size_t lda, size_t m, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        const double *col = a + j * lda;
        double acc = 0;
        /* x*0 is NaN exactly when x is NaN or Inf: one branch per column */
        for (size_t i = 0; i < m; i++) acc += col[i] * 0.0;
        if (!(acc == acc)) return 0;
    }
    return 1;
}

/* ---- scalar reference micro-kernel: 4 x 4 ---- */
void sea__dgemm_kernel_scalar(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha)
{
    double acc[4][4] = {{0}};
    for (size_t p = 0; p < kc; p++) {
        const double *ap = a + p * 4, *bp = b + p * 4;
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++) acc[j][i] += ap[i] * bp[j];
    }
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 4; i++) c[i + (size_t)j * ldc] += alpha * acc[j][i];
}

static const sea__dgemm_kernel k_scalar = {sea__dgemm_kernel_scalar, 4, 4, "scalar"};
#if SEA_HAVE_AVX2
static const sea__dgemm_kernel k_avx2 = {sea__dgemm_kernel_avx2, 8, 6, "avx2"};
#endif
#if SEA_HAVE_AVX512
static const sea__dgemm_kernel k_avx512 = {sea__dgemm_kernel_avx512, 16, 12, "avx512"};
#endif

const sea__dgemm_kernel *sea__dgemm_kernel_for(int level)
{
#if SEA_HAVE_AVX512
    if (level >= SEA_SIMD_AVX512 && sea__simd_available(SEA_SIMD_AVX512)) return &k_avx512;
#endif
#if SEA_HAVE_AVX2
    if (level >= SEA_SIMD_AVX2 && sea__simd_available(SEA_SIMD_AVX2)) return &k_avx2;
#endif
    (void)level;
    return &k_scalar;
}

const sea__dgemm_kernel *sea__dgemm_pick(void)
{
    return sea__dgemm_kernel_for((int)sea__simd_level());
}

/* ---- dot and rotation ---- */
double sea__ddot_scalar(size_t n, const double *x, const double *y)
{
    /* four partial sums: the same association as the SIMD versions use per lane is not
     * required; the tests only ask for agreement to rounding */
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++) s0 += x[i] * y[i];
    return (s0 + s1) + (s2 + s3);
}

void sea__drot_scalar(size_t n, double *x, double *y, double c, double s)
{
    for (size_t i = 0; i < n; i++) {
        double xi = x[i], yi = y[i];
        x[i] = c * xi - s * yi;
        y[i] = s * xi + c * yi;
    }
}

double sea__ddot(size_t n, const double *x, const double *y)
{
    switch (sea__simd_level()) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: return sea__ddot_avx512(n, x, y);
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: return sea__ddot_avx2(n, x, y);
#endif
    default: return sea__ddot_scalar(n, x, y);
    }
}

void sea__drot(size_t n, double *x, double *y, double c, double s)
{
    switch (sea__simd_level()) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: sea__drot_avx512(n, x, y, c, s); return;
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: sea__drot_avx2(n, x, y, c, s); return;
#endif
    default: sea__drot_scalar(n, x, y, c, s); return;
    }
}

void sea__daxpy_scalar(size_t n, double alpha, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

void sea__daxpy(size_t n, double alpha, const double *x, double *y)
{
    switch (sea__simd_level()) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: sea__daxpy_avx512(n, alpha, x, y); return;
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: sea__daxpy_avx2(n, alpha, x, y); return;
#endif
    default: sea__daxpy_scalar(n, alpha, x, y); return;
    }
}

/* ---- packing ---- */
/* op(A)[i0 + i, p0 + p] for i < mc, p < kc into micro-panels of mr rows (zero padded). */
static void pack_a(double *dst, const double *a, size_t lda, int trans, size_t i0, size_t p0,
                   size_t mc, size_t kc, size_t mr)
{
    for (size_t ib = 0; ib < mc; ib += mr) {
        size_t h = SEA_MIN(mr, mc - ib);
        double *d = dst + ib * kc;
        for (size_t p = 0; p < kc; p++) {
            size_t i = 0;
            if (!trans) {
                const double *src = a + (i0 + ib) + (p0 + p) * lda;
                for (; i < h; i++) d[p * mr + i] = src[i];
            } else {
                const double *src = a + (p0 + p) + (i0 + ib) * lda;
                for (; i < h; i++) d[p * mr + i] = src[i * lda];
            }
            for (; i < mr; i++) d[p * mr + i] = 0.0;
        }
    }
}

/* op(B)[p0 + p, j0 + j] for p < kc, j < nc into micro-panels of nr columns (zero padded);
 * panel jb is written by whoever calls with that jb (so threads can share the work). */
static void pack_b_panel(double *dst, const double *b, size_t ldb, int trans, size_t p0,
                         size_t j0, size_t jb, size_t kc, size_t nc, size_t nr)
{
    size_t w = SEA_MIN(nr, nc - jb);
    double *d = dst + jb * kc;
    for (size_t p = 0; p < kc; p++) {
        size_t j = 0;
        if (!trans) {
            const double *src = b + (p0 + p) + (j0 + jb) * ldb;
            for (; j < w; j++) d[p * nr + j] = src[j * ldb];
        } else {
            const double *src = b + (j0 + jb) + (p0 + p) * ldb;
            for (; j < w; j++) d[p * nr + j] = src[j];
        }
        for (; j < nr; j++) d[p * nr + j] = 0.0;
    }
}

/* One row block of C: all micro-tiles of rows [ic, ic + mc) against the packed B block. */
static void block_rows(const sea__dgemm_kernel *kern, const double *pa, const double *pb,
                       size_t mc, size_t nc, size_t kc, double alpha, double *c, size_t ldc)
{
    size_t mr = kern->mr, nr = kern->nr;
    double tile[16 * 16];
    for (size_t jr = 0; jr < nc; jr += nr) {
        size_t w = SEA_MIN(nr, nc - jr);
        for (size_t ir = 0; ir < mc; ir += mr) {
            size_t h = SEA_MIN(mr, mc - ir);
            double *cij = c + ir + jr * ldc;
            if (h == mr && w == nr) {
                kern->fn(kc, pa + ir * kc, pb + jr * kc, cij, ldc, alpha);
            } else {
                memset(tile, 0, sizeof(double) * mr * nr);
                kern->fn(kc, pa + ir * kc, pb + jr * kc, tile, mr, alpha);
                for (size_t j = 0; j < w; j++)
                    for (size_t i = 0; i < h; i++) cij[i + j * ldc] += tile[i + j * mr];
            }
        }
    }
}

/* Serial blocked gemm of one slab of C (rows [0, m) x columns [0, n) of the slab). pa and pb
 * are this caller's packing buffers. */
static void gemm_serial(const sea__dgemm_kernel *kern, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                        double alpha, const double *a, size_t lda, const double *b, size_t ldb, double *c,
                        size_t ldc, size_t mc_blk, double *pa, double *pb)
{
    size_t mr = kern->mr, nr = kern->nr;
    for (size_t jc = 0; jc < n; jc += NC) {
        size_t nc = SEA_MIN((size_t)NC, n - jc);
        for (size_t pc = 0; pc < k; pc += KC) {
            size_t kc = SEA_MIN((size_t)KC, k - pc);
            for (size_t jb = 0; jb < nc; jb += nr) pack_b_panel(pb, b, ldb, trans_b, pc, jc, jb, kc, nc, nr);
            for (size_t ic = 0; ic < m; ic += mc_blk) {
                size_t mc = SEA_MIN(mc_blk, m - ic);
                pack_a(pa, a, lda, trans_a, ic, pc, mc, kc, mr);
                block_rows(kern, pa, pb, mc, nc, kc, alpha, c + ic + jc * ldc, ldc);
            }
        }
    }
}

sea_status sea__dgemm_with(const sea__dgemm_kernel *kern, int trans_a, int trans_b, size_t m,
                           size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc,
                           int n_threads, sea_err *err)
{
    size_t mr = kern->mr, nr = kern->nr, mc_blk = (MC_MAX / kern->mr) * kern->mr, nbuf, abuf;
    size_t slab, n_slabs;
    int nt = sea__threads(n_threads), split_rows;
    double *pb, *pa;
    if (m == 0 || n == 0) return SEA_OK;
    if (ldc < m || lda < (trans_a ? k : m) || ldb < (trans_b ? n : k) || lda == 0 || ldb == 0)
        return sea__err(err, SEA_ERR_ARG, "dgemm: leading dimension too small");
    /* beta first, once, so the kernels only accumulate */
    if (beta != 1.0)
        for (size_t j = 0; j < n; j++) {
            double *cj = c + j * ldc;
            if (beta == 0.0)
                memset(cj, 0, m * sizeof *cj);
            else
                for (size_t i = 0; i < m; i++) cj[i] *= beta;
        }
    if (k == 0 || alpha == 0.0) return SEA_OK;
    /* Threads take whole slabs of C (rows or columns, whichever is longer) and run the serial
     * algorithm on them: one fork/join per call, which matters on a busy machine where every
     * barrier can cost a time slice. Each C element is summed in the same order whatever the
     * split, so results do not depend on the thread count. */
    if ((double)m * (double)n * (double)k < 4e6) nt = 1;
    split_rows = m >= n;
    {
        size_t len = split_rows ? m : n, unit = split_rows ? mr : nr;
        size_t per = (len + (size_t)nt - 1) / (size_t)nt;
        slab = ((per + unit - 1) / unit) * unit;
        n_slabs = (len + slab - 1) / slab;
    }
    nbuf = (size_t)KC * (((NC + nr - 1) / nr) * nr);
    abuf = (size_t)KC * mc_blk;
    pb = sea__malloc_array(nbuf * n_slabs, sizeof *pb);
    pa = sea__malloc_array(abuf * n_slabs, sizeof *pa);
    if (!pb || !pa) {
        sea__free(pb);
        sea__free(pa);
        return sea__err_nomem(err, "dgemm panels");
    }
    {
        long ns = (long)n_slabs;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (ns > 1)
#endif
        for (long t = 0; t < ns; t++) {
            size_t lo = (size_t)t * slab;
            double *mya = pa + abuf * (size_t)t, *myb = pb + nbuf * (size_t)t;
            if (split_rows) {
                size_t rows = SEA_MIN(slab, m - lo);
                gemm_serial(kern, trans_a, trans_b, rows, n, k, alpha,
                            trans_a ? a + lo * lda : a + lo, lda, b, ldb, c + lo, ldc, mc_blk, mya, myb);
            } else {
                size_t cols = SEA_MIN(slab, n - lo);
                gemm_serial(kern, trans_a, trans_b, m, cols, k, alpha, a, lda,
                            trans_b ? b + lo : b + lo * ldb, ldb, c + lo * ldc, ldc, mc_blk, mya, myb);
            }
        }
    }
    sea__free(pb);
    sea__free(pa);
    return SEA_OK;
}

sea_status sea_dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                     const double *a, size_t lda, const double *b, size_t ldb, double beta,
                     double *c, size_t ldc, int n_threads, sea_err *err)
{
    return sea__dgemm_with(sea__dgemm_pick(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                           beta, c, ldc, n_threads, err);
}

double sea_dnorm1(const double *a, size_t lda, size_t m, size_t n)
{
    double best = 0;
    for (size_t j = 0; j < n; j++) {
        double s = 0;
        for (size_t i = 0; i < m; i++) s += fabs(a[i + j * lda]);
        if (s > best || s != s) best = s;
    }
    return best;
}

double sea_dnormf(const double *a, size_t lda, size_t m, size_t n)
{
    /* LAPACK dlassq-style: scale = max |a| seen so far, ssq = Σ (a/scale)² */
    double scale = 0, ssq = 1;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++) {
            double x = fabs(a[i + j * lda]);
            if (x != x) return x;
            if (x == 0) continue;
            if (scale < x) {
                ssq = 1 + ssq * (scale / x) * (scale / x);
                scale = x;
            } else {
                ssq += (x / scale) * (x / scale);
            }
        }
    return scale * sqrt(ssq);
}
