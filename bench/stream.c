/* bench/stream.c: memory bandwidth of this machine, STREAM style: the triad a = b + q*c
 * (counting 24 bytes per element, as STREAM does) and a read-only sum (one stream per thread,
 * what a matrix-vector product over weights does), best of several repetitions, for each thread
 * count from 1 to N. Arrays are far larger than the caches.
 *
 *   bench/stream [--mb M] [--reps R] [--threads N] [--json]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Sum of n floats into SUM_LANES partial sums (8 SSE registers' worth of independent adds),
 * so that memory, not the adder's latency, sets the pace. */
#define SUM_LANES 32
static float sum_lanes(const float *r, size_t n)
{
    float acc[SUM_LANES] = {0}, total = 0;
    size_t i, nfull = n / SUM_LANES * SUM_LANES;
    for (i = 0; i < nfull; i += SUM_LANES)
        for (int j = 0; j < SUM_LANES; j++) acc[j] += r[i + (size_t)j];
    for (; i < n; i++) total += r[i];
    for (int j = 0; j < SUM_LANES; j++) total += acc[j];
    return total;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t mb = 256, n;
    int reps = 7, max_threads = 1, json = 0;
    double *a, *b, *c;
    float *r;
#ifdef _OPENMP
    max_threads = omp_get_num_procs();
#endif
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc) mb = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) max_threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json")) json = 1;
        else {
            fprintf(stderr, "usage: stream [--mb M] [--reps R] [--threads N] [--json]\n");
            return 2;
        }
    }
    n = mb * 1024 * 1024 / sizeof(double);
    a = malloc(n * sizeof *a);
    b = malloc(n * sizeof *b);
    c = malloc(n * sizeof *c);
    r = malloc(2 * n * sizeof *r); /* read-only array of the same byte size */
    if (!a || !b || !c || !r) {
        fprintf(stderr, "stream: out of memory for 3 x %zu MB\n", mb);
        return 1;
    }
    if (json) printf("{\"array_mb\":%zu,\"results\":[", mb);
    for (int nt = 1; nt <= max_threads; nt++) {
        double best_triad = 0, best_read = 0;
        long i;
#ifdef _OPENMP
        omp_set_num_threads(nt);
#endif
#pragma omp parallel for
        for (i = 0; i < (long)n; i++) a[i] = 1.0, b[i] = 2.0, c[i] = 0.5, r[2 * i] = r[2 * i + 1] = 1.0f;
        for (int k = 0; k < reps; k++) {
            double t0 = now(), t1, t2;
            float total = 0;
            const double q = 3.0;
#pragma omp parallel for
            for (i = 0; i < (long)n; i++) a[i] = b[i] + q * c[i];
            t1 = now();
            /* a read-only stream: each thread sums its share */
#pragma omp parallel reduction(+ : total)
            {
                size_t ith = 0, nth = 1, len = 2 * n;
#ifdef _OPENMP
                ith = (size_t)omp_get_thread_num(), nth = (size_t)omp_get_num_threads();
#endif
                total += sum_lanes(r + len * ith / nth, len * (ith + 1) / nth - len * ith / nth);
            }
            t2 = now();
            if (total != (float)(2 * n) && total < 0) printf("?"); /* keep the sum alive */
            if (24.0 * (double)n / (t1 - t0) > best_triad) best_triad = 24.0 * (double)n / (t1 - t0);
            if (8.0 * (double)n / (t2 - t1) > best_read) best_read = 8.0 * (double)n / (t2 - t1);
        }
        if (json)
            printf("%s{\"threads\":%d,\"triad_gb_per_s\":%.2f,\"read_gb_per_s\":%.2f}", nt > 1 ? "," : "", nt,
                   best_triad / 1e9, best_read / 1e9);
        else
            printf("threads %d: triad %.2f GB/s, read-only %.2f GB/s (best of %d, arrays %zu MB)\n", nt,
                   best_triad / 1e9, best_read / 1e9, reps, mb);
    }
    if (json) printf("]}\n");
    free(a), free(b), free(c), free(r);
    return 0;
}
