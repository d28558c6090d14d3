/* src/linalg/symv_avx2.c: AVX2 version of the fused four-column kernel of the symmetric
 * matrix-vector product (syev.c has the scalar reference and the contract). */
#include <immintrin.h>

#include "linalg/linalg_internal.h"

static double hsum(__m256d v)
{
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

void sea__dsymv4_avx2(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y, double *dots)
{
    const double *c0 = a, *c1 = a + lda, *c2 = a + 2 * lda, *c3 = a + 3 * lda;
    __m256d x0 = _mm256_set1_pd(xs[0]), x1 = _mm256_set1_pd(xs[1]), x2 = _mm256_set1_pd(xs[2]),
            x3 = _mm256_set1_pd(xs[3]);
    __m256d d0 = _mm256_setzero_pd(), d1 = _mm256_setzero_pd(), d2 = _mm256_setzero_pd(), d3 = _mm256_setzero_pd();
    double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d v0 = _mm256_loadu_pd(c0 + i), v1 = _mm256_loadu_pd(c1 + i), v2 = _mm256_loadu_pd(c2 + i),
                v3 = _mm256_loadu_pd(c3 + i), xv = _mm256_loadu_pd(x + i), yv = _mm256_loadu_pd(y + i);
        yv = _mm256_fmadd_pd(x0, v0, yv);
        yv = _mm256_fmadd_pd(x1, v1, yv);
        yv = _mm256_fmadd_pd(x2, v2, yv);
        yv = _mm256_fmadd_pd(x3, v3, yv);
        _mm256_storeu_pd(y + i, yv);
        d0 = _mm256_fmadd_pd(v0, xv, d0);
        d1 = _mm256_fmadd_pd(v1, xv, d1);
        d2 = _mm256_fmadd_pd(v2, xv, d2);
        d3 = _mm256_fmadd_pd(v3, xv, d3);
    }
    for (; i < n; i++) {
        y[i] += xs[0] * c0[i] + xs[1] * c1[i] + xs[2] * c2[i] + xs[3] * c3[i];
        t0 += c0[i] * x[i];
        t1 += c1[i] * x[i];
        t2 += c2[i] * x[i];
        t3 += c3[i] * x[i];
    }
    dots[0] += hsum(d0) + t0;
    dots[1] += hsum(d1) + t1;
    dots[2] += hsum(d2) + t2;
    dots[3] += hsum(d3) + t3;
}
