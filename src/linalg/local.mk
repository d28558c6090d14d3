# src/linalg: Householder QR, Jacobi and randomized SVD in double
seainclude_HEADERS += include/sea/linalg.h
libsea_core_la_SOURCES += src/linalg/gemm.c src/linalg/syrk.c src/linalg/qr.c src/linalg/svd_jacobi.c src/linalg/rsvd.c src/linalg/crosscov.c \
	src/linalg/syev.c src/linalg/svd_gram.c
noinst_HEADERS += src/linalg/linalg_internal.h src/linalg/gemm_blocks.h
if SEA_AVX2
libsea_avx2_la_SOURCES += src/linalg/gemm_avx2.c src/linalg/symv_avx2.c
endif
if SEA_AVX512
libsea_avx512_la_SOURCES += src/linalg/gemm_avx512.c src/linalg/symv_avx512.c
endif
EXTRA_DIST += src/linalg/gemm_avx2.c src/linalg/gemm_avx512.c src/linalg/symv_avx2.c src/linalg/symv_avx512.c
