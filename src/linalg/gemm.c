/* src/linalg/gemm.c: double-precision matrix multiply C = alpha·op(A)·op(B) + beta·C, the one
 * level-3 kernel the QR, the SVDs and the fit spend their time in.
 *
 * Classic GotoBLAS/BLIS blocking: op(B) is packed kc x nc into column micro-panels of width nr,
 * op(A) mc x kc into row micro-panels of height mr, and a register micro-kernel (scalar here;
 * AVX2 and AVX-512 in gemm_avx2.c / gemm_avx512.c) computes each mr x nr tile. Packing reads A
 * and B in either orientation and in double or float (the activations are used in place and
 * converted exactly while packed), so transposes and conversions cost no extra pass. A left
 * operand used many times can be packed once (sea__apack). OpenMP splits C into slabs (each C
 * element is summed by one thread in a fixed order: the result does not depend on the thread
 * count). Also here: the dot/rotation dispatch and small checks. The symmetric
 * rank-k update is in syrk.c and shares the packing and tile code through gemm_blocks.h. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/cpu.h"
#include "linalg/gemm_blocks.h"

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
                              double alpha, int overwrite)
{
    double acc[4][4] = {{0}};
    for (size_t p = 0; p < kc; p++) {
        const double *ap = a + p * 4, *bp = b + p * 4;
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++) acc[j][i] += ap[i] * bp[j];
    }
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 4; i++) {
            double *cij = c + i + (size_t)j * ldc;
            *cij = overwrite ? alpha * acc[j][i] : *cij + alpha * acc[j][i];
        }
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

void sea__f2d(size_t n, const float *x, double *y)
{
    switch (sea__simd_level()) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: sea__f2d_avx512(n, x, y); return;
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: sea__f2d_avx2(n, x, y); return;
#endif
    default:
        for (size_t i = 0; i < n; i++) y[i] = (double)x[i];
        return;
    }
}

/* ---- operands ---- */
sea__mat sea__mat_d(const double *p, size_t ld, int trans)
{
    sea__mat m;
    m.p = p;
    m.ld = ld;
    m.trans = trans;
    m.f32 = 0;
    return m;
}

sea__mat sea__mat_f(const float *p, size_t ld, int trans)
{
    sea__mat m;
    m.p = p;
    m.ld = ld;
    m.trans = trans;
    m.f32 = 1;
    return m;
}

/* ---- packing ----
 * Every loop reads its source contiguously (down a stored column) and writes into the
 * micro-panels, which are small enough to stay in L1. A float run is first converted into a
 * small buffer by the SIMD conversion (a scalar float-to-double loop is latency-bound: each
 * conversion merges into the previous register), then placed like a double one. */
#define SEA__RUN 480 /* conversion buffer (a multiple of every mr and nr): longer runs go in pieces */

/* src[0 : n] as doubles: src itself for a double run, else converted into buf */
static const double *run_d(const void *x, int f32, size_t off, size_t n, double *buf)
{
    if (!f32) return (const double *)x + off;
    sea__f2d(n, (const float *)x + off, buf);
    return buf;
}

/* The packing of a k-block reads short runs (kc elements) from many columns: fetch the run a
 * few columns ahead so the misses overlap (a prefetch never faults, even past the end). */
#define SEA__AHEAD 4
static void prefetch_run(const void *x, int f32, size_t off, size_t n)
{
#if defined(__GNUC__)
    const char *p = (const char *)x + off * (f32 ? sizeof(float) : sizeof(double));
    size_t bytes = n * (f32 ? sizeof(float) : sizeof(double));
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
#else
    (void)x;
    (void)f32;
    (void)off;
    (void)n;
#endif
}

static void pack_a_any(double *dst, const sea__mat *a, size_t i0, size_t p0, size_t mc, size_t kc, size_t mr)
{
    double buf[SEA__RUN];
    size_t ld = a->ld;
    if (!a->trans) {
        /* op(A)(i, p) = x[i + p·ld]: column p of the block is contiguous */
        for (size_t p = 0; p < kc; p++)
            for (size_t r0 = 0; r0 < mc; r0 += SEA__RUN) {
                size_t len = SEA_MIN((size_t)SEA__RUN, mc - r0);
                const double *src = run_d(a->p, a->f32, i0 + r0 + (p0 + p) * ld, len, buf);
                for (size_t ib = 0; ib < len; ib += mr) {
                    size_t h = SEA_MIN(mr, len - ib), i = 0;
                    double *d = dst + (r0 + ib) * kc + p * mr;
                    for (; i < h; i++) d[i] = src[ib + i];
                    for (; i < mr; i++) d[i] = 0.0;
                }
            }
    } else {
        /* op(A)(i, p) = x[p + i·ld]: row i of op(A) is contiguous */
        for (size_t ib = 0; ib < mc; ib += mr) {
            size_t h = SEA_MIN(mr, mc - ib);
            double *d = dst + ib * kc;
            for (size_t i = 0; i < h; i++) {
                prefetch_run(a->p, a->f32, p0 + (i0 + ib + i + SEA__AHEAD) * ld, kc);
                for (size_t q0 = 0; q0 < kc; q0 += SEA__RUN) {
                    size_t len = SEA_MIN((size_t)SEA__RUN, kc - q0);
                    const double *src = run_d(a->p, a->f32, p0 + q0 + (i0 + ib + i) * ld, len, buf);
                    for (size_t p = 0; p < len; p++) d[(q0 + p) * mr + i] = src[p];
                }
            }
            for (size_t i = h; i < mr; i++)
                for (size_t p = 0; p < kc; p++) d[p * mr + i] = 0.0;
        }
    }
}

void sea__pack_a(double *dst, const sea__mat *a, size_t i0, size_t p0, size_t mc, size_t kc, size_t mr)
{
    pack_a_any(dst, a, i0, p0, mc, kc, mr);
}

/* Column panels of op(B) are the row panels of op(B)ᵀ, in the same layout (panel jb at
 * dst + jb·kc, element (p, j) at p·nr + j): pack the transposed view as a left operand. */
void sea__pack_b(double *dst, const sea__mat *b, size_t p0, size_t j0, size_t kc, size_t nc, size_t nr)
{
    sea__mat bt = *b;
    bt.trans = !b->trans;
    pack_a_any(dst, &bt, j0, p0, nc, kc, nr);
}

/* ---- packed left operands ---- */
sea_status sea__apack_alloc(sea__apack *pk, const sea__dgemm_kernel *kern, size_t m, size_t k, sea_err *err)
{
    size_t mr = kern->mr, n_el;
    memset(pk, 0, sizeof *pk);
    pk->kern = kern;
    pk->m = m;
    pk->k = k;
    pk->m_pad = ((m + mr - 1) / mr) * mr;
    if (sea__mul_size(&n_el, pk->m_pad, k ? k : 1)) return sea__err(err, SEA_ERR_LIMIT, "packed matrix too large");
    pk->p = sea__work_alloc(n_el, sizeof *pk->p);
    if (!pk->p) return sea__err_nomem(err, "packed matrix");
    /* the padding rows of the last panel of every block are read by the kernels: zero them */
    if (pk->m_pad > m)
        for (size_t p0 = 0; p0 < k; p0 += SEA__KC) {
            size_t kcb = SEA_MIN((size_t)SEA__KC, k - p0);
            double *panel = pk->p + p0 * pk->m_pad + (m / mr) * kcb * mr;
            for (size_t p = 0; p < kcb; p++)
                for (size_t i = m % mr; i < mr; i++) panel[p * mr + i] = 0.0;
        }
    return SEA_OK;
}

void sea__apack_free(sea__apack *pk)
{
    if (!pk) return;
    sea__work_free(pk->p);
    pk->p = NULL;
}

void sea__apack_fill(sea__apack *pk, const sea__mat *a)
{
    for (size_t p0 = 0; p0 < pk->k; p0 += SEA__KC) {
        size_t kcb = SEA_MIN((size_t)SEA__KC, pk->k - p0);
        sea__pack_a(pk->p + p0 * pk->m_pad, a, 0, p0, pk->m, kcb, pk->kern->mr);
    }
}

double *sea__apack_at(const sea__apack *pk, size_t i, size_t p)
{
    size_t mr = pk->kern->mr, p0 = (p / SEA__KC) * SEA__KC, kcb = SEA_MIN((size_t)SEA__KC, pk->k - p0);
    return pk->p + p0 * pk->m_pad + (i / mr) * kcb * mr + (p - p0) * mr + i % mr;
}

double sea__apack_dot(const sea__apack *a, const sea__apack *b, int n_threads)
{
    /* the same layout, padding zero in both: the sum over all stored elements, in blocks whose
     * partial sums are added in block order (the same result for any thread count) */
    enum { BLK = 1 << 16, MAXB = 4096 };
    size_t n = a->m_pad * a->k, nb = (n + BLK - 1) / BLK;
    double part[MAXB], total = 0;
    int nt = sea__threads(n_threads);
    long nbl;
    if (nb > MAXB) nb = MAXB; /* longer arrays: the last block takes the rest */
    nbl = (long)nb;
    (void)nt;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && nbl > 1)
#endif
    for (long t = 0; t < nbl; t++) {
        size_t lo = (size_t)t * BLK, hi = t + 1 == nbl ? n : lo + BLK, i = lo;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i + 4 <= hi; i += 4) {
            s0 += a->p[i] * b->p[i];
            s1 += a->p[i + 1] * b->p[i + 1];
            s2 += a->p[i + 2] * b->p[i + 2];
            s3 += a->p[i + 3] * b->p[i + 3];
        }
        for (; i < hi; i++) s0 += a->p[i] * b->p[i];
        part[t] = (s0 + s1) + (s2 + s3);
    }
    for (size_t t = 0; t < nb; t++) total += part[t];
    return total;
}

double sea__apack_get(const sea__apack *pk, size_t i, size_t j)
{
    return *sea__apack_at(pk, i, j);
}

/* ---- tiles ---- */
void sea__tiles(const sea__dgemm_kernel *kern, const double *pa, const double *pb, size_t mc, size_t nc, size_t kc,
                double alpha, int overwrite, const sea__cout *c, size_t i0, size_t j0, int upper)
{
    size_t mr = kern->mr, nr = kern->nr;
    double tile[16 * 16];
    for (size_t jr = 0; jr < nc; jr += nr) {
        size_t w = SEA_MIN(nr, nc - jr), j = j0 + jr;
        for (size_t ir = 0; ir < mc; ir += mr) {
            size_t h = SEA_MIN(mr, mc - ir), i = i0 + ir, ld;
            int tri;
            double *cij;
            /* upper: a tile whose every row is below its every column holds no wanted element */
            if (upper && i > j + w - 1) break;
            if (c->packed) {
                /* rows of the packed layout are padded: only a column edge is an edge */
                const sea__apack *pk = c->packed;
                size_t p0 = (j / SEA__KC) * SEA__KC, kcb = SEA_MIN((size_t)SEA__KC, pk->k - p0);
                cij = pk->p + p0 * pk->m_pad + (i / mr) * kcb * mr + (j - p0) * mr;
                ld = mr;
                h = mr;
            } else {
                cij = c->c + i + j * c->ldc;
                ld = c->ldc;
            }
            /* a column-major triangle leaves the strict lower part untouched: a tile across
             * the diagonal goes through the copy too */
            tri = upper && !c->packed && i + h - 1 > j;
            if (h == mr && w == nr && !tri) {
                kern->fn(kc, pa + ir * kc, pb + jr * kc, cij, ld, alpha, overwrite);
            } else {
                /* edge: the same kernel on a copy, so every element gets the same arithmetic */
                if (!overwrite)
                    for (size_t jj = 0; jj < nr; jj++)
                        for (size_t ii = 0; ii < mr; ii++) tile[ii + jj * mr] = (ii < h && jj < w) ? cij[ii + jj * ld] : 0.0;
                kern->fn(kc, pa + ir * kc, pb + jr * kc, tile, mr, alpha, overwrite);
                for (size_t jj = 0; jj < w; jj++)
                    for (size_t ii = 0; ii < h && (!tri || i + ii <= j + jj); ii++) cij[ii + jj * ld] = tile[ii + jj * mr];
            }
        }
    }
}

/* Rows of A packed at a time. A thin product (n <= 128) reads A once whatever the blocking,
 * and packing it in long column runs (up to SEA__MC_THIN rows) beats keeping the block in L2:
 * the short runs of a 192-row block down thousands of columns were latency-bound (a
 * 4096 x 76 x 2000 product with float A took 23 ms, 3x its arithmetic). A multiple of 48. */
#define SEA__MC_THIN 1920
static size_t mc_block(size_t m, size_t n, int prepacked)
{
    (void)m;
    if (!prepacked && n <= 128) return SEA__MC_THIN;
    return SEA__MC;
}

/* Serial blocked product of one slab: C[0:m, 0:n] (+)= alpha·op(A)[ai0 + (0:m), :]·
 * op(B)[:, bj0 + (0:n)], C addressed from (ci0, cj0). pa and pb are this caller's buffers. */
static void gemm_serial(const sea__dgemm_kernel *kern, size_t m, size_t n, size_t k, double alpha, const sea__mat *a,
                        const sea__apack *ap, size_t ai0, const sea__mat *b, size_t bj0, int overwrite,
                        const sea__cout *c, size_t ci0, size_t cj0, double *pa, double *pb)
{
    size_t mr = kern->mr, nr = kern->nr, mcb = mc_block(m, n, ap != NULL);
    for (size_t jc = 0; jc < n; jc += SEA__NC) {
        size_t nc = SEA_MIN((size_t)SEA__NC, n - jc);
        for (size_t pc = 0; pc < k; pc += SEA__KC) {
            size_t kc = SEA_MIN((size_t)SEA__KC, k - pc);
            sea__pack_b(pb, b, pc, bj0 + jc, kc, nc, nr);
            for (size_t ic = 0; ic < m; ic += mcb) {
                size_t mc = SEA_MIN(mcb, m - ic);
                const double *blk;
                if (ap) {
                    blk = ap->p + pc * ap->m_pad + (ai0 + ic) * kc; /* ai0 + ic is a multiple of mr */
                } else {
                    sea__pack_a(pa, a, ai0 + ic, pc, mc, kc, mr);
                    blk = pa;
                }
                sea__tiles(kern, blk, pb, mc, nc, kc, alpha, overwrite && pc == 0, c, ci0 + ic, cj0 + jc, 0);
            }
        }
    }
}

sea_status sea__gemm(const sea__dgemm_kernel *kern, size_t m, size_t n, size_t k, double alpha, const sea__mat *a,
                     const sea__apack *ap, const sea__mat *b, double beta, double *c, size_t ldc, int n_threads,
                     sea_err *err)
{
    size_t mr, nr, slab, n_slabs, nbuf, abuf;
    int nt = sea__threads(n_threads), split_rows, overwrite = 0;
    double *pb, *pa;
    sea__cout cout;
    if (ap) {
        kern = ap->kern;
        m = ap->m;
        k = ap->k;
    }
    mr = kern->mr;
    nr = kern->nr;
    if (m == 0 || n == 0) return SEA_OK;
    if (ldc < m) return sea__err(err, SEA_ERR_ARG, "dgemm: leading dimension too small");
    if (k == 0 || alpha == 0.0) {
        /* C = beta·C only */
        for (size_t j = 0; j < n; j++) {
            double *cj = c + j * ldc;
            if (beta == 0.0)
                memset(cj, 0, m * sizeof *cj);
            else if (beta != 1.0)
                for (size_t i = 0; i < m; i++) cj[i] *= beta;
        }
        return SEA_OK;
    }
    if (beta == 0.0) {
        overwrite = 1; /* the first k-block stores instead of adding: C is never read */
    } else if (beta != 1.0) {
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < m; i++) c[i + j * ldc] *= beta;
    }
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
    nbuf = (size_t)SEA__KC * (((SEA_MIN((size_t)SEA__NC, split_rows ? n : slab) + nr - 1) / nr) * nr);
    abuf = ap ? 1 : (size_t)SEA__KC * ((SEA_MIN(mc_block(m, n, 0), split_rows ? slab : m) + mr - 1) / mr) * mr;
    pb = sea__work_alloc(nbuf * n_slabs, sizeof *pb);
    pa = sea__work_alloc(abuf * n_slabs, sizeof *pa);
    if (!pb || !pa) {
        sea__work_free(pb);
        sea__work_free(pa);
        return sea__err_nomem(err, "dgemm panels");
    }
    cout.c = c;
    cout.ldc = ldc;
    cout.packed = NULL;
    {
        long ns = (long)n_slabs;
        (void)ns;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static, 1) if (ns > 1)
#endif
        for (long t = 0; t < (long)n_slabs; t++) {
            size_t lo = (size_t)t * slab;
            double *mya = pa + abuf * (size_t)t, *myb = pb + nbuf * (size_t)t;
            if (split_rows)
                gemm_serial(kern, SEA_MIN(slab, m - lo), n, k, alpha, a, ap, lo, b, 0, overwrite, &cout, lo, 0, mya, myb);
            else
                gemm_serial(kern, m, SEA_MIN(slab, n - lo), k, alpha, a, ap, 0, b, lo, overwrite, &cout, 0, lo, mya, myb);
        }
    }
    sea__work_free(pb);
    sea__work_free(pa);
    return SEA_OK;
}

sea_status sea__dgemm_with(const sea__dgemm_kernel *kern, int trans_a, int trans_b, size_t m,
                           size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc,
                           int n_threads, sea_err *err)
{
    sea__mat am = sea__mat_d(a, lda, trans_a), bm = sea__mat_d(b, ldb, trans_b);
    if (m == 0 || n == 0) return SEA_OK;
    if (ldc < m || lda < (trans_a ? k : m) || ldb < (trans_b ? n : k) || lda == 0 || ldb == 0)
        return sea__err(err, SEA_ERR_ARG, "dgemm: leading dimension too small");
    return sea__gemm(kern, m, n, k, alpha, &am, NULL, &bm, beta, c, ldc, n_threads, err);
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
