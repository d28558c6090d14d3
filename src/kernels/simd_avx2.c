/* src/kernels/simd_avx2.c: avx2 versions of the float kernels (filled in with the forward pass). */
#include "core/internal.h"

void sea__simd_avx2_present(void);
void sea__simd_avx2_present(void) {}
