/* src/kernels/cpu.h: which SIMD instruction sets this CPU has, detected once at run time, and
 * which kernel family the library uses. SEA_SIMD=scalar|avx2|avx512|neon in the environment
 * forces a family (lower than the CPU supports), so tests can compare each against the
 * scalar reference on one machine. */
#ifndef SEA_KERNELS_CPU_H
#define SEA_KERNELS_CPU_H

typedef enum sea_simd {
    SEA_SIMD_SCALAR = 0,
    SEA_SIMD_NEON = 1,
    SEA_SIMD_AVX2 = 2,   /* AVX2 + FMA + F16C */
    SEA_SIMD_AVX512 = 3  /* AVX-512 F/BW/VL/DQ + FMA + F16C */
} sea_simd;

/* Best family both compiled in and supported by the CPU (and allowed by SEA_SIMD). Cached. */
sea_simd sea__simd_level(void);
/* Families compiled in and supported by this CPU, ignoring SEA_SIMD (for tests). */
int sea__simd_available(sea_simd level);
/* Override the choice (tests and benchmarks); returns the previous level. A level that is not
 * available is clamped down. */
sea_simd sea__simd_force(sea_simd level);
const char *sea__simd_name(sea_simd level);

#endif /* SEA_KERNELS_CPU_H */
