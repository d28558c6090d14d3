/* src/kernels/quant_neon.c: NEON dots of block-quantized weights with quantized activations
 * (kernels/quant.h; the scalar reference is in quant.c). Products of 16 signed bytes go
 * through sdot where the compiler targets the dot-product extension, else through widening
 * multiplies and pairwise adds; each sub-block's integer sum is exact, so the result differs
 * from the scalar reference only in the order of the per-block float products. */
#include <arm_neon.h>
#include <stdint.h>

#include "core/internal.h"
#include "kernels/quant.h"

static inline int32x4_t dot16(int8x16_t a, int8x16_t b)
{
#if defined(__ARM_FEATURE_DOTPROD)
    return vdotq_s32(vdupq_n_s32(0), a, b);
#else
    int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    int16x8_t hi = vmull_s8(vget_high_s8(a), vget_high_s8(b));
    return vaddq_s32(vpaddlq_s16(lo), vpaddlq_s16(hi));
#endif
}

static inline float h2f(uint16_t h) { return sea_f16_to_f32(h); }

static float dot_q8_0(const void *w, const void *xq, int nb)
{
    const sea_bq8_0 *a = w, *x = xq;
    float32x4_t acc = vdupq_n_f32(0);
    for (int b = 0; b < nb; b++) {
        int32x4_t s = vaddq_s32(dot16(vld1q_s8(a[b].qs), vld1q_s8(x[b].qs)), dot16(vld1q_s8(a[b].qs + 16), vld1q_s8(x[b].qs + 16)));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(s), h2f(a[b].d) * h2f(x[b].d));
    }
    return vaddvq_f32(acc);
}

static float dot_q4_0(const void *w, const void *xq, int nb)
{
    const sea_bq4_0 *a = w;
    const sea_bq8_0 *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(15);
    const int8x16_t e8 = vdupq_n_s8(8);
    float32x4_t acc = vdupq_n_f32(0);
    for (int b = 0; b < nb; b++) {
        uint8x16_t q = vld1q_u8(a[b].qs);
        int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, m4)), e8);
        int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), e8);
        int32x4_t s = vaddq_s32(dot16(lo, vld1q_s8(x[b].qs)), dot16(hi, vld1q_s8(x[b].qs + 16)));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(s), h2f(a[b].d) * h2f(x[b].d));
    }
    return vaddvq_f32(acc);
}

static float dot_q4_k(const void *w, const void *xq, int nb)
{
    const sea_bq4_k *a = w;
    const sea_bq8_k *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(15);
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int sumi = 0, summ = 0;
        for (int c = 0; c < 4; c++) {
            int sc0, m0, sc1, m1;
            sea__q4k_scale_min(2 * c, a[b].scales, &sc0, &m0);
            sea__q4k_scale_min(2 * c + 1, a[b].scales, &sc1, &m1);
            const uint8_t *q = a[b].qs + 32 * c;
            const int8_t *xs = x[b].qs + 64 * c;
            uint8x16_t q0 = vld1q_u8(q), q1 = vld1q_u8(q + 16);
            int32x4_t p0 = vaddq_s32(dot16(vreinterpretq_s8_u8(vandq_u8(q0, m4)), vld1q_s8(xs)),
                                     dot16(vreinterpretq_s8_u8(vandq_u8(q1, m4)), vld1q_s8(xs + 16)));
            int32x4_t p1 = vaddq_s32(dot16(vreinterpretq_s8_u8(vshrq_n_u8(q0, 4)), vld1q_s8(xs + 32)),
                                     dot16(vreinterpretq_s8_u8(vshrq_n_u8(q1, 4)), vld1q_s8(xs + 48)));
            sumi += sc0 * vaddvq_s32(p0) + sc1 * vaddvq_s32(p1);
            summ += m0 * (x[b].bsums[4 * c] + x[b].bsums[4 * c + 1]) + m1 * (x[b].bsums[4 * c + 2] + x[b].bsums[4 * c + 3]);
        }
        s += x[b].d * (h2f(a[b].d) * (float)sumi - h2f(a[b].dmin) * (float)summ);
    }
    return s;
}

static float dot_q6_k(const void *w, const void *xq, int nb)
{
    const sea_bq6_k *a = w;
    const sea_bq8_k *x = xq;
    const uint8x16_t m4 = vdupq_n_u8(15), m2 = vdupq_n_u8(3);
    const int8x16_t e32 = vdupq_n_s8(32);
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int sumi = 0;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = a[b].ql + 64 * h, *qh = a[b].qh + 32 * h;
            const int8_t *sc = a[b].scales + 8 * h, *xs = x[b].qs + 128 * h;
            for (int g = 0; g < 2; g++) { /* values l = 16g .. 16g+15 of each quarter */
                uint8x16_t l0 = vld1q_u8(ql + 16 * g), l1 = vld1q_u8(ql + 32 + 16 * g), hh = vld1q_u8(qh + 16 * g);
                int8x16_t q[4];
                q[0] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(hh, m2), 4)));
                q[1] = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 2), m2), 4)));
                q[2] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 4), m2), 4)));
                q[3] = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(hh, 6), 4)));
                for (int k = 0; k < 4; k++)
                    sumi += sc[2 * k + g] * vaddvq_s32(dot16(vsubq_s8(q[k], e32), vld1q_s8(xs + 32 * k + 16 * g)));
            }
        }
        s += x[b].d * h2f(a[b].d) * (float)sumi;
    }
    return s;
}

const sea_qkernels sea__qkernels_neon = {"neon", {dot_q8_0, dot_q4_0, dot_q4_k, dot_q6_k}};
