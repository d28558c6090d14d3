/* src/linalg/linalg_internal.h: pieces shared inside src/linalg and with src/spectral (not
 * installed): the gemm micro-kernel table, OpenMP thread-count helper, vector kernels for the
 * Jacobi rotations, and checks used by several routines. */
#ifndef SEA_LINALG_INTERNAL_H
#define SEA_LINALG_INTERNAL_H

#include <stddef.h>

#include "core/internal.h"
#include "sea/linalg.h"

/* A gemm micro-kernel computes C[0:mr, 0:nr] = alpha · Σ_p a[p·mr + i]·b[p·nr + j] over p < kc
 * (overwrite != 0) or adds it to C (overwrite == 0, one fused multiply-add per element in the
 * SIMD kernels), from packed panels (a: kc x mr, b: kc x nr, both zero-padded), C column-major
 * with leading dimension ldc. */
typedef void (*sea__dgemm_kernel_fn)(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                                     double alpha, int overwrite);
typedef struct sea__dgemm_kernel {
    sea__dgemm_kernel_fn fn;
    size_t mr, nr;
    const char *name;
} sea__dgemm_kernel;

void sea__dgemm_kernel_scalar(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha, int overwrite);
#if SEA_HAVE_AVX2
void sea__dgemm_kernel_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                            double alpha, int overwrite);
double sea__ddot_avx2(size_t n, const double *x, const double *y);
void sea__f2d_avx2(size_t n, const float *x, double *y);
void sea__drot_avx2(size_t n, double *x, double *y, double c, double s);
void sea__daxpy_avx2(size_t n, double alpha, const double *x, double *y);
#endif
#if SEA_HAVE_AVX512
void sea__dgemm_kernel_avx512(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                              double alpha, int overwrite);
double sea__ddot_avx512(size_t n, const double *x, const double *y);
void sea__f2d_avx512(size_t n, const float *x, double *y);
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

/* ---- operands for the blocked products (gemm.c, syrk.c) ----
 * op(X) with X column-major (element (r, c) at p[r + c·ld]) in double or float: float
 * elements (the activations, used in place) are converted exactly to double when packed, so
 * every product is still computed in double. */
typedef struct sea__mat {
    const void *p;
    size_t ld;
    int trans; /* op(X) = Xᵀ */
    int f32;   /* elements are float */
} sea__mat;
sea__mat sea__mat_d(const double *p, size_t ld, int trans);
sea__mat sea__mat_f(const float *p, size_t ld, int trans);

/* A left operand packed once for repeated products: op(A) (m x k) in the kernel's layout,
 * k-blocks of SEA__KC columns, each block a run of mr-row micro-panels (kcb x mr, row
 * index fastest, rows zero-padded to m_pad). Element (i, p) of op(A) is at
 * p_base[(p / KC)·KC·m_pad + (i / mr)·kcb·mr + (p % KC)·mr + i % mr], kcb the width of the
 * block. Symmetric Gram matrices are written straight into this layout (sea__syrk_packed)
 * and then multiplied by thin matrices many times with no further packing. */
#define SEA__KC 240 /* multiple of every kernel's nr (4, 6, 12): output tiles never straddle blocks */
typedef struct sea__apack {
    double *p;
    size_t m, k, m_pad;
    const sea__dgemm_kernel *kern;
} sea__apack;
/* Allocate (big-array allocator) for op(A) m x k with kern's mr; the padding rows are zeroed.
 * Free with sea__apack_free. */
sea_status sea__apack_alloc(sea__apack *pk, const sea__dgemm_kernel *kern, size_t m, size_t k, sea_err *err);
void sea__apack_free(sea__apack *pk);
/* Pack op(A) into an allocated pk. */
void sea__apack_fill(sea__apack *pk, const sea__mat *a);
/* Element (i, j). */
double sea__apack_get(const sea__apack *pk, size_t i, size_t j);
/* Σ a_ij·b_ij over two packed matrices of the same shape and kernel (padding is zero). */
double sea__apack_dot(const sea__apack *a, const sea__apack *b, int n_threads);

/* C (m x n) = alpha·op(A)·op(B) + beta·C with descriptors; a_packed (when not NULL) replaces
 * a and gives m, k and the kernel. Threads take whole slabs of C; each C element is summed in
 * the same order whatever their number. */
sea_status sea__gemm(const sea__dgemm_kernel *kern, size_t m, size_t n, size_t k, double alpha, const sea__mat *a,
                     const sea__apack *a_packed, const sea__mat *b, double beta, double *c, size_t ldc, int n_threads,
                     sea_err *err);

/* Upper triangles of C_g = alpha·op(A_g)·op(A_g)ᵀ + beta·C_g (op(A_g) n x k) for g < count,
 * column-major, the strict lower triangles untouched; one parallel region for all of them
 * (threads take column ranges of equal area; results do not depend on their number). */
sea_status sea__syrk(const sea__dgemm_kernel *kern, size_t count, size_t n, size_t k, double alpha,
                     const sea__mat *a, double beta, double *const *c, size_t ldc, int n_threads, sea_err *err);
/* G_g = op(A_g)·op(A_g)ᵀ (n x n, symmetric) for g < count, written whole into the packed
 * layout of out[g] (allocated by the caller with sea__apack_alloc(.., n, n)): the upper
 * triangle is computed (half the flops), the rest mirrored. */
sea_status sea__syrk_packed(size_t count, size_t n, size_t k, const sea__mat *a, sea__apack *out, int n_threads,
                            sea_err *err);

/* ---- leading triplets of a cross-covariance from Gram matrices (crosscov.c) ----
 * Ω = A0·Asᵀ/N with A0, As d x N given as d x N operands (op = the stored matrix) and their
 * Gram matrices G0 = A0ᵀA0, Gs = AsᵀAs packed (sea__syrk_packed). A sketch of l + 10 or more
 * directions, 2 power iterations, Rayleigh-Ritz; s holds the Ritz values (each <= the true
 * value), U comes from sea__xcov_vectors for any k <= sk. */
typedef struct sea__xsketch {
    size_t sk, l, d, n; /* sketch columns, values wanted, A's shape */
    double *s;          /* [sk] Ritz values, descending */
    double *x, *f;      /* fast path (N-space): U = A0·(X·F), X N x sk, F sk x sk */
    double *u;          /* d-space route: U, d x sk */
} sea__xsketch;
/* route: 0 = the N-space path when well-conditioned, else d-space; 1 = the N-space path only
 * (SEA_ERR_NUMERIC when it does not apply); 2 = d-space only. */
sea_status sea__xcov_sketch(sea__xsketch *o, size_t l, const sea__mat *a0, const sea__mat *as, const sea__apack *g0,
                            const sea__apack *gs, size_t d, size_t N, uint64_t seed, int route, sea_err *err);
/* u (d x k, ld d) = the first k Ritz vectors. SEA_ERR_NUMERIC when the N-space ones are not
 * orthonormal to SEA__ORTH_TOL (then redo the sketch with route 2). */
#define SEA__ORTH_TOL 1e-7
sea_status sea__xcov_vectors(const sea__xsketch *o, size_t k, double *u, const sea__mat *a0, sea_err *err);
/* N-space sketch only: c (N x k, ldc) with U = A0·c, so that several U can come from one
 * product with A0. */
sea_status sea__xcov_coeffs(const sea__xsketch *o, size_t k, double *c, size_t ldc, sea_err *err);
/* max |UᵀU − I| of a d x k matrix (NaN on allocation failure, with err set). */
double sea__orth_error(const double *u, size_t ldu, size_t d, size_t k, sea_err *err);
void sea__xsketch_free(sea__xsketch *o);

/* Dot product and plane rotation (x, y) <- (c·x − s·y, s·x + c·y) for the current SIMD level;
 * the scalar versions are the reference. */
double sea__ddot(size_t n, const double *x, const double *y);
void sea__drot(size_t n, double *x, double *y, double c, double s);
/* y[i] = (double)x[i] (exact), for the current SIMD level */
void sea__f2d(size_t n, const float *x, double *y);
/* y += alpha x */
void sea__daxpy(size_t n, double alpha, const double *x, double *y);
void sea__daxpy_scalar(size_t n, double alpha, const double *x, double *y);
double sea__ddot_scalar(size_t n, const double *x, const double *y);
void sea__drot_scalar(size_t n, double *x, double *y, double c, double s);


/* ---- symmetric eigenproblem pieces (syev.c) ----
 * Householder tridiagonalisation of the symmetric n x n matrix whose LOWER triangle is in a
 * (blocked, dsytrd layout): Qᵀ A Q = T with diagonal d[0..n), subdiagonal e[0..n-1); the
 * reflectors H_i (v_i[i+1] = 1) stay below the subdiagonal, tau[0..n-1). The strict upper
 * triangle of a is used as scratch. */
sea_status sea__sytrd(double *a, size_t lda, size_t n, double *d, double *e, double *tau, int n_threads,
                      sea_err *err);
/* C (n x nc) <- Q·C with the Q left by sea__sytrd. */
sea_status sea__sytrd_apply(double *c, size_t ldc, size_t n, size_t nc, const double *a, size_t lda, const double *tau,
                            int n_threads, sea_err *err);
/* All eigenvalues of the tridiagonal (d, e[0..n-1), e needs n slots) by implicit QL; d gets
 * them unsorted, e is destroyed. -1 if one needs more than 60 iterations. */
int sea__stev_values(double *d, double *e, size_t n);
/* Eigenvectors of the tridiagonal (d, e) for the h eigenvalues lam[0..h) given in DESCENDING
 * order, by inverse iteration (4 solves each), Gram-Schmidt twice inside clusters (gaps below
 * 1e-3·‖T‖): z (n x h, ld ldz), unit columns. */
sea_status sea__stein(const double *d, const double *e, size_t n, const double *lam, size_t h, double *z, size_t ldz,
                      sea_err *err);
/* The fused kernel of the symmetric matrix-vector product, four columns at once: for the
 * columns c_k = a + k·lda (k < 4), rows 0..n: y += Σ_k xs[k]·c_k and dots[k] += c_kᵀx (one
 * read of each column). Scalar reference and AVX2/AVX-512 versions chosen at run time. */
void sea__dsymv4(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y, double *dots);
void sea__dsymv4_scalar(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y,
                        double *dots);
#if SEA_HAVE_AVX2
void sea__dsymv4_avx2(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y, double *dots);
#endif
#if SEA_HAVE_AVX512
void sea__dsymv4_avx512(size_t n, const double *a, size_t lda, const double *xs, const double *x, double *y,
                        double *dots);
#endif
/* Eigenvalues (descending, into w[0..n)) of the symmetric n x n matrix whose lower triangle is
 * in a (destroyed). */
sea_status sea__syev_values(double *a, size_t lda, size_t n, double *w, int n_threads, sea_err *err);

/* Threads to use for n_threads (<= 0: OpenMP's maximum; 1 without OpenMP). */

/* 1 if every element of the m x n column-major matrix is finite. */
int sea__all_finite(const double *a, size_t lda, size_t m, size_t n);

/* Thin Q (m x q) of a QR left by sea_qr, written to q (ldq >= m). */
sea_status sea__qr_form_q(double *q, size_t ldq, size_t m, const double *a, size_t lda, size_t nq,
                          const double *tau, int n_threads, sea_err *err);

/* The random generator (sea__rng) is in core/internal.h (src/core/rng.c). */

#endif /* SEA_LINALG_INTERNAL_H */
