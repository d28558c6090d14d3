/* sea/linalg.h: dense linear algebra in double precision for the spectral fit: a blocked
 * matrix multiply, thin Householder QR, one-sided Jacobi SVD and randomized SVD.
 *
 * Storage convention (the one exception to "row-major" in sea headers, chosen because it is
 * LAPACK's and because it makes SEA's data free to use): matrices here are COLUMN-major with a
 * leading dimension. An m x n matrix A has element (i, j) at a[i + j*lda], lda >= max(1, m).
 * A row-major [n, m] array (e.g. activations H [N, d]) is therefore the column-major m x n
 * matrix Hᵀ with lda = m, without any copy.
 *
 * Contracts common to every routine:
 *   - dimensions are size_t; zero dimensions are valid and do nothing (s, tau untouched);
 *   - input with NaN or Inf is refused with SEA_ERR_NUMERIC (the SVDs check; QR and gemm do not
 *     look at values, they propagate them);
 *   - workspace is allocated internally through the library allocator and released before
 *     return (sizes stated per routine); failure gives SEA_ERR_NOMEM and leaves outputs
 *     unspecified;
 *   - n_threads <= 0 means "as many as OpenMP offers", 1 means serial; results are bitwise
 *     independent of the thread count;
 *   - every routine has a portable scalar path; SIMD kernels (AVX2, AVX-512) are chosen at run
 *     time and compute the same sums in a different order (differences ~ 1 ulp per term).
 * Accuracy targets (tests/check_linalg*.c, LAPACK TESTING/EIG ratios with ulp = 2^-52):
 *   ‖A − UΣVᵀ‖₁/(‖A‖₁·max(m,n)·ulp) < 30 and ‖UᵀU − I‖₁/(m·ulp) < 30. */
#ifndef SEA_LINALG_H
#define SEA_LINALG_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- matrix multiply ----
 * C = alpha·op(A)·op(B) + beta·C with op(X) = X (trans = 0) or Xᵀ (trans = 1).
 * op(A) is m x k, op(B) is k x n, C is m x n. beta = 0 overwrites C (NaN in C is not
 * propagated then, as in BLAS). Blocked (packed panels, register micro-kernel), OpenMP over
 * row or column slabs of C. Workspace: about 240·(mc + nc) doubles per thread, mc <= 192,
 * nc <= 2016. */
SEA_API sea_status sea_dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                             const double *a, size_t lda, const double *b, size_t ldb, double beta,
                             double *c, size_t ldc, int n_threads, sea_err *err);

/* ---- symmetric rank-k update (BLAS dsyrk, uplo = 'U') ----
 * Upper triangle of C = alpha·op(A)·op(A)ᵀ + beta·C with op(A) = A (trans = 0, A is n x k) or
 * Aᵀ (trans = 1, A is k x n), C n x n; the strict lower triangle is neither read nor written.
 * Half the flops of the same product through sea_dgemm (only the tiles touching the upper
 * triangle are computed). beta = 0 overwrites. Threads take column ranges of equal area.
 * Workspace: about 256·(mc + nc) doubles per thread. */
SEA_API sea_status sea_dsyrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda, double beta,
                             double *c, size_t ldc, int n_threads, sea_err *err);

/* ---- thin Householder QR ----
 * A (m x n) = Q R with q = min(m, n) reflectors H_i = I − tau_i v_i v_iᵀ (LAPACK dgeqrf layout):
 * on return R is in the upper triangle/trapezoid of A (q x n), v_i below the diagonal of column
 * i with an implicit v_i[i] = 1, tau[0..q). R's diagonal may have either sign. Blocked (panel of
 * 32 columns factorised with level-2 code, trailing update through sea_dgemm with the compact
 * WY form I − V T Vᵀ). Workspace: (m + n)·32 + 32² doubles. */
SEA_API sea_status sea_qr(double *a, size_t lda, size_t m, size_t n, double *tau, int n_threads,
                          sea_err *err);

/* C (m x nc) = Q·C (trans = 0) or Qᵀ·C (trans = 1), with Q = H_0 H_1 … H_{q−1} as left by
 * sea_qr (m x m, applied without forming it). To get the thin Q (m x q), apply it to the first
 * q columns of the identity. Workspace: (m + nc)·32 + 32² doubles. */
SEA_API sea_status sea_qr_apply(int trans, double *c, size_t ldc, size_t m, size_t nc,
                                const double *a, size_t lda, size_t q, const double *tau,
                                int n_threads, sea_err *err);

/* ---- one-sided Jacobi SVD ---- */
typedef struct sea_svd_params {
    double tol;      /* rotate a pair when |a_iᵀa_j| > tol·‖a_i‖·‖a_j‖; 0 = default sqrt(m)·ulp */
    int max_sweeps;  /* sweep limit (default 60; LAPACK dgesvj uses 30) */
    int precondition;/* 1 (default): QR of A first when m > n, and for m == n an LQ step so the
                        Jacobi runs on a triangular factor with the same left singular vectors */
    int n_threads;   /* 0 = OpenMP default */
    /* Leading part only (0 = full SVD, the default). With energy = K in (0, 1], only the pairs
     * that involve one of the h largest columns are rotated (h grows by doubling as needed),
     * until the leading columns reach K·‖A‖_F² of energy and are certified: a Cholesky
     * factorisation proves every singular value of the rest is below a bound β, and the
     * leading values above β are exact. SEA needs no more than that, and it is much cheaper
     * when the spectrum decays. V is not available in this mode; the rotations stop at the
     * certified part, the other columns of U are unspecified and s[j] NaN beyond n_values. */
    double energy;
    size_t min_lead;   /* leading triplets wanted at least (certified too) */
    size_t min_values; /* leading singular values wanted at least: those beyond the certified
                          triplets are values of the rest from its Gram matrix (Jacobi; squares
                          exact to ~n·ulp·σ₁²) or Ritz values (sea_svd_gram) */
} sea_svd_params;

typedef struct sea_svd_info {
    int sweeps;          /* sweeps performed */
    uint64_t rotations;  /* rotations applied in total */
    double off;          /* max |a_iᵀa_j|/(‖a_i‖‖a_j‖) seen in the last sweep */
    size_t rank;         /* number of singular values > 0 */
    double scale;        /* power of two A was scaled by to keep the sums in range */
    size_t n_valid;      /* leading triplets that are exact: n for the full SVD; in the energy
                            mode the certified count (s[j] is NaN and U's column j unspecified
                            for j >= n_valid) */
    size_t n_values;     /* s[0..n_values) is set: exact up to n_valid, statistics after */
    double tail_bound;   /* energy mode: every singular value beyond n_valid is <= this */
} sea_svd_info;

SEA_API sea_svd_params sea_svd_default_params(void);

/* SVD A = U·diag(s)·Vᵀ of an m x n matrix with m >= n (transpose first otherwise).
 * On return A holds U (m x n, orthonormal columns; the columns for zero singular values are
 * completed to an orthonormal set), s[0..n) the singular values, descending, >= 0.
 * v may be NULL (V not wanted: cheaper, as SEA only needs U); else V (n x n) in v with ldv >= n.
 * Convergence: a sweep visits every pair (i < j) once, in a blocked cyclic order; it ends
 * when a sweep rotates no pair. SEA_ERR_NO_CONVERGENCE after max_sweeps sweeps: outputs hold
 * the current (sorted, normalised) approximation and info->off says how far it is; the error
 * message gives both. SEA_ERR_NUMERIC for NaN/Inf in A. info may be NULL. */
SEA_API sea_status sea_svd_jacobi(double *a, size_t lda, size_t m, size_t n, double *s, double *v,
                                  size_t ldv, const sea_svd_params *params, sea_svd_info *info,
                                  sea_err *err);

/* ---- Gram-preconditioned SVD (a time independent of the spectrum) ----
 * Same contract, parameters and outputs as sea_svd_jacobi (tol and max_sweeps apply to its
 * inner Jacobi), computed differently: the eigendecomposition of G = AᵀA (Householder
 * tridiagonalisation, implicit QL for the eigenvalues, inverse iteration for the leading
 * eigenvectors V_h) chooses the leading subspace, and a one-sided Jacobi SVD of A·V_h (whose
 * columns are orthogonal up to the Gram's rounding: two or three sweeps) gives U, the singular
 * values and, in full mode, V. With energy = K > 0 only the leading part is computed: the
 * count the ratio (or min_lead) asks for plus a buffer, h columns; info->n_valid counts the
 * values above info->tail_bound = sqrt(λ_{h+1}(G) + (m + 8n)·ulp·‖A‖_F²), which bounds every
 * value beyond (the Gram's and the eigensolver's rounding, by Weyl's theorem); values after
 * those (min_values) are the Jacobi's Ritz values, then the Gram's sqrt(λ_j). Cost O(m n² + n³)
 * whatever the spectrum: about 1 s for a 2000 x 2000 core on one core of the development VM,
 * where the leading-part Jacobi takes 1-15 s depending on the decay. */
SEA_API sea_status sea_svd_gram(double *a, size_t lda, size_t m, size_t n, double *s, double *v, size_t ldv,
                                const sea_svd_params *params, sea_svd_info *info, sea_err *err);

/* ---- randomized SVD (Halko, Martinsson & Tropp 2011, Alg. 4.4 + 5.1) ----
 * For a linear operator given by products with A and Aᵀ (so A need not be formed). */
typedef struct sea_linop {
    size_t m, n; /* A is m x n */
    /* Y = A·X (trans = 0: X n x ncol, Y m x ncol) or Y = Aᵀ·X (trans = 1: X m x ncol, Y n x
     * ncol), column-major with leading dimensions ldx, ldy. Returns SEA_OK or an error. */
    sea_status (*apply)(const struct sea_linop *op, int trans, const double *x, size_t ldx,
                        size_t ncol, double *y, size_t ldy, sea_err *err);
    void *ctx;
} sea_linop;

/* A linop over an explicit column-major matrix (ctx points at this struct's data). */
typedef struct sea_linop_dense {
    sea_linop op;
    const double *a;
    size_t lda;
    int n_threads;
} sea_linop_dense;
SEA_API void sea_linop_dense_init(sea_linop_dense *d, const double *a, size_t lda, size_t m,
                                  size_t n, int n_threads);

typedef struct sea_rsvd_params {
    size_t oversample; /* extra sketch columns p (default 10; values < 10 are raised to 10) */
    int power_iters;   /* q: -1 = auto (7 if k < min(m,n)/10, else 4; sklearn's rule) */
    uint64_t seed;     /* Gaussian test matrix seed (default fixed: runs are reproducible) */
    int n_threads;
} sea_rsvd_params;

typedef struct sea_rsvd_info {
    size_t sketch;     /* k + p columns used */
    int power_iters;   /* q used */
} sea_rsvd_info;

SEA_API sea_rsvd_params sea_rsvd_default_params(void);

/* Leading k singular triplets of op: u (m x k, ldu >= m) orthonormal, s[0..k) descending.
 * Sketch Y = A·Ω with l = min(k + p, min(m,n)) Gaussian columns, q power iterations
 * re-orthonormalised (QR) after every product with A and Aᵀ, then the exact SVD (Jacobi) of
 * the small projected matrix Bᵀ = (QᵀA)ᵀ. Requires k <= min(m, n). The singular values are
 * Ritz values: each s[i] <= the true σ_i. */
SEA_API sea_status sea_svd_randomized(double *u, size_t ldu, double *s, size_t k,
                                      const sea_linop *op, const sea_rsvd_params *params,
                                      sea_rsvd_info *info, sea_err *err);

/* ---- small helpers (used by the tests and the fit) ---- */
/* 1-norm (max column sum of |a_ij|) of an m x n matrix. */
SEA_API double sea_dnorm1(const double *a, size_t lda, size_t m, size_t n);
/* Frobenius norm, computed with scaling so it neither overflows nor underflows. */
SEA_API double sea_dnormf(const double *a, size_t lda, size_t m, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* SEA_LINALG_H */
