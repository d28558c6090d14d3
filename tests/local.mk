# tests: Check suites (make check). Suites that need the large conformance data in
# ../shared read $SEA_SHARED and report SKIP when it is unset.
if HAVE_CHECK
TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -D_POSIX_C_SOURCE=200809L \
	-DSEA_TEST_FIXTURES='"$(abs_top_srcdir)/tests/fixtures"' $(CHECK_CFLAGS)
TEST_LDADD = libsea.la $(CHECK_LIBS) -lm

# one fragment per source folder it tests (tests/<folder>.mk), plus the cross-cutting
# security suites
include tests/io.mk
include tests/kernels.mk
include tests/model.mk
include tests/tokenizer.mk
include tests/linalg.mk
include tests/spectral.mk
include tests/eval.mk
include tests/cli.mk
include tests/security.mk
endif

TESTS += $(check_PROGRAMS)
AM_TESTS_ENVIRONMENT = CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT;
noinst_HEADERS += tests/testutil.h
EXTRA_DIST += tests/fixtures
