/* src/linalg/linalg_internal.h: pieces shared inside src/linalg and with src/sea (not
 * installed): the gemm micro-kernel table, OpenMP thread-count helper, vector kernels for the
 * Jacobi rotations, and checks used by several routines. */
#ifndef SEA_LINALG_INTERNAL_H
#define SEA_LINALG_INTERNAL_H

#include <stddef.h>

#include "core/internal.h"
#include "sea/linalg.h"

/* A gemm micro-kernel computes C[0:mr, 0:nr] += alpha · Σ_p a[p·mr + i]·b[p·nr + j] over p < kc,
 * from packed panels (a: kc x mr, b: kc x nr, both zero-padded), C column-major. */
typedef void (*sea__dgemm_kernel_fn)(size_t kc, const double *a, const double *b, double *c,
                                     size_t ldc, double alpha);
typedef struct sea__dgemm_kernel {
    sea__dgemm_kernel_fn fn;
    size_t mr, nr;
    const char *name;
} sea__dgemm_kernel;

void sea__dgemm_kernel_scalar(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha);
#if SEA_HAVE_AVX2
void sea__dgemm_kernel_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                            double alpha);
double sea__ddot_avx2(size_t n, const double *x, const double *y);
void sea__drot_avx2(size_t n, double *x, double *y, double c, double s);
void sea__daxpy_avx2(size_t n, double alpha, const double *x, double *y);
#endif
#if SEA_HAVE_AVX512
void sea__dgemm_kernel_avx512(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha);
double sea__ddot_avx512(size_t n, const double *x, const double *y);
void sea__drot_avx512(size_t n, double *x, double *y, double c, double s);
void sea__daxpy_avx512(size_t n, double alpha, const double *x, double *y);
#endif

/* The kernel for the current SIMD level (sea__simd_level). */
const sea__dgemm_kernel *sea__dgemm_pick(void);
/* Same, with an explicit level (tests compare every level against the scalar one). */
const sea__dgemm_kernel *sea__dgemm_kernel_for(int level);
/* sea_dgemm with an explicit kernel (used by tests). */
sea_status sea__dgemm_with(const sea__dgemm_kernel *kern, int trans_a, int trans_b, size_t m,
                           size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc,
                           int n_threads, sea_err *err);

/* Dot product and plane rotation (x, y) <- (c·x − s·y, s·x + c·y) for the current SIMD level;
 * the scalar versions are the reference. */
double sea__ddot(size_t n, const double *x, const double *y);
void sea__drot(size_t n, double *x, double *y, double c, double s);
/* y += alpha x */
void sea__daxpy(size_t n, double alpha, const double *x, double *y);
void sea__daxpy_scalar(size_t n, double alpha, const double *x, double *y);
double sea__ddot_scalar(size_t n, const double *x, const double *y);
void sea__drot_scalar(size_t n, double *x, double *y, double c, double s);


/* Threads to use for n_threads (<= 0: OpenMP's maximum; 1 without OpenMP). */
int sea__threads(int n_threads);

/* 1 if every element of the m x n column-major matrix is finite. */
int sea__all_finite(const double *a, size_t lda, size_t m, size_t n);

/* Thin Q (m x q) of a QR left by sea_qr, written to q (ldq >= m). */
sea_status sea__qr_form_q(double *q, size_t ldq, size_t m, const double *a, size_t lda, size_t nq,
                          const double *tau, int n_threads, sea_err *err);

/* Deterministic standard normal generator (xoshiro256** + Box-Muller), for sketches and
 * tests. */
typedef struct sea__rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} sea__rng;
void sea__rng_seed(sea__rng *r, uint64_t seed);
uint64_t sea__rng_u64(sea__rng *r);
double sea__rng_uniform(sea__rng *r); /* (0, 1) */
double sea__rng_normal(sea__rng *r);

#endif /* SEA_LINALG_INTERNAL_H */
