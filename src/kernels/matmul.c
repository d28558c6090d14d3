/* src/kernels/matmul.c: the scalar reference kernels, the run-time choice of kernel family,
 * and the threaded driver of the weight products. */
#include <string.h>

#include "core/internal.h"
#include "kernels/cpu.h"
#include "kernels/matmul.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static inline float load_w(const void *w, sea_dtype dt, size_t i)
{
    switch (dt) {
    case SEA_DTYPE_F16: return sea_f16_to_f32(((const uint16_t *)w)[i]);
    case SEA_DTYPE_BF16: return sea_bf16_to_f32(((const uint16_t *)w)[i]);
    default: return ((const float *)w)[i];
    }
}

/* Reference: each output accumulated in double, in index order. */
static void gemm_ref(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                     sea_dtype dt, int n_in, int r0, int r1)
{
    for (int r = r0; r < r1; r++) {
        size_t base = (size_t)r * (size_t)n_in;
        for (int t = 0; t < T; t++) {
            const float *xt = x + (size_t)t * ldx;
            double acc = 0;
            for (int k = 0; k < n_in; k++) acc += (double)xt[k] * (double)load_w(w, dt, base + (size_t)k);
            y[(size_t)t * ldy + (size_t)r] = (float)acc;
        }
    }
}

static void gemm_ref_f32(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                         int n_in, int r0, int r1)
{
    gemm_ref(y, ldy, x, ldx, T, w, SEA_DTYPE_F32, n_in, r0, r1);
}
static void gemm_ref_f16(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                         int n_in, int r0, int r1)
{
    gemm_ref(y, ldy, x, ldx, T, w, SEA_DTYPE_F16, n_in, r0, r1);
}
static void gemm_ref_bf16(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                          int n_in, int r0, int r1)
{
    gemm_ref(y, ldy, x, ldx, T, w, SEA_DTYPE_BF16, n_in, r0, r1);
}

static float dot_ref(const float *a, const float *b, int n)
{
    double acc = 0;
    for (int i = 0; i < n; i++) acc += (double)a[i] * (double)b[i];
    return (float)acc;
}

static void axpy_ref(float *y, float a, const float *x, int n)
{
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

const sea_kernels sea__kernels_scalar = {
    {gemm_ref_f32, gemm_ref_f16, gemm_ref_bf16}, dot_ref, axpy_ref};

const sea_kernels *sea__kernels_for(int level)
{
    switch (level) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512: return &sea__kernels_avx512;
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: return &sea__kernels_avx2;
#endif
#if SEA_HAVE_NEON
    case SEA_SIMD_NEON: return &sea__kernels_neon;
#endif
    default: return &sea__kernels_scalar;
    }
}

const sea_kernels *sea__kernels(void)
{
    return sea__kernels_for((int)sea__simd_level());
}

static int dtype_slot(sea_dtype dt)
{
    return dt == SEA_DTYPE_F16 ? 1 : dt == SEA_DTYPE_BF16 ? 2 : 0;
}

void sea__matmul(float *y, const float *x, int T, const sea_mat *w, int n_threads)
{
    sea_gemm_fn fn = sea__kernels()->gemm[dtype_slot(w->dtype)];
    int rows = w->rows;
    /* blocks of 16 rows keep every kernel tile whole; few rows or one thread: no team */
    int n_blocks = (rows + 15) / 16;
    if (n_threads < 1) n_threads = 1;
    if (n_threads > n_blocks) n_threads = n_blocks;
#ifdef _OPENMP
    if (n_threads > 1 && (size_t)rows * (size_t)w->cols * (size_t)T >= 32768) {
#pragma omp parallel num_threads(n_threads)
        {
            int ith = omp_get_thread_num(), nth = omp_get_num_threads();
            int b0 = (int)((long long)n_blocks * ith / nth), b1 = (int)((long long)n_blocks * (ith + 1) / nth);
            int r0 = b0 * 16, r1 = SEA_MIN(b1 * 16, rows);
            if (r0 < r1) fn(y, (size_t)rows, x, (size_t)w->cols, T, w->data, w->cols, r0, r1);
        }
        return;
    }
#endif
    fn(y, (size_t)rows, x, (size_t)w->cols, T, w->data, w->cols, 0, rows);
}

void sea__to_f32(float *dst, const void *src, sea_dtype dt, size_t n)
{
    if (dt == SEA_DTYPE_F32) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) dst[i] = load_w(src, dt, i);
}
