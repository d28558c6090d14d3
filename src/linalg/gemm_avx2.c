/* src/linalg/gemm_avx2.c: AVX2+FMA versions of the double kernels (compiled with -mavx2
 * -mfma, called only when the CPU has them): the 8 x 6 gemm micro-kernel (12 ymm
 * accumulators), the dot product and the plane rotation used by the Jacobi SVD. */
#include <immintrin.h>

#include "linalg/linalg_internal.h"

void sea__dgemm_kernel_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                            double alpha, int overwrite)
{
    __m256d c00 = _mm256_setzero_pd(), c10 = _mm256_setzero_pd();
    __m256d c01 = _mm256_setzero_pd(), c11 = _mm256_setzero_pd();
    __m256d c02 = _mm256_setzero_pd(), c12 = _mm256_setzero_pd();
    __m256d c03 = _mm256_setzero_pd(), c13 = _mm256_setzero_pd();
    __m256d c04 = _mm256_setzero_pd(), c14 = _mm256_setzero_pd();
    __m256d c05 = _mm256_setzero_pd(), c15 = _mm256_setzero_pd();
    __m256d va;
    for (size_t p = 0; p < kc; p++) {
        __m256d a0 = _mm256_loadu_pd(a), a1 = _mm256_loadu_pd(a + 4), bj;
#define SEA__STEP(J, C0, C1)                 \
    bj = _mm256_broadcast_sd(b + J);         \
    C0 = _mm256_fmadd_pd(a0, bj, C0);        \
    C1 = _mm256_fmadd_pd(a1, bj, C1);
        SEA__STEP(0, c00, c10)
        SEA__STEP(1, c01, c11)
        SEA__STEP(2, c02, c12)
        SEA__STEP(3, c03, c13)
        SEA__STEP(4, c04, c14)
        SEA__STEP(5, c05, c15)
#undef SEA__STEP
        a += 8;
        b += 6;
    }
    va = _mm256_set1_pd(alpha);
    if (overwrite) {
#define SEA__STORE(J, C0, C1)                                                          \
    _mm256_storeu_pd(c + (size_t)(J)*ldc, _mm256_mul_pd(va, C0));                      \
    _mm256_storeu_pd(c + (size_t)(J)*ldc + 4, _mm256_mul_pd(va, C1));
        SEA__STORE(0, c00, c10)
        SEA__STORE(1, c01, c11)
        SEA__STORE(2, c02, c12)
        SEA__STORE(3, c03, c13)
        SEA__STORE(4, c04, c14)
        SEA__STORE(5, c05, c15)
#undef SEA__STORE
        return;
    }
#define SEA__STORE(J, C0, C1)                                                              \
    _mm256_storeu_pd(c + (size_t)(J)*ldc, _mm256_fmadd_pd(va, C0, _mm256_loadu_pd(c + (size_t)(J)*ldc))); \
    _mm256_storeu_pd(c + (size_t)(J)*ldc + 4,                                              \
                     _mm256_fmadd_pd(va, C1, _mm256_loadu_pd(c + (size_t)(J)*ldc + 4)));
    SEA__STORE(0, c00, c10)
    SEA__STORE(1, c01, c11)
    SEA__STORE(2, c02, c12)
    SEA__STORE(3, c03, c13)
    SEA__STORE(4, c04, c14)
    SEA__STORE(5, c05, c15)
#undef SEA__STORE
}

double sea__ddot_avx2(size_t n, const double *x, const double *y)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    __m256d s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
    __m128d h;
    double r;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), s0);
        s1 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4), s1);
        s2 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 8), _mm256_loadu_pd(y + i + 8), s2);
        s3 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 12), _mm256_loadu_pd(y + i + 12), s3);
    }
    for (; i + 4 <= n; i += 4)
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), s0);
    s0 = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    h = _mm_add_pd(_mm256_castpd256_pd128(s0), _mm256_extractf128_pd(s0, 1));
    r = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; i < n; i++) r += x[i] * y[i];
    return r;
}

void sea__drot_avx2(size_t n, double *x, double *y, double c, double s)
{
    __m256d vc = _mm256_set1_pd(c), vs = _mm256_set1_pd(s);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d xi = _mm256_loadu_pd(x + i), yi = _mm256_loadu_pd(y + i);
        _mm256_storeu_pd(x + i, _mm256_fmsub_pd(vc, xi, _mm256_mul_pd(vs, yi)));
        _mm256_storeu_pd(y + i, _mm256_fmadd_pd(vs, xi, _mm256_mul_pd(vc, yi)));
    }
    for (; i < n; i++) {
        double xi = x[i], yi = y[i];
        x[i] = c * xi - s * yi;
        y[i] = s * xi + c * yi;
    }
}

void sea__daxpy_avx2(size_t n, double alpha, const double *x, double *y)
{
    __m256d va = _mm256_set1_pd(alpha);
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(y + i, _mm256_fmadd_pd(va, _mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i)));
    for (; i < n; i++) y[i] += alpha * x[i];
}

void sea__f2d_avx2(size_t n, const float *x, double *y)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_pd(y + i, _mm256_cvtps_pd(_mm_loadu_ps(x + i)));
        _mm256_storeu_pd(y + i + 4, _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4)));
    }
    for (; i < n; i++) y[i] = (double)x[i];
}
