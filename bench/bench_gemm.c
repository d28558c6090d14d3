/* bench/bench_gemm.c: the weight products of the forward pass on their own: GFLOP/s of each
 * kernel family (portable, AVX2, AVX-512) for decode (T = 1, reported as GB/s of weights read)
 * and prefill-sized calls, on TinyLlama's and Llama-2-7B's matrix shapes, bf16 and f32 weights.
 *
 *   bench/bench_gemm [--threads N] [--reps R]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/cpu.h"
#include "kernels/matmul.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int threads = 2, reps = 5;
    static const struct {
        const char *name;
        int rows, cols;
    } shapes[] = {{"tinyllama up   5632x2048", 5632, 2048}, {"tinyllama down 2048x5632", 2048, 5632},
                  {"llama-7b up  11008x4096", 11008, 4096}};
    static const int Ts[] = {1, 16, 128};
    static const sea_dtype dts[] = {SEA_DTYPE_BF16, SEA_DTYPE_F32};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_gemm [--threads N] [--reps R]\n");
            return 2;
        }
    }
    printf("threads %d, best of %d\n%-26s %-5s %5s %-8s %10s %10s\n", threads, reps, "shape", "dtype", "T", "kernels",
           "GFLOP/s", "GB/s(W)");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (size_t di = 0; di < 2; di++)
            for (size_t ti = 0; ti < sizeof Ts / sizeof *Ts; ti++)
                for (int lvl = 0; lvl <= 3; lvl++) {
                    int rows = shapes[s].rows, cols = shapes[s].cols, T = Ts[ti];
                    size_t es = sea_dtype_size(dts[di]), nw = (size_t)rows * cols;
                    void *w;
                    float *x, *y;
                    sea_mat m;
                    double best = 1e30;
                    if (!sea__simd_available((sea_simd)lvl) || lvl == SEA_SIMD_NEON) continue;
                    w = malloc(nw * es);
                    x = malloc((size_t)T * cols * sizeof *x);
                    y = malloc((size_t)T * rows * sizeof *y);
                    if (!w || !x || !y) return 1;
                    memset(w, 0x3c, nw * es); /* bf16 0x3c3c ~ 0.0115, f32 ~ 0.0115 */
                    for (size_t i = 0; i < (size_t)T * cols; i++) x[i] = (float)(i % 7) * 0.1f;
                    m.data = w;
                    m.dtype = dts[di];
                    m.rows = rows;
                    m.cols = cols;
                    sea__simd_force((sea_simd)lvl);
                    for (int r = 0; r < reps; r++) {
                        double t0 = now();
                        sea__matmul(y, x, T, &m, threads);
                        if (now() - t0 < best) best = now() - t0;
                    }
                    printf("%-26s %-5s %5d %-8s %10.1f %10.1f\n", shapes[s].name, sea_dtype_name(dts[di]), T,
                           sea__simd_name((sea_simd)lvl), 2.0 * T * (double)nw / best / 1e9, (double)(nw * es) / best / 1e9);
                    free(w), free(x), free(y);
                }
    return 0;
}
