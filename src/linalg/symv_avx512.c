/* src/linalg/symv_avx512.c: AVX-512 version of the fused four-column kernel of the symmetric
 * matrix-vector product (syev.c has the scalar reference and the contract). */
#include <immintrin.h>

#include "linalg/linalg_internal.h"

void sea__dsymv4_avx512(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y,
                        double *dots)
{
    const double *c0 = a, *c1 = a + lda, *c2 = a + 2 * lda, *c3 = a + 3 * lda;
    __m512d x0 = _mm512_set1_pd(xs[0]), x1 = _mm512_set1_pd(xs[1]), x2 = _mm512_set1_pd(xs[2]),
            x3 = _mm512_set1_pd(xs[3]);
    __m512d d0 = _mm512_setzero_pd(), d1 = _mm512_setzero_pd(), d2 = _mm512_setzero_pd(), d3 = _mm512_setzero_pd();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d v0 = _mm512_loadu_pd(c0 + i), v1 = _mm512_loadu_pd(c1 + i), v2 = _mm512_loadu_pd(c2 + i),
                v3 = _mm512_loadu_pd(c3 + i), xv = _mm512_loadu_pd(x + i), yv = _mm512_loadu_pd(y + i);
        yv = _mm512_fmadd_pd(x0, v0, yv);
        yv = _mm512_fmadd_pd(x1, v1, yv);
        yv = _mm512_fmadd_pd(x2, v2, yv);
        yv = _mm512_fmadd_pd(x3, v3, yv);
        _mm512_storeu_pd(y + i, yv);
        d0 = _mm512_fmadd_pd(v0, xv, d0);
        d1 = _mm512_fmadd_pd(v1, xv, d1);
        d2 = _mm512_fmadd_pd(v2, xv, d2);
        d3 = _mm512_fmadd_pd(v3, xv, d3);
    }
    if (i < n) {
        __mmask8 mk = (__mmask8)((1u << (n - i)) - 1u);
        __m512d v0 = _mm512_maskz_loadu_pd(mk, c0 + i), v1 = _mm512_maskz_loadu_pd(mk, c1 + i),
                v2 = _mm512_maskz_loadu_pd(mk, c2 + i), v3 = _mm512_maskz_loadu_pd(mk, c3 + i),
                xv = _mm512_maskz_loadu_pd(mk, x + i), yv = _mm512_maskz_loadu_pd(mk, y + i);
        yv = _mm512_fmadd_pd(x0, v0, yv);
        yv = _mm512_fmadd_pd(x1, v1, yv);
        yv = _mm512_fmadd_pd(x2, v2, yv);
        yv = _mm512_fmadd_pd(x3, v3, yv);
        _mm512_mask_storeu_pd(y + i, mk, yv);
        d0 = _mm512_fmadd_pd(v0, xv, d0);
        d1 = _mm512_fmadd_pd(v1, xv, d1);
        d2 = _mm512_fmadd_pd(v2, xv, d2);
        d3 = _mm512_fmadd_pd(v3, xv, d3);
    }
    dots[0] += _mm512_reduce_add_pd(d0);
    dots[1] += _mm512_reduce_add_pd(d1);
    dots[2] += _mm512_reduce_add_pd(d2);
    dots[3] += _mm512_reduce_add_pd(d3);
}
