/* src/kernels/quant.h: GGUF's block-quantized weight types (Q8_0, Q4_0, Q4_K, Q6_K) with their
 * exact on-disk block layouts, the activation blocks used for integer dot products (Q8_0 for
 * Q8_0/Q4_0 weights, Q8_K for the K types), quantizers that reproduce the reference rounding
 * of the format's own tools, dequantizers, and the dot kernels: a scalar reference beside the
 * SIMD versions, chosen once at run time like the float kernels (kernels/cpu.h).
 *
 * Layouts (little-endian, no padding; doc/FORMATS.md states them in full):
 *   Q8_0  32 values: f16 d, int8 q[32];                           x = d * q
 *   Q4_0  32 values: f16 d, u8 qs[16] (value j in the low nibble of qs[j], value j+16 in
 *         its high nibble);                                       x = d * (q - 8)
 *   Q4_K  256 values in 8 sub-blocks of 32: f16 d, f16 dmin, 12 bytes holding 8 6-bit scales
 *         and 8 6-bit mins, u8 qs[128] (bytes 32c..32c+31 hold sub-block 2c in their low
 *         nibbles and sub-block 2c+1 in their high nibbles);     x = d*sc*q - dmin*m
 *   Q6_K  256 values in 16 sub-blocks of 16: u8 ql[128] (low 4 bits), u8 qh[64] (high 2 bits),
 *         int8 scales[16], f16 d;                                 x = d * sc * (q - 32)
 *   Q8_K  (activations only) 256 values: f32 d, int8 q[256], int16 bsums[16] (sums of 16). */
#ifndef SEA_KERNELS_QUANT_H
#define SEA_KERNELS_QUANT_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/matmul.h"

#define SEA_QK32 32
#define SEA_QKK 256

typedef struct sea_bq8_0 {
    uint16_t d;
    int8_t qs[32];
} sea_bq8_0;
typedef struct sea_bq4_0 {
    uint16_t d;
    uint8_t qs[16];
} sea_bq4_0;
typedef struct sea_bq4_k {
    uint16_t d, dmin;
    uint8_t scales[12];
    uint8_t qs[128];
} sea_bq4_k;
typedef struct sea_bq6_k {
    uint8_t ql[128];
    uint8_t qh[64];
    int8_t scales[16];
    uint16_t d;
} sea_bq6_k;
typedef struct sea_bq8_k {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
} sea_bq8_k;

/* the block sizes are the file format: a compiler that pads them cannot build this */
typedef char sea__bq8_0_size[sizeof(sea_bq8_0) == 34 ? 1 : -1];
typedef char sea__bq4_0_size[sizeof(sea_bq4_0) == 18 ? 1 : -1];
typedef char sea__bq4_k_size[sizeof(sea_bq4_k) == 144 ? 1 : -1];
typedef char sea__bq6_k_size[sizeof(sea_bq6_k) == 210 ? 1 : -1];
typedef char sea__bq8_k_size[sizeof(sea_bq8_k) == 292 ? 1 : -1];

/* Index of a quantized weight type in the kernel tables, or -1 for other types. */
enum { SEA_QT_Q8_0, SEA_QT_Q4_0, SEA_QT_Q4_K, SEA_QT_Q6_K, SEA_QT_COUNT };
int sea__qt_index(sea_dtype t);
/* 1 when the weight type's activations are Q8_K blocks (the K types), 0 for Q8_0 blocks. */
int sea__qt_act_k(sea_dtype t);

/* The 6-bit scale and min of sub-block j (0..7) of a Q4_K block. */
static inline void sea__q4k_scale_min(int j, const uint8_t *s, int *sc, int *m)
{
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

/* Weights: n floats (a multiple of the block size) to blocks and back. */
void sea__quantize(sea_dtype t, void *dst, const float *x, size_t n);
void sea__dequantize(sea_dtype t, float *dst, const void *src, size_t n);
/* Activations: n floats (a multiple of 32, resp. 256) to Q8_0, resp. Q8_K blocks. */
void sea__quantize_q8_0(sea_bq8_0 *dst, const float *x, size_t n);
void sea__quantize_q8_k(sea_bq8_k *dst, const float *x, size_t n);
void sea__dequantize_q8_k(float *dst, const sea_bq8_k *src, size_t n);

/* dot(weight row of nb blocks, activation row of matching Q8_0 / Q8_K blocks) */
typedef float (*sea_qdot_fn)(const void *w, const void *xq, int nb);

typedef struct sea_qkernels {
    const char *name;
    sea_qdot_fn dot[SEA_QT_COUNT];
} sea_qkernels;

extern const sea_qkernels sea__qkernels_scalar;
#if SEA_HAVE_AVX2
extern const sea_qkernels sea__qkernels_avx2;
#endif
#if SEA_HAVE_AVX512
extern const sea_qkernels sea__qkernels_avx512vnni; /* AVX-512 F/BW/VL + VNNI */
int sea__cpu_has_avx512vnni(void);
#endif
#if SEA_HAVE_NEON
extern const sea_qkernels sea__qkernels_neon;
#endif

/* The quantized kernels for a SIMD family (AVX-512 without VNNI uses the AVX2 ones). */
const sea_qkernels *sea__qkernels_for(int simd_level);
/* Every table this CPU can run, for tests: fills up to max entries, returns the count. */
int sea__qkernels_all(const sea_qkernels **out, int max);

/* y [T, w->rows] = x [T, w->cols] * dequant(w)^T for rows [r0, r1), through the integer dots
 * of K on activations xq already quantized (row stride xq_stride bytes). */
void sea__qgemm(const sea_qkernels *K, float *y, size_t ldy, const void *xq, size_t xq_stride, int T,
                const sea_mat *w, int r0, int r1);
/* The float path: weights dequantized a block at a time, float activations, double sums
 * (the test oracle; also the fallback when no buffer for quantized activations can be had). */
void sea__qgemm_float(float *y, size_t ldy, const float *x, size_t ldx, int T, const sea_mat *w, int r0, int r1);
/* Bytes of one quantized activation row for weights of type t with n_in columns. */
size_t sea__qact_row_bytes(sea_dtype t, int n_in);
/* Quantize T rows of x for weights of type t (dst rows of sea__qact_row_bytes). */
void sea__qact(sea_dtype t, void *dst, const float *x, size_t ldx, int T, int n_in);

/* The driver used by sea__matmul_multi when any weight is quantized. */
void sea__qmatmul_multi(float *const *ys, const float *x, int T, const sea_mat *const *ws, int n, int n_threads);

#endif /* SEA_KERNELS_QUANT_H */
