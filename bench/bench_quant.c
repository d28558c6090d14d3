/* bench/bench_quant.c: the products of quantized weights (Q8_0, Q4_0, Q4_K, Q6_K) against bf16
 * weights of the same shape, measured in the same run: a decode step (1 token) and a prefill
 * chunk (64 tokens) through sea__matmul, on 1 and 2 threads. Prints milliseconds per product,
 * the weight bytes streamed per second, and the ratio to bf16 (> 1: faster than bf16).
 *
 *   bench/bench_quant [ROWS COLS]      (default 4096 4096: a Llama-2-7B attention projection)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/cpu.h"
#include "kernels/matmul.h"
#include "kernels/quant.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* best of `reps` timings of one product */
static double time_mm(const sea_mat *w, const float *x, float *y, int T, int threads, int reps)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        sea__matmul(y, x, T, w, threads);
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    int rows = argc > 2 ? atoi(argv[1]) : 4096, cols = argc > 2 ? atoi(argv[2]) : 4096;
    size_t n = (size_t)rows * (size_t)cols;
    if (rows < 1 || cols < 256 || cols % 256) {
        fprintf(stderr, "bench_quant: COLS must be a positive multiple of 256\n");
        return 2;
    }
    float *f = malloc(n * 4), *x = malloc((size_t)64 * cols * 4), *y = malloc((size_t)64 * rows * 4);
    uint16_t *bf = malloc(n * 2);
    if (!f || !x || !y || !bf) return 1;
    srand(1);
    for (size_t i = 0; i < n; i++) f[i] = (float)rand() / RAND_MAX - 0.5f;
    for (size_t i = 0; i < (size_t)64 * cols; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
    for (size_t i = 0; i < n; i++) bf[i] = sea_f32_to_bf16(f[i]);
    static const sea_dtype types[] = {SEA_DTYPE_BF16, SEA_DTYPE_Q8_0, SEA_DTYPE_Q6_K, SEA_DTYPE_Q4_K, SEA_DTYPE_Q4_0};
    sea_mat w[5];
    size_t bytes[5];
    for (int k = 0; k < 5; k++) {
        sea_dtype t = types[k];
        w[k].dtype = t, w[k].rows = rows, w[k].cols = cols;
        if (t == SEA_DTYPE_BF16) {
            w[k].data = bf, bytes[k] = n * 2;
        } else {
            bytes[k] = n / (size_t)sea_dtype_block(t) * sea_dtype_block_bytes(t);
            void *q = malloc(bytes[k]);
            if (!q) return 1;
            sea__quantize(t, q, f, n);
            w[k].data = q;
        }
    }
    printf("bench_quant: %d x %d weights, kernels %s (shared machine: figures are noisy)\n", rows, cols,
           sea__simd_name(sea__simd_level()));
    printf("%-6s %3s %7s %10s %9s %9s\n", "type", "thr", "tokens", "ms", "GB/s", "vs bf16");
    for (int threads = 1; threads <= 2; threads++)
        for (int T = 1; T <= 64; T += 63) {
            double base = 0;
            for (int k = 0; k < 5; k++) {
                double dt = time_mm(&w[k], x, y, T, threads, T == 1 ? 20 : 5);
                if (k == 0) base = dt;
                printf("%-6s %3d %7d %10.3f %9.2f %9.2f\n", sea_dtype_name(types[k]), threads, T, dt * 1e3, bytes[k] / dt / 1e9,
                       base / dt);
            }
        }
    return 0;
}
