/* src/linalg/gemm_blocks.h: the blocking pieces that gemm.c and syrk.c share (not installed):
 * block sizes, packing into micro-panels, and the loop over the micro-tiles of one block with
 * its output either column-major or in the packed-operand layout. */
#ifndef SEA_LINALG_GEMM_BLOCKS_H
#define SEA_LINALG_GEMM_BLOCKS_H

#include "linalg/linalg_internal.h"

/* Block sizes for a Zen 4/5-class core (48 KiB L1d, 1 MiB L2): a kc x nr panel of B (23 KiB)
 * stays in L1 while the mc x kc block of A (360 KiB) streams from L2; kc x nc of B lives in
 * L3. MC and NC are multiples of every mr and nr (lcm 48), so a slab or column range that
 * starts on a multiple of them puts the tiles on the same grid. */
#define SEA__MC 192
#define SEA__NC 2016

/* Where the tiles go: column-major (c, ldc) or the packed layout of a sea__apack. */
typedef struct sea__cout {
    double *c;
    size_t ldc;
    const sea__apack *packed;
} sea__cout;

/* op(A)[i0 : i0 + mc, p0 : p0 + kc] into mr-row micro-panels (kc x mr each, zero-padded). */
void sea__pack_a(double *dst, const sea__mat *a, size_t i0, size_t p0, size_t mc, size_t kc, size_t mr);
/* op(B)[p0 : p0 + kc, j0 : j0 + nc] into nr-column micro-panels (kc x nr each, zero-padded). */
void sea__pack_b(double *dst, const sea__mat *b, size_t p0, size_t j0, size_t kc, size_t nc, size_t nr);

/* All micro-tiles of the packed block pa (mc x kc) times pb (kc x nc) into C rows i0.., columns
 * j0..; upper != 0 skips the tiles strictly below the diagonal. Edge tiles run the same kernel
 * on a copy, so each element's arithmetic does not depend on where the tile grid falls. */
void sea__tiles(const sea__dgemm_kernel *kern, const double *pa, const double *pb, size_t mc, size_t nc, size_t kc,
                double alpha, int overwrite, const sea__cout *c, size_t i0, size_t j0, int upper);

/* Address of element (i, p) of a packed operand. */
double *sea__apack_at(const sea__apack *pk, size_t i, size_t p);

#endif /* SEA_LINALG_GEMM_BLOCKS_H */
