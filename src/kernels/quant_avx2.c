/* src/kernels/quant_avx2.c: AVX2 dots of block-quantized weights with quantized activations
 * (kernels/quant.h; the scalar reference is in quant.c). Integer products of 32 bytes at a
 * time through vpmaddubsw (unsigned x signed bytes to pairs of int16) and vpmaddwd (to int32);
 * one float multiply-add per block; the lanes are added once per row. */
#include <immintrin.h>
#include <stdint.h>

#include "core/internal.h"
#include "kernels/quant.h"

static inline float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline float h2f(uint16_t h) { return _cvtsh_ss(h); }

/* sum over pairs of a[i] * b[i] for signed bytes a, b (|a| <= 127 or b's sign taken from a):
 * the sign of a moves onto b so that vpmaddubsw can take |a| as its unsigned operand. */
static inline __m256i dot_s8(__m256i a, __m256i b)
{
    __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

static float dot_q8_0(const void *w, const void *xq, int nb)
{
    const sea_bq8_0 *a = w, *x = xq;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        __m256i s = dot_s8(_mm256_loadu_si256((const __m256i *)a[b].qs), _mm256_loadu_si256((const __m256i *)x[b].qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(a[b].d) * h2f(x[b].d)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum8(acc);
}

/* 16 bytes of nibbles to 32 bytes: low nibbles (values 0..15) then high nibbles (16..31) */
static inline __m256i nibbles32(const uint8_t *q)
{
    __m128i v = _mm_loadu_si128((const __m128i *)q);
    __m256i both = _mm256_set_m128i(_mm_srli_epi16(v, 4), v);
    return _mm256_and_si256(both, _mm256_set1_epi8(15));
}

static float dot_q4_0(const void *w, const void *xq, int nb)
{
    const sea_bq4_0 *a = w;
    const sea_bq8_0 *x = xq;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
        __m256i q = _mm256_sub_epi8(nibbles32(a[b].qs), _mm256_set1_epi8(8));
        __m256i s = dot_s8(q, _mm256_loadu_si256((const __m256i *)x[b].qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(a[b].d) * h2f(x[b].d)), _mm256_cvtepi32_ps(s), acc);
    }
    return hsum8(acc);
}

static float dot_q4_k(const void *w, const void *xq, int nb)
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
            __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(x[b].qs + 64 * c)));
            __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(x[b].qs + 64 * c + 32)));
            p0 = _mm256_madd_epi16(p0, _mm256_set1_epi16((short)sc[2 * c]));
            p1 = _mm256_madd_epi16(p1, _mm256_set1_epi16((short)sc[2 * c + 1]));
            si = _mm256_add_epi32(si, _mm256_add_epi32(p0, p1));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * h2f(a[b].d)), _mm256_cvtepi32_ps(si), acc);
        mins += x[b].d * h2f(a[b].dmin) * (float)summ;
    }
    return hsum8(acc) - mins;
}

static float dot_q6_k(const void *w, const void *xq, int nb)
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
                __m256i p = _mm256_maddubs_epi16(q[k], _mm256_loadu_si256((const __m256i *)(xs + 32 * k)));
                __m256i s = _mm256_set_m128i(_mm_set1_epi16(sc[2 * k + 1]), _mm_set1_epi16(sc[2 * k]));
                si = _mm256_add_epi32(si, _mm256_madd_epi16(p, s));
            }
        }
        si = _mm256_sub_epi32(si, _mm256_setr_epi32(32 * off, 0, 0, 0, 0, 0, 0, 0));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(x[b].d * h2f(a[b].d)), _mm256_cvtepi32_ps(si), acc);
    }
    return hsum8(acc);
}

const sea_qkernels sea__qkernels_avx2 = {"avx2", {dot_q8_0, dot_q4_0, dot_q4_k, dot_q6_k}};
