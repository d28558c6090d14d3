/* src/kernels/matmul.h: the products of the forward pass: f32 activations times f32, f16 or
 * bf16 weights stored as PyTorch Linear weights ([n_out, n_in], row-major), plus the small
 * vector helpers of attention. Each has a scalar reference (the test oracle) and SIMD versions
 * chosen once at run time (kernels/cpu.h). Kernels take a [r0, r1) range of output rows; the
 * drivers split rows over threads, so every output is computed by one thread in a fixed order
 * and results do not depend on the thread count. */
#ifndef SEA_KERNELS_MATMUL_H
#define SEA_KERNELS_MATMUL_H

#include <stddef.h>

#include "config.h"
#include "sea/core.h"

/* A weight matrix in the checkpoint's storage type. */
typedef struct sea_mat {
    const void *data; /* [rows, cols] of dtype */
    sea_dtype dtype;  /* F32, F16 or BF16 */
    int rows, cols;
} sea_mat;

/* y[t, r] = dot(x[t, :], w[r, :]) for t in [0, T), r in [r0, r1).
 * x: [T, n_in] with row stride ldx; y: row stride ldy. */
typedef void (*sea_gemm_fn)(float *y, size_t ldy, const float *x, size_t ldx, int T,
                            const void *w, int n_in, int r0, int r1);

typedef struct sea_kernels {
    sea_gemm_fn gemm[3]; /* by weight type: 0 F32, 1 F16, 2 BF16 */
    /* dot(a, b) over n floats (attention scores) */
    float (*dot_f32)(const float *a, const float *b, int n);
    /* y += a * x over n floats (attention-weighted values) */
    void (*axpy_f32)(float *y, float a, const float *x, int n);
} sea_kernels;

/* The kernel table of a SIMD family (scalar if that family is not compiled in). */
const sea_kernels *sea__kernels_for(int simd_level);
/* The kernel table chosen for this CPU. */
const sea_kernels *sea__kernels(void);

/* The test oracle: double accumulation in index order (slow; never used by the model). */
void sea__gemm_oracle(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,
                      sea_dtype dt, int n_in, int r0, int r1);

/* Portable kernels without intrinsics (always compiled; the --disable-simd path). */
extern const sea_kernels sea__kernels_scalar;
#if SEA_HAVE_AVX2
extern const sea_kernels sea__kernels_avx2;
#endif
#if SEA_HAVE_AVX512
extern const sea_kernels sea__kernels_avx512;
#endif
#if SEA_HAVE_NEON
extern const sea_kernels sea__kernels_neon;
#endif

/* Driver: y [T, w->rows] = x [T, w->cols] * w^T, rows split over n_threads. */
void sea__matmul(float *y, const float *x, int T, const sea_mat *w, int n_threads);
/* Several products of the same input x [T, cols] in one parallel region: ys[i] [T, ws[i]->rows]. */
void sea__matmul_multi(float *const *ys, const float *x, int T, const sea_mat *const *ws, int n, int n_threads);

/* Convert n weights of dtype to float (scalar; used for embeddings and norms). */
void sea__to_f32(float *dst, const void *src, sea_dtype dtype, size_t n);

#endif /* SEA_KERNELS_MATMUL_H */
