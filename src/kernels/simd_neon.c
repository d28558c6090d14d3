/* src/kernels/simd_neon.c: NEON kernels for AArch64 (always present there; chosen at run
 * time like the x86 families). Tile of 4 weight rows x 4 tokens (16 accumulators of the 32
 * q registers); bf16 widened by a 16-bit shift, f16 by vcvt. The k tail (n_in % 4) goes
 * through zero-padded buffers so every output element is accumulated the same way. */
#include <arm_neon.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/matmul.h"

#define RM 4
#define RN 4
#define TB 96

static inline float32x4_t ld_f32(const void *w, size_t i) { return vld1q_f32((const float *)w + i); }
static inline float32x4_t ld_bf16(const void *w, size_t i)
{
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16((const uint16_t *)w + i), 16));
}
static inline float32x4_t ld_f16(const void *w, size_t i)
{
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16((const uint16_t *)w + i)));
}
static inline float32x4_t tail_f32(const void *w, size_t i, int n)
{
    float b[4] = {0};
    memcpy(b, (const float *)w + i, (size_t)n * 4);
    return vld1q_f32(b);
}
static inline float32x4_t tail_bf16(const void *w, size_t i, int n)
{
    uint16_t b[4] = {0};
    memcpy(b, (const uint16_t *)w + i, (size_t)n * 2);
    return ld_bf16(b, 0);
}
static inline float32x4_t tail_f16(const void *w, size_t i, int n)
{
    uint16_t b[4] = {0};
    memcpy(b, (const uint16_t *)w + i, (size_t)n * 2);
    return ld_f16(b, 0);
}

#define DEFINE_TILE(NAME, LD, LDT)                                                              \
    static inline __attribute__((always_inline)) void NAME(                                     \
        float *y, size_t ldy, const float *x, size_t ldx, const void *w, int n_in, int r, int t, \
        const int rm, const int rn)                                                             \
    {                                                                                           \
        float32x4_t acc[RM][RN];                                                                \
        const int nfull = n_in & ~3, nt = n_in & 3;                                             \
        for (int i = 0; i < rm; i++)                                                            \
            for (int j = 0; j < rn; j++) acc[i][j] = vdupq_n_f32(0.f);                          \
        for (int k = 0; k < nfull; k += 4) {                                                    \
            float32x4_t wv[RM];                                                                 \
            for (int i = 0; i < rm; i++) wv[i] = LD(w, (size_t)(r + i) * (size_t)n_in + (size_t)k); \
            for (int j = 0; j < rn; j++) {                                                      \
                float32x4_t xv = vld1q_f32(x + (size_t)(t + j) * ldx + (size_t)k);              \
                for (int i = 0; i < rm; i++) acc[i][j] = vfmaq_f32(acc[i][j], wv[i], xv);       \
            }                                                                                   \
        }                                                                                       \
        if (nt) {                                                                               \
            float32x4_t wv[RM];                                                                 \
            for (int i = 0; i < rm; i++) wv[i] = LDT(w, (size_t)(r + i) * (size_t)n_in + (size_t)nfull, nt); \
            for (int j = 0; j < rn; j++) {                                                      \
                float32x4_t xv = tail_f32(x, (size_t)(t + j) * ldx + (size_t)nfull, nt);         \
                for (int i = 0; i < rm; i++) acc[i][j] = vfmaq_f32(acc[i][j], wv[i], xv);       \
            }                                                                                   \
        }                                                                                       \
        for (int i = 0; i < rm; i++)                                                            \
            for (int j = 0; j < rn; j++) y[(size_t)(t + j) * ldy + (size_t)(r + i)] = vaddvq_f32(acc[i][j]); \
    }

DEFINE_TILE(tile_f32, ld_f32, tail_f32)
DEFINE_TILE(tile_bf16, ld_bf16, tail_bf16)
DEFINE_TILE(tile_f16, ld_f16, tail_f16)

#define DEFINE_GEMM(NAME, TILE)                                                                 \
    static void NAME(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,    \
                     int n_in, int r0, int r1)                                                  \
    {                                                                                           \
        for (int t0 = 0; t0 < T; t0 += TB) {                                                    \
            int t1 = SEA_MIN(T, t0 + TB), r = r0;                                               \
            for (; r + RM <= r1; r += RM) {                                                     \
                int t = t0;                                                                     \
                for (; t + RN <= t1; t += RN) TILE(y, ldy, x, ldx, w, n_in, r, t, RM, RN);      \
                switch (t1 - t) {                                                               \
                case 3: TILE(y, ldy, x, ldx, w, n_in, r, t, RM, 3); break;                      \
                case 2: TILE(y, ldy, x, ldx, w, n_in, r, t, RM, 2); break;                      \
                case 1: TILE(y, ldy, x, ldx, w, n_in, r, t, RM, 1); break;                      \
                default: break;                                                                 \
                }                                                                               \
            }                                                                                   \
            for (; r < r1; r++)                                                                 \
                for (int t = t0; t < t1; t++) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, 1);        \
        }                                                                                       \
    }

DEFINE_GEMM(gemm_f32, tile_f32)
DEFINE_GEMM(gemm_bf16, tile_bf16)
DEFINE_GEMM(gemm_f16, tile_f16)

static float dot_f32(const float *a, const float *b, int n)
{
    float32x4_t acc = vdupq_n_f32(0.f);
    int k = 0;
    for (; k + 4 <= n; k += 4) acc = vfmaq_f32(acc, vld1q_f32(a + k), vld1q_f32(b + k));
    if (k < n) acc = vfmaq_f32(acc, tail_f32(a, (size_t)k, n - k), tail_f32(b, (size_t)k, n - k));
    return vaddvq_f32(acc);
}

static void axpy_f32(float *y, float a, const float *x, int n)
{
    int k = 0;
    for (; k + 4 <= n; k += 4) vst1q_f32(y + k, vfmaq_n_f32(vld1q_f32(y + k), vld1q_f32(x + k), a));
    for (; k < n; k++) y[k] += a * x[k];
}

const sea_kernels sea__kernels_neon = {{gemm_f32, gemm_f16, gemm_bf16}, dot_f32, axpy_f32};
