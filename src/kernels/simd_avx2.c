/* src/kernels/simd_avx2.c: AVX2 + FMA + F16C kernels (compiled with those flags only here,
 * chosen at run time).
 *
 * Same design as the AVX-512 file with 8 lanes and 16 registers: a tile of 4 weight rows x 3
 * tokens (12 accumulators + 3 activation vectors + 1 weight vector). The k tail (n_in not a
 * multiple of 8) is copied into zero-padded 8-lane buffers so that every output element is
 * accumulated identically in every tile shape. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/matmul.h"

#define RM 4 /* weight rows per tile */
#define RN 3 /* tokens per tile: 12 accumulators + 3 activations + 1 weight = 16 ymm */
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

/* One tile: rows r..r+rm-1 x tokens t..t+rn-1 (compile-time rm, rn). Per 8-lane chunk of k the
 * rn activation vectors are loaded once, then each weight row is widened and used rn times. */
#define DEFINE_TILE(NAME, LD, LDT)                                                              \
    static inline __attribute__((always_inline)) void NAME(                                     \
        float *y, size_t ldy, const float *x, size_t ldx, const void *w, int n_in, int r, int t, \
        const int rm, const int rn)                                                             \
    {                                                                                           \
        __m256 acc[RM][RN];                                                                     \
        const int nfull = n_in & ~7, nt = n_in & 7;                                             \
        _Pragma("GCC unroll 4") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++) acc[i][j] = _mm256_setzero_ps(); \
        for (int k = 0; k < nfull; k += 8) {                                                    \
            __m256 xv[RN];                                                                      \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                                \
                xv[j] = _mm256_loadu_ps(x + (size_t)(t + j) * ldx + (size_t)k);                  \
            _Pragma("GCC unroll 4") for (int i = 0; i < rm; i++) {                              \
                __m256 wv = LD(w, (size_t)(r + i) * (size_t)n_in + (size_t)k);                   \
                _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                            \
                    acc[i][j] = _mm256_fmadd_ps(wv, xv[j], acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        if (nt) {                                                                               \
            __m256 xv[RN];                                                                      \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                                \
                xv[j] = tail_f32(x, (size_t)(t + j) * ldx + (size_t)nfull, nt);                  \
            _Pragma("GCC unroll 4") for (int i = 0; i < rm; i++) {                              \
                __m256 wv = LDT(w, (size_t)(r + i) * (size_t)n_in + (size_t)nfull, nt);          \
                _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                            \
                    acc[i][j] = _mm256_fmadd_ps(wv, xv[j], acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        _Pragma("GCC unroll 4") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 4") for (int j = 0; j < rn; j++)                                \
                y[(size_t)(t + j) * ldy + (size_t)(r + i)] = hsum(acc[i][j]);                   \
    }

DEFINE_TILE(tile_f32, ld_f32, tail_f32)
DEFINE_TILE(tile_bf16, ld_bf16, tail_bf16)
DEFINE_TILE(tile_f16, ld_f16, tail_f16)

/* One token (decode): rows streamed front to back with four accumulators (8-lane chunk c
 * goes to c % 4), GEMV_STREAMS rows from equal parts of the range at once, as in the AVX-512
 * file (16 accumulators do not all fit in 16 registers, but the spills hit L1 and the kernel
 * is memory-bound: four streams still read 33-37 % faster than one in a stand-alone product,
 * and decode runs ~20 % faster: PERFORMANCE.md). */
#define GEMV_STREAMS 4
#define DEFINE_GEMV(NAME, LD, LDT)                                                              \
    static inline __attribute__((always_inline)) void NAME##_rows(float *y, const float *x,     \
                                                                  const void *w, int n_in,      \
                                                                  int r, int stride, const int s) \
    {                                                                                           \
        const int n32 = n_in & ~31, nfull = n_in & ~7, nt = n_in & 7;                            \
        size_t base[GEMV_STREAMS];                                                              \
        __m256 a[GEMV_STREAMS][4];                                                              \
        int k = 0;                                                                              \
        _Pragma("GCC unroll 4") for (int i = 0; i < s; i++) {                                   \
            base[i] = (size_t)(r + i * stride) * (size_t)n_in;                                   \
            a[i][0] = a[i][1] = a[i][2] = a[i][3] = _mm256_setzero_ps();                          \
        }                                                                                       \
        for (; k < n32; k += 32)                                                                \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++) {                               \
                a[i][0] = _mm256_fmadd_ps(LD(w, base[i] + (size_t)k), _mm256_loadu_ps(x + k), a[i][0]); \
                a[i][1] = _mm256_fmadd_ps(LD(w, base[i] + (size_t)k + 8), _mm256_loadu_ps(x + k + 8), a[i][1]); \
                a[i][2] = _mm256_fmadd_ps(LD(w, base[i] + (size_t)k + 16), _mm256_loadu_ps(x + k + 16), a[i][2]); \
                a[i][3] = _mm256_fmadd_ps(LD(w, base[i] + (size_t)k + 24), _mm256_loadu_ps(x + k + 24), a[i][3]); \
            }                                                                                   \
        for (; k < nfull; k += 8)                                                               \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                 \
                a[i][(k >> 3) & 3] = _mm256_fmadd_ps(LD(w, base[i] + (size_t)k), _mm256_loadu_ps(x + k), \
                                                     a[i][(k >> 3) & 3]);                      \
        if (nt) {                                                                               \
            const __m256 xt = tail_f32(x, (size_t)k, nt);                                       \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                 \
                a[i][(k >> 3) & 3] = _mm256_fmadd_ps(LDT(w, base[i] + (size_t)k, nt), xt, a[i][(k >> 3) & 3]); \
        }                                                                                       \
        _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                     \
            y[r + i * stride] = hsum(_mm256_add_ps(_mm256_add_ps(a[i][0], a[i][1]), _mm256_add_ps(a[i][2], a[i][3]))); \
    }                                                                                           \
    static void NAME(float *y, const float *x, const void *w, int n_in, int r0, int r1)         \
    {                                                                                           \
        const int part = (r1 - r0) / GEMV_STREAMS;                                              \
        for (int i = 0; i < part; i++) NAME##_rows(y, x, w, n_in, r0 + i, part, GEMV_STREAMS);  \
        for (int r = r0 + GEMV_STREAMS * part; r < r1; r++) NAME##_rows(y, x, w, n_in, r, 0, 1); \
    }

DEFINE_GEMV(gemv_f32, ld_f32, tail_f32)
DEFINE_GEMV(gemv_bf16, ld_bf16, tail_bf16)
DEFINE_GEMV(gemv_f16, ld_f16, tail_f16)

#define DEFINE_GEMM(NAME, TILE, GEMV)                                                           \
    static void NAME(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,    \
                     int n_in, int r0, int r1)                                                  \
    {                                                                                           \
        if (T == 1) {                                                                           \
            GEMV(y, x, w, n_in, r0, r1);                                                        \
            return;                                                                             \
        }                                                                                       \
        for (int t0 = 0; t0 < T; t0 += TB) {                                                    \
            int t1 = SEA_MIN(T, t0 + TB), r = r0;                                               \
            for (; r + RM <= r1; r += RM) {                                                     \
                int t = t0;                                                                     \
                for (; t + RN <= t1; t += RN) TILE(y, ldy, x, ldx, w, n_in, r, t, RM, RN);      \
                if (t1 - t == 2) TILE(y, ldy, x, ldx, w, n_in, r, t, RM, 2);                    \
                else if (t1 - t == 1) TILE(y, ldy, x, ldx, w, n_in, r, t, RM, 1);               \
            }                                                                                   \
            for (; r < r1; r++) {                                                               \
                int t = t0;                                                                     \
                for (; t + RN <= t1; t += RN) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, RN);       \
                for (; t < t1; t++) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, 1);                  \
            }                                                                                   \
        }                                                                                       \
    }

DEFINE_GEMM(gemm_f32, tile_f32, gemv_f32)
DEFINE_GEMM(gemm_bf16, tile_bf16, gemv_bf16)
DEFINE_GEMM(gemm_f16, tile_f16, gemv_f16)

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
