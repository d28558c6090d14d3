/* src/kernels/cpu.h: which SIMD instruction sets this CPU has, detected once at run time, and
 * which kernel family the library uses. sea_set_simd("scalar"|"avx2"|...) (the sea tool: SEA_SIMD
 * in the environment) and sea__simd_force (tests) lower the choice, so each family can be
 * compared against the scalar reference on one machine. */
#ifndef SEA_KERNELS_CPU_H
#define SEA_KERNELS_CPU_H

typedef enum sea_simd {
    SEA_SIMD_SCALAR = 0,
    SEA_SIMD_NEON = 1,
    SEA_SIMD_AVX2 = 2,   /* AVX2 + FMA + F16C */
    SEA_SIMD_AVX512 = 3  /* AVX-512 F/BW/VL/DQ + FMA + F16C */
} sea_simd;

/* Best family both compiled in and supported by the CPU (and allowed by sea_set_simd). Cached. */
sea_simd sea__simd_level(void);
/* Families compiled in and supported by this CPU, ignoring sea_set_simd (for tests). */
int sea__simd_available(sea_simd level);
/* Override the choice (tests and benchmarks); returns the previous level. A level that is not
 * available is clamped down. */
sea_simd sea__simd_force(sea_simd level);
const char *sea__simd_name(sea_simd level);

#endif /* SEA_KERNELS_CPU_H */
