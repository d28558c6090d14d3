/* src/kernels/quant.c: the block-quantized weight types (layouts in kernels/quant.h): the
 * quantizers (the format's reference rounding and scale search, so that our files hold the
 * same bytes as the format's own tools write without an importance matrix), dequantizers,
 * the scalar reference dots, the run-time choice of SIMD family and the threaded driver. */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/cpu.h"
#include "kernels/quant.h"
#include "sea/gguf.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define QMIN(a, b) ((a) < (b) ? (a) : (b))
#define QMAX(a, b) ((a) > (b) ? (a) : (b))

int sea__qt_index(sea_dtype t)
{
    switch (t) {
    case SEA_DTYPE_Q8_0: return SEA_QT_Q8_0;
    case SEA_DTYPE_Q4_0: return SEA_QT_Q4_0;
    case SEA_DTYPE_Q4_K: return SEA_QT_Q4_K;
    case SEA_DTYPE_Q6_K: return SEA_QT_Q6_K;
    default: return -1;
    }
}

int sea__qt_act_k(sea_dtype t)
{
    return t == SEA_DTYPE_Q4_K || t == SEA_DTYPE_Q6_K;
}

int sea_dtype_block(sea_dtype t)
{
    switch (t) {
    case SEA_DTYPE_Q8_0:
    case SEA_DTYPE_Q4_0: return SEA_QK32;
    case SEA_DTYPE_Q4_K:
    case SEA_DTYPE_Q6_K: return SEA_QKK;
    default: return 0;
    }
}

size_t sea_dtype_block_bytes(sea_dtype t)
{
    switch (t) {
    case SEA_DTYPE_Q8_0: return sizeof(sea_bq8_0);
    case SEA_DTYPE_Q4_0: return sizeof(sea_bq4_0);
    case SEA_DTYPE_Q4_K: return sizeof(sea_bq4_k);
    case SEA_DTYPE_Q6_K: return sizeof(sea_bq6_k);
    default: return 0;
    }
}

/* Round to the nearest integer, ties to even, for |v| < 2^22: adding 1.5 * 2^23 leaves the
 * integer in the low mantissa bits (the rounding the format's quantizers use). Out-of-range
 * and non-finite inputs are clamped first so every result is defined. */
static inline int nearest(float v)
{
    union {
        float f;
        int32_t i;
    } u;
    if (!(v > -4194303.0f)) v = -4194303.0f; /* also NaN */
    if (v > 4194303.0f) v = 4194303.0f;
    u.f = v + 12582912.0f;
    return (int)(u.i & 0x007fffff) - 0x00400000;
}

static inline float h2f(uint16_t h) { return sea_f16_to_f32(h); }
static inline uint16_t f2h(float f) { return sea_f32_to_f16(f); }

/* ---- Q8_0 ---- */

void sea__quantize_q8_0(sea_bq8_0 *y, const float *x, size_t n)
{
    for (size_t b = 0; b < n / SEA_QK32; b++, x += SEA_QK32) {
        float amax = 0;
        for (int j = 0; j < SEA_QK32; j++) amax = QMAX(amax, fabsf(x[j]));
        float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = f2h(d);
        for (int j = 0; j < SEA_QK32; j++) {
            float v = roundf(x[j] * id); /* half away from zero */
            y[b].qs[j] = (int8_t)(v > 127.0f ? 127 : v < -127.0f ? -127 : v);
        }
    }
}

/* ---- Q4_0: the scale maps the value of largest magnitude to -8 ---- */

static void quantize_q4_0(sea_bq4_0 *y, const float *x, size_t n)
{
    for (size_t b = 0; b < n / SEA_QK32; b++, x += SEA_QK32) {
        float amax = 0, vmax = 0;
        for (int j = 0; j < SEA_QK32; j++)
            if (fabsf(x[j]) > amax) amax = fabsf(x[j]), vmax = x[j];
        float d = vmax / -8.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = f2h(d);
        for (int j = 0; j < 16; j++) {
            float a = x[j] * id + 8.5f, c = x[j + 16] * id + 8.5f;
            int lo = a >= 15.0f ? 15 : a > 0.0f ? (int)a : 0; /* truncation, as the format's tools */
            int hi = c >= 15.0f ? 15 : c > 0.0f ? (int)c : 0;
            y[b].qs[j] = (uint8_t)(lo | (hi << 4));
        }
    }
}

/* ---- Q4_K: per sub-block, a weighted least-squares fit of scale and min over a small grid of
 * candidate inverse scales; then scales and mins to 6 bits against the block's maxima. ---- */

static float fit_scale_min(const float *x, const float *w, uint8_t *L, float *out_min, uint8_t *Laux)
{
    const int n = 32, nmax = 15;
    float mn = x[0], mx = x[0], sum_w = w[0], sum_x = w[0] * x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < mn) mn = x[i];
        if (x[i] > mx) mx = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (mn > 0) mn = 0;
    if (mx == mn) {
        memset(L, 0, (size_t)n);
        *out_min = -mn;
        return 0.0f;
    }
    float iscale = nmax / (mx - mn), scale = 1 / iscale, best = 0;
    for (int i = 0; i < n; i++) {
        int l = QMAX(0, QMIN(nmax, nearest(iscale * (x[i] - mn))));
        L[i] = (uint8_t)l;
        float e = scale * l + mn - x[i];
        e = e * e;
        best += w[i] * e;
    }
    for (int step = 0; step <= 20; step++) {
        iscale = (-1.0f + 0.1f * step + nmax) / (mx - mn);
        float sl = 0, sl2 = 0, sxl = 0;
        for (int i = 0; i < n; i++) {
            int l = QMAX(0, QMIN(nmax, nearest(iscale * (x[i] - mn))));
            Laux[i] = (uint8_t)l;
            sl += w[i] * l;
            sl2 += w[i] * l * l;
            sxl += w[i] * l * x[i];
        }
        float D = sum_w * sl2 - sl * sl;
        if (D > 0) {
            float s = (sum_w * sxl - sum_x * sl) / D, m = (sl2 * sum_x - sl * sxl) / D;
            if (m > 0) m = 0, s = sxl / sl2;
            float err = 0;
            for (int i = 0; i < n; i++) {
                float e = s * Laux[i] + m - x[i];
                e = e * e;
                err += w[i] * e;
            }
            if (err < best) {
                memcpy(L, Laux, (size_t)n);
                best = err, scale = s, mn = m;
            }
        }
    }
    *out_min = -mn;
    return scale;
}

static void quantize_q4_k(sea_bq4_k *y, const float *x, size_t n)
{
    uint8_t L[SEA_QKK], Laux[32];
    float w[32], scales[8], mins[8];
    for (size_t b = 0; b < n / SEA_QKK; b++, x += SEA_QKK) {
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < 8; j++) {
            const float *xs = x + 32 * j;
            float s2 = 0;
            for (int l = 0; l < 32; l++) s2 += xs[l] * xs[l];
            float av = sqrtf(s2 / 32);
            for (int l = 0; l < 32; l++) w[l] = av + fabsf(xs[l]);
            scales[j] = fit_scale_min(xs, w, L + 32 * j, &mins[j], Laux);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        float inv_s = max_scale > 0 ? 63.0f / max_scale : 0.0f, inv_m = max_min > 0 ? 63.0f / max_min : 0.0f;
        memset(y[b].scales, 0, sizeof y[b].scales);
        for (int j = 0; j < 8; j++) {
            /* the byte conversion wraps as the format's tools do before clamping */
            uint8_t ls = (uint8_t)nearest(inv_s * scales[j]), lm = (uint8_t)nearest(inv_m * mins[j]);
            ls = QMIN(63, ls), lm = QMIN(63, lm);
            if (j < 4) {
                y[b].scales[j] = ls;
                y[b].scales[j + 4] = lm;
            } else {
                y[b].scales[j + 4] = (uint8_t)((ls & 15) | ((lm & 15) << 4));
                y[b].scales[j - 4] |= (uint8_t)((ls >> 4) << 6);
                y[b].scales[j] |= (uint8_t)((lm >> 4) << 6);
            }
        }
        y[b].d = f2h(max_scale / 63.0f);
        y[b].dmin = f2h(max_min / 63.0f);
        for (int j = 0; j < 8; j++) { /* requantize against the rounded scales */
            int sc, m;
            sea__q4k_scale_min(j, y[b].scales, &sc, &m);
            float d = h2f(y[b].d) * (float)sc;
            if (d == 0.0f) continue;
            float dm = h2f(y[b].dmin) * (float)m;
            for (int i = 0; i < 32; i++) L[32 * j + i] = (uint8_t)QMAX(0, QMIN(15, nearest((x[32 * j + i] + dm) / d)));
        }
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++)
                y[b].qs[32 * c + l] = (uint8_t)(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
    }
}

/* ---- Q6_K: per sub-block of 16, the signed scale that best fits (x^2-weighted) over 19
 * candidates; scales to int8 against the block's largest. ---- */

static float fit_scale_signed(const float *x, int8_t *L)
{
    const int n = 16, nmax = 32;
    float amax = 0, vmax = 0;
    for (int i = 0; i < n; i++)
        if (fabsf(x[i]) > amax) amax = fabsf(x[i]), vmax = x[i];
    if (amax < 1e-15f) {
        memset(L, 0, (size_t)n);
        return 0.0f;
    }
    float iscale = -nmax / vmax, sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; i++) {
        int l = QMAX(-nmax, QMIN(nmax - 1, nearest(iscale * x[i])));
        L[i] = (int8_t)(l + nmax);
        float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f, best = scale * sumlx;
    for (int k = -9; k <= 9; k++) {
        if (k == 0) continue;
        iscale = -(nmax + 0.1f * k) / vmax;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = QMAX(-nmax, QMIN(nmax - 1, nearest(iscale * x[i])));
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; i++) L[i] = (int8_t)(nmax + QMAX(-nmax, QMIN(nmax - 1, nearest(iscale * x[i]))));
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

static void quantize_q6_k(sea_bq6_k *y, const float *x, size_t n)
{
    int8_t L[SEA_QKK];
    float scales[16];
    for (size_t b = 0; b < n / SEA_QKK; b++, x += SEA_QKK) {
        float max_scale = 0, max_abs = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = fit_scale_signed(x + 16 * j, L + 16 * j);
            if (fabsf(scales[j]) > max_abs) max_abs = fabsf(scales[j]), max_scale = scales[j];
        }
        memset(&y[b], 0, sizeof y[b]);
        if (max_abs < 1e-15f) continue;
        float iscale = -128.0f / max_scale;
        y[b].d = f2h(1 / iscale);
        for (int j = 0; j < 16; j++) y[b].scales[j] = (int8_t)QMIN(127, nearest(iscale * scales[j]));
        for (int j = 0; j < 16; j++) {
            float d = h2f(y[b].d) * (float)y[b].scales[j];
            if (d == 0.0f) continue;
            for (int i = 0; i < 16; i++) L[16 * j + i] = (int8_t)(QMAX(-32, QMIN(31, nearest(x[16 * j + i] / d))) + 32);
        }
        for (int h = 0; h < 2; h++) {
            const int8_t *Lh = L + 128 * h;
            uint8_t *ql = y[b].ql + 64 * h, *qh = y[b].qh + 32 * h;
            for (int l = 0; l < 32; l++) {
                int q1 = Lh[l], q2 = Lh[l + 32], q3 = Lh[l + 64], q4 = Lh[l + 96];
                ql[l] = (uint8_t)((q1 & 15) | ((q3 & 15) << 4));
                ql[l + 32] = (uint8_t)((q2 & 15) | ((q4 & 15) << 4));
                qh[l] = (uint8_t)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }
}

/* ---- Q8_K (activations): symmetric, 127 levels each side, float scale ---- */

void sea__quantize_q8_k(sea_bq8_k *y, const float *x, size_t n)
{
    for (size_t b = 0; b < n / SEA_QKK; b++, x += SEA_QKK) {
        float amax = 0;
        for (int j = 0; j < SEA_QKK; j++) amax = QMAX(amax, fabsf(x[j]));
        memset(&y[b], 0, sizeof y[b]);
        if (!(amax > 0)) continue;
        float is = 127.0f / amax;
        for (int j = 0; j < SEA_QKK; j++) y[b].qs[j] = (int8_t)QMAX(-127, QMIN(127, nearest(is * x[j])));
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) s += y[b].qs[16 * g + j];
            y[b].bsums[g] = (int16_t)s;
        }
        y[b].d = amax / 127.0f;
    }
}

void sea__dequantize_q8_k(float *dst, const sea_bq8_k *src, size_t n)
{
    for (size_t b = 0; b < n / SEA_QKK; b++)
        for (int j = 0; j < SEA_QKK; j++) dst[b * SEA_QKK + (size_t)j] = src[b].d * (float)src[b].qs[j];
}

void sea__quantize(sea_dtype t, void *dst, const float *x, size_t n)
{
    switch (t) {
    case SEA_DTYPE_Q8_0: sea__quantize_q8_0(dst, x, n); break;
    case SEA_DTYPE_Q4_0: quantize_q4_0(dst, x, n); break;
    case SEA_DTYPE_Q4_K: quantize_q4_k(dst, x, n); break;
    case SEA_DTYPE_Q6_K: quantize_q6_k(dst, x, n); break;
    default: break;
    }
}

/* Dequantize one block of type t into out (32 or 256 floats). */
static void dequant_block(sea_dtype t, float *out, const void *blk)
{
    if (t == SEA_DTYPE_Q8_0) {
        const sea_bq8_0 *b = blk;
        float d = h2f(b->d);
        for (int j = 0; j < 32; j++) out[j] = d * (float)b->qs[j];
    } else if (t == SEA_DTYPE_Q4_0) {
        const sea_bq4_0 *b = blk;
        float d = h2f(b->d);
        for (int j = 0; j < 16; j++) {
            out[j] = d * (float)((b->qs[j] & 15) - 8);
            out[j + 16] = d * (float)((b->qs[j] >> 4) - 8);
        }
    } else if (t == SEA_DTYPE_Q4_K) {
        const sea_bq4_k *b = blk;
        float d = h2f(b->d), dmin = h2f(b->dmin);
        for (int c = 0; c < 4; c++) {
            int sc0, m0, sc1, m1;
            sea__q4k_scale_min(2 * c, b->scales, &sc0, &m0);
            sea__q4k_scale_min(2 * c + 1, b->scales, &sc1, &m1);
            float d0 = d * (float)sc0, n0 = dmin * (float)m0, d1 = d * (float)sc1, n1 = dmin * (float)m1;
            for (int l = 0; l < 32; l++) {
                out[64 * c + l] = d0 * (float)(b->qs[32 * c + l] & 15) - n0;
                out[64 * c + 32 + l] = d1 * (float)(b->qs[32 * c + l] >> 4) - n1;
            }
        }
    } else if (t == SEA_DTYPE_Q6_K) {
        const sea_bq6_k *b = blk;
        float d = h2f(b->d);
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b->ql + 64 * h, *qh = b->qh + 32 * h;
            const int8_t *sc = b->scales + 8 * h;
            float *o = out + 128 * h;
            for (int l = 0; l < 32; l++) {
                int s = l / 16;
                int q1 = ((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                o[l] = d * (float)sc[s] * (float)q1;
                o[l + 32] = d * (float)sc[s + 2] * (float)q2;
                o[l + 64] = d * (float)sc[s + 4] * (float)q3;
                o[l + 96] = d * (float)sc[s + 6] * (float)q4;
            }
        }
    }
}

void sea__dequantize(sea_dtype t, float *dst, const void *src, size_t n)
{
    int bs = sea_dtype_block(t);
    size_t bb = sea_dtype_block_bytes(t);
    if (!bs) return;
    for (size_t b = 0; b < n / (size_t)bs; b++) dequant_block(t, dst + b * (size_t)bs, (const char *)src + b * bb);
}

/* ---- scalar reference dots: exact integer sums per block, one float product per block ---- */

static float dot_q8_0_scalar(const void *w, const void *xq, int nb)
{
    const sea_bq8_0 *a = w, *x = xq;
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int acc = 0;
        for (int j = 0; j < 32; j++) acc += a[b].qs[j] * x[b].qs[j];
        s += h2f(a[b].d) * h2f(x[b].d) * (float)acc;
    }
    return s;
}

static float dot_q4_0_scalar(const void *w, const void *xq, int nb)
{
    const sea_bq4_0 *a = w;
    const sea_bq8_0 *x = xq;
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int acc = 0;
        for (int j = 0; j < 16; j++)
            acc += ((a[b].qs[j] & 15) - 8) * x[b].qs[j] + ((a[b].qs[j] >> 4) - 8) * x[b].qs[j + 16];
        s += h2f(a[b].d) * h2f(x[b].d) * (float)acc;
    }
    return s;
}

static float dot_q4_k_scalar(const void *w, const void *xq, int nb)
{
    const sea_bq4_k *a = w;
    const sea_bq8_k *x = xq;
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int sumi = 0, summ = 0;
        for (int c = 0; c < 4; c++) {
            int sc0, m0, sc1, m1, s0 = 0, s1 = 0;
            sea__q4k_scale_min(2 * c, a[b].scales, &sc0, &m0);
            sea__q4k_scale_min(2 * c + 1, a[b].scales, &sc1, &m1);
            const uint8_t *q = a[b].qs + 32 * c;
            const int8_t *xs = x[b].qs + 64 * c;
            for (int l = 0; l < 32; l++) {
                s0 += (q[l] & 15) * xs[l];
                s1 += (q[l] >> 4) * xs[l + 32];
            }
            sumi += sc0 * s0 + sc1 * s1;
            summ += m0 * (x[b].bsums[4 * c] + x[b].bsums[4 * c + 1]) + m1 * (x[b].bsums[4 * c + 2] + x[b].bsums[4 * c + 3]);
        }
        s += x[b].d * (h2f(a[b].d) * (float)sumi - h2f(a[b].dmin) * (float)summ);
    }
    return s;
}

static float dot_q6_k_scalar(const void *w, const void *xq, int nb)
{
    const sea_bq6_k *a = w;
    const sea_bq8_k *x = xq;
    float s = 0;
    for (int b = 0; b < nb; b++) {
        int sumi = 0;
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = a[b].ql + 64 * h, *qh = a[b].qh + 32 * h;
            const int8_t *sc = a[b].scales + 8 * h, *xs = x[b].qs + 128 * h;
            int p[8] = {0};
            for (int l = 0; l < 32; l++) {
                int g = l / 16;
                p[g] += (((ql[l] & 15) | ((qh[l] & 3) << 4)) - 32) * xs[l];
                p[g + 2] += (((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32) * xs[l + 32];
                p[g + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * xs[l + 64];
                p[g + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * xs[l + 96];
            }
            for (int g = 0; g < 8; g++) sumi += sc[g] * p[g];
        }
        s += x[b].d * h2f(a[b].d) * (float)sumi;
    }
    return s;
}

const sea_qkernels sea__qkernels_scalar = {
    "scalar", {dot_q8_0_scalar, dot_q4_0_scalar, dot_q4_k_scalar, dot_q6_k_scalar}};

#if SEA_HAVE_AVX512
int sea__cpu_has_avx512vnni(void)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}
#endif

const sea_qkernels *sea__qkernels_for(int level)
{
    switch (level) {
#if SEA_HAVE_AVX512
    case SEA_SIMD_AVX512:
        if (sea__cpu_has_avx512vnni()) return &sea__qkernels_avx512vnni;
#if SEA_HAVE_AVX2
        return &sea__qkernels_avx2;
#else
        return &sea__qkernels_scalar;
#endif
#endif
#if SEA_HAVE_AVX2
    case SEA_SIMD_AVX2: return &sea__qkernels_avx2;
#endif
#if SEA_HAVE_NEON
    case SEA_SIMD_NEON: return &sea__qkernels_neon;
#endif
    default: return &sea__qkernels_scalar;
    }
}

int sea__qkernels_all(const sea_qkernels **out, int max)
{
    int n = 0;
    if (n < max) out[n++] = &sea__qkernels_scalar;
#if SEA_HAVE_NEON
    if (n < max && sea__simd_available(SEA_SIMD_NEON)) out[n++] = &sea__qkernels_neon;
#endif
#if SEA_HAVE_AVX2
    if (n < max && sea__simd_available(SEA_SIMD_AVX2)) out[n++] = &sea__qkernels_avx2;
#endif
#if SEA_HAVE_AVX512
    if (n < max && sea__simd_available(SEA_SIMD_AVX512) && sea__cpu_has_avx512vnni()) out[n++] = &sea__qkernels_avx512vnni;
#endif
    return n;
}

/* ---- products ---- */

size_t sea__qact_row_bytes(sea_dtype t, int n_in)
{
    return sea__qt_act_k(t) ? (size_t)(n_in / SEA_QKK) * sizeof(sea_bq8_k) : (size_t)(n_in / SEA_QK32) * sizeof(sea_bq8_0);
}

void sea__qact(sea_dtype t, void *dst, const float *x, size_t ldx, int T, int n_in)
{
    size_t rb = sea__qact_row_bytes(t, n_in);
    for (int i = 0; i < T; i++) {
        void *d = (char *)dst + (size_t)i * rb;
        if (sea__qt_act_k(t)) sea__quantize_q8_k(d, x + (size_t)i * ldx, (size_t)n_in);
        else sea__quantize_q8_0(d, x + (size_t)i * ldx, (size_t)n_in);
    }
}

void sea__qgemm(const sea_qkernels *K, float *y, size_t ldy, const void *xq, size_t xq_stride, int T,
                const sea_mat *w, int r0, int r1)
{
    sea_qdot_fn dot = K->dot[sea__qt_index(w->dtype)];
    int nb = w->cols / sea_dtype_block(w->dtype);
    size_t row_bytes = (size_t)nb * sea_dtype_block_bytes(w->dtype);
    for (int r = r0; r < r1; r++) {
        const void *wr = (const char *)w->data + (size_t)r * row_bytes;
        for (int t = 0; t < T; t++) y[(size_t)t * ldy + (size_t)r] = dot(wr, (const char *)xq + (size_t)t * xq_stride, nb);
    }
}

void sea__qgemm_float(float *y, size_t ldy, const float *x, size_t ldx, int T, const sea_mat *w, int r0, int r1)
{
    int bs = sea_dtype_block(w->dtype), nb = w->cols / bs;
    size_t bb = sea_dtype_block_bytes(w->dtype), row_bytes = (size_t)nb * bb;
    float buf[SEA_QKK];
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w->data + (size_t)r * row_bytes;
        for (int t = 0; t < T; t++) {
            const float *xt = x + (size_t)t * ldx;
            double acc = 0;
            for (int b = 0; b < nb; b++) {
                dequant_block(w->dtype, buf, wr + (size_t)b * bb);
                for (int j = 0; j < bs; j++) acc += (double)buf[j] * (double)xt[(size_t)b * (size_t)bs + (size_t)j];
            }
            y[(size_t)t * ldy + (size_t)r] = (float)acc;
        }
    }
}

/* one product's share of rows [r0, r1) */
static void run_rows(float *y, const float *x, int T, const sea_mat *w, const void *xq, int r0, int r1)
{
    if (sea__qt_index(w->dtype) < 0) {
        int slot = w->dtype == SEA_DTYPE_F16 ? 1 : w->dtype == SEA_DTYPE_BF16 ? 2 : 0;
        sea__kernels()->gemm[slot](y, (size_t)w->rows, x, (size_t)w->cols, T, w->data, w->cols, r0, r1);
    } else if (xq) {
        sea__qgemm(sea__qkernels_for((int)sea__simd_level()), y, (size_t)w->rows, xq,
                   sea__qact_row_bytes(w->dtype, w->cols), T, w, r0, r1);
    } else {
        sea__qgemm_float(y, (size_t)w->rows, x, (size_t)w->cols, T, w, r0, r1);
    }
}

/* The activations are quantized once per product list (per activation type), then rows are
 * split over threads in blocks of 16 exactly as the float driver does. */
void sea__qmatmul_multi(float *const *ys, const float *x, int T, const sea_mat *const *ws, int n, int n_threads)
{
    void *xq[2] = {NULL, NULL}; /* Q8_0 and Q8_K activations */
    const void *xqs[16];
    int n_blocks = 0;
    size_t work = 0;
    for (int i = 0; i < n; i++) {
        n_blocks += (ws[i]->rows + 15) / 16;
        work += (size_t)ws[i]->rows * (size_t)ws[i]->cols * (size_t)T;
        xqs[i] = NULL;
        if (sea__qt_index(ws[i]->dtype) < 0 || i >= 16) continue;
        int k = sea__qt_act_k(ws[i]->dtype);
        if (!xq[k]) {
            xq[k] = sea__work_alloc((size_t)T, sea__qact_row_bytes(ws[i]->dtype, ws[i]->cols) + 1);
            if (xq[k]) sea__qact(ws[i]->dtype, xq[k], x, (size_t)ws[i]->cols, T, ws[i]->cols);
        }
        xqs[i] = xq[k];
    }
    if (n_threads < 1) n_threads = 1;
    if (n_threads > n_blocks) n_threads = n_blocks;
#ifdef _OPENMP
    if (n_threads > 1 && work >= 32768) {
#pragma omp parallel num_threads(n_threads)
        {
            int ith = omp_get_thread_num(), nth = omp_get_num_threads();
            int b0 = (int)((long long)n_blocks * ith / nth), b1 = (int)((long long)n_blocks * (ith + 1) / nth);
            int base = 0;
            for (int i = 0; i < n && base < b1; i++) {
                int nb = (ws[i]->rows + 15) / 16, lo = QMAX(b0, base) - base, hi = QMIN(b1, base + nb) - base;
                if (lo < hi) run_rows(ys[i], x, T, ws[i], i < 16 ? xqs[i] : NULL, lo * 16, QMIN(hi * 16, ws[i]->rows));
                base += nb;
            }
        }
        goto done;
    }
#endif
    (void)work;
    for (int i = 0; i < n; i++) run_rows(ys[i], x, T, ws[i], i < 16 ? xqs[i] : NULL, 0, ws[i]->rows);
#ifdef _OPENMP
done:
#endif
    sea__work_free(xq[0]);
    sea__work_free(xq[1]);
}

static sea_status check_n(sea_dtype t, size_t n, sea_err *err)
{
    int bs = sea_dtype_block(t);
    if (!bs) return sea__err(err, SEA_ERR_ARG, "%s is not a block-quantized type", sea_dtype_name(t));
    if (n % (size_t)bs) return sea__err(err, SEA_ERR_ARG, "%zu values are not whole %s blocks of %d", n, sea_dtype_name(t), bs);
    return SEA_OK;
}

sea_status sea_quantize(sea_dtype t, void *dst, const float *src, size_t n, sea_err *err)
{
    sea_status st = check_n(t, n, err);
    if (st == SEA_OK) sea__quantize(t, dst, src, n);
    return st;
}

sea_status sea_dequantize(sea_dtype t, float *dst, const void *src, size_t n, sea_err *err)
{
    sea_status st = check_n(t, n, err);
    if (st == SEA_OK) sea__dequantize(t, dst, src, n);
    return st;
}
