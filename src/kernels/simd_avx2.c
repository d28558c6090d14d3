/* src/kernels/simd_avx2.c: AVX2 + FMA + F16C kernels (compiled with those flags only here,
 * chosen at run time).
 *
 * Same design as the AVX-512 file with 8 lanes and 16 registers: a tile of 3 weight rows x 4
 * tokens (12 accumulators + 3 weight vectors + 1 activation vector). The k tail (n_in not a
 * multiple of 8) is copied into zero-padded 8-lane buffers so that every output element is
 * accumulated identically in every tile shape. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/matmul.h"

#define RM 3
#define RN 4
#define TB 96

static inline __m256 ld_f32(const void *w, size_t i)
{
    return _mm256_loadu_ps((const float *)w + i);
}
static inline __m256 ld_bf16(const void *w, size_t i)
{
    __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)w + i));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
static inline __m256 ld_f16(const void *w, size_t i)
{
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)w + i)));
}

/* Tail loads: copy the last n_in % 8 elements into a zeroed 8-element buffer. */
static inline __m256 tail_f32(const void *w, size_t i, int n)
{
    float b[8] = {0};
    memcpy(b, (const float *)w + i, (size_t)n * 4);
    return _mm256_loadu_ps(b);
}
static inline __m256 tail_bf16(const void *w, size_t i, int n)
{
    uint16_t b[8] = {0};
    memcpy(b, (const uint16_t *)w + i, (size_t)n * 2);
    return ld_bf16(b, 0);
}
static inline __m256 tail_f16(const void *w, size_t i, int n)
{
    uint16_t b[8] = {0};
    memcpy(b, (const uint16_t *)w + i, (size_t)n * 2);
    return ld_f16(b, 0);
}

static inline float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#define DEFINE_TILE(NAME, LD, LDT)                                                              \
    static inline __attribute__((always_inline)) void NAME(                                     \
        float *y, size_t ldy, const float *x, size_t ldx, const void *w, int n_in, int r, int t, \
        const int rm, const int rn)                                                             \
    {                                                                                           \
        __m256 acc[RM][RN];                                                                     \
        const int nfull = n_in & ~7, nt = n_in & 7;                                             \
        _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++) acc[i][j] = _mm256_setzero_ps(); \
        for (int k = 0; k < nfull; k += 8) {                                                    \
            __m256 wv[RM];                                                                      \
            _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                                \
                wv[i] = LD(w, (size_t)(r + i) * (size_t)n_in + (size_t)k);                       \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++) {                              \
                __m256 xv = _mm256_loadu_ps(x + (size_t)(t + j) * ldx + (size_t)k);             \
                _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                            \
                    acc[i][j] = _mm256_fmadd_ps(wv[i], xv, acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        if (nt) {                                                                               \
            __m256 wv[RM];                                                                      \
            _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                                \
                wv[i] = LDT(w, (size_t)(r + i) * (size_t)n_in + (size_t)nfull, nt);              \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++) {                              \
                __m256 xv = tail_f32(x, (size_t)(t + j) * ldx + (size_t)nfull, nt);              \
                _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                            \
                    acc[i][j] = _mm256_fmadd_ps(wv[i], xv, acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        _Pragma("GCC unroll 3") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                                \
                y[(size_t)(t + j) * ldy + (size_t)(r + i)] = hsum(acc[i][j]);                   \
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
            for (; r < r1; r++) {                                                               \
                int t = t0;                                                                     \
                for (; t + RN <= t1; t += RN) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, RN);       \
                for (; t < t1; t++) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, 1);                  \
            }                                                                                   \
        }                                                                                       \
    }

DEFINE_GEMM(gemm_f32, tile_f32)
DEFINE_GEMM(gemm_bf16, tile_bf16)
DEFINE_GEMM(gemm_f16, tile_f16)

static float dot_f32(const float *a, const float *b, int n)
{
    __m256 acc = _mm256_setzero_ps();
    int k = 0;
    for (; k + 8 <= n; k += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), acc);
    if (k < n) acc = _mm256_fmadd_ps(tail_f32(a, (size_t)k, n - k), tail_f32(b, (size_t)k, n - k), acc);
    return hsum(acc);
}

static void axpy_f32(float *y, float a, const float *x, int n)
{
    __m256 av = _mm256_set1_ps(a);
    int k = 0;
    for (; k + 8 <= n; k += 8)
        _mm256_storeu_ps(y + k, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + k), _mm256_loadu_ps(y + k)));
    for (; k < n; k++) y[k] = fmaf(a, x[k], y[k]);
}

const sea_kernels sea__kernels_avx2 = {{gemm_f32, gemm_f16, gemm_bf16}, dot_f32, axpy_f32};
