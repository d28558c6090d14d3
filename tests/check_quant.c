/* tests/check_quant.c: the block-quantized weight types (kernels/quant.h): hand-computed
 * blocks for each layout, dequant(quant(x)) error bounds, the scalar integer dot against
 * float sums of the dequantized blocks, every SIMD table this CPU runs against the scalar
 * reference, and the matmul driver (quantized activations) against the float path, with
 * results independent of the thread count and of the SIMD family. */
#include "kernels/cpu.h"
#include "kernels/quant.h"
#include "testutil.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t urand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}
static float frand(void) { return (float)((double)urand() / 4294967296.0) * 2.0f - 1.0f; }

static const sea_dtype qtypes[] = {SEA_DTYPE_Q8_0, SEA_DTYPE_Q4_0, SEA_DTYPE_Q4_K, SEA_DTYPE_Q6_K};

START_TEST(test_layout_sizes)
{
    ck_assert_int_eq(sea_dtype_block(SEA_DTYPE_Q8_0), 32);
    ck_assert_int_eq(sea_dtype_block(SEA_DTYPE_Q4_0), 32);
    ck_assert_int_eq(sea_dtype_block(SEA_DTYPE_Q4_K), 256);
    ck_assert_int_eq(sea_dtype_block(SEA_DTYPE_Q6_K), 256);
    ck_assert_uint_eq(sea_dtype_block_bytes(SEA_DTYPE_Q8_0), 34);
    ck_assert_uint_eq(sea_dtype_block_bytes(SEA_DTYPE_Q4_0), 18);
    ck_assert_uint_eq(sea_dtype_block_bytes(SEA_DTYPE_Q4_K), 144);
    ck_assert_uint_eq(sea_dtype_block_bytes(SEA_DTYPE_Q6_K), 210);
    ck_assert_uint_eq(sea_dtype_block_bytes(SEA_DTYPE_F32), 0);
    ck_assert_str_eq(sea_dtype_name(SEA_DTYPE_Q4_K), "Q4_K");
    ck_assert_uint_eq(sea_dtype_size(SEA_DTYPE_Q8_0), 0);
}
END_TEST

/* Hand-computed: x[j] = j - 16. */
START_TEST(test_hand_q8_0_q4_0)
{
    float x[32], y[32];
    sea_bq8_0 b8;
    sea_bq4_0 b4;
    for (int j = 0; j < 32; j++) x[j] = (float)(j - 16);
    sea__quantize(SEA_DTYPE_Q8_0, &b8, x, 32);
    /* d = 16/127; q = round(x * 127/16) */
    ck_assert_uint_eq(b8.d, sea_f32_to_f16(16.0f / 127.0f));
    ck_assert_int_eq(b8.qs[0], -127);
    ck_assert_int_eq(b8.qs[31], 119); /* 15 * 127/16 = 119.06 */
    ck_assert_int_eq(b8.qs[16], 0);
    ck_assert_int_eq(b8.qs[17], 8); /* 7.94 */
    sea__quantize(SEA_DTYPE_Q4_0, &b4, x, 32);
    /* largest magnitude -16 maps to -8: d = 2, q = min(15, trunc(x/2 + 8.5)) */
    ck_assert_uint_eq(b4.d, 0x4000); /* 2.0 */
    ck_assert_uint_eq(b4.qs[0], 0x80);  /* x=-16 -> 0 (low), x=0 -> 8 (high) */
    ck_assert_uint_eq(b4.qs[1], 0x91);  /* x=-15 -> 1, x=1 -> 9 */
    ck_assert_uint_eq(b4.qs[15], 0xf8); /* x=-1 -> trunc(8.0) = 8, x=15 -> 16 clamped to 15 */
    sea__dequantize(SEA_DTYPE_Q4_0, y, &b4, 32);
    ck_assert(y[0] == -16.0f && y[16] == 0.0f && y[31] == 14.0f); /* 31: 15 -> clamped 15 -> 14 */
}
END_TEST

/* Hand-built Q4_K and Q6_K blocks, values computed by hand from the layout. */
START_TEST(test_hand_k_blocks)
{
    sea_bq4_k k4;
    sea_bq6_k k6;
    float y[256];
    memset(&k4, 0, sizeof k4);
    k4.d = 0x3800;    /* 0.5 */
    k4.dmin = 0x3400; /* 0.25 */
    /* sub-block 5: scale = (s[9] & 15) | (s[1] >> 6) << 4 = 3 | 16 = 19,
     *              min   = (s[9] >> 4) | (s[5] >> 6) << 4 = 2 | 32 = 34 */
    k4.scales[9] = 0x23;
    k4.scales[1] = 0x40;
    k4.scales[5] = 0x80;
    k4.scales[0] = 5;    /* sub-block 0: scale 5, min s[4] & 63 = 1 */
    k4.scales[4] = 0x01;
    k4.qs[64] = 0x70; /* value 160 (sub-block 5, high nibble) = 7; value 128 (sub-block 4) = 0 */
    k4.qs[0] = 0x03;  /* value 0 = 3 (sub-block 0); value 32 (sub-block 1) = 0 */
    sea__dequantize(SEA_DTYPE_Q4_K, y, &k4, 256);
    ck_assert(y[160] == 0.5f * 19 * 7 - 0.25f * 34); /* 58 */
    ck_assert(y[161] == -0.25f * 34);
    ck_assert(y[128] == 0.0f);
    ck_assert(y[0] == 0.5f * 5 * 3 - 0.25f * 1);
    ck_assert(y[1] == -0.25f);
    ck_assert(y[32] == 0.0f); /* sub-block 1: scale s[1] & 63 = 0, min s[5] & 63 = 0 */

    memset(&k6, 0, sizeof k6);
    k6.d = 0x3c00; /* 1.0 */
    k6.scales[2] = -3;
    k6.scales[0] = 1;
    k6.scales[15] = 2;
    k6.ql[32] = 0x05;
    k6.qh[0] = 0x08; /* value 32: low 5, high bits (qh[0] >> 2) & 3 = 2: q = 37 - 32 = 5 */
    k6.ql[64 + 63] = 0xa0; /* value 128+96+31 = 255: high nibble of ql[64+32+31] = 10 */
    k6.qh[32 + 31] = 0xc0; /* ... its high bits (qh >> 6) = 3: q = 10 + 48 - 32 = 26 */
    sea__dequantize(SEA_DTYPE_Q6_K, y, &k6, 256);
    ck_assert(y[32] == -15.0f);
    ck_assert(y[0] == -32.0f);  /* q = 0 - 32, scale 1 */
    ck_assert(y[255] == 52.0f); /* scale 2 * 26 */
    ck_assert(y[16] == 0.0f);   /* scale[1] = 0 */
}
END_TEST

/* Bounds on the reconstruction error of random uniform blocks, relative to RMS(x) and per
 * element relative to the block's largest magnitude. */
START_TEST(test_roundtrip_error)
{
    const size_t n = 256 * 64;
    float *x = malloc(n * 4), *y = malloc(n * 4);
    void *q = malloc(n * 2);
    /* RMS(err)/RMS(x) limits and the worst element error in units of the block's max |x| */
    const double rms_lim[] = {0.005, 0.075, 0.06, 0.016}, max_lim[] = {0.0045, 0.13, 0.11, 0.025};
    for (int ti = 0; ti < 4; ti++) {
        sea_dtype t = qtypes[ti];
        int bs = sea_dtype_block(t);
        for (size_t i = 0; i < n; i++) x[i] = frand() * (1.0f + (float)(i / 256)); /* blocks of growing scale */
        sea__quantize(t, q, x, n);
        sea__dequantize(t, y, q, n);
        double se = 0, sx = 0, worst = 0;
        for (size_t b = 0; b < n / (size_t)bs; b++) {
            double amax = 0;
            for (int j = 0; j < bs; j++) amax = fmax(amax, fabs(x[b * bs + j]));
            for (int j = 0; j < bs; j++) {
                double e = fabs((double)x[b * bs + j] - y[b * bs + j]);
                se += e * e, sx += (double)x[b * bs + j] * x[b * bs + j];
                worst = fmax(worst, e / amax);
            }
        }
        ck_assert_msg(sqrt(se / sx) < rms_lim[ti], "%s: relative RMS error %g", sea_dtype_name(t), sqrt(se / sx));
        ck_assert_msg(worst < max_lim[ti], "%s: worst error %g of block max", sea_dtype_name(t), worst);
        /* zeros stay exact zeros */
        memset(x, 0, (size_t)bs * 4);
        sea__quantize(t, q, x, (size_t)bs);
        sea__dequantize(t, y, q, (size_t)bs);
        for (int j = 0; j < bs; j++) ck_assert(y[j] == 0.0f);
    }
    free(x), free(y), free(q);
}
END_TEST

/* weights of type t for rows x n_in: from quantized random floats, or (raw) random block bytes
 * with sane f16 scales (every bit pattern of the quants must be handled) */
static void *make_qw(sea_dtype t, int rows, int n_in, int raw)
{
    size_t bb = sea_dtype_block_bytes(t), nb = (size_t)rows * (size_t)(n_in / sea_dtype_block(t));
    unsigned char *w = malloc(nb * bb);
    if (!raw) {
        float *f = malloc((size_t)rows * (size_t)n_in * 4);
        for (size_t i = 0; i < (size_t)rows * (size_t)n_in; i++) f[i] = frand();
        sea__quantize(t, w, f, (size_t)rows * (size_t)n_in);
        free(f);
        return w;
    }
    for (size_t i = 0; i < nb * bb; i++) w[i] = (unsigned char)urand();
    for (size_t b = 0; b < nb; b++) {
        unsigned char *p = w + b * bb;
        uint16_t d = sea_f32_to_f16(frand() * 0.01f), d2 = sea_f32_to_f16(frand() * 0.01f);
        if (t == SEA_DTYPE_Q6_K) memcpy(p + 208, &d, 2);
        else memcpy(p, &d, 2);
        if (t == SEA_DTYPE_Q4_K) memcpy(p + 2, &d2, 2);
    }
    return w;
}

/* The scalar integer dot equals the float sum of dequantized weights x dequantized
 * activations up to float rounding. */
START_TEST(test_scalar_dot_vs_dequant)
{
    for (int ti = 0; ti < 4; ti++)
        for (int raw = 0; raw < 2; raw++) {
            sea_dtype t = qtypes[ti];
            int n_in = sea_dtype_block(t) * 5;
            void *w = make_qw(t, 1, n_in, raw);
            float *x = malloc((size_t)n_in * 4), *wd = malloc((size_t)n_in * 4), *xd = malloc((size_t)n_in * 4);
            void *xq = malloc(sea__qact_row_bytes(t, n_in));
            for (int i = 0; i < n_in; i++) x[i] = frand() * 3;
            sea__qact(t, xq, x, (size_t)n_in, 1, n_in);
            sea__dequantize(t, wd, w, (size_t)n_in);
            if (sea__qt_act_k(t)) sea__dequantize_q8_k(xd, xq, (size_t)n_in);
            else sea__dequantize(SEA_DTYPE_Q8_0, xd, xq, (size_t)n_in);
            double ref = 0, mag = 0;
            for (int i = 0; i < n_in; i++) ref += (double)wd[i] * xd[i], mag += fabs((double)wd[i] * xd[i]);
            float got = sea__qkernels_scalar.dot[ti](w, xq, n_in / sea_dtype_block(t));
            ck_assert_msg(fabs(got - ref) <= 1e-5 * mag + 1e-12, "%s raw=%d: %g vs %g", sea_dtype_name(t), raw, got, ref);
            /* and the quantized activations are close to x */
            /* half a step, plus the f16 rounding of the Q8_0 scale (2^-11 relative) */
            for (int i = 0; i < n_in; i++) ck_assert(fabsf(xd[i] - x[i]) <= 3.0f / 254 * 1.01f + 3.0f / 2048);
            free(w), free(x), free(wd), free(xd), free(xq);
        }
}
END_TEST

/* Every SIMD table this machine runs against the scalar reference. */
START_TEST(test_simd_vs_scalar)
{
    const sea_qkernels *tabs[8];
    int nt = sea__qkernels_all(tabs, 8), checked = 0;
    ck_assert_int_ge(nt, 1);
    for (int k = 0; k < nt; k++)
        for (int ti = 0; ti < 4; ti++)
            for (int nbk = 1; nbk <= 9; nbk += 2)
                for (int raw = 0; raw < 2; raw++) {
                    sea_dtype t = qtypes[ti];
                    int n_in = sea_dtype_block(t) * nbk;
                    void *w = make_qw(t, 1, n_in, raw);
                    float *x = malloc((size_t)n_in * 4), *wd = malloc((size_t)n_in * 4);
                    void *xq = malloc(sea__qact_row_bytes(t, n_in));
                    for (int i = 0; i < n_in; i++) x[i] = frand();
                    sea__qact(t, xq, x, (size_t)n_in, 1, n_in);
                    sea__dequantize(t, wd, w, (size_t)n_in);
                    double mag = 0;
                    for (int i = 0; i < n_in; i++) mag += fabs((double)wd[i] * x[i]);
                    float ref = sea__qkernels_scalar.dot[ti](w, xq, nbk), got = tabs[k]->dot[ti](w, xq, nbk);
                    ck_assert_msg(fabs((double)got - ref) <= 2e-6 * mag + 1e-12, "%s %s nb=%d raw=%d: %g vs scalar %g",
                                  tabs[k]->name, sea_dtype_name(t), nbk, raw, got, ref);
                    checked++;
                    free(w), free(x), free(wd), free(xq);
                }
    ck_assert_int_eq(checked, nt * 4 * 5 * 2);
}
END_TEST

/* The driver: quantized activations vs the float path (within the activation rounding),
 * identical for 1 and 2 threads and for every SIMD family up to its bound. */
START_TEST(test_matmul_driver)
{
    for (int ti = 0; ti < 4; ti++) {
        sea_dtype t = qtypes[ti];
        int T_[] = {1, 3, 17}, rows = 37, n_in = sea_dtype_block(t) * 3;
        for (int a = 0; a < 3; a++) {
            int T = T_[a];
            sea_mat w = {make_qw(t, rows, n_in, 0), t, rows, n_in};
            float *x = malloc((size_t)T * n_in * 4), *wd = malloc((size_t)rows * n_in * 4);
            float *y1 = malloc((size_t)T * rows * 4), *y2 = malloc((size_t)T * rows * 4), *yf = malloc((size_t)T * rows * 4);
            for (int i = 0; i < T * n_in; i++) x[i] = frand();
            sea__dequantize(t, wd, w.data, (size_t)rows * n_in);
            sea__matmul(y1, x, T, &w, 1);
            sea__matmul(y2, x, T, &w, 2);
            ck_assert_mem_eq(y1, y2, (size_t)T * rows * 4);
            sea__qgemm_float(yf, (size_t)rows, x, (size_t)n_in, T, &w, 0, rows);
            for (int tt = 0; tt < T; tt++)
                for (int r = 0; r < rows; r++) {
                    double bound = 0;
                    for (int k = 0; k < n_in; k++) bound += fabs((double)wd[(size_t)r * n_in + k]);
                    bound = bound * (1.0 / 254 * 1.01 + 1.0 / 2048) + 1e-5; /* act rounding, f16 scale */
                    ck_assert_msg(fabs((double)y1[tt * rows + r] - yf[tt * rows + r]) <= bound, "%s T=%d r=%d: %g vs float %g",
                                  sea_dtype_name(t), T, r, y1[tt * rows + r], yf[tt * rows + r]);
                }
            /* every family through the driver agrees with the scalar one */
            sea_simd prev = sea__simd_force(SEA_SIMD_SCALAR);
            sea__matmul(y2, x, T, &w, 2);
            sea__simd_force(prev);
            for (int i = 0; i < T * rows; i++) ck_assert(fabsf(y1[i] - y2[i]) <= 1e-4f * (1 + fabsf(y2[i])));
            free((void *)w.data), free(x), free(wd), free(y1), free(y2), free(yf);
        }
    }
}
END_TEST

/* Mixed lists (float and quantized weights in one call) give what each gives alone. */
START_TEST(test_matmul_mixed)
{
    int rows = 20, n_in = 256, T = 2;
    float *wf = malloc((size_t)rows * n_in * 4), *x = malloc((size_t)T * n_in * 4);
    for (int i = 0; i < rows * n_in; i++) wf[i] = frand();
    for (int i = 0; i < T * n_in; i++) x[i] = frand();
    sea_mat a = {wf, SEA_DTYPE_F32, rows, n_in}, b = {make_qw(SEA_DTYPE_Q4_K, rows, n_in, 0), SEA_DTYPE_Q4_K, rows, n_in};
    sea_mat c = {make_qw(SEA_DTYPE_Q8_0, rows, n_in, 0), SEA_DTYPE_Q8_0, rows, n_in};
    float ya[40], yb[40], yc[40], za[40], zb[40], zc[40];
    float *ys[3] = {ya, yb, yc};
    const sea_mat *ws[3] = {&a, &b, &c};
    sea__matmul_multi(ys, x, T, ws, 3, 2);
    sea__matmul(za, x, T, &a, 1);
    sea__matmul(zb, x, T, &b, 1);
    sea__matmul(zc, x, T, &c, 1);
    ck_assert_mem_eq(ya, za, sizeof za);
    ck_assert_mem_eq(yb, zb, sizeof zb);
    ck_assert_mem_eq(yc, zc, sizeof zc);
    free(wf), free(x), free((void *)b.data), free((void *)c.data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("quant");
    TCase *tc = tcase_create("quant");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_layout_sizes);
    tcase_add_test(tc, test_hand_q8_0_q4_0);
    tcase_add_test(tc, test_hand_k_blocks);
    tcase_add_test(tc, test_roundtrip_error);
    tcase_add_test(tc, test_scalar_dot_vs_dequant);
    tcase_add_test(tc, test_simd_vs_scalar);
    tcase_add_test(tc, test_matmul_driver);
    tcase_add_test(tc, test_matmul_mixed);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
