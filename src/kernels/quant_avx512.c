/* src/kernels/quant_avx512.c: AVX-512 + VNNI dots of block-quantized weights with quantized
 * activations (kernels/quant.h; the scalar reference is in quant.c). vpdpbusd multiplies
 * unsigned by signed bytes and adds groups of four straight into int32 lanes. Q8_0 and Q4_0
 * take two 32-value blocks per 512-bit register; the K types use the 256-bit form (AVX-512VL),
 * one sub-block pair at a time. Chosen only on CPUs with avx512vnni (quant.c); other AVX-512
 * CPUs use the AVX2 table. */
#include <immintrin.h>
#include <stdint.h>

#include "core/internal.h"
#include "kernels/quant.h"

#if defined(__GNUC__) || defined(__clang__)
#define VNNI __attribute__((target("avx512vnni")))
#else
#define VNNI
#endif

static inline float h2f(uint16_t h) { return _cvtsh_ss(h); }

static inline float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* two 32-byte rows 34 bytes apart in one register */
static inline __m512i load2(const int8_t *p0, const int8_t *p1)
{
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)p0)),
                              _mm256_loadu_si256((const __m256i *)p1), 1);
}

/* int32 sums of 4 products of signed bytes a, b: |a| unsigned, a's sign moved onto b */
static inline VNNI __m512i dot_s8_512(__m512i a, __m512i b)
{
    __mmask64 neg = _mm512_movepi8_mask(a);
    __m512i sb = _mm512_mask_sub_epi8(b, neg, _mm512_setzero_si512(), b);
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(a), sb);
}
static inline VNNI __m256i dot_s8_256(__m256i a, __m256i b)
{
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
}

static inline __m512 scale2(float d0, float d1)
{
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_set1_ps(d0)), _mm256_set1_ps(d1), 1);
}

static inline float hsum16(__m512 v)
{
    return hsum8(_mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1)));
}

static VNNI float dot_q8_0(const void *w, const void *xq, int nb)
{
    const sea_bq8_0 *a = w, *x = xq;
    __m512 acc = _mm512_setzero_ps();
    int b = 0;
    for (; b + 2 <= nb; b += 2) {
        __m512i s = dot_s8_512(load2(a[b].qs, a[b + 1].qs), load2(x[b].qs, x[b + 1].qs));
        acc = _mm512_fmadd_ps(scale2(h2f(a[b].d) * h2f(x[b].d), h2f(a[b + 1].d) * h2f(x[b + 1].d)),
                              _mm512_cvtepi32_ps(s), acc);
    }
    float r = hsum16(acc);
    if (b < nb) {
        __m256i s = dot_s8_256(_mm256_loadu_si256((const __m256i *)a[b].qs), _mm256_loadu_si256((const __m256i *)x[b].qs));
        r += hsum8(_mm256_mul_ps(_mm256_set1_ps(h2f(a[b].d) * h2f(x[b].d)), _mm256_cvtepi32_ps(s)));
    }
    return r;
}

static inline __m256i nibbles32(const uint8_t *q)
{
    __m128i v = _mm_loadu_si128((const __m128i *)q);
    __m256i both = _mm256_set_m128i(_mm_srli_epi16(v, 4), v);
    return _mm256_sub_epi8(_mm256_and_si256(both, _mm256_set1_epi8(15)), _mm256_set1_epi8(8));
}

static VNNI float dot_q4_0(const void *w, const void *xq, int nb)
{
    const sea_bq4_0 *a = w;
    const sea_bq8_0 *x = xq;
    __m512 acc = _mm512_setzero_ps();
    int b = 0;
    for (; b + 2 <= nb; b += 2) {
        __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(nibbles32(a[b].qs)), nibbles32(a[b + 1].qs), 1);
        __m512i s = dot_s8_512(q, load2(x[b].qs, x[b + 1].qs));
        acc = _mm512_fmadd_ps(scale2(h2f(a[b].d) * h2f(x[b].d), h2f(a[b + 1].d) * h2f(x[b + 1].d)),
                              _mm512_cvtepi32_ps(s), acc);
    }
    float r = hsum16(acc);
    if (b < nb) {
        __m256i s = dot_s8_256(nibbles32(a[b].qs), _mm256_loadu_si256((const __m256i *)x[b].qs));
        r += hsum8(_mm256_mul_ps(_mm256_set1_ps(h2f(a[b].d) * h2f(x[b].d)), _mm256_cvtepi32_ps(s)));
    }
    return r;
}

/* Q4_K: each 32-value sub-block's byte products summed by vpdpbusd, then scaled in int32 */
static VNNI float dot_q4_k(const void *w, const void *xq, int nb)
{
    const sea_bq4_k *a = w;
    const sea_bq8_k *x = xq;
    const __m256i m4 = _mm256_set1_epi8(15);
    __m256 acc = _mm256_setzero_ps();
    float mins = 0;
    for (int b = 0; b < nb; b++) {
        int sc[8], m[8], summ = 0;
        for (int j = 0; j < 8; j++) {
            sea__q4k_scale_min(j, a[b].scales, &sc[j], &m[j]);
            summ += m[j] * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
        }
        __m256i si = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(a[b].qs + 32 * c));
            __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            __m256i p0 = _mm256_dpbusd_epi32(_mm256_setzero_si256(), lo, _mm256_loadu_si256((const __m256i *)(x[b].qs + 64 * c)));
            __m256i p1 = _mm256_dpbusd_epi32(_mm256_setzero_si256(), hi, _mm256_loadu_si256((const __m256i *)(x[b].qs + 64 * c + 32)));
            si = _mm256_add_epi32(si, _mm256_mullo_epi32(p0, _mm256_set1_epi32(sc[2 * c])));
            si = _mm256_add_epi32(si, _mm256_mullo_epi32(p1, _mm256_set1_epi32(sc[2 * c + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * h2f(a[b].d)), _mm256_cvtepi32_ps(si), acc);
        mins += x[b].d * h2f(a[b].dmin) * (float)summ;
    }
    return hsum8(acc) - mins;
}

/* Q6_K: the 6-bit values (0..63) are the unsigned operand; the offset 32 comes off through
 * the activation block sums; lanes 0-3 and 4-7 hold sub-blocks of 16 with their own scales. */
static VNNI float dot_q6_k(const void *w, const void *xq, int nb)
{
    const sea_bq6_k *a = w;
    const sea_bq8_k *x = xq;
    const __m256i m4 = _mm256_set1_epi8(15), m2 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        int off = 0;
        for (int j = 0; j < 16; j++) off += a[b].scales[j] * x[b].bsums[j];
        __m256i si = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = a[b].ql + 64 * h;
            const int8_t *sc = a[b].scales + 8 * h, *xs = x[b].qs + 128 * h;
            __m256i qh = _mm256_loadu_si256((const __m256i *)(a[b].qh + 32 * h));
            __m256i l0 = _mm256_loadu_si256((const __m256i *)ql), l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m2), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m2), 4));
            for (int k = 0; k < 4; k++) {
                __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q[k], _mm256_loadu_si256((const __m256i *)(xs + 32 * k)));
                __m256i s = _mm256_set_m128i(_mm_set1_epi32(sc[2 * k + 1]), _mm_set1_epi32(sc[2 * k]));
                si = _mm256_add_epi32(si, _mm256_mullo_epi32(p, s));
            }
        }
        si = _mm256_sub_epi32(si, _mm256_setr_epi32(32 * off, 0, 0, 0, 0, 0, 0, 0));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * h2f(a[b].d)), _mm256_cvtepi32_ps(si), acc);
    }
    return hsum8(acc);
}

const sea_qkernels sea__qkernels_avx512vnni = {"avx512vnni", {dot_q8_0, dot_q4_0, dot_q4_k, dot_q6_k}};
