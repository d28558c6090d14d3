# tests/forward.mk: forward-pass parity with Hugging Face, kernels against their scalar
# reference, sampling and generation.
check_PROGRAMS += tests/check_parity tests/check_kernels tests/check_generate
tests_check_parity_SOURCES = tests/check_parity.c
tests_check_parity_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_parity_LDADD = $(TEST_LDADD)
tests_check_kernels_SOURCES = tests/check_kernels.c
tests_check_kernels_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_kernels_LDADD = $(TEST_LDADD)
tests_check_generate_SOURCES = tests/check_generate.c
tests_check_generate_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_generate_LDADD = $(TEST_LDADD)
