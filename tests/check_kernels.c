/* tests/check_kernels.c: every kernel family available on this CPU (portable scalar, NEON,
 * AVX2, AVX-512) against the double-precision oracle (tails, odd sizes, all weight types),
 * tiling and thread-split invariance, and the half-precision conversions. */
#include "kernels/cpu.h"
#include "kernels/matmul.h"
#include "testutil.h"

static uint64_t rng = 88172645463325252ull;
static float frand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (float)((double)(rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}

/* weights of a dtype from floats */
static void *make_w(sea_dtype dt, const float *src, size_t n)
{
    void *w = malloc(n * 4);
    for (size_t i = 0; i < n; i++) {
        if (dt == SEA_DTYPE_F32) ((float *)w)[i] = src[i];
        else if (dt == SEA_DTYPE_F16) ((uint16_t *)w)[i] = sea_f32_to_f16(src[i]);
        else ((uint16_t *)w)[i] = sea_f32_to_bf16(src[i]);
    }
    return w;
}

static const int Ts[] = {1, 2, 3, 4, 5, 6, 7, 13, 97, 200};
static const int rows_[] = {1, 3, 4, 5, 17, 64};
static const int n_ins[] = {1, 7, 8, 15, 16, 17, 33, 64, 100, 257};
static const sea_dtype dts[] = {SEA_DTYPE_F32, SEA_DTYPE_F16, SEA_DTYPE_BF16};

START_TEST(test_gemm_vs_reference)
{
    int level = _i;
    const sea_kernels *K;
    int checked = 0;
    if (!sea__simd_available((sea_simd)level)) return;
    K = sea__kernels_for(level);
    for (size_t a = 0; a < sizeof Ts / sizeof *Ts; a++)
        for (size_t b = 0; b < sizeof rows_ / sizeof *rows_; b++)
            for (size_t c = 0; c < sizeof n_ins / sizeof *n_ins; c++)
                for (int di = 0; di < 3; di++) {
                    int T = Ts[a], rows = rows_[b], n_in = n_ins[c];
                    size_t nw = (size_t)rows * (size_t)n_in;
                    float *wf = malloc(nw * 4), *x = malloc((size_t)T * (size_t)n_in * 4);
                    float *y = malloc((size_t)T * (size_t)rows * 4), *yr = malloc((size_t)T * (size_t)rows * 4);
                    void *w;
                    int slot = dts[di] == SEA_DTYPE_F16 ? 1 : dts[di] == SEA_DTYPE_BF16 ? 2 : 0;
                    for (size_t i = 0; i < nw; i++) wf[i] = frand();
                    for (size_t i = 0; i < (size_t)T * (size_t)n_in; i++) x[i] = frand();
                    float *wq = malloc(nw * 4);
                    w = make_w(dts[di], wf, nw);
                    sea__to_f32(wq, w, dts[di], nw); /* the values the kernels see */
                    K->gemm[slot](y, (size_t)rows, x, (size_t)n_in, T, w, n_in, 0, rows);
                    sea__gemm_oracle(yr, (size_t)rows, x, (size_t)n_in, T, w, dts[di], n_in, 0, rows);
                    for (int t = 0; t < T; t++)
                        for (int r = 0; r < rows; r++) {
                            /* float accumulation error bound: n * eps * sum |x w| */
                            double bound = 0;
                            for (int k = 0; k < n_in; k++)
                                bound += fabs((double)x[t * n_in + k] * (double)wq[(size_t)r * n_in + k]);
                            bound = 2.0 * n_in * 6e-8 * bound + 1e-30;
                            ck_assert_msg(fabs((double)y[t * rows + r] - (double)yr[t * rows + r]) <= bound,
                                          "%s dtype %d T=%d rows=%d n_in=%d: %g vs reference %g",
                                          sea__simd_name((sea_simd)level), di, T, rows, n_in,
                                          (double)y[t * rows + r], (double)yr[t * rows + r]);
                        }
                    checked++;
                    free(wf), free(wq), free(x), free(y), free(yr), free(w);
                }
    ck_assert_int_eq(checked, 10 * 6 * 10 * 3);
}
END_TEST

/* Splitting rows or tokens differently gives bit-identical outputs. */
START_TEST(test_gemm_split_invariance)
{
    int level = _i;
    const sea_kernels *K;
    int T = 23, rows = 37, n_in = 75;
    float *x = malloc((size_t)T * n_in * 4), *wf = malloc((size_t)rows * n_in * 4);
    float *full = malloc((size_t)T * rows * 4), *part = malloc((size_t)T * rows * 4);
    void *w;
    if (!sea__simd_available((sea_simd)level)) goto out;
    K = sea__kernels_for(level);
    for (int i = 0; i < T * n_in; i++) x[i] = frand();
    for (int i = 0; i < rows * n_in; i++) wf[i] = frand();
    for (int di = 0; di < 3; di++) {
        int slot = di;
        w = make_w(dts[di], wf, (size_t)rows * n_in);
        K->gemm[slot](full, (size_t)rows, x, (size_t)n_in, T, w, n_in, 0, rows);
        /* rows in uneven pieces */
        K->gemm[slot](part, (size_t)rows, x, (size_t)n_in, T, w, n_in, 0, 5);
        K->gemm[slot](part, (size_t)rows, x, (size_t)n_in, T, w, n_in, 5, 6);
        K->gemm[slot](part, (size_t)rows, x, (size_t)n_in, T, w, n_in, 6, 37);
        ck_assert_msg(memcmp(full, part, (size_t)T * rows * 4) == 0, "row split changes results");
        /* tokens in uneven groups of two or more: the same tiles' order, bit for bit */
        K->gemm[slot](part, (size_t)rows, x, (size_t)n_in, 7, w, n_in, 0, rows);
        K->gemm[slot](part + (size_t)7 * rows, (size_t)rows, x + (size_t)7 * n_in, (size_t)n_in, 2, w, n_in, 0, rows);
        K->gemm[slot](part + (size_t)9 * rows, (size_t)rows, x + (size_t)9 * n_in, (size_t)n_in, T - 9, w, n_in, 0, rows);
        ck_assert_msg(memcmp(full, part, (size_t)T * rows * 4) == 0, "token split changes results");
        /* one token at a time (the decode kernel): row splits still change nothing ... */
        {
            float *one = malloc((size_t)rows * 4), *one2 = malloc((size_t)rows * 4);
            K->gemm[slot](one, (size_t)rows, x, (size_t)n_in, 1, w, n_in, 0, rows);
            K->gemm[slot](one2, (size_t)rows, x, (size_t)n_in, 1, w, n_in, 0, 13);
            K->gemm[slot](one2, (size_t)rows, x, (size_t)n_in, 1, w, n_in, 13, rows);
            ck_assert_msg(memcmp(one, one2, (size_t)rows * 4) == 0, "row split changes decode results");
            /* ... and it agrees with the batched call to float rounding */
            for (int r = 0; r < rows; r++) {
                double mag = 0;
                for (int k = 0; k < n_in; k++) mag += fabs((double)x[k] * (double)wf[(size_t)r * n_in + k]);
                ck_assert_msg(fabs((double)one[r] - (double)full[r]) <= 4.0 * n_in * 6e-8 * mag + 1e-30,
                              "decode row %d: %g vs batched %g", r, (double)one[r], (double)full[r]);
            }
            free(one), free(one2);
        }
        free(w);
    }
out:
    free(x), free(wf), free(full), free(part);
}
END_TEST

START_TEST(test_matmul_threads)
{
    int T = 9, rows = 300, n_in = 130;
    float *x = malloc((size_t)T * n_in * 4), *wf = malloc((size_t)rows * n_in * 4);
    float *y1 = malloc((size_t)T * rows * 4), *y2 = malloc((size_t)T * rows * 4);
    sea_mat m;
    for (int i = 0; i < T * n_in; i++) x[i] = frand();
    for (int i = 0; i < rows * n_in; i++) wf[i] = frand();
    m.data = make_w(SEA_DTYPE_BF16, wf, (size_t)rows * n_in);
    m.dtype = SEA_DTYPE_BF16;
    m.rows = rows;
    m.cols = n_in;
    sea__matmul(y1, x, T, &m, 1);
    sea__matmul(y2, x, T, &m, 2);
    ck_assert(memcmp(y1, y2, (size_t)T * rows * 4) == 0);
    free((void *)m.data), free(x), free(wf), free(y1), free(y2);
}
END_TEST

START_TEST(test_dot_axpy)
{
    int level = _i;
    const sea_kernels *K;
    if (!sea__simd_available((sea_simd)level)) return;
    K = sea__kernels_for(level);
    for (int n = 1; n <= 70; n++) {
        float a[70], b[70], y[70], yr[70];
        double ref = 0, mag = 0;
        for (int i = 0; i < n; i++) {
            a[i] = frand(), b[i] = frand(), y[i] = yr[i] = frand();
            ref += (double)a[i] * b[i];
            mag += fabs((double)a[i] * b[i]);
        }
        ck_assert_msg(fabs((double)K->dot_f32(a, b, n) - ref) <= 2 * n * 6e-8 * mag + 1e-30, "dot n=%d", n);
        K->axpy_f32(y, 0.37f, a, n);
        sea__kernels_scalar.axpy_f32(yr, 0.37f, a, n);
        for (int i = 0; i < n; i++) ck_assert(fabs(y[i] - yr[i]) <= 1e-6);
    }
}
END_TEST

START_TEST(test_half_conversions)
{
    /* every f16 and bf16 value converts to float and back unchanged (NaNs stay NaN) */
    for (uint32_t h = 0; h < 65536; h++) {
        float f = sea_f16_to_f32((uint16_t)h), g = sea_bf16_to_f32((uint16_t)h);
        if (f == f) ck_assert_uint_eq(sea_f32_to_f16(f), h);
        else ck_assert(sea_f16_to_f32(sea_f32_to_f16(f)) != sea_f16_to_f32(sea_f32_to_f16(f)));
        if (g == g) ck_assert_uint_eq(sea_f32_to_bf16(g), h);
    }
    /* round to nearest even at the halfway points, overflow to infinity, subnormals */
    ck_assert_uint_eq(sea_f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);     /* tie -> even (down) */
    ck_assert_uint_eq(sea_f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);     /* tie -> even (up) */
    ck_assert_uint_eq(sea_f32_to_f16(65520.0f), 0x7c00);               /* rounds to inf */
    ck_assert_uint_eq(sea_f32_to_f16(65504.0f), 0x7bff);
    ck_assert_uint_eq(sea_f32_to_f16(5.9604644775390625e-8f), 0x0001); /* smallest subnormal */
    ck_assert_uint_eq(sea_f32_to_f16(2.98023223876953125e-8f), 0x0000);/* half of it: tie to even 0 */
    ck_assert_uint_eq(sea_f32_to_bf16(1.0f + 1.0f / 256), 0x3f80);    /* tie -> even */
    ck_assert_uint_eq(sea_f32_to_bf16(1.0f + 3.0f / 256), 0x3f82);
    ck_assert(sea_f16_to_f32(0x3555) > 0.333f && sea_f16_to_f32(0x3555) < 0.3334f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("kernels");
    tcase_set_timeout(tc, 300);
    /* levels 0..3: scalar, neon, avx2, avx512 (skipped where not available) */
    tcase_add_loop_test(tc, test_gemm_vs_reference, 0, 4);
    tcase_add_loop_test(tc, test_gemm_split_invariance, 0, 4);
    tcase_add_loop_test(tc, test_dot_axpy, 0, 4);
    tcase_add_test(tc, test_matmul_threads);
    tcase_add_test(tc, test_half_conversions);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
