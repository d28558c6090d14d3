/* src/kernels/simd_avx512.c: AVX-512 kernels (F/BW/VL/DQ + FMA + F16C; compiled with those
 * flags only here, chosen at run time).
 *
 * The weight product is a register tile of up to 8 weight rows x 6 tokens with no packing:
 * both operands are contiguous along k, as in llamafile's tinyBLAS. Activations stream from
 * L2, so for 16-bit weights the tile is tall (8 rows x 3 tokens: 24 accumulators, 3
 * activation vectors, one widened weight vector); f32 weights use 4 x 6. bf16 weights are widened by a
 * 16-bit shift, f16 by vcvtph2ps, in registers. Every output element is accumulated the same
 * way whatever tile it falls in (16-lane chunks in k order, masked tail, then one horizontal
 * sum), so results do not depend on tiling or on how rows are split over threads. A single
 * token (decode) streams each row with four accumulators instead: its results do not depend on
 * threads either, and differ from a batched call's in the last bits only. */
#include <immintrin.h>
#include <stdint.h>

#include "core/internal.h"
#include "kernels/matmul.h"

#define RM 8  /* most weight rows per tile */
#define RN 6  /* most tokens per tile */
#define TB 96 /* tokens per cache block: TB x n_in floats of x stay in L2 */

static inline __m512 ld_f32(const void *w, size_t i)
{
    return _mm512_loadu_ps((const float *)w + i);
}
static inline __m512 ld_f32_m(const void *w, size_t i, __mmask16 m)
{
    return _mm512_maskz_loadu_ps(m, (const float *)w + i);
}
static inline __m512 ld_bf16(const void *w, size_t i)
{
    __m256i h = _mm256_loadu_si256((const __m256i *)((const uint16_t *)w + i));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}
static inline __m512 ld_bf16_m(const void *w, size_t i, __mmask16 m)
{
    __m256i h = _mm256_maskz_loadu_epi16(m, (const uint16_t *)w + i);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}
static inline __m512 ld_f16(const void *w, size_t i)
{
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)w + i)));
}
static inline __m512 ld_f16_m(const void *w, size_t i, __mmask16 m)
{
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, (const uint16_t *)w + i));
}

/* One tile: rows r..r+rm-1 (rm <= RM) times tokens t..t+rn-1 (rn <= RN). rm and rn are
 * compile-time constants at every call site, so the loops unroll into registers. Per 16-lane
 * chunk of k: the rn activation vectors are loaded once (they come from L2: the fewer bytes
 * per FMA the better, hence 8 rows), then each weight row is loaded, widened and used rn times. */
#define DEFINE_TILE(NAME, LD, LDM)                                                              \
    static inline __attribute__((always_inline)) void NAME(                                     \
        float *y, size_t ldy, const float *x, size_t ldx, const void *w, int n_in, int r, int t, \
        const int rm, const int rn)                                                             \
    {                                                                                           \
        __m512 acc[RM][RN]; /* only rm x rn are used: they stay in registers */                  \
        const int nfull = n_in & ~15;                                                           \
        const __mmask16 tm = (__mmask16)((1u << (n_in & 15)) - 1u);                             \
        _Pragma("GCC unroll 8") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++) acc[i][j] = _mm512_setzero_ps(); \
        for (int k = 0; k < nfull; k += 16) {                                                   \
            __m512 xv[RN];                                                                      \
            _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++)                                \
                xv[j] = _mm512_loadu_ps(x + (size_t)(t + j) * ldx + (size_t)k);                  \
            _Pragma("GCC unroll 8") for (int i = 0; i < rm; i++) {                              \
                __m512 wv = LD(w, (size_t)(r + i) * (size_t)n_in + (size_t)k);                   \
                _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++)                            \
                    acc[i][j] = _mm512_fmadd_ps(wv, xv[j], acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        if (tm) {                                                                               \
            __m512 xv[RN];                                                                      \
            _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++)                                \
                xv[j] = _mm512_maskz_loadu_ps(tm, x + (size_t)(t + j) * ldx + (size_t)nfull);    \
            _Pragma("GCC unroll 8") for (int i = 0; i < rm; i++) {                              \
                __m512 wv = LDM(w, (size_t)(r + i) * (size_t)n_in + (size_t)nfull, tm);          \
                _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++)                            \
                    acc[i][j] = _mm512_fmadd_ps(wv, xv[j], acc[i][j]);                          \
            }                                                                                   \
        }                                                                                       \
        _Pragma("GCC unroll 8") for (int i = 0; i < rm; i++)                                    \
            _Pragma("GCC unroll 6") for (int j = 0; j < rn; j++)                                \
                y[(size_t)(t + j) * ldy + (size_t)(r + i)] = _mm512_reduce_add_ps(acc[i][j]);   \
    }

DEFINE_TILE(tile_f32, ld_f32, ld_f32_m)
DEFINE_TILE(tile_bf16, ld_bf16, ld_bf16_m)
DEFINE_TILE(tile_f16, ld_f16, ld_f16_m)

/* One token (decode): each weight row is read once, front to back, with four accumulators
 * (16-lane chunk c goes to c % 4) to hide the FMA latency. This is memory-bound, and a core
 * reading one stream leaves bandwidth unused: the rows are taken from GEMV_STREAMS equal parts
 * of the range at once (row i of each part), so that four streams far apart are in flight and
 * the hardware prefetcher follows each (a core of the Zen 5 development VM reads 8-40 %
 * faster so, depending on the host: PERFORMANCE.md). Every row is still accumulated alone and
 * in the same order, so results depend neither on the streams nor on threads. */
#define GEMV_STREAMS 4
#define DEFINE_GEMV(NAME, LD, LDM)                                                              \
    /* rows r, r + stride, ..., r + (s - 1) stride; s is a constant at each call site */        \
    static inline __attribute__((always_inline)) void NAME##_rows(float *y, const float *x,     \
                                                                  const void *w, int n_in,      \
                                                                  int r, int stride, const int s) \
    {                                                                                           \
        const int n64 = n_in & ~63, nfull = n_in & ~15;                                          \
        const __mmask16 tm = (__mmask16)((1u << (n_in & 15)) - 1u);                             \
        size_t base[GEMV_STREAMS];                                                              \
        __m512 a[GEMV_STREAMS][4];                                                              \
        int k = 0;                                                                              \
        _Pragma("GCC unroll 4") for (int i = 0; i < s; i++) {                                   \
            base[i] = (size_t)(r + i * stride) * (size_t)n_in;                                   \
            a[i][0] = a[i][1] = a[i][2] = a[i][3] = _mm512_setzero_ps();                          \
        }                                                                                       \
        for (; k < n64; k += 64) {                                                              \
            const __m512 x0 = _mm512_loadu_ps(x + k), x1 = _mm512_loadu_ps(x + k + 16);           \
            const __m512 x2 = _mm512_loadu_ps(x + k + 32), x3 = _mm512_loadu_ps(x + k + 48);      \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++) {                               \
                a[i][0] = _mm512_fmadd_ps(LD(w, base[i] + (size_t)k), x0, a[i][0]);              \
                a[i][1] = _mm512_fmadd_ps(LD(w, base[i] + (size_t)k + 16), x1, a[i][1]);         \
                a[i][2] = _mm512_fmadd_ps(LD(w, base[i] + (size_t)k + 32), x2, a[i][2]);         \
                a[i][3] = _mm512_fmadd_ps(LD(w, base[i] + (size_t)k + 48), x3, a[i][3]);         \
            }                                                                                   \
        }                                                                                       \
        for (; k < nfull; k += 16) {                                                            \
            const __m512 xv = _mm512_loadu_ps(x + k);                                           \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                 \
                a[i][(k >> 4) & 3] = _mm512_fmadd_ps(LD(w, base[i] + (size_t)k), xv, a[i][(k >> 4) & 3]); \
        }                                                                                       \
        if (tm) {                                                                               \
            const __m512 xv = _mm512_maskz_loadu_ps(tm, x + k);                                 \
            _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                 \
                a[i][(k >> 4) & 3] = _mm512_fmadd_ps(LDM(w, base[i] + (size_t)k, tm), xv, a[i][(k >> 4) & 3]); \
        }                                                                                       \
        _Pragma("GCC unroll 4") for (int i = 0; i < s; i++)                                     \
            y[r + i * stride] = _mm512_reduce_add_ps(                                            \
                _mm512_add_ps(_mm512_add_ps(a[i][0], a[i][1]), _mm512_add_ps(a[i][2], a[i][3]))); \
    }                                                                                           \
    static void NAME(float *y, const float *x, const void *w, int n_in, int r0, int r1)         \
    {                                                                                           \
        const int part = (r1 - r0) / GEMV_STREAMS;                                              \
        for (int i = 0; i < part; i++) NAME##_rows(y, x, w, n_in, r0 + i, part, GEMV_STREAMS);  \
        for (int r = r0 + GEMV_STREAMS * part; r < r1; r++) NAME##_rows(y, x, w, n_in, r, 0, 1); \
    }

DEFINE_GEMV(gemv_f32, ld_f32, ld_f32_m)
DEFINE_GEMV(gemv_bf16, ld_bf16, ld_bf16_m)
DEFINE_GEMV(gemv_f16, ld_f16, ld_f16_m)

/* Dispatch: one token to the row-streaming kernel, more to the register tiles (a token
 * remainder of 1..5 to constant-size tiles). */
#define DEFINE_GEMM(NAME, TILE, GEMV, TM, TN)                                                   \
    static void NAME(float *y, size_t ldy, const float *x, size_t ldx, int T, const void *w,    \
                     int n_in, int r0, int r1)                                                  \
    {                                                                                           \
        if (T == 1) {                                                                           \
            GEMV(y, x, w, n_in, r0, r1);                                                        \
            return;                                                                             \
        }                                                                                       \
        for (int t0 = 0; t0 < T; t0 += TB) {                                                    \
            int t1 = SEA_MIN(T, t0 + TB), r = r0;                                               \
            for (; r + TM <= r1; r += TM) {                                                     \
                int t = t0;                                                                     \
                for (; t + TN <= t1; t += TN) TILE(y, ldy, x, ldx, w, n_in, r, t, TM, TN);      \
                switch (t1 - t) {                                                               \
                case 5: TILE(y, ldy, x, ldx, w, n_in, r, t, TM, 5); break;                      \
                case 4: TILE(y, ldy, x, ldx, w, n_in, r, t, TM, 4); break;                      \
                case 3: TILE(y, ldy, x, ldx, w, n_in, r, t, TM, 3); break;                      \
                case 2: TILE(y, ldy, x, ldx, w, n_in, r, t, TM, 2); break;                      \
                case 1: TILE(y, ldy, x, ldx, w, n_in, r, t, TM, 1); break;                      \
                default: break;                                                                 \
                }                                                                               \
            }                                                                                   \
            for (; r < r1; r++) {                                                               \
                int t = t0;                                                                     \
                for (; t + TN <= t1; t += TN) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, TN);       \
                for (; t < t1; t++) TILE(y, ldy, x, ldx, w, n_in, r, t, 1, 1);                  \
            }                                                                                   \
        }                                                                                       \
    }

/* 16-bit weights: 8 rows x 3 tokens (the activations, twice the bytes, are what is scarce);
 * f32 weights: 4 rows x 6 tokens (8 f32 rows would not stay in L1). */
DEFINE_GEMM(gemm_f32, tile_f32, gemv_f32, 4, 6)
DEFINE_GEMM(gemm_bf16, tile_bf16, gemv_bf16, 8, 3)
DEFINE_GEMM(gemm_f16, tile_f16, gemv_f16, 8, 3)

static float dot_f32(const float *a, const float *b, int n)
{
    __m512 acc = _mm512_setzero_ps();
    int k = 0;
    for (; k + 16 <= n; k += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), acc);
    if (k < n) {
        __mmask16 m = (__mmask16)((1u << (n - k)) - 1u);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + k), _mm512_maskz_loadu_ps(m, b + k), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

static void axpy_f32(float *y, float a, const float *x, int n)
{
    __m512 av = _mm512_set1_ps(a);
    int k = 0;
    for (; k + 16 <= n; k += 16)
        _mm512_storeu_ps(y + k, _mm512_fmadd_ps(av, _mm512_loadu_ps(x + k), _mm512_loadu_ps(y + k)));
    if (k < n) {
        __mmask16 m = (__mmask16)((1u << (n - k)) - 1u);
        _mm512_mask_storeu_ps(y + k, m,
                              _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m, x + k), _mm512_maskz_loadu_ps(m, y + k)));
    }
}

const sea_kernels sea__kernels_avx512 = {{gemm_f32, gemm_f16, gemm_bf16}, dot_f32, axpy_f32};
