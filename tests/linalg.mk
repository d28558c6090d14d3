# tests/linalg.mk: Check suites for src/linalg: QR, Jacobi and randomized SVD against LAPACK-style accuracy ratios (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_linalg
tests_check_linalg_SOURCES = tests/check_linalg.c
tests_check_linalg_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_linalg_LDADD = $(TEST_LDADD)
