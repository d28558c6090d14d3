/* bench/peak.c: the machine's float32 FMA throughput, per core and for N threads: each
 * thread runs NACC independent accumulator chains of fused multiply-adds in registers (no
 * memory traffic), so the figure is the core's FMA peak (issue rate x lanes x 2 flops), the
 * denominator for "prefill at x % of peak". AVX-512 or AVX2+FMA chosen at run time (compiled
 * per ISA with target attributes), a scalar loop elsewhere.
 *
 * usage: peak [--threads N] [--seconds S] [--json]   (default: 1 thread, then all cores) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PEAK_X86 1
#endif

#define NACC 12 /* independent chains (more than FMA latency x FMA ports); the SIMD loops below are written out for 12 */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Each function runs `iters` rounds of NACC vector FMAs and returns a value that depends on
 * every accumulator (so nothing is optimised away); flops = iters x NACC x lanes x 2. */
#ifdef PEAK_X86
__attribute__((target("avx512f"))) static float run_avx512(long iters)
{
    __m512 a = _mm512_set1_ps(0.9999999f), b = _mm512_set1_ps(1e-7f);
    __m512 c[1];
    float out[16], s = 0;
    __m512 c0 = _mm512_set1_ps(0), c1 = _mm512_set1_ps(1), c2 = _mm512_set1_ps(2), c3 = _mm512_set1_ps(3), c4 = _mm512_set1_ps(4), c5 = _mm512_set1_ps(5);
    __m512 c6 = _mm512_set1_ps(6), c7 = _mm512_set1_ps(7), c8 = _mm512_set1_ps(8), c9 = _mm512_set1_ps(9), c10 = _mm512_set1_ps(10), c11 = _mm512_set1_ps(11);
    /* twelve named accumulators (an array would be kept in memory at -O2) */
    for (long it = 0; it < iters; it++) {
        c0 = _mm512_fmadd_ps(c0, a, b);
        c1 = _mm512_fmadd_ps(c1, a, b);
        c2 = _mm512_fmadd_ps(c2, a, b);
        c3 = _mm512_fmadd_ps(c3, a, b);
        c4 = _mm512_fmadd_ps(c4, a, b);
        c5 = _mm512_fmadd_ps(c5, a, b);
        c6 = _mm512_fmadd_ps(c6, a, b);
        c7 = _mm512_fmadd_ps(c7, a, b);
        c8 = _mm512_fmadd_ps(c8, a, b);
        c9 = _mm512_fmadd_ps(c9, a, b);
        c10 = _mm512_fmadd_ps(c10, a, b);
        c11 = _mm512_fmadd_ps(c11, a, b);
    }
    c[0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)), _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7))),
                  _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
    _mm512_storeu_ps(out, c[0]);
    for (int i = 0; i < 16; i++) s += out[i];
    return s;
}

__attribute__((target("avx2,fma"))) static float run_avx2(long iters)
{
    __m256 a = _mm256_set1_ps(0.9999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c[1];
    float out[8], s = 0;
    __m256 c0 = _mm256_set1_ps(0), c1 = _mm256_set1_ps(1), c2 = _mm256_set1_ps(2), c3 = _mm256_set1_ps(3), c4 = _mm256_set1_ps(4), c5 = _mm256_set1_ps(5);
    __m256 c6 = _mm256_set1_ps(6), c7 = _mm256_set1_ps(7), c8 = _mm256_set1_ps(8), c9 = _mm256_set1_ps(9), c10 = _mm256_set1_ps(10), c11 = _mm256_set1_ps(11);
    /* twelve named accumulators (an array would be kept in memory at -O2) */
    for (long it = 0; it < iters; it++) {
        c0 = _mm256_fmadd_ps(c0, a, b);
        c1 = _mm256_fmadd_ps(c1, a, b);
        c2 = _mm256_fmadd_ps(c2, a, b);
        c3 = _mm256_fmadd_ps(c3, a, b);
        c4 = _mm256_fmadd_ps(c4, a, b);
        c5 = _mm256_fmadd_ps(c5, a, b);
        c6 = _mm256_fmadd_ps(c6, a, b);
        c7 = _mm256_fmadd_ps(c7, a, b);
        c8 = _mm256_fmadd_ps(c8, a, b);
        c9 = _mm256_fmadd_ps(c9, a, b);
        c10 = _mm256_fmadd_ps(c10, a, b);
        c11 = _mm256_fmadd_ps(c11, a, b);
    }
    c[0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)), _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7))),
                  _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
    _mm256_storeu_ps(out, c[0]);
    for (int i = 0; i < 8; i++) s += out[i];
    return s;
}
#endif

static float run_scalar(long iters)
{
    float c[NACC], s = 0;
    volatile float va = 0.9999999f, vb = 1e-7f;
    float a = va, b = vb;
    for (int i = 0; i < NACC; i++) c[i] = (float)i;
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < NACC; i++) c[i] = c[i] * a + b;
    for (int i = 0; i < NACC; i++) s += c[i];
    return s;
}

typedef float (*run_fn)(long);

/* GFLOP/s of `nt` threads each running fn for about `seconds` (best of 3 rounds). */
static double measure(run_fn fn, int lanes, int nt, double seconds, long calib)
{
    double best = 0;
    volatile float sink = 0;
    for (int round = 0; round < 3; round++) {
        double t0 = now(), t1;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
        {
            float r = fn(calib);
#ifdef _OPENMP
#pragma omp atomic
#endif
            sink += r;
        }
        t1 = now();
        {
            double gf = (double)nt * (double)calib * NACC * lanes * 2.0 / (t1 - t0) / 1e9;
            if (gf > best) best = gf;
        }
    }
    (void)seconds;
    (void)sink;
    return best;
}

int main(int argc, char **argv)
{
    int threads = 0, json = 0, lanes = 1;
    double seconds = 0.5;
    const char *isa = "scalar";
    run_fn fn = run_scalar;
    long calib = 1000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--json")) json = 1;
        else {
            fprintf(stderr, "usage: peak [--threads N] [--seconds S] [--json]\n");
            return 2;
        }
    }
    if (seconds <= 0 || seconds > 60 || threads < 0 || threads > 1024) {
        fprintf(stderr, "peak: --seconds in (0, 60], --threads in [0, 1024]\n");
        return 2;
    }
#ifdef PEAK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        fn = run_avx512;
        lanes = 16;
        isa = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        fn = run_avx2;
        lanes = 8;
        isa = "avx2";
    }
#endif
#ifdef _OPENMP
    if (threads == 0) threads = omp_get_num_procs();
#else
    threads = 1;
#endif
    /* iterations for about `seconds` on one thread */
    for (;;) {
        double t0 = now(), dt;
        volatile float sink = fn(calib);
        (void)sink;
        dt = now() - t0;
        if (dt > seconds / 4 || calib > (1L << 40)) {
            calib = (long)((double)calib * seconds / (dt > 0 ? dt : 1e-9));
            break;
        }
        calib *= 4;
    }
    {
        double one = measure(fn, lanes, 1, seconds, calib), all = measure(fn, lanes, threads, seconds, calib);
        if (json)
            printf("{\"isa\":\"%s\",\"lanes\":%d,\"accumulators\":%d,\"gflops_1_thread\":%.2f,\"threads\":%d,"
                   "\"gflops_n_threads\":%.2f}\n", isa, lanes, NACC, one, threads, all);
        else
            printf("float32 FMA peak (%s, %d lanes, %d independent chains per thread): 1 thread %.1f GFLOP/s, "
                   "%d threads %.1f GFLOP/s (%.1f per thread)\n", isa, lanes, NACC, one, threads, all, all / threads);
    }
    return 0;
}
