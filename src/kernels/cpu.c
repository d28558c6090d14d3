/* src/kernels/cpu.c: run-time CPU feature detection for kernel dispatch. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kernels/cpu.h"

static int g_level = -1;

int sea__simd_available(sea_simd level)
{
    switch (level) {
    case SEA_SIMD_SCALAR: return 1;
    case SEA_SIMD_NEON:
#if SEA_HAVE_NEON
        return 1;
#else
        return 0;
#endif
    case SEA_SIMD_AVX2:
#if SEA_HAVE_AVX2 && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("f16c");
#else
        return 0;
#endif
    case SEA_SIMD_AVX512:
#if SEA_HAVE_AVX512 && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
        return 0;
#endif
    }
    return 0;
}

static sea_simd best_available(sea_simd cap)
{
    for (int l = (int)cap; l > 0; l--)
        if (sea__simd_available((sea_simd)l)) return (sea_simd)l;
    return SEA_SIMD_SCALAR;
}

sea_simd sea__simd_level(void)
{
    if (g_level < 0) g_level = (int)best_available(SEA_SIMD_AVX512);
    return (sea_simd)g_level;
}

sea_status sea_set_simd(const char *name, sea_err *err)
{
    sea_simd cap;
    if (!name) return sea__err(err, SEA_ERR_ARG, "sea_set_simd: no kernel family named");
    if (strcmp(name, "scalar") == 0) cap = SEA_SIMD_SCALAR;
    else if (strcmp(name, "neon") == 0) cap = SEA_SIMD_NEON;
    else if (strcmp(name, "avx2") == 0) cap = SEA_SIMD_AVX2;
    else if (strcmp(name, "avx512") == 0) cap = SEA_SIMD_AVX512;
    else return sea__err(err, SEA_ERR_ARG, "kernel family '%s': expected scalar, neon, avx2 or avx512", name);
    g_level = (int)best_available(cap);
    return SEA_OK;
}

sea_simd sea__simd_force(sea_simd level)
{
    sea_simd prev = sea__simd_level();
    g_level = (int)best_available(level);
    return prev;
}

const char *sea__simd_name(sea_simd level)
{
    switch (level) {
    case SEA_SIMD_SCALAR: return "scalar";
    case SEA_SIMD_NEON: return "neon";
    case SEA_SIMD_AVX2: return "avx2";
    case SEA_SIMD_AVX512: return "avx512";
    }
    return "?";
}

const char *sea_simd_name(void)
{
    return sea__simd_name(sea__simd_level());
}
