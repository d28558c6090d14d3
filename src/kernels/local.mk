# src/kernels: CPU detection and the float kernels (scalar reference + SIMD beside it).
# SIMD sources are compiled into convenience libraries with their own flags; any area may
# add files to them with `+=` inside the same conditional.
libsea_core_la_SOURCES += src/kernels/cpu.c src/kernels/matmul.c
noinst_HEADERS += src/kernels/cpu.h src/kernels/matmul.h
# block-quantized weights (GGUF types): scalar reference + SIMD files below
libsea_core_la_SOURCES += src/kernels/quant.c
noinst_HEADERS += src/kernels/quant.h

if SEA_AVX2
noinst_LTLIBRARIES += libsea_avx2.la
libsea_avx2_la_SOURCES = src/kernels/simd_avx2.c src/kernels/quant_avx2.c
libsea_avx2_la_CFLAGS = $(AM_CFLAGS) $(AVX2_CFLAGS)
libsea_core_la_LIBADD += libsea_avx2.la
endif
if SEA_AVX512
noinst_LTLIBRARIES += libsea_avx512.la
libsea_avx512_la_SOURCES = src/kernels/simd_avx512.c src/kernels/quant_avx512.c
libsea_avx512_la_CFLAGS = $(AM_CFLAGS) $(AVX512_CFLAGS)
libsea_core_la_LIBADD += libsea_avx512.la
endif
if SEA_NEON
libsea_core_la_SOURCES += src/kernels/simd_neon.c src/kernels/quant_neon.c
endif
EXTRA_DIST += src/kernels/simd_avx2.c src/kernels/simd_avx512.c src/kernels/simd_neon.c
EXTRA_DIST += src/kernels/quant_avx2.c src/kernels/quant_avx512.c src/kernels/quant_neon.c
