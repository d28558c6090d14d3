/* src/linalg/gemm_avx512.c: AVX-512 versions of the double kernels (compiled with -mavx512f
 * etc., called only when the CPU has them): the 16 x 12 gemm micro-kernel (24 zmm
 * accumulators), the dot product and the plane rotation used by the Jacobi SVD. */
#include <immintrin.h>

#include "linalg/linalg_internal.h"

void sea__dgemm_kernel_avx512(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha, int overwrite)
{
    __m512d c00 = _mm512_setzero_pd(), c10 = _mm512_setzero_pd();
    __m512d c01 = _mm512_setzero_pd(), c11 = _mm512_setzero_pd();
    __m512d c02 = _mm512_setzero_pd(), c12 = _mm512_setzero_pd();
    __m512d c03 = _mm512_setzero_pd(), c13 = _mm512_setzero_pd();
    __m512d c04 = _mm512_setzero_pd(), c14 = _mm512_setzero_pd();
    __m512d c05 = _mm512_setzero_pd(), c15 = _mm512_setzero_pd();
    __m512d c06 = _mm512_setzero_pd(), c16 = _mm512_setzero_pd();
    __m512d c07 = _mm512_setzero_pd(), c17 = _mm512_setzero_pd();
    __m512d c08 = _mm512_setzero_pd(), c18 = _mm512_setzero_pd();
    __m512d c09 = _mm512_setzero_pd(), c19 = _mm512_setzero_pd();
    __m512d c0a = _mm512_setzero_pd(), c1a = _mm512_setzero_pd();
    __m512d c0b = _mm512_setzero_pd(), c1b = _mm512_setzero_pd();
    __m512d va;
    /* the tile of C is needed only at the end: start fetching it now (12 columns, 2 lines each) */
    for (int j = 0; j < 12; j++) {
        _mm_prefetch((const char *)(c + (size_t)j * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + (size_t)j * ldc + 8), _MM_HINT_T0);
    }
    for (size_t p = 0; p < kc; p++) {
        __m512d a0 = _mm512_loadu_pd(a), a1 = _mm512_loadu_pd(a + 8), bj;
#define SEA__STEP(J, C0, C1)                 \
    bj = _mm512_set1_pd(b[J]);               \
    C0 = _mm512_fmadd_pd(a0, bj, C0);        \
    C1 = _mm512_fmadd_pd(a1, bj, C1);
        SEA__STEP(0, c00, c10)
        SEA__STEP(1, c01, c11)
        SEA__STEP(2, c02, c12)
        SEA__STEP(3, c03, c13)
        SEA__STEP(4, c04, c14)
        SEA__STEP(5, c05, c15)
        SEA__STEP(6, c06, c16)
        SEA__STEP(7, c07, c17)
        SEA__STEP(8, c08, c18)
        SEA__STEP(9, c09, c19)
        SEA__STEP(10, c0a, c1a)
        SEA__STEP(11, c0b, c1b)
#undef SEA__STEP
        a += 16;
        b += 12;
    }
    va = _mm512_set1_pd(alpha);
    if (overwrite) {
#define SEA__STORE(J, C0, C1)                                                          \
    _mm512_storeu_pd(c + (size_t)(J)*ldc, _mm512_mul_pd(va, C0));                      \
    _mm512_storeu_pd(c + (size_t)(J)*ldc + 8, _mm512_mul_pd(va, C1));
        SEA__STORE(0, c00, c10)
        SEA__STORE(1, c01, c11)
        SEA__STORE(2, c02, c12)
        SEA__STORE(3, c03, c13)
        SEA__STORE(4, c04, c14)
        SEA__STORE(5, c05, c15)
        SEA__STORE(6, c06, c16)
        SEA__STORE(7, c07, c17)
        SEA__STORE(8, c08, c18)
        SEA__STORE(9, c09, c19)
        SEA__STORE(10, c0a, c1a)
        SEA__STORE(11, c0b, c1b)
#undef SEA__STORE
        return;
    }
#define SEA__STORE(J, C0, C1)                                                              \
    _mm512_storeu_pd(c + (size_t)(J)*ldc, _mm512_fmadd_pd(va, C0, _mm512_loadu_pd(c + (size_t)(J)*ldc))); \
    _mm512_storeu_pd(c + (size_t)(J)*ldc + 8,                                              \
                     _mm512_fmadd_pd(va, C1, _mm512_loadu_pd(c + (size_t)(J)*ldc + 8)));
    SEA__STORE(0, c00, c10)
    SEA__STORE(1, c01, c11)
    SEA__STORE(2, c02, c12)
    SEA__STORE(3, c03, c13)
    SEA__STORE(4, c04, c14)
    SEA__STORE(5, c05, c15)
    SEA__STORE(6, c06, c16)
    SEA__STORE(7, c07, c17)
    SEA__STORE(8, c08, c18)
    SEA__STORE(9, c09, c19)
    SEA__STORE(10, c0a, c1a)
    SEA__STORE(11, c0b, c1b)
#undef SEA__STORE
}

double sea__ddot_avx512(size_t n, const double *x, const double *y)
{
    __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
    __m512d s2 = _mm512_setzero_pd(), s3 = _mm512_setzero_pd();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i), s0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 8), _mm512_loadu_pd(y + i + 8), s1);
        s2 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 16), _mm512_loadu_pd(y + i + 16), s2);
        s3 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 24), _mm512_loadu_pd(y + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i), s0);
    if (i < n) {
        __mmask8 mk = (__mmask8)((1u << (n - i)) - 1u);
        s1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(mk, x + i), _mm512_maskz_loadu_pd(mk, y + i), s1);
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
}

void sea__drot_avx512(size_t n, double *x, double *y, double c, double s)
{
    __m512d vc = _mm512_set1_pd(c), vs = _mm512_set1_pd(s);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d xi = _mm512_loadu_pd(x + i), yi = _mm512_loadu_pd(y + i);
        _mm512_storeu_pd(x + i, _mm512_fmsub_pd(vc, xi, _mm512_mul_pd(vs, yi)));
        _mm512_storeu_pd(y + i, _mm512_fmadd_pd(vs, xi, _mm512_mul_pd(vc, yi)));
    }
    for (; i < n; i++) {
        double xi = x[i], yi = y[i];
        x[i] = c * xi - s * yi;
        y[i] = s * xi + c * yi;
    }
}

void sea__daxpy_avx512(size_t n, double alpha, const double *x, double *y)
{
    __m512d va = _mm512_set1_pd(alpha);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm512_storeu_pd(y + i, _mm512_fmadd_pd(va, _mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i)));
    for (; i < n; i++) y[i] += alpha * x[i];
}

void sea__f2d_avx512(size_t n, const float *x, double *y)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm512_storeu_pd(y + i, _mm512_cvtps_pd(_mm256_loadu_ps(x + i)));
        _mm512_storeu_pd(y + i + 8, _mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8)));
    }
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _mm512_cvtps_pd(_mm256_loadu_ps(x + i)));
    if (i < n) {
        __mmask8 mk = (__mmask8)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_pd(y + i, mk, _mm512_cvtps_pd(_mm256_maskz_loadu_ps(mk, x + i)));
    }
}

