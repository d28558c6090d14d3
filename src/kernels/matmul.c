/* src/kernels/matmul.c: the scalar reference kernels, the run-time choice of kernel family,
 * and the threaded driver of the weight products. */
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/cpu.h"
#include "kernels/matmul.h"
#include "kernels/quant.h"

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

/* The oracle: each output accumulated in double, in index order. Tests compare every kernel
 * family (the portable one below included) against it. */
void sea__gemm_oracle(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
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

/* The portable kernel: 8 partial sums per output (lane j takes k = j mod 8), a tile of one
 * weight row x 4 tokens so each converted weight chunk is used 4 times, and a fixed tree to
 * add the lanes. Written so that compilers vectorize it with baseline instructions (SSE2,
 * NEON) without any intrinsics; the order of every sum is fixed, so results do not depend on
 * tiling or threads. */
#define LANES 8
#define TT 4

static inline float lanes_sum(const float a[LANES])
{
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/* Convert one full chunk of LANES weights (compile-time dtype after inlining). */
static inline void wload(float out[LANES], const void *w, sea_dtype dt, size_t i)
{
    if (dt == SEA_DTYPE_F32) {
        memcpy(out, (const float *)w + i, LANES * sizeof(float));
    } else if (dt == SEA_DTYPE_BF16) {
        const uint16_t *p = (const uint16_t *)w + i;
        uint32_t u[LANES];
        for (int j = 0; j < LANES; j++) u[j] = (uint32_t)p[j] << 16;
        memcpy(out, u, sizeof u);
    } else {
        const uint16_t *p = (const uint16_t *)w + i;
        for (int j = 0; j < LANES; j++) out[j] = sea_f16_to_f32(p[j]);
    }
}

static inline __attribute__((always_inline)) void gemm_portable(
    float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w, const sea_dtype dt,
    int n_in, int r0, int r1)
{
    const int nfull = n_in - n_in % LANES, nt_k = n_in % LANES;
    for (int r = r0; r < r1; r++) {
        size_t base = (size_t)r * (size_t)n_in;
        for (int t0 = 0; t0 < T; t0 += TT) {
            int nt = SEA_MIN(TT, T - t0);
            float acc[TT][LANES];
            memset(acc, 0, sizeof acc);
            for (int k = 0; k < nfull; k += LANES) {
                float wv[LANES];
                wload(wv, w, dt, base + (size_t)k);
                for (int t = 0; t < nt; t++) {
                    const float *xt = x + (size_t)(t0 + t) * ldx + (size_t)k;
                    for (int j = 0; j < LANES; j++) acc[t][j] += wv[j] * xt[j];
                }
            }
            if (nt_k) { /* the tail goes to the lanes its index maps to, as in full chunks */
                for (int t = 0; t < nt; t++) {
                    const float *xt = x + (size_t)(t0 + t) * ldx + (size_t)nfull;
                    for (int j = 0; j < nt_k; j++) acc[t][j] += load_w(w, dt, base + (size_t)nfull + (size_t)j) * xt[j];
                }
            }
            for (int t = 0; t < nt; t++) y[(size_t)(t0 + t) * ldy + (size_t)r] = lanes_sum(acc[t]);
        }
    }
}

static void gemm_portable_f32(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                              int n_in, int r0, int r1)
{
    gemm_portable(y, ldy, x, ldx, T, w, SEA_DTYPE_F32, n_in, r0, r1);
}
static void gemm_portable_f16(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                              int n_in, int r0, int r1)
{
    gemm_portable(y, ldy, x, ldx, T, w, SEA_DTYPE_F16, n_in, r0, r1);
}
static void gemm_portable_bf16(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                               int n_in, int r0, int r1)
{
    gemm_portable(y, ldy, x, ldx, T, w, SEA_DTYPE_BF16, n_in, r0, r1);
}

static float dot_ref(const float *a, const float *b, int n)
{
    float acc[LANES] = {0};
    int k = 0;
    for (; k + LANES <= n; k += LANES)
        for (int j = 0; j < LANES; j++) acc[j] += a[k + j] * b[k + j];
    for (int j = 0; k + j < n; j++) acc[j] += a[k + j] * b[k + j];
    return lanes_sum(acc);
}

static void axpy_ref(float *y, float a, const float *x, int n)
{
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

const sea_kernels sea__kernels_scalar = {
    {gemm_portable_f32, gemm_portable_f16, gemm_portable_bf16}, dot_ref, axpy_ref};

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

/* Rows of several products with the same input, in blocks of 16, split evenly over threads:
 * one fork/join for Q, K and V (or gate and up) instead of one each, and both threads stream
 * weights for longer between barriers. Each output is computed by one thread, in a fixed order. */
void sea__matmul_multi(float *const *ys, const float *x, int T, const sea_mat *const *ws, int n, int n_threads)
{
    int n_blocks = 0;
    size_t work = 0;
    for (int i = 0; i < n; i++)
        if (sea__qt_index(ws[i]->dtype) >= 0) { /* block-quantized weights: kernels/quant.c */
            sea__qmatmul_multi(ys, x, T, ws, n, n_threads);
            return;
        }
    for (int i = 0; i < n; i++) {
        n_blocks += (ws[i]->rows + 15) / 16;
        work += (size_t)ws[i]->rows * (size_t)ws[i]->cols * (size_t)T;
    }
    if (n_threads < 1) n_threads = 1;
    if (n_threads > n_blocks) n_threads = n_blocks;
#ifdef _OPENMP
    if (n_threads > 1 && work >= 32768) {
#pragma omp parallel num_threads(n_threads)
        {
            int ith = omp_get_thread_num(), nth = omp_get_num_threads();
            int b0 = (int)((long long)n_blocks * ith / nth), b1 = (int)((long long)n_blocks * (ith + 1) / nth);
            int base = 0;
            for (int i = 0; i < n && base < b1; i++) {
                int nb = (ws[i]->rows + 15) / 16, lo = SEA_MAX(b0, base) - base, hi = SEA_MIN(b1, base + nb) - base;
                if (lo < hi) {
                    sea_gemm_fn fn = sea__kernels()->gemm[dtype_slot(ws[i]->dtype)];
                    fn(ys[i], (size_t)ws[i]->rows, x, (size_t)ws[i]->cols, T, ws[i]->data, ws[i]->cols, lo * 16,
                       SEA_MIN(hi * 16, ws[i]->rows));
                }
                base += nb;
            }
        }
        return;
    }
#endif
    (void)work;
    for (int i = 0; i < n; i++) {
        sea_gemm_fn fn = sea__kernels()->gemm[dtype_slot(ws[i]->dtype)];
        fn(ys[i], (size_t)ws[i]->rows, x, (size_t)ws[i]->cols, T, ws[i]->data, ws[i]->cols, 0, ws[i]->rows);
    }
}

void sea__matmul(float *y, const float *x, int T, const sea_mat *w, int n_threads)
{
    sea__matmul_multi(&y, x, T, &w, 1, n_threads);
}

void sea__to_f32(float *dst, const void *src, sea_dtype dt, size_t n)
{
    if (dt == SEA_DTYPE_F32) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) dst[i] = load_w(src, dt, i);
}
