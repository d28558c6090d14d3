# tests/kernels.mk: Check suites for src/kernels: every SIMD kernel against its scalar reference and the double-precision oracle (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_kernels
tests_check_kernels_SOURCES = tests/check_kernels.c
tests_check_kernels_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_kernels_LDADD = $(TEST_LDADD)
# the block-quantized weight types (GGUF layouts): hand blocks, error bounds, SIMD vs scalar, driver
check_PROGRAMS += tests/check_quant
tests_check_quant_SOURCES = tests/check_quant.c
tests_check_quant_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_quant_LDADD = $(TEST_LDADD)
